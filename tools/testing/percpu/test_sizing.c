/*
 * test_sizing.c - pcpu_build_alloc_info (Linux's mm/percpu.c) against Linux's rules: the worked
 * examples (the AST2500's s35148 and pimm's s144), the 32 KiB floor, static sizes around page
 * boundaries, the dynamic part absorbing the page rounding, and a sweep over static sizes
 * compared with a transcription of Linux's pcpu_build_alloc_info (unit-per-allocation choice
 * by the waste rule included) for one group of 1..4 CPUs and atom = PAGE_SIZE.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "support_pcpu.h"

#define PAGE	  4096u
#define R	  (8u << 10)  /* PERCPU_MODULE_RESERVE */
#define D	  (20u << 10) /* PERCPU_DYNAMIC_RESERVE, 32-bit */
#define EARLY	  (12u << 10) /* PERCPU_DYNAMIC_EARLY_SIZE */
#define MIN_UNIT  (32u << 10) /* PCPU_MIN_UNIT_SIZE */

struct exp {
	size_t s, r, d_in;
	size_t size_sum, dyn, unit;
};

static void check(const struct exp *e, unsigned int nr_cpus)
{
	struct pcpu_alloc_info ai;

	memset(&ai, 0x5a, sizeof(ai));
	pcpu_build_alloc_info(&ai, e->s, e->r, e->d_in, nr_cpus);
	if (ai.static_size != e->s || ai.reserved_size != e->r || ai.dyn_size != e->dyn ||
	    ai.unit_size != e->unit || ai.size_sum != e->size_sum || ai.atom_size != PAGE ||
	    ai.alloc_size != e->unit || ai.nr_units != nr_cpus)
		fail_msg("s%zu r%zu d(in)%zu: got s%zu r%zu d%zu u%zu size_sum %zu atom %zu alloc %zu "
			 "units %u, expected d%zu u%zu size_sum %zu",
			 e->s, e->r, e->d_in, ai.static_size, ai.reserved_size, ai.dyn_size,
			 ai.unit_size, ai.size_sum, ai.atom_size, ai.alloc_size, ai.nr_units, e->dyn,
			 e->unit, e->size_sum);
}

/* The AST2500 (docs/pipeline.md#the-ast2500-example): 35148 + 8192 + 20480 = 63820 -> 65536:
 * "Embedded 16 pages/cpu s35148 r8192 d22196 u65536". */
static void test_ast2500_example(void **state)
{
	const struct exp e = {35148, R, D, 65536, 22196, 65536};

	check(&e, 4);
	assert_int_equal(e.size_sum / PAGE, 16);
}

/* pimm: 144 + 8192 + 20480 = 28816 -> 32768: "Embedded 8 pages/cpu s144 r8192 d24432
 * u32768"; the dynamic part gets the 3952 bytes of rounding. */
static void test_pimm_example(void **state)
{
	const struct exp e = {144, R, D, 32768, 24432, 32768};

	check(&e, 4);
	assert_int_equal(e.dyn - D, 32768 - 28816);
}

/* size_sum crosses 32 KiB: 4097 + 28672 = 32769 -> 36864, unit above the floor. */
static void test_crossing_32k(void **state)
{
	const struct exp just_below = {4093, R, D, 32768, 20483, 32768};
	const struct exp at = {4096, R, D, 32768, 20480, 32768};
	const struct exp just_above = {4097, R, D, 36864, 24575, 36864};
	const struct exp next = {4100, R, D, 36864, 24572, 36864};

	check(&just_below, 4);
	check(&at, 4);
	check(&just_above, 4);
	check(&next, 4);
}

/* Static 0: size_sum = 28 KiB (7 pages), the unit is still 32 KiB (PCPU_MIN_UNIT_SIZE). */
static void test_static_zero(void **state)
{
	const struct exp e = {0, R, D, 28672, 20480, 32768};

	check(&e, 4);
}

/* Static sizes that are page multiples: nothing to round, dyn stays exactly 20 KiB. */
static void test_page_multiples(void **state)
{
	for (size_t k = 1; k <= 16; k++) {
		size_t s = k * PAGE, sum = s + R + D;
		const struct exp e = {s, R, D, sum, D, sum > MIN_UNIT ? sum : MIN_UNIT};

		check(&e, 4);
	}
}

/* A dynamic request below PERCPU_DYNAMIC_EARLY_SIZE is raised to 12 KiB first; no reserve
 * (no modules); a larger reserve. */
static void test_other_requests(void **state)
{
	const struct exp small_dyn = {144, R, 4096, 24576, 16240, 32768};
	const struct exp zero_dyn = {144, R, 0, 24576, 16240, 32768};
	const struct exp no_reserve = {144, 0, D, 24576, 24432, 32768};
	const struct exp big = {35148, 16384, 65536, 118784, 67252, 118784};

	check(&small_dyn, 4);
	check(&zero_dyn, 4);
	check(&no_reserve, 4);
	check(&big, 4);
}

/* nr_units follows the CPU count; the sizes do not depend on it. */
static void test_nr_cpus(void **state)
{
	const struct exp e = {144, R, D, 32768, 24432, 32768};

	for (unsigned int n = 1; n <= 8; n++)
		check(&e, n);
}

/* ---- Linux's pcpu_build_alloc_info, transcribed for one group and no distance function ---- */

struct linux_ai {
	size_t static_size, reserved_size, dyn_size, unit_size, alloc_size, size_sum;
	int nr_units;
};

#define PFN_ALIGN_(x)	 (((x) + PAGE - 1) & ~(size_t)(PAGE - 1))
#define roundup_(x, y)	 ((((x) + (y)-1) / (y)) * (y))
#define offset_in_page_(x) ((x) & (PAGE - 1))

static struct linux_ai linux_build(size_t static_size, size_t reserved_size, size_t dyn_size,
				   size_t atom_size, int possible)
{
	struct linux_ai ai;
	size_t size_sum, min_unit_size, alloc_size;
	int upa, max_upa, best_upa, last_allocs;

	size_sum = PFN_ALIGN_(static_size + reserved_size +
			      (dyn_size > EARLY ? dyn_size : EARLY));
	dyn_size = size_sum - static_size - reserved_size;
	min_unit_size = size_sum > MIN_UNIT ? size_sum : MIN_UNIT;
	alloc_size = roundup_(min_unit_size, atom_size);
	upa = (int)(alloc_size / min_unit_size);
	while (alloc_size % upa || offset_in_page_(alloc_size / upa))
		upa--;
	max_upa = upa;
	/* one group holding every possible CPU (no cpu_distance_fn) */
	last_allocs = INT_MAX;
	best_upa = 0;
	for (upa = max_upa; upa; upa--) {
		int allocs, wasted;

		if (alloc_size % upa || offset_in_page_(alloc_size / upa))
			continue;
		allocs = (possible + upa - 1) / upa;
		wasted = allocs * upa - possible;
		if (wasted > possible / 3)
			continue;
		if (allocs > last_allocs)
			break;
		last_allocs = allocs;
		best_upa = upa;
	}
	assert_true(best_upa > 0);
	ai.static_size = static_size;
	ai.reserved_size = reserved_size;
	ai.dyn_size = dyn_size;
	ai.unit_size = alloc_size / best_upa;
	ai.alloc_size = alloc_size;
	ai.size_sum = size_sum;
	ai.nr_units = ((possible + best_upa - 1) / best_upa) * best_upa;
	return ai;
}

/* Every static size up to 80 KiB (and several reserve/dynamic requests), 1..4 CPUs. */
static void test_sweep_against_linux(void **state)
{
	static const size_t reserves[] = {0, R, 16384};
	static const size_t dyns[] = {0, 4096, EARLY, D, 40000};
	int checked = 0;

	for (size_t s = 0; s <= 80 * 1024; s += (s < 9000 ? 1 : 13))
		for (size_t ri = 0; ri < ARRAY_SIZE(reserves); ri++)
			for (size_t di = 0; di < ARRAY_SIZE(dyns); di++)
				for (int n = 1; n <= 4; n++) {
					struct linux_ai l = linux_build(s, reserves[ri], dyns[di],
									PAGE, n);
					struct pcpu_alloc_info ai;

					pcpu_build_alloc_info(&ai, s, reserves[ri], dyns[di], n);
					if (ai.static_size != l.static_size ||
					    ai.reserved_size != l.reserved_size ||
					    ai.dyn_size != l.dyn_size || ai.unit_size != l.unit_size ||
					    ai.alloc_size != l.alloc_size ||
					    ai.size_sum != l.size_sum || (int)ai.nr_units != l.nr_units)
						fail_msg("s%zu r%zu d%zu cpus %d: pimm d%zu u%zu alloc %zu "
							 "units %u, Linux d%zu u%zu alloc %zu units %d",
							 s, reserves[ri], dyns[di], n, ai.dyn_size,
							 ai.unit_size, ai.alloc_size, ai.nr_units,
							 l.dyn_size, l.unit_size, l.alloc_size, l.nr_units);
					/* the rules, spelt out */
					assert_int_equal(ai.size_sum % PAGE, 0);
					assert_int_equal(ai.static_size + ai.reserved_size + ai.dyn_size,
							 ai.size_sum);
					assert_true(ai.dyn_size >= (dyns[di] > EARLY ? dyns[di] : EARLY));
					assert_true(ai.dyn_size -
							    (dyns[di] > EARLY ? dyns[di] : EARLY) <
						    PAGE);
					assert_true(ai.unit_size >= MIN_UNIT);
					assert_true(ai.unit_size >= ai.size_sum);
					assert_int_equal(ai.unit_size % PAGE, 0);
					assert_int_equal(ai.unit_size, ai.size_sum > MIN_UNIT
									       ? ai.size_sum
									       : MIN_UNIT);
					checked++;
				}
	assert_true(checked > 100000);
}

/* With atom = PAGE_SIZE Linux always settles on one unit per allocation (the model agrees
 * with itself for a bigger atom: several units share one allocation, as on x86's 2 MiB). */
static void test_model_units_per_alloc(void **state)
{
	struct linux_ai l = linux_build(144, R, D, PAGE, 4);

	assert_int_equal(l.alloc_size / l.unit_size, 1);
	l = linux_build(118784, R, 28672, 2 << 20, 8); /* x86-64, 8 CPUs: alloc=1*2097152 */
	assert_int_equal(l.unit_size, 262144);
	assert_int_equal(l.alloc_size, 2 << 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ast2500_example),
		cmocka_unit_test(test_pimm_example),
		cmocka_unit_test(test_crossing_32k),
		cmocka_unit_test(test_static_zero),
		cmocka_unit_test(test_page_multiples),
		cmocka_unit_test(test_other_requests),
		cmocka_unit_test(test_nr_cpus),
		cmocka_unit_test(test_sweep_against_linux),
		cmocka_unit_test(test_model_units_per_alloc),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
