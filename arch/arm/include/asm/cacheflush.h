/*
 * asm/cacheflush.h - making freshly written code visible to instruction fetch (the vectors
 * page copy in devicemaps_init) and data written through a cached mapping visible to a device
 * (dmac_flush_range, before the DMA API makes a buffer uncached); Linux's
 * arch/arm/include/asm/cacheflush.h. Host suites that need it supply their own version first
 * on the include path.
 */
#ifndef _ASM_CACHEFLUSH_H
#define _ASM_CACHEFLUSH_H

#include <asm/page.h>

/* Clean [start, end) to the point of unification, then invalidate the I-cache (all cores). */
static inline void flush_icache_range(unsigned long start, unsigned long end)
{
	for (unsigned long a = start & ~(L1_CACHE_BYTES - 1UL); a < end; a += L1_CACHE_BYTES)
		__asm__ __volatile__("mcr p15, 0, %0, c7, c11, 1" ::"r"(a) : "memory"); /* DCCMVAU */
	__asm__ __volatile__("dsb ish\n\t"
			     "mcr p15, 0, %0, c7, c1, 0\n\t" /* ICIALLUIS */
			     "mcr p15, 0, %0, c7, c1, 6\n\t" /* BPIALLIS */
			     "dsb ish\n\t"
			     "isb" ::"r"(0)
			     : "memory");
}

/* Clean and invalidate the D-cache lines of [start, end) to the point of coherency (DCCIMVAC). */
static inline void dmac_flush_range(const void *start, const void *end)
{
	for (unsigned long a = (unsigned long)start & ~(L1_CACHE_BYTES - 1UL);
	     a < (unsigned long)end; a += L1_CACHE_BYTES)
		__asm__ __volatile__("mcr p15, 0, %0, c7, c14, 1" ::"r"(a) : "memory");
	__asm__ __volatile__("dsb" ::: "memory");
}

#endif
