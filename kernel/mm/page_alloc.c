/*
 * page_alloc.c - the zoned page allocator's set-up: pageblock migratetype bits, zonelists and
 * per-CPU pagesets (Linux 6.1's mm/page_alloc.c; LINUX-FACTS 8.5-8.6, 10). The buddy
 * allocator itself (__free_one_page, rmqueue...) joins this file in a later stage.
 *
 * Where it sits in the boot pipeline:
 *
 *   free_area_init (mm_init.c) -> zone_pcp_init: every zone points at the boot pageset
 *                              -> set_pageblock_migratetype: MIGRATE_MOVABLE everywhere
 *   start_kernel
 *     setup_per_cpu_areas, smp_prepare_boot_cpu
 *     build_all_zonelists(NULL)
 *       build_all_zonelists_init
 *         __build_all_zonelists -> build_zonelists: populated zones, highest first
 *         boot_pageset of every CPU: high 0, batch 1 (pages pass straight through)
 *       "Built 1 zonelists, mobility grouping on.  Total pages: N"
 *     ... init_IRQ, time_init ...
 *     setup_per_cpu_pageset: each populated zone gets alloc_percpu pagesets,
 *                            batch = zone_batchsize, high = zone_highsize
 *
 *   node_zonelists[ZONELIST_FALLBACK]._zonerefs (3G split):
 *     [ {HighMem, 1} | {Normal, 0} | {NULL, 0} ]
 *   an allocation with gfp_zone(gfp) = Z walks the entries with zone_idx <= Z, in order.
 *
 *   zone->per_cpu_pageset --per_cpu_ptr(., cpu)--> struct per_cpu_pages
 *     count | high | batch | lists[12]: pindex = order * MIGRATE_PCPTYPES + migratetype
 */
#include <string.h>

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <asm/smp.h>
#include "internal.h"

int page_group_by_mobility_disabled;

const char *const migratetype_names[MIGRATE_TYPES] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate",
};

#define __MM_STAT_NAME(e, name) name,
const char *const zone_stat_names[NR_VM_ZONE_STAT_ITEMS] = {ZONE_STAT_ITEMS(__MM_STAT_NAME)};
const char *const node_stat_names[NR_VM_NODE_STAT_ITEMS] = {NODE_STAT_ITEMS(__MM_STAT_NAME)};
#undef __MM_STAT_NAME

static const char *const pageflag_names[__NR_PAGEFLAGS] = {
	"locked", "referenced", "uptodate", "dirty", "lru", "active", "workingset", "waiters",
	"error", "slab", "owner_priv_1", "arch_1", "reserved", "private", "private_2",
	"writeback", "head", "mappedtodisk", "reclaim", "swapbacked", "unevictable", "mlocked",
};

/* See page-flags.h. */
const char *pageflag_name(unsigned int bit)
{
	return bit < __NR_PAGEFLAGS ? pageflag_names[bit] : NULL;
}

/* The boot pageset every zone uses until setup_per_cpu_pageset (one per CPU). */
static DEFINE_PER_CPU(struct per_cpu_pages, boot_pageset);

/* ---- pfn_valid and the pageblock bitmap ------------------------------------------------- */

/*
 * ARM's pfn_valid (Linux: arch/arm/mm/init.c): a pfn has a struct page if its pageblock
 * overlaps memory (the memmap is only ever trimmed to pageblock boundaries); pimm also
 * requires it to lie inside node 0's mem_map.
 */
int pfn_valid(unsigned long pfn)
{
	pg_data_t *pgdat = NODE_DATA(0);
	phys_addr_t block = (phys_addr_t)ALIGN_DOWN(pfn, pageblock_nr_pages) << PAGE_SHIFT;
	struct memblock_region *r;

	if (!mem_map || pfn < pgdat->node_start_pfn || pfn >= pgdat_end_pfn(pgdat))
		return 0;
	for_each_mem_region(r)
		if (r->size && block < r->base + r->size &&
		    r->base < block + pageblock_nr_pages * PAGE_SIZE)
			return 1;
	return 0;
}

/* Bit index of pfn's pageblock in its zone's bitmap. */
static unsigned long pfn_to_bitidx(const struct zone *zone, unsigned long pfn)
{
	pfn -= ALIGN_DOWN(zone->zone_start_pfn, pageblock_nr_pages);
	return (pfn >> pageblock_order) * NR_PAGEBLOCK_BITS;
}

/* See pageblock-flags.h. */
unsigned long get_pfnblock_flags_mask(const struct page *page, unsigned long pfn,
				      unsigned long mask)
{
	const struct zone *zone = page_zone(page);
	unsigned long bitidx = pfn_to_bitidx(zone, pfn);
	unsigned long word = zone->pageblock_flags[bitidx / (8 * sizeof(unsigned long))];

	return (word >> (bitidx % (8 * sizeof(unsigned long)))) & mask;
}

/* See pageblock-flags.h. A block's 4 bits never straddle two words. */
void set_pfnblock_flags_mask(struct page *page, unsigned long flags, unsigned long pfn,
			     unsigned long mask)
{
	struct zone *zone = page_zone(page);
	unsigned long bitidx = pfn_to_bitidx(zone, pfn);
	unsigned long *word = &zone->pageblock_flags[bitidx / (8 * sizeof(unsigned long))];
	unsigned int shift = bitidx % (8 * sizeof(unsigned long));

	VM_BUG_ON_PAGE(!zone_spans_pfn(zone, pfn), page);
	*word = (*word & ~(mask << shift)) | ((flags & mask) << shift);
}

/* Record migratetype for the pageblock holding page (grouping off: always UNMOVABLE). */
void set_pageblock_migratetype(struct page *page, int migratetype)
{
	if (unlikely(page_group_by_mobility_disabled && migratetype < MIGRATE_PCPTYPES))
		migratetype = MIGRATE_UNMOVABLE;
	set_pfnblock_flags_mask(page, (unsigned long)migratetype, page_to_pfn(page),
				MIGRATETYPE_MASK);
}

/* See mm.h: "Movable" etc., or "?" for a pfn without a struct page. */
const char *pageblock_migratetype_name(unsigned long pfn)
{
	struct page *page;
	unsigned long mt;

	if (!pfn_valid(pfn))
		return "?";
	page = pfn_to_page(pfn);
	if (!page_zone(page)->pageblock_flags || !zone_spans_pfn(page_zone(page), pfn))
		return "?";
	mt = get_pageblock_migratetype(page);
	return mt < MIGRATE_TYPES ? migratetype_names[mt] : "?";
}

/* ---- invariants (the shell's mm-check) -------------------------------------------------- */

#define ZONE_CHECK_MAX_PAGE_LINES 8 /* wrong struct pages named one by one, then a count */

/* The zone whose span holds pfn (zones never overlap once checked), or NULL. */
static struct zone *zone_of_pfn(pg_data_t *pgdat, unsigned long pfn)
{
	for (int j = 0; j < MAX_NR_ZONES; j++)
		if (pgdat->node_zones[j].spanned_pages && zone_spans_pfn(&pgdat->node_zones[j], pfn))
			return &pgdat->node_zones[j];
	return NULL;
}

/* Spans, counters, node links and pageblock migratetypes of each zone. */
static int zone_check_zones(pg_data_t *pgdat,
			    void (*report)(const char *fmt, ...) __printf(1, 2))
{
	unsigned long node_end = pgdat_end_pfn(pgdat), present = 0;
	int bad = 0;

	for (int j = 0; j < MAX_NR_ZONES; j++) {
		struct zone *z = &pgdat->node_zones[j];
		unsigned long pfn, end = zone_end_pfn(z);

		present += z->present_pages;
		if (z->spanned_pages < z->present_pages || z->present_pages < z->managed_pages)
			bad++, report("zone %s: spanned %lu, present %lu, managed %lu: not spanned >= "
				      "present >= managed", zone_names[j], z->spanned_pages,
				      z->present_pages, z->managed_pages);
		if (z->zone_pgdat != pgdat)
			bad++, report("zone %s: zone_pgdat is %p, not node 0", zone_names[j],
				      (void *)z->zone_pgdat);
		if (!z->spanned_pages)
			continue;
		if (z->zone_start_pfn < pgdat->node_start_pfn || end > node_end)
			bad++, report("zone %s [pfn %#lx-%#lx) is outside node 0 [pfn %#lx-%#lx)",
				      zone_names[j], z->zone_start_pfn, end, pgdat->node_start_pfn,
				      node_end);
		for (int k = 0; k < j; k++) {
			struct zone *o = &pgdat->node_zones[k];

			if (o->spanned_pages && z->zone_start_pfn < zone_end_pfn(o) &&
			    o->zone_start_pfn < end)
				bad++, report("zone %s overlaps zone %s", zone_names[j], zone_names[k]);
		}
		if (!z->pageblock_flags) {
			bad++, report("zone %s has no pageblock bitmap", zone_names[j]);
			continue;
		}
		for (pfn = ALIGN_DOWN(z->zone_start_pfn, pageblock_nr_pages); pfn < end;
		     pfn += pageblock_nr_pages) {
			unsigned long bitidx = pfn_to_bitidx(z, pfn);
			unsigned long mt = (z->pageblock_flags[bitidx / (8 * sizeof(unsigned long))] >>
					    (bitidx % (8 * sizeof(unsigned long)))) & MIGRATETYPE_MASK;

			if (mt >= MIGRATE_TYPES)
				bad++, report("zone %s: pageblock at pfn %#lx has migratetype %lu "
					      "(valid: 0..%d)", zone_names[j], pfn, mt,
					      MIGRATE_TYPES - 1);
		}
	}
	if (present != pgdat->node_present_pages)
		bad++, report("node 0: present %lu, but its zones' present pages sum to %lu",
			      pgdat->node_present_pages, present);
	return bad;
}

/* Every struct page of every memory pfn names the zone spanning it (and node 0). */
static int zone_check_pages(pg_data_t *pgdat,
			    void (*report)(const char *fmt, ...) __printf(1, 2))
{
	unsigned long start, end, pfn, wrong = 0;
	int i, nid, bad = 0;

	for_each_mem_pfn_range(i, MAX_NUMNODES, &start, &end, &nid) {
		for (pfn = start; pfn < end; pfn++) {
			struct zone *z = zone_of_pfn(pgdat, pfn);
			struct page *page = pfn_to_page(pfn);
			unsigned int zn = page_zonenum(page);

			if (!z) {
				bad++, report("pfn %#lx-%#lx: memory in no zone", pfn, end);
				break;
			}
			if (zn == (unsigned int)zone_idx(z) && page_to_nid(page) == pgdat->node_id)
				continue;
			if (++wrong <= ZONE_CHECK_MAX_PAGE_LINES)
				report("pfn %#lx: struct page %p says zone %s node %d, expected %s "
				       "node %d", pfn, (void *)page,
				       zn < MAX_NR_ZONES ? zone_names[zn] : "(invalid)",
				       page_to_nid(page), z->name, pgdat->node_id);
		}
	}
	if (wrong > ZONE_CHECK_MAX_PAGE_LINES)
		report("... %lu struct pages with a wrong zone or node in all",
		       wrong);
	return bad + (int)wrong;
}

/* See mm.h. */
int zone_check(void (*report)(const char *fmt, ...) __printf(1, 2))
{
	pg_data_t *pgdat = NODE_DATA(0);

	if (!mem_map) {
		report("no mem_map: free_area_init has not run");
		return 1;
	}
	return zone_check_zones(pgdat, report) + zone_check_pages(pgdat, report);
}

/* ---- pagesets --------------------------------------------------------------------------- */

/* An empty pageset with the boot values: high 0, batch 1. */
static void per_cpu_pages_init(struct per_cpu_pages *pcp)
{
	int pindex;

	memset(pcp, 0, sizeof(*pcp));
	spin_lock_init(&pcp->lock);
	for (pindex = 0; pindex < NR_PCP_LISTS; pindex++)
		INIT_LIST_HEAD(&pcp->lists[pindex]);
	pcp->high = BOOT_PAGESET_HIGH;
	pcp->batch = BOOT_PAGESET_BATCH;
	pcp->free_factor = 0;
}

/* Point a new zone at the boot pageset (free_area_init_core). */
void __init zone_pcp_init(struct zone *zone)
{
	zone->per_cpu_pageset = &boot_pageset;
	zone->pageset_high = BOOT_PAGESET_HIGH;
	zone->pageset_batch = BOOT_PAGESET_BATCH;
	if (populated_zone(zone))
		pr_debug("  %s zone: %lu pages, LIFO batch:%u\n", zone->name, zone->present_pages,
			 zone_batchsize(zone));
}

/* Round down to a power of two (x > 0). */
static unsigned long rounddown_pow_of_two(unsigned long x)
{
	return 1UL << (8 * sizeof(unsigned long) - 1 - __builtin_clzl(x));
}

/* pcp batch: about a quarter of a 1024th of the zone (at most 64), made 2^n - 1. */
int zone_batchsize(struct zone *zone)
{
	unsigned long batch = min(zone_managed_pages(zone) >> 10, 1UL << (20 - PAGE_SHIFT));

	batch /= 4;
	if (batch < 1)
		batch = 1;
	/* 2^n - 1 keeps batches from landing on the same cache colours (Linux's reasoning) */
	return (int)rounddown_pow_of_two(batch + batch / 2) - 1;
}

/* pcp high: the low watermark shared by the node's online CPUs, at least 4 batches. */
int zone_highsize(struct zone *zone, int batch, int cpu_online)
{
	unsigned long total_pages = low_wmark_pages(zone);
	int nr_split_cpus = (int)num_online_cpus() + cpu_online, high;

	if (!nr_split_cpus)
		nr_split_cpus = 1;
	high = (int)(total_pages / (unsigned long)nr_split_cpus);
	return max(high, batch << 2);
}

/* Give every CPU's pageset of zone the new high and batch. */
static void __zone_set_pageset_high_and_batch(struct zone *zone, int high, int batch)
{
	unsigned int cpu;

	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		struct per_cpu_pages *pcp = per_cpu_ptr(zone->per_cpu_pageset, cpu);

		WRITE_ONCE(pcp->batch, batch);
		WRITE_ONCE(pcp->high, high);
	}
}

/* Recompute zone's pcp high and batch (boot, CPU online, watermark changes). */
void zone_set_pageset_high_and_batch(struct zone *zone, int cpu_online)
{
	int new_batch = zone_batchsize(zone), new_high = zone_highsize(zone, new_batch, cpu_online);

	if (zone->pageset_high == new_high && zone->pageset_batch == new_batch)
		return;
	zone->pageset_high = new_high;
	zone->pageset_batch = new_batch;
	__zone_set_pageset_high_and_batch(zone, new_high, new_batch);
}

/* Real per-CPU pagesets for one zone. */
static void __init setup_zone_pageset(struct zone *zone)
{
	struct per_cpu_pages *pcps = alloc_percpu(struct per_cpu_pages);
	unsigned int cpu;

	if (!pcps)
		panic("setup_zone_pageset: no per-CPU memory for zone %s\n", zone->name);
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		per_cpu_pages_init(per_cpu_ptr(pcps, cpu));
	zone->per_cpu_pageset = pcps;
	zone->pageset_high = zone->pageset_batch = -1; /* force the update */
	zone_set_pageset_high_and_batch(zone, 0);
}

/* See mm.h. Only populated zones: the empty ones keep the boot pageset. */
void __init setup_per_cpu_pageset(void)
{
	struct zone *zone;

	for_each_populated_zone(zone)
		setup_zone_pageset(zone);
}

/* ---- zonelists -------------------------------------------------------------------------- */

/* Append pgdat's populated zones, highest index first; returns how many. */
static int build_zonerefs_node(pg_data_t *pgdat, struct zoneref *zonerefs)
{
	int zone_type = MAX_NR_ZONES, nr_zones = 0;

	do {
		struct zone *zone = pgdat->node_zones + --zone_type;

		if (populated_zone(zone)) {
			zonerefs[nr_zones].zone = zone;
			zonerefs[nr_zones].zone_idx = zone_type;
			nr_zones++;
		}
	} while (zone_type);
	return nr_zones;
}

/* !NUMA: the fallback list is this node's zones (no other nodes), NULL-terminated. */
static void build_zonelists(pg_data_t *pgdat)
{
	struct zoneref *zonerefs = pgdat->node_zonelists[ZONELIST_FALLBACK]._zonerefs;

	zonerefs += build_zonerefs_node(pgdat, zonerefs);
	zonerefs->zone = NULL;
	zonerefs->zone_idx = 0;
}

/* Rebuild the zonelists of self, or of every node when self is NULL. */
static void __build_all_zonelists(pg_data_t *self)
{
	int nid;

	if (self) {
		build_zonelists(self);
		return;
	}
	for (nid = 0; nid < MAX_NUMNODES; nid++)
		build_zonelists(NODE_DATA(nid));
}

/* Boot: zonelists, then every possible CPU's boot pageset. */
static void __init build_all_zonelists_init(void)
{
	unsigned int cpu;

	__build_all_zonelists(NULL);
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		per_cpu_pages_init(per_cpu_ptr(&boot_pageset, cpu));
}

/* See mm.h. */
unsigned long nr_free_zone_pages(int offset)
{
	struct zonelist *zonelist = node_zonelist(0, GFP_KERNEL);
	unsigned long sum = 0;
	struct zoneref *z;
	struct zone *zone;

	for_each_zone_zonelist(zone, z, zonelist, (enum zone_type)offset) {
		unsigned long size = zone_managed_pages(zone), high = high_wmark_pages(zone);

		if (size > high)
			sum += size - high;
	}
	return sum;
}

/* See mm.h. Grouping by mobility needs at least one pageblock per migratetype. */
void build_all_zonelists(pg_data_t *pgdat)
{
	unsigned long vm_total_pages;

	if (!pgdat) /* Linux: system_state == SYSTEM_BOOTING */
		build_all_zonelists_init();
	else
		__build_all_zonelists(pgdat);
	vm_total_pages = nr_free_zone_pages(gfp_zone(GFP_HIGHUSER_MOVABLE));
	page_group_by_mobility_disabled = vm_total_pages < pageblock_nr_pages * MIGRATE_TYPES;
	pr_info("Built %u zonelists, mobility grouping %s.  Total pages: %ld\n", MAX_NUMNODES,
		page_group_by_mobility_disabled ? "off" : "on", (long)vm_total_pages);
}

/* ==== the buddy allocator ================================================================ */

long _totalram_pages, _totalhigh_pages;

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

/* pimm's count of handed-out pages, for check_free_areas (any CPU, no lock held). */
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
	if (!PageBuddy(buddy))
		return false;
	if (buddy_order(buddy) != order)
		return false;
	if (page_zonenum(page) != page_zonenum(buddy))
		return false;
	VM_BUG_ON_PAGE(page_count(buddy) != 0, buddy);
	return true;
}

/* The buddy of the block at pfn if it is free at this order, else NULL; *buddy_pfn either way. */
static struct page *find_buddy_page_pfn(struct page *page, unsigned long pfn, unsigned int order,
					unsigned long *buddy_pfn)
{
	unsigned long __buddy_pfn = __find_buddy_pfn(pfn, order);
	struct page *buddy = page + (__buddy_pfn - pfn);

	if (buddy_pfn)
		*buddy_pfn = __buddy_pfn;
	if (page_is_buddy(page, buddy, order))
		return buddy;
	return NULL;
}

static inline void add_to_free_list(struct page *page, struct zone *zone, unsigned int order,
				    int migratetype)
{
	struct free_area *area = &zone->free_area[order];

	list_add(&page->buddy_list, &area->free_list[migratetype]);
	area->nr_free++;
}

static inline void add_to_free_list_tail(struct page *page, struct zone *zone, unsigned int order,
					 int migratetype)
{
	struct free_area *area = &zone->free_area[order];

	list_add_tail(&page->buddy_list, &area->free_list[migratetype]);
	area->nr_free++;
}

/* Move a free block to the tail of another migratetype's list (same order). */
static inline void move_to_free_list(struct page *page, struct zone *zone, unsigned int order,
				     int migratetype)
{
	list_move_tail(&page->buddy_list, &zone->free_area[order].free_list[migratetype]);
}

static inline void del_page_from_free_list(struct page *page, struct zone *zone,
					   unsigned int order)
{
	list_del(&page->buddy_list);
	__ClearPageBuddy(page);
	set_page_private(page, 0);
	zone->free_area[order].nr_free--;
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
	unsigned long higher_page_pfn;
	struct page *higher_page;

	if (order >= MAX_ORDER - 2)
		return false;
	higher_page_pfn = buddy_pfn & pfn;
	higher_page = page + (higher_page_pfn - pfn);
	return find_buddy_page_pfn(higher_page, higher_page_pfn, order + 1, NULL) != NULL;
}

/*
 * Free the 2^order block at pfn onto zone's lists of migratetype, merging it with its free
 * buddy while there is one (Linux's __free_one_page; caller holds zone->lock).
 *
 *   order 0:  [P][B]          P freed, buddy B = pfn ^ 1 free at order 0 -> merge
 *   order 1:  [P  B][C  D]    buddy = pfn ^ 2 free at order 1            -> merge
 *   order 2:  [P  B  C  D]    ... until no free buddy, or order 10
 */
static void __free_one_page(struct page *page, unsigned long pfn, struct zone *zone,
			    unsigned int order, int migratetype, fpi_t fpi_flags)
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
	set_buddy_order(page, order);
	if (fpi_flags & FPI_TO_TAIL)
		to_tail = true;
	else
		to_tail = buddy_merge_likely(pfn, buddy_pfn, page, order);
	if (to_tail)
		add_to_free_list_tail(page, zone, order, migratetype);
	else
		add_to_free_list(page, zone, order, migratetype);
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
 * keep the whole block out of the lists. On success the pages stop counting as allocated.
 */
static bool free_pages_prepare(struct page *page, unsigned int order)
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
	zone_allocated_add(page_zone(page), -(1L << order));
	return true;
}

/* ---- freeing ---------------------------------------------------------------------------- */

/* __free_one_page under the zone lock, re-reading the type if isolation may have changed it. */
static void free_one_page(struct zone *zone, struct page *page, unsigned long pfn,
			  unsigned int order, int migratetype, fpi_t fpi_flags)
{
	unsigned long flags;

	spin_lock_irqsave(&zone->lock, flags);
	if (unlikely(is_migrate_isolate(migratetype)))
		migratetype = get_pfnblock_migratetype(page, pfn);
	__free_one_page(page, pfn, zone, order, migratetype, fpi_flags);
	spin_unlock_irqrestore(&zone->lock, flags);
}

/* Free a block straight to the buddy lists (orders above PAGE_ALLOC_COSTLY_ORDER, boot). */
static void __free_pages_ok(struct page *page, unsigned int order, fpi_t fpi_flags)
{
	unsigned long pfn = page_to_pfn(page);

	if (!free_pages_prepare(page, order))
		return;
	free_one_page(page_zone(page), page, pfn, order, get_pfnblock_migratetype(page, pfn),
		      fpi_flags);
}

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

	count = min(pcp->count, count);
	pindex = pindex - 1; /* the list just used is drained first */
	spin_lock(&zone->lock);
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
			__free_one_page(page, page_to_pfn(page), zone, order, mt, FPI_NONE);
		} while (count > 0 && !list_empty(list));
	}
	spin_unlock(&zone->lock);
}

/*
 * How many pages a full pcp gives back: a batch, doubled each time in a row (free_factor,
 * at most 2^PCP_BATCH_SCALE_MAX), never leaving fewer than a batch; everything if free_high.
 */
#define PCP_BATCH_SCALE_MAX 5
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

/* ---- taking blocks off the free lists --------------------------------------------------- */

/*
 * Split a 2^high block down to 2^low: each time the upper half goes to the head of the
 * free list one order below; the caller keeps the lowest part.
 *
 *   high 3:  [ kept 2^low | buddy 2^low | buddy 2^(low+1) ... | buddy 2^(high-1)       ]
 */
static inline void expand(struct zone *zone, struct page *page, unsigned int low,
			  unsigned int high, int migratetype)
{
	unsigned long size = 1UL << high;

	while (high > low) {
		high--;
		size >>= 1;
		VM_BUG_ON_PAGE(!zone_spans_pfn(zone, page_to_pfn(&page[size])), &page[size]);
		add_to_free_list(&page[size], zone, high, migratetype);
		set_buddy_order(&page[size], high);
	}
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
		del_page_from_free_list(page, zone, current_order);
		expand(zone, page, order, current_order, migratetype);
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

/* move_freepages over the pageblock holding page (0 if it sticks out of the zone). */
static int move_freepages_block(struct zone *zone, struct page *page, int migratetype,
				int *num_movable)
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

int watermark_boost_factor = 15000;
int watermark_scale_factor = 10;

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
static struct page *__rmqueue(struct zone *zone, unsigned int order, int migratetype,
			      unsigned int alloc_flags)
{
	struct page *page;

	if ((alloc_flags & ALLOC_CMA) &&
	    zone_page_state(zone, NR_FREE_CMA_PAGES) > zone_page_state(zone, NR_FREE_PAGES) / 2) {
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

/* Up to count blocks of order onto a pcp list, appended in the order found; how many. */
static int rmqueue_bulk(struct zone *zone, unsigned int order, int count, struct list_head *list,
			int migratetype, unsigned int alloc_flags)
{
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
}

/* Take the head of list, refilling it with a batch from the buddy lists when empty. */
static struct page *__rmqueue_pcplist(struct zone *zone, unsigned int order, int migratetype,
				      unsigned int alloc_flags, struct per_cpu_pages *pcp,
				      struct list_head *list)
{
	struct page *page;

	if (list_empty(list)) {
		int batch = READ_ONCE(pcp->batch), alloced;

		/* fewer pages of higher orders, but at least two so the next one is quick */
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
	return page;
}

/* A block of order <= PAGE_ALLOC_COSTLY_ORDER from this CPU's list (IRQs off, pcp lock). */
static struct page *rmqueue_pcplist(struct zone *zone, unsigned int order, int migratetype,
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

/* A block from the buddy lists directly (large orders; movable requests that may not use CMA). */
static struct page *rmqueue_buddy(struct zone *zone, unsigned int order, unsigned int alloc_flags,
				  int migratetype)
{
	struct page *page = NULL;
	unsigned long flags;

	spin_lock_irqsave(&zone->lock, flags);
	if (order > 0 && (alloc_flags & ALLOC_HARDER))
		page = __rmqueue_smallest(zone, order, MIGRATE_HIGHATOMIC);
	if (!page)
		page = __rmqueue(zone, order, migratetype, alloc_flags);
	if (page)
		__mod_zone_freepage_state(zone, -(1L << order), get_pcppage_migratetype(page));
	spin_unlock_irqrestore(&zone->lock, flags);
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

	if (likely(pcp_allowed_order(order)) &&
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

/* Zero a new page: lowmem through the linear map (HIGHMEM pages need kmap: not yet). */
static void clear_new_page(struct page *page)
{
	void *addr = page_address(page);

	if (WARN_ON_ONCE(!addr))
		return;
	memset(addr, 0, PAGE_SIZE);
}

/* A block leaves the allocator: one reference on its head, zeroed if asked, counted. */
static void prep_new_page(struct page *page, unsigned int order, gfp_t gfp_flags)
{
	unsigned int i;

	set_page_private(page, 0);
	set_page_refcounted(page);
	if (gfp_flags & __GFP_ZERO)
		for (i = 0; i < (1U << order); i++)
			clear_new_page(page + i);
	zone_allocated_add(page_zone(page), 1L << order);
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

/* See mm.h. */
unsigned long nr_free_pages(void)
{
	unsigned long sum = 0;
	struct zone *zone;

	for_each_zone(zone)
		sum += zone_page_state(zone, NR_FREE_PAGES);
	return sum;
}

/* See mm.h. */
unsigned long nr_free_buffer_pages(void)
{
	return nr_free_zone_pages(gfp_zone(GFP_USER));
}

/* ==== the hand-over from memblock and managed page counts ================================ */

/* See internal.h. FPI_TO_TAIL: boot blocks queue behind, so early allocations reuse few. */
void __free_pages_core(struct page *page, unsigned int order)
{
	unsigned int nr_pages = 1U << order, loop;
	struct page *p = page;

	for (loop = 0; loop < nr_pages; loop++, p++) {
		__ClearPageReserved(p);
		set_page_count(p, 0);
	}
	__atomic_add_fetch(&page_zone(page)->managed_pages, nr_pages, __ATOMIC_RELAXED);
	/* pimm: counted as allocated until __free_pages_ok's prepare step gives them back */
	zone_allocated_add(page_zone(page), nr_pages);
	__free_pages_ok(page, order, FPI_TO_TAIL);
}

/* See internal.h. */
void memblock_free_pages(struct page *page, unsigned long pfn, unsigned int order)
{
	(void)pfn; /* Linux: skipped while deferred struct page init is pending */
	__free_pages_core(page, order);
}

/* See mm.h. */
void reserve_bootmem_region(phys_addr_t start, phys_addr_t end)
{
	unsigned long start_pfn = PFN_DOWN(start), end_pfn = PFN_UP(end);

	for (; start_pfn < end_pfn; start_pfn++) {
		if (pfn_valid(start_pfn)) {
			struct page *page = pfn_to_page(start_pfn);

			INIT_LIST_HEAD(&page->lru);
			__SetPageReserved(page);
		}
	}
}

/* See mm.h. Pages entering (count > 0) or leaving the allocator outside alloc/free. */
void adjust_managed_page_count(struct page *page, long count)
{
	__atomic_add_fetch(&page_zone(page)->managed_pages, count, __ATOMIC_RELAXED);
	totalram_pages_add(count);
	if (PageHighMem(page))
		__atomic_add_fetch(&_totalhigh_pages, count, __ATOMIC_RELAXED);
	zone_allocated_add(page_zone(page), count);
}

/* See mm.h. */
void free_reserved_page(struct page *page)
{
	ClearPageReserved(page);
	init_page_count(page);
	__free_page(page);
	adjust_managed_page_count(page, 1);
}

/* See mm.h. poison <= 0xff fills each page first (a negative value: no poisoning). */
unsigned long free_reserved_area(void *start, void *end, int poison, const char *s)
{
	unsigned long pos, pages = 0;

	start = (void *)PAGE_ALIGN((unsigned long)start);
	end = (void *)((unsigned long)end & PAGE_MASK);
	for (pos = (unsigned long)start; pos < (unsigned long)end; pos += PAGE_SIZE, pages++) {
		struct page *page = virt_to_page((void *)pos);

		if ((unsigned int)poison <= 0xFF)
			memset(page_address(page), poison, PAGE_SIZE);
		free_reserved_page(page);
	}
	if (pages && s)
		pr_info("Freeing %s memory: %ldK\n", s, (long)(pages << (PAGE_SHIFT - 10)));
	return pages;
}

/*
 * See gfp.h (Linux: mm/page_alloc.c, CONFIG_CMA). The pageblock's pages were reserved since
 * memblock; they become one free order-10 MIGRATE_CMA block, managed and counted in cma_pages.
 */
void init_cma_reserved_pageblock(struct page *page)
{
	unsigned int i = pageblock_nr_pages;
	struct page *p = page;

	do {
		__ClearPageReserved(p);
		set_page_count(p, 0);
	} while (++p, --i);
	set_pageblock_migratetype(page, MIGRATE_CMA);
	set_page_refcounted(page);
	__free_pages(page, pageblock_order);
	adjust_managed_page_count(page, pageblock_nr_pages);
	page_zone(page)->cma_pages += pageblock_nr_pages;
}

/* ==== watermarks (Linux: init_per_zone_wmark_min, a postcore_initcall) =================== */

int min_free_kbytes = 1024;
int user_min_free_kbytes = -1;
unsigned long totalreserve_pages;
/* lowmem_reserve ratios: 1/32 of the higher zones' pages protect Normal; none above it. */
int sysctl_lowmem_reserve_ratio[MAX_NR_ZONES] = {
	[ZONE_NORMAL] = 32,
#ifdef CONFIG_HIGHMEM
	[ZONE_HIGHMEM] = 0,
#endif
	[ZONE_MOVABLE] = 0,
};

/* The integer square root (floor), by digit-by-digit binary search. */
static unsigned long int_sqrt(unsigned long x)
{
	unsigned long b, m = 1UL << (BITS_PER_LONG - 2), y = 0;

	if (x <= 1)
		return x;
	while (m > x)
		m >>= 2;
	while (m) {
		b = y + m;
		y >>= 1;
		if (x >= b) {
			x -= b;
			y += m;
		}
		m >>= 2;
	}
	return y;
}

/* See mm.h. */
void calculate_min_free_kbytes(void)
{
	unsigned long lowmem_kbytes = nr_free_buffer_pages() * (PAGE_SIZE >> 10);
	int new_min_free_kbytes = (int)int_sqrt(lowmem_kbytes * 16);

	if (new_min_free_kbytes > user_min_free_kbytes)
		min_free_kbytes = clamp(new_min_free_kbytes, 128, 262144);
	else
		pr_warn("min_free_kbytes is not updated to %d because user defined value %d is "
			"preferred\n", new_min_free_kbytes, user_min_free_kbytes);
}

/* Every zone's largest lowmem_reserve plus its high watermark (at most its managed pages). */
static void calculate_totalreserve_pages(void)
{
	pg_data_t *pgdat = NODE_DATA(0);
	unsigned long reserve_pages = 0;
	int i, j;

	pgdat->totalreserve_pages = 0;
	for (i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *zone = pgdat->node_zones + i;
		unsigned long managed_pages = zone_managed_pages(zone);
		long max = 0;

		for (j = i; j < MAX_NR_ZONES; j++)
			if (zone->lowmem_reserve[j] > max)
				max = zone->lowmem_reserve[j];
		max += (long)high_wmark_pages(zone);
		if (max > (long)managed_pages)
			max = (long)managed_pages;
		pgdat->totalreserve_pages += (unsigned long)max;
		reserve_pages += (unsigned long)max;
	}
	totalreserve_pages = reserve_pages;
}

/* See mm.h. */
void setup_per_zone_lowmem_reserve(void)
{
	pg_data_t *pgdat = NODE_DATA(0);
	int i, j;

	for (i = 0; i < MAX_NR_ZONES - 1; i++) {
		struct zone *zone = &pgdat->node_zones[i];
		int ratio = sysctl_lowmem_reserve_ratio[i];
		bool clear = !ratio || !zone_managed_pages(zone);
		unsigned long managed_pages = 0;

		for (j = i + 1; j < MAX_NR_ZONES; j++) {
			managed_pages += zone_managed_pages(&pgdat->node_zones[j]);
			zone->lowmem_reserve[j] = clear ? 0 : (long)(managed_pages / (unsigned long)ratio);
		}
	}
	calculate_totalreserve_pages();
}

/*
 * min_free_kbytes shared among the lowmem zones by size (HighMem/Movable: managed/1024 within
 * [32, 128]); low = min + step, high = low + step, promo = high + step, step = max(min/4,
 * managed * watermark_scale_factor / 10000).
 */
static void __setup_per_zone_wmarks(void)
{
	unsigned long pages_min = (unsigned long)min_free_kbytes >> (PAGE_SHIFT - 10);
	unsigned long lowmem_pages = 0, flags;
	struct zone *zone;

	for_each_zone(zone)
		if (!is_highmem(zone) && zone_idx(zone) != ZONE_MOVABLE)
			lowmem_pages += zone_managed_pages(zone);
	for_each_zone(zone) {
		u64 tmp;

		spin_lock_irqsave(&zone->lock, flags);
		tmp = (u64)pages_min * zone_managed_pages(zone);
		tmp = lowmem_pages ? tmp / lowmem_pages : 0;
		if (is_highmem(zone) || zone_idx(zone) == ZONE_MOVABLE) {
			unsigned long min_pages = zone_managed_pages(zone) / 1024;

			zone->_watermark[WMARK_MIN] = clamp(min_pages, 32UL, 128UL);
		} else {
			zone->_watermark[WMARK_MIN] = (unsigned long)tmp;
		}
		tmp = max_t(u64, tmp >> 2,
			    (u64)zone_managed_pages(zone) * (u64)watermark_scale_factor / 10000);
		zone->watermark_boost = 0;
		zone->_watermark[WMARK_LOW] = min_wmark_pages(zone) + (unsigned long)tmp;
		zone->_watermark[WMARK_HIGH] = low_wmark_pages(zone) + (unsigned long)tmp;
		zone->_watermark[WMARK_PROMO] = high_wmark_pages(zone) + (unsigned long)tmp;
		spin_unlock_irqrestore(&zone->lock, flags);
	}
	calculate_totalreserve_pages();
}

/* See mm.h. */
void zone_pcp_update(struct zone *zone, int cpu_online)
{
	zone_set_pageset_high_and_batch(zone, cpu_online);
}

/* See mm.h. */
void setup_per_zone_wmarks(void)
{
	static DEFINE_SPINLOCK(lock);
	struct zone *zone;

	spin_lock(&lock);
	__setup_per_zone_wmarks();
	spin_unlock(&lock);
	/* pcp high follows the low watermark */
	for_each_zone(zone)
		zone_pcp_update(zone, 0);
}

/* See mm.h. (Linux also refreshes the vmstat thresholds: pimm has no per-CPU deltas.) */
int init_per_zone_wmark_min(void)
{
	calculate_min_free_kbytes();
	setup_per_zone_wmarks();
	setup_per_zone_lowmem_reserve();
	return 0;
}
