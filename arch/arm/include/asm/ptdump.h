/*
 * asm/ptdump.h - reading the page tables back: the one-address walker (`walk`, show_pte) and
 * the whole-table dump (`ptdump`, the W+X audit), arch/arm/mm/walk.c and dump.c. Both only
 * read table memory, so they compile and are tested on the host as well.
 */
#ifndef _ASM_PTDUMP_H
#define _ASM_PTDUMP_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <asm/pgtable.h>

/* Where a walk ended. */
enum pt_kind {
	PT_FAULT_L1,     /* pmd entry is 0 (or the reserved type 3): section translation fault */
	PT_SECTION,      /* 1 MiB section */
	PT_SUPERSECTION, /* 16 MiB supersection */
	PT_FAULT_L2,     /* table, but the hardware PTE is 0: page translation fault */
	PT_PAGE,         /* 4 KiB small page */
	PT_LARGE_PAGE,   /* 64 KiB large page */
	PT_BAD_TABLE,    /* table outside lowmem: cannot be read through the linear map */
};

/* Access rights decoded from APX:AP (and XN/PXN) for the kernel (PL1) and user (PL0). */
struct pt_perm {
	bool kr, kw, kx, ur, uw, ux;
};

struct pt_walk {
	unsigned long va;
	unsigned int pgd_index;   /* va >> 21 */
	unsigned int l1_index;    /* va >> 20: which hardware L1 entry */
	pmd_t *pmdp;              /* that entry (kernel VA) */
	pmdval_t pmd;
	enum pt_kind kind;
	unsigned int pte_index;   /* Linux's: (va >> 12) & 511, over the pair's two tables */
	unsigned int hw_pte_index; /* the MMU's: va[19:12], 0..255 inside its hardware table */
	pte_t *ptep;              /* Linux PTE (kernel VA); the hardware one is +2048 bytes */
	pteval_t linux_pte;
	u32 hw_pte;
	phys_addr_t pa;           /* valid when mapped */
	bool mapped;
	/* decoded final descriptor */
	unsigned int domain, ap, tex, c, b; /* ap = APX:AP1:AP0 (3 bits) */
	bool s, ng, xn, pxn;
	struct pt_perm perm;
	unsigned int remap_index; /* TEX[0]:C:B, the PRRR/NMRR slot */
};

/* Walk pgd for va the way the MMU does (short descriptors, TEX remap, AFE = 0). */
void pgtable_walk(pgd_t *pgd, unsigned long va, struct pt_walk *w);
/* "normal WBWA", "device", "strongly-ordered"... for a TEX remap index (from PRRR/NMRR). */
const char *tex_remap_name(unsigned int index);
/* Linux's ptdump name for an L_PTE_MT_* value ("MEM/CACHED/WBWA"), NULL if none. */
const char *linux_mt_name(pteval_t pte);
/* Name of the mem_types[] entry whose bits the descriptor carries, or NULL. */
const char *mem_type_of_sect(pmdval_t sect);
const char *mem_type_of_pte(pteval_t pte);
/* As above, but a static mapping (static_vmlist) covering va names the type first. */
const char *mem_type_of_va_sect(unsigned long va, pmdval_t sect);
const char *mem_type_of_va_pte(unsigned long va, pteval_t pte);
/* The first type whose section bits match ignoring AP and XN (permissions changed later). */
const char *mem_type_of_sect_base(pmdval_t sect);
/* Permissions of an APX:AP value plus XN/PXN. */
struct pt_perm pt_decode_perm(unsigned int ap, bool xn, bool pxn);

/* Linux's kernel_page_tables dump of pgd through out(); returns the number of W+X pages. */
unsigned long ptdump_walk(pgd_t *pgd, int (*out)(const char *fmt, ...));
/* The W+X audit alone: warnings for each offending range, the summary line; true if clean. */
bool ptdump_check_wx(pgd_t *pgd);
/* The same audit without printing: W+X pages, and where the first W+X range starts. */
unsigned long ptdump_count_wx(pgd_t *pgd, unsigned long *first);

/* Boot-time W^X: NX and read-only section bits on the kernel image, then the audit. */
void mark_readonly(void);
/*
 * mm-check (rodata.c): no W+X mapping; every page of non-NOMAP lowmem mapped linearly
 * (VA = PA + PAGE_OFFSET) and no page of NOMAP lowmem mapped; kernel text read-only. One
 * report() line per violation; returns how many. *lowmem_mib: MiB of lowmem checked.
 */
int pgtable_check(void (*report)(const char *fmt, ...) __printf(1, 2),
		  unsigned long *lowmem_mib);

#endif
