/*
 * Host-test stand-in for arch/arm/include/asm/tlbflush.h: the same functions, no coprocessor
 * access. test_pgtable.c defines them as counters, so a test can assert that the builder made
 * each table write visible to the walker (flush_pmd_entry) and dropped stale translations.
 */
#ifndef _ASM_TLBFLUSH_H
#define _ASM_TLBFLUSH_H

void flush_pmd_entry(void *pmdp);
void clean_pmd_entry(void *pmdp);
void clean_pte_entry(void *ptep);
void local_flush_tlb_all(void);
void flush_tlb_all(void);
void flush_tlb_kernel_range(unsigned long start, unsigned long end);
void local_flush_tlb_kernel_page(unsigned long kaddr);

#endif
