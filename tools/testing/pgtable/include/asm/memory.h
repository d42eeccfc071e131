/*
 * Host-test stand-in for arch/arm/include/asm/memory.h: the kernel's virtual layout constants
 * are the real ones (PAGE_OFFSET from the build's split), but the linear map used to *reach*
 * table memory is the memblock suite's simulated RAM: PA lives at mb_ram + PA. Page tables
 * store physical addresses only, so the builder and walker run unchanged.
 */
#ifndef _ASM_MEMORY_H
#define _ASM_MEMORY_H

#include <asm/page.h>
#include <linux/types.h>

#define PAGE_OFFSET CONFIG_PAGE_OFFSET
#define PHYS_OFFSET 0x00000000
#define TEXT_OFFSET 0x00008000
#define KERNEL_PHYS_START (PHYS_OFFSET + TEXT_OFFSET)
#define FDT_FIXED_BASE 0xff800000
#define FDT_FIXED_SIZE 0x00200000
#define VMALLOC_END FDT_FIXED_BASE
#define EARLY_UART_PHYS 0x3f201000

extern char *mb_ram; /* host address of PA 0 */

static inline phys_addr_t __virt_to_phys(unsigned long x)
{
	return (phys_addr_t)(x - (unsigned long)mb_ram);
}

static inline unsigned long __phys_to_virt(phys_addr_t x)
{
	return (unsigned long)mb_ram + x;
}

#define __pa(x) __virt_to_phys((unsigned long)(x))
#define __va(x) ((void *)__phys_to_virt((phys_addr_t)(x)))
#define virt_to_phys(x) __pa(x)
#define phys_to_virt(x) __va(x)

#endif
