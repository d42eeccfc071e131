/*
 * internal.h - declarations shared by the files of kernel/mm and nobody else, as Linux's
 * mm/internal.h. (pimm splits Linux 6.1's mm/page_alloc.c in two, as later Linux does:
 * mm_init.c builds the zones at boot, page_alloc.c owns the pagesets and the allocator.)
 *
 * The allocator's alloc_flags (Linux 6.1's ALLOC_*): the low two bits pick the watermark an
 * allocation must stay above; the rest relax it or widen the free lists it may use.
 *
 *   ALLOC_WMARK_MIN/LOW/HIGH   which zone->_watermark[] to check (fast path: LOW, slow: MIN)
 *   ALLOC_NO_WATERMARKS        no check at all
 *   ALLOC_HARDER (GFP_ATOMIC)  min -= min/4, may use the HighAtomic reserve
 *   ALLOC_HIGH (__GFP_HIGH)    min -= min/2
 *   ALLOC_CMA (movable)        MIGRATE_CMA pageblocks count as usable and may serve it
 */
#ifndef _KERNEL_MM_INTERNAL_H
#define _KERNEL_MM_INTERNAL_H

#include <linux/mmzone.h>

/* page_alloc.c: point a new zone at the boot pageset (free_area_init_core calls it). */
void zone_pcp_init(struct zone *zone);

#define ALLOC_WMARK_MIN WMARK_MIN
#define ALLOC_WMARK_LOW WMARK_LOW
#define ALLOC_WMARK_HIGH WMARK_HIGH
#define ALLOC_NO_WATERMARKS 0x04
#define ALLOC_WMARK_MASK (ALLOC_NO_WATERMARKS - 1)
#define ALLOC_OOM ALLOC_NO_WATERMARKS
#define ALLOC_HARDER 0x10
#define ALLOC_HIGH 0x20 /* == __GFP_HIGH, so gfp_to_alloc_flags copies the bit */
#define ALLOC_CPUSET 0x40
#define ALLOC_CMA 0x80
#define ALLOC_NOFRAGMENT 0x0 /* 0x100 only with ZONE_DMA32, which ARM lacks */
#define ALLOC_KSWAPD 0x800

/* How a block is freed (Linux's fpi_t): FPI_TO_TAIL queues it at the list tail. */
typedef unsigned int fpi_t;
#define FPI_NONE 0x0
#define FPI_SKIP_REPORT_NOTIFY 0x1
#define FPI_TO_TAIL 0x2

/* The buddy of the 2^order block at pfn: pfn with bit `order` flipped. */
static inline unsigned long __find_buddy_pfn(unsigned long pfn, unsigned int order)
{
	return pfn ^ (1UL << order);
}

/* Free a boot-time block (PG_reserved, any refcount): clear, count as managed, merge. */
void __free_pages_core(struct page *page, unsigned int order);
/* memblock_free_all's per-block step: __free_pages_core. */
void memblock_free_pages(struct page *page, unsigned long pfn, unsigned int order);
/* The full watermark check (free pages, lowmem_reserve, a free block of >= order). */
bool __zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
			 int highest_zoneidx, unsigned int alloc_flags, long free_pages);
/* The first fallback migratetype with a free block of this order, or -1 (and can_steal). */
int find_suitable_fallback(struct free_area *area, unsigned int order, int migratetype,
			   bool only_stealable, bool *can_steal);

#endif
