/*
 * asm/setup.h - what setup_arch (arch/arm/kernel/setup.c) calls to learn and reserve memory,
 * and the physical limits they compute. setup_arch runs, in this order:
 *
 *   setup_machine_fdt(FDT_FIXED_BASE + (__atags_pointer % SZ_1M), __atags_pointer)
 *                             arch/arm/kernel/devtree.c: verify, Machine model, memory banks,
 *                             bootargs, initrd; reserves the DTB (exact totalsize bytes)
 *   parse_early_param()       mem=, vmalloc= (arch/arm/mm/lowmem.c), cma= (kernel/mm/cma.c),
 *                             initrd= (arch/arm/mm/init.c), memblock=debug
 *   adjust_lowmem_bounds()    arch/arm/mm/lowmem.c: arm_lowmem_limit, high_memory, memblock limit
 *   arm_memblock_init()       arch/arm/mm/init.c: kernel, initrd, swapper_pg_dir,
 *                             /reserved-memory, default CMA area, memblock_dump_all
 *   adjust_lowmem_bounds()    again, after the removals
 */
#ifndef _ASM_SETUP_H
#define _ASM_SETUP_H

#include <linux/types.h>

/* The architecture's part of boot (arch/arm/kernel/setup.c); *cmdline_p = the command line. */
void setup_arch(char **cmdline_p);
/* Give this CPU's exception modes their stacks (Linux's cpu_init). */
void cpu_init(void);
/* "CPU: All CPU(s) started in ... mode." once all CPUs are up (after smp_init). */
void hyp_mode_check(void);
/* Set by a secondary CPU that arrived in another mode than the boot CPU. */
extern bool boot_cpu_mode_mismatch;
/* head.S's records of the boot: r2 (the DTB), r1, where the image was (and asm/virt.h). */
extern u32 __atags_pointer, __machine_arch_type, __image_load_addr;

/*
 * Validate the blob (panic with the reason if unusable), choose the machine_desc by the root
 * "compatible" (asm/mach/arch.h), print the model, scan it.
 */
void setup_machine_fdt(void *dt_virt, phys_addr_t dt_phys);
/* Physical address of the blob setup_machine_fdt accepted (reserved in memblock). */
extern phys_addr_t machine_fdt_phys;

/* Reserve what the kernel needs before paging_init (arch/arm/mm/init.c). */
void arm_memblock_init(void);
/* Reserve the initrd found in the DT or by initrd=ADDR,SIZE, after checking it. */
void arm_initrd_init(void);
/* Reserve swapper_pg_dir, the initial L1 table: 16 KiB below the kernel. */
void arm_mm_memblock_reserve(void);
/* The initrd's virtual bounds once arm_initrd_init reserved it (0 when there is none). */
extern unsigned long initrd_start, initrd_end;
/* Highest DMA-able address + 1 - 1 (no ZONE_DMA on the Pi 2: 0xffffffff). */
extern phys_addr_t arm_dma_limit;

/* Compute the lowmem limit from vmalloc= and the banks (arch/arm/mm/lowmem.c). */
void adjust_lowmem_bounds(void);
extern phys_addr_t arm_lowmem_limit;
/* Lowest virtual address vmalloc space may start at: VMALLOC_END - vmalloc size - 8 MiB. */
extern void *vmalloc_min;
/* Bytes of vmalloc space asked for (vmalloc=, default 240 MiB). */
extern unsigned long vmalloc_size;

/* Add one bank of RAM from mem= (page-aligned, inside 32 bits, above PHYS_OFFSET): 0 or
 * -EINVAL (arch/arm/mm/lowmem.c, Linux's arch/arm/kernel/setup.c). */
int arm_add_memory(u64 start, u64 size);
/* Set once a mem= has replaced the device tree's banks (Linux's setup.c usermem). */
extern int usermem;
/* The device tree's banks as the first mem= found them: later mem= are clipped to them. */
#define MEM_MAX_DT_BANKS 8
struct mem_dt_banks {
	int nr;
	struct {
		phys_addr_t base, end;
	} bank[MEM_MAX_DT_BANKS];
};
extern struct mem_dt_banks mem_dt_banks;

#ifndef VMALLOC_OFFSET
#define VMALLOC_OFFSET (8 * 1024 * 1024)
#endif
#define VMALLOC_DEFAULT_SIZE (240UL * 1024 * 1024)

#endif
