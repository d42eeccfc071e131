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

#endif
