/*
 * test_cma.c - CMA allocation on the real sources (kernel/mm/cma_alloc.c, page_contig.c,
 * page_isolation.c, migrate.c) over the real buddy allocator, on a 64 MiB machine whose
 * [32 MiB, 40 MiB) is a CMA area (two pageblocks): the bitmap search with alignment and
 * order_per_bit, cma_alloc/cma_release and the counters, isolation, migration of non-LRU
 * movable pages (contents and owner records follow), and the failures (-EBUSY from a page
 * that cannot move) leaving the free lists, counters, pageblocks and bitmap as they were.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/migrate.h>
#include <linux/page-isolation.h>
#include "support_buddy.h"
#include "../../../kernel/mm/internal.h" /* free_pages_prepare, free_one_page */

#define CMA_BASE M(32)
#define CMA_SIZE M(8)
#define CMA_PAGES (CMA_SIZE >> PAGE_SHIFT)
#define CMA_FIRST (GFP_KERNEL | __GFP_MOVABLE | __GFP_CMA_FIRST | __GFP_NOWARN)

/* cma.c (not linked: it needs the device-tree code) owns it in the kernel. */
struct cma *dma_contiguous_default_area;

static struct cma *area(void)
{
	return &cma_areas[0];
}

static struct zone *normal(void)
{
	return zone_of(ZONE_NORMAL);
}

static void boot(void)
{
	struct buddy_cfg cfg = {.ram = M(64), .cma_base = CMA_BASE, .cma_size = CMA_SIZE};

	buddy_boot(&cfg);
	assert_non_null(area()->bitmap);
}

static bool in_area(unsigned long pfn)
{
	return pfn >= area()->base_pfn && pfn < area()->base_pfn + area()->count;
}

/* Everything a failed allocation must leave as it was (after draining the per-CPU lists). */
struct state {
	unsigned long nr_free[MAX_ORDER][MIGRATE_TYPES];
	long free_pages, free_cma;
	unsigned long isolate_blocks, used;
	int pageblock_mt[2];
};

static void take_state(struct state *s)
{
	drain_all_pages(NULL);
	memset(s, 0, sizeof(*s));
	for (unsigned int o = 0; o < MAX_ORDER; o++)
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			s->nr_free[o][mt] = nr_blocks(normal(), o, mt);
	s->free_pages = normal()->vm_stat[NR_FREE_PAGES];
	s->free_cma = normal()->vm_stat[NR_FREE_CMA_PAGES];
	s->isolate_blocks = normal()->nr_isolate_pageblock;
	s->used = cma_used_pages(area());
	for (int i = 0; i < 2; i++)
		s->pageblock_mt[i] = (int)get_pageblock_migratetype(
			pfn_to_page(area()->base_pfn + (unsigned long)i * pageblock_nr_pages));
}

static void assert_state_equal(const struct state *a)
{
	struct state b;

	take_state(&b);
	assert_memory_equal(a, &b, sizeof(b));
}

/* ---- the bitmap ----------------------------------------------------------------------------- */

static void test_bitmap_search(void **state)
{
	unsigned long map[2] = {0, 0};

	(void)state;
	/* bits 0-2 and 5 taken */
	bitmap_set_range(map, 0, 3, true);
	bitmap_set_range(map, 5, 1, true);
	assert_int_equal(bitmap_find_next_zero_area_off(map, 64, 0, 2, 0, 0), 3);
	assert_int_equal(bitmap_find_next_zero_area_off(map, 64, 0, 3, 0, 0), 6);
	/* aligned to 4: 4 (5 taken) -> 8 */
	assert_int_equal(bitmap_find_next_zero_area_off(map, 64, 0, 2, 3, 0), 8);
	/* offset 1: (index + 1) % 4 == 0 -> 3 (3,4 free) */
	assert_int_equal(bitmap_find_next_zero_area_off(map, 64, 0, 2, 3, 1), 3);
	/* beyond the end: returns end > size */
	assert_true(bitmap_find_next_zero_area_off(map, 64, 0, 60, 0, 0) > 64);
	/* across the word boundary */
	bitmap_set_range(map, 6, 58, true);
	assert_int_equal(bitmap_find_next_zero_area_off(map, 64, 0, 1, 0, 0), 3);
	assert_int_equal(find_next_bit_val(map, 64, 6, false), 64);
	bitmap_set_range(map, 0, 64, false);
	assert_int_equal(find_next_bit_val(map, 64, 0, true), 64);
}

static void test_bitmap_arith(void **state)
{
	struct cma c = {.base_pfn = 0x8100, .count = 2048, .order_per_bit = 1};

	(void)state;
	assert_int_equal(cma_bitmap_maxno(&c), 1024);
	assert_int_equal(cma_bitmap_pages_to_bits(&c, 3), 2);
	assert_int_equal(cma_bitmap_pages_to_bits(&c, 4), 2);
	assert_int_equal(cma_bitmap_aligned_mask(&c, 1), 0);
	assert_int_equal(cma_bitmap_aligned_mask(&c, 4), 7);
	/* base 0x8100 is 0x100 pages past a 0x200 boundary: offset 0x80 bits for order 9 */
	assert_int_equal(cma_bitmap_aligned_offset(&c, 9), 0x80);
	assert_int_equal(cma_bitmap_aligned_offset(&c, 8), 0);
}

/* ---- cma_alloc / cma_release ------------------------------------------------------------------ */

static void test_alloc_release(void **state)
{
	struct state before;
	struct page *page;

	(void)state;
	boot();
	take_state(&before);
	assert_int_equal(before.free_cma, CMA_PAGES);
	page = cma_alloc(area(), 256, 0, false);
	assert_non_null(page);
	assert_int_equal(page_to_pfn(page), area()->base_pfn);
	for (unsigned long i = 0; i < 256; i++) {
		assert_int_equal(page_ref_count(page + i), 1);
		assert_false(PageBuddy(page + i));
	}
	assert_int_equal(cma_used_pages(area()), 256);
	assert_int_equal(normal()->vm_stat[NR_FREE_CMA_PAGES], CMA_PAGES - 256);
	assert_int_equal(normal()->nr_isolate_pageblock, 0);
	ASSERT_FREE_AREAS_OK();
	assert_true(cma_release(area(), page, 256));
	assert_state_equal(&before);
	ASSERT_FREE_AREAS_OK();
}

static void test_alloc_align_and_edges(void **state)
{
	struct page *one, *aligned, *rest;

	(void)state;
	boot();
	one = cma_alloc(area(), 1, 0, false);
	assert_non_null(one);
	/* 16 pages aligned to 16: the first candidate after the single page is base + 16 */
	aligned = cma_alloc(area(), 16, 4, false);
	assert_non_null(aligned);
	assert_int_equal(page_to_pfn(aligned) & 15, 0);
	assert_int_equal(page_to_pfn(aligned), area()->base_pfn + 16);
	/* unaligned, across the pageblock boundary: outer edges freed back */
	rest = cma_alloc(area(), 1500, 0, false);
	assert_non_null(rest);
	assert_int_equal(page_to_pfn(rest), area()->base_pfn + 32);
	ASSERT_FREE_AREAS_OK();
	assert_int_equal(normal()->vm_stat[NR_FREE_CMA_PAGES], CMA_PAGES - 1517);
	assert_true(cma_release(area(), rest, 1500));
	assert_true(cma_release(area(), aligned, 16));
	assert_true(cma_release(area(), one, 1));
	drain_all_pages(NULL);
	assert_int_equal(normal()->vm_stat[NR_FREE_CMA_PAGES], CMA_PAGES);
	assert_int_equal(nr_blocks(normal(), MAX_ORDER - 1, MIGRATE_CMA), 2);
	ASSERT_FREE_AREAS_OK();
}

static void test_alloc_too_big_and_release_outside(void **state)
{
	struct page *page, *other;

	(void)state;
	boot();
	mb_log_clear();
	assert_null(cma_alloc(area(), CMA_PAGES + 1, 0, false)); /* larger than the area: */
	assert_int_equal(mb_log_count(), 0);                    /* silent, as 6.1 */
	assert_null(cma_alloc(area(), CMA_PAGES + 1, 0, true)); /* no_warn: silent */
	assert_int_equal(mb_log_count(), 0);
	assert_null(cma_alloc(area(), 0, 0, false));
	other = alloc_pages(GFP_KERNEL, 0);
	assert_false(in_area(page_to_pfn(other)));
	assert_false(cma_release(area(), other, 1));
	__free_pages(other, 0);
	page = cma_alloc(area(), CMA_PAGES, 0, false); /* the whole area */
	assert_non_null(page);
	mb_log_clear();
	assert_null(cma_alloc(area(), 1, 0, true));
	assert_int_equal(mb_log_count(), 0);
	assert_null(cma_alloc(area(), 1, 0, false)); /* a real failure (no free bits) is reported */
	assert_non_null(strstr(mb_log_text(), "cma: cma_alloc: reserved: alloc failed, req-size: "
					      "1 pages, ret: -12"));
	assert_true(cma_release(area(), page, CMA_PAGES));
	ASSERT_FREE_AREAS_OK();
}

/* dma_alloc_from_contiguous: the default area, align capped at CONFIG_CMA_ALIGNMENT. */
static void test_dma_contiguous(void **state)
{
	struct page *one, *page;

	(void)state;
	boot();
	dma_contiguous_default_area = area();
	one = dma_alloc_from_contiguous(NULL, 1, 0, false);
	page = dma_alloc_from_contiguous(NULL, 4, 12, false); /* align 2^12 capped to 2^8 */
	assert_non_null(one);
	assert_non_null(page);
	assert_int_equal(page_to_pfn(page), area()->base_pfn + 256);
	assert_true(dma_release_from_contiguous(NULL, page, 4));
	assert_true(dma_release_from_contiguous(NULL, one, 1));
	dma_contiguous_default_area = NULL;
	ASSERT_FREE_AREAS_OK();
}

static void test_order_per_bit(void **state)
{
	struct page *a, *b;

	(void)state;
	boot();
	area()->order_per_bit = 2; /* 1 bit per 4 pages; the bitmap (sized for 0) is still empty */
	a = cma_alloc(area(), 5, 0, false); /* two bits: 8 pages reserved */
	b = cma_alloc(area(), 1, 0, false);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(page_to_pfn(b) - page_to_pfn(a), 8);
	assert_int_equal(cma_used_pages(area()), 12);
	assert_true(cma_release(area(), a, 5));
	assert_true(cma_release(area(), b, 1));
	assert_int_equal(cma_used_pages(area()), 0);
	ASSERT_FREE_AREAS_OK();
}

/* ---- migration -------------------------------------------------------------------------------- */

#define NR_OWNED 40
static unsigned long owned_pfn[NR_OWNED];
static bool owned_pinned[NR_OWNED];
static int nr_owned, putbacks;

static int owned_index(unsigned long pfn)
{
	for (int i = 0; i < nr_owned; i++)
		if (owned_pfn[i] == pfn)
			return i;
	return -1;
}

static bool t_isolate(struct page *page, isolate_mode_t mode)
{
	(void)mode;
	return owned_index(page_to_pfn(page)) >= 0;
}

static int t_migrate(struct page *dst, struct page *src, enum migrate_mode mode)
{
	int i = owned_index(page_to_pfn(src));

	(void)mode;
	if (i < 0 || owned_pinned[i])
		return -EAGAIN;
	migrate_page_copy(dst, src);
	owned_pfn[i] = page_to_pfn(dst);
	__SetPageMovable(dst, page_movable_ops(src));
	__ClearPageMovable(src);
	page_ref_dec(src);
	return MIGRATEPAGE_SUCCESS;
}

static void t_putback(struct page *page)
{
	(void)page;
	putbacks++;
}

static const struct movable_operations t_ops = {t_isolate, t_migrate, t_putback};

/* n movable pages placed in the area, each filled with its index. */
static void own_movable(int n)
{
	nr_owned = 0;
	putbacks = 0;
	for (int i = 0; i < n; i++) {
		struct page *page = alloc_pages(CMA_FIRST, 0);

		assert_non_null(page);
		assert_true(in_area(page_to_pfn(page)));
		memset(page_address(page), 0x40 + i, PAGE_SIZE);
		__SetPageMovable(page, &t_ops);
		owned_pinned[i] = false;
		owned_pfn[nr_owned++] = page_to_pfn(page);
	}
}

static void free_owned(void)
{
	for (int i = 0; i < nr_owned; i++) {
		struct page *page = pfn_to_page(owned_pfn[i]);

		__ClearPageMovable(page);
		__free_pages(page, 0);
	}
	nr_owned = 0;
}

static void test_migrate_out(void **state)
{
	unsigned long migrated = pgmigrate_success;
	struct page *page;

	(void)state;
	boot();
	own_movable(NR_OWNED);
	page = cma_alloc(area(), CMA_PAGES, 0, false);
	assert_non_null(page);
	assert_int_equal(pgmigrate_success - migrated, NR_OWNED);
	for (int i = 0; i < nr_owned; i++) {
		unsigned char *p = page_address(pfn_to_page(owned_pfn[i]));

		assert_false(in_area(owned_pfn[i]));
		assert_int_equal(p[0], 0x40 + i);
		assert_int_equal(p[PAGE_SIZE - 1], 0x40 + i);
		assert_true(__PageMovable(pfn_to_page(owned_pfn[i])));
	}
	assert_int_equal(normal()->nr_isolate_pageblock, 0);
	ASSERT_FREE_AREAS_OK();
	assert_true(cma_release(area(), page, CMA_PAGES));
	free_owned();
	ASSERT_FREE_AREAS_OK();
}

/* A page that cannot move: the whole-area request fails, everything as it was. */
static void busy_case(bool pinned)
{
	struct state before;
	struct page *stuck = NULL;

	boot();
	own_movable(1);
	if (pinned) {
		owned_pinned[0] = true;
	} else { /* movable gfp, but no movable_operations: like an unregistered page */
		stuck = pfn_to_page(owned_pfn[0]);
		__ClearPageMovable(stuck);
		nr_owned = 0;
	}
	take_state(&before);
	mb_log_clear();
	assert_null(cma_alloc(area(), CMA_PAGES, 0, false));
	assert_non_null(strstr(mb_log_text(), "alloc failed, req-size: 2048 pages, ret: -16"));
	assert_state_equal(&before);
	assert_int_equal(putbacks, pinned ? 1 : 0);
	ASSERT_FREE_AREAS_OK();
	/* a smaller request skips the busy page (the next candidates) */
	{
		struct page *page = cma_alloc(area(), 1024, 0, false);

		assert_non_null(page);
		assert_true(cma_release(area(), page, 1024));
	}
	if (stuck)
		__free_pages(stuck, 0);
	else
		free_owned();
	ASSERT_FREE_AREAS_OK();
}

static void test_busy_unmovable(void **state)
{
	(void)state;
	busy_case(false);
}

static void test_busy_pinned(void **state)
{
	(void)state;
	busy_case(true);
}

/*
 * CMA pages waiting on another CPU's per-CPU list when their pageblock is isolated: the drain
 * must put them on the Isolate lists (free_pcppages_bulk re-reads the pageblock's type), or
 * NR_FREE_CMA_PAGES would count pages that alloc_contig_range then takes.
 */
static void test_pcp_pages_in_range(void **state)
{
	struct page *pages[16], *page;
	struct state before;

	(void)state;
	boot();
	take_state(&before);
	set_cpu(1);
	for (int i = 0; i < 16; i++)
		pages[i] = alloc_pages(CMA_FIRST, 0);
	for (int i = 0; i < 16; i++) {
		assert_true(in_area(page_to_pfn(pages[i])));
		__free_pages(pages[i], 0);
	}
	set_cpu(0);
	assert_int_equal(pcp_pages(normal()), 16);
	page = cma_alloc(area(), CMA_PAGES, 0, false);
	assert_non_null(page);
	assert_int_equal(pcp_pages(normal()), 0);
	assert_int_equal(normal()->vm_stat[NR_FREE_CMA_PAGES], 0);
	ASSERT_FREE_AREAS_OK();
	assert_true(cma_release(area(), page, CMA_PAGES));
	assert_state_equal(&before);
}

/* ---- isolation alone, on a Movable pageblock -------------------------------------------------- */

static void test_isolate_movable_block(void **state)
{
	unsigned long start = PFN_DOWN(M(16)), free_before;
	struct page *unmovable;
	struct state before;

	(void)state;
	boot();
	take_state(&before);
	free_before = normal()->vm_stat[NR_FREE_PAGES];
	assert_int_equal(get_pageblock_migratetype(pfn_to_page(start)), MIGRATE_MOVABLE);
	assert_int_equal(start_isolate_page_range(start, start + 1024, MIGRATE_MOVABLE, 0), 0);
	assert_int_equal(normal()->nr_isolate_pageblock, 1);
	assert_int_equal(normal()->vm_stat[NR_FREE_PAGES], free_before - 1024);
	assert_int_equal(test_pages_isolated(start, start + 1024, 0), 0);
	ASSERT_FREE_AREAS_OK(); /* isolated free pages count in the managed sum */
	undo_isolate_page_range(start, start + 1024, MIGRATE_MOVABLE);
	assert_state_equal(&before);

	/* an unmovable page in the block: isolation refused, nothing changed */
	assert_int_equal(alloc_contig_range(start, start + 1, MIGRATE_MOVABLE, GFP_KERNEL), 0);
	unmovable = pfn_to_page(start);
	take_state(&before);
	assert_int_equal(start_isolate_page_range(start, start + 1024, MIGRATE_MOVABLE, 0), -EBUSY);
	assert_int_equal(alloc_contig_range(start, start + 16, MIGRATE_MOVABLE, GFP_KERNEL), -EBUSY);
	assert_state_equal(&before);
	free_contig_range(page_to_pfn(unmovable), 1);
	ASSERT_FREE_AREAS_OK();
}

/* free_contig_range of a range with a page someone still holds: one warning, with its text. */
static void test_free_contig_range_still_in_use(void **state)
{
	unsigned long start = PFN_DOWN(M(16));
	struct page *held;
	int warns;

	(void)state;
	boot();
	assert_int_equal(alloc_contig_range(start, start + 4, MIGRATE_MOVABLE, GFP_KERNEL), 0);
	held = pfn_to_page(start + 2);
	page_ref_inc(held);
	mb_log_clear();
	warns = mb_warns;
	free_contig_range(start, 4);
	assert_int_equal(mb_warns - warns, 1);
	assert_string_equal(mb_log_text(), "1 pages are still in use!\n");
	assert_string_equal(mb_last_warn, "%lu pages are still in use!\n"); /* the WARN's own */
	assert_int_equal(page_count(held), 1);
	__free_pages(held, 0);
	ASSERT_FREE_AREAS_OK();
}

/*
 * The owner lets go of an isolated page (no longer movable, still its reference) before
 * migrate_pages reaches it: counted as migrated, the page stays the owner's, and the new page
 * allocated for it goes back (it leaked before).
 */
static void test_migrate_page_no_longer_movable(void **state)
{
	struct migration_target_control mtc = {.nid = 0, .gfp_mask = GFP_USER | __GFP_MOVABLE};
	unsigned int succeeded = 0;
	struct page *page;
	LIST_HEAD(list);
	long free_before;

	(void)state;
	boot();
	own_movable(1);
	page = pfn_to_page(owned_pfn[0]);
	assert_int_equal(isolate_movable_page(page, 0), 0);
	list_add_tail(&page->lru, &list);
	__ClearPageMovable(page); /* the owner's (under the page lock in the kernel) */
	drain_all_pages(NULL);
	free_before = normal()->vm_stat[NR_FREE_PAGES];
	assert_int_equal(migrate_pages(&list, alloc_migration_target, NULL, (unsigned long)&mtc,
				       MIGRATE_SYNC, MR_CONTIG_RANGE, &succeeded),
			 0);
	assert_int_equal(succeeded, 1);
	assert_true(list_empty(&list));
	assert_false(PageIsolated(page));
	assert_int_equal(page_count(page), 1);
	drain_all_pages(NULL);
	assert_int_equal(normal()->vm_stat[NR_FREE_PAGES], free_before);
	ASSERT_FREE_AREAS_OK();
	__free_pages(page, 0);
	nr_owned = 0;
	ASSERT_FREE_AREAS_OK();
}

/*
 * The race of __free_pages_ok (orders above the pcp's): it reads the pageblock's type (CMA)
 * without the zone lock, another CPU isolates that pageblock, then free_one_page takes the
 * lock. free_one_page must read the type again, or the block lands on the CMA list of an
 * Isolate pageblock and NR_FREE_PAGES / NR_FREE_CMA_PAGES stay too high for good.
 */
static void test_free_stale_type_into_isolated_block(void **state)
{
	unsigned long pfn, block;
	struct state before;
	struct page *page;

	(void)state;
	boot();
	take_state(&before);
	page = alloc_pages(CMA_FIRST, 4);
	assert_non_null(page);
	pfn = page_to_pfn(page);
	assert_true(in_area(pfn));
	block = ALIGN_DOWN(pfn, pageblock_nr_pages);
	assert_int_equal(get_pfnblock_migratetype(page, pfn), MIGRATE_CMA); /* read unlocked */
	assert_true(put_page_testzero(page));
	assert_true(free_pages_prepare(page, 4)); /* __free_pages -> __free_pages_ok */
	assert_int_equal(start_isolate_page_range(block, block + pageblock_nr_pages, MIGRATE_CMA,
						  0),
			 0); /* the other CPU */
	free_one_page(normal(), page, pfn, 4, MIGRATE_CMA, FPI_NONE); /* the stale type */
	assert_int_equal(test_pages_isolated(block, block + pageblock_nr_pages, 0), 0);
	assert_int_equal(nr_blocks(normal(), MAX_ORDER - 1, MIGRATE_ISOLATE), 1);
	assert_int_equal(normal()->vm_stat[NR_FREE_CMA_PAGES],
			 before.free_cma - (long)pageblock_nr_pages);
	assert_int_equal(normal()->vm_stat[NR_FREE_PAGES],
			 before.free_pages - (long)pageblock_nr_pages);
	ASSERT_FREE_AREAS_OK();
	undo_isolate_page_range(block, block + pageblock_nr_pages, MIGRATE_CMA);
	assert_state_equal(&before);
	ASSERT_FREE_AREAS_OK();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bitmap_search),
		cmocka_unit_test(test_bitmap_arith),
		cmocka_unit_test(test_alloc_release),
		cmocka_unit_test(test_alloc_align_and_edges),
		cmocka_unit_test(test_alloc_too_big_and_release_outside),
		cmocka_unit_test(test_order_per_bit),
		cmocka_unit_test(test_dma_contiguous),
		cmocka_unit_test(test_migrate_out),
		cmocka_unit_test(test_busy_unmovable),
		cmocka_unit_test(test_busy_pinned),
		cmocka_unit_test(test_pcp_pages_in_range),
		cmocka_unit_test(test_isolate_movable_block),
		cmocka_unit_test(test_free_stale_type_into_isolated_block),
		cmocka_unit_test(test_migrate_page_no_longer_movable),
		cmocka_unit_test(test_free_contig_range_still_in_use),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
