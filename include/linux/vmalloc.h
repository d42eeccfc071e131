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
 *
 * One busy area, as /proc/vmallocinfo shows it:
 *
 *   struct vmap_area  [va_start ........................ va_end)   on vmap_area_list
 *        vm --------> struct vm_struct
 *                       addr = va_start, size = va_end - va_start (guard page included)
 *                       flags VM_ALLOC / VM_IOREMAP / VM_MAP / VM_DMA_COHERENT
 *                       pages[0..nr_pages) -> struct page (VM_ALLOC, VM_MAP)
 *                       phys_addr (VM_IOREMAP), caller (who asked: %pS)
 */
#ifndef _LINUX_VMALLOC_H
#define _LINUX_VMALLOC_H

#include <linux/list.h>
#include <linux/types.h>

struct page;

/* vm_struct flags (Linux 6.1's values). */
#define VM_IOREMAP 0x00000001u       /* ioremap() and friends */
#define VM_ALLOC 0x00000002u         /* vmalloc() */
#define VM_MAP 0x00000004u           /* vmap()ed pages */
#define VM_USERMAP 0x00000008u
#define VM_DMA_COHERENT 0x00000010u  /* dma_alloc_coherent's remap */
#define VM_UNINITIALIZED 0x00000020u /* being set up: pages not all mapped yet */
#define VM_NO_GUARD 0x00000040u      /* no guard page after the area */
/* ARM's private bits (arch/arm/mm/mm.h): static mappings iotable_init made, holes reserved. */
#define VM_ARM_STATIC_MAPPING 0x40000000u
#define VM_ARM_EMPTY_MAPPING 0x20000000u
#define VM_ARM_MTYPE(mt) ((unsigned long)(mt) << 20)
#define VM_ARM_MTYPE_MASK (0x1fUL << 20)

/* Linux's IOREMAP_MAX_ORDER on ARM SMP: ioremap alignment is at most 512 KiB (2^19). */
#define IOREMAP_MAX_ORDER 19

struct vm_struct {
	struct vm_struct *next; /* (vmlist, before vmalloc_init) */
	void *addr;
	unsigned long size; /* guard page included */
	unsigned long flags;
	struct page **pages;
	unsigned int nr_pages;
	phys_addr_t phys_addr;
	const void *caller;      /* return address of the requester, printed with %pS */
	const char *caller_name; /* pimm: static records name their caller (iotable_init) */
};

struct vmap_area {
	unsigned long va_start, va_end; /* [start, end), page aligned */
	struct list_head list;          /* vmap_area_list (busy) or free_vmap_area_list */
	struct vm_struct *vm;           /* busy: the area's vm_struct; NULL while being freed */
};

/* Import the static mappings made at boot and open the vmalloc range (mm_init). */
void vmalloc_init(void);

/* size bytes of virtually contiguous memory (page granular), or NULL. */
void *vmalloc(unsigned long size);
/* vmalloc, zeroed. */
void *vzalloc(unsigned long size);
/* Linux's __vmalloc_node_range for [start, end): align, gfp, prot, vm flags, caller. */
void *__vmalloc_node_range(unsigned long size, unsigned long align, unsigned long start,
			   unsigned long end, gfp_t gfp, u32 prot, unsigned long vm_flags,
			   const void *caller);
/* Unmap and free a vmalloc'ed area (NULL: nothing). */
void vfree(const void *addr);
/* Map count given pages contiguously (flags: VM_*); NULL on failure. */
void *vmap(struct page **pages, unsigned int count, unsigned long flags, u32 prot);
/* Unmap a vmap'ed area, leaving its pages alone. */
void vunmap(const void *addr);

/* A free range of size bytes (+ guard) in [start, end) aligned to align; its vm_struct. */
struct vm_struct *__get_vm_area_caller(unsigned long size, unsigned long flags,
				       unsigned long align, unsigned long start,
				       unsigned long end, const void *caller);
/* __get_vm_area_caller in the vmalloc range, aligned as flags asks (VM_IOREMAP: by size). */
struct vm_struct *get_vm_area_caller(unsigned long size, unsigned long flags, const void *caller);
/*
 * The area is mapped: clear VM_UNINITIALIZED (under vmap_area_lock). Whoever asks for an area
 * with VM_UNINITIALIZED (vmalloc, vmap, ioremap do) maps it and then calls this; until then
 * mm-check leaves its PTEs alone. Areas without the flag must be fully mapped.
 */
void clear_vm_uninitialized_flag(struct vm_struct *vm);
/*
 * The vm_struct of the busy area containing addr (guard page included), or NULL if there is
 * none or it is being freed (Linux: find_vm_area).
 */
struct vm_struct *find_vm_area(const void *addr);
/* The busy area containing addr (guard page included), or NULL; caller holds no lock. */
struct vmap_area *find_vmap_area(unsigned long addr);
/* Unmap and forget the area starting at addr; its vm_struct (pages untouched), or NULL. */
struct vm_struct *remove_vm_area(const void *addr);
/* Pages vmalloc holds now (Linux's vmalloc_nr_pages: meminfo's VmallocUsed). */
unsigned long vmalloc_nr_pages(void);
/* Linux's is_vmalloc_addr: addr inside [VMALLOC_START, VMALLOC_END). */
bool is_vmalloc_addr(const void *addr);

/* Map [phys, phys + size) as device memory; NULL on failure. */
void *ioremap(phys_addr_t phys, size_t size);
/* ioremap as write-combining normal memory (ARM's MT_DEVICE_WC). */
void *ioremap_wc(phys_addr_t phys, size_t size);
/* Undo ioremap (static mappings are left alone). */
void iounmap(volatile void *addr);

/* memremap flags and calls (Linux's kernel/iomem.c): only MEMREMAP_WC is supported. */
#define MEMREMAP_WB 1
#define MEMREMAP_WT 2
#define MEMREMAP_WC 4
void *memremap(phys_addr_t offset, size_t size, unsigned long flags);
void memunmap(void *addr);

/*
 * The shell's view (kernel/shell/cmd_vmalloc.c). vmalloc_for_each_area calls fn for every
 * busy area in address order under vmap_area_lock (fn must not allocate or sleep); vm is NULL
 * for an area being freed. vmalloc_check verifies the invariants (mm-check stage "vmalloc").
 */
void vmalloc_for_each_area(void (*fn)(const struct vmap_area *va, void *arg), void *arg);
/* The free range containing addr, as [*start, *end); false if addr is not free space. */
bool vmalloc_free_range(unsigned long addr, unsigned long *start, unsigned long *end);
/* Violations of the area lists and the page tables under them, each reported once. */
int vmalloc_check(void (*report)(const char *fmt, ...) __printf(1, 2), unsigned long *nr_busy,
		  unsigned long *nr_free);
/* Busy areas and free ranges now, and the free bytes inside [VMALLOC_START, VMALLOC_END). */
void vmalloc_counts(unsigned long *nr_busy, unsigned long *nr_free, unsigned long *free_bytes);

#endif
