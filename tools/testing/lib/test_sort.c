/*
 * test_sort.c - host unit tests of lib/sort.c (Linux's heapsort): results against the C
 * library's qsort on random arrays, elements larger than the swap buffer, a caller's swap.
 * The order of equal elements (Linux's unstable order) is checked by tools/testing/of.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <linux/sort.h>

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

/* Every length 0..300, keys from a small range (many equal) and a wide one. */
static void test_random_ints(void **state)
{
	static int v[300], ref[300];

	(void)state;
	srand(12);
	for (int n = 0; n <= 300; n++) {
		for (int k = 0; k < 2; k++) {
			int range = k ? 1 << 20 : 4;

			for (int i = 0; i < n; i++)
				v[i] = ref[i] = rand() % range - range / 2;
			sort(v, n, sizeof(v[0]), cmp_int, NULL);
			qsort(ref, n, sizeof(ref[0]), cmp_int);
			assert_memory_equal(v, ref, n * sizeof(v[0]));
		}
	}
}

/* 100-byte elements: the generic swap moves them in pieces, and the payload follows the key. */
struct big {
	unsigned int key;
	unsigned char payload[96];
};

static int cmp_big(const void *a, const void *b)
{
	const struct big *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

static void test_large_elements(void **state)
{
	static struct big v[64];

	(void)state;
	for (unsigned int i = 0; i < 64; i++) {
		v[i].key = (i * 37) % 64; /* a permutation of 0..63 */
		memset(v[i].payload, (int)v[i].key, sizeof(v[i].payload));
	}
	sort(v, 64, sizeof(v[0]), cmp_big, NULL);
	for (unsigned int i = 0; i < 64; i++) {
		assert_int_equal(v[i].key, i);
		for (size_t j = 0; j < sizeof(v[i].payload); j++)
			assert_int_equal(v[i].payload[j], i);
	}
}

static int swaps;

static void swap_int(void *a, void *b, int size)
{
	int t = *(int *)a;

	assert_int_equal(size, sizeof(int));
	*(int *)a = *(int *)b;
	*(int *)b = t;
	swaps++;
}

/* A caller's swap is used for every exchange; sorted input still costs heap moves. */
static void test_caller_swap(void **state)
{
	int v[] = {5, 1, 4, 2, 3, 9, 0, 8, 7, 6};

	(void)state;
	swaps = 0;
	sort(v, 10, sizeof(v[0]), cmp_int, swap_int);
	for (int i = 0; i < 10; i++)
		assert_int_equal(v[i], i);
	assert_true(swaps > 0);
	/* 0 and 1 elements: nothing to compare, nothing swapped */
	swaps = 0;
	sort(v, 1, sizeof(v[0]), cmp_int, swap_int);
	sort(NULL, 0, sizeof(v[0]), cmp_int, swap_int);
	assert_int_equal(swaps, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_random_ints),
	    cmocka_unit_test(test_large_elements),
	    cmocka_unit_test(test_caller_swap),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("sort", tests, NULL, NULL);
}
