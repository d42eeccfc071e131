/*
 * arch/arm/mm/dma-mapping.c - Linux's ARM DMA mapping code (arch/arm/mm/dma-mapping.c), the
 * parts pimm has: the boot-time dma_contiguous_remap and the CMA allocator of arm_dma_alloc.
 *
 * Where it sits in the boot pipeline:
 *   paging_init -> dma_contiguous_remap     every CMA area in lowmem mapped with 4 KiB pages
 *   (run time) dma_alloc_coherent (kernel/dma/coherent.c), device without a coherent pool
 *     arm_dma_alloc -> __dma_alloc (cma_allocator) -> __alloc_from_contiguous
 *       dma_alloc_from_contiguous(dev_get_cma_area(dev))    cma_alloc (kernel/mm/cma_alloc.c)
 *       __dma_clear_buffer                                  zero, flush the cached alias
 *       lowmem:  __dma_remap -> __dma_update_pte            linear-map PTEs -> dmacoherent
 *       HighMem: dma_common_contiguous_remap -> vmap(VM_DMA_COHERENT, dmacoherent)
 *     arm_dma_free -> __free_from_contiguous                PTEs back to PAGE_KERNEL / vunmap,
 *                                                           dma_release_from_contiguous
 *
 *   lowmem at boot:   ... | section | section | ...      (map_lowmem, MT_MEMORY_RW)
 *   CMA area:         clear its pmds, flush the TLB, then
 *   after remap:      ... | 4 KiB pages MT_MEMORY_DMA_READY | ...
 *   a live buffer:    ... | RW WBWA | BUFFERABLE XN | BUFFERABLE XN | RW WBWA | ...
 *                           (Normal cached)  (Normal non-cacheable: the device sees the CPU's
 *                                             writes without cache maintenance)
 *
 * Page granularity at boot is what lets __dma_remap change single pages of the area later.
 * Areas (or parts) above arm_lowmem_limit are highmem: no linear mapping to redo, vmap instead.
 * The DMA handle is the physical address: the Pi's ARM side has no IOMMU and no bus offset
 * (Linux's phys_to_dma without dma-ranges).
 */
#include <string.h>

#include <linux/cma.h>
#include <linux/dma-mapping.h>
#include <linux/highmem.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <asm/cacheflush.h>
#include <asm/mach/map.h>
#include <asm/pgalloc.h>
#include <asm/setup.h>
#include <asm/tlbflush.h>
#include "mm.h"

void dma_contiguous_remap(void)
{
	for (int i = 0; i < dma_mmu_remap_num; i++) {
		phys_addr_t start = dma_mmu_remap[i].base;
		phys_addr_t end = start + dma_mmu_remap[i].size;
		struct map_desc map;

		if (end > arm_lowmem_limit)
			end = arm_lowmem_limit;
		if (start >= end)
			continue;
		map = (struct map_desc){__phys_to_virt(start), __phys_to_pfn(start), end - start,
					MT_MEMORY_DMA_READY};
		for (unsigned long a = __phys_to_virt(start); a < __phys_to_virt(end); a += PMD_SIZE)
			pmd_clear(pmd_off_k(a));
		flush_tlb_kernel_range(__phys_to_virt(start), __phys_to_virt(end));
		iotable_init(&map, 1);
	}
}

/* ---- the CMA allocator (arm_dma_alloc's cma_allocator) ------------------------------------ */

/* ceil(log2(pages of size)) (Linux's get_order): the alignment asked of the CMA area. */
static unsigned int dma_get_order(size_t size)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

/* Zero size bytes from page and push them out of the D-cache (Linux's __dma_clear_buffer). */
static void __dma_clear_buffer(struct page *page, size_t size)
{
	if (PageHighMem(page)) {
		for (; size; page++, size -= PAGE_SIZE) {
			void *p = kmap_atomic(page);

			memset(p, 0, PAGE_SIZE);
			dmac_flush_range(p, (char *)p + PAGE_SIZE);
			kunmap_atomic(p);
		}
		return;
	}
	memset(page_address(page), 0, size);
	dmac_flush_range(page_address(page), (char *)page_address(page) + size);
}

/* Rewrite the linear-map PTE of one lowmem page (Linux's __dma_update_pte). */
static void __dma_update_pte(unsigned long addr, pgprot_t prot)
{
	pmd_t *pmd = pmd_off_k(addr);

	if (WARN_ON(!pmd_table(*pmd))) /* dma_contiguous_remap made it a page table */
		return;
	set_pte_ext(pte_offset_kernel(pmd, addr), pfn_pte(__phys_to_pfn(__pa(addr)), prot), 0);
}

/* Give the linear mapping of [page, page + size) the protection prot (Linux's __dma_remap). */
static void __dma_remap(struct page *page, size_t size, pgprot_t prot)
{
	unsigned long start = (unsigned long)page_address(page);

	for (unsigned long a = start; a < start + size; a += PAGE_SIZE)
		__dma_update_pte(a, prot);
	flush_tlb_kernel_range(start, start + size);
}

/* vmap the pages as one VM_DMA_COHERENT area (Linux's dma_common_contiguous_remap; noipa keeps
 * its name whole in vmallocinfo's caller column). */
static __attribute__((noipa)) void *dma_common_contiguous_remap(struct page *page, size_t size,
								  pgprot_t prot)
{
	unsigned int count = size >> PAGE_SHIFT;
	struct page **pages = kmalloc(count * sizeof(*pages), GFP_KERNEL);
	void *vaddr;

	if (!pages)
		return NULL;
	for (unsigned int i = 0; i < count; i++)
		pages[i] = page + i;
	vaddr = vmap(pages, count, VM_DMA_COHERENT, pgprot_val(prot));
	kfree(pages);
	return vaddr;
}

/* Undo dma_common_contiguous_remap (Linux's dma_common_free_remap). */
static void dma_common_free_remap(void *cpu_addr)
{
	struct vm_struct *area = find_vm_area(cpu_addr);

	if (WARN_ON(!area || !(area->flags & VM_DMA_COHERENT)))
		return;
	vunmap(cpu_addr);
}

/* size bytes (whole pages) of dev's CMA area, mapped prot; NULL (nothing taken) on failure. */
static void *__alloc_from_contiguous(struct device *dev, size_t size, pgprot_t prot,
				     struct page **ret_page)
{
	size_t count = size >> PAGE_SHIFT;
	struct page *page;
	void *ptr;

	page = dma_alloc_from_contiguous(dev_get_cma_area(dev), count, dma_get_order(size), false);
	if (!page)
		return NULL;
	__dma_clear_buffer(page, size);
	if (PageHighMem(page)) {
		ptr = dma_common_contiguous_remap(page, size, prot);
		if (!ptr) {
			dma_release_from_contiguous(dev_get_cma_area(dev), page, count);
			return NULL;
		}
	} else {
		__dma_remap(page, size, prot);
		ptr = page_address(page);
	}
	*ret_page = page;
	return ptr;
}

/* Undo __alloc_from_contiguous (Linux's __free_from_contiguous). */
static void __free_from_contiguous(struct device *dev, struct page *page, void *cpu_addr,
				   size_t size)
{
	if (PageHighMem(page))
		dma_common_free_remap(cpu_addr);
	else
		__dma_remap(page, size, __pgprot(PAGE_KERNEL));
	dma_release_from_contiguous(dev_get_cma_area(dev), page, size >> PAGE_SHIFT);
}

/* See dma-mapping.h. */
void *arm_dma_alloc(struct device *dev, size_t size, dma_addr_t *handle, gfp_t gfp)
{
	pgprot_t prot = pgprot_dmacoherent(__pgprot(PAGE_KERNEL));
	struct page *page = NULL;
	void *addr;

	(void)gfp; /* GFP_KERNEL may block: Linux picks the cma_allocator when an area exists */
	size = PAGE_ALIGN(size);
	if (!size || !dev_get_cma_area(dev))
		return NULL;
	addr = __alloc_from_contiguous(dev, size, prot, &page);
	if (addr)
		*handle = page_to_phys(page); /* phys_to_dma: no IOMMU, no offset */
	return addr;
}

/* See dma-mapping.h. */
bool arm_dma_free(struct device *dev, size_t size, void *cpu_addr, dma_addr_t handle)
{
	struct page *page = phys_to_page(handle);
	struct cma *cma = dev_get_cma_area(dev);

	size = PAGE_ALIGN(size);
	if (!cma || !cma_pages_valid(cma, page, size >> PAGE_SHIFT))
		return false;
	__free_from_contiguous(dev, page, cpu_addr, size);
	return true;
}
