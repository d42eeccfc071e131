/*
 * kernel/mm/slab.h - what slub.c and slab_common.c share (Linux 6.1's mm/slab.h): the
 * slab <-> page conversions, the compound-page marks of multi-page slabs and large kmallocs,
 * the kmalloc cache table, and the allocator half's entry points the common half calls.
 *
 *   slab_common.c  kmem_cache_create/destroy, kmalloc/kfree/ksize, kmalloc caches, size table
 *      |  __kmem_cache_create, __kmem_cache_shutdown, __kmem_cache_alloc/free
 *      v
 *   slub.c         slabs, free lists, per-CPU slabs, partial lists, slub_debug, bootstrap
 *
 *   head page (PG_head, PG_slab) | tail: compound_head = head + 1 | tail | ...
 *   page[1].compound_order = order  (pimm's page allocator has no __GFP_COMP: slab.h marks)
 */
#ifndef _MM_SLAB_H
#define _MM_SLAB_H

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/slub_def.h>

/* struct slab is struct page read another way: the same offsets, field by field. */
#define SLAB_MATCH(pg, sl) BUILD_BUG_ON(offsetof(struct page, pg) != offsetof(struct slab, sl))
SLAB_MATCH(flags, __page_flags);
SLAB_MATCH(lru, slab_list);
SLAB_MATCH(mapping, slab_cache);
SLAB_MATCH(index, freelist);
SLAB_MATCH(private, counters);
SLAB_MATCH(_mapcount, __slab_unused);
SLAB_MATCH(_refcount, __page_refcount);
BUILD_BUG_ON(sizeof(struct slab) > sizeof(struct page));

/* The boot caches: the cache of kmem_cache descriptors and of kmem_cache_node. */
extern struct kmem_cache *kmem_cache, *kmem_cache_node;
/* kmalloc_caches[i]: objects of 2^i bytes (i = 1: 96, unused on ARMv7; i = 2: 192). */
extern struct kmem_cache *kmalloc_caches[KMALLOC_SHIFT_HIGH + 1];
/* kmalloc-64 ... kmalloc-8k: each cache's name and size (Linux's kmalloc_info). */
struct kmalloc_info_struct {
	const char *name;
	unsigned int size;
};
extern const struct kmalloc_info_struct kmalloc_info[KMALLOC_SHIFT_HIGH + 1];

/* Flags that make a cache a debug cache (no CPU slab, every object checked). */
#define SLAB_DEBUG_FLAGS (SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER | SLAB_CONSISTENCY_CHECKS)
/* Internal: poison the object itself (no constructor); a kmalloc cache. */
#define __OBJECT_POISON 0x80000000u
#define SLAB_KMALLOC 0x00001000u

static inline struct slab *page_slab(const struct page *page)
{
	return (struct slab *)page;
}

static inline struct page *slab_page(const struct slab *slab)
{
	return (struct page *)slab;
}

static inline void *slab_address(const struct slab *slab)
{
	return page_address(slab_page(slab));
}

static inline unsigned int fls_u(unsigned int x)
{
	return x ? 32 - (unsigned int)__builtin_clz(x) : 0;
}

/* Linux's get_order: the smallest order whose block holds size bytes (size >= 1); by fls,
 * so that no shift can overflow: sizes near 4 GiB give orders >= MAX_ORDER, not a hang. */
static inline unsigned int get_order(unsigned long size)
{
	return size <= PAGE_SIZE ? 0
				 : 8 * sizeof(long) - (unsigned int)__builtin_clzl((size - 1) >> PAGE_SHIFT);
}

/* Linux's smp_wmb/smp_rmb for publishing a slab (PG_slab last) and reading it (PG_slab first). */
#define slab_publish_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define slab_observe_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)

/* The head page of a compound block (page itself when it is not a tail page). */
static inline struct page *compound_head(const struct page *page)
{
	unsigned long head = READ_ONCE(page->compound_head);

	return (struct page *)((head & 1) ? head - 1 : (unsigned long)page);
}

static inline unsigned int compound_order(const struct page *page)
{
	return PageHead(page) ? page[1].compound_order : 0;
}

/* Linux's prep_compound_page: PG_head, the order in page[1], the tails point at the head. */
void slab_prep_compound(struct page *page, unsigned int order);
/* Undo slab_prep_compound before the pages go back to the buddy allocator. */
void slab_clear_compound(struct page *page, unsigned int order);

/* Linux's calculate_alignment: cache-line alignment for small objects, at least 8 bytes. */
unsigned int calculate_alignment(unsigned long flags, unsigned int align, unsigned int size);
/* slub_debug's flags for a cache of this name (all caches, or the listed ones). */
unsigned long kmem_cache_flags(unsigned int object_size, unsigned long flags, const char *name);
/* Set slub_debug as the boot argument does: "FZPU,cache,...", "" for bare slub_debug, NULL off. */
void slub_debug_parse(const char *str);
/* Linux's setup_kmalloc_cache_index_table and create_kmalloc_caches (slab_common.c). */
void setup_kmalloc_cache_index_table(void);
void create_kmalloc_caches(unsigned long flags);
/* Lay out s (sizes, order, nodes, per-CPU slabs); 0 or -errno. */
int __kmem_cache_create(struct kmem_cache *s, unsigned long flags);
/* Empty s: flush CPU slabs, free empty slabs; non-zero (and a report) if objects remain. */
int __kmem_cache_shutdown(struct kmem_cache *s);
/* Free s's per-CPU and node structures. */
void __kmem_cache_release(struct kmem_cache *s);
/* One object of s for a caller at caller (orig_size: what kmalloc was asked for). */
void *__kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp, size_t orig_size, unsigned long caller);
/* Free object x of s (in slab) for a caller at caller. */
void __kmem_cache_free(struct kmem_cache *s, struct slab *slab, void *x, unsigned long caller);
/* Set up a static or early cache (kmem_cache_init); panics on failure. */
void create_boot_cache(struct kmem_cache *s, const char *name, unsigned int size,
		       unsigned long flags);
/* The usable size of an object of s (Linux's slab_ksize). */
size_t slab_ksize(const struct kmem_cache *s);

#endif
