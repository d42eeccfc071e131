/*
 * test_sort.c - reserved_mem[]'s heapsort order (Linux's lib/sort.c, as fdt_init_reserved_mem
 * uses it) and the /memory clipping rules of early_init_dt_add_memory_arch (Linux's
 * drivers/of/fdt.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support_of.h"

#include <linux/of_fdt.h>
#include <linux/of_reserved_mem.h>

static struct reserved_mem R(const char *name, phys_addr_t base, phys_addr_t size)
{
	struct reserved_mem r = {0};

	r.name = name;
	r.base = base;
	r.size = size;
	return r;
}

static void expect_order(struct reserved_mem *v, int n, const char *const *names)
{
	for (int i = 0; i < n; i++)
		if (strcmp(v[i].name, names[i]))
			fail_msg("position %d: %s, expected %s", i, v[i].name, names[i]);
}

/* docs/pipeline.md#the-ast2500-example: the two dynamic pools come out first, framebuffer
 * before jpeg. */
static void test_ast2500_order(void **state)
{
	struct reserved_mem v[] = {
		R("vga@9f000000", 0x9f000000, 0x01000000),
		R("flash@98000000", 0x98000000, 0x04000000),
		R("coldfire@9ef00000", 0x9ef00000, 0x00100000),
		R("framebuffer", 0, 0),
		R("jpegbuffer", 0, 0),
	};
	static const char *const want[] = {"framebuffer", "jpegbuffer", "flash@98000000",
					   "coldfire@9ef00000", "vga@9f000000"};
	(void)state;
	rmem_sort(v, 5);
	expect_order(v, 5, want);
}

/* Only dynamic entries: two come out reversed, k >= 3 rotated by one (2nd..kth, 1st). */
static void test_dynamic_only(void **state)
{
	struct reserved_mem two[] = {R("a", 0, 0), R("b", 0, 0)};
	struct reserved_mem four[] = {R("a", 0, 0), R("b", 0, 0), R("c", 0, 0), R("d", 0, 0)};
	static const char *const want2[] = {"b", "a"};
	static const char *const want4[] = {"b", "c", "d", "a"};
	(void)state;
	rmem_sort(two, 2);
	expect_order(two, 2, want2);
	rmem_sort(four, 4);
	expect_order(four, 4, want4);
}

/* Any input comes out sorted by (base, size), a permutation of the input. */
static void test_random_sorted(void **state)
{
	static struct reserved_mem v[64];
	static char names[64][8];
	(void)state;
	srand(1);
	for (int round = 0; round < 200; round++) {
		int n = 1 + rand() % 64;
		unsigned long sum = 0, sum2 = 0;

		for (int i = 0; i < n; i++) {
			snprintf(names[i], sizeof(names[i]), "r%d", i);
			v[i] = R(names[i], (rand() % 8) << 20, (rand() % 4) << 20);
			sum += v[i].base ^ v[i].size;
		}
		rmem_sort(v, n);
		for (int i = 0; i < n; i++) {
			sum2 += v[i].base ^ v[i].size;
			if (i && (v[i - 1].base > v[i].base ||
				  (v[i - 1].base == v[i].base && v[i - 1].size > v[i].size)))
				fail_msg("round %d: not sorted at %d", round, i);
		}
		assert_int_equal(sum, sum2);
	}
}

static int reset(void **state)
{
	(void)state;
	of_reset();
	return 0;
}

/* One bank, the log lines it gives and what memblock holds after. */
static void add(u64 base, u64 size)
{
	early_init_dt_add_memory_arch(base, size);
}

static void test_clip_small_and_unaligned(void **state)
{
	(void)state;
	add(0x01000800, 0x7ff); /* less than the rest of its page */
	LOG_EXPECT("OF: fdt: Ignoring memory block 0x1000800 - 0x1000fff\n");
	CHECK_EMPTY(&memblock.memory);
	add(0x00000800, 0x3000); /* -> [0x1000, 0x3000) */
	CHECK_TYPE(&memblock.memory, {0x1000, 0x2000, 0});
	add(0x00100000, 0x1fff); /* size rounded down to a page */
	CHECK_TYPE(&memblock.memory, {0x1000, 0x2000, 0}, {0x100000, 0x1000, 0});
}

static void test_clip_above_4g(void **state)
{
	(void)state;
	add(0x100000000ULL, 0x1000);
	LOG_EXPECT("OF: fdt: Ignoring memory block 0x100000000 - 0x100001000\n");
	CHECK_EMPTY(&memblock.memory);
	add(0xfff00000ULL, 0x200000);
	LOG_EXPECT("OF: fdt: Ignoring memory range 0x100000000 - 0x100100000\n");
	/* memblock caps the end at PHYS_ADDR_MAX: a 32-bit phys_addr_t cannot say 4 GiB */
	CHECK_TYPE(&memblock.memory, {0xfff00000, 0xfffff, 0});
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ast2500_order),
		cmocka_unit_test(test_dynamic_only),
		cmocka_unit_test(test_random_sorted),
		cmocka_unit_test_setup(test_clip_small_and_unaligned, reset),
		cmocka_unit_test_setup(test_clip_above_4g, reset),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
