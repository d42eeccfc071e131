/*
 * mmzone.h - nodes, zones, free areas, per-CPU pagesets and zonelists (Linux 6.1's
 * include/linux/mmzone.h, one node, FLATMEM; docs/pipeline.md#zones-and-struct-page).
 *
 * Where it sits in the boot pipeline:
 *
 *   paging_init -> bootmem_init -> zone_sizes_init -> free_area_init     spans, present pages,
 *                                                      free_area_init_node  mem_map, zones
 *   start_kernel -> build_all_zonelists(NULL)         fallback order, boot pagesets
 *                -> setup_per_cpu_pageset             real per-CPU pagesets
 *   mem_init -> memblock_free_all                     fills the free_area lists (MOVABLE)
 *   init_per_zone_wmark_min (postcore)                 watermarks, lowmem_reserve, pcp high
 *   alloc_pages / __free_pages (page_alloc.c)          the buddy allocator serves from them
 *
 *   contig_page_data (pg_data_t, node 0)
 *   +-------------------------------+
 *   | node_zones[MAX_NR_ZONES]      |---> struct zone "Normal"   [zone_start_pfn, +spanned)
 *   |   Normal | HighMem | Movable  |      | managed/present/spanned pages, _watermark[]
 *   | node_zonelists[0]: fallback   |      | per_cpu_pageset ---> per CPU: struct per_cpu_pages
 *   |   {HighMem, Normal, NULL}     |      |                        count high batch lists[12]
 *   | node_mem_map -----------------|-+    | pageblock_flags ---> 4 bits per 1024-page block
 *   | node_start_pfn, spanned,      | |    | free_area[MAX_ORDER]
 *   | present pages                 | |    |   [0]  free_list[MIGRATE_TYPES] + nr_free
 *   +-------------------------------+ |    |   ...     Unmovable Movable ... Isolate
 *                                     |    |   [10]    each a list of struct page (buddy_list)
 *                                     v
 *   mem_map: struct page[node_spanned_pages] (mm_types.h), page->flags holds the zone number
 */
#ifndef _LINUX_MMZONE_H
#define _LINUX_MMZONE_H

#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/pageblock-flags.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <asm/page.h>

#ifndef MAX_NUMNODES
#define MAX_NUMNODES 1 /* (also in memblock.h) no NUMA: node 0 only */
#endif

/* Orders 0..MAX_ORDER-1 (6.1's meaning): the largest block is 1024 pages, 4 MiB. */
#define MAX_ORDER 11
#define MAX_ORDER_NR_PAGES (1UL << (MAX_ORDER - 1))
#define PAGE_ALLOC_COSTLY_ORDER 3

enum migratetype {
	MIGRATE_UNMOVABLE,
	MIGRATE_MOVABLE,
	MIGRATE_RECLAIMABLE,
	MIGRATE_PCPTYPES, /* the number of types on the pcp lists */
	MIGRATE_HIGHATOMIC = MIGRATE_PCPTYPES,
	MIGRATE_CMA,
	MIGRATE_ISOLATE,
	MIGRATE_TYPES
};
extern const char *const migratetype_names[MIGRATE_TYPES];

#define is_migrate_cma(mt) ((mt) == MIGRATE_CMA)
#define is_migrate_isolate(mt) ((mt) == MIGRATE_ISOLATE)
#define is_migrate_highatomic(mt) ((mt) == MIGRATE_HIGHATOMIC)
/* Only blocks of these types may merge across pageblocks of different types. */
#define migratetype_is_mergeable(mt) ((mt) < MIGRATE_PCPTYPES)

struct free_area {
	struct list_head free_list[MIGRATE_TYPES];
	unsigned long nr_free; /* free blocks of this order, all types */
};

static inline bool free_area_empty(const struct free_area *area, int migratetype)
{
	return list_empty(&area->free_list[migratetype]);
}

/* ZONE_DMA is configured out (docs/design.md#deviations-from-linux); HighMem only with
 * CONFIG_HIGHMEM. */
enum zone_type {
	ZONE_NORMAL,
#ifdef CONFIG_HIGHMEM
	ZONE_HIGHMEM,
#endif
	ZONE_MOVABLE,
	__MAX_NR_ZONES
};
#define MAX_NR_ZONES __MAX_NR_ZONES
extern const char *const zone_names[MAX_NR_ZONES];

/* page->flags keeps the zone number in its top ZONES_WIDTH bits (no node/section bits). */
#define ZONES_WIDTH 2
#define ZONES_PGSHIFT (8 * sizeof(unsigned long) - ZONES_WIDTH)
#define ZONES_MASK ((1UL << ZONES_WIDTH) - 1)

enum zone_watermarks { WMARK_MIN, WMARK_LOW, WMARK_HIGH, WMARK_PROMO, NR_WMARK };

/* Zone counters shown by zoneinfo (Linux's zone_stat_item, without ZSMALLOC's nr_zspages). */
#define ZONE_STAT_ITEMS(X)                                                                         \
	X(NR_FREE_PAGES, "nr_free_pages")                                                          \
	X(NR_ZONE_INACTIVE_ANON, "nr_zone_inactive_anon")                                          \
	X(NR_ZONE_ACTIVE_ANON, "nr_zone_active_anon")                                              \
	X(NR_ZONE_INACTIVE_FILE, "nr_zone_inactive_file")                                          \
	X(NR_ZONE_ACTIVE_FILE, "nr_zone_active_file")                                              \
	X(NR_ZONE_UNEVICTABLE, "nr_zone_unevictable")                                              \
	X(NR_ZONE_WRITE_PENDING, "nr_zone_write_pending")                                          \
	X(NR_MLOCK, "nr_mlock")                                                                    \
	X(NR_BOUNCE, "nr_bounce")                                                                  \
	X(NR_FREE_CMA_PAGES, "nr_free_cma")

/* Node counters (Linux's node_stat_item, as /proc/zoneinfo lists them). */
#define NODE_STAT_ITEMS(X)                                                                         \
	X(NR_INACTIVE_ANON, "nr_inactive_anon")                                                    \
	X(NR_ACTIVE_ANON, "nr_active_anon")                                                        \
	X(NR_INACTIVE_FILE, "nr_inactive_file")                                                    \
	X(NR_ACTIVE_FILE, "nr_active_file")                                                        \
	X(NR_UNEVICTABLE, "nr_unevictable")                                                        \
	X(NR_SLAB_RECLAIMABLE_B, "nr_slab_reclaimable")                                            \
	X(NR_SLAB_UNRECLAIMABLE_B, "nr_slab_unreclaimable")                                        \
	X(NR_ISOLATED_ANON, "nr_isolated_anon")                                                    \
	X(NR_ISOLATED_FILE, "nr_isolated_file")                                                    \
	X(WORKINGSET_NODES, "workingset_nodes")                                                    \
	X(WORKINGSET_REFAULT_ANON, "workingset_refault_anon")                                      \
	X(WORKINGSET_REFAULT_FILE, "workingset_refault_file")                                      \
	X(WORKINGSET_ACTIVATE_ANON, "workingset_activate_anon")                                    \
	X(WORKINGSET_ACTIVATE_FILE, "workingset_activate_file")                                    \
	X(WORKINGSET_RESTORE_ANON, "workingset_restore_anon")                                      \
	X(WORKINGSET_RESTORE_FILE, "workingset_restore_file")                                      \
	X(WORKINGSET_NODERECLAIM, "workingset_nodereclaim")                                        \
	X(NR_ANON_MAPPED, "nr_anon_pages")                                                         \
	X(NR_FILE_MAPPED, "nr_mapped")                                                             \
	X(NR_FILE_PAGES, "nr_file_pages")                                                          \
	X(NR_FILE_DIRTY, "nr_dirty")                                                               \
	X(NR_WRITEBACK, "nr_writeback")                                                            \
	X(NR_WRITEBACK_TEMP, "nr_writeback_temp")                                                  \
	X(NR_SHMEM, "nr_shmem")                                                                    \
	X(NR_SHMEM_THPS, "nr_shmem_hugepages")                                                     \
	X(NR_SHMEM_PMDMAPPED, "nr_shmem_pmdmapped")                                                \
	X(NR_FILE_THPS, "nr_file_hugepages")                                                       \
	X(NR_FILE_PMDMAPPED, "nr_file_pmdmapped")                                                  \
	X(NR_ANON_THPS, "nr_anon_transparent_hugepages")                                           \
	X(NR_VMSCAN_WRITE, "nr_vmscan_write")                                                      \
	X(NR_VMSCAN_IMMEDIATE, "nr_vmscan_immediate_reclaim")                                      \
	X(NR_DIRTIED, "nr_dirtied")                                                                \
	X(NR_WRITTEN, "nr_written")                                                                \
	X(NR_THROTTLED_WRITTEN, "nr_throttled_written")                                            \
	X(NR_KERNEL_MISC_RECLAIMABLE, "nr_kernel_misc_reclaimable")                                \
	X(NR_FOLL_PIN_ACQUIRED, "nr_foll_pin_acquired")                                            \
	X(NR_FOLL_PIN_RELEASED, "nr_foll_pin_released")                                            \
	X(NR_KERNEL_STACK_KB, "nr_kernel_stack")                                                   \
	X(NR_PAGETABLE, "nr_page_table_pages")                                                     \
	X(NR_SECONDARY_PAGETABLE, "nr_sec_page_table_pages")

#define __MM_STAT_ENUM(e, name) e,
enum zone_stat_item { ZONE_STAT_ITEMS(__MM_STAT_ENUM) NR_VM_ZONE_STAT_ITEMS };
enum node_stat_item { NODE_STAT_ITEMS(__MM_STAT_ENUM) NR_VM_NODE_STAT_ITEMS };
#undef __MM_STAT_ENUM
extern const char *const zone_stat_names[NR_VM_ZONE_STAT_ITEMS];
extern const char *const node_stat_names[NR_VM_NODE_STAT_ITEMS];

/* The pcp lists: one per (order 0..PAGE_ALLOC_COSTLY_ORDER, pcp migratetype) = 12. */
#define NR_PCP_LISTS (MIGRATE_PCPTYPES * (PAGE_ALLOC_COSTLY_ORDER + 1))
#define BOOT_PAGESET_HIGH 0
#define BOOT_PAGESET_BATCH 1

/* A CPU's cache of free pages in one zone (Linux's per_cpu_pages). */
struct per_cpu_pages {
	spinlock_t lock;
	int count;        /* pages on the lists */
	int high;         /* above this, free batch pages back to the buddy lists */
	int batch;        /* pages moved to/from the buddy lists at once */
	short free_factor; /* grows batch while a CPU frees a lot */
	struct list_head lists[NR_PCP_LISTS]; /* index order * MIGRATE_PCPTYPES + migratetype */
};

struct pglist_data;

struct zone {
	unsigned long _watermark[NR_WMARK];
	unsigned long watermark_boost;
	unsigned long nr_reserved_highatomic;
	long lowmem_reserve[MAX_NR_ZONES];
	struct pglist_data *zone_pgdat;
	struct per_cpu_pages *per_cpu_pageset; /* a per-CPU pointer (per_cpu_ptr(p, cpu)) */
	int pageset_high;                      /* what every CPU's pcp->high/batch was set to */
	int pageset_batch;
	unsigned long *pageblock_flags; /* NR_PAGEBLOCK_BITS per pageblock (setup_usemap) */
	unsigned long zone_start_pfn;
	unsigned long managed_pages; /* present - mem_map (lowmem) - reserved, once freed */
	unsigned long spanned_pages; /* zone_end_pfn - zone_start_pfn, holes included */
	unsigned long present_pages; /* pages of memory in the span (NOMAP included) */
	unsigned long cma_pages;
	unsigned long nr_isolate_pageblock; /* MIGRATE_ISOLATE pageblocks (zone->lock) */
	const char *name;
	int initialized;
	spinlock_t lock;
	struct free_area free_area[MAX_ORDER];
	unsigned long flags;             /* ZONE_BOOSTED_WATERMARK... (enum zone_flags) */
	long vm_stat[NR_VM_ZONE_STAT_ITEMS];
	long nr_allocated; /* pimm (mm-check): managed pages handed out, = managed - free - pcp */
};

/* zone->flags bits. */
enum zone_flags {
	ZONE_BOOSTED_WATERMARK, /* a fallback steal raised watermark_boost (kswapd would undo it) */
	ZONE_RECLAIM_ACTIVE,    /* kswapd is reclaiming: pcp high is capped at 4 batches */
};

static inline unsigned long zone_page_state(const struct zone *zone, enum zone_stat_item item)
{
	long x = READ_ONCE(zone->vm_stat[item]);

	return x < 0 ? 0 : (unsigned long)x;
}

/* Counter updates, under zone->lock (pimm has no per-CPU vmstat deltas). */
static inline void __mod_zone_page_state(struct zone *zone, enum zone_stat_item item, long delta)
{
	zone->vm_stat[item] += delta;
}

/* NR_FREE_PAGES, and NR_FREE_CMA_PAGES for CMA blocks. */
static inline void __mod_zone_freepage_state(struct zone *zone, long nr_pages, int migratetype)
{
	__mod_zone_page_state(zone, NR_FREE_PAGES, nr_pages);
	if (is_migrate_cma(migratetype))
		__mod_zone_page_state(zone, NR_FREE_CMA_PAGES, nr_pages);
}

enum { ZONELIST_FALLBACK, MAX_ZONELISTS };
#define MAX_ZONES_PER_ZONELIST (MAX_NUMNODES * MAX_NR_ZONES)

struct zoneref {
	struct zone *zone; /* NULL ends the list */
	int zone_idx;
};

struct zonelist {
	struct zoneref _zonerefs[MAX_ZONES_PER_ZONELIST + 1];
};

typedef struct pglist_data {
	struct zone node_zones[MAX_NR_ZONES];
	struct zonelist node_zonelists[MAX_ZONELISTS];
	int nr_zones; /* highest populated zone index + 1 */
	struct page *node_mem_map;
	unsigned long node_start_pfn;
	unsigned long node_present_pages;
	unsigned long node_spanned_pages; /* holes included */
	int node_id;
	unsigned long totalreserve_pages;
	long vm_stat[NR_VM_NODE_STAT_ITEMS];
} pg_data_t;

/* Node counters named *_B count bytes (Linux's vmstat_item_in_bytes); the others pages. */
static inline bool vmstat_item_in_bytes(enum node_stat_item item)
{
	return item == NR_SLAB_RECLAIMABLE_B || item == NR_SLAB_UNRECLAIMABLE_B;
}

/* Add delta to a node counter, from any CPU (Linux's mod_node_page_state). */
static inline void mod_node_page_state(struct pglist_data *pgdat, enum node_stat_item item,
				       long delta)
{
	__atomic_add_fetch(&pgdat->vm_stat[item], delta, __ATOMIC_RELAXED);
}

/* A node counter in pages, bytes counters converted (Linux's node_page_state_pages). */
static inline unsigned long node_page_state_pages(const struct pglist_data *pgdat,
						  enum node_stat_item item)
{
	long x = __atomic_load_n(&pgdat->vm_stat[item], __ATOMIC_RELAXED);

	if (vmstat_item_in_bytes(item))
		x /= (long)PAGE_SIZE;
	return x < 0 ? 0 : (unsigned long)x;
}

extern struct pglist_data contig_page_data;
#define NODE_DATA(nid) (&contig_page_data)
#define first_online_pgdat() NODE_DATA(0)

static inline unsigned long pgdat_end_pfn(const pg_data_t *pgdat)
{
	return pgdat->node_start_pfn + pgdat->node_spanned_pages;
}

static inline unsigned long zone_end_pfn(const struct zone *zone)
{
	return zone->zone_start_pfn + zone->spanned_pages;
}

static inline bool zone_spans_pfn(const struct zone *zone, unsigned long pfn)
{
	return zone->zone_start_pfn <= pfn && pfn < zone_end_pfn(zone);
}

static inline int zone_idx(const struct zone *zone)
{
	return (int)(zone - zone->zone_pgdat->node_zones);
}

static inline bool populated_zone(const struct zone *zone)
{
	return zone->present_pages != 0;
}

static inline unsigned long zone_managed_pages(const struct zone *zone)
{
	return READ_ONCE(zone->managed_pages);
}

static inline bool managed_zone(const struct zone *zone)
{
	return zone_managed_pages(zone) != 0;
}

static inline bool is_highmem_idx(enum zone_type idx)
{
#ifdef CONFIG_HIGHMEM
	return idx == ZONE_HIGHMEM;
#else
	(void)idx;
	return false;
#endif
}

static inline bool is_highmem(const struct zone *zone)
{
	return is_highmem_idx((enum zone_type)zone_idx(zone));
}

#define min_wmark_pages(z) ((z)->_watermark[WMARK_MIN] + (z)->watermark_boost)
#define low_wmark_pages(z) ((z)->_watermark[WMARK_LOW] + (z)->watermark_boost)
#define high_wmark_pages(z) ((z)->_watermark[WMARK_HIGH] + (z)->watermark_boost)
#define wmark_pages(z, i) ((z)->_watermark[i] + (z)->watermark_boost)

/* Is there room for a 2^order allocation above mark (+ lowmem_reserve) for these flags? */
bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
		       int highest_zoneidx, unsigned int alloc_flags);

/* Every zone of node 0, populated or not. */
#define for_each_zone(zone)                                                                        \
	for (zone = NODE_DATA(0)->node_zones; zone < NODE_DATA(0)->node_zones + MAX_NR_ZONES; zone++)
#define for_each_populated_zone(zone)                                                              \
	for_each_zone(zone)                                                                        \
		if (!populated_zone(zone))                                                         \
			; /* skip */                                                               \
		else

static inline struct zone *zonelist_zone(const struct zoneref *z)
{
	return z->zone;
}

static inline int zonelist_zone_idx(const struct zoneref *z)
{
	return z->zone_idx;
}

/* First zoneref at or after z whose zone index is <= highest_zoneidx (the NULL end if none). */
static inline struct zoneref *next_zones_zonelist(struct zoneref *z, enum zone_type highest)
{
	while (z->zone && z->zone_idx > (int)highest)
		z++;
	return z;
}

#define for_each_zone_zonelist(zone, z, zlist, highidx)                                            \
	for (z = next_zones_zonelist((zlist)->_zonerefs, highidx); ((zone) = zonelist_zone(z));    \
	     z = next_zones_zonelist(z + 1, highidx))

#endif
