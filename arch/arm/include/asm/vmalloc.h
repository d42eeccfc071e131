/*
 * asm/vmalloc.h - the page-table hooks kernel/mm/vmalloc.c maps and unmaps through, one 4 KiB
 * page at a time (arch/arm/mm/ioremap.c; Linux's generic vmap_pte_range, pte_alloc_kernel and
 * vunmap_pte_range over ARM's 2-level tables). The host suite (tools/testing/vmalloc)
 * implements them on a simulated table, so vmalloc.c never touches page-table bits itself.
 *
 *   pmd pair of addr (2 MiB)  --empty?-->  a zeroed page from the buddy allocator becomes its
 *                                          PTE page (__pmd_populate, _PAGE_KERNEL_TABLE)
 *   Linux PTE (addr >> 12) & 511  =  pfn | prot;  hardware twin written by set_pte_ext
 *
 * PTE pages are never freed (as Linux: vmalloc space keeps its tables).
 */
#ifndef _ASM_VMALLOC_H
#define _ASM_VMALLOC_H

#include <linux/types.h>

/* Map the page at addr to frame pfn with Linux PTE bits prot; 0, or -ENOMEM (no PTE page). */
int arch_vmap_set_pte(unsigned long addr, unsigned long pfn, u32 prot);
/* Empty the PTE of addr, if it has a table (the TLB is flushed by arch_vunmap_flush). */
void arch_vunmap_clear_pte(unsigned long addr);
/* The Linux PTE of addr; 0 when there is no PTE table or the entry is empty. */
u32 arch_vmap_get_pte(unsigned long addr);
/* Drop the TLB entries of [start, end) on every CPU (flush_tlb_kernel_range). */
void arch_vunmap_flush(unsigned long start, unsigned long end);

/* ioremap with memory type mtype (MT_DEVICE, MT_DEVICE_WC...), caller for /proc/vmallocinfo. */
void *__arm_ioremap_caller(phys_addr_t phys, size_t size, unsigned int mtype, const void *caller);

#endif
