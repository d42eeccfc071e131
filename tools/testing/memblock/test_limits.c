/*
 * test_limits.c - the rest of Linux 6.1's include/linux/memblock.h against the real
 * kernel/mm/memblock.c: memblock_trim_memory, memblock_enforce_memory_limit,
 * memblock_cap_memory_range, memblock_mem_limit_remove_map, memblock_clear_hotplug,
 * memblock_overlaps_region, memblock_phys_alloc_try_nid, memblock_alloc_exact_nid_raw,
 * memblock_alloc_low, the region pfn helpers, for_each_mem_range_rev,
 * for_each_reserved_mem_range, and (last: it cannot be undone) memblock_mark_mirror with
 * allocations preferring mirrored memory.
 */
#include <string.h>

#include "support.h"

#define NOMAP MEMBLOCK_NOMAP
#define SZ_4M 0x00400000
#define PFN_UP(x) (((x) + 0xfff) >> 12)
#define PFN_DOWN(x) ((x) >> 12)

static void __printf(1, 2) no_report(const char *fmt, ...)
{
	fail_msg("memblock_check: %s", fmt);
}

static int setup(void **state)
{
	(void)state;
	mb_reset();
	memblock_allow_resize();
	return 0;
}

/* Regions shrink inwards to the alignment; one with nothing left goes. */
static void test_trim_memory(void **state)
{
	(void)state;
	memblock_add(0x1000, 0x3ff000);       /* [4K, 4M) -> [1M, 4M) with 1M alignment */
	memblock_add(0x500000, 0x80000);      /* [5M, 5.5M) -> nothing */
	memblock_add(0x600800, 0x200000);     /* [6M+2K, 8M+2K) -> [7M, 8M) */
	memblock_add(0x900000, 0x100000);     /* already aligned */
	memblock_trim_memory(SZ_1M);
	CHECK_TYPE(&memblock.memory, {0x100000, 0x300000, 0}, {0x700000, 0x100000, 0},
		   {0x900000, 0x100000, 0});
	assert_int_equal(memblock.memory.total_size, 0x500000);
	assert_int_equal(memblock_check(no_report), 0);
}

/* mem=: the first limit bytes of memory survive (counting across holes). */
static void test_enforce_memory_limit(void **state)
{
	(void)state;
	memblock_add(0, SZ_16M);
	memblock_add(0x2000000, SZ_16M);
	memblock_reserve(0x1800000 + 0x1000, 0x1000); /* not memory: kept only if below */
	memblock_reserve(0x2100000, 0x10000);
	memblock_reserve(0x2f00000, 0x10000);
	memblock_enforce_memory_limit(SZ_16M + SZ_4M); /* 16M of bank 0 + 4M of bank 1 */
	CHECK_TYPE(&memblock.memory, {0, SZ_16M, 0}, {0x2000000, 0x400000, 0});
	CHECK_TYPE(&memblock.reserved, {0x1801000, 0x1000, 0}, {0x2100000, 0x10000, 0});
	/* 0 and a limit above all memory change nothing */
	memblock_enforce_memory_limit(0);
	memblock_enforce_memory_limit(SZ_256M);
	CHECK_TYPE(&memblock.memory, {0, SZ_16M, 0}, {0x2000000, 0x400000, 0});
}

/* cap: only [base, base+size) of memory and reservations survive, NOMAP regions kept. */
static void test_cap_memory_range(void **state)
{
	(void)state;
	memblock_add(0, SZ_16M);
	memblock_mark_nomap(0x100000, 0x100000);
	memblock_add(0x2000000, SZ_16M);
	memblock_reserve(0x10000, 0x1000);
	memblock_reserve(0x2400000, 0x1000);
	memblock_reserve(0x2ff0000, 0x20000);
	memblock_cap_memory_range(0x2000000, 0x800000);
	CHECK_TYPE(&memblock.memory, {0x100000, 0x100000, NOMAP}, {0x2000000, 0x800000, 0});
	CHECK_TYPE(&memblock.reserved, {0x2400000, 0x1000, 0});
	/* size 0: nothing */
	memblock_cap_memory_range(0, 0);
	CHECK_TYPE(&memblock.memory, {0x100000, 0x100000, NOMAP}, {0x2000000, 0x800000, 0});
}

static void test_cap_without_memory(void **state)
{
	(void)state;
	mb_log_clear();
	memblock_cap_memory_range(0, SZ_16M);
	assert_int_equal(mb_log_count(), 1);
	assert_string_equal(mb_log(0), "memblock_cap_memory_range: No memory registered yet\n");
	CHECK_EMPTY(&memblock.memory);
}

/* mem= keeping NOMAP: cap at the end of the first limit bytes (NOMAP beyond survives). */
static void test_mem_limit_remove_map(void **state)
{
	(void)state;
	memblock_add(0, SZ_16M);
	memblock_add(0x2000000, SZ_16M);
	memblock_mark_nomap(0x2800000, 0x100000);
	memblock_mem_limit_remove_map(SZ_16M + SZ_1M);
	CHECK_TYPE(&memblock.memory, {0, SZ_16M, 0}, {0x2000000, SZ_1M, 0},
		   {0x2800000, 0x100000, NOMAP});
	memblock_mem_limit_remove_map(0);
	memblock_mem_limit_remove_map(SZ_256M);
	CHECK_TYPE(&memblock.memory, {0, SZ_16M, 0}, {0x2000000, SZ_1M, 0},
		   {0x2800000, 0x100000, NOMAP});
}

static void test_hotplug_flags_and_overlaps(void **state)
{
	struct memblock_region *r;

	(void)state;
	memblock_add(0, SZ_16M);
	memblock_mark_hotplug(SZ_1M, SZ_1M);
	CHECK_TYPE(&memblock.memory, {0, SZ_1M, 0}, {SZ_1M, SZ_1M, MEMBLOCK_HOTPLUG},
		   {2 * SZ_1M, SZ_16M - 2 * SZ_1M, 0});
	r = &memblock.memory.regions[1];
	assert_true(memblock_is_hotpluggable(r));
	assert_false(memblock_is_mirror(r) || memblock_is_nomap(r) || memblock_is_driver_managed(r));
	memblock_clear_hotplug(0, PHYS_ADDR_MAX);
	CHECK_TYPE(&memblock.memory, {0, SZ_16M, 0});
	memblock_reserve(0x5000, 0x1000);
	assert_true(memblock_overlaps_region(&memblock.reserved, 0x5fff, 1));
	assert_false(memblock_overlaps_region(&memblock.reserved, 0x6000, 0x1000));
	assert_false(memblock_overlaps_region(&memblock.reserved, 0x4000, 0x1000));
	assert_true(memblock_overlaps_region(&memblock.memory, SZ_16M - 1, PHYS_ADDR_MAX));
}

/* Whole pages of a memory region; every page a reservation touches. */
static void test_region_pfns(void **state)
{
	struct memblock_region r = {0x1800, 0x3000, 0};

	(void)state;
	assert_int_equal(memblock_region_memory_base_pfn(&r), 2);
	assert_int_equal(memblock_region_memory_end_pfn(&r), 4);
	assert_int_equal(memblock_region_reserved_base_pfn(&r), 1);
	assert_int_equal(memblock_region_reserved_end_pfn(&r), 5);
}

static void test_range_iterators(void **state)
{
	phys_addr_t start, end, got[8];
	int n = 0;
	u64 i;

	(void)state;
	memblock_add(0, SZ_1M);
	memblock_add(0x400000, SZ_1M);
	memblock_add(0x800000, SZ_1M);
	memblock_mark_nomap(0x800000, SZ_1M); /* NOMAP memory is not a "mem range" */
	for_each_mem_range_rev(i, &start, &end)
		got[n++] = start;
	assert_int_equal(n, 2);
	assert_int_equal(got[0], 0x400000);
	assert_int_equal(got[1], 0);
	memblock_reserve(0x1000, 0x1000);
	memblock_reserve(0x401000, 0x2000);
	n = 0;
	for_each_reserved_mem_range(i, &start, &end)
		got[n++] = start, got[n++] = end;
	assert_int_equal(n, 4);
	assert_int_equal(got[0], 0x1000);
	assert_int_equal(got[1], 0x2000);
	assert_int_equal(got[2], 0x401000);
	assert_int_equal(got[3], 0x403000);
}

/* phys_alloc_try_nid / alloc_exact_nid_raw / alloc_low: node 0 is all memory. */
static void test_alloc_variants(void **state)
{
	phys_addr_t pa;
	void *p;

	(void)state;
	memblock_add(0x10000000, SZ_16M);
	memblock_set_current_limit(0x10800000);
	pa = memblock_phys_alloc_try_nid(0x2000, 0x1000, 0);
	assert_int_equal(pa, 0x10800000 - 0x2000); /* below current_limit, top-down */
	memset(mb_ram + 0x10700000, 0xaa, 0x100000);
	p = memblock_alloc_exact_nid_raw(0x1000, 0x1000, 0x10000000, 0x10780000, 0);
	assert_ptr_equal(p, mb_ram + 0x10780000 - 0x1000);
	assert_int_equal(*(unsigned char *)p, 0xaa); /* raw: not zeroed */
	p = memblock_alloc_low(0x1000, 0x1000);
	assert_non_null(p);
	assert_int_equal(*(unsigned char *)p, 0);
	assert_true((char *)p - mb_ram < 0x10800000);
	CHECK_TYPE(&memblock.reserved, {0x1077f000, 0x1000, 0}, {0x107fd000, 0x3000, 0});
	/* traced as Linux names them */
	memblock_debug = 1;
	mb_log_clear();
	memblock_alloc_exact_nid_raw(0x1000, 0x1000, 0, 0x10780000, 0);
	assert_non_null(strstr(mb_log(0), "memblock_alloc_exact_nid_raw: 4096 bytes align=0x1000 nid=0 "
					 "from=0x00000000 max_addr=0x10780000 "));
	memblock_debug = 0;
}

/* Mirrored memory is preferred once marked; without enough of it, a warning and any memory. */
static void test_mirror(void **state)
{
	phys_addr_t pa;

	(void)state;
	memblock_add(0x10000000, SZ_16M);
	memblock_mark_mirror(0x10000000, SZ_1M);
	CHECK_TYPE(&memblock.memory, {0x10000000, SZ_1M, MEMBLOCK_MIRROR},
		   {0x10100000, SZ_16M - SZ_1M, 0});
	assert_true(memblock_is_mirror(&memblock.memory.regions[0]));
	pa = memblock_phys_alloc(0x1000, 0x1000);
	assert_int_equal(pa, 0x10100000 - 0x1000); /* top of the mirrored part */
	mb_log_clear();
	pa = memblock_phys_alloc(SZ_4M, 0x1000); /* more than the mirror holds */
	assert_int_equal(pa, 0x11000000 - SZ_4M);
	assert_int_equal(mb_log_count(), 1);
	assert_string_equal(mb_log(0), "Could not allocate 0x00400000 bytes of mirrored memory\n");
	pa = memblock_find_in_range(0x10800000, 0x10900000, 0x1000, 0x1000);
	assert_int_equal(pa, 0x10900000 - 0x1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_trim_memory, setup),
		cmocka_unit_test_setup(test_enforce_memory_limit, setup),
		cmocka_unit_test_setup(test_cap_memory_range, setup),
		cmocka_unit_test_setup(test_cap_without_memory, setup),
		cmocka_unit_test_setup(test_mem_limit_remove_map, setup),
		cmocka_unit_test_setup(test_hotplug_flags_and_overlaps, setup),
		cmocka_unit_test_setup(test_region_pfns, setup),
		cmocka_unit_test_setup(test_range_iterators, setup),
		cmocka_unit_test_setup(test_alloc_variants, setup),
		cmocka_unit_test_setup(test_mirror, setup), /* last: mirroring cannot be undone */
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
