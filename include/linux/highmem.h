/*
 * highmem.h - reaching a page that may have no permanent kernel address (Linux 6.1's
 * include/linux/highmem.h): a HighMem page is mapped for a moment into a per-CPU fixmap slot
 * (kmap_local_page, arch/arm/mm/highmem.c), used, and unmapped in LIFO order.
 *
 *   lowmem page   page_address(page) = __va(PFN_PHYS(pfn)): kmap_local_page returns it as is
 *   HighMem page  no address: kmap_local_page maps it at FIX_KMAP_BEGIN + cpu * KM_MAX_IDX + n,
 *                 n = this CPU's nesting depth (an interrupt may map while a caller holds one)
 *
 * The persistent kmap() window (PKMAP_BASE) comes with the next stage (slab, vmalloc, highmem).
 */
#ifndef _LINUX_HIGHMEM_H
#define _LINUX_HIGHMEM_H

#include <string.h>
#include <linux/mm.h>

/* A kernel address for @page until the matching kunmap_local (strictly nested, same CPU). */
void *kmap_local_page(struct page *page);
/* Undo the latest kmap_local_page of this CPU; @addr is what it returned. */
void kunmap_local(void *addr);

/* Zero one page, wherever it lives (Linux's clear_highpage). */
static inline void clear_highpage(struct page *page)
{
	void *kaddr = kmap_local_page(page);

	memset(kaddr, 0, PAGE_SIZE);
	kunmap_local(kaddr);
}

#endif
