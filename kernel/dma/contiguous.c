/*
 * kernel/dma/contiguous.c - a reusable shared-dma-pool becomes its device's CMA area (Linux
 * 6.1's kernel/dma/contiguous.c, rmem_cma_device_init / rmem_cma_device_release).
 *
 * Where it sits in the boot pipeline:
 *   arm_memblock_init -> fdt_init_reserved_mem -> rmem_cma_setup (kernel/mm/cma.c)
 *     the pool is a CMA area; rmem->priv = the area, rmem->ops = &rmem_cma_ops
 *   device_initcall dma_devices_init (kernel/dma/coherent.c)
 *     rmem->ops->device_init = rmem_cma_device_init: dev->cma_area = the pool's area
 *   dma_alloc_coherent -> arm_dma_alloc -> dma_alloc_from_contiguous(dev_get_cma_area(dev))
 *
 *   struct device "video@32000000"      struct reserved_mem "video@32000000"
 *     cma_area ----------------------->   priv -> struct cma "video@32000000"
 *                                         ops  -> rmem_cma_ops
 *   a device whose cma_area is NULL allocates from dma_contiguous_default_area (linux,cma).
 *
 * (dma_alloc_from_contiguous and dma_release_from_contiguous themselves live in
 * kernel/mm/cma_alloc.c and take the area: dev_get_cma_area(dev) is their caller's job.)
 */
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/of_reserved_mem.h>

/* dev allocates from the pool's area (Linux's rmem_cma_device_init); 0. */
static int rmem_cma_device_init(struct reserved_mem *rmem, void *arg)
{
	struct device *dev = arg;

	dev->cma_area = rmem->priv;
	return 0;
}

/* dev falls back to the default area (Linux's rmem_cma_device_release). */
static void rmem_cma_device_release(struct reserved_mem *rmem, void *arg)
{
	struct device *dev = arg;

	(void)rmem;
	dev->cma_area = NULL;
}

const struct reserved_mem_ops rmem_cma_ops = {
	.device_init = rmem_cma_device_init,
	.device_release = rmem_cma_device_release,
};
