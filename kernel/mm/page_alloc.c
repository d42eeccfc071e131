/*
 * page_alloc.c - the zoned page allocator's set-up: pageblock migratetype bits, zonelists and
 * per-CPU pagesets (Linux 6.1's mm/page_alloc.c; docs/pipeline.md#zonelists-and-pagesets), then
 * the page totals and the watermarks. The buddy allocator itself is page_buddy.c and page_pcp.c;
 * the hand-over from memblock is memblock_free_all.c.
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
 *     page_alloc_init (nothing to register in pimm)
 *     ... mm_init (mem_init: the hand-over), init_IRQ, time_init ...
 *     setup_per_cpu_pageset: each populated zone gets alloc_percpu pagesets,
 *                            batch = zone_batchsize (from the real managed pages),
 *                            high = zone_highsize (4 batches: no watermarks yet)
 *
 *   node_zonelists[ZONELIST_FALLBACK]._zonerefs (3G split):
 *     [ {HighMem, 1} | {Normal, 0} | {NULL, 0} ]
 *   an allocation with gfp_zone(gfp) = Z walks the entries with zone_idx <= Z, in order.
 *
 *   postcore: init_per_zone_wmark_min -> calculate_min_free_kbytes (int_sqrt(lowmem KiB * 16))
 *             -> setup_per_zone_wmarks: min/low/high/promo per zone, then pcp high/batch
 *             -> setup_per_zone_lowmem_reserve: lowmem_reserve[], totalreserve_pages
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
#include <pimm/lab.h>
#include <pimm/mm_stream.h>
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
	mm_stream_pageblock(page_zone(page), page_to_pfn(page), migratetype);
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

/* Round down to a power of two (x > 0). (Unused in lab 7's tree until zone_batchsize is.) */
static __maybe_unused unsigned long rounddown_pow_of_two(unsigned long x)
{
	return 1UL << (8 * sizeof(unsigned long) - 1 - __builtin_clzl(x));
}

/* pcp batch: about a quarter of a 1024th of the zone (at most 64), made 2^n - 1. */
int zone_batchsize(struct zone *zone)
{
	/* LAB7 BEGIN */
	unsigned long batch = min(zone_managed_pages(zone) >> 10, 1UL << (20 - PAGE_SHIFT));

	batch /= 4;
	if (batch < 1)
		batch = 1;
	/* 2^n - 1 keeps batches from landing on the same cache colours (Linux's reasoning) */
	return (int)rounddown_pow_of_two(batch + batch / 2) - 1;
	/* LAB7 TODO
	lab_todo(7, "pcp", "zone_batchsize");
	// Until it is written, the per-CPU lists move one page at a time (batch 1).
	(void)zone;
	return 1;
	*/
	/* LAB7 END */
}

/* pcp high: the low watermark shared by the node's online CPUs, at least 4 batches. */
int zone_highsize(struct zone *zone, int batch, int cpu_online)
{
	/* LAB7 BEGIN */
	unsigned long total_pages = low_wmark_pages(zone);
	int nr_split_cpus = (int)num_online_cpus() + cpu_online, high;

	if (!nr_split_cpus)
		nr_split_cpus = 1;
	high = (int)(total_pages / (unsigned long)nr_split_cpus);
	return max(high, batch << 2);
	/* LAB7 TODO
	lab_todo(7, "pcp", "zone_highsize");
	// Until it is written, a per-CPU list holds up to 4 batches, whatever the watermarks.
	(void)zone;
	(void)cpu_online;
	return batch << 2;
	*/
	/* LAB7 END */
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
static void zone_set_pageset_high_and_batch(struct zone *zone, int cpu_online)
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

/*
 * See mm.h. Linux's page_alloc_init (start_kernel, after build_all_zonelists) registers the
 * CPU-hotplug callbacks that drain a dead CPU's lists and resize pcp high as CPUs come and go.
 * pimm's CPUs come up once, in smp_init, before the watermarks exist (pcp high is then 4
 * batches whatever the CPU count), and never go: there is nothing to register.
 */
void __init page_alloc_init(void)
{
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

/* ==== page counts ========================================================================= */

long _totalram_pages, _totalhigh_pages;

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

/* ==== watermarks (Linux: init_per_zone_wmark_min, a postcore_initcall) =================== */

int min_free_kbytes = 1024;
int watermark_boost_factor = 15000;
int watermark_scale_factor = 10;
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
	/* LAB7 BEGIN */
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
	/* LAB7 TODO
	lab_todo(7, "wmark", "__setup_per_zone_wmarks");
	// Until it is written, every watermark is 0: no zone keeps a reserve.
	unsigned long flags;
	struct zone *zone;

	for_each_zone(zone) {
		spin_lock_irqsave(&zone->lock, flags);
		zone->watermark_boost = 0;
		zone->_watermark[WMARK_MIN] = zone->_watermark[WMARK_LOW] = 0;
		zone->_watermark[WMARK_HIGH] = zone->_watermark[WMARK_PROMO] = 0;
		spin_unlock_irqrestore(&zone->lock, flags);
	}
	*/
	/* LAB7 END */
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
postcore_initcall(init_per_zone_wmark_min);
