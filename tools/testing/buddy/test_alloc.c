/*
 * test_alloc.c - the buddy allocator against the real kernel/mm/page_alloc.c: split and merge
 * at every order (expand, buddy_merge_likely tail/head placement), fallback and stealing by
 * fallbacks[], CMA pageblocks served only to movable requests (and the half-free rule),
 * per-CPU batching (rmqueue_bulk, free_factor trims) and draining, watermarks and
 * lowmem_reserve, exhaustion, and every bad free reported and kept out of the lists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support_buddy.h"

#define MOVABLE_LOW (GFP_KERNEL | __GFP_MOVABLE) /* movable, lowmem only */
#define NOWARN __GFP_NOWARN

static struct zone *normal(void)
{
	return zone_of(ZONE_NORMAL);
}

/* nr_free of every order of zone. */
static void snapshot(struct zone *zone, unsigned long *nr)
{
	for (unsigned int o = 0; o < MAX_ORDER; o++)
		nr[o] = zone->free_area[o].nr_free;
}

static void assert_snapshot(struct zone *zone, const unsigned long *nr)
{
	for (unsigned int o = 0; o < MAX_ORDER; o++)
		if (zone->free_area[o].nr_free != nr[o])
			fail_msg("order %u: nr_free %lu, expected %lu", o,
				 zone->free_area[o].nr_free, nr[o]);
}

static struct page *first_free(struct zone *zone, unsigned int order, int mt)
{
	return list_first_entry_or_null(&zone->free_area[order].free_list[mt], struct page,
					buddy_list);
}

/* Allocate everything zone-wise allowed by gfp, largest blocks first; returns how many. */
struct held {
	struct page *page;
	unsigned int order;
};
static struct held held[1 << 16];
static int nheld;

static void grab_all(gfp_t gfp)
{
	for (int o = MAX_ORDER - 1; o >= 0; o--) {
		struct page *p;

		while ((p = alloc_pages(gfp | NOWARN, (unsigned int)o)) != NULL) {
			assert_true(nheld < (int)ARRAY_SIZE(held));
			held[nheld].page = p;
			held[nheld++].order = (unsigned int)o;
		}
	}
}

static void release_all(void)
{
	while (nheld)
		__free_pages(held[nheld - 1].page, held[nheld - 1].order), nheld--;
}

/* ---- split and merge ---------------------------------------------------------------------- */

/*
 * For every order: a movable allocation takes the first block of the smallest order >= it on
 * the Movable lists, leaves one buddy at each order in between, and freeing it restores
 * nr_free exactly.
 */
static void test_split_merge_every_order(void **state)
{
	struct buddy_cfg cfg = {.ram = M(64), .no_pagesets = true, .no_wmarks = true};
	unsigned long before[MAX_ORDER], expect[MAX_ORDER];

	(void)state;
	buddy_boot(&cfg);
	ASSERT_FREE_AREAS_OK();
	for (unsigned int order = 0; order < MAX_ORDER; order++) {
		unsigned int k = order;
		struct page *want, *page;

		snapshot(normal(), before);
		while (k < MAX_ORDER && !first_free(normal(), k, MIGRATE_MOVABLE))
			k++;
		assert_true(k < MAX_ORDER);
		want = first_free(normal(), k, MIGRATE_MOVABLE);
		page = alloc_pages(MOVABLE_LOW, order);
		assert_ptr_equal(page, want);
		assert_int_equal(page_to_pfn(page) & ((1UL << order) - 1), 0);
		assert_int_equal(page_count(page), 1);
		assert_false(PageBuddy(page));
		memcpy(expect, before, sizeof(expect));
		expect[k]--;
		for (unsigned int o = order; o < k; o++) {
			expect[o]++;
			/* expand: the upper half at each order is the new head of its list */
			assert_ptr_equal(first_free(normal(), o, MIGRATE_MOVABLE),
					 page + (1UL << o));
		}
		assert_snapshot(normal(), expect);
		ASSERT_FREE_AREAS_OK();
		__free_pages(page, order);
		assert_snapshot(normal(), before);
		ASSERT_FREE_AREAS_OK();
	}
}

/*
 * Free an order-10 block piece by piece, largest piece first: each piece whose would-be
 * parent has a free buddy goes to the list tail (buddy_merge_likely), the order-9 one to
 * the head; the last page merges everything back into one order-10 block.
 */
static void test_merge_tail_placement(void **state)
{
	struct buddy_cfg cfg = {.ram = M(64), .no_pagesets = true, .no_wmarks = true};
	unsigned long before[MAX_ORDER];
	struct page *x;

	(void)state;
	buddy_boot(&cfg);
	snapshot(normal(), before);
	x = alloc_pages(MOVABLE_LOW, 10);
	assert_non_null(x);
	for (int o = 9; o >= 0; o--) {
		struct page *piece = x + (1UL << o);
		struct list_head *list = &normal()->free_area[o].free_list[MIGRATE_MOVABLE];

		set_page_refcounted(piece);
		__free_pages(piece, (unsigned int)o);
		if (o == 9) /* order >= MAX_ORDER - 2: never "likely" */
			assert_ptr_equal(list_first_entry(list, struct page, buddy_list), piece);
		else
			assert_ptr_equal(list_last_entry(list, struct page, buddy_list), piece);
		assert_true(PageBuddy(piece));
		assert_int_equal(buddy_order(piece), o);
	}
	__free_pages(x, 0);
	assert_true(PageBuddy(x));
	assert_int_equal(buddy_order(x), 10);
	assert_ptr_equal(first_free(normal(), 10, MIGRATE_MOVABLE), x);
	assert_snapshot(normal(), before);
	ASSERT_FREE_AREAS_OK();
}

/* A freed block whose buddy is not free and whose parent's buddy is not free: list head. */
static void test_merge_head_placement(void **state)
{
	struct buddy_cfg cfg = {.ram = M(64), .no_pagesets = true, .no_wmarks = true};
	struct page *a, *b;

	(void)state;
	buddy_boot(&cfg);
	a = alloc_pages(MOVABLE_LOW, 10);
	assert_non_null(a);
	/* keep pages 0 and 2 of the block; free page 1: buddy 0 busy, parent's buddy 2 busy */
	b = a + 1;
	set_page_refcounted(b);
	set_page_refcounted(a + 2);
	set_page_refcounted(a + 4);
	/* hand the rest (4..1023) back so the block is otherwise free */
	for (int o = 9; o >= 3; o--) {
		set_page_refcounted(a + (1UL << o));
		__free_pages(a + (1UL << o), (unsigned int)o);
	}
	__free_pages(a + 4, 2);
	set_page_refcounted(a + 3);
	__free_pages(a + 3, 0); /* buddy 2 busy; parent 2-3's buddy 0-1 busy: head */
	assert_ptr_equal(first_free(normal(), 0, MIGRATE_MOVABLE), a + 3);
	__free_pages(b, 0);     /* buddy 0 busy; parent 0-1's buddy 2-3 not free at order 1 */
	assert_ptr_equal(first_free(normal(), 0, MIGRATE_MOVABLE), b);
	__free_pages(a + 2, 0); /* merges with 3 -> order 1 at 2; its buddy 0-1 not free */
	__free_pages(a, 0);     /* merges everything */
	assert_true(PageBuddy(a));
	assert_int_equal(buddy_order(a), 10);
	ASSERT_FREE_AREAS_OK();
}

/* ---- fallback and stealing ------------------------------------------------------------ */

/* Only Movable blocks: an unmovable request steals a whole order-10 block (it changes type). */
static void test_fallback_steals_pageblock(void **state)
{
	struct buddy_cfg cfg = {.ram = M(64), .no_pagesets = true, .no_wmarks = true};
	struct page *page;

	(void)state;
	buddy_boot(&cfg);
	assert_int_equal(nr_blocks(normal(), 10, MIGRATE_UNMOVABLE), 0);
	page = alloc_pages(GFP_KERNEL, 0);
	assert_non_null(page);
	assert_int_equal(get_pageblock_migratetype(page), MIGRATE_UNMOVABLE);
	/* the rest of the stolen block is on the Unmovable lists, one block per order 0..9 */
	for (unsigned int o = 0; o < 10; o++)
		assert_int_equal(nr_blocks(normal(), o, MIGRATE_UNMOVABLE), 1);
	ASSERT_FREE_AREAS_OK();
	__free_pages(page, 0);
	assert_int_equal(nr_blocks(normal(), 10, MIGRATE_UNMOVABLE), 1);
	/* a second unmovable request now finds its own list */
	page = alloc_pages(GFP_KERNEL, 3);
	assert_int_equal(get_pageblock_migratetype(page), MIGRATE_UNMOVABLE);
	__free_pages(page, 3);
	ASSERT_FREE_AREAS_OK();
}

/*
 * A pageblock with a small allocation in it: an unmovable request takes a piece (order 9),
 * moves every free page of the block to the Unmovable lists (move_freepages_block) and
 * claims the block (free + alike >= 512).
 */
static void test_fallback_claims_partial_block(void **state)
{
	struct buddy_cfg cfg = {.ram = M(64), .no_pagesets = true, .no_wmarks = true};
	struct page *blk, *small, *page;

	(void)state;
	buddy_boot(&cfg);
	grab_all(MOVABLE_LOW);
	/* give back one whole pageblock, then take one movable page of it */
	blk = NULL;
	for (int i = 0; i < nheld; i++)
		if (held[i].order == 10) {
			blk = held[i].page;
			held[i] = held[--nheld];
			break;
		}
	assert_non_null(blk);
	__free_pages(blk, 10);
	small = alloc_pages(MOVABLE_LOW, 0);
	assert_ptr_equal(small, blk);
	assert_int_equal(get_pageblock_migratetype(blk), MIGRATE_MOVABLE);
	page = alloc_pages(GFP_KERNEL | NOWARN, 0);
	assert_non_null(page);
	assert_true(page_to_pfn(page) >= page_to_pfn(blk) &&
		    page_to_pfn(page) < page_to_pfn(blk) + 1024);
	assert_int_equal(get_pageblock_migratetype(blk), MIGRATE_UNMOVABLE);
	for (unsigned int o = 0; o < MAX_ORDER; o++)
		assert_int_equal(nr_blocks(normal(), o, MIGRATE_MOVABLE), 0);
	ASSERT_FREE_AREAS_OK();
	__free_pages(page, 0);
	__free_pages(small, 0);
	release_all();
	ASSERT_FREE_AREAS_OK();
}

/*
 * A movable request finding only small blocks (< order 5) on other types' lists may not
 * steal: it takes the smallest that fits (find_smallest), moves just that block, and the
 * pageblock keeps its type.
 */
static void test_fallback_movable_takes_smallest(void **state)
{
	struct buddy_cfg cfg = {.ram = M(64), .no_pagesets = true, .no_wmarks = true};
	struct page *b1, *b2, *page;

	(void)state;
	buddy_boot(&cfg);
	grab_all(MOVABLE_LOW);
	/* two order-10 blocks become Unmovable pageblocks; free an order-2 and an order-4 piece */
	b1 = b2 = NULL;
	for (int i = 0; i < nheld && !b2; i++)
		if (held[i].order == 10)
			(b1 ? (b2 = held[i].page) : (b1 = held[i].page));
	assert_non_null(b2);
	set_pageblock_migratetype(b1, MIGRATE_UNMOVABLE);
	set_pageblock_migratetype(b2, MIGRATE_UNMOVABLE);
	set_page_refcounted(b1 + 4);
	__free_pages(b1 + 4, 2);
	set_page_refcounted(b2 + 16);
	__free_pages(b2 + 16, 4);
	assert_int_equal(nr_blocks(normal(), 2, MIGRATE_UNMOVABLE), 1);
	assert_int_equal(nr_blocks(normal(), 4, MIGRATE_UNMOVABLE), 1);
	page = alloc_pages(MOVABLE_LOW | NOWARN, 0);
	assert_ptr_equal(page, b1 + 4);
	assert_int_equal(get_pageblock_migratetype(b1), MIGRATE_UNMOVABLE);
	assert_int_equal(nr_blocks(normal(), 4, MIGRATE_UNMOVABLE), 1);
	assert_int_equal(nr_blocks(normal(), 0, MIGRATE_MOVABLE), 1); /* b1 + 5 */
	assert_int_equal(nr_blocks(normal(), 1, MIGRATE_MOVABLE), 1); /* b1 + 6 */
	ASSERT_FREE_AREAS_OK();
	__free_pages(page, 0);
	/* (put the pieces back together before release_all frees the blocks whole) */
	page = alloc_pages(MOVABLE_LOW | NOWARN, 2);
	assert_ptr_equal(page, b1 + 4);
	page = alloc_pages(GFP_KERNEL | NOWARN, 4);
	assert_ptr_equal(page, b2 + 16);
	set_page_count(b1 + 4, 0);
	set_page_count(b2 + 16, 0);
	release_all();
	ASSERT_FREE_AREAS_OK();
}

/* ---- CMA ------------------------------------------------------------------------------- */

static const struct buddy_cfg cma_cfg = {
	.ram = M(64), .cma_base = M(32), .cma_size = M(8), .no_pagesets = true, .no_wmarks = true};

static bool in_cma(struct page *page)
{
	unsigned long pfn = page_to_pfn(page);

	return pfn >= PFN_DOWN(M(32)) && pfn < PFN_DOWN(M(40));
}

/* Unmovable and reclaimable requests never get CMA pages, even when nothing else is left. */
static void test_cma_only_movable(void **state)
{
	unsigned long cma_free;

	(void)state;
	buddy_boot(&cma_cfg);
	assert_int_equal(nr_blocks(normal(), 10, MIGRATE_CMA), 2);
	assert_int_equal(normal()->cma_pages, 2048);
	cma_free = zone_page_state(normal(), NR_FREE_CMA_PAGES);
	assert_int_equal(cma_free, 2048);
	grab_all(GFP_KERNEL);
	for (int i = 0; i < nheld; i++)
		assert_false(in_cma(held[i].page));
	release_all();
	grab_all(GFP_KERNEL | __GFP_RECLAIMABLE);
	for (int i = 0; i < nheld; i++)
		assert_false(in_cma(held[i].page));
	assert_int_equal(zone_page_state(normal(), NR_FREE_CMA_PAGES), 2048);
	/* now CMA is more than half of what is free: a movable request is served from CMA */
	{
		struct page *p = alloc_pages(MOVABLE_LOW | NOWARN, 0);

		assert_non_null(p);
		assert_true(in_cma(p));
		assert_int_equal(zone_page_state(normal(), NR_FREE_CMA_PAGES), 2047);
		ASSERT_FREE_AREAS_OK();
		__free_pages(p, 0);
	}
	release_all();
	ASSERT_FREE_AREAS_OK();
}

/* CMA at most half of the free pages: movable requests use Movable blocks first. */
static void test_cma_balance_rule(void **state)
{
	struct page *p;

	(void)state;
	buddy_boot(&cma_cfg);
	assert_true(zone_page_state(normal(), NR_FREE_CMA_PAGES) <
		    zone_page_state(normal(), NR_FREE_PAGES) / 2);
	p = alloc_pages(MOVABLE_LOW, 0);
	assert_false(in_cma(p));
	__free_pages(p, 0);
	/* every CMA page can be taken by movable requests, and comes back to the CMA lists */
	grab_all(MOVABLE_LOW);
	assert_int_equal(zone_page_state(normal(), NR_FREE_CMA_PAGES), 0);
	release_all();
	assert_int_equal(nr_blocks(normal(), 10, MIGRATE_CMA), 2);
	ASSERT_FREE_AREAS_OK();
}

/* ---- per-CPU lists ------------------------------------------------------------------------ */

/* 64 MiB, 4 CPUs: batch 3 (managed ~16k pages); high = low watermark / 4 CPUs. */
static void test_pcp_refill_and_trim(void **state)
{
	struct per_cpu_pages *pcp;
	static struct page *pages[400];
	int high, batch, trims = 0, last, expect_trim[] = {3, 6, 12, 24, 48};

	(void)state;
	buddy_boot_small();
	pcp = per_cpu_ptr(normal()->per_cpu_pageset, 0);
	batch = pcp->batch;
	high = pcp->high;
	assert_int_equal(batch, 3);
	assert_int_equal(high, (int)max(low_wmark_pages(normal()) / 4, 4UL * 3));
	/* an empty list is refilled with max(batch >> order, 2) = 3 pages, one is returned */
	pages[0] = alloc_pages(GFP_KERNEL, 0);
	assert_int_equal(pcp->count, 2);
	assert_int_equal(list_count_nodes(&pcp->lists[MIGRATE_UNMOVABLE]), 2);
	/* the refill took pages in physical order: the two left follow the one returned */
	assert_ptr_equal(list_first_entry(&pcp->lists[0], struct page, pcp_list), pages[0] + 1);
	for (int i = 1; i < 400; i++)
		assert_non_null(pages[i] = alloc_pages(GFP_KERNEL, 0));
	ASSERT_FREE_AREAS_OK();
	/* free them all: each time count reaches high, batch << free_factor pages go back */
	last = pcp->count;
	for (int i = 0; i < 400; i++) {
		__free_pages(pages[i], 0);
		if (pcp->count < last + 1) {
			int freed = last + 1 - pcp->count;

			assert_int_equal(last + 1, high);
			if (trims < (int)ARRAY_SIZE(expect_trim))
				assert_int_equal(freed, min(expect_trim[trims], high - batch));
			trims++;
		}
		assert_true(pcp->count < high);
		last = pcp->count;
	}
	assert_true(trims >= 5);
	assert_int_equal(pcp->free_factor, 5);
	/* an allocation halves free_factor */
	pages[0] = alloc_pages(GFP_KERNEL, 0);
	assert_int_equal(pcp->free_factor, 2);
	__free_pages(pages[0], 0);
	ASSERT_FREE_AREAS_OK();
}

/* Orders 1..3 use their own lists; with free_factor set, a high-order free empties the pcp. */
static void test_pcp_high_orders(void **state)
{
	struct per_cpu_pages *pcp;
	struct page *a, *b;

	(void)state;
	buddy_boot_small();
	pcp = per_cpu_ptr(normal()->per_cpu_pageset, 0);
	a = alloc_pages(GFP_KERNEL, 2);
	/* refill of order 2: max(3 >> 2, 2) = 2 blocks, one returned */
	assert_int_equal(pcp->count, 4);
	assert_int_equal(list_count_nodes(&pcp->lists[2 * MIGRATE_PCPTYPES + MIGRATE_UNMOVABLE]), 1);
	b = alloc_pages(GFP_KERNEL, 4); /* order 4: straight from the buddy lists */
	assert_int_equal(pcp->count, 4);
	__free_pages(b, 4);
	__free_pages(a, 2);
	assert_int_equal(pcp->count, 8);
	pcp->free_factor = 1; /* as after a trim */
	a = alloc_pages(GFP_KERNEL, 1);
	assert_int_equal(pcp->free_factor, 0);
	pcp->free_factor = 1;
	__free_pages(a, 1);   /* free_high: everything goes back */
	assert_int_equal(pcp->count, 0);
	ASSERT_FREE_AREAS_OK();
}

/* Each CPU fills its own pageset; drain_local_pages empties one, drain_all_pages all. */
static void test_pcp_per_cpu_and_drain(void **state)
{
	struct page *p[4];

	(void)state;
	buddy_boot_small();
	for (unsigned int cpu = 0; cpu < 4; cpu++) {
		set_cpu(cpu);
		p[cpu] = alloc_pages(GFP_KERNEL, 0);
		assert_int_equal(per_cpu_ptr(normal()->per_cpu_pageset, cpu)->count, 2);
	}
	for (unsigned int cpu = 0; cpu < 4; cpu++) {
		set_cpu(cpu);
		__free_pages(p[cpu], 0);
		assert_int_equal(per_cpu_ptr(normal()->per_cpu_pageset, cpu)->count, 3);
	}
	ASSERT_FREE_AREAS_OK();
	set_cpu(1);
	drain_local_pages(NULL);
	assert_int_equal(per_cpu_ptr(normal()->per_cpu_pageset, 1)->count, 0);
	assert_int_equal(per_cpu_ptr(normal()->per_cpu_pageset, 0)->count, 3);
	set_cpu(0);
	drain_all_pages(normal());
	assert_int_equal(pcp_pages(normal()), 0);
	/* an offline CPU is skipped by drain_all_pages */
	set_cpu(3);
	p[3] = alloc_pages(GFP_KERNEL, 0);
	__free_pages(p[3], 0);
	set_cpu(0);
	mm_online_cpus = 3;
	drain_all_pages(NULL);
	assert_int_equal(per_cpu_ptr(normal()->per_cpu_pageset, 3)->count, 3);
	mm_online_cpus = 4;
	drain_all_pages(NULL);
	assert_int_equal(pcp_pages(normal()), 0);
	ASSERT_FREE_AREAS_OK();
}

/* Movable requests bypass the pcp only without ALLOC_CMA: with CMA they use the Movable list. */
static void test_pcp_movable_list(void **state)
{
	struct per_cpu_pages *pcp;
	struct page *p;

	(void)state;
	buddy_boot_small();
	pcp = per_cpu_ptr(normal()->per_cpu_pageset, 0);
	p = alloc_pages(MOVABLE_LOW, 0);
	assert_int_equal(list_count_nodes(&pcp->lists[MIGRATE_MOVABLE]), 2);
	__free_pages(p, 0);
	assert_int_equal(list_count_nodes(&pcp->lists[MIGRATE_MOVABLE]), 3);
	ASSERT_FREE_AREAS_OK();
}

/* While kswapd reclaims (ZONE_RECLAIM_ACTIVE), a pcp holds at most 4 batches. */
static void test_pcp_high_while_reclaiming(void **state)
{
	struct per_cpu_pages *pcp;
	static struct page *pages[64];

	(void)state;
	buddy_boot_small();
	pcp = per_cpu_ptr(normal()->per_cpu_pageset, 0);
	for (int i = 0; i < 64; i++)
		pages[i] = alloc_pages(GFP_KERNEL, 0);
	drain_all_pages(NULL);
	normal()->flags |= 1UL << ZONE_RECLAIM_ACTIVE;
	for (int i = 0; i < 64; i++) {
		__free_pages(pages[i], 0);
		assert_true(pcp->count < 4 * pcp->batch);
	}
	normal()->flags &= ~(1UL << ZONE_RECLAIM_ACTIVE);
	ASSERT_FREE_AREAS_OK();
}

/* gfp_zone and gfp_migratetype: which zones and which free lists a request may use. */
static void test_gfp_decoding(void **state)
{
	(void)state;
	assert_int_equal(gfp_zone(GFP_KERNEL), ZONE_NORMAL);
	assert_int_equal(gfp_zone(GFP_ATOMIC), ZONE_NORMAL);
	assert_int_equal(gfp_zone(GFP_KERNEL | __GFP_MOVABLE), ZONE_NORMAL);
	assert_int_equal(gfp_zone(GFP_HIGHUSER), ZONE_HIGHMEM);
	assert_int_equal(gfp_zone(GFP_HIGHUSER_MOVABLE), ZONE_MOVABLE);
	assert_int_equal(gfp_migratetype(GFP_KERNEL), MIGRATE_UNMOVABLE);
	assert_int_equal(gfp_migratetype(GFP_ATOMIC), MIGRATE_UNMOVABLE);
	assert_int_equal(gfp_migratetype(GFP_HIGHUSER_MOVABLE), MIGRATE_MOVABLE);
	assert_int_equal(gfp_migratetype(GFP_KERNEL | __GFP_RECLAIMABLE), MIGRATE_RECLAIMABLE);
	/* Linux 6.1's bit values */
	assert_int_equal(__GFP_ZERO, 0x100);
	assert_int_equal(GFP_KERNEL, 0xcc0);
	assert_int_equal(GFP_ATOMIC, 0xa20);
	assert_int_equal(GFP_HIGHUSER_MOVABLE, 0x100cca);
}

/* ---- watermarks, lowmem_reserve, exhaustion ------------------------------------------------- */

/* Integer square root, independently of the kernel's (binary search on r * r <= x). */
static unsigned long isqrt(unsigned long x)
{
	unsigned long lo = 0, hi = 1UL << 32;

	while (hi - lo > 1) {
		unsigned long mid = (lo + hi) / 2;

		if (mid * mid <= x)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* 3G-like layout: 64 MiB lowmem + 32 MiB HighMem. Watermarks from the formulas. */
static void test_watermark_values(void **state)
{
	struct buddy_cfg cfg = {.ram = M(96), .lowmem_limit = M(64)};
	struct zone *n, *h;
	unsigned long managed, mfk, pmin, step;

	(void)state;
	buddy_boot(&cfg);
	n = normal();
	h = zone_of(ZONE_HIGHMEM);
	managed = n->managed_pages;
	mfk = clamp(isqrt(managed * 4 * 16), 128UL, 262144UL);
	assert_int_equal(min_free_kbytes, mfk);
	pmin = mfk / 4;
	assert_int_equal(n->_watermark[WMARK_MIN], pmin);
	step = max(pmin / 4, managed * 10 / 10000);
	assert_int_equal(n->_watermark[WMARK_LOW], pmin + step);
	assert_int_equal(n->_watermark[WMARK_HIGH], pmin + 2 * step);
	assert_int_equal(n->_watermark[WMARK_PROMO], pmin + 3 * step);
	/* HighMem: min = clamp(managed / 1024, 32, 128); the step still comes from its share
	 * of pages_min (as if it were lowmem) */
	assert_int_equal(h->_watermark[WMARK_MIN], 32);
	assert_int_equal(h->_watermark[WMARK_LOW],
			 32 + max(pmin * h->managed_pages / managed / 4,
				  h->managed_pages * 10 / 10000));
	/* Normal is protected by 1/32 of the pages above it */
	assert_int_equal(n->lowmem_reserve[ZONE_HIGHMEM], h->managed_pages / 32);
	assert_int_equal(n->lowmem_reserve[ZONE_MOVABLE], h->managed_pages / 32);
	assert_int_equal(h->lowmem_reserve[ZONE_MOVABLE], 0);
	assert_int_equal(totalreserve_pages,
			 min(n->managed_pages, n->lowmem_reserve[ZONE_HIGHMEM] +
						   high_wmark_pages(n)) +
				 min(h->managed_pages, high_wmark_pages(h)) + 0 /* Movable: empty */);
	/* pcp high follows the low watermark: split among the 4 online CPUs */
	assert_int_equal(per_cpu_ptr(n->per_cpu_pageset, 2)->high,
			 (int)max(low_wmark_pages(n) / 4, 4UL * (unsigned long)n->pageset_batch));
}

/*
 * Exhaustion: GFP_KERNEL stops at the min watermark (after draining the pcp); GFP_ATOMIC
 * digs to min - min/2 - min/4; freeing everything restores the free lists exactly.
 */
static void test_exhaustion_and_atomic_reserve(void **state)
{
	unsigned long before[MAX_ORDER], minw, freep;
	int kernel_held;

	(void)state;
	buddy_boot_small();
	drain_all_pages(NULL);
	snapshot(normal(), before);
	minw = min_wmark_pages(normal());
	while (nheld < (int)ARRAY_SIZE(held)) {
		struct page *p = alloc_pages(GFP_KERNEL | NOWARN, 0);

		if (!p)
			break;
		held[nheld].page = p;
		held[nheld++].order = 0;
	}
	kernel_held = nheld;
	freep = zone_page_state(normal(), NR_FREE_PAGES);
	assert_int_equal(pcp_pages(normal()), 0); /* the slow path drained them */
	if (!(freep <= minw && freep + 4 >= minw))
		fail_msg("GFP_KERNEL stopped with %lu free, min watermark %lu", freep, minw);
	/* the failure is reported unless __GFP_NOWARN */
	mb_log_clear();
	assert_null(alloc_pages(GFP_KERNEL, 0));
	mm_assert_log("swapper/0: page allocation failure: order:0, mode:0xcc0, nodemask=(null)");
	while (nheld < (int)ARRAY_SIZE(held)) {
		struct page *p = alloc_pages(GFP_ATOMIC | NOWARN, 0);

		if (!p)
			break;
		held[nheld].page = p;
		held[nheld++].order = 0;
	}
	assert_true(nheld > kernel_held);
	freep = zone_page_state(normal(), NR_FREE_PAGES) + pcp_pages(normal());
	{
		long m = (long)minw;

		m -= m / 2;
		m -= m / 4;
		assert_true((long)freep <= m + 4 && (long)freep + 8 >= m);
	}
	ASSERT_FREE_AREAS_OK();
	release_all();
	drain_all_pages(NULL);
	assert_snapshot(normal(), before);
	ASSERT_FREE_AREAS_OK();
}

/* lowmem_reserve keeps HighMem-capable requests out of the last part of Normal. */
static void test_lowmem_reserve_protects_normal(void **state)
{
	struct buddy_cfg cfg = {.ram = M(96), .lowmem_limit = M(64)};
	unsigned long nfree;

	(void)state;
	buddy_boot(&cfg);
	/* HighMem first: a HIGHUSER request lands in HighMem while it has room */
	{
		struct page *p = alloc_pages(GFP_HIGHUSER, 0);

		assert_true(PageHighMem(p));
		__free_pages(p, 0);
	}
	grab_all(GFP_HIGHUSER);
	drain_all_pages(NULL);
	nfree = zone_page_state(normal(), NR_FREE_PAGES);
	/* Normal was used too, but it keeps min + lowmem_reserve[HighMem] */
	if (nfree + 4 < min_wmark_pages(normal()) +
			(unsigned long)normal()->lowmem_reserve[ZONE_HIGHMEM])
		fail_msg("Normal left with %lu free, min %lu + lowmem_reserve %ld", nfree,
			 min_wmark_pages(normal()), normal()->lowmem_reserve[ZONE_HIGHMEM]);
	/* a GFP_KERNEL request (highest zone Normal, reserve[Normal] 0) still gets pages */
	{
		struct page *p = alloc_pages(GFP_KERNEL | NOWARN, 0);

		assert_non_null(p);
		assert_false(PageHighMem(p));
		__free_pages(p, 0);
	}
	release_all();
	ASSERT_FREE_AREAS_OK();
}

/* __GFP_ZERO on HighMem pages: each goes through kmap_local_page (LIFO) and comes out zeroed. */
static void test_highmem_zero(void **state)
{
	struct buddy_cfg cfg = {.ram = M(96), .lowmem_limit = M(64)};
	struct page *p;

	(void)state;
	buddy_boot(&cfg);
	p = alloc_pages(GFP_HIGHUSER, 2);
	assert_true(PageHighMem(p));
	memset(__va(page_to_phys(p)), 0xa5, 4 * PAGE_SIZE); /* dirty it, then give it back */
	__free_pages(p, 2);
	drain_all_pages(NULL);
	kmap_local_calls = 0;
	p = alloc_pages(GFP_HIGHUSER | __GFP_ZERO, 2);
	assert_true(PageHighMem(p));
	assert_int_equal(kmap_local_calls, 4);
	assert_int_equal(kmap_local_depth, 0);
	for (unsigned long i = 0; i < 4 * PAGE_SIZE; i++)
		assert_int_equal(((unsigned char *)__va(page_to_phys(p)))[i], 0);
	__free_pages(p, 2);
	release_all();
	ASSERT_FREE_AREAS_OK();
}

/* __GFP_ZERO, __get_free_pages, free_pages, get_zeroed_page; order 11 refused. */
static void test_gfp_entry_points(void **state)
{
	unsigned long addr;
	struct page *p;

	(void)state;
	buddy_boot_small();
	p = alloc_pages(GFP_KERNEL, 2);
	memset(page_address(p), 0x5a, 4 * PAGE_SIZE);
	__free_pages(p, 2);
	drain_all_pages(NULL);
	p = alloc_pages(GFP_KERNEL | __GFP_ZERO, 2);
	for (unsigned long i = 0; i < 4 * PAGE_SIZE; i++)
		assert_int_equal(((unsigned char *)page_address(p))[i], 0);
	__free_pages(p, 2);
	addr = __get_free_pages(GFP_KERNEL, 1);
	assert_int_not_equal(addr, 0);
	assert_int_equal(addr & (2 * PAGE_SIZE - 1), 0);
	free_pages(addr, 1);
	addr = get_zeroed_page(GFP_KERNEL);
	assert_int_equal(*(unsigned long *)addr, 0);
	free_page(addr);
	free_pages(0, 3); /* nothing */
	mb_warns = 0;
	assert_null(alloc_pages(GFP_KERNEL, MAX_ORDER));
	assert_int_equal(mb_warns, 1);
	assert_null(alloc_pages(GFP_KERNEL | NOWARN, MAX_ORDER));
	assert_int_equal(mb_warns, 1);
	ASSERT_FREE_AREAS_OK();
}

/* ---- bad frees ---------------------------------------------------------------------------- */

/* A bad free: one report with reason, free lists and counters unchanged, checker clean. */
static void expect_bad_free(struct page *page, unsigned int order, const char *reason)
{
	unsigned long before[MAX_ORDER], free0 = zone_page_state(normal(), NR_FREE_PAGES);
	char want[96];

	snapshot(normal(), before);
	mb_log_clear();
	__free_pages(page, order);
	snprintf(want, sizeof(want), "BUG: Bad page state in process swapper/0  pfn:");
	mm_assert_log(want);
	mm_assert_log("page dumped because: ");
	mm_assert_log(reason);
	assert_snapshot(normal(), before);
	assert_int_equal(zone_page_state(normal(), NR_FREE_PAGES), free0);
	ASSERT_FREE_AREAS_OK();
}

static void test_bad_double_free(void **state)
{
	struct page *p, *q;

	(void)state;
	buddy_boot_small();
	p = alloc_pages(GFP_KERNEL, 0);
	__free_pages(p, 0); /* now on the pcp list */
	expect_bad_free(p, 0, "VM_BUG_ON_PAGE(page_ref_count(page) == 0)");
	q = alloc_pages(GFP_KERNEL, 5);
	__free_pages(q, 5); /* now a buddy block (maybe merged further) */
	expect_bad_free(q, 5, "VM_BUG_ON_PAGE(page_ref_count(page) == 0)");
	expect_bad_free(q + 8, 3, "VM_BUG_ON_PAGE(page_ref_count(page) == 0)");
	/* never allocated: a page inside a free block */
	expect_bad_free(pfn_to_page(PFN_DOWN(M(40)) + 3), 0,
			"VM_BUG_ON_PAGE(page_ref_count(page) == 0)");
}

static void test_bad_reserved_free(void **state)
{
	struct page *p;

	(void)state;
	buddy_boot_small();
	p = pfn_to_page(0); /* memblock-reserved: PG_reserved, refcount 1 */
	assert_true(PageReserved(p));
	expect_bad_free(p, 0, "PAGE_FLAGS_CHECK_AT_FREE flag(s) set");
	mm_assert_log("flags: 0x1000(reserved|zone=0)");
}

static void test_bad_wrong_order(void **state)
{
	struct page *a, *b;

	(void)state;
	buddy_boot_small();
	drain_all_pages(NULL);
	a = alloc_pages(GFP_KERNEL, 4);
	b = alloc_pages(GFP_KERNEL, 4);
	assert_ptr_equal(b, a + 16); /* split from the same block: a's buddy */
	/* order 5 reaches into b (allocated): the report names b's page */
	expect_bad_free(a, 5, "nonzero _refcount");
	{
		char want[64];

		snprintf(want, sizeof(want), "pfn:%05lx\n", page_to_pfn(b));
		mm_assert_log(want);
	}
	__free_pages(b, 4);
	a = alloc_pages(GFP_KERNEL, 4);
	/* a's buddy is free now: order 5 reaches a free block (page_type): nonzero mapcount */
	expect_bad_free(a, 5, "nonzero mapcount");
}

/* A free block found corrupted when handed out: reported, kept out, another one served. */
static void test_bad_new_page(void **state)
{
	struct buddy_cfg cfg = {.ram = M(64), .no_pagesets = true, .no_wmarks = true};
	struct page *blk, *p;
	unsigned long nr10;

	(void)state;
	buddy_boot(&cfg);
	blk = first_free(normal(), 10, MIGRATE_MOVABLE);
	nr10 = normal()->free_area[10].nr_free;
	SetPageDirty(blk + 5); /* someone wrote to a free page's flags */
	mb_log_clear();
	p = alloc_pages(MOVABLE_LOW, 10);
	assert_non_null(p);
	assert_ptr_not_equal(p, blk);
	mm_assert_log("PAGE_FLAGS_CHECK_AT_PREP flag(s) set");
	mm_assert_log("flags: 0x8(dirty|zone=0)");
	assert_int_equal(normal()->free_area[10].nr_free, nr10 - 2);
	ASSERT_FREE_AREAS_OK(); /* the bad block counts as allocated (leaked) */
	__free_pages(p, 10);
	/* the same through the per-CPU lists */
	buddy_boot_small();
	drain_all_pages(NULL);
	p = alloc_pages(GFP_KERNEL, 0); /* refills 3: p, p + 1, p + 2 */
	SetPageDirty(p + 1);
	mb_log_clear();
	assert_ptr_equal(alloc_pages(GFP_KERNEL, 0), p + 2);
	mm_assert_log("PAGE_FLAGS_CHECK_AT_PREP flag(s) set");
	ASSERT_FREE_AREAS_OK();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_merge_every_order),
		cmocka_unit_test(test_merge_tail_placement),
		cmocka_unit_test(test_merge_head_placement),
		cmocka_unit_test(test_fallback_steals_pageblock),
		cmocka_unit_test(test_fallback_claims_partial_block),
		cmocka_unit_test(test_fallback_movable_takes_smallest),
		cmocka_unit_test(test_cma_only_movable),
		cmocka_unit_test(test_cma_balance_rule),
		cmocka_unit_test(test_pcp_refill_and_trim),
		cmocka_unit_test(test_pcp_high_orders),
		cmocka_unit_test(test_pcp_per_cpu_and_drain),
		cmocka_unit_test(test_pcp_movable_list),
		cmocka_unit_test(test_pcp_high_while_reclaiming),
		cmocka_unit_test(test_gfp_decoding),
		cmocka_unit_test(test_watermark_values),
		cmocka_unit_test(test_exhaustion_and_atomic_reserve),
		cmocka_unit_test(test_lowmem_reserve_protects_normal),
		cmocka_unit_test(test_gfp_entry_points),
		cmocka_unit_test(test_highmem_zero),
		cmocka_unit_test(test_bad_double_free),
		cmocka_unit_test(test_bad_reserved_free),
		cmocka_unit_test(test_bad_wrong_order),
		cmocka_unit_test(test_bad_new_page),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
