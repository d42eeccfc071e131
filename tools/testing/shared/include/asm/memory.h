/*
 * Host-test stand-in for arch/arm/include/asm/memory.h: the "linear map" is a simulated RAM
 * buffer (support.c maps 4 GiB of address space, lazily backed), so physical address PA lives
 * at mb_ram + PA and memblock_alloc can really zero what it returns.
 */
#ifndef _ASM_MEMORY_H
#define _ASM_MEMORY_H

#include <asm/page.h>
#include <linux/types.h>

#define PHYS_OFFSET 0x00000000
#define TEXT_OFFSET 0x00008000

extern char *mb_ram; /* host address of PA 0 */
extern void *high_memory; /* as the real asm/memory.h */

static inline phys_addr_t __virt_to_phys(unsigned long x)
{
	return (phys_addr_t)(x - (unsigned long)mb_ram);
}

static inline unsigned long __phys_to_virt(phys_addr_t x)
{
	return (unsigned long)mb_ram + x;
}

#define __pa(x)		 __virt_to_phys((unsigned long)(x))
#define __va(x)		 ((void *)__phys_to_virt((phys_addr_t)(x)))
#define virt_to_phys(x)	 __pa(x)
#define phys_to_virt(x)	 __va(x)
#define pfn_to_virt(pfn) __va((phys_addr_t)(pfn) << PAGE_SHIFT)

#endif
