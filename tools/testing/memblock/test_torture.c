/*
 * test_torture.c - seeded random operations on memblock checked against a simple model.
 *
 * The model keeps, for each 256-byte unit of PA [0, N*U), whether it is memory (and NOMAP)
 * and whether it is reserved. After every operation the real arrays must be sorted,
 * non-overlapping, fully merged, match the model unit by unit, have the right total_size,
 * and the free-range iterators must list exactly the model's free runs. Allocations must
 * return exactly the highest (top-down) or lowest (bottom-up) fitting aligned block.
 * Resizing is allowed, so arrays double (and the new arrays show up as reserved).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define U	0x100u	    /* model unit */
#define N	4096	    /* units: PA [0, 1 MiB) */
#define PG	(SZ_4K / U) /* units per page */
#define OPS	4000
#define NOT_MEM (-1)

static int mem[N]; /* NOT_MEM, or the region flags (0 / NOMAP) */
static bool res[N];
static u64 rng;
static const struct memblock_region *static_mem, *static_res;

static u64 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned int rnd_below(unsigned int n)
{
	return (unsigned int)(rnd() % n);
}

static bool unit_free(int u)
{
	return mem[u] == 0 && !res[u];
}

/* ---- checks ---- */

static void check_type(struct memblock_type *t, bool is_mem)
{
	phys_addr_t total = 0;
	static int map[N];

	for (int u = 0; u < N; u++)
		map[u] = NOT_MEM;
	if (t->cnt == 1 && t->regions[0].size == 0) {
		assert_int_equal(t->total_size, 0);
	} else {
		for (unsigned long i = 0; i < t->cnt; i++) {
			struct memblock_region *r = &t->regions[i];

			assert_true(r->size > 0);
			assert_true(r->base % U == 0 && r->size % U == 0);
			assert_true(r->base + r->size <= N * U);
			if (i + 1 < t->cnt) {
				struct memblock_region *n = r + 1;

				assert_true(r->base + r->size <= n->base); /* sorted, disjoint */
				if (r->base + r->size == n->base)
					assert_int_not_equal(r->flags, n->flags); /* merged */
			}
			if (!is_mem)
				assert_int_equal(r->flags, 0);
			for (phys_addr_t u = r->base / U; u < (r->base + r->size) / U; u++)
				map[u] = r->flags;
			total += r->size;
		}
		assert_int_equal(t->total_size, total);
	}
	for (int u = 0; u < N; u++) {
		if (is_mem && map[u] != mem[u])
			fail_msg("unit %d (PA 0x%x): memory %d, model %d", u, u * U, map[u],
				 mem[u]);
		if (!is_mem && (map[u] != NOT_MEM) != res[u])
			fail_msg("unit %d (PA 0x%x): reserved %d, model %d", u, u * U,
				 map[u] != NOT_MEM, res[u]);
	}
	assert_true(t->cnt <= t->max);
}

/* The free-range iterators list the model's maximal free runs, both ways. */
static void check_free_ranges(void)
{
	phys_addr_t runs[N][2], s, e;
	int n = 0, k = 0;
	u64 i;

	for (int u = 0; u < N; u++) {
		if (!unit_free(u))
			continue;
		if (n && runs[n - 1][1] == u * U)
			runs[n - 1][1] += U;
		else
			runs[n][0] = u * U, runs[n][1] = (u + 1) * U, n++;
	}
	for_each_free_mem_range(i, NUMA_NO_NODE, MEMBLOCK_NONE, &s, &e, NULL)
	{
		assert_true(k < n);
		assert_int_equal(s, runs[k][0]);
		assert_int_equal(e, runs[k][1]);
		k++;
	}
	assert_int_equal(k, n);
	for_each_free_mem_range_reverse(i, NUMA_NO_NODE, MEMBLOCK_NONE, &s, &e, NULL)
	{
		k--;
		assert_true(k >= 0);
		assert_int_equal(s, runs[k][0]);
		assert_int_equal(e, runs[k][1]);
	}
	assert_int_equal(k, 0);
}

/* ---- model updates ---- */

#define PAGE_ALIGN_UP(x) (((x) + SZ_4K - 1) & ~(phys_addr_t)(SZ_4K - 1))

/* Set units [base, base+size) of the model's reserved map to @val. */
static void model_res(phys_addr_t base, phys_addr_t size, bool val)
{
	for (phys_addr_t u = base / U; u < (base + size) / U && u < N; u++)
		res[u] = val;
}

/* Memory: add gaps with @flags (existing units keep theirs). */
static void model_add(phys_addr_t base, phys_addr_t size, int flags)
{
	for (phys_addr_t u = base / U; u < (base + size) / U; u++)
		if (mem[u] == NOT_MEM)
			mem[u] = flags;
}

/* Memory: remove (@flags NOT_MEM) or set the flags of the existing units. */
static void model_mem_set(phys_addr_t base, phys_addr_t size, int flags)
{
	for (phys_addr_t u = base / U; u < (base + size) / U; u++)
		if (flags == NOT_MEM || mem[u] != NOT_MEM)
			mem[u] = flags;
}

/* An array moved: the new one is reserved, a non-static old one was freed. */
static void model_arrays(struct memblock_type *t, struct memblock_region *old,
			 unsigned long old_max, const struct memblock_region *stat)
{
	if (t->regions == old)
		return;
	if (old != stat)
		model_res((phys_addr_t)((char *)old - mb_ram), PAGE_ALIGN_UP(old_max * 12), false);
	model_res((phys_addr_t)((char *)t->regions - mb_ram), PAGE_ALIGN_UP(t->max * 12), true);
}

/* ---- the expected allocation ---- */

static phys_addr_t expect_alloc(phys_addr_t size, phys_addr_t align, phys_addr_t start,
				phys_addr_t end)
{
	long best = -1;

	if (end == 0 || end == 1)
		end = memblock.current_limit;
	if (start < SZ_4K)
		start = SZ_4K;
	if (end < start)
		end = start;
	for (phys_addr_t a = 0; a + size <= N * U; a += align) {
		bool ok = a >= start && a + size <= end;

		for (phys_addr_t u = a / U; ok && u < (a + size) / U; u++)
			ok = unit_free(u);
		if (ok) {
			best = a;
			if (memblock_bottom_up())
				break;
		}
	}
	return best < 0 ? 0 : (phys_addr_t)best;
}

/* ---- the run ---- */

static int n_doubled, n_double_failed, n_alloc_ok, n_alloc_fail;

static bool doubling_failed(void)
{
	for (int i = 0; i < mb_log_count(); i++)
		if (strstr(mb_log(i), "Failed to double"))
			return true;
	return false;
}

/* One random operation, applied to memblock and (if it succeeded) to the model. */
static void one_op(void)
{
	/* adds and frees are larger than removals and reservations, so that memory is not
	 * all crumbs: allocations and array doublings need whole free pages */
	static const unsigned int max_len[] = {64, 8, 8, 32, 8, 8, 8};
	int op = rnd_below(100), kind = op < 22	  ? 0
					: op < 32 ? 1
					: op < 50 ? 2
					: op < 64 ? 3
					: op < 70 ? 4
					: op < 76 ? 5
						  : 6;
	phys_addr_t base = rnd_below(N) * U, size = (1 + rnd_below(max_len[kind])) * U;
	struct memblock_region *om = memblock.memory.regions, * or = memblock.reserved.regions;
	unsigned long omax = memblock.memory.max, rmax = memblock.reserved.max;
	int ret = 0;

	if (base + size > N * U)
		size = N * U - base;
	mb_log_clear();
	if (op < 22) {
		int flags = rnd_below(5) ? 0 : MEMBLOCK_NOMAP;

		ret = flags ? memblock_add_node(base, size, 0, flags) : memblock_add(base, size);
		if (!ret)
			model_add(base, size, flags);
	} else if (op < 32) {
		if (!(ret = memblock_remove(base, size)))
			model_mem_set(base, size, NOT_MEM);
	} else if (op < 50) {
		if (!(ret = memblock_reserve(base, size)))
			model_res(base, size, true);
	} else if (op < 64) {
		if (!(ret = memblock_phys_free(base, size)))
			model_res(base, size, false);
	} else if (op < 70) {
		if (!(ret = memblock_mark_nomap(base, size)))
			model_mem_set(base, size, MEMBLOCK_NOMAP);
	} else if (op < 76) {
		if (!(ret = memblock_clear_nomap(base, size)))
			model_mem_set(base, size, 0);
	} else if (op < 96) {
		phys_addr_t align = U << rnd_below(6), start = 0, end = 0, want, got;

		if (rnd_below(3) == 0)
			start = rnd_below(N) * U;
		if (rnd_below(3) == 0)
			end = rnd_below(2) ? MEMBLOCK_ALLOC_ANYWHERE : rnd_below(N + 1) * U;
		want = expect_alloc(size, align, start, end);
		got = memblock_phys_alloc_range(size, align, start, end);
		if (got != want && !(got == 0 && doubling_failed()))
			fail_msg("alloc(0x%x, align 0x%x, [0x%x, 0x%x)) %s limit 0x%x: got 0x%x, "
				 "model 0x%x",
				 size, align, start, end,
				 memblock_bottom_up() ? "bottom-up" : "top-down",
				 memblock.current_limit, got, want);
		if (got)
			model_res(got, size, true);
		got ? n_alloc_ok++ : n_alloc_fail++;
	} else if (op < 98) {
		memblock_set_bottom_up(!memblock_bottom_up());
	} else {
		memblock_set_current_limit(rnd_below(2) ? MEMBLOCK_ALLOC_ANYWHERE
							: rnd_below(N + 1) * U);
	}
	if (ret)
		assert_int_equal(ret, -12);
	n_double_failed += doubling_failed();
	n_doubled += (memblock.memory.regions != om) + (memblock.reserved.regions != or);
	model_arrays(&memblock.memory, om, omax, static_mem);
	model_arrays(&memblock.reserved, or, rmax, static_res);
	check_type(&memblock.memory, true);
	check_type(&memblock.reserved, false);
	check_free_ranges();
}

static void run_seed(u64 seed)
{
	mb_reset();
	memblock_allow_resize();
	static_mem = memblock.memory.regions;
	static_res = memblock.reserved.regions;
	for (int u = 0; u < N; u++)
		mem[u] = NOT_MEM, res[u] = false;
	rng = seed * 0x9e3779b97f4a7c15ull + 1;
	n_doubled = n_double_failed = n_alloc_ok = n_alloc_fail = 0;
	for (int i = 0; i < OPS; i++)
		one_op();
	if (getenv("MB_VERBOSE"))
		fprintf(stderr,
			"seed %llu: memory %lu/%lu reserved %lu/%lu regions, %d doublings "
			"(%d failed), %d allocations (%d failed)\n",
			(unsigned long long)seed, memblock.memory.cnt, memblock.memory.max,
			memblock.reserved.cnt, memblock.reserved.max, n_doubled, n_double_failed,
			n_alloc_ok + n_alloc_fail, n_alloc_fail);
}

static void test_torture_seed1(void **state)
{
	run_seed(1);
}

static void test_torture_seed2(void **state)
{
	run_seed(2);
}

static void test_torture_seed3(void **state)
{
	run_seed(3);
}

/* MB_SEED=n in the environment picks the PRNG seed of this fourth run. */
static void test_torture_env_seed(void **state)
{
	const char *s = getenv("MB_SEED");

	run_seed(s ? strtoull(s, NULL, 0) : 20240601);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_torture_seed1),
	    cmocka_unit_test(test_torture_seed2),
	    cmocka_unit_test(test_torture_seed3),
	    cmocka_unit_test(test_torture_env_seed),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("memblock torture", tests, NULL, NULL);
}
