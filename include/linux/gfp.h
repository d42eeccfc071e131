/*
 * gfp.h - allocation flags: which zone an allocation may come from and its migratetype
 * (Linux 6.1's include/linux/gfp_types.h + gfp.h, the zone-selection part).
 *
 *   gfp_zone(flags):  none -> ZONE_NORMAL, __GFP_HIGHMEM -> ZONE_HIGHMEM,
 *                     __GFP_HIGHMEM|__GFP_MOVABLE -> ZONE_MOVABLE; the allocator then walks the
 *                     zonelist entries whose index is <= that zone (HighMem, Normal, ...).
 *   (ZONE_DMA is configured out, so __GFP_DMA means ZONE_NORMAL, as Linux's OPT_ZONE_DMA.)
 *   gfp_migratetype(flags): which free lists serve it (Unmovable, Movable, Reclaimable);
 *                     a Movable request may also take MIGRATE_CMA pageblocks (ALLOC_CMA).
 *
 * The page allocator's entry points (kernel/mm/page_alloc.c, Linux 6.1's mm/page_alloc.c):
 *   alloc_pages(gfp, order)      -> struct page of a naturally aligned 2^order block, or NULL
 *   __get_free_pages(gfp, order) -> its lowmem virtual address (never highmem), or 0
 *   __free_pages(page, order), free_pages(addr, order): give the block back
 */
#ifndef _LINUX_GFP_H
#define _LINUX_GFP_H

#include <linux/mmzone.h>
#include <linux/types.h>

#define __GFP_DMA 0x01u
#define __GFP_HIGHMEM 0x02u
#define __GFP_DMA32 0x04u
#define __GFP_MOVABLE 0x08u
#define __GFP_RECLAIMABLE 0x10u
#define __GFP_HIGH 0x20u
#define __GFP_IO 0x40u
#define __GFP_FS 0x80u
#define __GFP_ZERO 0x100u
#define __GFP_ATOMIC 0x200u
#define __GFP_DIRECT_RECLAIM 0x400u
#define __GFP_KSWAPD_RECLAIM 0x800u
#define __GFP_NOWARN 0x2000u
#define __GFP_RETRY_MAYFAIL 0x4000u /* (pimm's allocator does not retry: accepted, no effect) */
#define __GFP_NOFAIL 0x8000u
#define __GFP_NORETRY 0x10000u
#define __GFP_COMP 0x40000u
#define __GFP_NOMEMALLOC 0x80000u
#define __GFP_HARDWALL 0x100000u
/*
 * pimm only (Android kernels had a __GFP_CMA): a movable request takes MIGRATE_CMA pageblocks
 * first, so that the shell can put a movable page inside a CMA area on demand.
 */
#define __GFP_CMA_FIRST 0x4000000u

#define GFP_ZONEMASK (__GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32 | __GFP_MOVABLE)
#define GFP_MOVABLE_MASK (__GFP_RECLAIMABLE | __GFP_MOVABLE)
#define GFP_MOVABLE_SHIFT 3

#define __GFP_RECLAIM (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)
#define GFP_ATOMIC (__GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL (__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_NOWAIT (__GFP_KSWAPD_RECLAIM)
#define GFP_USER (__GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL)
#define GFP_DMA __GFP_DMA
#define GFP_HIGHUSER (GFP_USER | __GFP_HIGHMEM)
#define GFP_HIGHUSER_MOVABLE (GFP_HIGHUSER | __GFP_MOVABLE)

/* The highest zone an allocation with these flags may use. */
static inline enum zone_type gfp_zone(gfp_t flags)
{
#ifdef CONFIG_HIGHMEM
	if (flags & __GFP_HIGHMEM)
		return (flags & __GFP_MOVABLE) ? ZONE_MOVABLE : ZONE_HIGHMEM;
#else
	if ((flags & (__GFP_HIGHMEM | __GFP_MOVABLE)) == (__GFP_HIGHMEM | __GFP_MOVABLE))
		return ZONE_MOVABLE;
#endif
	return ZONE_NORMAL;
}

/* UNMOVABLE, MOVABLE or RECLAIMABLE, from __GFP_MOVABLE / __GFP_RECLAIMABLE. */
static inline int gfp_migratetype(gfp_t flags)
{
	return (int)((flags & GFP_MOVABLE_MASK) >> GFP_MOVABLE_SHIFT);
}

/* One zonelist per node in a !NUMA kernel: the fallback list. */
static inline struct zonelist *node_zonelist(int nid, gfp_t flags)
{
	(void)nid;
	(void)flags;
	return NODE_DATA(nid)->node_zonelists + ZONELIST_FALLBACK;
}

struct page;

/* A 2^order block from the zones gfp allows (zonelist order, watermarks), or NULL. */
struct page *alloc_pages(gfp_t gfp, unsigned int order);
#define alloc_page(gfp) alloc_pages(gfp, 0)
/* alloc_pages without __GFP_HIGHMEM, returned as a lowmem virtual address (0 on failure). */
unsigned long __get_free_pages(gfp_t gfp, unsigned int order);
#define __get_free_page(gfp) __get_free_pages((gfp), 0)
/* One zeroed lowmem page's virtual address, or 0. */
unsigned long get_zeroed_page(gfp_t gfp);
/* Drop a reference; the last one frees the block (a bad page is reported and kept out). */
void __free_pages(struct page *page, unsigned int order);
#define __free_page(page) __free_pages((page), 0)
/* __free_pages of the block at lowmem virtual address addr (0: nothing). */
void free_pages(unsigned long addr, unsigned int order);
#define free_page(addr) free_pages((addr), 0)
/* Give this CPU's per-CPU pages of zone (NULL: every zone) back to the buddy lists. */
void drain_local_pages(struct zone *zone);
/* The same for every online CPU (6.1: remotely, under each pageset's lock). */
void drain_all_pages(struct zone *zone);
/*
 * Allocate exactly [start, end) (kernel/mm/page_contig.c, for cma_alloc): isolate its
 * pageblocks, migrate the movable pages out, take the free pages; each page refcount 1.
 * 0, -EBUSY (an unmovable page, a race) or -ENOMEM; on failure nothing is taken.
 */
int alloc_contig_range(unsigned long start, unsigned long end, unsigned int migratetype,
		       gfp_t gfp_mask);
/* Free nr_pages pages from pfn one by one (what alloc_contig_range gave). */
void free_contig_range(unsigned long pfn, unsigned long nr_pages);
/* A CMA pageblock (reserved until now) becomes MIGRATE_CMA and is freed as one block. */
void init_cma_reserved_pageblock(struct page *page);

#endif
