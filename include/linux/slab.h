/*
 * slab.h - the object allocator's interface (kernel/mm/slub.c, kernel/mm/slab_common.c):
 * Linux 6.1's include/linux/slab.h for SLUB on ARMv7.
 *
 * Where it sits: mm_init -> kmem_cache_init, right after the buddy allocator took over
 * memory (mem_init); from then on kernel objects smaller than a page come from kmem caches:
 *
 *   kmalloc(size)           size <= KMALLOC_MAX_CACHE_SIZE (8 KiB): the kmalloc-N cache of
 *                           its class (64, 128, 192, 256, 512, 1k, 2k, 4k, 8k on ARMv7, where
 *                           KMALLOC_MIN_SIZE is the 64-byte cache line); larger: whole pages
 *                           from the buddy allocator (kmalloc_large)
 *   kmem_cache_create(...)  a cache of equal objects (name, size, align, flags, constructor)
 *
 * pimm merges no caches (Linux's find_mergeable / slab_nomerge): every cache is its own and
 * /proc/slabinfo (the shell's `slabinfo`) lists each one. Only the normal kmalloc type exists
 * (no kmalloc-rcl-*, dma-kmalloc-*, kmalloc-cg-*).
 */
#ifndef _LINUX_SLAB_H
#define _LINUX_SLAB_H

#include <linux/gfp.h>
#include <linux/types.h>

/* kmem_cache_create flags (Linux's values). */
#define SLAB_CONSISTENCY_CHECKS 0x00000100u /* slub_debug F */
#define SLAB_RED_ZONE 0x00000400u           /* slub_debug Z */
#define SLAB_POISON 0x00000800u             /* slub_debug P */
#define SLAB_HWCACHE_ALIGN 0x00002000u      /* align objects on cache lines */
#define SLAB_CACHE_DMA 0x00004000u
#define SLAB_STORE_USER 0x00010000u         /* slub_debug U */
#define SLAB_PANIC 0x00040000u              /* panic if kmem_cache_create fails */
#define SLAB_RECLAIM_ACCOUNT 0x00020000u

/* ARMv7: ARCH_DMA_MINALIGN = L1_CACHE_BYTES = 64, so every kmalloc object is 64-aligned. */
#define ARCH_KMALLOC_MINALIGN 64
#define ARCH_SLAB_MINALIGN 8 /* ARM: 64-bit ldrd/strd on any object */
#define KMALLOC_MIN_SIZE 64
#define KMALLOC_SHIFT_LOW 6
#define KMALLOC_SHIFT_HIGH (PAGE_SHIFT + 1) /* SLUB: the largest cache is 8 KiB */
#define KMALLOC_MAX_CACHE_SIZE (1UL << KMALLOC_SHIFT_HIGH)
#define KMALLOC_SHIFT_MAX 22 /* MAX_ORDER + PAGE_SHIFT - 1: the largest kmalloc, 4 MiB */
#define KMALLOC_MAX_SIZE (1UL << KMALLOC_SHIFT_MAX)

struct kmem_cache;

/* How far kmem_cache_init has got (Linux's enum slab_state, mm/slab.h). */
enum slab_state {
	DOWN,    /* no slab allocator */
	PARTIAL, /* kmem_cache_node works */
	UP,      /* kmalloc works (slab_is_available) */
	FULL,    /* everything: Linux's slab_sysfs_init sets it; pimm has no sysfs, never FULL */
};
/*
 * Weak so that the earlier stages' host suites, which link memblock.c without slab, see its
 * address as 0: "not available" (memblock_alloc's check below).
 */
extern enum slab_state slab_state __attribute__((weak));
/* Linux's slab_is_available: kmalloc may be called (memblock_alloc must not be). */
static inline bool slab_is_available(void)
{
	return &slab_state && slab_state >= UP;
}

/* Bring up slab: the boot caches, then the kmalloc caches (mm_init, after mem_init). */
void kmem_cache_init(void);

/* A cache of size-byte objects aligned to align (0: word), or NULL (SLAB_PANIC: panic). */
struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     unsigned long flags, void (*ctor)(void *));
/* Free an empty cache; objects still allocated are reported and the cache is kept. */
void kmem_cache_destroy(struct kmem_cache *s);
/* One object of s (constructed if s has a constructor), or NULL. */
void *kmem_cache_alloc(struct kmem_cache *s, gfp_t flags);
/* Give back an object of s. */
void kmem_cache_free(struct kmem_cache *s, void *objp);
/* The cache's name, as /proc/slabinfo shows it. */
const char *kmem_cache_name(const struct kmem_cache *s);

/* The object size of s. */
unsigned int kmem_cache_size(struct kmem_cache *s);

/* size bytes (64-byte aligned), or NULL; ZERO_SIZE_PTR for 0 bytes. Weak: see slab_state. */
void *kmalloc(size_t size, gfp_t flags) __attribute__((weak));
/* Above KMALLOC_MAX_CACHE_SIZE: whole pages (a compound block) from the page allocator. */
void *kmalloc_large(size_t size, gfp_t flags);
/* kmalloc that zeroes the object. */
static inline void *kzalloc(size_t size, gfp_t flags)
{
	return kmalloc(size, flags | __GFP_ZERO);
}
/* kmalloc of n * size bytes, NULL if that overflows. */
static inline void *kcalloc(size_t n, size_t size, gfp_t flags)
{
	if (size && n > (size_t)-1 / size)
		return NULL;
	return kzalloc(n * size, flags);
}
/* Give back what kmalloc gave (NULL and ZERO_SIZE_PTR: nothing). */
void kfree(const void *objp);
/* The usable size of a kmalloc'ed object (its cache's object size, or the pages'). */
size_t ksize(const void *objp);

/* kmalloc(0) returns this: not NULL, and faults when used. */
#define ZERO_SIZE_PTR ((void *)16)
#define ZERO_OR_NULL_PTR(x) ((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

#endif
