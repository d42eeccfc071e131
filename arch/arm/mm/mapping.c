/*
 * arch/arm/mm/mapping.c - the page-table builder: create_mapping and the levels below it
 * (Linux's arch/arm/mm/mmu.c builder half), used by every step of paging_init and by the
 * board's map_io. No coprocessor access here (asm/tlbflush.h hooks only), so the same file is
 * compiled and tested on the host (tools/testing/pgtable).
 *
 *   create_mapping(md)                refuse user-space VAs, warn outside vmalloc space
 *     __create_mapping                cut [virtual, +length) at 2 MiB pgd boundaries
 *       alloc_init_pmd                per 2 MiB slice: sections if type, VA, end and PA
 *         __map_init_section            are all 1 MiB aligned ...
 *         alloc_init_pte              ... else the whole slice with 4 KiB pages
 *           early_pte_alloc           PTE page on first use (early_alloc -> memblock)
 *             __pmd_populate          both L1 entries -> the two hardware tables
 *           set_pte_ext               Linux PTE + hardware PTE (pte_to_hw)
 *
 *   slice with sections:  pmd[0] = PA | prot_sect    pmd[1] = PA + 1 MiB | prot_sect
 *   slice with pages:     pmd[0], pmd[1] -> PTE page; 512 Linux PTEs + 512 hardware PTEs
 */
#include <linux/bug.h>
#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/printk.h>
#include <asm/fixmap.h>
#include <asm/pgalloc.h>
#include <asm/pgtable.h>
#include <pimm/diag.h>
#include "mm.h"

/* Linux's static_vmlist: the records iotable_init allocated, sorted by address. */
struct static_vm *static_vmlist;
int nr_static_vms;

/* A zeroed, size-aligned block from memblock; noinline so memblock=debug names it. */
noinline void *early_alloc(unsigned long sz)
{
	void *ptr = memblock_alloc(sz, sz);

	if (!ptr)
		panic("%s: Failed to allocate %lu bytes align=0x%lx\n", __func__, sz, sz);
	return ptr;
}

/* The PTE page of the pair at pmdp, allocated (and hooked with prot) when the pair is empty. */
static pte_t *arm_pte_alloc(pmd_t *pmdp, unsigned long addr, pmdval_t prot,
			    void *(*alloc)(unsigned long sz))
{
	if (pmd_none(*pmdp)) {
		pte_t *pte = alloc(PTE_HWTABLE_OFF + PTE_HWTABLE_SIZE);

		__pmd_populate(pmdp, __pa(pte), prot);
	}
	if (pmd_bad(*pmdp))
		panic("%s: pmd 0x%08x for 0x%08lx is a section, not a table\n", __func__, *pmdp, addr);
	return pte_offset_kernel(pmdp, addr);
}

pte_t *early_pte_alloc(pmd_t *pmdp, unsigned long addr, pmdval_t prot)
{
	return arm_pte_alloc(pmdp, addr, prot, early_alloc);
}

/* Map [addr, end) (inside one pgd entry) with 4 KiB pages starting at frame pfn. */
static void alloc_init_pte(pmd_t *pmdp, unsigned long addr, unsigned long end, unsigned long pfn,
			   const struct mem_type *type, void *(*alloc)(unsigned long sz), bool ng)
{
	pte_t *pte = arm_pte_alloc(pmdp, addr, type->prot_l1, alloc);

	do {
		set_pte_ext(pte, pfn_pte(pfn, type->prot_pte), ng ? PTE_EXT_NG : 0);
		pfn++;
	} while (pte++, addr += PAGE_SIZE, addr != end);
}

/* Map [addr, end) (1 MiB aligned, inside one pgd entry) with sections from phys. */
static void __map_init_section(pmd_t *pmdp, unsigned long addr, unsigned long end,
			       phys_addr_t phys, const struct mem_type *type, bool ng)
{
	pmd_t *p = pmdp;

	if (addr & SECTION_SIZE) /* the odd MiB of the pair */
		pmdp++;
	do {
		*pmdp = __pmd(phys | type->prot_sect | (ng ? PMD_SECT_nG : 0));
		phys += SECTION_SIZE;
	} while (pmdp++, addr += SECTION_SIZE, addr != end);
	flush_pmd_entry(p);
}

/* One pgd slice: sections when type, addr, end and phys allow it, else pages. */
static void alloc_init_pmd(pgd_t *pgd, unsigned long addr, unsigned long end, phys_addr_t phys,
			   const struct mem_type *type, void *(*alloc)(unsigned long sz), bool ng)
{
	pmd_t *pmdp = (pmd_t *)pgd; /* the pmd level is folded into the pgd */

	if (type->prot_sect && ((addr | end | phys) & ~SECTION_MASK) == 0)
		__map_init_section(pmdp, addr, end, phys, type, ng);
	else
		alloc_init_pte(pmdp, addr, end, __phys_to_pfn(phys), type, alloc, ng);
}

void __create_mapping(pgd_t *pgd_base, struct map_desc *md, void *(*alloc)(unsigned long sz),
		      bool ng)
{
	const struct mem_type *type = get_mem_type(md->type);
	unsigned long addr, length, end, next;
	phys_addr_t phys;
	pgd_t *pgd;

	if (!type || (!type->prot_sect && !type->prot_l1)) {
		pimm_warn("BUG: mapping for 0x%08llx at 0x%08lx has no memory type %u, ignoring.\n",
			(u64)__pfn_to_phys(md->pfn), md->virtual, md->type);
		return;
	}
	addr = md->virtual & PAGE_MASK;
	phys = __pfn_to_phys(md->pfn);
	length = PAGE_ALIGN(md->length + (md->virtual & ~PAGE_MASK));
	if (type->prot_l1 == 0 && ((addr | phys | length) & ~SECTION_MASK)) {
		pr_warn("BUG: map for 0x%08llx at 0x%08lx can not be mapped using pages, ignoring.\n",
			(u64)phys, addr);
		return;
	}
	pgd = pgd_offset_pgd(pgd_base, addr);
	end = addr + length;
	do {
		next = pgd_addr_end(addr, end);
		alloc_init_pmd(pgd, addr, next, phys, type, alloc, ng);
		phys += next - addr;
		addr = next;
	} while (pgd++, addr != end);
}

void create_mapping(struct map_desc *md)
{
	if (md->virtual != VECTORS_BASE && md->virtual < TASK_SIZE) {
		pr_warn("BUG: not creating mapping for 0x%08llx at 0x%08lx in user region\n",
			(u64)__pfn_to_phys(md->pfn), md->virtual);
		return;
	}
	if ((md->type == MT_DEVICE || md->type == MT_ROM) && md->virtual >= PAGE_OFFSET &&
	    md->virtual < FIXADDR_START &&
	    (md->virtual < VMALLOC_START || md->virtual >= VMALLOC_END))
		pr_warn("BUG: mapping for 0x%08llx at 0x%08lx out of vmalloc space\n",
			(u64)__pfn_to_phys(md->pfn), md->virtual);
	__create_mapping(init_mm_pgd, md, early_alloc, false);
}

/* Link a record in, keeping the list sorted by address (Linux: add_static_vm_early). */
void add_static_vm_early(struct static_vm *svm)
{
	struct static_vm **p = &static_vmlist;

	while (*p && (*p)->addr < svm->addr)
		p = &(*p)->next;
	svm->next = *p;
	*p = svm;
	nr_static_vms++;
}

const struct static_vm *find_static_vm_vaddr(unsigned long vaddr)
{
	for (const struct static_vm *vm = static_vmlist; vm && vm->addr <= vaddr; vm = vm->next)
		if (vaddr - vm->addr < vm->size)
			return vm;
	return NULL;
}

/*
 * As Linux: one memblock_alloc per call for all @nr records (its struct static_vm, a vm_struct
 * plus a list_head, is STATIC_VM_LINUX_SIZE bytes on ARM32; pimm's smaller record lives at the
 * start of each slot), then map and record each descriptor. noinline: memblock=debug names us.
 */
noinline void iotable_init(struct map_desc *io_desc, int nr)
{
	char *svm;

	BUILD_BUG_ON(sizeof(struct static_vm) > STATIC_VM_LINUX_SIZE);
	if (!nr)
		return;
	svm = memblock_alloc((phys_addr_t)STATIC_VM_LINUX_SIZE * nr, STATIC_VM_LINUX_ALIGN);
	if (!svm)
		panic("%s: Failed to allocate %u bytes align=0x%x\n", __func__,
		      STATIC_VM_LINUX_SIZE * nr, STATIC_VM_LINUX_ALIGN);
	for (struct map_desc *md = io_desc; md < io_desc + nr; md++, svm += STATIC_VM_LINUX_SIZE) {
		struct static_vm *vm = (struct static_vm *)svm;

		create_mapping(md);
		vm->addr = md->virtual & PAGE_MASK;
		vm->size = PAGE_ALIGN(md->length + (md->virtual & ~PAGE_MASK));
		vm->phys = __pfn_to_phys(md->pfn);
		vm->type = md->type;
		vm->caller = "iotable_init";
		add_static_vm_early(vm);
	}
}
