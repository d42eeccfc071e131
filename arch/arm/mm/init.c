/*
 * arch/arm/mm/init.c - arm_memblock_init: what ARM reserves in memblock before paging_init
 * (Linux 6.1's arch/arm/mm/init.c; the initrd checks are 6.1's generic reserve_initrd_mem,
 * which replaced ARM's own arm_initrd_init - pimm keeps the older, seed's name).
 *
 * Where it sits in the boot pipeline (LINUX-FACTS §1.3), setup_arch ->
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
 * early_init_fdt_reserve_self, so it is not reserved twice).
 */
#include <errno.h>

#include <linux/cma.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/of_fdt.h>
#include <linux/printk.h>
#include <asm/memory.h>
#include <asm/page.h>
#include <asm/sections.h>
#include <asm/setup.h>
#include <pimm/parse.h>

/* Linux's setup_dma_zone: PHYS_OFFSET + dma_zone_size - 1 with ZONE_DMA; the Pi 2 has none. */
phys_addr_t arm_dma_limit = 0xffffffff;

/* The initrd's virtual bounds once reserved (Linux: init/do_mounts_initrd.c), 0 if none. */
unsigned long initrd_start, initrd_end;

#define SWAPPER_PG_DIR_SIZE 0x4000
#define SWAPPER_PG_DIR_PHYS (KERNEL_PHYS_START - SWAPPER_PG_DIR_SIZE)

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
	pr_err("initrd=%s: expected ADDR,SIZE inside 4 GiB (K/M/G suffixes), ignored\n",
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
	if (memblock_reserve(SWAPPER_PG_DIR_PHYS, SWAPPER_PG_DIR_SIZE))
		pr_err("arm_mm_memblock_reserve: cannot reserve swapper_pg_dir\n");
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
