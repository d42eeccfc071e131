/*
 * support_vmalloc.h - what the vmalloc host suite (test_vmalloc.c) builds kernel/mm/vmalloc.c
 * on: a simulated page table for the asm/vmalloc.h hooks, a stub page allocator over a small
 * mem_map, kmalloc on malloc, and a static_vmlist the tests fill.
 *
 *   sim_pte[(va - 0x80000000) >> 12]   the Linux PTE the hooks read and write
 *   sim_pages[SIM_PAGES]               mem_map; refcount 1 while allocated
 */
#ifndef VMALLOC_TEST_SUPPORT_H
#define VMALLOC_TEST_SUPPORT_H

#include <linux/types.h>

struct static_vm;

#define SIM_PAGES 8192        /* 32 MiB of simulated pages */
#define SIM_VA_BASE 0x80000000UL

extern unsigned long sim_pages_live;  /* allocated pages now */
extern long sim_page_fail_after;      /* fail the n-th next alloc_pages (-1: never) */
extern long sim_pte_fail_after;       /* fail the n-th next PTE-table need (-1: never) */
extern unsigned long sim_flushes;     /* arch_vunmap_flush calls */
extern gfp_t sim_last_gfp;            /* gfp of the last alloc_pages */

/* Fresh state: no pages out, empty table, no static areas, vmalloc range from high_memory. */
void sim_reset(unsigned long high_mem);
/* Append a static_vmlist record (kept in address order by the caller). */
void sim_add_static(unsigned long addr, unsigned long size, phys_addr_t phys, unsigned int type,
		    const char *caller);
/* The simulated Linux PTE of va. */
u32 sim_pte_of(unsigned long va);
/* vmalloc.c's state reset for the next test (its lists are static: one init per process). */

#endif
