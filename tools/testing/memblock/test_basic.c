/*
 * test_basic.c - memblock add / reserve / remove / free / flags / queries, against the real
 * kernel/mm/memblock.c. Layouts are drawn above each test: M = memory, R = reserved.
 */
#include "support.h"

#define NOMAP	MEMBLOCK_NOMAP
#define HOTPLUG MEMBLOCK_HOTPLUG

/* ---- boot state ---- */

static void test_initial_state(void **state)
{
	(void)state;
	assert_int_equal(memblock.memory.cnt, 1);
	assert_int_equal(memblock.memory.max, INIT_MEMBLOCK_REGIONS);
	assert_int_equal(memblock.reserved.cnt, 1);
	assert_int_equal(memblock.reserved.max, INIT_MEMBLOCK_RESERVED_REGIONS);
	assert_string_equal(memblock.memory.name, "memory");
	assert_string_equal(memblock.reserved.name, "reserved");
	assert_false(memblock.bottom_up);
	assert_int_equal(memblock.current_limit, MEMBLOCK_ALLOC_ANYWHERE);
	assert_int_equal(memblock_get_current_limit(), MEMBLOCK_ALLOC_ANYWHERE);
	CHECK_EMPTY(&memblock.memory);
	CHECK_EMPTY(&memblock.reserved);
	assert_int_equal(sizeof(struct memblock_region), 12);
}

/* ---- add ---- */

/* M: [0x10000000, +16M) */
static void test_add_simple(void **state)
{
	(void)state;
	assert_int_equal(memblock_add(0x10000000, SZ_16M), 0);
	CHECK_TYPE(&memblock.memory, {0x10000000, SZ_16M, 0});
	assert_int_equal(memblock_phys_mem_size(), SZ_16M);
	CHECK_EMPTY(&memblock.reserved);
}

static void test_add_node_flags(void **state)
{
	(void)state;
	assert_int_equal(memblock_add_node(0x20000000, SZ_1M, 0, HOTPLUG), 0);
	CHECK_TYPE(&memblock.memory, {0x20000000, SZ_1M, HOTPLUG});
}

static void test_add_zero_size(void **state)
{
	(void)state;
	assert_int_equal(memblock_add(0x1000, 0), 0);
	CHECK_EMPTY(&memblock.memory);
	memblock_add(0x8000, 0x1000);
	memblock_add(0x2000, 0);
	CHECK_TYPE(&memblock.memory, {0x8000, 0x1000, 0});
}

/* Disjoint ranges are kept sorted whatever the order of addition. */
static void test_add_disjoint_sorted(void **state)
{
	(void)state;
	memblock_add(0x30000000, SZ_1M);
	memblock_add(0x10000000, SZ_1M);
	memblock_add(0x20000000, SZ_1M);
	CHECK_TYPE(&memblock.memory, {0x10000000, SZ_1M, 0}, {0x20000000, SZ_1M, 0},
		   {0x30000000, SZ_1M, 0});
}

/*   existing      [=====]      new overlaps its bottom part
 *   new       [=====]          -> one region [new.base, old.end) */
static void test_add_overlap_bottom(void **state)
{
	(void)state;
	memblock_add(0x40000, 0x20000);
	memblock_add(0x30000, 0x18000);
	CHECK_TYPE(&memblock.memory, {0x30000, 0x30000, 0});
}

/*   existing  [=====]          new overlaps its top part
 *   new          [=====]       -> one region [old.base, new.end) */
static void test_add_overlap_top(void **state)
{
	(void)state;
	memblock_add(0x40000, 0x20000);
	memblock_add(0x50000, 0x20000);
	CHECK_TYPE(&memblock.memory, {0x40000, 0x30000, 0});
}

static void test_add_within(void **state)
{
	(void)state;
	memblock_add(0x40000, 0x20000);
	memblock_add(0x48000, 0x1000);
	CHECK_TYPE(&memblock.memory, {0x40000, 0x20000, 0});
}

static void test_add_covering(void **state)
{
	(void)state;
	memblock_add(0x40000, 0x1000);
	memblock_add(0x50000, 0x1000);
	memblock_add(0x30000, 0x40000);
	CHECK_TYPE(&memblock.memory, {0x30000, 0x40000, 0});
}

static void test_add_twice(void **state)
{
	(void)state;
	memblock_add(0x40000, 0x20000);
	memblock_add(0x40000, 0x20000);
	CHECK_TYPE(&memblock.memory, {0x40000, 0x20000, 0});
}

/* Touching ranges merge, from either side. */
static void test_add_adjacent_merge(void **state)
{
	(void)state;
	memblock_add(0x40000, 0x10000);
	memblock_add(0x50000, 0x10000);
	memblock_add(0x30000, 0x10000);
	CHECK_TYPE(&memblock.memory, {0x30000, 0x30000, 0});
}

/*   [==]    [==]    then the gap between them: one region */
static void test_add_between(void **state)
{
	(void)state;
	memblock_add(0x10000, 0x10000);
	memblock_add(0x30000, 0x10000);
	memblock_add(0x20000, 0x10000);
	CHECK_TYPE(&memblock.memory, {0x10000, 0x30000, 0});
	/* partially filling the gap keeps two regions */
	mb_reset();
	memblock_add(0x10000, 0x10000);
	memblock_add(0x30000, 0x10000);
	memblock_add(0x20000, 0x8000);
	CHECK_TYPE(&memblock.memory, {0x10000, 0x18000, 0}, {0x30000, 0x10000, 0});
}

/* A range running past the top of the address space is capped at PHYS_ADDR_MAX. */
static void test_add_near_max(void **state)
{
	(void)state;
	memblock_add(PHYS_ADDR_MAX - 0xfff, 0x10000);
	CHECK_TYPE(&memblock.memory, {PHYS_ADDR_MAX - 0xfff, 0xfff, 0});
	assert_int_equal(memblock_end_of_DRAM(), PHYS_ADDR_MAX);
}

/* Touching ranges with different flags stay apart. */
static void test_add_adjacent_flags_no_merge(void **state)
{
	(void)state;
	memblock_add_node(0x10000, 0x10000, 0, HOTPLUG);
	memblock_add(0x20000, 0x10000);
	CHECK_TYPE(&memblock.memory, {0x10000, 0x10000, HOTPLUG}, {0x20000, 0x10000, 0});
}

/* Covered parts keep their flags; only the gaps get the new flags (Linux WARNs). */
static void test_add_over_flagged_region(void **state)
{
	(void)state;
	memblock_add(0x10000, 0x30000);
	memblock_mark_nomap(0x20000, 0x10000);
	memblock_remove(0x10000, 0x10000);
	memblock_remove(0x30000, 0x10000);
	CHECK_TYPE(&memblock.memory, {0x20000, 0x10000, NOMAP});
	memblock_add(0x10000, 0x30000);
	CHECK_TYPE(&memblock.memory, {0x10000, 0x10000, 0}, {0x20000, 0x10000, NOMAP},
		   {0x30000, 0x10000, 0});
	assert_true(mb_warns >= 1);
	assert_string_equal(mb_last_warn, "flags != rgn->flags");
}

/* ---- reserve (same insertion code, the reserved type) ---- */

static void test_reserve_simple(void **state)
{
	(void)state;
	assert_int_equal(memblock_reserve(0x4000, 0x4000), 0);
	CHECK_TYPE(&memblock.reserved, {0x4000, 0x4000, 0});
	assert_int_equal(memblock_reserved_size(), 0x4000);
	CHECK_EMPTY(&memblock.memory);
}

static void test_reserve_overlaps(void **state)
{
	(void)state;
	memblock_reserve(0x40000, 0x20000);
	memblock_reserve(0x30000, 0x18000); /* bottom */
	CHECK_TYPE(&memblock.reserved, {0x30000, 0x30000, 0});
	memblock_reserve(0x58000, 0x10000); /* top */
	CHECK_TYPE(&memblock.reserved, {0x30000, 0x38000, 0});
	memblock_reserve(0x40000, 0x1000);  /* within */
	memblock_reserve(0x30000, 0x38000); /* twice */
	CHECK_TYPE(&memblock.reserved, {0x30000, 0x38000, 0});
}

static void test_reserve_adjacent_between(void **state)
{
	(void)state;
	memblock_reserve(0x8000, 0x100000); /* kernel */
	memblock_reserve(0x4000, 0x4000);   /* swapper_pg_dir right below: merges */
	CHECK_TYPE(&memblock.reserved, {0x4000, 0x104000, 0});
	memblock_reserve(0x200000, 0x1000);
	memblock_reserve(0x104000, 0xfc000); /* exactly the gap */
	CHECK_TYPE(&memblock.reserved, {0x4000, 0x1fd000, 0});
}

static void test_reserve_near_max(void **state)
{
	(void)state;
	memblock_reserve(PHYS_ADDR_MAX - 0x7ff, 0x1000);
	CHECK_TYPE(&memblock.reserved, {PHYS_ADDR_MAX - 0x7ff, 0x7ff, 0});
}

/*
 * Many disjoint reservations fill the static array's 128 entries. One more piece is refused
 * before memblock_allow_resize(), even one that would merge away: room is needed first.
 * (This executable never allows resizing; test_alloc.c covers doubling.)
 */
static void test_reserve_fill_static_array(void **state)
{
	(void)state;
	for (int i = 0; i < INIT_MEMBLOCK_REGIONS; i++)
		assert_int_equal(memblock_reserve(0x100000 + i * 0x2000, 0x1000), 0);
	assert_int_equal(memblock.reserved.cnt, INIT_MEMBLOCK_REGIONS);
	assert_int_equal(memblock.reserved.max, INIT_MEMBLOCK_REGIONS);
	assert_int_equal(memblock_reserved_size(), INIT_MEMBLOCK_REGIONS * 0x1000);
	/* covered ranges need no new entry */
	assert_int_equal(memblock_reserve(0x100000, 0x1000), 0);
	assert_int_equal(mb_log_count(), 0);

	assert_int_equal(memblock_reserve(0x101000, 0x1000), -12);
	assert_int_equal(mb_log_count(), 1);
	assert_int_equal(mb_log_level(0), 3); /* pr_err */
	assert_string_equal(
	    mb_log(0), "memblock: Failed to double reserved array from 128 to 256 entries !\n");
	assert_int_equal(memblock.reserved.cnt, INIT_MEMBLOCK_REGIONS);
	assert_int_equal(memblock_reserved_size(), INIT_MEMBLOCK_REGIONS * 0x1000);
	assert_false(memblock_is_reserved(0x101000));
}

/* The same for memory, and for a split (isolate needs two spare entries). */
static void test_memory_fill_static_array(void **state)
{
	(void)state;
	for (int i = 0; i < INIT_MEMBLOCK_REGIONS - 1; i++)
		assert_int_equal(memblock_add(0x100000 + i * 0x2000, 0x1000), 0);
	/* 127 regions: a removal inside one would split it, needing cnt + 2 <= max */
	assert_int_equal(memblock_remove(0x100400, 0x100), -12);
	assert_string_equal(mb_log(0),
			    "memblock: Failed to double memory array from 128 to 256 entries !\n");
	assert_int_equal(memblock.memory.cnt, INIT_MEMBLOCK_REGIONS - 1);
	assert_int_equal(memblock_add(0x400000, 0x1000), 0); /* the 128th still fits */
	assert_int_equal(memblock_add(0x500000, 0x1000), -12);
	assert_int_equal(memblock_mark_nomap(0x100000, 0x1000), -12);
	assert_int_equal(mb_log_count(), 3);
	assert_int_equal(memblock_phys_mem_size(), INIT_MEMBLOCK_REGIONS * 0x1000);
}

/* ---- remove ---- */

static void test_remove_simple(void **state)
{
	(void)state;
	memblock_add(0x10000, 0x10000);
	memblock_add(0x30000, 0x10000);
	assert_int_equal(memblock_remove(0x30000, 0x10000), 0);
	CHECK_TYPE(&memblock.memory, {0x10000, 0x10000, 0});
}

static void test_remove_absent(void **state)
{
	(void)state;
	memblock_add(0x10000, 0x10000);
	assert_int_equal(memblock_remove(0x30000, 0x10000), 0);
	assert_int_equal(memblock_remove(0x0, 0x10000), 0); /* touching below */
	CHECK_TYPE(&memblock.memory, {0x10000, 0x10000, 0});
}

/* removal covering the bottom of a region */
static void test_remove_overlap_bottom(void **state)
{
	(void)state;
	memblock_add(0x10000, 0x10000);
	memblock_remove(0x8000, 0x10000);
	CHECK_TYPE(&memblock.memory, {0x18000, 0x8000, 0});
}

/* removal covering the top of a region */
static void test_remove_overlap_top(void **state)
{
	(void)state;
	memblock_add(0x10000, 0x10000);
	memblock_remove(0x18000, 0x10000);
	CHECK_TYPE(&memblock.memory, {0x10000, 0x8000, 0});
}

/* removal inside a region splits it in two */
static void test_remove_within(void **state)
{
	(void)state;
	memblock_add(0x10000, 0x10000);
	memblock_remove(0x14000, 0x4000);
	CHECK_TYPE(&memblock.memory, {0x10000, 0x4000, 0}, {0x18000, 0x8000, 0});
}

/* removing the only region leaves the empty dummy */
static void test_remove_only_region(void **state)
{
	(void)state;
	memblock_add(0x10000, 0x10000);
	memblock_remove(0x10000, 0x10000);
	CHECK_EMPTY(&memblock.memory);
	/* and the type works again afterwards */
	memblock_add(0x50000, 0x1000);
	CHECK_TYPE(&memblock.memory, {0x50000, 0x1000, 0});
}

/* one removal across several regions: head cut, middle ones gone, tail cut */
static void test_remove_multiple(void **state)
{
	(void)state;
	memblock_add(0x10000, 0x10000);
	memblock_add(0x30000, 0x10000);
	memblock_add(0x50000, 0x10000);
	memblock_add(0x70000, 0x10000);
	memblock_remove(0x18000, 0x5c000);
	CHECK_TYPE(&memblock.memory, {0x10000, 0x8000, 0}, {0x74000, 0xc000, 0});
}

static void test_remove_everything(void **state)
{
	(void)state;
	memblock_add(0x10000, 0x10000);
	memblock_add(0x30000, 0x10000);
	memblock_remove(0, PHYS_ADDR_MAX);
	CHECK_EMPTY(&memblock.memory);
}

static void test_remove_near_max(void **state)
{
	(void)state;
	memblock_add(PHYS_ADDR_MAX - 0x1ffff, 0x20000);
	memblock_remove(PHYS_ADDR_MAX - 0xffff, 0x20000); /* capped */
	CHECK_TYPE(&memblock.memory, {PHYS_ADDR_MAX - 0x1ffff, 0x10000, 0});
}

/* ---- free (reserved) ---- */

static void test_free_cases(void **state)
{
	(void)state;
	memblock_reserve(0x10000, 0x10000);
	memblock_reserve(0x30000, 0x10000);
	memblock_reserve(0x50000, 0x10000);
	assert_int_equal(memblock_phys_free(0x60000, 0x1000), 0); /* absent */
	memblock_phys_free(0x8000, 0x10000);			  /* bottom of the first */
	memblock_phys_free(0x3c000, 0x8000);			  /* top of the second */
	memblock_phys_free(0x54000, 0x4000);			  /* inside the third */
	CHECK_TYPE(&memblock.reserved, {0x18000, 0x8000, 0}, {0x30000, 0xc000, 0},
		   {0x50000, 0x4000, 0}, {0x58000, 0x8000, 0});
	memblock_phys_free(0x18000, 0x8000); /* a whole region */
	CHECK_TYPE(&memblock.reserved, {0x30000, 0xc000, 0}, {0x50000, 0x4000, 0},
		   {0x58000, 0x8000, 0});
	memblock_phys_free(0x0, 0x100000); /* everything */
	CHECK_EMPTY(&memblock.reserved);
	assert_int_equal(memblock_reserved_size(), 0);
}

/* memblock_free takes the virtual address an allocation returned. */
static void test_free_virtual(void **state)
{
	(void)state;
	memblock_add(0x100000, 0x100000);
	void *p = memblock_alloc(0x1000, 0x1000);
	assert_non_null(p);
	assert_ptr_equal(p, mb_ram + 0x1ff000);
	CHECK_TYPE(&memblock.reserved, {0x1ff000, 0x1000, 0});
	memblock_free(p, 0x1000);
	CHECK_EMPTY(&memblock.reserved);
	memblock_free(NULL, 0x1000); /* ignored */
	CHECK_EMPTY(&memblock.reserved);
}

/* ---- NOMAP / flags ---- */

static void test_nomap_mark_clear(void **state)
{
	(void)state;
	memblock_add(0x0, 0x100000);
	assert_int_equal(memblock_mark_nomap(0x40000, 0x20000), 0);
	CHECK_TYPE(&memblock.memory, {0x0, 0x40000, 0}, {0x40000, 0x20000, NOMAP},
		   {0x60000, 0xa0000, 0});
	assert_true(memblock_is_memory(0x48000));
	assert_false(memblock_is_map_memory(0x48000));
	assert_true(memblock_is_map_memory(0x3ffff));
	assert_true(memblock_is_map_memory(0x60000));
	assert_int_equal(memblock_phys_mem_size(), 0x100000);
	/* a NOMAP range touching the first merges with it */
	memblock_mark_nomap(0x60000, 0x10000);
	CHECK_TYPE(&memblock.memory, {0x0, 0x40000, 0}, {0x40000, 0x30000, NOMAP},
		   {0x70000, 0x90000, 0});
	/* clearing a part splits, clearing the rest merges everything back */
	memblock_clear_nomap(0x40000, 0x10000);
	CHECK_TYPE(&memblock.memory, {0x0, 0x50000, 0}, {0x50000, 0x20000, NOMAP},
		   {0x70000, 0x90000, 0});
	memblock_clear_nomap(0x50000, 0x20000);
	CHECK_TYPE(&memblock.memory, {0x0, 0x100000, 0});
	assert_int_equal(mb_warns, 0);
}

/* Flag changes over several regions and gaps only touch the memory that exists. */
static void test_nomap_across_regions(void **state)
{
	(void)state;
	memblock_add(0x10000, 0x10000);
	memblock_add(0x30000, 0x10000);
	memblock_mark_nomap(0x18000, 0x20000);
	CHECK_TYPE(&memblock.memory, {0x10000, 0x8000, 0}, {0x18000, 0x8000, NOMAP},
		   {0x30000, 0x8000, NOMAP}, {0x38000, 0x8000, 0});
	/* clearing a flag that is not set splits nothing in the end */
	memblock_clear_nomap(0x10000, 0x4000);
	CHECK_TYPE(&memblock.memory, {0x10000, 0x8000, 0}, {0x18000, 0x8000, NOMAP},
		   {0x30000, 0x8000, NOMAP}, {0x38000, 0x8000, 0});
	memblock_mark_nomap(0x0, 0x100000);
	CHECK_TYPE(&memblock.memory, {0x10000, 0x10000, NOMAP}, {0x30000, 0x10000, NOMAP});
}

/* Removing a NOMAP region leaves its neighbours as they were (no merge after removal). */
static void test_nomap_remove_no_merge(void **state)
{
	(void)state;
	memblock_add(0x10000, 0x30000);
	memblock_mark_nomap(0x20000, 0x10000);
	memblock_remove(0x20000, 0x10000);
	CHECK_TYPE(&memblock.memory, {0x10000, 0x10000, 0}, {0x30000, 0x10000, 0});
	/* adding the hole back as plain memory merges all three */
	memblock_add(0x20000, 0x10000);
	CHECK_TYPE(&memblock.memory, {0x10000, 0x30000, 0});
}

static void test_mark_hotplug(void **state)
{
	(void)state;
	memblock_add(0x10000, 0x30000);
	memblock_mark_hotplug(0x20000, 0x20000);
	CHECK_TYPE(&memblock.memory, {0x10000, 0x10000, 0}, {0x20000, 0x20000, HOTPLUG});
}

/* ---- queries ---- */

static void test_queries(void **state)
{
	(void)state;
	memblock_add(0x100000, 0x100000);
	memblock_add(0x400000, 0x100000);
	memblock_add(0x200000, 0x100000); /* merges with the first */
	memblock_reserve(0x180000, 0x1000);
	assert_int_equal(memblock_start_of_DRAM(), 0x100000);
	assert_int_equal(memblock_end_of_DRAM(), 0x500000);
	assert_int_equal(memblock_phys_mem_size(), 0x300000);
	assert_int_equal(memblock_reserved_size(), 0x1000);
	assert_false(memblock_is_memory(0xfffff));
	assert_true(memblock_is_memory(0x100000));
	assert_true(memblock_is_memory(0x2fffff));
	assert_false(memblock_is_memory(0x300000));
	assert_true(memblock_is_memory(0x4fffff));
	assert_false(memblock_is_memory(0x500000));
	assert_true(memblock_is_region_memory(0x100000, 0x200000));
	assert_false(memblock_is_region_memory(0x100000, 0x200001));
	assert_false(memblock_is_region_memory(0x380000, 0x1000));
	assert_true(memblock_is_region_memory(0x4ff000, 0x1000));
	assert_true(memblock_is_reserved(0x180fff));
	assert_false(memblock_is_reserved(0x181000));
	assert_false(memblock_is_reserved(0x17ffff));
	assert_true(memblock_is_region_reserved(0x17f000, 0x1001));
	assert_false(memblock_is_region_reserved(0x17f000, 0x1000));
	assert_false(memblock_is_region_reserved(0x181000, 0x1000));
	assert_true(memblock_is_region_reserved(0x0, PHYS_ADDR_MAX));
}

/* is_region_memory needs a single region: NOMAP splits the range. */
static void test_region_memory_split_by_flags(void **state)
{
	(void)state;
	memblock_add(0x100000, 0x100000);
	memblock_mark_nomap(0x180000, 0x1000);
	assert_false(memblock_is_region_memory(0x100000, 0x100000));
	assert_true(memblock_is_region_memory(0x181000, 0x7f000));
}

static void test_settings(void **state)
{
	(void)state;
	assert_false(memblock_bottom_up());
	memblock_set_bottom_up(true);
	assert_true(memblock_bottom_up());
	assert_true(memblock.bottom_up);
	memblock_set_current_limit(0x30000000);
	assert_int_equal(memblock_get_current_limit(), 0x30000000);
	assert_int_equal(memblock.current_limit, 0x30000000);
}

#define T(fn) cmocka_unit_test_setup(fn, mb_reset_setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_initial_state),
	    T(test_add_simple),
	    T(test_add_node_flags),
	    T(test_add_zero_size),
	    T(test_add_disjoint_sorted),
	    T(test_add_overlap_bottom),
	    T(test_add_overlap_top),
	    T(test_add_within),
	    T(test_add_covering),
	    T(test_add_twice),
	    T(test_add_adjacent_merge),
	    T(test_add_between),
	    T(test_add_near_max),
	    T(test_add_adjacent_flags_no_merge),
	    T(test_add_over_flagged_region),
	    T(test_reserve_simple),
	    T(test_reserve_overlaps),
	    T(test_reserve_adjacent_between),
	    T(test_reserve_near_max),
	    T(test_reserve_fill_static_array),
	    T(test_memory_fill_static_array),
	    T(test_remove_simple),
	    T(test_remove_absent),
	    T(test_remove_overlap_bottom),
	    T(test_remove_overlap_top),
	    T(test_remove_within),
	    T(test_remove_only_region),
	    T(test_remove_multiple),
	    T(test_remove_everything),
	    T(test_remove_near_max),
	    T(test_free_cases),
	    T(test_free_virtual),
	    T(test_nomap_mark_clear),
	    T(test_nomap_across_regions),
	    T(test_nomap_remove_no_merge),
	    T(test_mark_hotplug),
	    T(test_queries),
	    T(test_region_memory_split_by_flags),
	    T(test_settings),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("memblock basic", tests, NULL, NULL);
}
