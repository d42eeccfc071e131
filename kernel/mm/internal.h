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
/* pimm: CMA pageblocks first, whatever the balance (__GFP_CMA_FIRST; bypasses the pcp) */
#define ALLOC_CMA_FIRST 0x1000

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

/* ---- shared by page_buddy.c, page_pcp.c and page_alloc.c ---- */

#include <linux/mm.h>

/*
 * pimm's count of handed-out pages, for check_free_areas: changed under the lock of the list
 * the pages leave or join (zone->lock or that CPU's pcp->lock), atomically since those differ.
 */
static inline void zone_allocated_add(struct zone *zone, long nr)
{
	__atomic_add_fetch(&zone->nr_allocated, nr, __ATOMIC_RELAXED);
}

/* The migratetype a free page had when it went on a pcp list (Linux keeps it in index). */
static inline int get_pcppage_migratetype(const struct page *page)
{
	return (int)page->index;
}

static inline void set_pcppage_migratetype(struct page *page, int migratetype)
{
	page->index = (unsigned long)migratetype;
}

static inline int get_pfnblock_migratetype(const struct page *page, unsigned long pfn)
{
	return (int)get_pfnblock_flags_mask(page, pfn, MIGRATETYPE_MASK);
}

/* Orders 0..PAGE_ALLOC_COSTLY_ORDER go through the per-CPU lists. */
static inline bool pcp_allowed_order(unsigned int order)
{
	return order <= PAGE_ALLOC_COSTLY_ORDER;
}

static inline unsigned int order_to_pindex(int migratetype, unsigned int order)
{
	return MIGRATE_PCPTYPES * order + (unsigned int)migratetype;
}

static inline unsigned int pindex_to_order(unsigned int pindex)
{
	return pindex / MIGRATE_PCPTYPES;
}

/* Linux's PCP_BATCH_SCALE_MAX: a trim frees at most batch << 5 pages. */
#define PCP_BATCH_SCALE_MAX 5

/* page_buddy.c: free the 2^order block at pfn onto migratetype's lists, merging (zone->lock). */
void __free_one_page(struct page *page, unsigned long pfn, struct zone *zone, unsigned int order,
		     int migratetype, fpi_t fpi_flags);
/* page_buddy.c: __free_one_page under the zone lock. */
void free_one_page(struct zone *zone, struct page *page, unsigned long pfn, unsigned int order,
		   int migratetype, fpi_t fpi_flags);
/* page_buddy.c: check every page of a block being freed (bad_page); false: keep it out. */
bool free_pages_prepare(struct page *page, unsigned int order);
/* page_buddy.c: report (bad_page) a block about to be handed out that is not pristine. */
bool check_new_pages(struct page *page, unsigned int order);
/* page_buddy.c: free a block straight to the buddy lists. */
void __free_pages_ok(struct page *page, unsigned int order, fpi_t fpi_flags);
/* page_buddy.c: one block for migratetype from zone's lists (zone->lock held), or NULL. */
struct page *__rmqueue(struct zone *zone, unsigned int order, int migratetype,
		       unsigned int alloc_flags);
/* page_pcp.c: a block of order <= PAGE_ALLOC_COSTLY_ORDER from this CPU's list, or NULL. */
struct page *rmqueue_pcplist(struct zone *zone, unsigned int order, int migratetype,
			     unsigned int alloc_flags);
/* page_pcp.c: free a block of order <= PAGE_ALLOC_COSTLY_ORDER onto this CPU's list. */
void free_unref_page(struct page *page, unsigned int order);
/* Free a boot-time block (PG_reserved, any refcount): clear, count as managed, merge. */
void __free_pages_core(struct page *page, unsigned int order);
/* memblock_free_all's per-block step: __free_pages_core. */
void memblock_free_pages(struct page *page, unsigned long pfn, unsigned int order);
/* The full watermark check (free pages, lowmem_reserve, a free block of >= order). */
bool __zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
			 int highest_zoneidx, unsigned int alloc_flags, long free_pages);
/* page_buddy.c: move the free blocks of page's pageblock to migratetype's lists; pages moved. */
int move_freepages_block(struct zone *zone, struct page *page, int migratetype,
			 int *num_movable);
/* page_buddy.c: take a free block off its list (zone->lock held, counters kept); its pages. */
unsigned long __isolate_free_page(struct page *page, unsigned int order);
/* The first fallback migratetype with a free block of this order, or -1 (and can_steal). */
int find_suitable_fallback(struct free_area *area, unsigned int order, int migratetype,
			   bool only_stealable, bool *can_steal);

#endif
