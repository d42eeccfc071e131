/*
 * asm/tlbflush.h - TLB and table-write maintenance, the small hooks that keep the page-table
 * builder (arch/arm/mm/mapping.c) free of coprocessor access so that it compiles and is
 * tested on the host (tools/testing/pgtable supplies counting versions of these).
 *
 * On the Cortex-A7 (ACTLR.SMP set, TTBR walks inner write-back) the table walker snoops the
 * data cache, so a table write only needs a barrier before the walker may see it (Linux's
 * TLB_WB without TLB_DCLEAN); stale TLB entries are dropped inner-shareable (all cores).
 */
#ifndef _ASM_TLBFLUSH_H
#define _ASM_TLBFLUSH_H

#ifdef PIMM_HOST_TEST
void flush_pmd_entry(void *pmdp);
void clean_pmd_entry(void *pmdp);
void clean_pte_entry(void *ptep);
void local_flush_tlb_all(void);
void flush_tlb_kernel_range(unsigned long start, unsigned long end);
#else
/* A new L1 entry is visible to the table walker once this returns. */
static inline void flush_pmd_entry(void *pmdp)
{
	(void)pmdp;
	__asm__ __volatile__("dsb ishst" ::: "memory");
}

static inline void clean_pmd_entry(void *pmdp) { flush_pmd_entry(pmdp); }
static inline void clean_pte_entry(void *ptep) { flush_pmd_entry(ptep); }

/* Drop every TLB entry on every core, and the branch predictor's. */
static inline void local_flush_tlb_all(void)
{
	__asm__ __volatile__("dsb ishst\n\t"
			     "mcr p15, 0, %0, c8, c3, 0\n\t" /* TLBIALLIS */
			     "mcr p15, 0, %0, c7, c1, 6\n\t" /* BPIALLIS */
			     "dsb ish\n\t"
			     "isb" ::"r"(0)
			     : "memory");
}

/* Drop the TLB entries of kernel pages [start, end) (all ASIDs, all cores). */
static inline void flush_tlb_kernel_range(unsigned long start, unsigned long end)
{
	if (end - start > 64 * 4096) {
		local_flush_tlb_all();
		return;
	}
	__asm__ __volatile__("dsb ishst" ::: "memory");
	for (start &= ~0xfffUL; start < end; start += 4096)
		__asm__ __volatile__("mcr p15, 0, %0, c8, c3, 3" ::"r"(start) : "memory"); /* TLBIMVAAIS */
	__asm__ __volatile__("dsb ish\n\tisb" ::: "memory");
}
#endif

static inline void local_flush_tlb_kernel_page(unsigned long kaddr)
{
	flush_tlb_kernel_range(kaddr, kaddr + 4096);
}

#endif
