/*
 * arch/arm/mm/highmem.c - kmap_local_page for ARM: a HighMem page gets a kernel address for a
 * moment through one of this CPU's KM_MAX_IDX fixmap slots (Linux 6.1: mm/highmem.c's
 * __kmap_local_pfn_prot with ARM's arch_kmap_local_* hooks, on arch/arm/include/asm/fixmap.h).
 *
 * Where it sits: after paging_init (kmap_init gave the fixmap its PTE page), any code that must
 * touch a HighMem page's contents - the allocator's __GFP_ZERO (prep_new_page) first.
 *
 *   slots of CPU c:  FIX_KMAP_BEGIN + c * KM_MAX_IDX + 0 .. KM_MAX_IDX - 1
 *   kmap_local_page  depth++ ; map the page's PFN at slot[depth - 1] ; flush that VA (this CPU)
 *   kunmap_local     clear slot[depth - 1] ; flush ; depth--
 *
 * Mappings are this CPU's only: the TLB flushes are local, as Linux's, and pimm has no task to
 * migrate. Interrupts may nest a pair inside another; the depth is per CPU.
 */
#include <linux/bug.h>
#include <linux/highmem.h>
#include <linux/percpu.h>
#include <asm/fixmap.h>
#include <asm/smp.h>
#include <asm/tlbflush.h>

static DEFINE_PER_CPU(int, kmap_local_depth);

/* The fixmap slot for nesting level @depth (0-based) of this CPU. */
static enum fixed_addresses kmap_local_slot(int depth)
{
	return FIX_KMAP_BEGIN + smp_processor_id() * KM_MAX_IDX + depth;
}

/* A kernel address for @page: its lowmem one, or this CPU's next kmap slot (HighMem). */
void *kmap_local_page(struct page *page)
{
	int *depth = this_cpu_ptr(&kmap_local_depth);
	enum fixed_addresses idx;
	unsigned long vaddr;

	if (!PageHighMem(page))
		return page_address(page);
	BUG_ON(*depth >= KM_MAX_IDX); /* Linux: BUG_ON(idx >= KM_MAX_IDX) */
	idx = kmap_local_slot((*depth)++);
	vaddr = __fix_to_virt(idx);
	__set_fixmap(idx, PFN_PHYS(page_to_pfn(page)), FIXMAP_PAGE_NORMAL);
	local_flush_tlb_kernel_page(vaddr);
	return (void *)vaddr;
}

/* Clear this CPU's latest kmap slot; @addr must be its address (a lowmem address is a no-op). */
void kunmap_local(void *addr)
{
	int *depth = this_cpu_ptr(&kmap_local_depth);
	unsigned long vaddr = (unsigned long)addr & PAGE_MASK;

	if (vaddr < FIXADDR_START || vaddr >= FIXADDR_END)
		return; /* a lowmem page: nothing was mapped */
	if (WARN_ON_ONCE(*depth <= 0 || vaddr != __fix_to_virt(kmap_local_slot(*depth - 1))))
		return;
	__set_fixmap(kmap_local_slot(--(*depth)), 0, 0);
	local_flush_tlb_kernel_page(vaddr);
}
