/*
 * cma.h - contiguous memory areas (kernel/mm/cma.c): Linux 6.1's include/linux/cma.h and the
 * boot-time part of include/linux/dma-map-ops.h (kernel/dma/contiguous.c).
 *
 * Where it sits in the boot pipeline (arm_memblock_init):
 *
 *   early_init_fdt_scan_reserved_mem -> fdt_init_reserved_mem -> rmem_cma_setup
 *        a reusable shared-dma-pool node  -> cma_init_reserved_mem  ("Reserved memory: created
 *                                             CMA memory pool at ...")
 *   dma_contiguous_reserve(arm_dma_limit)    the default area from cma= or CONFIG_CMA_SIZE_MBYTES,
 *        unless a linux,cma-default node made one -> cma_declare_contiguous ("cma: Reserved ...")
 *   dma_contiguous_early_fixup               records each area for paging_init's
 *                                            dma_contiguous_remap (dma_mmu_remap[])
 *
 * The areas stay memblock-reserved until cma_init_reserved_areas (core_initcall) gives their
 * pageblocks to the buddy allocator as MIGRATE_CMA.
 */
#ifndef _LINUX_CMA_H
#define _LINUX_CMA_H

#include <linux/types.h>

#ifndef CONFIG_CMA_AREAS
#define CONFIG_CMA_AREAS 7
#endif
#define MAX_CMA_AREAS (1 + CONFIG_CMA_AREAS)
#define CMA_MAX_NAME 64
/* pageblock_order 10: CMA areas are aligned to whole pageblocks (4 MiB). */
#define CMA_MIN_ALIGNMENT_PAGES 1024UL
#define CMA_MIN_ALIGNMENT_BYTES (4096UL * CMA_MIN_ALIGNMENT_PAGES)

struct cma {
	unsigned long base_pfn;
	unsigned long count;       /* pages */
	unsigned long *bitmap;     /* 1 bit per 2^order_per_bit pages, from cma_activate_area */
	unsigned int order_per_bit;
	char name[CMA_MAX_NAME];
};

extern struct cma cma_areas[MAX_CMA_AREAS];
extern unsigned int cma_area_count;
extern unsigned long totalcma_pages;

phys_addr_t cma_get_base(const struct cma *cma);
unsigned long cma_get_size(const struct cma *cma);
const char *cma_get_name(const struct cma *cma);

/* Make the memblock-reserved [base, base+size) an area; 0, -EINVAL or -ENOSPC. */
int cma_init_reserved_mem(phys_addr_t base, phys_addr_t size, unsigned int order_per_bit,
			  const char *name, struct cma **res_cma);
/* Reserve (fixed) or allocate (top-down, highmem first) an area and declare it; 0 or -errno. */
int cma_declare_contiguous_nid(phys_addr_t base, phys_addr_t size, phys_addr_t limit,
			       phys_addr_t alignment, unsigned int order_per_bit, bool fixed,
			       const char *name, struct cma **res_cma, int nid);
static inline int cma_declare_contiguous(phys_addr_t base, phys_addr_t size, phys_addr_t limit,
					 phys_addr_t alignment, unsigned int order_per_bit,
					 bool fixed, const char *name, struct cma **res_cma)
{
	return cma_declare_contiguous_nid(base, size, limit, alignment, order_per_bit, fixed,
					  name, res_cma, -1);
}

/*
 * core_initcall (kernel/mm/cma_activate.c): every area's pageblocks become free MIGRATE_CMA
 * blocks of the buddy allocator; an area spanning two zones is freed as ordinary pages
 * ("cma: CMA area %s could not be activated"). Returns 0.
 */
int cma_init_reserved_areas(void);

/* ---- Linux's dma-map-ops.h / kernel/dma/contiguous.c ---- */

/* The default area (linux,cma-default node, else dma_contiguous_reserve's). */
extern struct cma *dma_contiguous_default_area;
/* cma= as parsed by early_cma: size_cmdline is (phys_addr_t)-1 when cma= was not given. */
extern phys_addr_t size_cmdline, base_cmdline, limit_cmdline;

/* Reserve the default area below limit, sized by cma= or CONFIG_CMA_SIZE_MBYTES. */
void dma_contiguous_reserve(phys_addr_t limit);
/* cma_declare_contiguous + dma_contiguous_early_fixup; 0 or -errno. */
int dma_contiguous_reserve_area(phys_addr_t size, phys_addr_t base, phys_addr_t limit,
				struct cma **res_cma, bool fixed);

/* ARM (arch/arm/mm/dma-mapping.c): areas that paging_init's dma_contiguous_remap maps with pages. */
struct dma_contig_early_reserve {
	phys_addr_t base;
	unsigned long size;
};
extern struct dma_contig_early_reserve dma_mmu_remap[MAX_CMA_AREAS];
extern int dma_mmu_remap_num;
void dma_contiguous_early_fixup(phys_addr_t base, unsigned long size);

/* cma= handler (early_param); exported for the host tests. */
int early_cma(char *p);

/* ---- allocation (kernel/mm/cma_alloc.c, Linux's mm/cma.c and lib/bitmap.c) ---- */

/* Linux's CONFIG_CMA_ALIGNMENT: dma_alloc_from_contiguous aligns to at most 2^8 pages. */
#ifndef CONFIG_CMA_ALIGNMENT
#define CONFIG_CMA_ALIGNMENT 8
#endif

struct page;

/*
 * count pages of cma, the first aligned to 2^align pages (align is an order), through
 * alloc_contig_range; each page refcount 1. NULL on failure, reported unless no_warn.
 */
struct page *cma_alloc(struct cma *cma, unsigned long count, unsigned int align, bool no_warn);
/* Does pages lie in cma? */
bool cma_pages_valid(struct cma *cma, const struct page *pages, unsigned long count);
/* Give back count pages from pages (free_contig_range, bits cleared); false if not cma's. */
bool cma_release(struct cma *cma, const struct page *pages, unsigned long count);
/* pimm (for mm-check): cma_alloc/cma_release calls running now (bits and pages may differ). */
extern int cma_in_progress;
/* Pages whose bits are set (allocated by cma_alloc), under cma->lock. */
unsigned long cma_used_pages(struct cma *cma);
/* Is pfn's bit in cma set? */
bool cma_bit_allocated(struct cma *cma, unsigned long pfn);

/* Bits in the area's allocation bitmap (mm/cma.h). */
static inline unsigned long cma_bitmap_maxno(const struct cma *cma)
{
	return cma->count >> cma->order_per_bit;
}

/* The bitmap arithmetic of mm/cma.c (exported for the host tests and the shell). */
unsigned long cma_bitmap_aligned_mask(const struct cma *cma, unsigned int align_order);
unsigned long cma_bitmap_aligned_offset(const struct cma *cma, unsigned int align_order);
unsigned long cma_bitmap_pages_to_bits(const struct cma *cma, unsigned long pages);
/* Linux's lib/bitmap.c search: nr clear bits from start, (index + align_offset) & align_mask == 0. */
unsigned long bitmap_find_next_zero_area_off(const unsigned long *map, unsigned long size,
					     unsigned long start, unsigned int nr,
					     unsigned long align_mask, unsigned long align_offset);
/* The first bit >= start equal to val (find_next_bit / find_next_zero_bit), or size. */
unsigned long find_next_bit_val(const unsigned long *map, unsigned long size,
				unsigned long start, bool val);
/* Set (val) or clear nr bits from start (bitmap_set / bitmap_clear). */
void bitmap_set_range(unsigned long *map, unsigned long start, unsigned long nr, bool val);

/*
 * Linux's kernel/dma/contiguous.c, without struct device: cma NULL means the default area.
 * align is capped at CONFIG_CMA_ALIGNMENT. (dma_alloc_coherent is wired to these elsewhere.)
 */
struct page *dma_alloc_from_contiguous(struct cma *cma, size_t count, unsigned int align,
				       bool no_warn);
bool dma_release_from_contiguous(struct cma *cma, struct page *pages, int count);

#endif
