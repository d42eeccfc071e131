/*
 * Host-test refinement of the shared asm/memory.h (tools/testing/shared/include, included
 * next): pointers into the simulated RAM convert as there (PA = ptr - mb_ram), but a constant kernel virtual
 * address below 4 GiB converts as on the target, PA = VA - CONFIG_PAGE_OFFSET. percpu.c
 * passes __pa(MAX_DMA_ADDRESS) = __pa(0xffffffff) as memblock_alloc_from's goal: on the Pi
 * (2G split) that is 0x7fffffff, above all RAM, so memblock falls back to a plain top-down
 * allocation; with the plain stub it would be 0xffffffff - mb_ram, truncated to 32 bits,
 * i.e. wherever mmap happened to put the simulated RAM.
 */
#ifndef PCPU_TEST_ASM_MEMORY_H
#define PCPU_TEST_ASM_MEMORY_H

#include_next <asm/memory.h>

static inline phys_addr_t pcpu_test_virt_to_phys(unsigned long x)
{
	if (x >= (unsigned long)mb_ram && x - (unsigned long)mb_ram < (1ULL << 32))
		return (phys_addr_t)(x - (unsigned long)mb_ram);
	return (phys_addr_t)(x - CONFIG_PAGE_OFFSET);
}

#undef __pa
#define __pa(x) pcpu_test_virt_to_phys((unsigned long)(x))

#endif
