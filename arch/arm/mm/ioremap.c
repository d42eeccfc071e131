/*
 * arch/arm/mm/ioremap.c - device memory mapped at run time, and the page-table hooks under
 * vmalloc: Linux 6.1's arch/arm/mm/ioremap.c (__arm_ioremap_caller, iounmap, the static
 * mapping reuse), the fill_pmd_gaps step of arch/arm/mm/mmu.c's devicemaps_init, the
 * generic pte_alloc_kernel / vmap_pte_range / vunmap_pte_range for ARM's 2-level tables,
 * and kernel/iomem.c's memremap (MEMREMAP_WC only).
 *
 * Where it sits: paging_init -> devicemaps_init -> fill_pmd_gaps (boot, memblock);
 * everything else runs after mm_init's vmalloc_init:
 *
 *   ioremap(phys, size) / ioremap_wc / memremap(MEMREMAP_WC)
 *     __arm_ioremap_caller(phys, size, MT_DEVICE or MT_DEVICE_WC, caller)
 *       find_static_vm_paddr        inside a static map of the same type: reuse its address
 *       memblock_is_map_memory      mapped RAM with other attributes: WARN, NULL
 *       get_vm_area_caller          VM_IOREMAP area, aligned 2^clamp(order, 12, 19)
 *       ioremap_page_range          4 KiB PTEs with the type's prot_pte (SMP: never sections)
 *   iounmap(va)                     static mapping: nothing; else vunmap
 *
 *   arch_vmap_set_pte(addr, pfn, prot)          the hook vmalloc.c maps through:
 *     pmd_off_k(addr) empty? -> pte_alloc_kernel: zeroed page, __pmd_populate(_PAGE_KERNEL_TABLE)
 *     set_pte_ext(pte_offset_kernel(pmd, addr), pfn_pte(pfn, prot), 0)
 *
 *   fill_pmd_gaps: a static mapping that starts or ends in the middle of a 2 MiB pmd pair
 *   leaves the other 1 MiB half unusable for page tables of vmalloc; 6.1 reserves that half:
 *
 *     0xff000000 +------------------+ 0xff100000 +------------------+ 0xff200000
 *                | IO_LOCAL (1 MiB) |            | gap: reserved     |
 *                | section          |            | pmd_empty_section_gap
 */
#include <errno.h>

#include <linux/bug.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <asm/mach/map.h>
#include <asm/pgalloc.h>
#include <asm/pgtable.h>
#include <asm/tlbflush.h>
#include <asm/vmalloc.h>
#include "mm.h"

/* init_mm.page_table_lock: two CPUs must not both hook a PTE page into the same pmd pair. */
static DEFINE_SPINLOCK(pgtable_lock);

/* ---- page-table hooks (asm/vmalloc.h) ---------------------------------------------------- */

/* The PTE page of addr's pmd pair, allocated on first use (Linux's pte_alloc_kernel). */
static pte_t *pte_alloc_kernel(pmd_t *pmdp, unsigned long addr)
{
	struct page *page;
	unsigned long flags;

	if (pmd_none(*pmdp)) {
		page = alloc_pages(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN, 0);
		if (!page)
			return NULL;
		spin_lock_irqsave(&pgtable_lock, flags);
		if (pmd_none(*pmdp)) {
			__pmd_populate(pmdp, page_to_phys(page), _PAGE_KERNEL_TABLE);
			page = NULL;
		}
		spin_unlock_irqrestore(&pgtable_lock, flags);
		if (page) /* another CPU was first */
			__free_pages(page, 0);
	}
	if (WARN_ON(!pmd_table(*pmdp)))
		return NULL;
	return pte_offset_kernel(pmdp, addr);
}

int arch_vmap_set_pte(unsigned long addr, unsigned long pfn, u32 prot)
{
	pte_t *pte = pte_alloc_kernel(pmd_off_k(addr), addr);

	if (!pte)
		return -ENOMEM;
	WARN_ON(!pte_none(*pte));
	set_pte_ext(pte, pfn_pte(pfn, prot), 0);
	return 0;
}

void arch_vunmap_clear_pte(unsigned long addr)
{
	pmd_t *pmdp = pmd_off_k(addr);

	if (pmd_table(*pmdp))
		set_pte_ext(pte_offset_kernel(pmdp, addr), 0, 0);
}

u32 arch_vmap_get_pte(unsigned long addr)
{
	pmd_t *pmdp = pmd_off_k(addr);

	return pmd_table(*pmdp) ? pte_val(*pte_offset_kernel(pmdp, addr)) : 0;
}

void arch_vunmap_flush(unsigned long start, unsigned long end)
{
	flush_tlb_kernel_range(start, end);
}

/* ---- boot: fill_pmd_gaps ----------------------------------------------------------------- */

/* Record [addr, addr + size) as reserved, nothing mapped (Linux's vm_reserve_area_early). */
static void __init vm_reserve_area_early(unsigned long addr, unsigned long size,
					 const char *caller)
{
	struct static_vm *svm = memblock_alloc(STATIC_VM_LINUX_SIZE, STATIC_VM_LINUX_ALIGN);

	if (!svm)
		panic("%s: Failed to allocate %u bytes align=0x%x\n", __func__, STATIC_VM_LINUX_SIZE,
		      STATIC_VM_LINUX_ALIGN);
	svm->addr = addr;
	svm->size = size;
	svm->phys = 0;
	svm->type = STATIC_VM_EMPTY;
	svm->caller = caller;
	add_static_vm_early(svm);
}

/* Reserve the empty 1 MiB half at addr of a pmd pair a static mapping half uses. */
noinline void __init pmd_empty_section_gap(unsigned long addr)
{
	vm_reserve_area_early(addr, SECTION_SIZE, __func__);
}

void __init fill_pmd_gaps(void)
{
	unsigned long addr, next = 0;
	struct static_vm *svm;
	pmd_t *pmd;

	for (svm = static_vmlist; svm; svm = svm->next) {
		addr = svm->addr;
		if (addr < next)
			continue;
		/* starts on an odd MiB with the even half empty */
		if ((addr & ~PMD_MASK) == SECTION_SIZE) {
			pmd = pmd_off_k(addr);
			if (pmd_none(*pmd))
				pmd_empty_section_gap(addr & PMD_MASK);
		}
		/* ends on an odd MiB with the odd half empty */
		addr += svm->size;
		if ((addr & ~PMD_MASK) == SECTION_SIZE) {
			pmd = pmd_off_k(addr) + 1;
			if (pmd_none(*pmd))
				pmd_empty_section_gap(addr);
		}
		next = (addr + PMD_SIZE - 1) & PMD_MASK;
	}
}

/* ---- ioremap ------------------------------------------------------------------------------ */

/* The static mapping of type mtype that holds all of [paddr, paddr + size), or NULL. */
static const struct static_vm *find_static_vm_paddr(phys_addr_t paddr, size_t size,
						    unsigned int mtype)
{
	for (const struct static_vm *svm = static_vmlist; svm; svm = svm->next) {
		if (svm->type != mtype)
			continue;
		if (svm->phys > paddr || paddr + size - 1 > svm->phys + svm->size - 1)
			continue;
		return svm;
	}
	return NULL;
}

/* Map [addr, addr + size) to the frames from pfn with prot (Linux's ioremap_page_range). */
static int ioremap_page_range(unsigned long addr, unsigned long size, unsigned long pfn,
			      u32 prot)
{
	for (unsigned long off = 0; off < size; off += PAGE_SIZE)
		if (arch_vmap_set_pte(addr + off, pfn + (off >> PAGE_SHIFT), prot))
			return -ENOMEM;
	return 0;
}

/* Linux's __arm_ioremap_pfn_caller + __arm_ioremap_caller: the whole ioremap decision. */
void *__arm_ioremap_caller(phys_addr_t phys, size_t size, unsigned int mtype, const void *caller)
{
	phys_addr_t offset = phys & ~PAGE_MASK, paddr = phys & PAGE_MASK;
	const struct mem_type *type = get_mem_type(mtype);
	const struct static_vm *svm;
	struct vm_struct *area;
	unsigned long addr;

	if (!size || phys + size - 1 < phys || !type)
		return NULL;
	size = PAGE_ALIGN(offset + size);
	svm = find_static_vm_paddr(paddr, size, mtype);
	if (svm)
		return (void *)(svm->addr + (paddr - svm->phys) + offset);
	/* RAM with a linear mapping must not get a second one with other attributes */
	if (WARN_ON(memblock_is_map_memory(paddr) && mtype != MT_MEMORY_RW))
		return NULL;
	area = get_vm_area_caller(size, VM_IOREMAP | VM_UNINITIALIZED, caller);
	if (!area)
		return NULL;
	addr = (unsigned long)area->addr;
	area->phys_addr = paddr;
	if (ioremap_page_range(addr, size, __phys_to_pfn(paddr), type->prot_pte)) {
		vunmap((void *)addr);
		return NULL;
	}
	clear_vm_uninitialized_flag(area);
	return (void *)(addr + offset);
}

noinline void *ioremap(phys_addr_t phys, size_t size)
{
	return __arm_ioremap_caller(phys, size, MT_DEVICE, __builtin_return_address(0));
}

noinline void *ioremap_wc(phys_addr_t phys, size_t size)
{
	return __arm_ioremap_caller(phys, size, MT_DEVICE_WC, __builtin_return_address(0));
}

/* Linux's __iounmap: static mappings stay, anything else is vunmap'ed. */
void iounmap(volatile void *addr)
{
	unsigned long va = (unsigned long)addr & PAGE_MASK;

	if (find_static_vm_vaddr(va))
		return;
	vunmap((void *)va);
}

/* Linux's memremap for MEMREMAP_WC (kernel/iomem.c): memory that is not mapped RAM. */
noinline void *memremap(phys_addr_t offset, size_t size, unsigned long flags)
{
	void *addr;

	if (flags != MEMREMAP_WC) {
		WARN_ON(1);
		return NULL;
	}
	addr = ioremap_wc(offset, size); /* the area's caller: here, as in Linux */
	barrier();                       /* (no tail call: keep memremap the return address) */
	return addr;
}

void memunmap(void *addr)
{
	iounmap(addr);
}
