/*
 * page_pcp.c - the per-CPU page lists (Linux 6.1's mm/page_alloc.c, pcp part; pimm's own
 * file, see page_buddy.c). Each CPU keeps, per zone, 12 lists of free blocks of orders 0..3
 * (pindex = 3 * order + migratetype), so that most small allocations and frees touch neither
 * the zone lock nor the buddy lists.
 *
 * Where it sits: page_alloc.c's setup_per_cpu_pageset sizes them (batch, high);
 * page_buddy.c's rmqueue and __free_pages call in here for orders <= PAGE_ALLOC_COSTLY_ORDER.
 *
 *   alloc: list empty? rmqueue_bulk: max(batch >> order, 2) blocks from __rmqueue, appended
 *          in physical order; take the head. (free_factor halves.)
 *   free:  add at the head; count >= high? free_pcppages_bulk(nr_pcp_free): batch, doubled
 *          on each consecutive trim (free_factor <= 5), from the list tails, round robin.
 *   drain: drain_local_pages / drain_all_pages (remotely, under each pageset's lock).
 *
 *   per_cpu_ptr(zone->per_cpu_pageset, cpu)
 *     count | high | batch | free_factor | lists[0..11]   (pcp->lock, IRQs off)
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <asm/smp.h>
#include <pimm/lab.h>
#include "internal.h"

/*
 * Give back up to count pages of pcp to the buddy lists: round robin over the non-empty
 * lists, starting with pindex, each list from its tail (its oldest page). Caller holds
 * pcp->lock with IRQs off.
 */
static void free_pcppages_bulk(struct zone *zone, int count, struct per_cpu_pages *pcp,
			       int pindex)
{
	int min_pindex = 0, max_pindex = NR_PCP_LISTS - 1;
	struct page *page;
	bool isolated_pageblocks;

	count = min(pcp->count, count);
	pindex = pindex - 1; /* the list just used is drained first */
	spin_lock(&zone->lock);
	isolated_pageblocks = zone->nr_isolate_pageblock != 0;
	while (count > 0) {
		struct list_head *list;
		unsigned int order;
		int nr_pages;

		do {
			if (++pindex > max_pindex)
				pindex = min_pindex;
			list = &pcp->lists[pindex];
			if (!list_empty(list))
				break;
			if (pindex == max_pindex)
				max_pindex--;
			if (pindex == min_pindex)
				min_pindex++;
		} while (1);

		order = pindex_to_order((unsigned int)pindex);
		nr_pages = 1 << order;
		do {
			int mt;

			page = list_last_entry(list, struct page, pcp_list);
			mt = get_pcppage_migratetype(page);
			list_del(&page->pcp_list);
			count -= nr_pages;
			pcp->count -= nr_pages;
			VM_BUG_ON_PAGE(is_migrate_isolate(mt), page);
			/* its pageblock may have been isolated since (alloc_contig_range) */
			if (unlikely(isolated_pageblocks))
				mt = get_pageblock_migratetype(page);
			__free_one_page(page, page_to_pfn(page), zone, order, mt, FPI_NONE);
		} while (count > 0 && !list_empty(list));
	}
	spin_unlock(&zone->lock);
}

/*
 * How many pages a full pcp gives back: a batch, doubled each time in a row (free_factor,
 * at most 2^PCP_BATCH_SCALE_MAX), never leaving fewer than a batch; everything if free_high.
 */
static int nr_pcp_free(struct per_cpu_pages *pcp, int high, int batch, bool free_high)
{
	int min_nr_free, max_nr_free;

	if (unlikely(free_high))
		return pcp->count;
	if (unlikely(high < batch))
		return 1;
	min_nr_free = batch;
	max_nr_free = high - batch;
	batch <<= pcp->free_factor;
	if (batch < max_nr_free && pcp->free_factor < PCP_BATCH_SCALE_MAX)
		pcp->free_factor++;
	return clamp(batch, min_nr_free, max_nr_free);
}

/* The count above which pcp is trimmed: high; 0 (free now) for boot pagesets or free_high. */
static int nr_pcp_high(struct per_cpu_pages *pcp, struct zone *zone, bool free_high)
{
	int high = READ_ONCE(pcp->high);

	if (unlikely(!high || free_high))
		return 0;
	if (!(zone->flags & (1UL << ZONE_RECLAIM_ACTIVE)))
		return high;
	return min(READ_ONCE(pcp->batch) << 2, high);
}

/* Put a freed block at the head of its pcp list; trim the pcp if it is now too full. */
static void free_unref_page_commit(struct zone *zone, struct per_cpu_pages *pcp,
				   struct page *page, int migratetype, unsigned int order)
{
	unsigned int pindex = order_to_pindex(migratetype, order);
	bool free_high;
	int high;

	list_add(&page->pcp_list, &pcp->lists[pindex]);
	pcp->count += 1 << order;
	zone_allocated_add(zone, -(1L << order));
	/* a CPU freeing many high-order pages in a row gives them back at once */
	free_high = pcp->free_factor && order && order <= PAGE_ALLOC_COSTLY_ORDER;
	high = nr_pcp_high(pcp, zone, free_high);
	if (pcp->count >= high) {
		int batch = READ_ONCE(pcp->batch);

		free_pcppages_bulk(zone, nr_pcp_free(pcp, high, batch, free_high), pcp,
				   (int)pindex);
	}
}

/* Free a block of order <= PAGE_ALLOC_COSTLY_ORDER onto this CPU's list (Isolate: to buddy). */
void free_unref_page(struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page), flags;
	struct per_cpu_pages *pcp;
	struct zone *zone;
	int migratetype;

	if (!free_pages_prepare(page, order))
		return;
	migratetype = get_pfnblock_migratetype(page, pfn);
	set_pcppage_migratetype(page, migratetype);
	/* HighAtomic and CMA pages wait on the Movable list; Isolate ones bypass the pcp */
	if (unlikely(migratetype >= MIGRATE_PCPTYPES)) {
		if (unlikely(is_migrate_isolate(migratetype))) {
			free_one_page(page_zone(page), page, pfn, order, migratetype, FPI_NONE);
			return;
		}
		migratetype = MIGRATE_MOVABLE;
	}
	zone = page_zone(page);
	local_irq_save(flags);
	pcp = this_cpu_ptr(zone->per_cpu_pageset);
	spin_lock(&pcp->lock);
	free_unref_page_commit(zone, pcp, page, migratetype, order);
	spin_unlock(&pcp->lock);
	local_irq_restore(flags);
}


/* ---- draining the per-CPU lists --------------------------------------------------------- */

/* Empty cpu's pcp of zone, at most 2^PCP_BATCH_SCALE_MAX batches per lock hold. */
static void drain_pages_zone(unsigned int cpu, struct zone *zone)
{
	struct per_cpu_pages *pcp = per_cpu_ptr(zone->per_cpu_pageset, cpu);
	unsigned long flags;
	int count;

	do {
		spin_lock_irqsave(&pcp->lock, flags);
		count = pcp->count;
		if (count) {
			int to_drain = min(count, pcp->batch << PCP_BATCH_SCALE_MAX);

			free_pcppages_bulk(zone, to_drain, pcp, 0);
			count -= to_drain;
		}
		spin_unlock_irqrestore(&pcp->lock, flags);
	} while (count);
}

/* Empty cpu's pcp of every populated zone. */
static void drain_pages(unsigned int cpu)
{
	struct zone *zone;

	for_each_populated_zone(zone)
		drain_pages_zone(cpu, zone);
}

/* See gfp.h. */
void drain_local_pages(struct zone *zone)
{
	unsigned int cpu = smp_processor_id();

	if (zone)
		drain_pages_zone(cpu, zone);
	else
		drain_pages(cpu);
}

/*
 * See gfp.h. Linux 6.1 drains other CPUs' lists from here, under each pageset's lock (no
 * IPI, no workqueue since 6.0): find the CPUs with pages, then drain them.
 */
void drain_all_pages(struct zone *zone)
{
	unsigned long cpus_with_pcps = 0;
	unsigned int cpu;

	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		struct zone *z;
		bool has_pcps = false;

		if (!cpu_online(cpu))
			continue;
		if (zone) {
			has_pcps = per_cpu_ptr(zone->per_cpu_pageset, cpu)->count != 0;
		} else {
			for_each_populated_zone(z)
				if (per_cpu_ptr(z->per_cpu_pageset, cpu)->count) {
					has_pcps = true;
					break;
				}
		}
		if (has_pcps)
			cpus_with_pcps |= 1UL << cpu;
	}
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		if (!(cpus_with_pcps & (1UL << cpu)))
			continue;
		if (zone)
			drain_pages_zone(cpu, zone);
		else
			drain_pages(cpu);
	}
}


/* Up to count blocks of order onto a pcp list, appended in the order found; how many. */
static int rmqueue_bulk(struct zone *zone, unsigned int order, int count, struct list_head *list,
			int migratetype, unsigned int alloc_flags)
{
	/* LAB7 BEGIN */
	unsigned long flags;
	int i, allocated = 0;

	spin_lock_irqsave(&zone->lock, flags);
	for (i = 0; i < count; ++i) {
		struct page *page = __rmqueue(zone, order, migratetype, alloc_flags);

		if (unlikely(page == NULL))
			break;
		list_add_tail(&page->pcp_list, list);
		allocated++;
		if (is_migrate_cma(get_pcppage_migratetype(page)))
			__mod_zone_page_state(zone, NR_FREE_CMA_PAGES, -(1L << order));
	}
	__mod_zone_page_state(zone, NR_FREE_PAGES, -((long)i << order));
	spin_unlock_irqrestore(&zone->lock, flags);
	return allocated;
	/* LAB7 TODO
	lab_todo(7, "pcp", "rmqueue_bulk");
	// Until it is written, no list is refilled: rmqueue serves such requests from the buddy lists.
	(void)zone;
	(void)order;
	(void)count;
	(void)list;
	(void)migratetype;
	(void)alloc_flags;
	return 0;
	*/
	/* LAB7 END */
}

/* Take the head of list, refilling it with a batch from the buddy lists when empty. */
static struct page *__rmqueue_pcplist(struct zone *zone, unsigned int order, int migratetype,
				      unsigned int alloc_flags, struct per_cpu_pages *pcp,
				      struct list_head *list)
{
	struct page *page;

	do {
		if (list_empty(list)) {
			int batch = READ_ONCE(pcp->batch), alloced;

			/* fewer pages of higher orders, but at least two so the next is quick */
			if (batch > 1)
				batch = max(batch >> order, 2);
			alloced = rmqueue_bulk(zone, order, batch, list, migratetype, alloc_flags);
			pcp->count += alloced << order;
			if (unlikely(list_empty(list)))
				return NULL;
		}
		page = list_first_entry(list, struct page, pcp_list);
		list_del(&page->pcp_list);
		pcp->count -= 1 << order;
		zone_allocated_add(zone, 1L << order);
	} while (check_new_pages(page, order)); /* (Linux: with CONFIG_DEBUG_VM) */
	return page;
}

/* A block of order <= PAGE_ALLOC_COSTLY_ORDER from this CPU's list (IRQs off, pcp lock). */
struct page *rmqueue_pcplist(struct zone *zone, unsigned int order, int migratetype,
			     unsigned int alloc_flags)
{
	struct per_cpu_pages *pcp;
	struct page *page;
	unsigned long flags;

	local_irq_save(flags);
	pcp = this_cpu_ptr(zone->per_cpu_pageset);
	spin_lock(&pcp->lock);
	/* allocating again: the next frees start from one batch */
	pcp->free_factor >>= 1;
	page = __rmqueue_pcplist(zone, order, migratetype, alloc_flags, pcp,
				 &pcp->lists[order_to_pindex(migratetype, order)]);
	spin_unlock(&pcp->lock);
	local_irq_restore(flags);
	return page;
}

