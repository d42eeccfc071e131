/*
 * arch/arm/mm/mm.h - what the page-table builder files share (Linux's arch/arm/mm/mm.h):
 * the memory-type table, the early allocator and paging_init's steps.
 */
#ifndef _ARM_MM_MM_H
#define _ARM_MM_MM_H

#include <linux/types.h>
#include <asm/mach/map.h>
#include <asm/pgtable.h>

/*
 * One memory type: the bits a mapping of this kind gets at each level.
 *   prot_pte   Linux PTE bits (software table; the hardware PTE is derived, pte_to_hw)
 *   prot_l1    L1 "page table" descriptor bits (type + domain) when 4 KiB pages are used
 *   prot_sect  L1 section descriptor bits, 0 if the type may only be mapped with pages
 */
struct mem_type {
	pteval_t prot_pte;
	pmdval_t prot_l1;
	pmdval_t prot_sect;
	unsigned int domain;
};

extern struct mem_type mem_types[MT_NR_TYPES];
/* The type's entry, or NULL for an index out of range. */
const struct mem_type *get_mem_type(unsigned int type);
/* mem_type_name: asm/mach/map.h; build_mem_type_table, cache_policy_name: asm/pgtable.h */

/* memblock_alloc(sz, sz) or panic: page tables before the page allocator exists. */
void *early_alloc(unsigned long sz);
/* The PTE page of the pmd pair at pmdp (allocated with prot if empty); the Linux PTE of addr. */
pte_t *early_pte_alloc(pmd_t *pmdp, unsigned long addr, pmdval_t prot);
/* create_mapping with an explicit allocator and nG choice (Linux's __create_mapping). */
void __create_mapping(pgd_t *pgd, struct map_desc *md, void *(*alloc)(unsigned long sz), bool ng);

/* The physical 1 MiB sections the kernel image occupies (head.S's mapping). */
extern phys_addr_t kernel_sec_start, kernel_sec_end;

void dma_contiguous_remap(void);
/* Reserve the empty 1 MiB halves of pmd pairs static mappings half use (arch/arm/mm/ioremap.c). */
void fill_pmd_gaps(void);
void pmd_empty_section_gap(unsigned long addr);
/* Zones and mem_map for the memory memblock knows: the end of paging_init (init.c). */
void bootmem_init(void);

#endif
