/*
 * asm/tlbflush.h - TLB and table-write maintenance (Linux's arch/arm/include/asm/tlbflush.h),
 * the small hooks that keep the page-table builder (arch/arm/mm/mapping.c) free of
 * coprocessor access. The host suites that compile the builder put their own counting version
 * of this header first on the include path (tools/testing/pgtable/include/asm/tlbflush.h).
 *
 * On the Cortex-A7 (ACTLR.SMP set, TTBR walks inner write-back) the table walker snoops the
 * data cache, so a table write only needs a barrier before the walker may see it (Linux's
 * TLB_WB without TLB_DCLEAN). Linux's naming: the plain names act on every core of the inner
 * shareable domain (TLBI...IS, what a change another CPU may have cached needs); the local_
 * ones on the calling core only (boot code before the other CPUs run, per-CPU slots).
 */
#ifndef _ASM_TLBFLUSH_H
#define _ASM_TLBFLUSH_H

/* Bytes above which flush_tlb_kernel_range drops the whole TLB instead of page by page. */
#define TLB_RANGE_FLUSH_MAX (64 * 4096UL)
#define TLB_PAGE_MASK (~0xfffUL)

/* A new L1 entry is visible to the table walker once this returns. */
static inline void flush_pmd_entry(void *pmdp)
{
	(void)pmdp;
	__asm__ __volatile__("dsb ishst" ::: "memory");
}

static inline void clean_pmd_entry(void *pmdp) { flush_pmd_entry(pmdp); }
static inline void clean_pte_entry(void *ptep) { flush_pmd_entry(ptep); }

/* Drop every TLB entry and the branch predictor of this core only (TLBIALL, BPIALL). */
static inline void local_flush_tlb_all(void)
{
	__asm__ __volatile__("dsb nshst\n\t"
			     "mcr p15, 0, %0, c8, c7, 0\n\t" /* TLBIALL */
			     "mcr p15, 0, %0, c7, c5, 6\n\t" /* BPIALL */
			     "dsb nsh\n\t"
			     "isb" ::"r"(0)
			     : "memory");
}

/* Drop every TLB entry and the branch predictors of every core (TLBIALLIS, BPIALLIS). */
static inline void flush_tlb_all(void)
{
	__asm__ __volatile__("dsb ishst\n\t"
			     "mcr p15, 0, %0, c8, c3, 0\n\t" /* TLBIALLIS */
			     "mcr p15, 0, %0, c7, c1, 6\n\t" /* BPIALLIS */
			     "dsb ish\n\t"
			     "isb" ::"r"(0)
			     : "memory");
}

/* Drop the TLB entries of kernel pages [start, end) (all ASIDs) on every core. */
static inline void flush_tlb_kernel_range(unsigned long start, unsigned long end)
{
	if (end - start > TLB_RANGE_FLUSH_MAX) {
		flush_tlb_all();
		return;
	}
	__asm__ __volatile__("dsb ishst" ::: "memory");
	for (start &= TLB_PAGE_MASK; start < end; start += 4096)
		__asm__ __volatile__("mcr p15, 0, %0, c8, c3, 3" ::"r"(start) : "memory"); /* TLBIMVAAIS */
	__asm__ __volatile__("dsb ish\n\tisb" ::: "memory");
}

/* Drop the TLB entry of one kernel page (all ASIDs) on this core only (TLBIMVAA). */
static inline void local_flush_tlb_kernel_page(unsigned long kaddr)
{
	__asm__ __volatile__("dsb nshst\n\t"
			     "mcr p15, 0, %0, c8, c7, 3\n\t" /* TLBIMVAA */
			     "dsb nsh\n\t"
			     "isb" ::"r"(kaddr & TLB_PAGE_MASK)
			     : "memory");
}

#endif
