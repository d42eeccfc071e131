/*
 * kernel/dma/coherent.c - per-device coherent DMA pools (Linux 6.1's kernel/dma/coherent.c),
 * the devices that own the shared-dma-pool regions, and the dma_alloc_coherent /
 * dma_free_coherent entry points (kernel/dma/mapping.c's dma_alloc_attrs, dma_free_attrs).
 *
 * Where it sits in the boot pipeline (docs/pipeline.md#vmalloc-and-ioremap):
 *
 *   arm_memblock_init -> fdt_init_reserved_mem -> rmem_dma_setup     (no-map pool accepted,
 *                                                                     rmem->ops = rmem_dma_ops)
 *   arm_memblock_init -> ... -> rmem_cma_setup (kernel/mm/cma.c)      (reusable pool: a CMA
 *                                                                     area, rmem_cma_ops)
 *   device_initcall dma_devices_init                                  (after vmalloc_init and
 *                                                                     the CMA activation)
 *     per pool: a struct device named after the node (the pool's owner: pimm's stand-in for
 *     the driver whose probe calls of_reserved_mem_device_init), rmem->ops->device_init:
 *       no-map:   rmem_dma_device_init -> dma_init_coherent_memory -> memremap(MEMREMAP_WC)
 *       reusable: rmem_cma_device_init (kernel/dma/contiguous.c) -> dev->cma_area
 *   dma_alloc_coherent(dev, size, &handle, gfp)
 *     dma_alloc_from_dev_coherent -> __dma_alloc_from_coherent    bitmap, 2^order aligned
 *     no pool: arm_dma_alloc (arch/arm/mm/dma-mapping.c)          the device's CMA area
 *
 *   bitmap of a 1 MiB pool (256 pages), after dma_alloc_coherent of 8 KiB then 4 KiB:
 *     pages 0-1 used (order 1), page 2 used (order 0), the rest free
 *     | 1 1 1 0 | 0 0 0 0 | ...
 */
#include <errno.h>
#include <string.h>

#include <linux/bug.h>
#include <linux/dma-mapping.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/of_reserved_mem.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <asm/page.h>

#define DMA_MAX_DEVICES 8
#define LONG_BITS (8 * sizeof(unsigned long))

static struct device dma_devices[DMA_MAX_DEVICES];
static int nr_dma_devices;

/* ceil(log2(pages of size)) (Linux's get_order). */
static int dma_get_order(size_t size)
{
	int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

static bool bit_test(const unsigned long *map, int i)
{
	return map[i / LONG_BITS] & (1UL << (i % LONG_BITS));
}

static void bits_set(unsigned long *map, int start, int n, bool on)
{
	for (int i = start; i < start + n; i++) {
		if (on)
			map[i / LONG_BITS] |= 1UL << (i % LONG_BITS);
		else
			map[i / LONG_BITS] &= ~(1UL << (i % LONG_BITS));
	}
}

/* The first free naturally aligned run of 2^order bits, now set; or -ENOMEM (Linux's
 * bitmap_find_free_region). */
static int bitmap_find_free_region(unsigned long *map, int bits, int order)
{
	int n = 1 << order;

	for (int pos = 0; pos + n <= bits; pos += n) {
		int i;

		for (i = 0; i < n && !bit_test(map, pos + i); i++)
			;
		if (i == n) {
			bits_set(map, pos, n, true);
			return pos;
		}
	}
	return -ENOMEM;
}

/* Map a pool write-combining and give it a bitmap (Linux's dma_init_coherent_memory). */
static struct dma_coherent_mem *dma_init_coherent_memory(phys_addr_t phys_addr,
							 dma_addr_t device_addr, size_t size)
{
	int pages = size >> PAGE_SHIFT;
	struct dma_coherent_mem *mem;
	void *mem_base;

	if (!size)
		return NULL;
	mem_base = memremap(phys_addr, size, MEMREMAP_WC);
	if (!mem_base)
		return NULL;
	mem = kzalloc(sizeof(*mem), GFP_KERNEL);
	if (mem)
		mem->bitmap = kzalloc((pages + LONG_BITS - 1) / LONG_BITS * sizeof(long), GFP_KERNEL);
	if (!mem || !mem->bitmap) {
		kfree(mem);
		memunmap(mem_base);
		return NULL;
	}
	mem->virt_base = mem_base;
	mem->device_base = device_addr;
	mem->pfn_base = phys_addr >> PAGE_SHIFT;
	mem->size = pages;
	spin_lock_init(&mem->spinlock);
	return mem;
}

/* Give dev the pool of rmem, mapping it on first use (Linux's rmem_dma_device_init). */
static int rmem_dma_device_init(struct reserved_mem *rmem, void *arg)
{
	struct device *dev = arg;

	if (!rmem->priv) {
		struct dma_coherent_mem *mem = dma_init_coherent_memory(rmem->base, rmem->base,
									  rmem->size);

		if (!mem) {
			pr_err("Reserved memory: failed to init DMA memory pool at %pa, size %ld MiB\n",
			       &rmem->base, (long)(rmem->size / SZ_1M));
			return -ENODEV;
		}
		rmem->priv = mem;
	}
	dev->dma_mem = rmem->priv;
	return 0;
}

/* The device forgets its pool (the pool stays mapped, as in Linux). */
static void rmem_dma_device_release(struct reserved_mem *rmem, void *arg)
{
	struct device *dev = arg;

	(void)rmem;
	dev->dma_mem = NULL;
}

const struct reserved_mem_ops rmem_dma_ops = {
	.device_init = rmem_dma_device_init,
	.device_release = rmem_dma_device_release,
};

/* See dma-mapping.h. */
int __init dma_devices_init(void)
{
	for (int i = 0; i < reserved_mem_count && nr_dma_devices < DMA_MAX_DEVICES; i++) {
		struct reserved_mem *rmem = &reserved_mem[i];
		struct device *dev = &dma_devices[nr_dma_devices];

		if ((rmem->ops != &rmem_dma_ops && rmem->ops != &rmem_cma_ops) || rmem->released ||
		    rmem->failed)
			continue;
		dev->init_name = rmem->name;
		if (rmem->ops->device_init(rmem, dev) == 0)
			nr_dma_devices++;
	}
	return 0;
}
device_initcall(dma_devices_init);

struct device *dma_device_get(int i)
{
	return i >= 0 && i < nr_dma_devices ? &dma_devices[i] : NULL;
}

struct device *dma_device_find(const char *name)
{
	size_t len = strlen(name);

	for (int i = 0; i < nr_dma_devices; i++) {
		const char *n = dma_devices[i].init_name;

		if (!strcmp(n, name) || (!strncmp(n, name, len) && n[len] == '@'))
			return &dma_devices[i];
	}
	return NULL;
}

/* size bytes from mem, zeroed; NULL when no run is free (Linux's __dma_alloc_from_coherent). */
static void *__dma_alloc_from_coherent(struct dma_coherent_mem *mem, size_t size,
				       dma_addr_t *dma_handle)
{
	int order = dma_get_order(size), pageno;
	unsigned long flags;
	void *ret;

	if (size > ((size_t)mem->size << PAGE_SHIFT))
		return NULL;
	spin_lock_irqsave(&mem->spinlock, flags);
	pageno = bitmap_find_free_region(mem->bitmap, mem->size, order);
	spin_unlock_irqrestore(&mem->spinlock, flags);
	if (pageno < 0)
		return NULL;
	*dma_handle = mem->device_base + ((dma_addr_t)pageno << PAGE_SHIFT);
	ret = (char *)mem->virt_base + ((size_t)pageno << PAGE_SHIFT);
	memset(ret, 0, size);
	return ret;
}

int dma_alloc_from_dev_coherent(struct device *dev, size_t size, dma_addr_t *dma_handle,
				void **ret)
{
	if (!dev || !dev->dma_mem)
		return 0;
	*ret = __dma_alloc_from_coherent(dev->dma_mem, size, dma_handle);
	return 1;
}

int dma_release_from_dev_coherent(struct device *dev, int order, void *vaddr)
{
	struct dma_coherent_mem *mem = dev ? dev->dma_mem : NULL;
	char *v = vaddr, *base;
	unsigned long flags;
	int page;

	if (!mem)
		return 0;
	base = mem->virt_base;
	if (v < base || v >= base + ((size_t)mem->size << PAGE_SHIFT))
		return 0;
	page = (v - base) >> PAGE_SHIFT;
	spin_lock_irqsave(&mem->spinlock, flags);
	bits_set(mem->bitmap, page, 1 << order, false);
	spin_unlock_irqrestore(&mem->spinlock, flags);
	return 1;
}

void *dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *dma_handle, gfp_t gfp)
{
	void *cpu_addr;

	if (dma_alloc_from_dev_coherent(dev, size, dma_handle, &cpu_addr))
		return cpu_addr;
	return arm_dma_alloc(dev, size, dma_handle, gfp);
}

void dma_free_coherent(struct device *dev, size_t size, void *cpu_addr, dma_addr_t dma_handle)
{
	if (dma_release_from_dev_coherent(dev, dma_get_order(size), cpu_addr))
		return;
	WARN_ON(!arm_dma_free(dev, size, cpu_addr, dma_handle) && cpu_addr);
}
