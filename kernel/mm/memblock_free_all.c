/*
 * memblock_free_all.c - the hand-over from memblock to the buddy allocator (Linux 6.1's
 * mm/memblock.c memblock_free_all and its helpers, and memblock_free_late), with the page-level
 * steps Linux keeps in mm/page_alloc.c (__free_pages_core, reserve_bootmem_region,
 * adjust_managed_page_count, free_reserved_page, free_reserved_area). pimm keeps them apart
 * from memblock.c because they need struct pages and the allocator, which the memblock host
 * tests, compiling memblock.c alone, do not have.
 *
 * Where it sits in the boot pipeline:
 *
 *   mm_init -> mem_init (arch/arm/mm/init.c) -> memblock_free_all
 *     reset_all_zones_managed_pages        managed = 0 everywhere (the estimate is dropped)
 *     free_low_memory_core_early
 *       memmap_init_reserved_pages         PG_reserved on reserved and NOMAP pages
 *       for each free range (memory - reserved, NOMAP skipped):
 *         __free_memory_core               its whole lowmem pages
 *           __free_pages_memory            largest naturally aligned blocks, order <= 10
 *             memblock_free_pages -> __free_pages_core (page_alloc.c)
 *     totalram_pages += pages freed
 *   then free_highpages (ARM) frees HighMem page by page.
 *
 *   free range [pfn 0x9 .......................................... 0x1405)
 *   blocks      0x9 | 0xa-0xb | 0xc-0xf | 0x10-0x1f | ... | 0x400-0x7ff | 0x800-0xfff |
 *               0x1000-0x13ff | 0x1400-0x1403 | 0x1404   (order = lowest set bit, capped)
 */
#include <string.h>

#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/pfn.h>
#include <linux/printk.h>
#include "internal.h"

/* ---- pages leaving memblock's reservations for the allocator (Linux: mm/page_alloc.c) ---- */

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

/* ---- memblock_free_all (Linux: mm/memblock.c) ---- */

/* See memblock.h. */
void reset_node_managed_pages(pg_data_t *pgdat)
{
	struct zone *z;

	for (z = pgdat->node_zones; z < pgdat->node_zones + MAX_NR_ZONES; z++)
		z->managed_pages = 0;
}

/* See memblock.h. Only the first call resets (as Linux's reset_managed_pages_done). */
void reset_all_zones_managed_pages(void)
{
	static int reset_managed_pages_done;

	if (reset_managed_pages_done)
		return;
	reset_node_managed_pages(NODE_DATA(0));
	reset_managed_pages_done = 1;
}

/* PG_reserved on every page of every reserved region and of every NOMAP memory region. */
static void memmap_init_reserved_pages(void)
{
	struct memblock_region *region;
	phys_addr_t start, end;
	u64 i;

	for_each_reserved_mem_range(i, &start, &end)
		reserve_bootmem_region(start, end);
	for_each_mem_region(region) {
		if (memblock_is_nomap(region)) {
			start = region->base;
			end = start + region->size;
			reserve_bootmem_region(start, end);
		}
	}
}

/* Free pfns [start, end) as the largest naturally aligned blocks, order <= MAX_ORDER - 1. */
static void __free_pages_memory(unsigned long start, unsigned long end)
{
	unsigned int order;

	while (start < end) {
		/* the lowest set bit of start bounds the alignment (pfn 0: any) */
		order = start ? min((unsigned int)MAX_ORDER - 1, (unsigned int)__builtin_ctzl(start))
			      : MAX_ORDER - 1;
		while (start + (1UL << order) > end)
			order--;
		memblock_free_pages(pfn_to_page(start), start, order);
		start += 1UL << order;
	}
}

/* The whole lowmem pages of [start, end) to the allocator; how many. */
static unsigned long __free_memory_core(phys_addr_t start, phys_addr_t end)
{
	unsigned long start_pfn = PFN_UP(start);
	unsigned long end_pfn = min_t(unsigned long, PFN_DOWN(end), max_low_pfn);

	if (start_pfn >= end_pfn)
		return 0;
	__free_pages_memory(start_pfn, end_pfn);
	return end_pfn - start_pfn;
}

/* Mark what stays reserved, then free every free range; how many pages were freed. */
static unsigned long free_low_memory_core_early(void)
{
	unsigned long count = 0;
	phys_addr_t start, end;
	u64 i;

	memblock_clear_hotplug(0, (phys_addr_t)-1);
	memmap_init_reserved_pages();
	for_each_free_mem_range(i, NUMA_NO_NODE, MEMBLOCK_NONE, &start, &end, NULL)
		count += __free_memory_core(start, end);
	return count;
}

/* See memblock.h. (Linux first frees the mem_map of holes, free_unused_memmap: pimm's
 * single-bank boards have none.) */
void memblock_free_all(void)
{
	unsigned long pages;

	reset_all_zones_managed_pages();
	pages = free_low_memory_core_early();
	totalram_pages_add((long)pages);
}

/* See memblock.h. */
noinline void memblock_free_late(phys_addr_t base, phys_addr_t size)
{
	phys_addr_t end = base + size - 1;
	unsigned long cursor, end_pfn;

	if (memblock_debug)
		pr_info("%s: [%pa-%pa] %pS\n", __func__, &base, &end,
			(void *)_RET_IP_);
	cursor = PFN_UP(base);
	end_pfn = PFN_DOWN(base + size);
	for (; cursor < end_pfn; cursor++) {
		memblock_free_pages(pfn_to_page(cursor), cursor, 0);
		totalram_pages_add(1);
	}
}
