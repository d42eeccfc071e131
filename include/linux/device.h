/*
 * device.h - the smallest struct device the DMA API needs (Linux 6.1's include/linux/device.h
 * keeps a great deal more): a name and the device's coherent pool.
 *
 * Where it sits: kernel/dma/coherent.c makes one device per no-map shared-dma-pool at
 * device_initcall time, named after the pool's node, as the driver that owns the pool
 * (Linux: the node whose memory-region points at it) would be:
 *
 *   struct device "coprocessor@3af00000"
 *     dma_mem -> struct dma_coherent_mem (kernel/dma/coherent.c)
 */
#ifndef _LINUX_DEVICE_H
#define _LINUX_DEVICE_H

#include <linux/types.h>

struct dma_coherent_mem;

struct device {
	const char *init_name;            /* the pool's node name (pimm: the owner is named so) */
	struct dma_coherent_mem *dma_mem; /* per-device coherent pool, or NULL */
};

static inline const char *dev_name(const struct device *dev)
{
	return dev->init_name;
}

#endif
