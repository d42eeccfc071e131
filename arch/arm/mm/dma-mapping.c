/*
 * arch/arm/mm/dma-mapping.c - dma_contiguous_remap: the boot-time half of Linux's ARM DMA
 * mapping code. kernel/mm/cma.c's dma_contiguous_early_fixup recorded every CMA area in
 * dma_mmu_remap[] during arm_memblock_init; paging_init calls this right after map_kernel.
 *
 *   lowmem before:  ... | section | section | ...      (map_lowmem, MT_MEMORY_RW)
 *   CMA area:       clear its pmds, flush the TLB, then
 *   lowmem after:   ... | 4 KiB pages MT_MEMORY_DMA_READY | ...
 *
 * Page granularity lets the DMA API later change the attributes of single pages of the area.
 * Areas (or parts) above arm_lowmem_limit are highmem and have no linear mapping to redo.
 */
#include <linux/cma.h>
#include <linux/kernel.h>
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
