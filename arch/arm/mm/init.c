/*
 * arch/arm/mm/init.c - arm_memblock_init, what ARM reserves in memblock before paging_init, and
 * bootmem_init, the zones after it (Linux 6.1's arch/arm/mm/init.c; the initrd checks are
 * 6.1's generic reserve_initrd_mem, which replaced ARM's own arm_initrd_init - pimm keeps the
 * older ARM name).
 *
 * Where it sits in the boot pipeline, setup_arch ->
 *
 *   arm_memblock_init
 *     memblock_reserve(__pa(_stext), _end - _stext)   the kernel (not the _text.._stext gap)
 *     arm_initrd_init                                 the initrd, if it is RAM and free
 *     arm_mm_memblock_reserve                         swapper_pg_dir, 16 KiB at 0x4000
 *     early_init_fdt_scan_reserved_mem                /memreserve/ + /reserved-memory
 *     dma_contiguous_reserve(arm_dma_limit)           the default CMA area
 *     memblock_dump_all                               with memblock=debug
 *
 * Not here: the DTB (setup_machine_fdt reserves it, as ARM's setup_arch does; ARM never calls
 * early_init_fdt_reserve_self, so it is not reserved twice); mem_init, free_highpages and
 * free_initmem, which Linux also keeps in this file: arch/arm/mm/mem_init.c (they need the page
 * allocator, which the "of" host suite compiling this file does not have).
 */
#include <errno.h>

#include <linux/cma.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/of_fdt.h>
#include <linux/printk.h>
#include <asm/memory.h>
#include <asm/page.h>
#include <asm/sections.h>
#include <asm/setup.h>
#include <pimm/diag.h>
#include <pimm/parse.h>
#include "mm.h"

/* Linux's setup_dma_zone: PHYS_OFFSET + dma_zone_size - 1 with ZONE_DMA; the Pi 2 has none. */
phys_addr_t arm_dma_limit = 0xffffffff;

/* The initrd's virtual bounds once reserved (Linux: init/do_mounts_initrd.c), 0 if none. */
unsigned long initrd_start, initrd_end;


/* initrd=ADDR,SIZE (memparse): overrides the device tree's linux,initrd-start/end. */
static int __init early_initrd(char *p)
{
	unsigned long long start, size;
	char *endp, *endp2;

	if (!p)
		goto bad;
	start = memparse(p, &endp);
	if (endp == p || *endp != ',')
		goto bad;
	size = memparse(endp + 1, &endp2);
	if (endp2 == endp + 1 || *endp2 || start + size > 0x100000000ULL)
		goto bad;
	phys_initrd_start = (phys_addr_t)start;
	phys_initrd_size = (unsigned long)size;
	return 0;
bad:
	pimm_err("initrd=%s: expected ADDR,SIZE inside 4 GiB (K/M/G suffixes), ignored\n",
	       p ? p : "");
	return -EINVAL;
}
early_param("initrd", early_initrd);

/* Reserve the initrd (whole pages) if it is RAM and not in use; else disable it. */
noinline void __init arm_initrd_init(void)
{
	phys_addr_t start;
	unsigned long size;

	initrd_start = initrd_end = 0;
	if (!phys_initrd_size)
		return;
	start = round_down(phys_initrd_start, PAGE_SIZE);
	size = phys_initrd_size + (phys_initrd_start - start);
	size = round_up(size, PAGE_SIZE);

	if (size == 0 || start + size < start || !memblock_is_region_memory(start, size)) {
		pr_err("INITRD: 0x%08llx+0x%08lx is not a memory region", (u64)start, size);
		goto disable;
	}
	if (memblock_is_region_reserved(start, size)) {
		pr_err("INITRD: 0x%08llx+0x%08lx overlaps in-use memory region\n", (u64)start, size);
		goto disable;
	}
	memblock_reserve(start, size);
	initrd_start = (unsigned long)__va(phys_initrd_start);
	initrd_end = initrd_start + phys_initrd_size;
	return;
disable:
	pr_cont(" - disabling initrd\n");
	initrd_start = initrd_end = 0;
}

/* Reserve swapper_pg_dir, the L1 table head.S built at PA 0x4000 (already in use). Not
 * inlined: memblock=debug names it as the caller, as Linux does. */
noinline void __init arm_mm_memblock_reserve(void)
{
	/* (checked, so that the call is not a tail call that would hide this caller) */
	if (memblock_reserve(SWAPPER_PG_DIR_PHYS, PG_DIR_SIZE))
		pimm_err("arm_mm_memblock_reserve: cannot reserve swapper_pg_dir\n");
}

/* Reserve the kernel, initrd, page table, DT regions and CMA; dump with memblock=debug. */
void __init arm_memblock_init(void)
{
	memblock_reserve(__pa(_stext), _end - _stext);
	arm_initrd_init();
	arm_mm_memblock_reserve();
	/* mdesc->reserve: the Pi has no machine-specific reservations. */
	early_init_fdt_scan_reserved_mem();
	dma_contiguous_reserve(arm_dma_limit);
	memblock_dump_all();
}

/* ==== bootmem_init: the end of paging_init ============================================== *
 *
 *   paging_init (mmu.c) -> bootmem_init
 *     memblock_allow_resize       memblock may now double its arrays (memory is mapped)
 *     find_limits                 min_low_pfn, max_low_pfn (lowmem limit), max_pfn
 *     zone_sizes_init             Normal up to max_low_pfn, HighMem up to max_pfn
 *       free_area_init            (kernel/mm/mm_init.c) node 0, zones, mem_map
 *
 * The "of" host suite compiles this file whole and records what free_area_init is given.
 */

/* The pfn limits: first RAM page, end of lowmem (memblock's limit), end of RAM. */
static void __init find_limits(unsigned long *min, unsigned long *max_low,
			       unsigned long *max_high)
{
	*max_low = PFN_DOWN(memblock_get_current_limit());
	*min = PFN_UP(memblock_start_of_DRAM());
	*max_high = PFN_DOWN(memblock_end_of_DRAM());
}

/* Where each zone ends (ZONE_DMA is configured out), then build them. */
static void __init zone_sizes_init(unsigned long min, unsigned long max_low,
				   unsigned long max_high)
{
	unsigned long max_zone_pfn[MAX_NR_ZONES] = {0};

	(void)min;
	max_zone_pfn[ZONE_NORMAL] = max_low;
#ifdef CONFIG_HIGHMEM
	max_zone_pfn[ZONE_HIGHMEM] = max_high;
#else
	(void)max_high;
#endif
	free_area_init(max_zone_pfn);
}

/* Zones and mem_map for the memory memblock knows (early_memtest and sparse_init: none). */
void __init bootmem_init(void)
{
	memblock_allow_resize();
	find_limits(&min_low_pfn, &max_low_pfn, &max_pfn);
	zone_sizes_init(min_low_pfn, max_low_pfn, max_pfn);
}
