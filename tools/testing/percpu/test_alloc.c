/*
 * test_alloc.c - the first chunk's dynamic allocator (__alloc_percpu / free_percpu) after a
 * real setup_per_cpu_areas with pimm's static size (s144 r8192 d24432 u32768): zeroed memory
 * in every unit, alignment, no overlap, the reserved part never handed out, exhaustion, free
 * and reuse (adjacent allocations freed in either order), bad frees (WARN once, nothing
 * changes), used_bytes/nr_allocs, and a seeded random alloc/free torture against a model of
 * the first-fit bitmap.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support_pcpu.h"

#define S	 144u
#define R	 8192u
#define D	 24432u
#define U	 32768u
#define DYN_OFF	 (S + R) /* unit offset of the first dynamic byte */
#define END_OFF	 (S + R + D)
#define BITS	 ((R + D) / 4)
#define NCPU	 CONFIG_NR_CPUS
#define MAPLONGS BITS_TO_LONGS(BITS + 1)

_Static_assert(PCPU_TEST_STATIC == S, "test_alloc is built for pimm's static size");

/* unit offset of a per-CPU pointer (template relative) */
static size_t off(const void *p)
{
	return (size_t)((const char *)p - __per_cpu_start);
}

static unsigned char *cpu_byte(const void *p, int cpu, size_t i)
{
	return (unsigned char *)per_cpu_ptr((char *)p, cpu) + i;
}

static size_t rnd4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static bool map_bit(const unsigned long *m, size_t i)
{
	return m[i / BITS_PER_LONG] & (1UL << (i % BITS_PER_LONG));
}

/* Only the reserved part is taken: what an empty allocator looks like. */
static void assert_empty(void)
{
	assert_int_equal(pcpu_chunk.used_bytes, 0);
	assert_int_equal(pcpu_chunk.nr_allocs, 0);
	for (size_t i = 0; i < BITS; i++)
		if (map_bit(pcpu_chunk.alloc_map, i) != (i < R / 4))
			fail_msg("alloc_map bit %zu = %d on an empty allocator", i,
				 map_bit(pcpu_chunk.alloc_map, i));
}

struct snap {
	unsigned long alloc_map[MAPLONGS], bound_map[MAPLONGS];
	unsigned int nr_allocs;
	size_t used_bytes;
};

static void take(struct snap *s)
{
	memcpy(s->alloc_map, pcpu_chunk.alloc_map, BITS_TO_LONGS(BITS) * sizeof(long));
	memcpy(s->bound_map, pcpu_chunk.bound_map, MAPLONGS * sizeof(long));
	s->nr_allocs = pcpu_chunk.nr_allocs;
	s->used_bytes = pcpu_chunk.used_bytes;
}

static void assert_unchanged(const struct snap *s, const char *what)
{
	struct snap now;

	take(&now);
	if (memcmp(s->alloc_map, now.alloc_map, BITS_TO_LONGS(BITS) * sizeof(long)) ||
	    memcmp(s->bound_map, now.bound_map, MAPLONGS * sizeof(long)) ||
	    s->nr_allocs != now.nr_allocs || s->used_bytes != now.used_bytes)
		fail_msg("free_percpu(%s) changed the allocator", what);
}

/* ---- before setup ---- */

static void test_before_setup(void **state)
{
	pcpu_layout(); /* pcpu_chunk cleared, no setup_per_cpu_areas */
	assert_null(__alloc_percpu(4, 4));
	free_percpu(NULL);
	assert_int_equal(mb_warns, 0);
}

/* ---- bad frees: first in this executable, as WARN_ON_ONCE fires once per boot ---- */

static void test_bad_free(void **state)
{
	char *a = __alloc_percpu(16, 4), *b = __alloc_percpu(32, 4), *c = __alloc_percpu(8, 4);
	struct {
		char *p;
		const char *what;
	} bad[] = {
		{__per_cpu_start, "static start"},
		{__per_cpu_start + S - 4, "static end"},
		{__per_cpu_start + S, "reserved start"},
		{__per_cpu_start + DYN_OFF - 4, "reserved end"},
		{a + 4, "inside an allocation"},
		{b + 16, "inside an allocation, 4-aligned"},
		{a + 1, "misaligned, inside an allocation"},
		{b + 2, "misaligned"},
		{c, "double free"},
		{c + 64, "free space"},
		{__per_cpu_start + END_OFF - 4, "last dynamic word, free"},
		{__per_cpu_start + END_OFF, "past the dynamic part"},
		{__per_cpu_start + U, "next unit"},
		{(char *)((unsigned long)__per_cpu_start - 4), "below the template"},
	};
	struct snap s;

	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	free_percpu(c); /* legitimately: c's place is free now */
	assert_int_equal(mb_warns, 0);
	take(&s);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		free_percpu(bad[i].p);
		if (i == 0) {
			assert_int_equal(mb_warns, 1);
			assert_string_equal(mb_last_warn, "1");
		}
		assert_unchanged(&s, bad[i].what);
	}
	assert_int_equal(mb_warns, 1); /* WARN_ON_ONCE */
	free_percpu(NULL); /* not a bad pointer */
	assert_unchanged(&s, "NULL");
	/* a and b are intact and still free normally */
	assert_int_equal(pcpu_chunk.nr_allocs, 2);
	assert_int_equal(pcpu_chunk.used_bytes, 48);
	free_percpu(b);
	free_percpu(a);
	assert_empty();
	assert_int_equal(mb_warns, 1);
}

/* ---- placement ---- */

/* First fit from the start of the dynamic part, which follows the reserved part. */
static void test_first_fit(void **state)
{
	char *p = __alloc_percpu(4, 4), *q = __alloc_percpu(4, 4), *r = __alloc_percpu(1, 1);
	char *s = __alloc_percpu(8, 64);

	assert_int_equal(off(p), DYN_OFF); /* 8336 */
	assert_int_equal(off(q), DYN_OFF + 4);
	assert_int_equal(off(r), DYN_OFF + 8);
	assert_int_equal(off(s), 8384); /* the first 64-aligned offset after 8348 */
	assert_int_equal(pcpu_chunk.nr_allocs, 4);
	assert_int_equal(pcpu_chunk.used_bytes, 4 + 4 + 4 + 8);
}

/* Every unit's copy is zeroed, rounded up to 4 bytes, and nothing around it is touched. */
static void test_zeroed_in_every_unit(void **state)
{
	char *p, *q;

	for (int cpu = 0; cpu < NCPU; cpu++)
		memset((char *)pcpu_chunk.base_addr + cpu * U + S, 0xaa, R + D);
	p = __alloc_percpu(100, 4);
	q = __alloc_percpu(6, 4); /* 8 bytes taken */
	assert_int_equal(off(q), off(p) + 100);
	for (int cpu = 0; cpu < NCPU; cpu++) {
		assert_int_equal(*cpu_byte(p, cpu, -1), 0xaa); /* last reserved byte */
		for (size_t i = 0; i < 108; i++)
			if (*cpu_byte(p, cpu, i))
				fail_msg("cpu %d byte %zu of the allocations = %#x", cpu, i,
					 *cpu_byte(p, cpu, i));
		assert_int_equal(*cpu_byte(p, cpu, 108), 0xaa);
		memset(per_cpu_ptr(p, cpu), 0x55, 100);
	}
	free_percpu(p);
	p = __alloc_percpu(100, 4); /* the same place, zeroed again */
	assert_int_equal(off(p), DYN_OFF);
	for (int cpu = 0; cpu < NCPU; cpu++)
		for (size_t i = 0; i < 100; i++)
			assert_int_equal(*cpu_byte(p, cpu, i), 0);
}

/* Alignment is honoured in the unit offset and in every CPU's address. */
static void test_alignment(void **state)
{
	static const size_t aligns[] = {4, 8, 64, 256, 1, 2, 16, 32, 128, 512, 1024, 4096};

	for (size_t k = 0; k < ARRAY_SIZE(aligns); k++) {
		size_t a = aligns[k];
		char *pad = __alloc_percpu(4, 4), *p = __alloc_percpu(12, a);

		assert_non_null(pad);
		assert_non_null(p);
		assert_int_equal(off(p) % a, 0);
		for (int cpu = 0; cpu < NCPU; cpu++) {
			char *x = per_cpu_ptr(p, cpu);

			assert_int_equal((unsigned long)x % a, 0);
			assert_int_equal((unsigned long)(x - mb_ram) % a, 0);
		}
	}
	{
		u64 *v = alloc_percpu(u64);
		struct big {
			char c;
		} __attribute__((aligned(64))) *b = alloc_percpu(struct big);

		assert_int_equal(off(v) % 8, 0);
		assert_int_equal(off(b) % 64, 0);
		for (int cpu = 0; cpu < NCPU; cpu++) {
			assert_int_equal(*per_cpu_ptr(v, cpu), 0);
			*per_cpu_ptr(v, cpu) = 0x1111111111111111ull * (cpu + 1);
		}
		for (int cpu = 0; cpu < NCPU; cpu++)
			assert_true(*per_cpu_ptr(v, cpu) == 0x1111111111111111ull * (cpu + 1));
		assert_true(*this_cpu_ptr(v) == 0x1111111111111111ull);
	}
	{
		struct snap s;

		take(&s);
		assert_null(__alloc_percpu(4, 12)); /* not a power of two */
		assert_null(__alloc_percpu(4, 3));
		assert_null(__alloc_percpu(4, 8192)); /* above a page, as Linux refuses */
		assert_unchanged(&s, "(no free: refused alignments)");
	}
}

/* ---- no overlap, reserved part, exhaustion ---- */

static void test_no_overlap(void **state)
{
	enum { N = 300 };
	char *p[N];
	size_t sz[N];
	int n;

	for (n = 0; n < N; n++) {
		sz[n] = 1 + (n * 37) % 150;
		p[n] = __alloc_percpu(sz[n], (size_t)4 << (n % 4));
		if (!p[n])
			break;
		assert_true(off(p[n]) >= DYN_OFF);
		assert_true(off(p[n]) + sz[n] <= END_OFF);
		for (int cpu = 0; cpu < NCPU; cpu++)
			memset(per_cpu_ptr(p[n], cpu), (n * 7 + cpu) & 0xff, sz[n]);
	}
	assert_true(n > 200);
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			assert_true(off(p[i]) + rnd4(sz[i]) <= off(p[j]) ||
				    off(p[j]) + rnd4(sz[j]) <= off(p[i]));
	for (int i = 0; i < n; i++)
		for (int cpu = 0; cpu < NCPU; cpu++)
			for (size_t b = 0; b < sz[i]; b++)
				if (*cpu_byte(p[i], cpu, b) != ((i * 7 + cpu) & 0xff))
					fail_msg("allocation %d cpu %d byte %zu overwritten", i, cpu,
						 b);
	/* the static part of every unit still holds the template */
	for (int cpu = 0; cpu < NCPU; cpu++)
		for (size_t b = 0; b < S; b++)
			assert_int_equal(*cpu_byte(__per_cpu_start, cpu, b), pcpu_template_byte(b));
	for (int i = 0; i < n; i++)
		free_percpu(p[i]);
	assert_empty();
}

/* Filling the chunk with 4-byte allocations yields exactly the dynamic part. */
static void test_reserved_never_handed_out(void **state)
{
	static char *p[D / 4 + 1];
	size_t n = 0;

	while ((p[n] = __alloc_percpu(4, 4)) != NULL) {
		assert_true(n < D / 4);
		assert_int_equal(off(p[n]), DYN_OFF + 4 * n);
		n++;
	}
	assert_int_equal(n, D / 4); /* 6108 */
	assert_int_equal(pcpu_chunk.used_bytes, D);
	assert_int_equal(pcpu_chunk.nr_allocs, D / 4);
	assert_null(__alloc_percpu(1, 1));
	for (size_t i = 0; i < n; i++)
		free_percpu(p[i]);
	assert_empty();
}

static void test_exhaustion(void **state)
{
	char *all, *p, *q;

	assert_null(__alloc_percpu(0, 4));
	assert_null(__alloc_percpu(D + 1, 4));
	assert_null(__alloc_percpu(D, 64)); /* 8336 is not 64-aligned: only D - 48 from 8384 */
	p = __alloc_percpu(D - 48, 64);
	assert_non_null(p);
	assert_int_equal(off(p), 8384);
	free_percpu(p);
	all = __alloc_percpu(D, 4);
	assert_non_null(all);
	assert_int_equal(off(all), DYN_OFF);
	assert_null(__alloc_percpu(4, 4));
	assert_null(__alloc_percpu(1, 1));
	free_percpu(all);
	assert_empty();
	p = __alloc_percpu(D - 4, 4);
	assert_non_null(p);
	assert_null(__alloc_percpu(8, 4));
	q = __alloc_percpu(4, 4);
	assert_non_null(q);
	assert_int_equal(off(q), END_OFF - 4);
	assert_null(__alloc_percpu(4, 4));
	free_percpu(p);
	free_percpu(q);
	all = __alloc_percpu(D, 4); /* everything came back */
	assert_non_null(all);
	free_percpu(all);
	assert_empty();
}

/* ---- free and reuse ---- */

static void test_free_and_reuse(void **state)
{
	char *a = __alloc_percpu(64, 4), *b = __alloc_percpu(64, 4), *c = __alloc_percpu(64, 4);
	char *d, *e;

	assert_int_equal(off(b), off(a) + 64);
	assert_int_equal(off(c), off(b) + 64);
	free_percpu(b);
	d = __alloc_percpu(64, 4);
	assert_ptr_equal(d, b); /* first fit: the hole */
	free_percpu(a);
	free_percpu(d);
	e = __alloc_percpu(128, 4); /* the two holes together */
	assert_ptr_equal(e, a);
	assert_int_equal(pcpu_chunk.nr_allocs, 2);
	assert_int_equal(pcpu_chunk.used_bytes, 192);
	free_percpu(e);
	free_percpu(c);
	assert_empty();
}

/* Neighbours freed in either order: each free gives back exactly its own bytes. */
static void test_free_adjacent(void **state)
{
	char *a = __alloc_percpu(16, 4), *b = __alloc_percpu(16, 4), *c = __alloc_percpu(16, 4);
	char *x, *y, *z;

	free_percpu(b); /* the later neighbour first */
	assert_int_equal(pcpu_chunk.used_bytes, 32);
	free_percpu(a);
	assert_int_equal(pcpu_chunk.used_bytes, 16);
	assert_int_equal(pcpu_chunk.nr_allocs, 1);
	x = __alloc_percpu(16, 4);
	y = __alloc_percpu(16, 4);
	z = __alloc_percpu(16, 4);
	assert_ptr_equal(x, a);
	assert_ptr_equal(y, b);
	assert_int_equal(off(z), off(c) + 16); /* c is still allocated */
	free_percpu(c);
	free_percpu(z);
	free_percpu(y);
	free_percpu(x);
	assert_empty();
	/* the same with nothing after them */
	a = __alloc_percpu(16, 4);
	b = __alloc_percpu(16, 4);
	free_percpu(b);
	free_percpu(a);
	assert_empty();
	x = __alloc_percpu(D, 4);
	assert_ptr_equal(x, a);
	free_percpu(x);
	assert_empty();
	assert_int_equal(mb_warns, 0);
}

/* ---- bookkeeping ---- */

static void test_bookkeeping(void **state)
{
	static const size_t sizes[] = {1, 2, 3, 4, 5, 8, 100, 1000};
	static const int order[] = {3, 0, 7, 5, 1, 6, 2, 4};
	char *p[ARRAY_SIZE(sizes)];
	size_t used = 0;

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = __alloc_percpu(sizes[i], 4);
		used += rnd4(sizes[i]);
		assert_int_equal(pcpu_chunk.used_bytes, used);
		assert_int_equal(pcpu_chunk.nr_allocs, i + 1);
	}
	assert_int_equal(used, 1132);
	for (size_t k = 0; k < ARRAY_SIZE(order); k++) {
		int i = order[k];

		free_percpu(p[i]);
		used -= rnd4(sizes[i]);
		assert_int_equal(pcpu_chunk.used_bytes, used);
		assert_int_equal(pcpu_chunk.nr_allocs, ARRAY_SIZE(sizes) - k - 1);
	}
	assert_empty();
}

/* ---- torture against a model ---- */

struct live {
	char *p;
	size_t size, bits;
	unsigned char fill;
};

static unsigned long long rng = 0x9e3779b97f4a7c15ull;

static unsigned long rand32(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned long)(rng >> 16) & 0xffffffffu;
}

/* The model's first fit: lowest bit index, aligned in the unit, with bits free bits. */
static long model_fit(const bool *occ, size_t bits, size_t align)
{
	size_t step = (align > 4 ? align : 4);

	for (size_t start = 0; start + bits <= BITS; start++) {
		size_t i;

		if ((S + 4 * start) % step)
			continue;
		for (i = 0; i < bits && !occ[start + i]; i++)
			;
		if (i == bits)
			return (long)start;
	}
	return -1;
}

static void check_fill(const struct live *l)
{
	for (int cpu = 0; cpu < NCPU; cpu++)
		for (size_t b = 0; b < l->size; b++)
			if (*cpu_byte(l->p, cpu, b) != (unsigned char)(l->fill + cpu))
				fail_msg("allocation at %zu (size %zu) cpu %d byte %zu corrupted",
					 off(l->p), l->size, cpu, b);
}

static void test_torture(void **state)
{
	static const size_t aligns[] = {0, 1, 2, 4, 4, 4, 8, 8, 16, 32, 64, 128, 256};
	enum { OPS = 20000, MAXLIVE = 2048 };
	static bool occ[BITS];
	static struct live live[MAXLIVE];
	int nlive = 0, nalloc = 0, nfail = 0, nfree = 0;
	size_t used = 0;

	for (size_t i = 0; i < BITS; i++)
		occ[i] = i < R / 4;
	for (int op = 0; op < OPS; op++) {
		bool do_alloc = nlive == 0 || (nlive < MAXLIVE && rand32() % 100 < 55);

		if (do_alloc) {
			unsigned long r = rand32();
			size_t size = r % 8 == 0 ? 1 + rand32() % 4096 : 1 + rand32() % 96;
			size_t align = aligns[rand32() % ARRAY_SIZE(aligns)];
			size_t bits = (size + 3) / 4;
			long want = model_fit(occ, bits, align);
			char *p = __alloc_percpu(size, align);

			if (want < 0) {
				if (p)
					fail_msg("op %d: alloc(%zu, %zu) = %zu, the model has no room",
						 op, size, align, off(p));
				nfail++;
			} else {
				struct live *l = &live[nlive++];

				if (!p || off(p) != S + 4 * (size_t)want)
					fail_msg("op %d: alloc(%zu, %zu) = %ld, the model says %zu", op,
						 size, align, p ? (long)off(p) : -1L,
						 (size_t)(S + 4 * want));
				for (size_t i = 0; i < bits; i++)
					occ[want + i] = true;
				l->p = p;
				l->size = size;
				l->bits = bits;
				l->fill = (unsigned char)rand32();
				for (int cpu = 0; cpu < NCPU; cpu++) {
					for (size_t b = 0; b < rnd4(size); b++)
						assert_int_equal(*cpu_byte(p, cpu, b), 0);
					memset(per_cpu_ptr(p, cpu), l->fill + cpu, size);
				}
				used += bits * 4;
				nalloc++;
			}
		} else {
			int k = (int)(rand32() % nlive);
			struct live l = live[k];
			size_t start = (off(l.p) - S) / 4;

			check_fill(&l);
			free_percpu(l.p);
			for (size_t i = 0; i < l.bits; i++)
				occ[start + i] = false;
			live[k] = live[--nlive];
			used -= l.bits * 4;
			nfree++;
		}
		if (pcpu_chunk.used_bytes != used || pcpu_chunk.nr_allocs != (unsigned)nlive)
			fail_msg("op %d: used_bytes %zu nr_allocs %u, the model %zu %d", op,
				 pcpu_chunk.used_bytes, pcpu_chunk.nr_allocs, used, nlive);
		if (op % 1000 == 0)
			for (size_t i = 0; i < BITS; i++)
				if (map_bit(pcpu_chunk.alloc_map, i) != occ[i])
					fail_msg("op %d: alloc_map bit %zu = %d, the model %d", op, i,
						 map_bit(pcpu_chunk.alloc_map, i), occ[i]);
	}
	assert_true(nfail > 100); /* the chunk did fill up at times */
	assert_true(nfree > 5000);
	while (nlive) {
		check_fill(&live[nlive - 1]);
		free_percpu(live[--nlive].p);
	}
	assert_empty();
	assert_int_equal(mb_warns, 0);
	{
		char *all = __alloc_percpu(D, 4);

		assert_non_null(all);
		assert_int_equal(off(all), DYN_OFF);
		free_percpu(all);
		assert_empty();
	}
	printf("# torture: %d allocations, %d refused, %d frees\n", nalloc, nfail, nfree);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_before_setup),
		cmocka_unit_test_setup(test_bad_free, pcpu_boot_setup),
		cmocka_unit_test_setup(test_first_fit, pcpu_boot_setup),
		cmocka_unit_test_setup(test_zeroed_in_every_unit, pcpu_boot_setup),
		cmocka_unit_test_setup(test_alignment, pcpu_boot_setup),
		cmocka_unit_test_setup(test_no_overlap, pcpu_boot_setup),
		cmocka_unit_test_setup(test_reserved_never_handed_out, pcpu_boot_setup),
		cmocka_unit_test_setup(test_exhaustion, pcpu_boot_setup),
		cmocka_unit_test_setup(test_free_and_reuse, pcpu_boot_setup),
		cmocka_unit_test_setup(test_free_adjacent, pcpu_boot_setup),
		cmocka_unit_test_setup(test_bookkeeping, pcpu_boot_setup),
		cmocka_unit_test_setup(test_torture, pcpu_boot_setup),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
