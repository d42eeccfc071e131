/*
 * page-isolation.h - taking pageblocks out of the allocator's reach (Linux 6.1's
 * include/linux/page-isolation.h, kernel/mm/page_isolation.c).
 *
 * Where it sits: after the boot pipeline, under alloc_contig_range (kernel/mm/page_contig.c),
 * which cma_alloc (kernel/mm/cma_alloc.c) calls. An isolated pageblock has the migratetype
 * MIGRATE_ISOLATE: its free pages sit on the Isolate free lists, uncounted in NR_FREE_PAGES
 * (and NR_FREE_CMA_PAGES), so no allocation can take them, and pages freed inside it join
 * them there.
 *
 *   start_isolate_page_range(start, end, MIGRATE_CMA)
 *     each pageblock of [pageblock_start(start), pageblock_align(end)):
 *       set_migratetype_isolate   type := Isolate, free pages -> Isolate lists, counters -= n
 *   test_pages_isolated(start, end)   every page a free block head on an Isolate list? 0 : -EBUSY
 *   undo_isolate_page_range(start, end, MIGRATE_CMA)
 *       unset_migratetype_isolate type := CMA, free pages -> CMA lists, counters += n
 *
 *   pageblock:  [ CMA ........ ]  ->  [ Isolate ...... ]  ->  [ CMA ........ ]
 *   free list:    free_list[CMA]        free_list[Isolate]       free_list[CMA]
 */
#ifndef _LINUX_PAGE_ISOLATION_H
#define _LINUX_PAGE_ISOLATION_H

#include <linux/mm.h>

/* pimm (for mm-check): alloc_contig_range calls running now; Isolate blocks are theirs. */
extern int alloc_contig_in_progress;

/* isol_flags: dump the unmovable page found (Linux's REPORT_FAILURE). */
#define MEMORY_OFFLINE 0x1
#define REPORT_FAILURE 0x2

/* Has the zone any isolated pageblock (so a page's recorded type may be stale)? */
static inline bool has_isolate_pageblock(const struct zone *zone)
{
	return READ_ONCE(zone->nr_isolate_pageblock) != 0;
}

static inline bool is_migrate_isolate_page(struct page *page)
{
	return get_pageblock_migratetype(page) == MIGRATE_ISOLATE;
}

/* The first page of [start_pfn, end_pfn) that cannot be migrated for migratetype, or NULL. */
struct page *has_unmovable_pages(unsigned long start_pfn, unsigned long end_pfn,
				 int migratetype, int flags);
/* Isolate page's pageblock unless it holds unmovable pages within [start_pfn, end_pfn). */
int set_migratetype_isolate(struct page *page, int migratetype, int isol_flags,
			    unsigned long start_pfn, unsigned long end_pfn);
/* Give page's isolated pageblock back as migratetype (its free pages counted again). */
void unset_migratetype_isolate(struct page *page, int migratetype);
/* Isolate every pageblock covering [start_pfn, end_pfn); 0, or -EBUSY with none isolated. */
int start_isolate_page_range(unsigned long start_pfn, unsigned long end_pfn, int migratetype,
			     int flags);
/* Undo start_isolate_page_range: the pageblocks become migratetype again. */
void undo_isolate_page_range(unsigned long start_pfn, unsigned long end_pfn, int migratetype);
/* 0 if every pageblock is isolated and every page of the range free in it, else -EBUSY. */
int test_pages_isolated(unsigned long start_pfn, unsigned long end_pfn, int isol_flags);

#endif
