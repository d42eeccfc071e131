/*
 * asm/pgalloc.h - hooking a PTE page into the L1 table (Linux's __pmd_populate, 2-level).
 *
 * A PTE page at physical address P covers one pgd entry (2 MiB):
 *   pmd[0] = (P + 2048) | prot     -> hardware table for the even MiB
 *   pmd[1] = (P + 3072) | prot     -> hardware table for the odd MiB
 * The Linux (software) tables at P and P + 1024 are never seen by the MMU.
 */
#ifndef _ASM_PGALLOC_H
#define _ASM_PGALLOC_H

#include <asm/pgtable.h>
#include <asm/tlbflush.h>

/* Point both L1 entries of the pair at the hardware halves of the PTE page at pte_pa. */
static inline void __pmd_populate(pmd_t *pmdp, phys_addr_t pte_pa, pmdval_t prot)
{
	pmdval_t val = (pte_pa + PTE_HWTABLE_OFF) | prot;

	pmdp[0] = __pmd(val);
	pmdp[1] = __pmd(val + 256 * sizeof(u32));
	flush_pmd_entry(pmdp);
}

/* Empty both L1 entries of the pair. */
static inline void pmd_clear(pmd_t *pmdp)
{
	pmdp[0] = __pmd(0);
	pmdp[1] = __pmd(0);
	clean_pmd_entry(pmdp);
}

/* Store a Linux PTE and its hardware twin 2 KiB above it (cpu_v7_set_pte_ext). */
static inline void set_pte_ext(pte_t *ptep, pte_t pte, u32 ext)
{
	ptep[0] = pte;
	((u32 *)ptep)[PTE_HWTABLE_PTRS] = pte_to_hw(pte, ext);
	clean_pte_entry(ptep + PTE_HWTABLE_PTRS);
}

#endif
