/*
 * device.h - the smallest struct device the DMA API needs (Linux 6.1's include/linux/device.h
 * keeps a great deal more): a name, the device's coherent pool and its CMA area.
 *
 * Where it sits: kernel/dma/coherent.c makes one device per shared-dma-pool at device_initcall
 * time, named after the pool's node, as the driver that owns the pool (Linux: the node whose
 * memory-region points at it) would be; the pool's reserved_mem_ops fill in one of the two:
 *
 *   struct device "coprocessor@3af00000"       no-map pool (rmem_dma_device_init)
 *     dma_mem  -> struct dma_coherent_mem (kernel/dma/coherent.c)
 *     cma_area =  NULL
 *   struct device "video@32000000"             reusable pool (rmem_cma_device_init)
 *     dma_mem  =  NULL
 *     cma_area -> struct cma (kernel/mm/cma.c; NULL: dma_contiguous_default_area)
 */
#ifndef _LINUX_DEVICE_H
#define _LINUX_DEVICE_H

#include <linux/types.h>

struct dma_coherent_mem;
struct cma;

struct device {
	const char *init_name;            /* the pool's node name (pimm: the owner is named so) */
	struct dma_coherent_mem *dma_mem; /* per-device coherent pool, or NULL */
	struct cma *cma_area;             /* the device's own CMA area, or NULL (the default) */
};

static inline const char *dev_name(const struct device *dev)
{
	return dev->init_name;
}

#endif
