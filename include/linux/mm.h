/*
 * mm.h - the page allocator's view of memory: pfn <-> struct page, a page's zone and node,
 * reference counts, and the entry points of the zone set-up stage (Linux 6.1's
 * include/linux/mm.h, FLATMEM).
 *
 * Where it sits: bootmem_init (arch/arm/mm/init.c) computes the pfn limits and calls
 * free_area_init (kernel/mm/page_alloc.c), which builds contig_page_data and mem_map;
 * start_kernel then calls build_all_zonelists and setup_per_cpu_pageset.
 *
 *   pfn:     min_low_pfn ............ max_low_pfn ............ max_pfn
 *   zones:   [ Normal (lowmem, linear map)   )[ HighMem (kmap only) )
 *   mem_map: [ struct page for each pfn of the node, 32 bytes each           ]
 *   pfn_to_page(pfn) = mem_map + (pfn - PHYS_PFN_OFFSET)
 */
#ifndef _LINUX_MM_H
#define _LINUX_MM_H

#include <linux/gfp.h>
#include <linux/mm_types.h>
#include <linux/mmdebug.h>
#include <linux/mmzone.h>
#include <linux/page-flags.h>
#include <linux/pfn.h>
#include <asm/memory.h>
#include <asm/page.h>

/* pfn limits (Linux: mm/memblock.c), set by bootmem_init's find_limits. */
extern unsigned long min_low_pfn, max_low_pfn, max_pfn;
/* node 0's map, offset so that pfn_to_page works for every pfn of the node */
extern struct page *mem_map;
/* Non-highmem and all pages the zones start with (free_area_init_core): hash sizing. */
extern unsigned long nr_kernel_pages, nr_all_pages;

#define ARCH_PFN_OFFSET ((unsigned long)(PHYS_OFFSET >> PAGE_SHIFT))
#define pfn_to_page(pfn) (mem_map + ((pfn) - ARCH_PFN_OFFSET))
#define page_to_pfn(page) ((unsigned long)((page) - mem_map) + ARCH_PFN_OFFSET)
#define page_to_phys(page) PFN_PHYS(page_to_pfn(page))
#define phys_to_page(pa) pfn_to_page(PHYS_PFN(pa))
#define virt_to_page(va) pfn_to_page(PHYS_PFN(__pa(va)))

/* Has this pfn a struct page? (ARM's pfn_valid: a pageblock overlapping memblock.memory.) */
int pfn_valid(unsigned long pfn);

static inline enum zone_type page_zonenum(const struct page *page)
{
	return (enum zone_type)((page->flags >> ZONES_PGSHIFT) & ZONES_MASK);
}

static inline int page_to_nid(const struct page *page)
{
	(void)page;
	return 0;
}

static inline struct zone *page_zone(const struct page *page)
{
	return &NODE_DATA(page_to_nid(page))->node_zones[page_zonenum(page)];
}

static inline bool PageHighMem(const struct page *page)
{
	return is_highmem_idx(page_zonenum(page));
}

static inline void set_page_zone(struct page *page, enum zone_type zone)
{
	page->flags &= ~(ZONES_MASK << ZONES_PGSHIFT);
	page->flags |= ((unsigned long)zone & ZONES_MASK) << ZONES_PGSHIFT;
}

static inline void set_page_links(struct page *page, enum zone_type zone, int nid,
				  unsigned long pfn)
{
	(void)nid;
	(void)pfn;
	set_page_zone(page, zone);
}

static inline int page_ref_count(const struct page *page)
{
	return __atomic_load_n(&page->_refcount.counter, __ATOMIC_RELAXED);
}

static inline void set_page_count(struct page *page, int v)
{
	__atomic_store_n(&page->_refcount.counter, v, __ATOMIC_RELAXED);
}

static inline void init_page_count(struct page *page)
{
	set_page_count(page, 1);
}

/* page_ref_*: the reference count, atomically (Linux's include/linux/page_ref.h). */
static inline void page_ref_add(struct page *page, int nr)
{
	__atomic_add_fetch(&page->_refcount.counter, nr, __ATOMIC_RELAXED);
}

static inline void page_ref_sub(struct page *page, int nr)
{
	__atomic_sub_fetch(&page->_refcount.counter, nr, __ATOMIC_RELAXED);
}

static inline void page_ref_inc(struct page *page)
{
	page_ref_add(page, 1);
}

static inline void page_ref_dec(struct page *page)
{
	page_ref_sub(page, 1);
}

/* Drop one reference; true if it was the last (full barrier, as atomic_dec_and_test). */
static inline bool page_ref_dec_and_test(struct page *page)
{
	return __atomic_sub_fetch(&page->_refcount.counter, 1, __ATOMIC_SEQ_CST) == 0;
}

static inline int page_count(const struct page *page)
{
	return page_ref_count(page);
}

/* A new page's single reference (post_alloc_hook). */
static inline void set_page_refcounted(struct page *page)
{
	set_page_count(page, 1);
}

static inline void get_page(struct page *page)
{
	page_ref_inc(page);
}

/* Drop a reference; true when the page is now free to give back (refcount reached 0). */
static inline bool put_page_testzero(struct page *page)
{
	VM_BUG_ON_PAGE(page_ref_count(page) == 0, page);
	return page_ref_dec_and_test(page);
}

/* _mapcount starts at -1: "mapped by nobody". */
static inline void page_mapcount_reset(struct page *page)
{
	page->_mapcount.counter = -1;
}

static inline int page_mapcount(const struct page *page)
{
	return page->_mapcount.counter + 1;
}

static inline unsigned long page_private(const struct page *page)
{
	return page->private;
}

static inline void set_page_private(struct page *page, unsigned long private)
{
	page->private = private;
}

/* Buddy order of a free block's head page (valid while PageBuddy). */
static inline unsigned int buddy_order(const struct page *page)
{
	return (unsigned int)page_private(page);
}

/* The pageblock's migratetype (MIGRATE_MOVABLE after boot, see memmap_init). */
#define get_pageblock_migratetype(page)                                                           \
	get_pfnblock_flags_mask(page, page_to_pfn(page), MIGRATETYPE_MASK)
void set_pageblock_migratetype(struct page *page, int migratetype);

/* Lowmem pages have a fixed kernel address; highmem ones only while kmapped (NULL here). */
static inline void *lowmem_page_address(const struct page *page)
{
	return __va(PFN_PHYS(page_to_pfn(page)));
}

#ifdef CONFIG_HIGHMEM
/*
 * A page's kernel address: lowmem's linear one; a HighMem page's pkmap address while kmap()ped,
 * found in the page-address hash (kernel/mm/highmem.c: ARM has no `virtual` in struct page);
 * else NULL.
 */
void *page_address(const struct page *page);
#else
/* A page's kernel address: the linear one (without CONFIG_HIGHMEM every page is lowmem). */
static inline void *page_address(const struct page *page)
{
	return lowmem_page_address(page);
}
#endif

/* ---- page counts (kernel/mm/page_alloc.c) ---- */

/* Pages the buddy allocator manages (Linux's _totalram_pages, _totalhigh_pages). */
extern long _totalram_pages, _totalhigh_pages;
static inline unsigned long totalram_pages(void)
{
	return (unsigned long)__atomic_load_n(&_totalram_pages, __ATOMIC_RELAXED);
}

static inline void totalram_pages_add(long count)
{
	__atomic_add_fetch(&_totalram_pages, count, __ATOMIC_RELAXED);
}

static inline unsigned long totalhigh_pages(void)
{
	return (unsigned long)__atomic_load_n(&_totalhigh_pages, __ATOMIC_RELAXED);
}

/* Free pages in the buddy lists of every zone (NR_FREE_PAGES summed). */
unsigned long nr_free_pages(void);
/* Pages above the high watermark in the zones GFP_USER may use (Normal). */
unsigned long nr_free_buffer_pages(void);
/* count more (or fewer) pages managed by the allocator: zone, totalram, totalhigh. */
void adjust_managed_page_count(struct page *page, long count);
/* Hand a PG_reserved page to the allocator (free_highpages, free_initmem). */
void free_reserved_page(struct page *page);
/* free_reserved_page of every whole page in [start, end); prints "Freeing %s memory: %ldK". */
unsigned long free_reserved_area(void *start, void *end, int poison, const char *s);
/*
 * ARM's mem_init (arch/arm/mm/mem_init.c): memblock_free_all, then free_highpages (HighMem's
 * free pages one by one). Called by mm_init; afterwards every free page is in the allocator.
 */
void mem_init(void);
/* CNTVCT ticks mem_init took (tools/bench reads it). */
extern u64 mem_init_ticks;
/* "Memory: xK/yK available (...)" (kernel/mm/mem_init_print_info.c), right after mem_init. */
void mem_init_print_info(void);
/* Poison and free the init sections: "Freeing unused kernel image (initmem) memory: NK". */
void free_initmem(void);
/* pimm (the shell's hvc): put back the init sections free_initmem saved; false if none. */
bool initmem_restore(void);
/* Linux registers the pcp CPU-hotplug callbacks here; pimm has none to register (page_alloc.c). */
void page_alloc_init(void);
/* PG_reserved on every struct page of [start, end), page-rounded outwards (memblock_free_all). */
void reserve_bootmem_region(phys_addr_t start, phys_addr_t end);

/* ---- watermarks (kernel/mm/page_alloc.c; postcore_initcall in Linux) ---- */

extern int min_free_kbytes, user_min_free_kbytes, watermark_boost_factor,
	watermark_scale_factor;
extern int sysctl_lowmem_reserve_ratio[MAX_NR_ZONES];
extern unsigned long totalreserve_pages;
/* min_free_kbytes = clamp(int_sqrt(lowmem KiB * 16), 128, 262144). */
void calculate_min_free_kbytes(void);
/* Per-zone min/low/high/promo watermarks from min_free_kbytes, then pcp high/batch. */
void setup_per_zone_wmarks(void);
/* lowmem_reserve[] of each zone against allocations that could use higher zones. */
void setup_per_zone_lowmem_reserve(void);
/* The three above in Linux's order (postcore_initcall); returns 0. */
int init_per_zone_wmark_min(void);
/* New pcp high/batch for zone's pagesets (zone_pcp_update). */
void zone_pcp_update(struct zone *zone, int cpu_online);

/*
 * mm-check for the buddy allocator (kernel/mm/debug.c): free blocks inside their zone,
 * aligned, PageBuddy with their order, on the CMA list iff in a CMA pageblock (other types
 * may sit on a stolen type's list), every PageBuddy page listed, no two free buddies left
 * unmerged, nr_free and NR_FREE_PAGES / NR_FREE_CMA_PAGES exact, per-CPU list counts exact,
 * free pages with refcount 0, managed = free + per-CPU + allocated. One report() line per
 * violation; returns how many.
 */
int check_free_areas(void (*report)(const char *fmt, ...) __printf(1, 2));

/* ---- the zone set-up stage (kernel/mm/page_alloc.c) ---- */

/* Build node 0: zone spans, mem_map, zones, pageblock bits; prints Zone ranges etc. */
void free_area_init(unsigned long *max_zone_pfn);
/* Fallback zonelists + boot pagesets; prints "Built 1 zonelists ...  Total pages: N". */
void build_all_zonelists(pg_data_t *pgdat);
/* Replace the boot pagesets of populated zones by real per-CPU ones (zone_batchsize). */
void setup_per_cpu_pageset(void);
/* Sum of (managed - high watermark) over the zonelist zones up to `offset`. */
unsigned long nr_free_zone_pages(int offset);
/* Node nid's pfn range over all memblock.memory regions (NOMAP included). */
void get_pfn_range_for_nid(unsigned int nid, unsigned long *start_pfn, unsigned long *end_pfn);
/* Memory pages in [start_pfn, end_pfn) not covered by memblock.memory: holes. */
unsigned long absent_pages_in_range(unsigned long start_pfn, unsigned long end_pfn);
/* pcp batch and high of a zone (Linux's static helpers, exported for zoneinfo and tests). */
int zone_batchsize(struct zone *zone);
int zone_highsize(struct zone *zone, int batch, int cpu_online);
/* Bytes of a zone's pageblock bitmap (setup_usemap). */
unsigned long usemap_size(unsigned long zone_start_pfn, unsigned long zonesize);
/* The pfn's pageblock migratetype name ("Movable"...). */
const char *pageblock_migratetype_name(unsigned long pfn);
/* Pages of mem_map a zone of `spanned` pages needs (calc_memmap_size, FLATMEM). */
unsigned long calc_memmap_size(unsigned long spanned_pages, unsigned long present_pages);

/*
 * mm-check: each zone spanned >= present >= managed, inside node 0, not overlapping another,
 * every pageblock's migratetype valid; every struct page of every memory pfn links to the
 * zone spanning it and to node 0. One report() line per violation; returns how many.
 */
int zone_check(void (*report)(const char *fmt, ...) __printf(1, 2));

extern int page_group_by_mobility_disabled;
/* free_area_init's zone bounds, kept for later stages and the shell. */
extern unsigned long arch_zone_lowest_possible_pfn[MAX_NR_ZONES];
extern unsigned long arch_zone_highest_possible_pfn[MAX_NR_ZONES];

#endif
