/*
 * test_handover.c - the hand-over from memblock to the buddy allocator (memblock_free_all,
 * free_highpages' page-by-page HighMem, cma_init_reserved_areas, memblock_free_late),
 * checked page by page against a model computed here from memblock's arrays: free pages =
 * memory - reserved - NOMAP (whole pages), PG_reserved on reserved and NOMAP pages, and the
 * free lists holding exactly the largest naturally aligned blocks of each free run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support_buddy.h"

/* Two banks with a hole, a NOMAP part, reservations with odd edges. */
static const struct mm_region banks[] = {
	{0, M(40), 0},
	{M(48), M(8), 0},
	{M(52), M(1), MEMBLOCK_NOMAP},
};

static void odd_reservations(void)
{
	memblock_reserve(0x123456, 0x3000);   /* pages 0x123-0x126 touched */
	memblock_reserve(M(8), 0x1000);
	memblock_reserve(M(8) + 0x5000, 0x800); /* half a page */
	memblock_reserve(M(49) - 0x10, 0x20);  /* straddles two pages */
}

static unsigned char *expect_free; /* per pfn: the model's answer */

/* Does [a, b) touch any region of type (flags filter: NOMAP only if nomap)? */
static bool touches(struct memblock_type *type, phys_addr_t a, phys_addr_t b, bool nomap_only)
{
	for (unsigned long i = 0; i < type->cnt; i++) {
		struct memblock_region *r = &type->regions[i];

		if (!r->size || (nomap_only && !(r->flags & MEMBLOCK_NOMAP)))
			continue;
		if (a < r->base + r->size && r->base < b)
			return true;
	}
	return false;
}

/* Is all of [a, b) inside memblock.memory? */
static bool inside_memory(phys_addr_t a, phys_addr_t b)
{
	for (unsigned long i = 0; i < memblock.memory.cnt; i++) {
		struct memblock_region *r = &memblock.memory.regions[i];

		if (a >= r->base && b <= r->base + r->size)
			return true;
	}
	return false;
}

/* The model: a page is free iff wholly memory, not NOMAP, and touching no reservation. */
static unsigned long build_model(void)
{
	unsigned long n = 0;

	free(expect_free);
	expect_free = calloc(max_pfn, 1);
	for (unsigned long pfn = 0; pfn < max_pfn; pfn++) {
		phys_addr_t a = PFN_PHYS(pfn), b = a + PAGE_SIZE;

		if (inside_memory(a, b) && !touches(&memblock.memory, a, b, true) &&
		    !touches(&memblock.reserved, a, b, false))
			expect_free[pfn] = 1, n++;
	}
	return n;
}

/* Per pfn: is it in a free block on the lists? (from the lists themselves) */
static unsigned char *listed_free(void)
{
	unsigned char *map = calloc(max_pfn, 1);
	struct zone *zone;

	for_each_populated_zone(zone)
		for (unsigned int o = 0; o < MAX_ORDER; o++)
			for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
				struct page *p;

				list_for_each_entry(p, &zone->free_area[o].free_list[mt], buddy_list)
					for (unsigned long i = 0; i < (1UL << o); i++) {
						assert_int_equal(map[page_to_pfn(p) + i], 0);
						map[page_to_pfn(p) + i] = 1;
					}
			}
	return map;
}

/*
 * The expected free lists: each maximal free run (split at zone edges) cut greedily into the
 * largest naturally aligned blocks of order <= 10; every block must be a listed PageBuddy
 * head of that order, and the per-order counts must match.
 */
static void check_blocks(void)
{
	unsigned long count[MAX_NR_ZONES][MAX_ORDER] = {{0}};
	unsigned long pfn = 0;

	while (pfn < max_pfn) {
		unsigned long end, zend;

		if (!expect_free[pfn]) {
			pfn++;
			continue;
		}
		zend = pfn < max_low_pfn ? max_low_pfn : max_pfn;
		for (end = pfn; end < zend && expect_free[end]; end++)
			;
		while (pfn < end) {
			unsigned int o = 10;
			struct page *page = pfn_to_page(pfn);

			while ((pfn & ((1UL << o) - 1)) || pfn + (1UL << o) > end)
				o--;
			if (!PageBuddy(page) || buddy_order(page) != o)
				fail_msg("pfn %#lx: expected a free block of order %u, got %s order %lu",
					 pfn, o, PageBuddy(page) ? "PageBuddy" : "no PageBuddy",
					 page_private(page));
			count[page_zonenum(page)][o]++;
			pfn += 1UL << o;
		}
	}
	for (int z = 0; z < MAX_NR_ZONES; z++)
		for (unsigned int o = 0; o < MAX_ORDER; o++)
			assert_int_equal(zone_of((enum zone_type)z)->free_area[o].nr_free, count[z][o]);
}

/* Free pages, PG_reserved and refcounts page by page; totals. */
static void check_handover(unsigned long nfree)
{
	unsigned char *listed = listed_free();
	unsigned long high = 0;

	for (unsigned long pfn = 0; pfn < max_pfn; pfn++) {
		phys_addr_t a = PFN_PHYS(pfn), b = a + PAGE_SIZE;
		struct page *page;

		if (listed[pfn] != expect_free[pfn])
			fail_msg("pfn %#lx: expected %s, got %s", pfn,
				 expect_free[pfn] ? "free" : "not free",
				 listed[pfn] ? "free" : "not free");
		if (!pfn_valid(pfn))
			continue;
		page = pfn_to_page(pfn);
		if (expect_free[pfn]) {
			assert_false(PageReserved(page));
			assert_int_equal(page_count(page), 0);
			if (PageHighMem(page))
				high++;
		} else if (touches(&memblock.reserved, a, b, false) ||
			   touches(&memblock.memory, a, b, true)) {
			if (!PageReserved(page))
				fail_msg("pfn %#lx: reserved or NOMAP, expected PG_reserved", pfn);
		}
	}
	free(listed);
	assert_int_equal(totalram_pages(), nfree);
	assert_int_equal(nr_free_pages(), nfree);
	assert_int_equal(totalhigh_pages(), high);
	assert_int_equal(zone_of(ZONE_NORMAL)->managed_pages + zone_of(ZONE_HIGHMEM)->managed_pages,
			 nfree);
	check_blocks();
	ASSERT_FREE_AREAS_OK();
}

/* Boot banks[] with the odd reservations made before the zones are built. */
static void boot_banks(phys_addr_t lowmem_limit)
{
	struct buddy_cfg cfg = {.mem = banks, .nr_mem = 3, .lowmem_limit = lowmem_limit,
				.no_pagesets = true, .no_wmarks = true};
	struct zone *zone;

	/* buddy_boot with the reservations slipped in before bootmem_init */
	memset(NODE_DATA(0), 0, sizeof(*NODE_DATA(0)));
	_totalram_pages = _totalhigh_pages = 0;
	set_cpu(0);
	mm_layout(cfg.mem, cfg.nr_mem, lowmem_limit);
	odd_reservations();
	mm_bootmem_init();
	build_all_zonelists(NULL);
	for_each_zone(zone)
		zone->managed_pages = 0;
	memblock_free_all();
	{ /* free_highpages */
		phys_addr_t start, end;
		u64 i;

		for_each_free_mem_range(i, NUMA_NO_NODE, MEMBLOCK_NONE, &start, &end, NULL)
			for (unsigned long pfn = max(PFN_UP(start), max_low_pfn);
			     pfn < PFN_DOWN(end); pfn++)
				free_reserved_page(pfn_to_page(pfn));
	}
}

static void test_handover_lowmem(void **state)
{
	(void)state;
	boot_banks(M(56));
	assert_int_equal(max_low_pfn, max_pfn);
	check_handover(build_model());
	/* pfn 0 is reserved; pfns 1-3 are free as an order-0 and an order-1 block */
	assert_true(PageReserved(pfn_to_page(0)));
	assert_int_equal(buddy_order(pfn_to_page(1)), 0);
	assert_int_equal(buddy_order(pfn_to_page(2)), 1);
	/* the partly reserved pages are reserved, their neighbours free */
	assert_true(PageReserved(pfn_to_page(0x123)) && PageReserved(pfn_to_page(0x126)));
	assert_true(PageReserved(pfn_to_page(PFN_DOWN(M(8)) + 5)));
	assert_true(PageReserved(pfn_to_page(PFN_DOWN(M(49)) - 1)) &&
		    PageReserved(pfn_to_page(PFN_DOWN(M(49)))));
	/* NOMAP pages are PG_reserved */
	assert_true(PageReserved(pfn_to_page(PFN_DOWN(M(52)) + 7)));
}

/* HighMem above 36 MiB: its pages arrive one by one and merge to the same blocks. */
static void test_handover_highmem(void **state)
{
	(void)state;
	boot_banks(M(36));
	assert_int_equal(max_low_pfn, PFN_DOWN(M(36)));
	check_handover(build_model());
	assert_true(totalhigh_pages() > 0);
	assert_int_equal(zone_of(ZONE_HIGHMEM)->free_area[10].nr_free, 1); /* [36M, 40M) */
}

/* memblock_free_late: a reservation given back after the hand-over, page by page. */
static void test_free_late(void **state)
{
	unsigned long before;

	(void)state;
	boot_banks(M(56));
	before = totalram_pages();
	memblock_free_late(0x123456, 0x3000); /* whole pages 0x124, 0x125 only */
	assert_int_equal(totalram_pages(), before + 2);
	assert_false(PageReserved(pfn_to_page(0x124)));
	assert_true(PageReserved(pfn_to_page(0x123)));
	assert_int_equal(nr_free_pages(), before + 2);
	ASSERT_FREE_AREAS_OK();
}

/* CMA: after activation its pageblocks are MIGRATE_CMA order-10 blocks, counted. */
static void test_cma_activation(void **state)
{
	struct buddy_cfg cfg = {.ram = M(64), .cma_base = M(16), .cma_size = M(8),
				.no_pagesets = true, .no_wmarks = true};
	struct zone *n = zone_of(ZONE_NORMAL);

	(void)state;
	buddy_boot(&cfg);
	assert_int_equal(n->cma_pages, 2048);
	assert_int_equal(totalcma_pages, 2048);
	assert_int_equal(zone_page_state(n, NR_FREE_CMA_PAGES), 2048);
	assert_int_equal(nr_blocks(n, 10, MIGRATE_CMA), 2);
	for (unsigned long pfn = PFN_DOWN(M(16)); pfn < PFN_DOWN(M(24)); pfn += 1024) {
		assert_int_equal(get_pageblock_migratetype(pfn_to_page(pfn)), MIGRATE_CMA);
		assert_false(PageReserved(pfn_to_page(pfn + 77)));
	}
	/* managed and totalram include the area; the bitmap is kzalloc'ed, no page taken */
	assert_int_equal(totalram_pages(), n->managed_pages);
	assert_int_equal(nr_free_pages(), totalram_pages());
	assert_non_null(cma_areas[0].bitmap);
	ASSERT_FREE_AREAS_OK();
}

/* An area across the Normal/HighMem edge cannot be activated: its pages become ordinary. */
static void test_cma_across_zones(void **state)
{
	struct buddy_cfg cfg = {.ram = M(96), .lowmem_limit = M(64), .cma_base = M(60),
				.cma_size = M(8), .no_pagesets = true, .no_wmarks = true,
				.keep_log = true};

	(void)state;
	buddy_boot(&cfg);
	assert_int_equal(totalcma_pages, 0);
	assert_int_equal(cma_areas[0].count, 0);
	assert_null(cma_areas[0].bitmap);
	assert_int_equal(zone_of(ZONE_NORMAL)->cma_pages, 0);
	assert_int_equal(zone_page_state(zone_of(ZONE_NORMAL), NR_FREE_CMA_PAGES), 0);
	assert_false(PageReserved(pfn_to_page(PFN_DOWN(M(62)))));
	assert_false(PageReserved(pfn_to_page(PFN_DOWN(M(66)))));
	assert_int_equal(totalram_pages(),
			 zone_of(ZONE_NORMAL)->managed_pages + zone_of(ZONE_HIGHMEM)->managed_pages);
	ASSERT_FREE_AREAS_OK();
	mm_assert_log("cma: CMA area reserved could not be activated\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handover_lowmem),
		cmocka_unit_test(test_handover_highmem),
		cmocka_unit_test(test_free_late),
		cmocka_unit_test(test_cma_activation),
		cmocka_unit_test(test_cma_across_zones),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
