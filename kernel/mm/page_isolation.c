/*
 * kernel/mm/page_isolation.c - pageblock isolation (Linux 6.1's mm/page_isolation.c), the
 * first and last step of alloc_contig_range (kernel/mm/page_contig.c), after the boot
 * pipeline: cma_alloc -> alloc_contig_range -> here.
 *
 *   start_isolate_page_range      each pageblock of the range, rounded out to pageblocks:
 *     set_migratetype_isolate       has_unmovable_pages? -EBUSY (and undo the ones before)
 *                                   else type Isolate, nr_isolate_pageblock++,
 *                                   move_freepages_block -> Isolate lists, counters -= moved
 *   test_pages_isolated           all blocks Isolate, every page inside a free block
 *   undo_isolate_page_range
 *     unset_migratetype_isolate     move_freepages_block -> migratetype, counters += moved,
 *                                   type back, nr_isolate_pageblock--
 *
 * In pimm pageblock_order is MAX_ORDER - 1: no free block is larger than a pageblock, so
 * 6.1's isolate_single_pageblock (splitting a free or compound block that straddles the
 * range's edge pageblocks) has nothing to do: each pageblock is isolated alone.
 *
 *   pfn    [ pageblock 0 ][ pageblock 1 ][ pageblock 2 ]
 *   range        [start ........................ end)
 *   isolated [ Isolate      ][ Isolate     ][ Isolate     ]
 */
#include <errno.h>

#include <linux/kernel.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/page-isolation.h>
#include <linux/printk.h>
#include "internal.h"

static unsigned long pageblock_start_pfn(unsigned long pfn)
{
	return ALIGN_DOWN(pfn, pageblock_nr_pages);
}

static unsigned long pageblock_end_pfn(unsigned long pfn)
{
	return ALIGN_DOWN(pfn, pageblock_nr_pages) + pageblock_nr_pages;
}

/* See page-isolation.h. CMA blocks only ever hold movable pages (6.1: not checked). */
struct page *has_unmovable_pages(unsigned long start_pfn, unsigned long end_pfn,
				 int migratetype, int flags)
{
	struct page *page = pfn_to_page(start_pfn);
	unsigned long pfn;

	(void)flags;
	if (is_migrate_cma(get_pageblock_migratetype(page)))
		return is_migrate_cma(migratetype) ? NULL : page;
	for (pfn = start_pfn; pfn < end_pfn; pfn++) {
		page = pfn_to_page(pfn);
		if (PageReserved(page))
			return page;
		if (!page_ref_count(page)) { /* free: a buddy block or on a per-CPU list */
			if (PageBuddy(page))
				pfn += (1UL << buddy_order(page)) - 1;
			continue;
		}
		if (__PageMovable(page) || PageLRU(page))
			continue;
		return page;
	}
	return NULL;
}

/* See page-isolation.h. */
int set_migratetype_isolate(struct page *page, int migratetype, int isol_flags,
			    unsigned long start_pfn, unsigned long end_pfn)
{
	unsigned long pfn = page_to_pfn(page), flags, check_start, check_end;
	struct zone *zone = page_zone(page);
	struct page *unmovable;
	int nr_pages, mt;

	spin_lock_irqsave(&zone->lock, flags);
	if (is_migrate_isolate_page(page)) { /* someone else isolated it first */
		spin_unlock_irqrestore(&zone->lock, flags);
		return -EBUSY;
	}
	check_start = max(pfn, start_pfn);
	check_end = min(pageblock_end_pfn(pfn), end_pfn);
	unmovable = has_unmovable_pages(check_start, check_end, migratetype, isol_flags);
	if (!unmovable) {
		mt = (int)get_pageblock_migratetype(page);
		set_pageblock_migratetype(page, MIGRATE_ISOLATE);
		zone->nr_isolate_pageblock++;
		nr_pages = move_freepages_block(zone, page, MIGRATE_ISOLATE, NULL);
		__mod_zone_freepage_state(zone, -nr_pages, mt);
		spin_unlock_irqrestore(&zone->lock, flags);
		return 0;
	}
	spin_unlock_irqrestore(&zone->lock, flags);
	if (isol_flags & REPORT_FAILURE)
		dump_page(unmovable, "unmovable page");
	return -EBUSY;
}

/* See page-isolation.h. */
void unset_migratetype_isolate(struct page *page, int migratetype)
{
	struct zone *zone = page_zone(page);
	unsigned long flags;
	int nr_pages;

	spin_lock_irqsave(&zone->lock, flags);
	if (!is_migrate_isolate_page(page))
		goto out;
	nr_pages = move_freepages_block(zone, page, migratetype, NULL);
	__mod_zone_freepage_state(zone, nr_pages, migratetype);
	set_pageblock_migratetype(page, migratetype);
	zone->nr_isolate_pageblock--;
out:
	spin_unlock_irqrestore(&zone->lock, flags);
}

/* See page-isolation.h. */
int start_isolate_page_range(unsigned long start_pfn, unsigned long end_pfn, int migratetype,
			     int flags)
{
	unsigned long isolate_start = pageblock_start_pfn(start_pfn);
	unsigned long isolate_end = ALIGN(end_pfn, pageblock_nr_pages);
	unsigned long pfn;

	for (pfn = isolate_start; pfn < isolate_end; pfn += pageblock_nr_pages) {
		if (!pfn_valid(pfn))
			continue;
		if (set_migratetype_isolate(pfn_to_page(pfn), migratetype, flags, start_pfn,
					    end_pfn)) {
			undo_isolate_page_range(isolate_start, pfn, migratetype);
			return -EBUSY;
		}
	}
	return 0;
}

/* See page-isolation.h. */
void undo_isolate_page_range(unsigned long start_pfn, unsigned long end_pfn, int migratetype)
{
	unsigned long isolate_start = pageblock_start_pfn(start_pfn);
	unsigned long isolate_end = ALIGN(end_pfn, pageblock_nr_pages);
	unsigned long pfn;

	for (pfn = isolate_start; pfn < isolate_end; pfn += pageblock_nr_pages) {
		struct page *page;

		if (!pfn_valid(pfn))
			continue;
		page = pfn_to_page(pfn);
		if (is_migrate_isolate_page(page))
			unset_migratetype_isolate(page, migratetype);
	}
}

/* The first pfn of [pfn, end_pfn) that is not inside a free block (zone->lock held). */
static unsigned long __test_page_isolated_in_pageblock(unsigned long pfn, unsigned long end_pfn)
{
	while (pfn < end_pfn) {
		struct page *page = pfn_to_page(pfn);

		if (!PageBuddy(page))
			break;
		pfn += 1UL << buddy_order(page);
	}
	return pfn;
}

/* See page-isolation.h. */
int test_pages_isolated(unsigned long start_pfn, unsigned long end_pfn, int isol_flags)
{
	unsigned long pfn, flags;
	struct zone *zone;

	(void)isol_flags;
	for (pfn = pageblock_start_pfn(start_pfn); pfn < end_pfn; pfn += pageblock_nr_pages)
		if (!pfn_valid(pfn) || !is_migrate_isolate_page(pfn_to_page(pfn)))
			return -EBUSY;
	zone = page_zone(pfn_to_page(start_pfn));
	spin_lock_irqsave(&zone->lock, flags);
	pfn = __test_page_isolated_in_pageblock(start_pfn, end_pfn);
	spin_unlock_irqrestore(&zone->lock, flags);
	return pfn < end_pfn ? -EBUSY : 0;
}
