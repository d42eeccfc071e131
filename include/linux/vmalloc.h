/*
 * vmalloc.h - virtually contiguous kernel allocations (kernel/mm/vmalloc.c): Linux 6.1's
 * include/linux/vmalloc.h and the ioremap part of include/asm-generic/io.h.
 *
 * Where it sits: mm_init -> vmalloc_init, after kmem_cache_init; from then on the range
 * [VMALLOC_START, VMALLOC_END) is handed out in areas with a guard page after each:
 *
 *   vmalloc(size)      scattered pages from the buddy allocator, mapped contiguously with
 *                      4 KiB PTEs built at run time
 *   ioremap(pa, size)  device registers (or no-map memory), aligned by size
 *   vmap(pages, n)     given pages mapped contiguously
 */
#ifndef _LINUX_VMALLOC_H
#define _LINUX_VMALLOC_H

#include <linux/types.h>

struct page;

/* Import the static mappings made at boot and open the vmalloc range (mm_init). */
void vmalloc_init(void);

/* size bytes of virtually contiguous memory (page granular), or NULL. */
void *vmalloc(unsigned long size);
/* vmalloc, zeroed. */
void *vzalloc(unsigned long size);
/* Unmap and free a vmalloc'ed area (NULL: nothing). */
void vfree(const void *addr);
/* Map count given pages contiguously (flags: VM_*); NULL on failure. */
void *vmap(struct page **pages, unsigned int count, unsigned long flags, u32 prot);
/* Unmap a vmap'ed area, leaving its pages alone. */
void vunmap(const void *addr);

/* Map [phys, phys + size) as device memory; NULL on failure. */
void *ioremap(phys_addr_t phys, size_t size);
/* Undo ioremap. */
void iounmap(volatile void *addr);

#endif
