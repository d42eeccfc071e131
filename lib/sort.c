/*
 * sort.c - sort(): Linux's bottom-up heapsort (lib/sort.c), for reserved memory's overlap
 * check and the shell's tables. No kernel state: compiled into the kernel and the host tests.
 *
 * Linux chose heapsort for its fixed O(n log n) time and no recursion or extra memory. Its
 * bottom-up variant halves the comparisons of the textbook sift-down: it first follows the
 * larger child all the way to a leaf (one compare per level), then climbs back up to where
 * the sifted element belongs, and rotates the path by one.
 *
 *        heap in the array        index i has children 2i+1 and 2i+2, parent (i-1)/2
 *              [0]
 *            /     \
 *          [1]     [2]            phase 1: sift down [num/2-1] ... [0]  -> a max-heap
 *         /  \    /               phase 2: swap [0] with the last heap element, shrink the
 *       [3]  [4] [5]                       heap by one, sift [0] down again
 */
#include <string.h>
#include <linux/sort.h>

/* Exchange @size bytes at @a and @b through a small buffer. */
static void generic_swap(void *a, void *b, int size)
{
	unsigned char tmp[64], *pa = a, *pb = b;

	while (size > 0) {
		int n = size < (int)sizeof(tmp) ? size : (int)sizeof(tmp);

		memcpy(tmp, pa, n);
		memcpy(pa, pb, n);
		memcpy(pb, tmp, n);
		pa += n, pb += n, size -= n;
	}
}

/* The element at index @i. */
static inline void *elem(void *base, size_t size, size_t i)
{
	return (char *)base + i * size;
}

/* Sort @num elements of @size bytes at @base by @cmp; @swap NULL exchanges bytewise. */
void sort(void *base, size_t num, size_t size, cmp_func_t cmp, swap_func_t swap)
{
	size_t n = num, a = num / 2, b, c, d;

	if (!swap)
		swap = generic_swap;
	if (!a)
		return;
	for (;;) {
		if (a)
			a--; /* building the heap: sift element a down */
		else if (--n)
			swap(elem(base, size, 0), elem(base, size, n), (int)size); /* max to the end */
		else
			break;
		/* follow the larger child down to a leaf, one compare per level */
		for (b = a; c = 2 * b + 1, (d = c + 1) < n;)
			b = cmp(elem(base, size, c), elem(base, size, d)) >= 0 ? c : d;
		if (d == n)
			b = c; /* the last leaf has no sibling */
		/* climb back to where element a belongs, then rotate the path into place */
		while (b != a && cmp(elem(base, size, a), elem(base, size, b)) >= 0)
			b = (b - 1) / 2;
		c = b;
		while (b != a) {
			b = (b - 1) / 2;
			swap(elem(base, size, b), elem(base, size, c), (int)size);
		}
	}
}
