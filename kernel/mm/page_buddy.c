/*
 * page_buddy.c - the buddy allocator proper (Linux 6.1's mm/page_alloc.c, from
 * __free_one_page to __alloc_pages; pimm splits that file: page_alloc.c keeps the set-up,
 * the hand-over counts and the watermarks, page_pcp.c the per-CPU lists).
 *
 * Where it sits in the boot pipeline: memblock_free_all (memblock_free_all.c) fills the free
 * lists through __free_pages_core; from then on alloc_pages / __free_pages serve the kernel.
 *
 *   zone->free_area[order].free_list[migratetype]        order 0..10, 6 migratetypes
 *
 *   alloc_pages(gfp, order)
 *     get_page_from_freelist: each zone of the zonelist up to gfp_zone(gfp)
 *       zone_watermark_fast (low mark; slow path: min, relaxed for GFP_ATOMIC)
 *       rmqueue: order <= 3 -> rmqueue_pcplist (page_pcp.c), else rmqueue_buddy
 *         __rmqueue: [CMA if it is over half the free pages] -> own type -> CMA ->
 *                    __rmqueue_fallback (steal from fallbacks[]) and retry
 *           __rmqueue_smallest -> expand (split, upper halves back on the lists)
 *   __free_pages(page, order)
 *     free_pages_prepare: every page unused, else bad_page and keep the block out
 *     order <= 3 -> free_unref_page (page_pcp.c), else __free_pages_ok
 *       __free_one_page: merge with the free buddy while there is one, then list head/tail
 *
 *   merging pfn 0x104 (order 2) whose buddy 0x100 is free:   [0x100 ....][0x104 ....]
 *                                                             \____ order 3 at 0x100 ___/
 */
#include <string.h>

#include <linux/highmem.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/page-isolation.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <asm/smp.h>
#include <pimm/lab.h>
#include <pimm/mm_stream.h>
#include "internal.h"

/*
 * Where a request of a migratetype looks when its own lists are empty, in order (Linux's
 * fallbacks[]). CMA, HighAtomic and Isolate blocks are never taken this way.
 */
static const int fallbacks[MIGRATE_TYPES][MIGRATE_PCPTYPES] = {
	[MIGRATE_UNMOVABLE] = {MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE, MIGRATE_TYPES},
	[MIGRATE_MOVABLE] = {MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE, MIGRATE_TYPES},
	[MIGRATE_RECLAIMABLE] = {MIGRATE_UNMOVABLE, MIGRATE_MOVABLE, MIGRATE_TYPES},
	[MIGRATE_HIGHATOMIC] = {MIGRATE_TYPES},
	[MIGRATE_CMA] = {MIGRATE_TYPES},
	[MIGRATE_ISOLATE] = {MIGRATE_TYPES},
};

/* ---- free lists ------------------------------------------------------------------------- */

/* Mark page as the head of a free block of this order. */
static inline void set_buddy_order(struct page *page, unsigned int order)
{
	set_page_private(page, order);
	__SetPageBuddy(page);
}

/* Is buddy a free block of exactly this order in page's zone (so the two may merge)? */
static inline bool page_is_buddy(struct page *page, struct page *buddy, unsigned int order)
{
	/* LAB6 BEGIN */
	if (!PageBuddy(buddy))
		return false;
	if (buddy_order(buddy) != order)
		return false;
	if (page_zonenum(page) != page_zonenum(buddy))
		return false;
	VM_BUG_ON_PAGE(page_count(buddy) != 0, buddy);
	return true;
	/* LAB6 TODO
	lab_todo(6, "buddy", "page_is_buddy");
	// Until it is written, no block is ever a free buddy: nothing merges.
	(void)page;
	(void)buddy;
	(void)order;
	return false;
	*/
	/* LAB6 END */
}

/*
 * The buddy of the block at pfn if it is free at this order, else NULL; *buddy_pfn either way.
 * Always inlined: __free_one_page's merge loop calls it once per order (GCC's own choice
 * flips with the size of this file).
 */
static __always_inline struct page *find_buddy_page_pfn(struct page *page, unsigned long pfn,
							unsigned int order,
							unsigned long *buddy_pfn)
{
	/* LAB6 BEGIN */
	unsigned long __buddy_pfn = __find_buddy_pfn(pfn, order);
	struct page *buddy = page + (__buddy_pfn - pfn);

	if (buddy_pfn)
		*buddy_pfn = __buddy_pfn;
	if (page_is_buddy(page, buddy, order))
		return buddy;
	return NULL;
	/* LAB6 TODO
	lab_todo(6, "buddy", "find_buddy_page_pfn");
	// Until it is written, no block has a buddy: nothing merges.
	(void)page;
	(void)order;
	if (buddy_pfn)
		*buddy_pfn = pfn;
	return NULL;
	*/
	/* LAB6 END */
}

static inline void add_to_free_list(struct page *page, struct zone *zone, unsigned int order,
				    int migratetype)
{
	struct free_area *area = &zone->free_area[order];

	list_add(&page->buddy_list, &area->free_list[migratetype]);
	area->nr_free++;
	mm_stream_freelist(MM_STREAM_ADD, zone, page_to_pfn(page), order, migratetype);
}

static inline void add_to_free_list_tail(struct page *page, struct zone *zone, unsigned int order,
					 int migratetype)
{
	struct free_area *area = &zone->free_area[order];

	list_add_tail(&page->buddy_list, &area->free_list[migratetype]);
	area->nr_free++;
	mm_stream_freelist(MM_STREAM_ADD, zone, page_to_pfn(page), order, migratetype);
}

/* Move a free block to the tail of another migratetype's list (same order). */
static inline void move_to_free_list(struct page *page, struct zone *zone, unsigned int order,
				     int migratetype)
{
	list_move_tail(&page->buddy_list, &zone->free_area[order].free_list[migratetype]);
	mm_stream_freelist(MM_STREAM_MOVE, zone, page_to_pfn(page), order, migratetype);
}

static inline void del_page_from_free_list(struct page *page, struct zone *zone,
					   unsigned int order)
{
	list_del(&page->buddy_list);
	__ClearPageBuddy(page);
	set_page_private(page, 0);
	zone->free_area[order].nr_free--;
	mm_stream_freelist(MM_STREAM_DEL, zone, page_to_pfn(page), order, -1);
}

static inline struct page *get_page_from_free_area(struct free_area *area, int migratetype)
{
	return list_first_entry_or_null(&area->free_list[migratetype], struct page, buddy_list);
}

/*
 * Will the block at pfn (order, just merged as far as it goes) soon merge further? True if
 * the block one order up, made of it and its buddy at buddy_pfn, has a free buddy itself: then
 * queue it at the tail, so it stays free longer and the merge happens.
 */
static inline bool buddy_merge_likely(unsigned long pfn, unsigned long buddy_pfn,
				      struct page *page, unsigned int order)
{
	/* LAB6 BEGIN */
	unsigned long higher_page_pfn;
	struct page *higher_page;

	if (order >= MAX_ORDER - 2)
		return false;
	higher_page_pfn = buddy_pfn & pfn;
	higher_page = page + (higher_page_pfn - pfn);
	return find_buddy_page_pfn(higher_page, higher_page_pfn, order + 1, NULL) != NULL;
	/* LAB6 TODO
	lab_todo(6, "buddy", "buddy_merge_likely");
	// Until it is written, every freed block goes to the head of its list.
	(void)pfn;
	(void)buddy_pfn;
	(void)page;
	(void)order;
	return false;
	*/
	/* LAB6 END */
}

/*
 * Free the 2^order block at pfn onto zone's lists of migratetype, merging it with its free
 * buddy while there is one (Linux's __free_one_page; caller holds zone->lock).
 *
 *   order 0:  [P][B]          P freed, buddy B = pfn ^ 1 free at order 0 -> merge
 *   order 1:  [P  B][C  D]    buddy = pfn ^ 2 free at order 1            -> merge
 *   order 2:  [P  B  C  D]    ... until no free buddy, or order 10
 */
void __free_one_page(struct page *page, unsigned long pfn, struct zone *zone, unsigned int order,
		     int migratetype, fpi_t fpi_flags)
{
	unsigned long buddy_pfn = 0, combined_pfn;
	struct page *buddy;
	bool to_tail;

	VM_BUG_ON_PAGE(page->flags & PAGE_FLAGS_CHECK_AT_PREP, page);
	VM_BUG_ON(migratetype == -1);
	if (likely(!is_migrate_isolate(migratetype)))
		__mod_zone_freepage_state(zone, 1L << order, migratetype);
	VM_BUG_ON_PAGE(pfn & ((1UL << order) - 1), page);
	VM_BUG_ON_PAGE(!zone_spans_pfn(zone, pfn), page);
	mm_stream_set_ctx(MM_STREAM_CTX_FREE); /* its deletions are merges */

	/* LAB6 BEGIN */
	while (order < MAX_ORDER - 1) {
		buddy = find_buddy_page_pfn(page, pfn, order, &buddy_pfn);
		if (!buddy)
			break;
		if (unlikely(order >= pageblock_order)) {
			/* an isolated or CMA pageblock must not merge with a block of another type */
			int buddy_mt = get_pageblock_migratetype(buddy);

			if (migratetype != buddy_mt && (!migratetype_is_mergeable(migratetype) ||
							!migratetype_is_mergeable(buddy_mt)))
				break;
		}
		del_page_from_free_list(buddy, zone, order);
		combined_pfn = buddy_pfn & pfn;
		page = page + (combined_pfn - pfn);
		pfn = combined_pfn;
		order++;
	}
	/* LAB6 TODO
	lab_todo(6, "buddy", "__free_one_page");
	// Until it is written, a freed block stays at its order, unmerged.
	(void)buddy;
	(void)combined_pfn;
	buddy_pfn = pfn;
	*/
	/* LAB6 END */
	set_buddy_order(page, order);
	if (fpi_flags & FPI_TO_TAIL)
		to_tail = true;
	else
		to_tail = buddy_merge_likely(pfn, buddy_pfn, page, order);
	if (to_tail)
		add_to_free_list_tail(page, zone, order, migratetype);
	else
		add_to_free_list(page, zone, order, migratetype);
	mm_stream_set_ctx(MM_STREAM_CTX_NONE);
}

/* ---- bad pages -------------------------------------------------------------------------- */

/*
 * Linux's report of a page in the wrong state, then dump_page. The page is left out of the
 * lists (leaked). Linux also clears PageBuddy here; pimm keeps it when the page is a free block
 * that is still listed (a double free of a buddy head), so the lists stay consistent. (No
 * taint, module list or stack dump: pimm has none of these; no rate limit.)
 */
static void bad_page(struct page *page, const char *reason)
{
	pr_alert("BUG: Bad page state in process swapper/%u  pfn:%05lx\n", smp_processor_id(),
		 page_to_pfn(page));
	dump_page(page, reason);
	if (!PageBuddy(page))
		page_mapcount_reset(page);
}

/* Why page is not as expected (flags: PAGE_FLAGS_CHECK_AT_FREE or _PREP); the last reason wins. */
static const char *page_bad_reason(const struct page *page, unsigned long flags)
{
	const char *bad_reason = NULL;

	if (unlikely(page->_mapcount.counter != -1))
		bad_reason = "nonzero mapcount";
	if (unlikely(page->mapping != NULL))
		bad_reason = "non-NULL mapping";
	if (unlikely(page_ref_count(page) != 0))
		bad_reason = "nonzero _refcount";
	if (unlikely(page->flags & flags)) {
		if (flags == PAGE_FLAGS_CHECK_AT_PREP)
			bad_reason = "PAGE_FLAGS_CHECK_AT_PREP flag(s) set";
		else
			bad_reason = "PAGE_FLAGS_CHECK_AT_FREE flag(s) set";
	}
	return bad_reason;
}

/* Unmapped, no mapping, refcount 0, none of check_flags: a page that may be freed. */
static inline bool page_expected_state(const struct page *page, unsigned long check_flags)
{
	if (unlikely(page->_mapcount.counter != -1))
		return false;
	if (unlikely((unsigned long)page->mapping | (unsigned long)page_ref_count(page) |
		     (page->flags & check_flags)))
		return false;
	return true;
}

/* Report page if it may not be freed. */
static bool free_page_is_bad(struct page *page)
{
	if (likely(page_expected_state(page, PAGE_FLAGS_CHECK_AT_FREE)))
		return false;
	bad_page(page, page_bad_reason(page, PAGE_FLAGS_CHECK_AT_FREE));
	return true;
}

/*
 * Check every page of the block before it goes back (each must look unused: a wrong order
 * reaches a free block or another allocation and is caught); clear their flags. False: bad,
 * keep the whole block out of the lists.
 */
bool free_pages_prepare(struct page *page, unsigned int order)
{
	unsigned int i;
	int bad = 0;

	for (i = 1; i < (1U << order); i++) {
		if (unlikely(free_page_is_bad(page + i))) {
			bad++;
			continue;
		}
		(page + i)->flags &= ~PAGE_FLAGS_CHECK_AT_PREP;
	}
	if (free_page_is_bad(page))
		bad++;
	if (bad)
		return false;
	page->flags &= ~PAGE_FLAGS_CHECK_AT_PREP;
	return true;
}

/* Report page if it may not be handed out (Linux's check_new_page). */
static bool check_new_page(struct page *page)
{
	if (likely(page_expected_state(page, PAGE_FLAGS_CHECK_AT_PREP)))
		return false;
	bad_page(page, page_bad_reason(page, PAGE_FLAGS_CHECK_AT_PREP));
	return true;
}

/* See internal.h. */
bool check_new_pages(struct page *page, unsigned int order)
{
	for (unsigned int i = 0; i < (1U << order); i++)
		if (unlikely(check_new_page(page + i)))
			return true;
	return false;
}

/* ---- freeing ---------------------------------------------------------------------------- */

/*
 * __free_one_page under the zone lock. The caller read migratetype without the lock; if any
 * pageblock of the zone is isolated (or the type read was Isolate) it is read again under the
 * lock, so a block freed into a pageblock isolated meanwhile lands on the Isolate list and
 * out of NR_FREE_PAGES (Linux's free_one_page: has_isolate_pageblock || is_migrate_isolate).
 */
void free_one_page(struct zone *zone, struct page *page, unsigned long pfn, unsigned int order,
		   int migratetype, fpi_t fpi_flags)
{
	unsigned long flags;

	spin_lock_irqsave(&zone->lock, flags);
	zone_allocated_add(zone, -(1L << order)); /* under the lock: mm-check sees it whole */
	if (unlikely(has_isolate_pageblock(zone) || is_migrate_isolate(migratetype)))
		migratetype = get_pfnblock_migratetype(page, pfn);
	__free_one_page(page, pfn, zone, order, migratetype, fpi_flags);
	spin_unlock_irqrestore(&zone->lock, flags);
}

/* Free a block straight to the buddy lists (orders above PAGE_ALLOC_COSTLY_ORDER, boot). */
void __free_pages_ok(struct page *page, unsigned int order, fpi_t fpi_flags)
{
	unsigned long pfn = page_to_pfn(page);

	if (!free_pages_prepare(page, order))
		return;
	free_one_page(page_zone(page), page, pfn, order, get_pfnblock_migratetype(page, pfn),
		      fpi_flags);
}

/* Free a block whose last reference is gone: small orders via the pcp, others directly. */
static inline void free_the_page(struct page *page, unsigned int order)
{
	if (pcp_allowed_order(order))
		free_unref_page(page, order);
	else
		__free_pages_ok(page, order, FPI_NONE);
}

/* See gfp.h. Someone else still holding the head keeps only it; the rest is freed now. */
void __free_pages(struct page *page, unsigned int order)
{
	bool head = PageHead(page);

	/* Linux's CONFIG_DEBUG_VM check in put_page_testzero, reported as a bad page */
	if (unlikely(page_ref_count(page) <= 0)) {
		bad_page(page, "VM_BUG_ON_PAGE(page_ref_count(page) == 0)");
		return;
	}
	if (put_page_testzero(page))
		free_the_page(page, order);
	else if (!head)
		while (order-- > 0)
			free_the_page(page + (1U << order), order);
}

/* See gfp.h. */
void free_pages(unsigned long addr, unsigned int order)
{
	if (addr != 0)
		__free_pages(virt_to_page((void *)addr), order);
}

/* ---- taking blocks off the free lists --------------------------------------------------- */

/*
 * See internal.h (Linux's __isolate_free_page, for alloc_contig_range's
 * isolate_freepages_range): a free block leaves its list; its pages stop counting as free
 * unless its pageblock is isolated (then they already did). zone->lock held.
 */
unsigned long __isolate_free_page(struct page *page, unsigned int order)
{
	struct zone *zone = page_zone(page);
	int mt = get_pageblock_migratetype(page);

	if (!is_migrate_isolate(mt))
		__mod_zone_freepage_state(zone, -(1L << order), mt);
	mm_stream_set_ctx(MM_STREAM_CTX_ISOLATE);
	del_page_from_free_list(page, zone, order);
	mm_stream_set_ctx(MM_STREAM_CTX_NONE);
	zone_allocated_add(zone, 1L << order);
	return 1UL << order;
}

/*
 * Split a 2^high block down to 2^low: each time the upper half goes to the head of the
 * free list one order below; the caller keeps the lowest part.
 *
 *   high 3:  [ kept 2^low | buddy 2^low | buddy 2^(low+1) ... | buddy 2^(high-1)       ]
 */
static inline void expand(struct zone *zone, struct page *page, unsigned int low,
			  unsigned int high, int migratetype)
{
	/* LAB6 BEGIN */
	unsigned long size = 1UL << high;

	while (high > low) {
		high--;
		size >>= 1;
		VM_BUG_ON_PAGE(!zone_spans_pfn(zone, page_to_pfn(&page[size])), &page[size]);
		add_to_free_list(&page[size], zone, high, migratetype);
		set_buddy_order(&page[size], high);
	}
	/* LAB6 TODO
	lab_todo(6, "buddy", "expand");
	// Until it is written, the rest of the block goes back in pieces of the order asked for
	// (nothing is lost, but the big block is gone until freeing merges it again).
	for (unsigned long off = 1UL << low; off < (1UL << high); off += 1UL << low) {
		add_to_free_list(&page[off], zone, low, migratetype);
		set_buddy_order(&page[off], low);
	}
	*/
	/* LAB6 END */
}

/* The first block of the smallest order >= order on migratetype's lists, split to order. */
static struct page *__rmqueue_smallest(struct zone *zone, unsigned int order, int migratetype)
{
	unsigned int current_order;
	struct free_area *area;
	struct page *page;

	for (current_order = order; current_order < MAX_ORDER; ++current_order) {
		area = &zone->free_area[current_order];
		page = get_page_from_free_area(area, migratetype);
		if (!page)
			continue;
		mm_stream_set_ctx(MM_STREAM_CTX_ALLOC); /* its additions are splits */
		del_page_from_free_list(page, zone, current_order);
		expand(zone, page, order, current_order, migratetype);
		mm_stream_set_ctx(MM_STREAM_CTX_NONE);
		set_pcppage_migratetype(page, migratetype);
		return page;
	}
	return NULL;
}

static inline struct page *__rmqueue_cma_fallback(struct zone *zone, unsigned int order)
{
	return __rmqueue_smallest(zone, order, MIGRATE_CMA);
}

/*
 * Move every free block in [start_pfn, end_pfn] to migratetype's lists; count the pages
 * moved, and in *num_movable the in-use pages that could migrate (LRU: none in pimm yet).
 */
static int move_freepages(struct zone *zone, unsigned long start_pfn, unsigned long end_pfn,
			  int migratetype, int *num_movable)
{
	unsigned long pfn;
	unsigned int order;
	int pages_moved = 0;

	for (pfn = start_pfn; pfn <= end_pfn;) {
		struct page *page = pfn_to_page(pfn);

		if (!PageBuddy(page)) {
			if (num_movable && PageLRU(page))
				(*num_movable)++;
			pfn++;
			continue;
		}
		VM_BUG_ON_PAGE(page_zone(page) != zone, page);
		order = buddy_order(page);
		move_to_free_list(page, zone, order, migratetype);
		pfn += 1UL << order;
		pages_moved += 1 << order;
	}
	return pages_moved;
}

/* See internal.h: move_freepages over page's pageblock (0 if it sticks out of the zone). */
int move_freepages_block(struct zone *zone, struct page *page, int migratetype, int *num_movable)
{
	unsigned long start_pfn, end_pfn, pfn;

	if (num_movable)
		*num_movable = 0;
	pfn = page_to_pfn(page);
	start_pfn = pfn & ~(pageblock_nr_pages - 1);
	end_pfn = start_pfn + pageblock_nr_pages - 1;
	if (!zone_spans_pfn(zone, start_pfn))
		start_pfn = pfn;
	if (!zone_spans_pfn(zone, end_pfn))
		return 0;
	return move_freepages(zone, start_pfn, end_pfn, migratetype, num_movable);
}

/* Every pageblock of a block of start_order >= pageblock_order becomes migratetype. */
static void change_pageblock_range(struct page *pageblock_page, unsigned int start_order,
				   int migratetype)
{
	int nr_pageblocks = 1 << (start_order - pageblock_order);

	while (nr_pageblocks--) {
		set_pageblock_migratetype(pageblock_page, migratetype);
		pageblock_page += pageblock_nr_pages;
	}
}

/*
 * May a request of start_mt take a whole pageblock of another type when it finds a free
 * block of this order there? Big blocks, unmovable/reclaimable requests, or grouping off.
 */
static bool can_steal_fallback(unsigned int order, int start_mt)
{
	if (order >= pageblock_order)
		return true;
	if (order >= pageblock_order / 2 || start_mt == MIGRATE_RECLAIMABLE ||
	    start_mt == MIGRATE_UNMOVABLE || page_group_by_mobility_disabled)
		return true;
	return false;
}

/* A fallback raises the zone's watermarks by a pageblock (up to 1.5 x high) for kswapd. */
static bool boost_watermark(struct zone *zone)
{
	unsigned long max_boost;

	if (!watermark_boost_factor)
		return false;
	/* not for tiny zones, where a boost would be most of the zone */
	if (pageblock_nr_pages * 4 > zone_managed_pages(zone))
		return false;
	max_boost = zone->_watermark[WMARK_HIGH] * (unsigned long)watermark_boost_factor / 10000;
	if (!max_boost)
		return false;
	max_boost = max(pageblock_nr_pages, max_boost);
	zone->watermark_boost = min(zone->watermark_boost + pageblock_nr_pages, max_boost);
	return true;
}

/*
 * A request of start_type found a free block on another type's list: take over the whole
 * pageblock (all its free pages move; the block changes type if at least half of it is free
 * or compatible), or failing that move just this block to start_type's list.
 */
static void steal_suitable_fallback(struct zone *zone, struct page *page,
				    unsigned int alloc_flags, int start_type, bool whole_block)
{
	unsigned int current_order = buddy_order(page);
	int free_pages, movable_pages, alike_pages;
	int old_block_type = get_pageblock_migratetype(page);

	/* HighAtomic reserves are never claimed */
	if (is_migrate_highatomic(old_block_type))
		goto single_page;
	/* a block of whole pageblocks: they all change type */
	if (current_order >= pageblock_order) {
		change_pageblock_range(page, current_order, start_type);
		goto single_page;
	}
	if (boost_watermark(zone) && (alloc_flags & ALLOC_KSWAPD))
		zone->flags |= 1UL << ZONE_BOOSTED_WATERMARK;
	if (!whole_block)
		goto single_page;

	free_pages = move_freepages_block(zone, page, start_type, &movable_pages);
	if (!free_pages) /* the pageblock crosses the zone's edge */
		goto single_page;
	if (start_type == MIGRATE_MOVABLE)
		alike_pages = movable_pages;
	else if (old_block_type == MIGRATE_MOVABLE)
		alike_pages = (int)pageblock_nr_pages - (free_pages + movable_pages);
	else
		alike_pages = 0;
	if (free_pages + alike_pages >= (1 << (pageblock_order - 1)) ||
	    page_group_by_mobility_disabled)
		set_pageblock_migratetype(page, start_type);
	return;

single_page:
	move_to_free_list(page, zone, current_order, start_type);
}

/* See internal.h. */
int find_suitable_fallback(struct free_area *area, unsigned int order, int migratetype,
			   bool only_stealable, bool *can_steal)
{
	int i, fallback_mt;

	*can_steal = false;
	if (area->nr_free == 0)
		return -1;
	for (i = 0;; i++) {
		fallback_mt = fallbacks[migratetype][i];
		if (fallback_mt == MIGRATE_TYPES)
			break;
		if (free_area_empty(area, fallback_mt))
			continue;
		if (can_steal_fallback(order, migratetype))
			*can_steal = true;
		if (!only_stealable)
			return fallback_mt;
		if (*can_steal)
			return fallback_mt;
	}
	return -1;
}

/*
 * Nothing on start_migratetype's lists: take from a fallback type, the largest block first
 * (so one steal brings a whole pageblock over), except that a movable request that may not
 * steal takes the smallest block that fits. True if a block moved to start_migratetype.
 */
static bool __rmqueue_fallback(struct zone *zone, int order, int start_migratetype,
			       unsigned int alloc_flags)
{
	int min_order = order, current_order, fallback_mt;
	struct free_area *area;
	struct page *page;
	bool can_steal;

	if (order < pageblock_order && (alloc_flags & ALLOC_NOFRAGMENT))
		min_order = pageblock_order;
	for (current_order = MAX_ORDER - 1; current_order >= min_order; --current_order) {
		area = &zone->free_area[current_order];
		fallback_mt = find_suitable_fallback(area, (unsigned int)current_order,
						     start_migratetype, false, &can_steal);
		if (fallback_mt == -1)
			continue;
		if (!can_steal && start_migratetype == MIGRATE_MOVABLE && current_order > order)
			goto find_smallest;
		goto do_steal;
	}
	return false;

find_smallest:
	for (current_order = order; current_order < MAX_ORDER; current_order++) {
		area = &zone->free_area[current_order];
		fallback_mt = find_suitable_fallback(area, (unsigned int)current_order,
						     start_migratetype, false, &can_steal);
		if (fallback_mt != -1)
			break;
	}
	VM_BUG_ON(current_order == MAX_ORDER);

do_steal:
	page = get_page_from_free_area(area, fallback_mt);
	steal_suitable_fallback(zone, page, alloc_flags, start_migratetype, can_steal);
	return true;
}

/*
 * One block for migratetype (zone->lock held): CMA first if a movable request finds more
 * than half the zone's free pages in CMA; else its own lists, then CMA, then a fallback.
 */
struct page *__rmqueue(struct zone *zone, unsigned int order, int migratetype,
		       unsigned int alloc_flags)
{
	struct page *page;

	if ((alloc_flags & ALLOC_CMA) &&
	    ((alloc_flags & ALLOC_CMA_FIRST) ||
	     zone_page_state(zone, NR_FREE_CMA_PAGES) > zone_page_state(zone, NR_FREE_PAGES) / 2)) {
		page = __rmqueue_cma_fallback(zone, order);
		if (page)
			return page;
	}
retry:
	page = __rmqueue_smallest(zone, order, migratetype);
	if (unlikely(!page)) {
		if (alloc_flags & ALLOC_CMA)
			page = __rmqueue_cma_fallback(zone, order);
		if (!page && __rmqueue_fallback(zone, (int)order, migratetype, alloc_flags))
			goto retry;
	}
	return page;
}

/* A block from the buddy lists directly (large orders; movable requests that may not use CMA). */
static struct page *rmqueue_buddy(struct zone *zone, unsigned int order, unsigned int alloc_flags,
				  int migratetype)
{
	struct page *page;
	unsigned long flags;

	do {
		page = NULL;
		spin_lock_irqsave(&zone->lock, flags);
		if (order > 0 && (alloc_flags & ALLOC_HARDER))
			page = __rmqueue_smallest(zone, order, MIGRATE_HIGHATOMIC);
		if (!page)
			page = __rmqueue(zone, order, migratetype, alloc_flags);
		if (!page) {
			spin_unlock_irqrestore(&zone->lock, flags);
			return NULL;
		}
		__mod_zone_freepage_state(zone, -(1L << order), get_pcppage_migratetype(page));
		zone_allocated_add(zone, 1L << order);
		spin_unlock_irqrestore(&zone->lock, flags);
	} while (check_new_pages(page, order)); /* a bad block stays out (leaked), try again */
	return page;
}

/*
 * Linux's kswapd reclaims until the boosted high watermark is met, then drops the boost.
 * pimm has nothing to reclaim and no kswapd: it drops the boost at once, so a steal does not
 * leave the watermarks raised forever.
 */
static void wakeup_kswapd(struct zone *zone)
{
	unsigned long flags;

	spin_lock_irqsave(&zone->lock, flags);
	zone->watermark_boost = 0;
	spin_unlock_irqrestore(&zone->lock, flags);
}

/*
 * One block from zone. The pcp lists hold any movable page, CMA ones included, so a movable
 * request without ALLOC_CMA bypasses them.
 */
static struct page *rmqueue(struct zone *zone, unsigned int order, unsigned int alloc_flags,
			    int migratetype)
{
	struct page *page = NULL;

	if (likely(pcp_allowed_order(order)) && !(alloc_flags & ALLOC_CMA_FIRST) &&
	    ((alloc_flags & ALLOC_CMA) || migratetype != MIGRATE_MOVABLE))
		page = rmqueue_pcplist(zone, order, migratetype, alloc_flags);
	if (!page)
		page = rmqueue_buddy(zone, order, alloc_flags, migratetype);
	/* a fallback boosted the watermarks: wake kswapd */
	if (unlikely(zone->flags & (1UL << ZONE_BOOSTED_WATERMARK))) {
		zone->flags &= ~(1UL << ZONE_BOOSTED_WATERMARK);
		wakeup_kswapd(zone);
	}
	return page;
}

/* ---- watermarks ------------------------------------------------------------------------- */

/* Free pages this request may not count: the rest of the block, HighAtomic and CMA reserves. */
static inline long __zone_watermark_unusable_free(struct zone *z, unsigned int order,
						  unsigned int alloc_flags)
{
	bool alloc_harder = alloc_flags & (ALLOC_HARDER | ALLOC_OOM);
	long unusable_free = (1L << order) - 1;

	if (likely(!alloc_harder))
		unusable_free += (long)z->nr_reserved_highatomic;
	if (!(alloc_flags & ALLOC_CMA))
		unusable_free += (long)zone_page_state(z, NR_FREE_CMA_PAGES);
	return unusable_free;
}

/* See internal.h. */
bool __zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
			 int highest_zoneidx, unsigned int alloc_flags, long free_pages)
{
	bool alloc_harder = alloc_flags & (ALLOC_HARDER | ALLOC_OOM);
	long min = (long)mark;
	unsigned int o;

	free_pages -= __zone_watermark_unusable_free(z, order, alloc_flags);
	if (alloc_flags & ALLOC_HIGH)
		min -= min / 2;
	if (unlikely(alloc_harder))
		min -= (alloc_flags & ALLOC_OOM) ? min / 2 : min / 4;
	if (free_pages <= min + z->lowmem_reserve[highest_zoneidx])
		return false;
	if (!order)
		return true;
	/* enough pages; is one of them a block of the order, on a list this request may use? */
	for (o = order; o < MAX_ORDER; o++) {
		struct free_area *area = &z->free_area[o];
		int mt;

		if (!area->nr_free)
			continue;
		for (mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			if (!free_area_empty(area, mt))
				return true;
		if ((alloc_flags & ALLOC_CMA) && !free_area_empty(area, MIGRATE_CMA))
			return true;
		if (alloc_harder && !free_area_empty(area, MIGRATE_HIGHATOMIC))
			return true;
	}
	return false;
}

/* See mmzone.h. */
bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
		       int highest_zoneidx, unsigned int alloc_flags)
{
	return __zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags,
				   (long)zone_page_state(z, NR_FREE_PAGES));
}

/* __zone_watermark_ok with a quick answer for order 0 (and GFP_ATOMIC ignoring a boost). */
static bool zone_watermark_fast(struct zone *z, unsigned int order, unsigned long mark,
				int highest_zoneidx, unsigned int alloc_flags, gfp_t gfp_mask)
{
	long free_pages = (long)zone_page_state(z, NR_FREE_PAGES);

	if (!order) {
		long usable_free = free_pages;
		long reserved = __zone_watermark_unusable_free(z, 0, alloc_flags);

		usable_free -= min(usable_free, reserved);
		if (usable_free > (long)mark + z->lowmem_reserve[highest_zoneidx])
			return true;
	}
	if (__zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags, free_pages))
		return true;
	if (unlikely(!order && (gfp_mask & __GFP_ATOMIC) && z->watermark_boost &&
		     (alloc_flags & ALLOC_WMARK_MASK) == WMARK_MIN)) {
		mark = z->_watermark[WMARK_MIN];
		return __zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags,
					   free_pages);
	}
	return false;
}

/* ---- allocation ------------------------------------------------------------------------- */

/* A block leaves the allocator: one reference on its head, zeroed if asked. */
static void prep_new_page(struct page *page, unsigned int order, gfp_t gfp_flags)
{
	unsigned int i;

	set_page_private(page, 0);
	set_page_refcounted(page);
	if (gfp_flags & __GFP_ZERO)
		for (i = 0; i < (1U << order); i++)
			clear_highpage(page + i); /* HighMem through kmap_local_page */
}

/* What an allocation may use, and where it starts (Linux's struct alloc_context). */
struct alloc_context {
	struct zonelist *zonelist;
	int migratetype;
	enum zone_type highest_zoneidx;
};

/* Movable requests may use CMA pageblocks. */
static inline unsigned int gfp_to_alloc_flags_cma(gfp_t gfp_mask, unsigned int alloc_flags)
{
	if (gfp_migratetype(gfp_mask) == MIGRATE_MOVABLE)
		alloc_flags |= ALLOC_CMA;
	if ((gfp_mask & __GFP_CMA_FIRST) && (alloc_flags & ALLOC_CMA))
		alloc_flags |= ALLOC_CMA_FIRST; /* pimm: the shell's `alloc ... movable cma` */
	return alloc_flags;
}

/*
 * Walk the zonelist (highest allowed zone first): the first zone whose watermark allows the
 * request and that has a block gives it.
 */
static struct page *get_page_from_freelist(gfp_t gfp_mask, unsigned int order,
					   unsigned int alloc_flags, const struct alloc_context *ac)
{
	struct zoneref *z;
	struct zone *zone;

	for_each_zone_zonelist(zone, z, ac->zonelist, ac->highest_zoneidx) {
		struct page *page;
		unsigned long mark;

		if (!managed_zone(zone))
			continue;
		mark = wmark_pages(zone, alloc_flags & ALLOC_WMARK_MASK);
		if (!(alloc_flags & ALLOC_NO_WATERMARKS) &&
		    !zone_watermark_fast(zone, order, mark, (int)ac->highest_zoneidx, alloc_flags,
					 gfp_mask))
			continue;
		page = rmqueue(zone, order, alloc_flags, ac->migratetype);
		if (page) {
			prep_new_page(page, order, gfp_mask);
			return page;
		}
	}
	return NULL;
}

/* The slow path's flags: the min watermark, relaxed for __GFP_HIGH and GFP_ATOMIC. */
static unsigned int gfp_to_alloc_flags(gfp_t gfp_mask)
{
	unsigned int alloc_flags = ALLOC_WMARK_MIN | ALLOC_CPUSET;

	BUILD_BUG_ON(__GFP_HIGH != ALLOC_HIGH);
	alloc_flags |= gfp_mask & __GFP_HIGH;
	alloc_flags |= gfp_mask & __GFP_KSWAPD_RECLAIM; /* == ALLOC_KSWAPD */
	if (gfp_mask & __GFP_ATOMIC) {
		if (!(gfp_mask & __GFP_NOMEMALLOC))
			alloc_flags |= ALLOC_HARDER;
		alloc_flags &= ~ALLOC_CPUSET;
	}
	return gfp_to_alloc_flags_cma(gfp_mask, alloc_flags);
}

/*
 * pimm's slow path: Linux wakes kswapd, retries at the min watermark, then reclaims and
 * compacts. pimm retries at the min watermark, and (if it may sleep) drains every CPU's pcp
 * as Linux does after direct reclaim, and retries once more; then it fails.
 */
static struct page *__alloc_pages_slowpath(gfp_t gfp_mask, unsigned int order,
					   const struct alloc_context *ac)
{
	unsigned int alloc_flags = gfp_to_alloc_flags(gfp_mask);
	struct page *page;

	page = get_page_from_freelist(gfp_mask, order, alloc_flags, ac);
	if (page)
		return page;
	if (gfp_mask & __GFP_DIRECT_RECLAIM) {
		drain_all_pages(NULL);
		page = get_page_from_freelist(gfp_mask, order, alloc_flags, ac);
		if (page)
			return page;
	}
	if (!(gfp_mask & __GFP_NOWARN))
		pr_warn("swapper/%u: page allocation failure: order:%u, mode:%#x, nodemask=(null)\n",
			smp_processor_id(), order, gfp_mask);
	return NULL;
}

/* See gfp.h. Fast path at the low watermark, then the slow path. */
struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	unsigned int alloc_flags = ALLOC_WMARK_LOW;
	struct alloc_context ac;
	struct page *page;

	if (order >= MAX_ORDER) {
		WARN_ON_ONCE(!(gfp & __GFP_NOWARN));
		return NULL;
	}
	ac.highest_zoneidx = gfp_zone(gfp);
	ac.zonelist = node_zonelist(0, gfp);
	ac.migratetype = gfp_migratetype(gfp);
	alloc_flags = gfp_to_alloc_flags_cma(gfp, alloc_flags);
	alloc_flags |= gfp & __GFP_KSWAPD_RECLAIM; /* alloc_flags_nofragment: ALLOC_KSWAPD */
	page = get_page_from_freelist(gfp, order, alloc_flags, &ac);
	if (likely(page))
		return page;
	return __alloc_pages_slowpath(gfp, order, &ac);
}

/* See gfp.h. */
unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp & ~__GFP_HIGHMEM, order);

	return page ? (unsigned long)page_address(page) : 0;
}

/* See gfp.h. */
unsigned long get_zeroed_page(gfp_t gfp)
{
	return __get_free_pages(gfp | __GFP_ZERO, 0);
}
