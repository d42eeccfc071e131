/*
 * kernel/mm/page_contig.c - allocating an exact pfn range (Linux 6.1's mm/page_alloc.c
 * alloc_contig_range, __alloc_contig_migrate_range, free_contig_range, and the two scanners
 * it borrows from mm/compaction.c, isolate_migratepages_range and isolate_freepages_range).
 * Used after the boot pipeline by cma_alloc (kernel/mm/cma_alloc.c).
 *
 *   alloc_contig_range(start, end, MIGRATE_CMA, gfp)
 *     start_isolate_page_range       pageblocks -> Isolate (page_isolation.c)
 *     drain_all_pages                per-CPU pages of the range back to the Isolate lists
 *     __alloc_contig_migrate_range   up to 5 tries per batch:
 *       isolate_migratepages_range     movable in-use pages of [start, end) -> a list
 *       migrate_pages(alloc_migration_target)   copied out, old pages freed into the range
 *     outer_start                    the free block holding start may begin before it
 *     test_pages_isolated            every page of [outer_start, end) free? else -EBUSY
 *     isolate_freepages_range        take the free blocks, split to pages of refcount 1
 *     free_contig_range              give back [outer_start, start) and [end, outer_end)
 *     undo_isolate_page_range        pageblocks -> CMA, their free pages counted again
 *
 *   pageblock   [..........................................]  1024 pages, Isolate meanwhile
 *   free block  [outer_start ........ order 10 .............]
 *   wanted           [start ...... end)
 *   taken       [freed back][ kept  ][ freed back ...........]
 */
#include <errno.h>

#include <linux/kernel.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/page-isolation.h>
#include <linux/printk.h>
#include "internal.h"

/* The state of one alloc_contig_range (Linux's struct compact_control, the part used). */
struct compact_control {
	struct list_head migratepages; /* isolated pages waiting to move */
	unsigned long nr_migratepages;
	unsigned long migrate_pfn;     /* where the next isolate_migratepages_range starts */
	struct zone *zone;
	gfp_t gfp_mask;
};

/* See page-isolation.h. */
int alloc_contig_in_progress;

/* Linux's COMPACT_CLUSTER_MAX: pages isolated for migration per batch. */
#define COMPACT_CLUSTER_MAX 32

/*
 * Isolate up to COMPACT_CLUSTER_MAX movable pages of [start_pfn, end_pfn) onto
 * cc->migratepages; cc->migrate_pfn says where it stopped. Free pages and pages that cannot
 * move are stepped over (test_pages_isolated finds the latter). Returns 0.
 */
static int isolate_migratepages_range(struct compact_control *cc, unsigned long start_pfn,
				      unsigned long end_pfn)
{
	unsigned long pfn;

	for (pfn = start_pfn; pfn < end_pfn && cc->nr_migratepages < COMPACT_CLUSTER_MAX; pfn++) {
		struct page *page = pfn_to_page(pfn);

		if (PageBuddy(page)) { /* read without the lock: a stale order only skips less */
			unsigned int order = READ_ONCE(page->private);

			if (PageBuddy(page) && order < MAX_ORDER)
				pfn += (1UL << order) - 1;
			continue;
		}
		if (!__PageMovable(page) || isolate_movable_page(page, 0))
			continue;
		list_add_tail(&page->lru, &cc->migratepages);
		cc->nr_migratepages++;
	}
	cc->migrate_pfn = pfn;
	return 0;
}

/*
 * Migrate every movable page of [start, end) out (Linux's __alloc_contig_migrate_range):
 * batches of isolated pages, each retried up to 5 times. 0, or -EBUSY / -ENOMEM with the
 * pages not moved given back to their owners.
 */
static int __alloc_contig_migrate_range(struct compact_control *cc, unsigned long start,
					unsigned long end)
{
	struct migration_target_control mtc = {
		.nid = 0,
		.gfp_mask = GFP_USER | __GFP_MOVABLE | __GFP_RETRY_MAYFAIL,
	};
	unsigned long pfn = start;
	unsigned int tries = 0;
	int ret = 0;

	while (pfn < end || !list_empty(&cc->migratepages)) {
		if (list_empty(&cc->migratepages)) {
			cc->nr_migratepages = 0;
			ret = isolate_migratepages_range(cc, pfn, end);
			pfn = cc->migrate_pfn;
			tries = 0;
			if (list_empty(&cc->migratepages))
				continue;
		} else if (++tries == 5) {
			ret = -EBUSY;
			break;
		}
		ret = migrate_pages(&cc->migratepages, alloc_migration_target, NULL,
				    (unsigned long)&mtc, MIGRATE_SYNC, MR_CONTIG_RANGE, NULL);
		if (ret == -ENOMEM)
			break;
	}
	if (ret < 0) {
		putback_movable_pages(&cc->migratepages);
		return ret;
	}
	return 0;
}

/* Blocks taken off the free lists become 2^order pages of refcount 1 (split_map_pages). */
static void split_map_page(struct page *page, unsigned int order)
{
	for (unsigned long i = 0; i < (1UL << order); i++) {
		set_page_private(page + i, 0);
		set_page_refcounted(page + i);
	}
}

/*
 * Take every free block of [start_pfn, end_pfn) off the free lists (strict: each pfn must be
 * inside one), as pages of refcount 1. Returns the pfn after the last block taken (a block
 * may reach beyond end_pfn), or 0 with nothing taken.
 */
static unsigned long isolate_freepages_range(struct compact_control *cc,
					     unsigned long start_pfn, unsigned long end_pfn)
{
	unsigned long pfn = start_pfn, flags;
	LIST_HEAD(freelist);

	spin_lock_irqsave(&cc->zone->lock, flags);
	while (pfn < end_pfn) {
		struct page *page = pfn_to_page(pfn);
		unsigned int order;

		if (!PageBuddy(page))
			break;
		order = buddy_order(page);
		__isolate_free_page(page, order);
		set_page_private(page, order);
		list_add_tail(&page->lru, &freelist);
		pfn += 1UL << order;
	}
	spin_unlock_irqrestore(&cc->zone->lock, flags);
	while (!list_empty(&freelist)) {
		struct page *page = list_first_entry(&freelist, struct page, lru);
		unsigned int order = (unsigned int)page_private(page);

		list_del(&page->lru);
		split_map_page(page, order);
		if (pfn < end_pfn) /* a page in use on the way: give back what was taken */
			free_contig_range(page_to_pfn(page), 1UL << order);
	}
	return pfn < end_pfn ? 0 : pfn;
}

/* The head of the free block holding start, if there is one reaching start; else start. */
static unsigned long contig_outer_start(unsigned long start)
{
	unsigned long outer_start = start;
	unsigned int order = 0;

	while (!PageBuddy(pfn_to_page(outer_start))) {
		if (++order >= MAX_ORDER) {
			outer_start = start;
			break;
		}
		outer_start &= ~0UL << order;
	}
	if (outer_start != start) {
		order = buddy_order(pfn_to_page(outer_start));
		if (outer_start + (1UL << order) <= start) /* a free block, but not around start */
			outer_start = start;
	}
	return outer_start;
}

/* See gfp.h. */
int alloc_contig_range(unsigned long start, unsigned long end, unsigned int migratetype,
		       gfp_t gfp_mask)
{
	struct compact_control cc = {
		.zone = page_zone(pfn_to_page(start)),
		.gfp_mask = gfp_mask,
	};
	unsigned long outer_start, outer_end;
	int ret;

	INIT_LIST_HEAD(&cc.migratepages);
	__atomic_add_fetch(&alloc_contig_in_progress, 1, __ATOMIC_SEQ_CST);
	ret = start_isolate_page_range(start, end, (int)migratetype, 0);
	if (ret)
		goto out;
	drain_all_pages(cc.zone);
	ret = __alloc_contig_migrate_range(&cc, start, end);
	if (ret && ret != -EBUSY)
		goto done;
	ret = 0; /* -EBUSY: some pages did not move; the test below decides */
	outer_start = contig_outer_start(start);
	if (test_pages_isolated(outer_start, end, 0)) {
		ret = -EBUSY;
		goto done;
	}
	outer_end = isolate_freepages_range(&cc, outer_start, end);
	if (!outer_end) {
		ret = -EBUSY;
		goto done;
	}
	if (start != outer_start)
		free_contig_range(outer_start, start - outer_start);
	if (end != outer_end)
		free_contig_range(end, outer_end - end);
done:
	undo_isolate_page_range(start, end, (int)migratetype);
out:
	__atomic_sub_fetch(&alloc_contig_in_progress, 1, __ATOMIC_SEQ_CST);
	return ret;
}

/* See gfp.h. */
void free_contig_range(unsigned long pfn, unsigned long nr_pages)
{
	unsigned long count = 0;

	for (; nr_pages--; pfn++) {
		struct page *page = pfn_to_page(pfn);

		count += page_count(page) != 1;
		__free_page(page);
	}
	WARN(count != 0, "%lu pages are still in use!\n", count);
}
