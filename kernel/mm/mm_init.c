/*
 * mm_init.c - node 0, its zones and mem_map: free_area_init and what it calls (Linux 6.1
 * keeps these in mm/page_alloc.c; Linux 6.4 moved them here, to mm/mm_init.c, which is where
 * pimm keeps them too so that page_alloc.c is left to the allocator).
 * docs/pipeline.md#zones-and-struct-page walks through this stage.
 *
 * Where it sits in the boot pipeline:
 *
 *   setup_arch -> paging_init -> bootmem_init (arch/arm/mm/init.c)
 *     zone_sizes_init: max_zone_pfn[] = { Normal: max_low_pfn, HighMem: max_pfn }
 *       free_area_init                    "Zone ranges:" ... "Early memory node ranges"
 *         free_area_init_node(0)          "Initmem setup node 0 [mem ...]"
 *           calculate_node_totalpages     zone spans (clamped to the node), present pages
 *           alloc_node_mem_map            mem_map from memblock (memmap_alloc, not zeroed)
 *           free_area_init_core           managed = present - memmap pages, usemaps, lists
 *         memmap_init                     every struct page: zone, refcount 1; every
 *                                         pageblock MIGRATE_MOVABLE (PG_reserved only in
 *                                         holes: memblock_free_all marks the reserved rest)
 *
 *   pfn      0                         max_low_pfn                max_pfn
 *   memory   [=======][NOMAP][========]...hole...[====================]
 *   zones    [ Normal: spanned = end - start, present = spanned - hole ][ HighMem ... ]
 *   mem_map  [ struct page for every pfn of the node span, holes included (FLATMEM)   ]
 *
 * NOMAP memory is present (it has struct pages); holes between memblock.memory regions are
 * not, but still get initialised, PG_reserved pages ("pages in unavailable ranges").
 */
#include <string.h>

#include <linux/bug.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <asm/page.h>
#include <pimm/lab.h>
#include "internal.h"

struct pglist_data contig_page_data;
struct page *mem_map;
unsigned long min_low_pfn, max_low_pfn, max_pfn;
unsigned long nr_kernel_pages, nr_all_pages;
unsigned long arch_zone_lowest_possible_pfn[MAX_NR_ZONES];
unsigned long arch_zone_highest_possible_pfn[MAX_NR_ZONES];
static unsigned long zone_movable_pfn[MAX_NUMNODES]; /* kernelcore=/movablecore=: not supported */
static unsigned long dma_reserve; /* set_dma_reserve: never called on ARM */

const char *const zone_names[MAX_NR_ZONES] = {
	[ZONE_NORMAL] = "Normal",
#ifdef CONFIG_HIGHMEM
	[ZONE_HIGHMEM] = "HighMem",
#endif
	[ZONE_MOVABLE] = "Movable",
};


/* ---- spans and present pages ------------------------------------------------------------ */

/* Lowest start and highest end pfn of node nid's memory regions (0, 0 if none). */
void __init get_pfn_range_for_nid(unsigned int nid, unsigned long *start_pfn,
				  unsigned long *end_pfn)
{
	unsigned long this_start, this_end;
	int i;

	*start_pfn = ~0UL;
	*end_pfn = 0;
	for_each_mem_pfn_range(i, (int)nid, &this_start, &this_end, NULL) {
		*start_pfn = min(*start_pfn, this_start);
		*end_pfn = max(*end_pfn, this_end);
	}
	if (*start_pfn == ~0UL)
		*start_pfn = 0;
}

/* The pfn of the lowest memory region: where the first zone starts. */
static unsigned long __init find_min_pfn_with_active_regions(void)
{
	return PHYS_PFN(memblock_start_of_DRAM());
}

/* Pages of [start_pfn, end_pfn) that no memblock.memory region covers. */
unsigned long __init absent_pages_in_range(unsigned long start_pfn, unsigned long end_pfn)
{
	/* LAB5 BEGIN */
	unsigned long nr_absent = end_pfn - start_pfn, s, e;
	int i;

	for_each_mem_pfn_range(i, MAX_NUMNODES, &s, &e, NULL) {
		s = clamp(s, start_pfn, end_pfn);
		e = clamp(e, start_pfn, end_pfn);
		nr_absent -= e - s;
	}
	return nr_absent;
	/* LAB5 TODO
	lab_todo(5, "zones", "absent_pages_in_range");
	// Until it is written, no page is absent: every zone's present pages are its span.
	(void)start_pfn;
	(void)end_pfn;
	return 0;
	*/
	/* LAB5 END */
}

/* The zone's span inside the node: [lowest, highest] clamped to [node_start, node_end]. */
static unsigned long __init zone_spanned_pages_in_node(int zone_type, unsigned long node_start,
						       unsigned long node_end,
						       unsigned long *zone_start,
						       unsigned long *zone_end)
{
	unsigned long lo = arch_zone_lowest_possible_pfn[zone_type];
	unsigned long hi = arch_zone_highest_possible_pfn[zone_type];

	*zone_start = *zone_end = 0;
	if (!node_start && !node_end)
		return 0;
	if (hi < node_start || lo > node_end)
		return 0;
	*zone_start = max(lo, node_start);
	*zone_end = min(hi, node_end);
	return *zone_end - *zone_start;
}

/* Fill every zone's spanned/present pages and start pfn, and the node's sums. */
static void __init calculate_node_totalpages(struct pglist_data *pgdat, unsigned long node_start,
					     unsigned long node_end)
{
	unsigned long totalpages = 0, realtotalpages = 0;
	int i;

	for (i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *zone = pgdat->node_zones + i;
		unsigned long zstart, zend, size, absent = 0;

		size = zone_spanned_pages_in_node(i, node_start, node_end, &zstart, &zend);
		if (size)
			absent = absent_pages_in_range(zstart, zend);
		zone->zone_start_pfn = size ? zstart : 0;
		zone->spanned_pages = size;
		zone->present_pages = size - absent;
		totalpages += size;
		realtotalpages += size - absent;
	}
	pgdat->node_spanned_pages = totalpages;
	pgdat->node_present_pages = realtotalpages;
	pr_debug("On node %d totalpages: %lu\n", pgdat->node_id, realtotalpages);
}

/* ---- mem_map and the zones' own structures ---------------------------------------------- */

/* Pages holding a zone's part of mem_map: FLATMEM counts the whole span. */
unsigned long __init calc_memmap_size(unsigned long spanned_pages, unsigned long present_pages)
{
	(void)present_pages; /* the present-pages estimate is SPARSEMEM-only */
	return PAGE_ALIGN(spanned_pages * sizeof(struct page)) >> PAGE_SHIFT;
}

/* Bytes of the pageblock bitmap for a zone: 4 bits per pageblock, whole longs. */
unsigned long __init usemap_size(unsigned long zone_start_pfn, unsigned long zonesize)
{
	unsigned long bits;

	zonesize += zone_start_pfn & (pageblock_nr_pages - 1);
	bits = DIV_ROUND_UP(zonesize, pageblock_nr_pages) * NR_PAGEBLOCK_BITS;
	bits = round_up(bits, 8 * sizeof(unsigned long));
	return bits / 8;
}

/* Allocate the zone's pageblock bitmap from memblock (zeroed: MIGRATE_UNMOVABLE). Not
 * inlined, so that memblock=debug names it as the caller, as Linux's traces do. */
static noinline void __init setup_usemap(struct zone *zone)
{
	unsigned long size = usemap_size(zone->zone_start_pfn, zone->spanned_pages);

	zone->pageblock_flags = NULL;
	if (!size)
		return;
	zone->pageblock_flags = memblock_alloc_node(size, SMP_CACHE_BYTES, zone->zone_pgdat->node_id);
	if (!zone->pageblock_flags)
		panic("Failed to allocate %lu bytes for zone %s pageblock flags on node %d\n", size,
		      zone->name, zone->zone_pgdat->node_id);
}

/* Empty free lists for every order and migratetype. */
static void __init zone_init_free_lists(struct zone *zone)
{
	unsigned int order, t;

	for (order = 0; order < MAX_ORDER; order++) {
		for (t = 0; t < MIGRATE_TYPES; t++)
			INIT_LIST_HEAD(&zone->free_area[order].free_list[t]);
		zone->free_area[order].nr_free = 0;
	}
}

/* A populated zone is ready to receive pages: empty lists, counted in nr_zones. */
static void __init init_currently_empty_zone(struct zone *zone, unsigned long zone_start_pfn,
					     unsigned long size)
{
	struct pglist_data *pgdat = zone->zone_pgdat;
	int nr = zone_idx(zone) + 1;

	(void)size;
	if (nr > pgdat->nr_zones)
		pgdat->nr_zones = nr;
	zone->zone_start_pfn = zone_start_pfn;
	zone_init_free_lists(zone);
	zone->initialized = 1;
}

/* Name, node link, lock, first managed-pages estimate and the boot pageset. */
static void __init zone_init_internals(struct zone *zone, enum zone_type idx, int nid,
				       unsigned long remaining_pages)
{
	(void)nid;
	zone->managed_pages = remaining_pages;
	zone->name = zone_names[idx];
	zone->zone_pgdat = NODE_DATA(nid);
	spin_lock_init(&zone->lock);
	zone_init_free_lists(zone);
	zone_pcp_init(zone);
}

/* Per zone: managed = present minus its mem_map pages (lowmem zones), usemap, free lists. */
static void __init free_area_init_core(struct pglist_data *pgdat)
{
	int nid = pgdat->node_id;
	enum zone_type j;

	for (j = 0; j < MAX_NR_ZONES; j++) {
		struct zone *zone = pgdat->node_zones + j;
		unsigned long size = zone->spanned_pages, freesize = zone->present_pages;
		unsigned long memmap_pages = calc_memmap_size(size, freesize);

		/* LAB5 BEGIN */
		if (!is_highmem_idx(j)) {
			if (freesize >= memmap_pages) {
				freesize -= memmap_pages;
				if (memmap_pages)
					pr_debug("  %s zone: %lu pages used for memmap\n",
						 zone_names[j], memmap_pages);
			} else {
				pr_warn("  %s zone: %lu memmap pages exceeds freesize %lu\n",
					zone_names[j], memmap_pages, freesize);
			}
		}
		/* LAB5 TODO
		lab_todo(5, "zones", "free_area_init_core");
		// Until it is written, mem_map costs nothing: the first managed estimate is present.
		*/
		/* LAB5 END */
		if (j == 0 && freesize > dma_reserve)
			freesize -= dma_reserve;
		if (!is_highmem_idx(j))
			nr_kernel_pages += freesize;
		else if (nr_kernel_pages > memmap_pages * 2) /* charge highmem's memmap */
			nr_kernel_pages -= memmap_pages;
		nr_all_pages += freesize;

		VM_BUG_ON(zone->present_pages > size || freesize > zone->present_pages);
		zone_init_internals(zone, j, nid, freesize);
		if (!size)
			continue;
		setup_usemap(zone);
		init_currently_empty_zone(zone, zone->zone_start_pfn, size);
	}
}

/* Memory for a memory map: raw (memmap_init writes every entry), cache-line aligned. Not
 * inlined: memblock=debug names it as the caller, as in Linux's traces. */
static noinline __attribute__((noclone)) void *__init
memmap_alloc(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr, int nid)
{
	return memblock_alloc_try_nid_raw(size, align, min_addr, MEMBLOCK_ALLOC_ACCESSIBLE, nid);
}

/* mem_map for the node's span rounded out to MAX_ORDER blocks; mem_map indexes it by pfn. */
static void __init alloc_node_mem_map(struct pglist_data *pgdat)
{
	unsigned long start, offset, end, size;
	struct page *map;

	if (!pgdat->node_spanned_pages)
		return;
	start = pgdat->node_start_pfn & ~(MAX_ORDER_NR_PAGES - 1);
	offset = pgdat->node_start_pfn - start;
	end = ALIGN(pgdat_end_pfn(pgdat), MAX_ORDER_NR_PAGES);
	size = (end - start) * sizeof(struct page);
	map = memmap_alloc(size, SMP_CACHE_BYTES, MEMBLOCK_LOW_LIMIT, pgdat->node_id);
	if (!map)
		panic("Failed to allocate %lu bytes for node %d memory map\n", size,
		      pgdat->node_id);
	pgdat->node_mem_map = map + offset;
	pr_debug("%s: node %d, pgdat %08lx, node_mem_map %08lx\n", __func__, pgdat->node_id,
		 (unsigned long)pgdat, (unsigned long)pgdat->node_mem_map);
	if (pgdat == NODE_DATA(0))
		mem_map = pgdat->node_mem_map - (pgdat->node_start_pfn - ARCH_PFN_OFFSET);
}

/* Set up node nid: its span, zones, mem_map. Prints "Initmem setup node N [mem ...]". */
static void __init free_area_init_node(int nid)
{
	pg_data_t *pgdat = NODE_DATA(nid);
	unsigned long start_pfn, end_pfn;

	/* a fresh node each time (the host tests run free_area_init on many layouts) */
	memset(pgdat, 0, sizeof(*pgdat));
	get_pfn_range_for_nid(nid, &start_pfn, &end_pfn);
	pgdat->node_id = nid;
	pgdat->node_start_pfn = start_pfn;
	if (start_pfn != end_pfn)
		pr_info("Initmem setup node %d [mem %#018Lx-%#018Lx]\n", nid,
			(u64)start_pfn << PAGE_SHIFT, ((u64)end_pfn << PAGE_SHIFT) - 1);
	else
		pr_info("Initmem setup node %d as memoryless\n", nid);
	calculate_node_totalpages(pgdat, start_pfn, end_pfn);
	alloc_node_mem_map(pgdat);
	free_area_init_core(pgdat);
}

/* ---- struct page initialisation (memmap_init) ------------------------------------------- */

/*
 * Zero one struct page with word stores (Linux's mm_zero_struct_page): the kernel is built
 * -ffreestanding, so memset stays a call, which for 32 bytes costs more than the stores, and
 * memmap_init does this 245,760 times.
 */
static inline void mm_zero_struct_page(struct page *page)
{
	unsigned long *w = (unsigned long *)page;

	/* word by word, written out (a loop would become memset again): 8 on ARM, 7 on hosts */
	_Static_assert(sizeof(struct page) % sizeof(unsigned long) == 0 &&
		       sizeof(struct page) / sizeof(unsigned long) >= 7 &&
		       sizeof(struct page) / sizeof(unsigned long) <= 9, "struct page in words");
	switch (sizeof(struct page) / sizeof(unsigned long)) {
	case 9:
		w[8] = 0;
		__attribute__((fallthrough));
	case 8:
		w[7] = 0;
		__attribute__((fallthrough));
	default:
		w[6] = 0, w[5] = 0, w[4] = 0, w[3] = 0, w[2] = 0, w[1] = 0, w[0] = 0;
	}
}

/* A blank struct page of zone/nid: refcount 1, no mappings, empty list link. */
static void __init __init_single_page(struct page *page, unsigned long pfn, enum zone_type zone,
				      int nid)
{
	mm_zero_struct_page(page);
	set_page_links(page, zone, nid, pfn);
	init_page_count(page);
	page_mapcount_reset(page);
	INIT_LIST_HEAD(&page->lru);
}

/*
 * Initialise [start_pfn, start_pfn + size) of zone and give each pageblock migratetype.
 * As in Linux, memory pages get no PG_reserved here: memblock_free_all's
 * reserve_bootmem_region marks the memblock-reserved and NOMAP ones, and the rest go to the
 * buddy allocator (kernel/mm/memblock_free_all.c). Until then nothing allocates pages.
 */
static void __init memmap_init_range(unsigned long size, int nid, enum zone_type zone,
				     unsigned long start_pfn, int migratetype)
{
	unsigned long pfn, end_pfn = start_pfn + size;

	for (pfn = start_pfn; pfn < end_pfn; pfn++) {
		struct page *page = pfn_to_page(pfn);

		__init_single_page(page, pfn, zone, nid);
		if (IS_ALIGNED(pfn, pageblock_nr_pages))
			set_pageblock_migratetype(page, migratetype);
	}
}

/* Holes with a struct page: initialise them reserved; report how many. */
static void __init init_unavailable_range(unsigned long spfn, unsigned long epfn,
					  enum zone_type zone, int node)
{
	unsigned long pfn;
	u64 pgcnt = 0;

	/* LAB5 BEGIN */
	for (pfn = spfn; pfn < epfn; pfn++) {
		if (!pfn_valid(ALIGN_DOWN(pfn, pageblock_nr_pages))) {
			pfn = ALIGN_DOWN(pfn, pageblock_nr_pages) + pageblock_nr_pages - 1;
			continue;
		}
		__init_single_page(pfn_to_page(pfn), pfn, zone, node);
		__SetPageReserved(pfn_to_page(pfn));
		pgcnt++;
	}
	if (pgcnt)
		pr_info("On node %d, zone %s: %lld pages in unavailable ranges", node,
			zone_names[zone], (long long)pgcnt);
	/* LAB5 TODO
	lab_todo(5, "zones", "init_unavailable_range");
	// Until it is written, hole pages get a blank struct page: not PG_reserved, not counted.
	for (pfn = spfn; pfn < epfn; pfn++)
		if (pfn_valid(pfn))
			__init_single_page(pfn_to_page(pfn), pfn, zone, node);
	(void)pgcnt;
	*/
	/* LAB5 END */
}

/* The part of memory range [start_pfn, end_pfn) inside zone, and the hole before it. */
static void __init memmap_init_zone_range(struct zone *zone, unsigned long start_pfn,
					  unsigned long end_pfn, unsigned long *hole_pfn)
{
	unsigned long zstart = zone->zone_start_pfn, zend = zone_end_pfn(zone);
	enum zone_type zone_id = (enum zone_type)zone_idx(zone);
	int nid = zone->zone_pgdat->node_id;

	start_pfn = clamp(start_pfn, zstart, zend);
	end_pfn = clamp(end_pfn, zstart, zend);
	if (start_pfn >= end_pfn)
		return;
	memmap_init_range(end_pfn - start_pfn, nid, zone_id, start_pfn, MIGRATE_MOVABLE);
	if (*hole_pfn < start_pfn)
		init_unavailable_range(*hole_pfn, start_pfn, zone_id, nid);
	*hole_pfn = end_pfn;
}

/* Every struct page of every memory region in a populated zone, and the holes between. */
static void __init memmap_init(void)
{
	unsigned long start_pfn, end_pfn, hole_pfn = 0;
	int i, j, nid;

	for_each_mem_pfn_range(i, MAX_NUMNODES, &start_pfn, &end_pfn, &nid) {
		struct pglist_data *node = NODE_DATA(nid);

		for (j = 0; j < MAX_NR_ZONES; j++) {
			struct zone *zone = node->node_zones + j;

			if (populated_zone(zone))
				memmap_init_zone_range(zone, start_pfn, end_pfn, &hole_pfn);
		}
	}
	/* FLATMEM: nothing after the last region (Linux rounds up to a section for SPARSEMEM) */
}

/* ---- free_area_init --------------------------------------------------------------------- */

/* "Zone ranges:" (all but Movable), "Movable zone start...", "Early memory node ranges". */
static void __init print_zone_ranges(void)
{
	unsigned long start_pfn, end_pfn;
	int i, nid;

	pr_info("Zone ranges:\n");
	for (i = 0; i < MAX_NR_ZONES; i++) {
		if (i == ZONE_MOVABLE)
			continue;
		pr_info("  %-8s ", zone_names[i]);
		if (arch_zone_lowest_possible_pfn[i] == arch_zone_highest_possible_pfn[i])
			pr_cont("empty\n");
		else
			pr_cont("[mem %#018Lx-%#018Lx]\n",
				(u64)arch_zone_lowest_possible_pfn[i] << PAGE_SHIFT,
				((u64)arch_zone_highest_possible_pfn[i] << PAGE_SHIFT) - 1);
	}
	pr_info("Movable zone start for each node\n");
	for (i = 0; i < MAX_NUMNODES; i++)
		if (zone_movable_pfn[i])
			pr_info("  Node %d: %#018Lx\n", i, (u64)zone_movable_pfn[i] << PAGE_SHIFT);
	pr_info("Early memory node ranges\n");
	for_each_mem_pfn_range(i, MAX_NUMNODES, &start_pfn, &end_pfn, &nid)
		pr_info("  node %3d: [mem %#018Lx-%#018Lx]\n", nid, (u64)start_pfn << PAGE_SHIFT,
			((u64)end_pfn << PAGE_SHIFT) - 1);
}

/*
 * Build node 0 from memblock.memory and the zone limits max_zone_pfn[] (each zone ends where
 * the next begins; the first starts at the lowest memory pfn), then initialise mem_map.
 */
void __init free_area_init(unsigned long *max_zone_pfn)
{
	unsigned long start_pfn = find_min_pfn_with_active_regions(), end_pfn;
	int i;

	memset(arch_zone_lowest_possible_pfn, 0, sizeof(arch_zone_lowest_possible_pfn));
	memset(arch_zone_highest_possible_pfn, 0, sizeof(arch_zone_highest_possible_pfn));
	memset(zone_movable_pfn, 0, sizeof(zone_movable_pfn));
	nr_kernel_pages = nr_all_pages = 0;
	for (i = 0; i < MAX_NR_ZONES; i++) {
		if (i == ZONE_MOVABLE)
			continue;
		end_pfn = max(max_zone_pfn[i], start_pfn);
		arch_zone_lowest_possible_pfn[i] = start_pfn;
		arch_zone_highest_possible_pfn[i] = end_pfn;
		start_pfn = end_pfn;
	}
	print_zone_ranges();
	free_area_init_node(0);
	memmap_init();
}
