/*
 * asm/memory.h - the kernel's virtual memory layout constants and the linear map.
 *
 *   lowmem is mapped linearly:  VA = PA - PHYS_OFFSET + PAGE_OFFSET
 *   PHYS_OFFSET = 0 on the Pi (RAM starts at PA 0), TEXT_OFFSET = 0x8000 (kernel at PA 0x8000)
 *
 * PAGE_OFFSET comes from the build (meson -Dvmsplit=2G|3G via pimm_config.h).
 * Full map: docs/design.md#virtual-memory-map and `layout` in the shell.
 */
#ifndef _ASM_MEMORY_H
#define _ASM_MEMORY_H

#include <asm/page.h>

#define PAGE_OFFSET CONFIG_PAGE_OFFSET
#define PHYS_OFFSET 0x00000000
#define TEXT_OFFSET 0x00008000
#define KERNEL_PHYS_START (PHYS_OFFSET + TEXT_OFFSET)
/* swapper_pg_dir, the kernel's L1 table: 4096 4-byte entries just below the kernel (Linux's
 * PG_DIR_SIZE of arch/arm/kernel/head.S). */
#define PG_DIR_SIZE 0x4000
#define SWAPPER_PG_DIR_PHYS (KERNEL_PHYS_START - PG_DIR_SIZE)
#define PHYS_PFN_OFFSET (PHYS_OFFSET >> PAGE_SHIFT)

/* The DTB is mapped read-only at FDT_FIXED_BASE from head.S on (2 MiB, as Linux). */
#define FDT_FIXED_BASE 0xff800000
#define FDT_FIXED_SIZE 0x00200000
#define VMALLOC_END FDT_FIXED_BASE
#define MAX_FDT_SIZE 0x00100000

/*
 * Early console: head.S maps the UART's 1 MiB section at its place in the static I/O map.
 * Both addresses are the board's (EARLY_UART_PHYS, EARLY_UART_VIRT in mach/platform.h).
 */
#include <mach/platform.h>

#ifndef __ASSEMBLER__
#include <linux/types.h>

/* The virtual address just past lowmem (arch/arm/mm/lowmem.c; Linux declares it in
 * linux/mm.h): VMALLOC_START is 8 MiB above it. */
extern void *high_memory;

static inline phys_addr_t __virt_to_phys(unsigned long x)
{
	return (phys_addr_t)(x - PAGE_OFFSET + PHYS_OFFSET);
}

static inline unsigned long __phys_to_virt(phys_addr_t x)
{
	return (unsigned long)(x - PHYS_OFFSET + PAGE_OFFSET);
}

#define __pa(x) __virt_to_phys((unsigned long)(x))
#define __va(x) ((void *)__phys_to_virt((phys_addr_t)(x)))
#define virt_to_phys(x) __pa(x)
#define phys_to_virt(x) __va(x)
#define pfn_to_virt(pfn) __va((phys_addr_t)(pfn) << PAGE_SHIFT)
#endif

#endif
