/*
 * arch/arm/mm/kmap_local.c - kmap_local_page for ARM: a HighMem page gets a kernel address for
 * a moment through one of this CPU's KM_MAX_IDX fixmap slots (Linux 6.1: mm/highmem.c's
 * __kmap_local_page_prot and kunmap_local_indexed with ARM's arch_kmap_local_* hooks,
 * arch/arm/include/asm/highmem.h and fixmap.h). kmap_atomic (linux/highmem.h) is this too.
 *
 * Where it sits: after paging_init (kmap_init gave the fixmap its PTE page), any code that must
 * touch a HighMem page's contents - the allocator's __GFP_ZERO (prep_new_page) first.
 *
 *   kmap_local_page   lowmem: page_address
 *                     already kmapped: kmap_high_get (its pkmap address, one user more; ARMv7
 *                       is ARCH_NEEDS_KMAP_HIGH_GET)
 *                     else: idx = depth + KM_MAX_IDX * cpu, depth++ ; map the PFN at
 *                       FIX_KMAP_BEGIN + idx ; flush that VA (this CPU)
 *   kunmap_local      pkmap address: kunmap_high of the page its PTE maps
 *                     fixmap address: clear slot[depth - 1] ; flush ; depth--
 *
 *   fixmap (VA = FIXADDR_TOP - idx * 4 KiB, growing down)
 *     idx 1 .. 16    CPU 0 depth 0 .. 15   (CPU 0 depth 0 = 0xffefe000)
 *     idx 17 .. 32   CPU 1 ...             idx 49 .. 64: CPU 3
 *
 * Mappings are this CPU's only: the TLB flushes are local, as Linux's, and pimm has no task to
 * migrate. Interrupts may nest a pair inside another; the depth is per CPU.
 */
#include <linux/bug.h>
#include <linux/highmem.h>
#include <linux/percpu.h>
#include <asm/fixmap.h>
#include <asm/highmem.h>
#include <asm/smp.h>
#include <asm/tlbflush.h>

static DEFINE_PER_CPU(int, kmap_local_depth);

/* The fixmap slot for nesting level @depth (0-based) of this CPU. */
static enum fixed_addresses kmap_local_slot(int depth)
{
	return FIX_KMAP_BEGIN + smp_processor_id() * KM_MAX_IDX + depth;
}

/* Drop the user kmap_high_get gave kmap_local_page, when @vaddr is a pkmap address. */
static void kmap_high_unmap_local(unsigned long vaddr)
{
#ifdef CONFIG_HIGHMEM
	if (vaddr >= PKMAP_ADDR(0) && vaddr < PKMAP_ADDR(LAST_PKMAP))
		kunmap_high(pfn_to_page(pte_pfn(pkmap_page_table[PKMAP_NR(vaddr)])));
#else
	(void)vaddr;
#endif
}

/* A kernel address for @page: its lowmem one, or this CPU's next kmap slot (HighMem). */
void *kmap_local_page(struct page *page)
{
	int *depth = this_cpu_ptr(&kmap_local_depth);
	enum fixed_addresses idx;
	unsigned long vaddr;
	void *kmap;

	if (!PageHighMem(page))
		return page_address(page);
	kmap = kmap_high_get(page);
	if (kmap)
		return kmap;
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

	if (vaddr < FIXADDR_START || vaddr >= FIXADDR_END) {
		kmap_high_unmap_local(vaddr);
		return; /* else a lowmem page: nothing was mapped */
	}
	if (WARN_ON_ONCE(*depth <= 0 || vaddr != __fix_to_virt(kmap_local_slot(*depth - 1))))
		return;
	__set_fixmap(kmap_local_slot(--(*depth)), 0, 0);
	local_flush_tlb_kernel_page(vaddr);
}
