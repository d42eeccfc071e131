/*
 * asm/highmem.h - the persistent kmap window just below PAGE_OFFSET (Linux's ARM highmem.h).
 *
 *   PKMAP_BASE = PAGE_OFFSET - 2 MiB ... PAGE_OFFSET : LAST_PKMAP (512) pages, one PTE page
 *   (pkmap_page_table, allocated by paging_init's kmap_init) maps them all.
 */
#ifndef _ASM_HIGHMEM_H
#define _ASM_HIGHMEM_H

#include <asm/pgtable.h>

#define PKMAP_BASE ((unsigned long)PAGE_OFFSET - PMD_SIZE)
#define LAST_PKMAP PTRS_PER_PTE
#define LAST_PKMAP_MASK (LAST_PKMAP - 1)
#define PKMAP_NR(virt) (((virt)-PKMAP_BASE) >> PAGE_SHIFT)
#define PKMAP_ADDR(nr) (PKMAP_BASE + ((nr) << PAGE_SHIFT))

extern pte_t *pkmap_page_table;

#endif
