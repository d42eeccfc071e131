/*
 * cma_activate.c - CMA areas join the buddy allocator (Linux 6.1's mm/cma.c
 * cma_init_reserved_areas and cma_activate_area). Kept apart from cma.c, which the "of" host tests compile without the page allocator.
 *
 * Where it sits in the boot pipeline:
 *
 *   arm_memblock_init ... cma_declare_contiguous: the area is memblock-reserved, so the
 *                         hand-over (memblock_free_all) leaves its pages PG_reserved
 *   "Memory: ..." line    the area counts as cma-reserved
 *   core_initcall cma_init_reserved_areas -> cma_activate_area, per area:
 *     bitmap_zalloc of the area (1 bit per 2^order_per_bit pages, whole longs)
 *     every pfn in one zone?  no -> "CMA area %s could not be activated", pages freed as normal
 *     each pageblock: init_cma_reserved_pageblock (page_alloc.c)
 *       pageblock MIGRATE_CMA, one free order-10 block, managed += 1024, zone->cma_pages += 1024
 *
 * The bitmap comes from kzalloc (Linux's bitmap_zalloc): slab is up since mm_init's
 * kmem_cache_init, long before the core_initcalls.
 */
#define pr_fmt(fmt) "cma: " fmt

#include <linux/cma.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <pimm/lab.h>
#include "internal.h"

/*
 * See gfp.h (Linux: mm/page_alloc.c, CONFIG_CMA). The pageblock's pages were reserved since
 * memblock; they become one free order-10 MIGRATE_CMA block, managed and counted in cma_pages.
 */
void init_cma_reserved_pageblock(struct page *page)
{
	/* LAB7 BEGIN */
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
	/* LAB7 TODO
	lab_todo(7, "cma", "init_cma_reserved_pageblock");
	// Until it is written, the pageblock's pages are freed one by one as ordinary memory.
	unsigned int i;

	for (i = 0; i < pageblock_nr_pages; i++)
		free_reserved_page(page + i);
	*/
	/* LAB7 END */
}

/* The area's pageblocks become free MIGRATE_CMA blocks, or (spanning two zones) plain pages. */
static void cma_activate_area(struct cma *cma)
{
	unsigned long base_pfn = cma->base_pfn, pfn;
	unsigned long bytes = DIV_ROUND_UP(cma_bitmap_maxno(cma), 8 * sizeof(long)) * sizeof(long);
	struct zone *zone;

	cma->bitmap = kzalloc(bytes, GFP_KERNEL);
	if (!cma->bitmap)
		goto out_error;
	/*
	 * a contiguous allocation must come from one zone: so must the whole area. Linux warns
	 * about a pfn without a struct page and reads it anyway; pimm warns and gives up on the
	 * area (a reserved-memory pool beyond mem=, say), touching only valid pfns.
	 */
	if (WARN_ON_ONCE(!pfn_valid(base_pfn)))
		goto not_in_zone;
	zone = page_zone(pfn_to_page(base_pfn));
	for (pfn = base_pfn + 1; pfn < base_pfn + cma->count; pfn++) {
		if (WARN_ON_ONCE(!pfn_valid(pfn)))
			goto not_in_zone;
		if (page_zone(pfn_to_page(pfn)) != zone)
			goto not_in_zone;
	}
	for (pfn = base_pfn; pfn < base_pfn + cma->count; pfn += pageblock_nr_pages)
		init_cma_reserved_pageblock(pfn_to_page(pfn));
	return;

not_in_zone:
	kfree(cma->bitmap);
	cma->bitmap = NULL;
out_error:
	/* useless for CMA: give the pages to the allocator as ordinary memory */
	for (pfn = base_pfn; pfn < base_pfn + cma->count; pfn++)
		if (pfn_valid(pfn))
			free_reserved_page(pfn_to_page(pfn));
	totalcma_pages -= cma->count;
	cma->count = 0;
	pr_err("CMA area %s could not be activated\n", cma->name);
}

/* See cma.h. */
int cma_init_reserved_areas(void)
{
	unsigned int i;

	for (i = 0; i < cma_area_count; i++)
		cma_activate_area(&cma_areas[i]);
	return 0;
}
core_initcall(cma_init_reserved_areas);
