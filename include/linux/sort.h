/*
 * sort.h - Linux's sort() (include/linux/sort.h, lib/sort.c): an in-place heapsort of an array
 * of fixed-size elements. Used by reserved memory (__rmem_check_for_overlap) and the shell.
 * Not stable: equal elements come out in the order the heap leaves them, which is part of
 * Linux's observable behaviour (the order of dynamic reserved-memory nodes), so pimm sorts
 * with the same algorithm, step for step.
 */
#ifndef _LINUX_SORT_H
#define _LINUX_SORT_H

#include <linux/types.h>

/* <0, 0, >0 as a sorts before, with, after b. */
typedef int (*cmp_func_t)(const void *a, const void *b);
/* Exchange two elements of @size bytes. */
typedef void (*swap_func_t)(void *a, void *b, int size);

/* Sort @num elements of @size bytes at @base by @cmp; @swap NULL exchanges bytewise. */
void sort(void *base, size_t num, size_t size, cmp_func_t cmp, swap_func_t swap);

#endif
