/*
 * asm/pgtable-2level-types.h - the C types of ARM's two-level (short-descriptor) tables, as
 * Linux declares them without STRICT_MM_TYPECHECKS: plain 32-bit words, so that a table
 * entry is exactly the hardware descriptor and no C bit-field ever describes hardware bits.
 *
 *   pgd_t  = two consecutive 1 MiB L1 descriptors (one Linux pgd entry covers 2 MiB)
 *   pmd_t  = one L1 descriptor (Linux folds the pmd level into the pgd)
 *   pte_t  = one Linux (software) PTE; the hardware PTE sits PTE_HWTABLE_OFF bytes above it
 */
#ifndef _ASM_PGTABLE_2LEVEL_TYPES_H
#define _ASM_PGTABLE_2LEVEL_TYPES_H

#include <linux/types.h>

typedef u32 pteval_t;
typedef u32 pmdval_t;

typedef pteval_t pte_t;
typedef pmdval_t pmd_t;
typedef pmdval_t pgd_t[2];
typedef pteval_t pgprot_t;

#define pte_val(x) (x)
#define pmd_val(x) (x)
#define pgd_val(x) ((x)[0])
#define pgprot_val(x) (x)
#define __pte(x) ((pte_t)(x))
#define __pmd(x) ((pmd_t)(x))
#define __pgprot(x) ((pgprot_t)(x))

#endif
