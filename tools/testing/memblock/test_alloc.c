/*
 * test_alloc.c - memblock searching and allocation (top-down and bottom-up), array doubling
 * (this executable calls memblock_allow_resize), iterators, dumps, memblock=debug traces and
 * the early_param registration, against the real kernel/mm/memblock.c.
 *
 * Most tests use one bank M = [B, E) = [0x10000000, 0x11000000).
 */
#include <string.h>

#include "support.h"

#define B		0x10000000u
#define E		0x11000000u
#define NOMAP		MEMBLOCK_NOMAP
#define SMP_CACHE_BYTES 64

static int setup_bank(void **state)
{
	mb_reset();
	memblock_allow_resize();
	memblock_add(B, E - B);
	memset(mb_ram + B, 0xaa, E - B); /* allocations must zero (or not) what they return */
	return 0;
}

static int setup_bank_bottom_up(void **state)
{
	setup_bank(state);
	memblock_set_bottom_up(true);
	return 0;
}

static int setup_empty(void **state)
{
	mb_reset();
	memblock_allow_resize();
	return 0;
}

static bool all_bytes(const void *p, int c, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		if (s[i] != c)
			return false;
	return true;
}

/* ---- top-down ---- */

static void test_td_simple(void **state)
{
	void *p = memblock_alloc(0x1000, SMP_CACHE_BYTES);

	assert_ptr_equal(p, mb_ram + E - 0x1000);
	assert_true(all_bytes(p, 0, 0x1000));
	CHECK_TYPE(&memblock.reserved, {E - 0x1000, 0x1000, 0});
	assert_true(all_bytes(mb_ram + E - 0x2000, 0xaa, 0x1000));
}

/* A size that is not a multiple of the alignment: the block starts aligned below. */
static void test_td_misaligned_size(void **state)
{
	void *p = memblock_alloc(0x1001, 0x1000);

	assert_ptr_equal(p, mb_ram + E - 0x2000);
	CHECK_TYPE(&memblock.reserved, {E - 0x2000, 0x1001, 0});
	assert_true(all_bytes(p, 0, 0x1001));
	assert_int_equal((unsigned char)mb_ram[E - 0x2000 + 0x1001], 0xaa);
}

/* Next to an existing reservation: the two reserved regions merge. */
static void test_td_next_to_reserved(void **state)
{
	memblock_reserve(E - 0x1000, 0x1000);
	assert_ptr_equal(memblock_alloc(0x1000, 0x1000), mb_ram + E - 0x2000);
	CHECK_TYPE(&memblock.reserved, {E - 0x2000, 0x2000, 0});
}

/* The only free gap is exactly the size asked for. */
static void test_td_exact_fit(void **state)
{
	memblock_reserve(B, 0x800000);
	memblock_reserve(B + 0x801000, E - B - 0x801000);
	assert_ptr_equal(memblock_alloc(0x1000, 0x1000), mb_ram + B + 0x800000);
	CHECK_TYPE(&memblock.reserved, {B, E - B, 0});
	assert_null(memblock_alloc(1, 1));
}

static void test_td_no_space(void **state)
{
	memblock_reserve(B, E - B);
	assert_null(memblock_alloc(0x1000, 0x1000));
	assert_int_equal(memblock_phys_alloc(0x1000, 0x1000), 0);
	CHECK_TYPE(&memblock.reserved, {B, E - B, 0});
	/* bigger than all memory */
	memblock_phys_free(B, E - B);
	assert_null(memblock_alloc(E - B + 0x1000, 0x1000));
	CHECK_EMPTY(&memblock.reserved);
}

/* The top gap is too small: the block goes into the next one down. */
static void test_td_limited_space(void **state)
{
	memblock_reserve(B + 0x400000, E - B - 0x400000 - 0x800); /* leaves 2 KiB at the top */
	assert_ptr_equal(memblock_alloc(0x1000, 0x1000), mb_ram + B + 0x3ff000);
	assert_ptr_equal(memblock_alloc(0x800, 0x800), mb_ram + E - 0x800);
	CHECK_TYPE(&memblock.reserved, {B + 0x3ff000, E - B - 0x3ff000, 0});
}

/* Two banks, the upper one full: the block comes from the lower bank's top. */
static void test_td_cross_regions(void **state)
{
	memblock_add(0x20000000, 0x100000);
	memblock_reserve(0x200ff800, 0x800);
	memblock_reserve(0x20000000, 0xff000);
	assert_ptr_equal(memblock_alloc(0x2000, 0x1000), mb_ram + E - 0x2000);
	/* a block never straddles two banks, even when they touch */
	mb_reset();
	memblock_add_node(B, 0x1000, 0, MEMBLOCK_HOTPLUG);
	memblock_add(B + 0x1000, 0x1000);
	assert_int_equal(memblock_phys_alloc(0x2000, 0x1000), 0);
	assert_int_equal(memblock_phys_alloc(0x1000, 0x1000), B + 0x1000);
}

/* current_limit caps the default allocations; ANYWHERE in phys_alloc_range ignores it. */
static void test_td_current_limit(void **state)
{
	memblock_set_current_limit(B + 0x800000);
	assert_ptr_equal(memblock_alloc(0x1000, 0x1000), mb_ram + B + 0x7ff000);
	assert_int_equal(memblock_phys_alloc(0x1000, 0x1000), B + 0x7fe000);
	assert_int_equal(memblock_phys_alloc_range(0x1000, 0x1000, 0, MEMBLOCK_ALLOC_ANYWHERE),
			 E - 0x1000);
	assert_int_equal(memblock_phys_alloc_range(0x1000, 0x1000, 0, B + 0x100000), B + 0xff000);
	/* a limit below all memory: nothing */
	memblock_set_current_limit(B);
	assert_null(memblock_alloc(0x1000, 0x1000));
}

static void test_td_align(void **state)
{
	memblock_reserve(E - 0x1000, 0x1000);
	assert_ptr_equal(memblock_alloc(0x1000, SZ_1M), mb_ram + E - SZ_1M);
	assert_ptr_equal(memblock_alloc(0x10, 0x10), mb_ram + E - 0x1010); /* highest gap */
	assert_int_equal(memblock_phys_alloc(SZ_16M, SZ_16M), 0);
}

/* align 0 is a caller bug: warn, use SMP_CACHE_BYTES. */
static void test_td_align_zero(void **state)
{
	assert_ptr_equal(memblock_alloc(100, 0), mb_ram + E - 128);
	assert_int_equal(mb_warns, 1);
	assert_string_equal(mb_last_warn, "!align");
}

/* Page 0 is never handed out. */
static void test_td_page0(void **state)
{
	mb_reset();
	memblock_add(0, 0x2000);
	assert_int_equal(memblock_phys_alloc(0x1000, 0x1000), 0x1000);
	assert_int_equal(memblock_phys_alloc(0x1000, 0x1000), 0);
	assert_int_equal(memblock_phys_alloc(0x10, 0x10), 0);
	assert_int_equal(memblock_find_in_range(0, 0x2000, 0x1000, 0x1000), 0);
}

/* NOMAP memory is never allocated. */
static void test_td_skips_nomap(void **state)
{
	memblock_mark_nomap(E - SZ_1M, SZ_1M);
	assert_ptr_equal(memblock_alloc(0x1000, 0x1000), mb_ram + E - SZ_1M - 0x1000);
	memblock_mark_nomap(B, E - B);
	assert_null(memblock_alloc(0x10, 0x10));
}

/* ---- bottom-up ---- */

static void test_bu_simple(void **state)
{
	void *p = memblock_alloc(0x1000, SMP_CACHE_BYTES);

	assert_ptr_equal(p, mb_ram + B);
	assert_true(all_bytes(p, 0, 0x1000));
	CHECK_TYPE(&memblock.reserved, {B, 0x1000, 0});
}

static void test_bu_misaligned(void **state)
{
	memblock_reserve(B, 0x10);
	assert_ptr_equal(memblock_alloc(0x1001, 0x1000), mb_ram + B + 0x1000);
	assert_ptr_equal(memblock_alloc(0x10, 0x10), mb_ram + B + 0x10);
	CHECK_TYPE(&memblock.reserved, {B, 0x20, 0}, {B + 0x1000, 0x1001, 0});
}

static void test_bu_exact_fit(void **state)
{
	memblock_reserve(B, 0x800000);
	memblock_reserve(B + 0x801000, E - B - 0x801000);
	assert_ptr_equal(memblock_alloc(0x1000, 0x1000), mb_ram + B + 0x800000);
	CHECK_TYPE(&memblock.reserved, {B, E - B, 0});
}

static void test_bu_no_space(void **state)
{
	memblock_reserve(B + 0x800, E - B - 0x1000);
	assert_null(memblock_alloc(0x1000, 0x1000));
	assert_null(memblock_alloc(0x801, 1));
	CHECK_TYPE(&memblock.reserved, {B + 0x800, E - B - 0x1000, 0});
}

static void test_bu_limited_space(void **state)
{
	memblock_reserve(B + 0x800, 0x400000);
	assert_ptr_equal(memblock_alloc(0x1000, 0x1000), mb_ram + B + 0x401000);
	assert_ptr_equal(memblock_alloc(0x800, 0x800), mb_ram + B);
}

static void test_bu_cross_regions(void **state)
{
	memblock_add(0x20000000, 0x100000);
	memblock_reserve(B, E - B - 0x800);
	assert_int_equal(memblock_phys_alloc(0x1000, 0x1000), 0x20000000);
}

static void test_bu_current_limit(void **state)
{
	memblock_set_current_limit(B + 0x1800);
	assert_int_equal(memblock_phys_alloc(0x1000, 0x1000), B);
	assert_int_equal(memblock_phys_alloc(0x1000, 0x1000), 0); /* [B+0x1000, +0x1000) crosses */
	assert_int_equal(memblock_phys_alloc(0x800, 0x800), B + 0x1000);
}

static void test_bu_align(void **state)
{
	memblock_reserve(B, 0x1000);
	assert_int_equal(memblock_phys_alloc(0x1000, SZ_1M), B + SZ_1M);
	assert_int_equal(memblock_phys_alloc(0x100, 0), B + 0x1000); /* align 0 -> 64 */
	assert_int_equal(memblock_phys_alloc(0x10, 0x100), B + 0x1100);
	assert_int_equal(mb_warns, 1);
}

static void test_bu_page0(void **state)
{
	mb_reset();
	memblock_set_bottom_up(true);
	memblock_add(0, 0x3000);
	assert_int_equal(memblock_phys_alloc(0x10, 0x10), 0x1000);
	assert_int_equal(memblock_phys_alloc(0x1000, 0x1000), 0x2000);
}

/* ---- bounds: try_nid, alloc_from, node, find_in_range ---- */

static void test_try_nid_bounds(void **state)
{
	assert_ptr_equal(
	    memblock_alloc_try_nid(0x1000, 0x1000, B + 0x100000, B + 0x200000, NUMA_NO_NODE),
	    mb_ram + B + 0x1ff000);
	memblock_set_bottom_up(true);
	assert_ptr_equal(
	    memblock_alloc_try_nid(0x1000, 0x1000, B + 0x100000, B + 0x200000, NUMA_NO_NODE),
	    mb_ram + B + 0x100000);
	/* max_addr ACCESSIBLE (0) means current_limit */
	memblock_set_bottom_up(false);
	memblock_set_current_limit(B + 0x400000);
	assert_ptr_equal(
	    memblock_alloc_try_nid(0x1000, 0x1000, 0, MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE),
	    mb_ram + B + 0x3ff000);
	/* a max_addr above current_limit is clipped to it */
	assert_ptr_equal(
	    memblock_alloc_try_nid(0x1000, 0x1000, 0, MEMBLOCK_ALLOC_ANYWHERE, NUMA_NO_NODE),
	    mb_ram + B + 0x3fe000);
}

/* Nothing free above min_addr: retried from address 0. */
static void test_try_nid_min_fallback(void **state)
{
	memblock_reserve(B + 0x100000, E - B - 0x100000);
	assert_ptr_equal(memblock_alloc_try_nid(0x1000, 0x1000, B + 0x100000, E, NUMA_NO_NODE),
			 mb_ram + B + 0xff000);
	/* but the upper bound holds */
	assert_null(memblock_alloc_try_nid(0x1000, 0x1000, B + 0x100000, B, NUMA_NO_NODE));
}

static void test_try_nid_raw_not_zeroed(void **state)
{
	void *p = memblock_alloc_try_nid_raw(0x1000, 0x1000, 0, 0, NUMA_NO_NODE);

	assert_ptr_equal(p, mb_ram + E - 0x1000);
	assert_true(all_bytes(p, 0xaa, 0x1000));
	p = memblock_alloc_raw(0x1000, 0x1000);
	assert_ptr_equal(p, mb_ram + E - 0x2000);
	assert_true(all_bytes(p, 0xaa, 0x1000));
	assert_int_equal(memblock_phys_alloc(0x1000, 0x1000), E - 0x3000);
	assert_true(all_bytes(mb_ram + E - 0x3000, 0xaa, 0x1000));
	p = memblock_alloc_try_nid(0x1000, 0x1000, 0, 0, NUMA_NO_NODE);
	assert_true(all_bytes(p, 0, 0x1000));
}

static void test_alloc_from(void **state)
{
	memblock_set_bottom_up(true);
	void *p = memblock_alloc_from(0x1000, 0x1000, B + 0x800000);

	assert_ptr_equal(p, mb_ram + B + 0x800000);
	assert_true(all_bytes(p, 0, 0x1000));
	/* min above all memory: falls back to anywhere */
	assert_ptr_equal(memblock_alloc_from(0x1000, 0x1000, E), mb_ram + B);
	memblock_set_bottom_up(false);
	assert_ptr_equal(memblock_alloc_from(0x1000, 0x1000, 0x20000000), mb_ram + E - 0x1000);
}

static void test_alloc_node(void **state)
{
	assert_ptr_equal(memblock_alloc_node(0x1000, 0x1000, 0), mb_ram + E - 0x1000);
	/* an unknown node: no region matches, retried on any node */
	assert_ptr_equal(memblock_alloc_node(0x1000, 0x1000, 3), mb_ram + E - 0x2000);
	/* ... unless the node is exact */
	assert_int_equal(memblock_alloc_range_nid(0x1000, 0x1000, 0, 0, 3, true), 0);
	assert_int_equal(memblock_alloc_range_nid(0x1000, 0x1000, 0, 0, 0, true), E - 0x3000);
}

static void test_find_in_range(void **state)
{
	assert_int_equal(memblock_find_in_range(0, MEMBLOCK_ALLOC_ANYWHERE, 0x1000, 0x1000),
			 E - 0x1000);
	assert_int_equal(memblock_find_in_range(B, B + 0x3000, 0x1000, 0x1000), B + 0x2000);
	assert_int_equal(memblock_find_in_range(B, B + 0x800, 0x1000, 0x1000), 0);
	assert_int_equal(memblock_find_in_range(E, 0xffffffff, 0x1000, 0x1000), 0);
	CHECK_EMPTY(&memblock.reserved); /* finding reserves nothing */
	memblock_set_bottom_up(true);
	assert_int_equal(memblock_find_in_range(B + 1, E, 0x1000, 0x1000), B + 0x1000);
}

/* ---- array doubling (allowed in this executable) ---- */

static void reserve_many(int n)
{
	for (int i = 0; i < n; i++)
		assert_int_equal(memblock_reserve(B + i * 0x2000, 0x1000), 0);
}

/* The 129th reserved region doubles the array: placed top-down above the range being
 * added, reserved itself, contents kept, traced. */
static void test_double_reserved(void **state)
{
	reserve_many(INIT_MEMBLOCK_REGIONS);
	struct memblock_region *old = memblock.reserved.regions;
	memblock_debug = 1;
	assert_int_equal(memblock_reserve(B + 0x800000, 0x1000), 0);

	assert_int_equal(mb_log_count(), 3);
	mb_assert_trace(mb_log(0), "memblock_reserve: [0x10800000-0x10800fff] ",
			"test_double_reserved");
	assert_string_equal(mb_log(1), "memblock: reserved is doubled to 256 at "
				       "[0x10fff000-0x10fffbff]");
	mb_assert_trace(mb_log(2), "memblock_reserve: [0x10fff000-0x10ffffff] ",
			"memblock_double_array");
	assert_int_equal(memblock.reserved.max, 256);
	assert_ptr_equal(memblock.reserved.regions, mb_ram + E - 0x1000);
	assert_int_equal(memblock.reserved.cnt, INIT_MEMBLOCK_REGIONS + 2);
	for (int i = 0; i < INIT_MEMBLOCK_REGIONS; i++) {
		assert_int_equal(memblock.reserved.regions[i].base, B + i * 0x2000);
		assert_int_equal(old[i].base, B + i * 0x2000); /* static array left alone */
	}
	assert_true(memblock_is_reserved(E - 0x1000));
	assert_int_equal(memblock_reserved_size(), (INIT_MEMBLOCK_REGIONS + 2) * 0x1000);
	assert_true(all_bytes(&memblock.reserved.regions[INIT_MEMBLOCK_REGIONS + 2], 0,
			      (256 - INIT_MEMBLOCK_REGIONS - 2) * 12));
}

/* Nothing free above the range being reserved: the array goes below it. */
static void test_double_reserved_below(void **state)
{
	reserve_many(INIT_MEMBLOCK_REGIONS);
	assert_int_equal(memblock_reserve(E - 0x1000, 0x1000), 0);
	assert_ptr_equal(memblock.reserved.regions, mb_ram + E - 0x2000);
	/* the array [E-0x2000, E-0x1000) merged with the new reservation above it */
	assert_int_equal(memblock.reserved.cnt, INIT_MEMBLOCK_REGIONS + 1);
	assert_int_equal(memblock.reserved.regions[INIT_MEMBLOCK_REGIONS].base, E - 0x2000);
	assert_int_equal(memblock.reserved.regions[INIT_MEMBLOCK_REGIONS].size, 0x2000);
}

/* The memory array is doubled into free memory (the range being added is not RAM yet). */
static void test_double_memory(void **state)
{
	mb_reset();
	for (int i = 0; i < INIT_MEMBLOCK_REGIONS; i++)
		memblock_add(B + i * 0x2000, 0x1000);
	memblock_debug = 1;
	assert_int_equal(memblock_add(0x20000000, SZ_16M), 0);
	assert_string_equal(mb_log(1), "memblock: memory is doubled to 256 at "
				       "[0x100fe000-0x100febff]");
	assert_int_equal(memblock.memory.max, 256);
	assert_int_equal(memblock.memory.cnt, INIT_MEMBLOCK_REGIONS + 1);
	assert_ptr_equal(memblock.memory.regions, mb_ram + B + 0xfe000);
	CHECK_TYPE(&memblock.reserved, {B + 0xfe000, 0x1000, 0});
	assert_int_equal(memblock.reserved.max, INIT_MEMBLOCK_REGIONS);
}

/* A split in a full array (remove/nomap need two spare entries) doubles too. */
static void test_double_isolate(void **state)
{
	mb_reset();
	for (int i = 0; i < INIT_MEMBLOCK_REGIONS - 1; i++)
		memblock_add(B + i * 0x2000, 0x1000);
	assert_int_equal(memblock_mark_nomap(B + 0x400, 0x100), 0);
	assert_int_equal(memblock.memory.max, 256);
	assert_int_equal(memblock.memory.cnt, INIT_MEMBLOCK_REGIONS + 1);
	assert_int_equal(memblock.memory.regions[1].flags, NOMAP);
}

/* The second doubling frees the first (non-static) array. */
static void test_double_twice(void **state)
{
	reserve_many(254); /* 254 + the 256-entry array = 255 regions */
	assert_int_equal(memblock.reserved.cnt, 255);
	assert_int_equal(memblock_reserve(B + 254 * 0x2000, 0x1000), 0);
	assert_int_equal(memblock.reserved.max, 256);
	memblock_debug = 1;
	assert_int_equal(memblock_reserve(B + 255 * 0x2000, 0x1000), 0);
	assert_int_equal(memblock.reserved.max, 512);
	assert_string_equal(mb_log(1), "memblock: reserved is doubled to 512 at "
				       "[0x10ffd000-0x10ffe7ff]");
	assert_true(strncmp(mb_log(2), "memblock_phys_free: [0x10fff000-0x10ffffff] ", 44) == 0);
	mb_assert_trace(mb_log(3), "memblock_reserve: [0x10ffd000-0x10ffefff] ",
			"memblock_double_array");
	assert_ptr_equal(memblock.reserved.regions, mb_ram + E - 0x3000);
	assert_false(memblock_is_reserved(E - 0x1000));
	assert_true(memblock_is_region_reserved(E - 0x3000, 0x2000));
	assert_int_equal(memblock.reserved.cnt, 257);
}

/* Doubling fails when there is no free page: -ENOMEM, message, nothing changed. */
static void test_double_no_room(void **state)
{
	mb_reset();
	for (int i = 0; i < INIT_MEMBLOCK_REGIONS; i++)
		memblock_reserve(B + i * 0x2000, 0x1000);
	/* no memory at all: find_in_range has nothing */
	assert_int_equal(memblock_reserve(B + 0x800000, 0x1000), -12);
	assert_string_equal(
	    mb_log(0), "memblock: Failed to double reserved array from 128 to 256 entries !\n");
	assert_int_equal(memblock.reserved.max, INIT_MEMBLOCK_REGIONS);
}

/* ---- iterators ---- */

/*  memory  [0 ......... 1M)      [2M .... 2.5M)[nomap][2.5625M .. 3M)   [odd sub-page bits]
 *  reserved   [32K,36K)    [1020K ... 1028K) */
static void iter_layout(void)
{
	memblock_add(0x0, 0x100000);
	memblock_add(0x200000, 0x100000);
	memblock_mark_nomap(0x280000, 0x10000);
	memblock_reserve(0x8000, 0x1000);
	memblock_reserve(0xff000, 0x2000);
}

static void test_iter_free_ranges(void **state)
{
	static const phys_addr_t exp[][2] = {
	    {0x0, 0x8000}, {0x9000, 0xff000}, {0x200000, 0x280000}, {0x290000, 0x300000}};
	phys_addr_t s, e;
	int nid, n = 0;
	u64 i;

	iter_layout();
	for_each_free_mem_range(i, NUMA_NO_NODE, MEMBLOCK_NONE, &s, &e, &nid)
	{
		assert_true(n < 4);
		assert_int_equal(s, exp[n][0]);
		assert_int_equal(e, exp[n][1]);
		assert_int_equal(nid, 0);
		n++;
	}
	assert_int_equal(n, 4);
	for_each_free_mem_range_reverse(i, NUMA_NO_NODE, MEMBLOCK_NONE, &s, &e, NULL)
	{
		n--;
		assert_true(n >= 0);
		assert_int_equal(s, exp[n][0]);
		assert_int_equal(e, exp[n][1]);
	}
	assert_int_equal(n, 0);
	/* asking for NOMAP includes it: the two upper ranges become one... as three pieces */
	n = 0;
	for_each_free_mem_range(i, NUMA_NO_NODE, MEMBLOCK_NOMAP, &s, &e, NULL) n++;
	assert_int_equal(n, 5);
	/* node filter: node 0 is everything, node 2 nothing */
	n = 0;
	for_each_free_mem_range(i, 0, MEMBLOCK_NONE, &s, &e, NULL) n++;
	assert_int_equal(n, 4);
	n = 0;
	for_each_free_mem_range(i, 2, MEMBLOCK_NONE, &s, &e, NULL) n++;
	assert_int_equal(n, 0);
}

static void test_iter_free_ranges_empty(void **state)
{
	phys_addr_t s, e;
	int n = 0;
	u64 i;

	for_each_free_mem_range(i, NUMA_NO_NODE, MEMBLOCK_NONE, &s, &e, NULL) n++;
	assert_int_equal(n, 0); /* the zero-size dummy yields nothing */
	for_each_free_mem_range_reverse(i, NUMA_NO_NODE, MEMBLOCK_NONE, &s, &e, NULL) n++;
	assert_int_equal(n, 0);
	memblock_add(0x1000, 0x1000);
	for_each_free_mem_range_reverse(i, NUMA_NO_NODE, MEMBLOCK_NONE, &s, &e, NULL)
	{
		assert_int_equal(s, 0x1000);
		assert_int_equal(e, 0x2000);
		n++;
	}
	assert_int_equal(n, 1);
}

static void test_iter_mem_range_skips_nomap(void **state)
{
	static const phys_addr_t exp[][2] = {
	    {0x0, 0x100000}, {0x200000, 0x280000}, {0x290000, 0x300000}};
	phys_addr_t s, e;
	int n = 0;
	u64 i;

	iter_layout();
	for_each_mem_range(i, &s, &e)
	{
		assert_true(n < 3);
		assert_int_equal(s, exp[n][0]);
		assert_int_equal(e, exp[n][1]);
		n++;
	}
	assert_int_equal(n, 3);
}

static void test_iter_pfn_ranges(void **state)
{
	static const unsigned long exp[][2] = {
	    {0x0, 0x100}, {0x200, 0x280}, {0x280, 0x290}, {0x290, 0x300}, {0x501, 0x502}};
	unsigned long s, e;
	int i, nid, n = 0;

	iter_layout();
	memblock_add(0x400800, 0x400);	/* less than a page: skipped */
	memblock_add(0x500800, 0x2000); /* whole pages only: pfn 0x501 */
	for_each_mem_pfn_range(i, MAX_NUMNODES, &s, &e, &nid)
	{
		assert_true(n < 5);
		assert_int_equal(s, exp[n][0]);
		assert_int_equal(e, exp[n][1]);
		assert_int_equal(nid, 0);
		n++;
	}
	assert_int_equal(n, 5);
	n = 0;
	for_each_mem_pfn_range(i, 0, &s, &e, NULL) n++;
	assert_int_equal(n, 5);
	n = 0;
	for_each_mem_pfn_range(i, 2, NULL, NULL, NULL) n++;
	assert_int_equal(n, 0);
}

static void test_iter_regions(void **state)
{
	struct memblock_region *r;
	int n = 0;

	iter_layout();
	for_each_mem_region(r) n++;
	assert_int_equal(n, 4);
	n = 0;
	for_each_reserved_mem_region(r) n++;
	assert_int_equal(n, 2);
}

/* ---- dump ---- */

static void test_dump(void **state)
{
	static const char *const exp[] = {
	    "MEMBLOCK configuration:\n",
	    " memory size = 0x3c000000 reserved size = 0x0090a000\n",
	    " memory.cnt  = 0x3\n",
	    " memory[0x0]\t[0x00000000-0x37ffffff], 0x38000000 bytes flags: 0x0\n",
	    " memory[0x1]\t[0x38000000-0x38ffffff], 0x01000000 bytes flags: 0x4\n",
	    " memory[0x2]\t[0x39000000-0x3bffffff], 0x03000000 bytes flags: 0x0\n",
	    " reserved.cnt  = 0x3\n",
	    " reserved[0x0]\t[0x00004000-0x00007fff], 0x00004000 bytes flags: 0x0\n",
	    " reserved[0x1]\t[0x00100000-0x009fffff], 0x00900000 bytes flags: 0x0\n",
	    " reserved[0x2]\t[0x08000000-0x08005fff], 0x00006000 bytes flags: 0x0\n",
	};

	memblock_add(0, 0x3c000000);
	memblock_mark_nomap(0x38000000, SZ_16M);
	memblock_reserve(0x4000, 0x4000);
	memblock_reserve(0x100000, 0x900000);
	memblock_reserve(0x8000000, 0x6000);
	memblock_dump_all(); /* silent without memblock=debug */
	assert_int_equal(mb_log_count(), 0);
	memblock_debug = 1;
	memblock_dump_all();
	assert_int_equal(mb_log_count(), 10);
	for (int i = 0; i < 10; i++) {
		assert_string_equal(mb_log(i), exp[i]);
		assert_int_equal(mb_log_level(i), 6); /* pr_info */
	}
	mb_log_clear();
	memblock_debug = 0;
	__memblock_dump_all(); /* always prints */
	assert_int_equal(mb_log_count(), 10);
}

static void test_dump_empty_and_index(void **state)
{
	for (int i = 0; i < 11; i++)
		memblock_add(0x1000000 * i, 0x1000);
	__memblock_dump_all();
	assert_string_equal(mb_log(1), " memory size = 0x0000b000 reserved size = 0x00000000\n");
	assert_string_equal(mb_log(2), " memory.cnt  = 0xb\n");
	assert_string_equal(mb_log(13),
			    " memory[0xa]\t[0x0a000000-0x0a000fff], 0x00001000 bytes flags: 0x0\n");
	assert_string_equal(mb_log(14), " reserved.cnt  = 0x1\n");
	assert_string_equal(
	    mb_log(15), " reserved[0x0]\t[0x00000000-0xffffffff], 0x00000000 bytes flags: 0x0\n");
	assert_int_equal(mb_log_count(), 16);
}

/* ---- memblock=debug traces ---- */

static void test_trace_add_remove(void **state)
{
	memblock_debug = 1;
	memblock_add(0x0, 0x3c000000);
	memblock_add_node(0x40000000, 0x1000, 0, MEMBLOCK_HOTPLUG);
	memblock_reserve(0x4000, 0x4000);
	memblock_phys_free(0x4000, 0x1000);
	memblock_remove(0x40000000, 0x1000);
	memblock_mark_nomap(0x1000000, 0x1000); /* flag changes print nothing */
	memblock_clear_nomap(0x1000000, 0x1000);
	assert_int_equal(mb_log_count(), 5);
	mb_assert_trace(mb_log(0), "memblock_add: [0x00000000-0x3bffffff] ",
			"test_trace_add_remove");
	mb_assert_trace(mb_log(1), "memblock_add_node: [0x40000000-0x40000fff] nid=0 flags=1 ",
			"test_trace_add_remove");
	mb_assert_trace(mb_log(2), "memblock_reserve: [0x00004000-0x00007fff] ",
			"test_trace_add_remove");
	mb_assert_trace(mb_log(3), "memblock_phys_free: [0x00004000-0x00004fff] ",
			"test_trace_add_remove");
	mb_assert_trace(mb_log(4), "memblock_remove: [0x40000000-0x40000fff] ",
			"test_trace_add_remove");
	for (int i = 0; i < 5; i++)
		assert_int_equal(mb_log_level(i), 6);
}

static void test_trace_off(void **state)
{
	memblock_add(0x0, 0x100000);
	memblock_reserve(0x4000, 0x4000);
	memblock_alloc(0x1000, 0x1000);
	memblock_phys_free(0x4000, 0x4000);
	assert_int_equal(mb_log_count(), 0);
}

static void test_trace_alloc(void **state)
{
	memblock_debug = 1;
	memblock_alloc(0x1000, 0x1000);
	mb_assert_trace(mb_log(0),
			"memblock_alloc_try_nid: 4096 bytes align=0x1000 nid=-1 "
			"from=0x00000000 max_addr=0x00000000 ",
			"test_trace_alloc");
	mb_assert_trace(mb_log(1), "memblock_reserve: [0x10fff000-0x10ffffff] ",
			"memblock_alloc_range_nid");
	memblock_alloc_raw(0x40, 0x40);
	mb_assert_trace(mb_log(2),
			"memblock_alloc_try_nid_raw: 64 bytes align=0x40 nid=-1 "
			"from=0x00000000 max_addr=0x00000000 ",
			"test_trace_alloc");
	memblock_phys_alloc(0x2000, 0x1000);
	mb_assert_trace(mb_log(4),
			"memblock_phys_alloc_range: 8192 bytes align=0x1000 "
			"from=0x00000000 max_addr=0x00000000 ",
			"test_trace_alloc");
	mb_assert_trace(mb_log(5), "memblock_reserve: [0x10ffc000-0x10ffdfff] ",
			"memblock_alloc_range_nid");
	memblock_phys_alloc_range(0x1000, 0x1000, B, MEMBLOCK_ALLOC_ANYWHERE);
	mb_assert_trace(mb_log(6),
			"memblock_phys_alloc_range: 4096 bytes align=0x1000 "
			"from=0x10000000 max_addr=0xffffffff ",
			"test_trace_alloc");
	memblock_alloc_try_nid(0x1000, 0x1000, B, E, 0);
	mb_assert_trace(mb_log(8),
			"memblock_alloc_try_nid: 4096 bytes align=0x1000 nid=0 "
			"from=0x10000000 max_addr=0x11000000 ",
			"test_trace_alloc");
	memblock_alloc_from(0x1000, 0x1000, B);
	mb_assert_trace(mb_log(10),
			"memblock_alloc_try_nid: 4096 bytes align=0x1000 nid=-1 "
			"from=0x10000000 max_addr=0x00000000 ",
			"test_trace_alloc");
	memblock_alloc_node(0x1000, 0x1000, 0);
	mb_assert_trace(mb_log(12),
			"memblock_alloc_try_nid: 4096 bytes align=0x1000 nid=0 "
			"from=0x00000000 max_addr=0x00000000 ",
			"test_trace_alloc");
	memblock_alloc_try_nid_raw(0x1000, 0x1000, 0, B + 0x1000, NUMA_NO_NODE);
	mb_assert_trace(mb_log(14),
			"memblock_alloc_try_nid_raw: 4096 bytes align=0x1000 nid=-1 "
			"from=0x00000000 max_addr=0x10001000 ",
			"test_trace_alloc");
	mb_assert_trace(mb_log(15), "memblock_reserve: [0x10000000-0x10000fff] ",
			"memblock_alloc_range_nid");
	assert_int_equal(mb_log_count(), 16);
	/* a failed allocation prints only its request */
	assert_null(memblock_alloc(SZ_256M, 0x1000));
	assert_int_equal(mb_log_count(), 17);
}

/* ---- early_param("memblock", ...) ---- */

struct setup_param { /* include/linux/init.h's struct obs_kernel_param */
	const char *str;
	int (*setup_func)(char *val);
	int early;
};

static void test_early_param(void **state)
{
	struct setup_param *p, *found = NULL;
	size_t size;
	void *sec;
	char debug[] = "debug", other[] = "foo";

	if (!mb_find_section(".init.setup", &sec, &size))
		fail_msg("no .init.setup section in the test executable");
	for (p = sec; (char *)(p + 1) <= (char *)sec + size; p++)
		if (!strcmp(p->str, "memblock"))
			found = p;
	assert_non_null(found);
	assert_int_equal(found->early, 1);
	assert_int_equal(found->setup_func(other), 0);
	assert_int_equal(memblock_debug, 0);
	assert_int_equal(found->setup_func(NULL), 0);
	assert_int_equal(memblock_debug, 0);
	assert_int_equal(found->setup_func(debug), 0);
	assert_int_equal(memblock_debug, 1);
}

#define T(fn)	cmocka_unit_test_setup(fn, setup_bank)
#define TBU(fn) cmocka_unit_test_setup(fn, setup_bank_bottom_up)
#define T0(fn)	cmocka_unit_test_setup(fn, setup_empty)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_td_simple),
	    T(test_td_misaligned_size),
	    T(test_td_next_to_reserved),
	    T(test_td_exact_fit),
	    T(test_td_no_space),
	    T(test_td_limited_space),
	    T(test_td_cross_regions),
	    T(test_td_current_limit),
	    T(test_td_align),
	    T(test_td_align_zero),
	    T(test_td_page0),
	    T(test_td_skips_nomap),
	    TBU(test_bu_simple),
	    TBU(test_bu_misaligned),
	    TBU(test_bu_exact_fit),
	    TBU(test_bu_no_space),
	    TBU(test_bu_limited_space),
	    TBU(test_bu_cross_regions),
	    TBU(test_bu_current_limit),
	    TBU(test_bu_align),
	    TBU(test_bu_page0),
	    T(test_try_nid_bounds),
	    T(test_try_nid_min_fallback),
	    T(test_try_nid_raw_not_zeroed),
	    T(test_alloc_from),
	    T(test_alloc_node),
	    T(test_find_in_range),
	    T(test_double_reserved),
	    T(test_double_reserved_below),
	    T(test_double_memory),
	    T(test_double_isolate),
	    T(test_double_twice),
	    T(test_double_no_room),
	    T0(test_iter_free_ranges),
	    T0(test_iter_free_ranges_empty),
	    T0(test_iter_mem_range_skips_nomap),
	    T0(test_iter_pfn_ranges),
	    T0(test_iter_regions),
	    T0(test_dump),
	    T0(test_dump_empty_and_index),
	    T0(test_trace_add_remove),
	    T(test_trace_off),
	    T(test_trace_alloc),
	    T0(test_early_param),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("memblock alloc", tests, NULL, NULL);
}
