/*
 * test_setup.c - setup_per_cpu_areas on a simulated memblock (Linux's mm/percpu.c), built once
 * per static size PCPU_TEST_STATIC (144: pimm; 35148: Linux on an AST2500; 0: unit larger
 * than size_sum): the boot-log lines, the memblock traffic (alloc info page, group block top-down below
 * current_limit after the fallback from the goal __pa(MAX_DMA_ADDRESS) above all RAM, chunk
 * maps, alloc info freed; tails freed when unit > size_sum, the maps then landing in the last
 * tail), memblock.reserved before and after, the template copied into every unit,
 * __per_cpu_offset[] and per_cpu_ptr/per_cpu/this_cpu_ptr arithmetic.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support_pcpu.h"

#define S PCPU_TEST_STATIC
#define R 8192u
#if S == 144
#define PAGES 8
#define DYN   24432u
#define UNIT  32768u
#elif S == 35148
#define PAGES 16
#define DYN   22196u
#define UNIT  65536u
#elif S == 0
#define PAGES 7
#define DYN   20480u
#define UNIT  32768u
#else
#error "no expected values for this PCPU_TEST_STATIC"
#endif
#define SIZE_SUM (S + R + DYN)
static const size_t s_static = S; /* (a variable: no -Wtype-limits when S is 0) */
#define NCPU	 CONFIG_NR_CPUS
#define AI_PA	 (PCPU_LIMIT - 0x1000)	/* the alloc info page, first top-down block */
#define BASE_PA	 (AI_PA - NCPU * UNIT)	/* the group block, right below it */
#define BITS	 ((R + DYN) / 4)	/* alloc_map: one bit per 4 bytes of r + d */
#define AM_SIZE	 (BITS_TO_LONGS(BITS) * sizeof(unsigned long))
#define BM_SIZE	 (BITS_TO_LONGS(BITS + 1) * sizeof(unsigned long))
/* top-down, the maps go right below the group block; with unit > size_sum (S == 0) into the
 * highest free hole instead: the freed tail of the last unit */
#define MAPS_TOP (UNIT > SIZE_SUM ? BASE_PA + NCPU * UNIT : BASE_PA)
#define AM_PA	 ((phys_addr_t)((MAPS_TOP - AM_SIZE) & ~63u))
#define BM_PA	 ((phys_addr_t)((AM_PA - BM_SIZE) & ~63u))

static char *base(void)
{
	return mb_ram + BASE_PA;
}

/* ---- the log ---- */

static void test_log_lines(void **state)
{
	char embedded[128], alloc[128];

	snprintf(embedded, sizeof(embedded), "percpu: Embedded %d pages/cpu s%d r8192 d%u u%u\n",
		 PAGES, S, DYN, UNIT);
	/* Linux's pcpu_dump_alloc_info: alloc=<alloc_size / atom_size>*<atom_size> */
	snprintf(alloc, sizeof(alloc), "pcpu-alloc: s%d r8192 d%u u%u alloc=%u*4096\n", S, DYN,
		 UNIT, UNIT / 4096);
	assert_int_equal(mb_log_count(), 3);
	assert_string_equal(mb_log(0), embedded);
	assert_int_equal(mb_log_level(0), 6);
	assert_string_equal(mb_log(1), alloc);
	assert_int_equal(mb_log_level(1), 7);
	assert_string_equal(mb_log(2), "pcpu-alloc: [0] 0 [0] 1 [0] 2 [0] 3 \n");
	assert_int_equal(mb_log_level(2), 7);
#if S == 144
	assert_string_equal(mb_log(0), "percpu: Embedded 8 pages/cpu s144 r8192 d24432 u32768\n");
#elif S == 35148
	assert_string_equal(mb_log(0), "percpu: Embedded 16 pages/cpu s35148 r8192 d22196 u65536\n");
#endif
}

/* ---- the chunk as recorded ---- */

static void test_alloc_info(void **state)
{
	const struct pcpu_alloc_info *ai = &pcpu_chunk.ai;

	assert_int_equal(ai->static_size, S);
	assert_int_equal(ai->reserved_size, R);
	assert_int_equal(ai->dyn_size, DYN);
	assert_int_equal(ai->unit_size, UNIT);
	assert_int_equal(ai->size_sum, SIZE_SUM);
	assert_int_equal(ai->size_sum % 4096, 0);
	assert_int_equal(ai->atom_size, 4096);
	assert_int_equal(ai->alloc_size, UNIT);
	assert_int_equal(ai->nr_units, NCPU);
	assert_ptr_equal(pcpu_chunk.base_addr, base());
	assert_int_equal(pcpu_chunk.nr_map_bits, BITS);
	assert_int_equal(pcpu_chunk.nr_allocs, 0);
	assert_int_equal(pcpu_chunk.used_bytes, 0);
	assert_ptr_equal(pcpu_chunk.alloc_map, mb_ram + AM_PA);
	assert_ptr_equal(pcpu_chunk.bound_map, mb_ram + BM_PA);
	/* the reserved part is marked taken in alloc_map, nothing else is; no bounds yet */
	for (size_t i = 0; i < BITS; i++) {
		bool taken = pcpu_chunk.alloc_map[i / BITS_PER_LONG] & (1UL << (i % BITS_PER_LONG));

		if (taken != (i < R / 4))
			fail_msg("alloc_map bit %zu = %d", i, taken);
	}
	for (size_t i = 0; i < BITS_TO_LONGS(BITS + 1); i++)
		assert_int_equal(pcpu_chunk.bound_map[i], 0);
}

/* ---- memblock ---- */

struct iv {
	phys_addr_t start, end;
};

static int iv_cmp(const void *a, const void *b)
{
	const struct iv *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* memblock.reserved must be exactly the union of these ranges (sorted, adjacent merged). */
static void check_reserved(struct iv *iv, int n, int line)
{
	struct exp_region exp[16];
	int m = 0;

	qsort(iv, n, sizeof(*iv), iv_cmp);
	for (int i = 0; i < n; i++) {
		if (m && exp[m - 1].base + exp[m - 1].size >= iv[i].start) {
			if (iv[i].end > exp[m - 1].base + exp[m - 1].size)
				exp[m - 1].size = iv[i].end - exp[m - 1].base;
			continue;
		}
		exp[m++] = (struct exp_region){iv[i].start, iv[i].end - iv[i].start, 0};
	}
	mb_check_type(&memblock.reserved, exp, m, __FILE__, line);
}

/* Before: the boot reservations. After: + group block (less each unit's tail beyond
 * size_sum) + the two chunk maps; the alloc info page is free again. memory unchanged. */
static void test_memblock_reserved(void **state)
{
	struct iv iv[16];
	int n = 0;

	pcpu_layout();
	CHECK_TYPE(&memblock.reserved, {0, 0x1000, 0}, {PCPU_KERNEL, PCPU_KERNEL_SIZE, 0});
	setup_per_cpu_areas();
	CHECK_TYPE(&memblock.memory, {0, PCPU_RAM_END, 0});
	iv[n++] = (struct iv){0, 0x1000};
	iv[n++] = (struct iv){PCPU_KERNEL, PCPU_KERNEL + PCPU_KERNEL_SIZE};
	iv[n++] = (struct iv){BM_PA, BM_PA + BM_SIZE};
	iv[n++] = (struct iv){AM_PA, AM_PA + AM_SIZE};
	for (int cpu = 0; cpu < NCPU; cpu++)
		iv[n++] = (struct iv){BASE_PA + cpu * UNIT, BASE_PA + cpu * UNIT + SIZE_SUM};
	check_reserved(iv, n, __LINE__);
	assert_false(memblock_is_region_reserved(AI_PA, 0x1000));
	assert_int_equal(memblock.reserved.total_size,
			 0x1000 + PCPU_KERNEL_SIZE + AM_SIZE + BM_SIZE + NCPU * SIZE_SUM);
#if S == 0
	/* /memreserve/, kernel, units 0..3 (4 KiB holes between), then in unit 3's tail the
	 * bound map and the alloc map (56 bytes apart: 904 bytes rounded down to 64) */
	assert_int_equal(memblock.reserved.cnt, 2 + NCPU + 2);
	assert_true(BM_PA >= BASE_PA + 3 * UNIT + SIZE_SUM);
#endif
}

/* memblock=debug: the calls in Linux's order (ai, group block from the goal
 * __pa(MAX_DMA_ADDRESS) = 0x7fffffff, tails, maps, ai freed). */
static void test_memblock_traffic(void **state)
{
	char want[64][160];
	int n = 0, i, got = 0;
	char *p;

	pcpu_layout();
	memblock_debug = 1;
	setup_per_cpu_areas();
	memblock_debug = 0;

#define WANT(...) snprintf(want[n++], sizeof(want[0]), __VA_ARGS__)
	WANT("memblock_alloc_try_nid: 4096 bytes align=0x1000 nid=-1 from=0x00000000 "
	     "max_addr=0x00000000 ");
	WANT("memblock_reserve: [0x%08x-0x%08x] ", AI_PA, AI_PA + 0xfff);
	WANT("memblock_alloc_try_nid: %u bytes align=0x1000 nid=-1 from=0x7fffffff "
	     "max_addr=0x00000000 ", NCPU * UNIT);
	WANT("memblock_reserve: [0x%08x-0x%08x] ", BASE_PA, BASE_PA + NCPU * UNIT - 1);
	if (UNIT > SIZE_SUM)
		for (int cpu = 0; cpu < NCPU; cpu++)
			WANT("memblock_phys_free: [0x%08x-0x%08x] ",
			     BASE_PA + cpu * UNIT + SIZE_SUM, BASE_PA + (cpu + 1) * UNIT - 1);
	WANT("memblock_alloc_try_nid: %zu bytes align=0x40 nid=-1 from=0x00000000 "
	     "max_addr=0x00000000 ", AM_SIZE);
	WANT("memblock_reserve: [0x%08x-0x%08zx] ", AM_PA, AM_PA + AM_SIZE - 1);
	WANT("memblock_alloc_try_nid: %zu bytes align=0x40 nid=-1 from=0x00000000 "
	     "max_addr=0x00000000 ", BM_SIZE);
	WANT("memblock_reserve: [0x%08x-0x%08zx] ", BM_PA, BM_PA + BM_SIZE - 1);
	WANT("memblock_phys_free: [0x%08x-0x%08x] ", AI_PA, AI_PA + 0xfff);
#undef WANT
	for (i = 0; i < mb_log_count(); i++) {
		const char *l = mb_log(i);

		if (strncmp(l, "memblock_", 9))
			continue;
		if (got >= n)
			fail_msg("extra memblock call: %s", l);
		p = strstr(l, want[got]);
		if (p != l)
			fail_msg("memblock call %d\n  got:      %s  expected: %s...", got, l,
				 want[got]);
		got++;
	}
	assert_int_equal(got, n);
}

/* ---- the units ---- */

/* Each unit: a copy of the template, then zeroes (reserved + dynamic; memblock zeroed the
 * block over the 0xaa fill). The template itself is unchanged. */
static void test_units_hold_template(void **state)
{
	for (int cpu = 0; cpu < NCPU; cpu++) {
		const unsigned char *u = (const unsigned char *)base() + cpu * UNIT;

		if (S)
			assert_memory_equal(u, __per_cpu_start, S);
		for (size_t i = 0; i < s_static; i++)
			if (u[i] != pcpu_template_byte(i))
				fail_msg("cpu %d byte %zu = %#x", cpu, i, u[i]);
		for (size_t i = s_static; i < SIZE_SUM; i++)
			if (u[i])
				fail_msg("cpu %d byte %zu = %#x, expected 0", cpu, i, u[i]);
	}
	for (size_t i = 0; i < s_static; i++)
		assert_int_equal((unsigned char)__per_cpu_start[i], pcpu_template_byte(i));
	assert_int_equal(BASE_PA % 4096, 0);
	assert_int_equal(UNIT % 4096, 0);
}

/* __per_cpu_offset[cpu] = (pcpu_base_addr - __per_cpu_start) + cpu * unit. */
static void test_offsets(void **state)
{
	unsigned long delta = (unsigned long)base() - (unsigned long)__per_cpu_start;

	for (int cpu = 0; cpu < NCPU; cpu++)
		assert_int_equal(__per_cpu_offset[cpu], delta + (unsigned long)cpu * UNIT);
	assert_int_equal(__my_cpu_offset(), __per_cpu_offset[0]);
}

/* per_cpu_ptr(&var, cpu) lands in cpu's unit at var's template offset; writing one CPU's
 * copy leaves the others and the template alone. */
static void test_per_cpu_ptr(void **state)
{
	static const size_t offs[] = {0, 1, 4, 63, 64, 100, 143, 4096, 35147};

	for (size_t k = 0; k < ARRAY_SIZE(offs); k++) {
		size_t o = offs[k];

		if (o >= s_static)
			continue;
		for (int cpu = 0; cpu < NCPU; cpu++) {
			char *p = per_cpu_ptr(&__per_cpu_start[o], cpu);

			assert_ptr_equal(p, base() + cpu * UNIT + o);
			assert_int_equal((unsigned char)*p, pcpu_template_byte(o));
		}
		assert_ptr_equal(this_cpu_ptr(&__per_cpu_start[o]), base() + o);
	}
#if S >= 8
	{
		u32 *var = (u32 *)(__per_cpu_start + 4); /* a per-CPU u32 at offset 4 */
		u32 tmpl = *var;

		per_cpu(*var, 2) = 0xdeadbeef;
		this_cpu_add(*var, 5);
		assert_int_equal(per_cpu(*var, 0), tmpl + 5);
		assert_int_equal(per_cpu(*var, 1), tmpl);
		assert_int_equal(per_cpu(*var, 2), 0xdeadbeef);
		assert_int_equal(per_cpu(*var, 3), tmpl);
		assert_int_equal(this_cpu_read(*var), tmpl + 5);
		assert_int_equal(*var, tmpl);
	}
#endif
}

/* No unit overlaps another, the group block stays below current_limit. */
static void test_layout_bounds(void **state)
{
	assert_true(BASE_PA + NCPU * UNIT <= PCPU_LIMIT);
	assert_true(memblock_is_region_reserved(BASE_PA, NCPU * UNIT));
	for (int cpu = 1; cpu < NCPU; cpu++)
		assert_true(per_cpu_ptr(&__per_cpu_start[0], cpu) - per_cpu_ptr(&__per_cpu_start[0], cpu - 1) ==
			    UNIT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_log_lines, pcpu_boot_setup),
		cmocka_unit_test_setup(test_alloc_info, pcpu_boot_setup),
		cmocka_unit_test(test_memblock_reserved),
		cmocka_unit_test(test_memblock_traffic),
		cmocka_unit_test_setup(test_units_hold_template, pcpu_boot_setup),
		cmocka_unit_test_setup(test_offsets, pcpu_boot_setup),
		cmocka_unit_test_setup(test_per_cpu_ptr, pcpu_boot_setup),
		cmocka_unit_test_setup(test_layout_bounds, pcpu_boot_setup),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
