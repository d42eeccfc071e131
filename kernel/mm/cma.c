/*
 * kernel/mm/cma.c - contiguous memory areas at boot: Linux 6.1's mm/cma.c (declaration part),
 * kernel/dma/contiguous.c (cma=, the default area, the reserved-memory init function) and
 * ARM's dma_contiguous_early_fixup (arch/arm/mm/dma-mapping.c).
 *
 * Where it sits in the boot pipeline (docs/pipeline.md#reserved-memory-and-cma):
 *
 *   parse_early_param          cma=SIZE[@BASE[-LIMIT]]            -> early_cma
 *   arm_memblock_init
 *     early_init_fdt_scan_reserved_mem -> fdt_init_reserved_mem
 *       rmem_cma_setup         reusable shared-dma-pool node      -> cma_init_reserved_mem
 *                              "Reserved memory: created CMA memory pool at ..."
 *     dma_contiguous_reserve   default area (unless a linux,cma-default node made one)
 *       cma_declare_contiguous_nid  highmem first, then top-down  -> cma_init_reserved_mem
 *                              "cma: Reserved 16 MiB at 0x..."
 *   paging_init -> dma_contiguous_remap    remaps each recorded area in lowmem with 4 KiB
 *                              pages (arch/arm/mm/dma-mapping.c)
 *   cma_init_reserved_areas (core_initcall) would give the pageblocks to the buddy allocator:
 *                              not built yet, the areas stay memblock-reserved
 *
 * Lines from contiguous.c and coherent.c carry no prefix ("Reserved memory: ..."); mm/cma.c's
 * carry "cma: ".
 */
#define pr_fmt(fmt) "cma: " fmt

#include <errno.h>
#include <string.h>

#include <asm/memory.h>
#include <linux/cma.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/of_fdt.h>
#include <linux/of_reserved_mem.h>
#include <linux/pfn.h>
#include <linux/printk.h>
#include <pimm/diag.h>
#include <pimm/fdt.h>
#include <pimm/lab.h>
#include <pimm/parse.h>
#include <pimm/vsprintf.h>

/* End of lowmem as a virtual address (arch/arm/mm/lowmem.c; Linux declares it in linux/mm.h). */

struct cma cma_areas[MAX_CMA_AREAS];
unsigned int cma_area_count;
unsigned long totalcma_pages;

struct cma *dma_contiguous_default_area;
phys_addr_t size_cmdline = (phys_addr_t)-1;
phys_addr_t base_cmdline;
phys_addr_t limit_cmdline;

struct dma_contig_early_reserve dma_mmu_remap[MAX_CMA_AREAS];
int dma_mmu_remap_num;

phys_addr_t cma_get_base(const struct cma *cma)
{
	return PFN_PHYS(cma->base_pfn);
}

unsigned long cma_get_size(const struct cma *cma)
{
	return cma->count << PAGE_SHIFT;
}

const char *cma_get_name(const struct cma *cma)
{
	return cma->name;
}

static bool is_power_of_2(phys_addr_t n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

/* Turn the memblock-reserved [base, base+size) into the next cma_areas[] slot; 0/-errno. */
int cma_init_reserved_mem(phys_addr_t base, phys_addr_t size, unsigned int order_per_bit,
			  const char *name, struct cma **res_cma)
{
	/* LAB2 BEGIN */
	struct cma *cma;

	if (cma_area_count == ARRAY_SIZE(cma_areas)) {
		pr_err("Not enough slots for CMA reserved regions!\n");
		return -ENOSPC;
	}
	if (!size || !memblock_is_region_reserved(base, size))
		return -EINVAL;
	if (!IS_ALIGNED(base | size, CMA_MIN_ALIGNMENT_BYTES))
		return -EINVAL;

	cma = &cma_areas[cma_area_count];
	if (name)
		ksnprintf(cma->name, CMA_MAX_NAME, "%s", name);
	else
		ksnprintf(cma->name, CMA_MAX_NAME, "cma%u", cma_area_count);
	cma->base_pfn = PFN_DOWN(base);
	cma->count = size >> PAGE_SHIFT;
	cma->order_per_bit = order_per_bit;
	cma->bitmap = NULL;
	*res_cma = cma;
	cma_area_count++;
	totalcma_pages += size / PAGE_SIZE;
	return 0;
	/* LAB2 TODO
	lab_todo(2, "cma", "cma_init_reserved_mem");
	// Until it is written, no area can be declared.
	(void)base;
	(void)size;
	(void)order_per_bit;
	(void)name;
	(void)res_cma;
	return -ENOSPC;
	*/
	/* LAB2 END */
}

/* Find room for a movable area: highmem first when [base, limit) spans it, then top-down. */
static phys_addr_t cma_alloc_area(phys_addr_t size, phys_addr_t alignment, phys_addr_t base,
				  phys_addr_t limit, phys_addr_t highmem_start, int nid)
{
	phys_addr_t addr = 0;

	if (base < highmem_start && limit > highmem_start) {
		addr = memblock_alloc_range_nid(size, alignment, highmem_start, limit, nid, true);
		limit = highmem_start;
	}
	if (!addr)
		addr = memblock_alloc_range_nid(size, alignment, base, limit, nid, true);
	return addr;
}

/* Check and normalise the request (alignment, fixed base, limits); 0 or -EINVAL. */
static int cma_sanitise(phys_addr_t *base, phys_addr_t *size, phys_addr_t *limit,
			phys_addr_t *alignment, unsigned int order_per_bit, bool *fixed,
			phys_addr_t highmem_start)
{
	phys_addr_t memblock_end = memblock_end_of_DRAM();

	*alignment = max_t(phys_addr_t, *alignment, CMA_MIN_ALIGNMENT_BYTES);
	if (*fixed && (*base & (*alignment - 1))) {
		pr_err("Region at %pa must be aligned to %pa bytes\n", base, alignment);
		return -EINVAL;
	}
	*base = ALIGN(*base, *alignment);
	*size = ALIGN(*size, *alignment);
	*limit &= ~(*alignment - 1);
	if (!*base)
		*fixed = false;
	if (!IS_ALIGNED(*size >> PAGE_SHIFT, 1UL << order_per_bit))
		return -EINVAL;
	if (*fixed && *base < highmem_start && *base + *size > highmem_start) {
		pr_err("Region at %pa defined on low/high memory boundary (%pa)\n", base,
		       &highmem_start);
		return -EINVAL;
	}
	if (*limit == 0 || *limit > memblock_end)
		*limit = memblock_end;
	if (*size == 0 || *base + *size > *limit || *base + *size < *base) {
		pr_err("Size (%pa) of region at %pa exceeds limit (%pa)\n", size, base, limit);
		return -EINVAL;
	}
	return 0;
}

/* Reserve (fixed) or allocate an area and declare it: "Reserved N MiB at ..."; 0/-errno. */
int cma_declare_contiguous_nid(phys_addr_t base, phys_addr_t size, phys_addr_t limit,
			       phys_addr_t alignment, unsigned int order_per_bit, bool fixed,
			       const char *name, struct cma **res_cma, int nid)
{
	phys_addr_t highmem_start = __pa((char *)high_memory - 1) + 1;
	int ret;

	pr_debug("%s(size %pa, base %pa, limit %pa alignment %pa)\n", __func__, &size, &base,
		 &limit, &alignment);
	if (cma_area_count == ARRAY_SIZE(cma_areas)) {
		pr_err("Not enough slots for CMA reserved regions!\n");
		return -ENOSPC;
	}
	if (!size)
		return -EINVAL;
	if (alignment && !is_power_of_2(alignment))
		return -EINVAL;
	nid = NUMA_NO_NODE;

	ret = cma_sanitise(&base, &size, &limit, &alignment, order_per_bit, &fixed, highmem_start);
	if (ret)
		goto err;
	if (fixed) {
		if (memblock_is_region_reserved(base, size) || memblock_reserve(base, size) < 0) {
			ret = -EBUSY;
			goto err;
		}
	} else {
		base = cma_alloc_area(size, alignment, base, limit, highmem_start, nid);
		if (!base) {
			ret = -ENOMEM;
			goto err;
		}
	}
	ret = cma_init_reserved_mem(base, size, order_per_bit, name, res_cma);
	if (ret) {
		memblock_phys_free(base, size);
		goto err;
	}
	pr_info("Reserved %ld MiB at %pa\n", (long)(size / SZ_1M), &base);
	return 0;
err:
	pr_err("Failed to reserve %ld MiB\n", (long)(size / SZ_1M));
	return ret;
}

/* ---- Linux's kernel/dma/contiguous.c -------------------------------------------------- */

/* One number of cma=: memparse syntax, and it must fit a 32-bit physical address. */
static int __init cma_parse_phys(char *p, char **end, phys_addr_t *out)
{
	unsigned long long v = memparse(p, end);

	if (*end == p || v > 0xffffffffULL)
		return -EINVAL;
	*out = (phys_addr_t)v;
	return 0;
}

/* cma=SIZE[@BASE[-LIMIT]] (memparse suffixes); a value that is not a number is refused. */
int early_cma(char *p)
{
	phys_addr_t size, base, limit;
	char *arg = p, *end;

	if (!p || !*p) {
		pr_err("Config string not provided\n");
		return -EINVAL;
	}
	if (cma_parse_phys(p, &end, &size) || (*end && *end != '@'))
		goto bad;
	if (*end != '@') {
		size_cmdline = size;
		return 0;
	}
	p = end + 1;
	if (cma_parse_phys(p, &end, &base) || (*end && *end != '-'))
		goto bad;
	limit = base + size;
	if (*end == '-') {
		p = end + 1;
		if (cma_parse_phys(p, &end, &limit) || *end)
			goto bad;
	}
	size_cmdline = size;
	base_cmdline = base;
	limit_cmdline = limit;
	return 0;
bad:
	/* Linux would take the number's prefix (often 0: no CMA at all); pimm refuses it. */
	pimm_err("cma=%s: expected SIZE[@BASE[-LIMIT]] (K/M/G suffixes, below 4 GiB), ignored\n",
	       arg);
	return -EINVAL;
}
early_param("cma", early_cma);

/* Reserve the default area below @limit, unless a linux,cma-default node already made one. */
void dma_contiguous_reserve(phys_addr_t limit)
{
	phys_addr_t selected_size, selected_base = 0, selected_limit = limit;
	bool fixed = false;

	pr_debug("%s(limit %08lx)\n", __func__, (unsigned long)limit);
	if (size_cmdline != (phys_addr_t)-1) {
		selected_size = size_cmdline;
		selected_base = base_cmdline;
		selected_limit = min_not_zero(limit_cmdline, limit);
		if (base_cmdline + size_cmdline == limit_cmdline)
			fixed = true;
	} else {
		selected_size = (phys_addr_t)CONFIG_CMA_SIZE_MBYTES * SZ_1M;
	}

	if (selected_size && !dma_contiguous_default_area) {
		pr_debug("%s: reserving %ld MiB for global area\n", __func__,
			 (long)(selected_size / SZ_1M));
		dma_contiguous_reserve_area(selected_size, selected_base, selected_limit,
					    &dma_contiguous_default_area, fixed);
	}
}

/* Declare an area and record it for dma_contiguous_remap; 0 or -errno. */
int dma_contiguous_reserve_area(phys_addr_t size, phys_addr_t base, phys_addr_t limit,
				struct cma **res_cma, bool fixed)
{
	int ret = cma_declare_contiguous(base, size, limit, 0, 0, fixed, "reserved", res_cma);

	if (ret)
		return ret;
	dma_contiguous_early_fixup(cma_get_base(*res_cma), cma_get_size(*res_cma));
	return 0;
}

/* LAB2 BEGIN */
static bool rmem_has(struct reserved_mem *rmem, const char *name)
{
	return dt_getprop(initial_boot_params, (int)rmem->fdt_node, name, NULL) != NULL;
}

/* Init function for a reusable shared-dma-pool node: make it a CMA area; 0 or -errno. */
int rmem_cma_setup(struct reserved_mem *rmem)
{
	bool default_cma = rmem_has(rmem, "linux,cma-default");
	struct cma *cma;
	int err;

	if (size_cmdline != (phys_addr_t)-1 && default_cma) {
		printk(KERN_INFO "Reserved memory: bypass %s node, using cmdline CMA params instead\n",
		       rmem->name);
		return -EBUSY;
	}
	if (!rmem_has(rmem, "reusable") || rmem_has(rmem, "no-map"))
		return -EINVAL;
	if (!IS_ALIGNED(rmem->base | rmem->size, CMA_MIN_ALIGNMENT_BYTES)) {
		printk(KERN_ERR "Reserved memory: incorrect alignment of CMA region\n");
		return -EINVAL;
	}
	err = cma_init_reserved_mem(rmem->base, rmem->size, 0, rmem->name, &cma);
	if (err) {
		printk(KERN_ERR "Reserved memory: unable to setup CMA region\n");
		return err;
	}
	dma_contiguous_early_fixup(rmem->base, rmem->size);
	if (default_cma)
		dma_contiguous_default_area = cma;
	rmem->ops = &rmem_cma_ops; /* kernel/dma/contiguous.c binds it to its device later */
	rmem->priv = cma;
	printk(KERN_INFO "Reserved memory: created CMA memory pool at %pa, size %ld MiB\n",
	       &rmem->base, (long)(rmem->size / SZ_1M));
	return 0;
}
/* LAB2 TODO
// Init function for a reusable shared-dma-pool node: make it a CMA area; 0 or -errno.
int rmem_cma_setup(struct reserved_mem *rmem)
{
	lab_todo(2, "cma", "rmem_cma_setup");
	// Until it is written, no node becomes a CMA area: the region is given back.
	(void)rmem;
	return -EINVAL;
}
*/
/* LAB2 END */

/* ---- arch/arm/mm/dma-mapping.c ------------------------------------------------------- */

/* Record an area whose linear mapping paging_init must rebuild with pages. */
void dma_contiguous_early_fixup(phys_addr_t base, unsigned long size)
{
	if (dma_mmu_remap_num >= (int)ARRAY_SIZE(dma_mmu_remap)) {
		pimm_err("dma_contiguous_early_fixup: no slot for %pa (+%lu MiB)\n", &base,
		       size / SZ_1M);
		return;
	}
	dma_mmu_remap[dma_mmu_remap_num].base = base;
	dma_mmu_remap[dma_mmu_remap_num].size = size;
	dma_mmu_remap_num++;
}
