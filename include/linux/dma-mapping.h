/*
 * dma-mapping.h - coherent DMA memory (kernel/dma/coherent.c): Linux 6.1's
 * include/linux/dma-mapping.h and the per-device pools of kernel/dma/coherent.c.
 *
 * Where it sits: fdt_init_reserved_mem -> rmem_dma_setup (kernel/of/of_reserved_mem.c) hands
 * each no-map shared-dma-pool to rmem_dma_ops, rmem_cma_setup (kernel/mm/cma.c) each reusable
 * one to rmem_cma_ops; at device_initcall time each pool gets its device: a no-map pool is
 * mapped write-combining (memremap(MEMREMAP_WC) -> ioremap_wc, a VM_IOREMAP vmalloc area), a
 * reusable pool becomes the device's cma_area (kernel/dma/contiguous.c). dma_alloc_coherent
 * serves a device from its coherent pool, else from its CMA area (arm_dma_alloc in
 * arch/arm/mm/dma-mapping.c: the pages' linear-map PTEs made pgprot_dmacoherent, or a vmap):
 *
 *   struct dma_coherent_mem
 *     virt_base --> [ page 0 | page 1 | ... | page size-1 ]   ioremap_wc of the pool
 *     device_base = pfn_base << 12 = the pool's physical base (no IOMMU, no offset)
 *     bitmap        one bit per page, 1 = in use; 2^order naturally aligned runs
 */
#ifndef _LINUX_DMA_MAPPING_H
#define _LINUX_DMA_MAPPING_H

#include <linux/cma.h>
#include <linux/device.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct reserved_mem;
struct reserved_mem_ops;

struct dma_coherent_mem {
	void *virt_base;
	dma_addr_t device_base;
	unsigned long pfn_base;
	int size; /* pages */
	unsigned long *bitmap;
	spinlock_t spinlock;
};

/* size bytes of coherent memory for dev; its bus address in *dma_handle; NULL on failure. */
void *dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *dma_handle, gfp_t gfp);
/* Give back what dma_alloc_coherent returned. */
void dma_free_coherent(struct device *dev, size_t size, void *cpu_addr, dma_addr_t dma_handle);
/* 1 if dev has a coherent pool (*ret: the memory or NULL), 0 if not (Linux's name). */
int dma_alloc_from_dev_coherent(struct device *dev, size_t size, dma_addr_t *dma_handle,
				void **ret);
/* 1 if vaddr belonged to dev's pool (now released), 0 if not. */
int dma_release_from_dev_coherent(struct device *dev, int order, void *vaddr);

/*
 * device_initcall (pimm's stand-in for the drivers' probes): one device per shared-dma-pool
 * in reserved_mem[] order, bound through the region's ops (rmem_dma_ops: dma_mem,
 * rmem_cma_ops: cma_area); released, failed and other regions are skipped. Returns 0.
 */
int dma_devices_init(void);
/* pimm: the devices made for the pools (coherent and CMA), for the shell; NULL past the last. */
struct device *dma_device_get(int i);
/* pimm: the device whose pool node is named name ("coprocessor@3af00000" or "coprocessor"). */
struct device *dma_device_find(const char *name);

/* The CMA area dev allocates from: its own, else the default one (Linux's dev_get_cma_area). */
static inline struct cma *dev_get_cma_area(struct device *dev)
{
	if (dev && dev->cma_area)
		return dev->cma_area;
	return dma_contiguous_default_area;
}

/*
 * arch/arm/mm/dma-mapping.c: size bytes (rounded up to pages) from dev's CMA area, zeroed,
 * mapped non-cacheable (pgprot_dmacoherent); the physical address in *handle. NULL when
 * there is no area or no free run (Linux's arm_dma_alloc with the cma_allocator).
 */
void *arm_dma_alloc(struct device *dev, size_t size, dma_addr_t *handle, gfp_t gfp);
/* Undo arm_dma_alloc; false (nothing done) if handle is not in dev's CMA area. */
bool arm_dma_free(struct device *dev, size_t size, void *cpu_addr, dma_addr_t handle);

#endif
