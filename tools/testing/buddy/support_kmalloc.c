/*
 * support_kmalloc.c - kmalloc and kfree for the host suites that run the real page allocator
 * without SLUB (buddy, cma): cma_activate.c's bitmap_zalloc is their only user. On calloc, so
 * ASan sees every bitmap; the slab suite links the real kmalloc instead of this file.
 */
#include <stdlib.h>

#include <linux/slab.h>

/* size zeroed bytes from the host heap (every caller here wants them zeroed). */
void *kmalloc(size_t size, gfp_t flags)
{
	(void)flags;
	return calloc(1, size);
}

/* Back to the host heap. */
void kfree(const void *objp)
{
	free((void *)objp);
}
