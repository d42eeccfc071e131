/*
 * arch/arm/mm/mmu.c - paging_init: the page tables the kernel runs on (Linux 6.1's
 * arch/arm/mm/mmu.c paging_init half, with the fixmap and the "Virtual kernel memory layout"
 * block). It rebuilds swapper_pg_dir from memblock with the builder of mapping.c, inside the
 * lowmem bounds lowmem.c decided, and touches the hardware (SCTLR.V, the TLB, the vectors
 * page, the machine's static I/O map): it runs on the target only. The builder it calls is
 * host-tested on its own (mapping.c, tools/testing/pgtable).
 */
#include <string.h>

#include <linux/cma.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/printk.h>
#include <asm/cacheflush.h>
#include <asm/cp15.h>
#include <asm/fixmap.h>
#include <asm/highmem.h>
#include <asm/mach/arch.h>
#include <asm/mach/map.h>
#include <asm/memory.h>
#include <asm/page.h>
#include <asm/pgalloc.h>
#include <asm/pgtable-2level.h>
#include <asm/pgtable.h>
#include <asm/ptdump.h>
#include <asm/sections.h>
#include <asm/setup.h>
#include <asm/tlbflush.h>
#include <asm/traps.h>
#include <pimm/diag.h>
#include <pimm/lab.h>
#include <pimm/vsprintf.h>
#include "mm.h"

/* ==== paging_init (Linux: arch/arm/mm/mmu.c) ============================================ *
 *
 *   setup_arch
 *     early_fixmap_init        bm_pte in the pmd of FIXADDR_TOP (earlycon slot)
 *     build_mem_type_table     "Memory policy: Data cache writealloc"
 *     paging_init
 *       prepare_page_table     clear user space, modules, lowmem past bank 0 (head.S's
 *                              kernel sections and everything >= VMALLOC_START stay)
 *       map_lowmem             every non-NOMAP bank below arm_lowmem_limit, minus the kernel
 *       memblock_set_current_limit(arm_lowmem_limit)
 *       map_kernel             [kernel start, __init_end) RWX, the rest of the image RW NX
 *       dma_contiguous_remap   CMA areas in lowmem -> 4 KiB MT_MEMORY_DMA_READY pages
 *       early_fixmap_shutdown  drop bm_pte, re-create the earlycon slot (MT_DEVICE page)
 *       devicemaps_init        vectors page copy, clear all vmalloc space, DTB at FDT_FIXED_BASE,
 *                              0xffff0000 vectors + stubs, mdesc->map_io, fill_pmd_gaps
 *                              (arch/arm/mm/ioremap.c), SCTLR.V
 *       kmap_init              PTE pages for PKMAP_BASE and the fixmap's first pmd
 *       top_pmd, zero page     ... then bootmem_init (next stage)
 *
 *   VA after paging_init (2G split; 3G: PAGE_OFFSET 0xc0000000, lowmem ends 0xf0000000):
 *   0x7f000000 modules | 0x7fe00000 pkmap | 0x80000000 kernel x | 0x80300000 kernel nx +
 *   lowmem sections (CMA: pages) | high_memory +8 MiB vmalloc: 0xfe000000 IO | 0xff800000 DTB |
 *   0xffc80000 fixmap | 0xffff0000 vectors, 0xffff1000 stubs
 */
static inline void set_cr(u32 val)
{
	__write_cp15(val, 0, c1, c0, 0);
	__asm__ __volatile__("isb" ::: "memory");
}

pgd_t *init_mm_pgd = (pgd_t *)swapper_pg_dir;
phys_addr_t kernel_sec_start, kernel_sec_end;
pte_t *pkmap_page_table;
pmd_t *top_pmd;
void *empty_zero_page;
void *vectors_page;
u64 paging_init_ticks; /* CNTVCT ticks spent in paging_init, for tools/bench */

static pte_t bm_pte[PTRS_PER_PTE + PTE_HWTABLE_PTRS]
	__aligned(PTE_HWTABLE_OFF + PTE_HWTABLE_SIZE);
static pte_t *(*pte_offset_fixmap)(pmd_t *dir, unsigned long addr);

static pte_t *pte_offset_early_fixmap(pmd_t *dir, unsigned long addr)
{
	(void)dir;
	return &bm_pte[pte_index(addr)];
}

static pte_t *pte_offset_late_fixmap(pmd_t *dir, unsigned long addr)
{
	return pte_offset_kernel(dir, addr);
}

/* Whether early_fixmap_shutdown re-creates an early slot: only device slots (the earlycon). */
static bool fixmap_slot_carried_over(pte_t pte)
{
	return !pte_none(pte) && (pte & L_PTE_MT_MASK) == L_PTE_MT_DEV_SHARED;
}

/* Hook bm_pte into the pmd that holds FIXADDR_TOP, so early fixmap slots can be used. */
void __init early_fixmap_init(void)
{
	pmd_t *pmd = pmd_off_k(FIXADDR_TOP);

	BUILD_BUG_ON(sizeof(bm_pte) != PAGE_SIZE);
	__pmd_populate(pmd, __pa(bm_pte), _PAGE_KERNEL_TABLE);
	pte_offset_fixmap = pte_offset_early_fixmap;
}

void __set_fixmap(enum fixed_addresses idx, phys_addr_t phys, pgprot_t prot)
{
	unsigned long vaddr = __fix_to_virt(idx);
	pte_t *pte = pte_offset_fixmap(pmd_off_k(vaddr), vaddr);

	if (idx >= __end_of_fixmap_region) {
		pimm_err("__set_fixmap: slot %d out of range (Linux: BUG_ON)\n", idx);
		return;
	}
	set_pte_ext(pte, prot ? pfn_pte(phys >> PAGE_SHIFT, prot) : 0, 0);
	local_flush_tlb_kernel_page(vaddr);
}

/* Clear every pmd pair in [start, end). */
static void clear_pmds(unsigned long start, unsigned long end)
{
	for (unsigned long addr = start; addr < end && addr >= start; addr += PMD_SIZE)
		pmd_clear(pmd_off_k(addr));
}

static void __init prepare_page_table(void)
{
	phys_addr_t end;

	clear_pmds(0, MODULES_VADDR);
	clear_pmds(MODULES_VADDR, PAGE_OFFSET);
	end = memblock.memory.regions[0].base + memblock.memory.regions[0].size;
	if (end >= arm_lowmem_limit)
		end = arm_lowmem_limit;
	clear_pmds(__phys_to_virt(end), VMALLOC_START);
}

/* Map [start, end) of lowmem linearly with MT_MEMORY_RW. */
static void __init __maybe_unused map_lowmem_range(phys_addr_t start, phys_addr_t end)
{
	struct map_desc map = {__phys_to_virt(start), __phys_to_pfn(start), end - start,
			       MT_MEMORY_RW};

	if (start < end)
		create_mapping(&map);
}

static void __init map_lowmem(void)
{
	/* LAB4 BEGIN */
	phys_addr_t start, end;
	u64 i;

	for_each_mem_range(i, &start, &end) {
		if (end > arm_lowmem_limit)
			end = arm_lowmem_limit;
		if (start >= end)
			break;
		/* the kernel's sections are map_kernel's: map what lies below and above them */
		if (end <= kernel_sec_start || start >= kernel_sec_end) {
			map_lowmem_range(start, end);
			continue;
		}
		map_lowmem_range(start, kernel_sec_start);
		map_lowmem_range(max(start, kernel_sec_end), end);
	}
	/* LAB4 TODO
	phys_addr_t start, end;
	u64 i;

	lab_todo(4, "mmu", "map_lowmem");
	// Until it is written, all of lowmem is mapped read-write-executable, the kernel too.
	for_each_mem_range(i, &start, &end) {
		struct map_desc map = {__phys_to_virt(start), __phys_to_pfn(start), 0, MT_MEMORY_RWX};

		if (end > arm_lowmem_limit)
			end = arm_lowmem_limit;
		if (start >= end)
			break;
		map.length = end - start;
		create_mapping(&map);
	}
	*/
	/* LAB4 END */
}

static void __init map_kernel(void)
{
	/* LAB4 BEGIN */
	phys_addr_t x_end = round_up(__pa(__init_end), SECTION_SIZE);
	struct map_desc map = {__phys_to_virt(kernel_sec_start), __phys_to_pfn(kernel_sec_start),
			       x_end - kernel_sec_start, MT_MEMORY_RWX};

	create_mapping(&map);
	if (x_end == kernel_sec_end)
		return;
	map = (struct map_desc){__phys_to_virt(x_end), __phys_to_pfn(x_end),
				kernel_sec_end - x_end, MT_MEMORY_RW};
	create_mapping(&map);
	/* LAB4 TODO
	lab_todo(4, "mmu", "map_kernel");
	// Until it is written, head.S's sections (read-write-executable) map the kernel.
	*/
	/* LAB4 END */
}

/*
 * Linux's early_fixmap_shutdown: bm_pte leaves the fixmap's pmd, and the permanent device
 * slots (the early console's) are re-created in a PTE page of their own with create_mapping.
 * pimm allocates that page first, while bm_pte still maps the early console: with
 * memblock=debug the allocation prints, and the console writes through the very slot being
 * moved. From the pmd_clear to create_mapping nothing prints.
 */
void __init early_fixmap_shutdown(void)
{
	unsigned long va = fix_to_virt(__end_of_permanent_fixed_addresses - 1);
	pmd_t *pmd = pmd_off_k(va);
	pte_t *table = NULL;

	for (int i = 0; i < __end_of_permanent_fixed_addresses && !table; i++) {
		unsigned long slot = fix_to_virt(i);

		if (fixmap_slot_carried_over(*pte_offset_early_fixmap(pmd_off_k(slot), slot)))
			table = early_alloc(PTE_HWTABLE_OFF + PTE_HWTABLE_SIZE);
	}
	pmd_clear(pmd);
	if (table)
		__pmd_populate(pmd, __pa(table), get_mem_type(MT_DEVICE)->prot_l1);
	local_flush_tlb_kernel_page(va);
	for (int i = 0; i < __end_of_permanent_fixed_addresses; i++) {
		struct map_desc map = {.virtual = fix_to_virt(i), .length = PAGE_SIZE,
				       .type = MT_DEVICE};
		pte_t *pte = pte_offset_early_fixmap(pmd_off_k(map.virtual), map.virtual);

		if (!fixmap_slot_carried_over(*pte))
			continue;
		map.pfn = pte_pfn(*pte);
		create_mapping(&map); /* finds the table hooked above: allocates nothing */
	}
	pte_offset_fixmap = pte_offset_late_fixmap;
}

/* The vectors page (0xffff0000) and the stubs page above it, from one early allocation. */
static void __init map_vectors(void *vectors)
{
	/* LAB4 BEGIN */
	struct map_desc map = {VECTORS_BASE, __phys_to_pfn(__pa(vectors)), PAGE_SIZE,
			       MT_HIGH_VECTORS}; /* user-readable: kuser helpers, as Linux */

	create_mapping(&map);
	map = (struct map_desc){VECTORS_BASE + PAGE_SIZE, __phys_to_pfn(__pa(vectors)) + 1,
				PAGE_SIZE, MT_LOW_VECTORS};
	create_mapping(&map);
	/* LAB4 TODO
	struct map_desc map = {VECTORS_BASE, __phys_to_pfn(__pa(vectors)), 2 * PAGE_SIZE,
			       MT_HIGH_VECTORS};

	lab_todo(4, "mmu", "map_vectors");
	// Until it is written, the vectors and the stubs pages are both user-readable.
	create_mapping(&map);
	*/
	/* LAB4 END */
}

/*
 * Vectors, DTB and device mappings (Linux's devicemaps_init): all of vmalloc space up to the
 * fixmap's pmd is cleared, head.S's UART section with it, and map_io re-creates the static I/O
 * map. memblock=debug prints in between (iotable_init's allocation): the early console writes
 * through its fixmap slot by then (setup_arch's earlycon_map), which is not cleared.
 */
static void __init devicemaps_init(void)
{
	void *vectors = early_alloc(PAGE_SIZE * 2);
	struct map_desc map;

	early_trap_init_vectors(vectors);
	vectors_page = vectors;
	clear_pmds(VMALLOC_START, FIXADDR_TOP & PMD_MASK);
	if (__atags_pointer) {
		map = (struct map_desc){FDT_FIXED_BASE, __phys_to_pfn(__atags_pointer & SECTION_MASK),
					FDT_FIXED_SIZE, MT_MEMORY_RO};
		create_mapping(&map);
	}
	map_vectors(vectors);
	machine_desc->map_io(); /* the board's static I/O map (asm/mach/arch.h) */
	fill_pmd_gaps();        /* (no PCI: no pci_reserve_io) */
	local_flush_tlb_all();
	/* exceptions now enter through the 0xffff0000 copy (VBAR is ignored while V is set) */
	set_cr(get_cr() | CR_V);
}

static void __init kmap_init(void)
{
#ifdef CONFIG_HIGHMEM
	pkmap_page_table = early_pte_alloc(pmd_off_k(PKMAP_BASE), PKMAP_BASE, _PAGE_KERNEL_TABLE);
#endif
	early_pte_alloc(pmd_off_k(FIXADDR_START), FIXADDR_START, _PAGE_KERNEL_TABLE);
}

void __init paging_init(void)
{
	u64 t0 = read_cntvct();

	kernel_sec_start = PHYS_OFFSET;
	kernel_sec_end = round_up(__pa(_end), SECTION_SIZE);
	prepare_page_table();
	map_lowmem();
	memblock_set_current_limit(arm_lowmem_limit);
	map_kernel();
	dma_contiguous_remap();
	early_fixmap_shutdown();
	devicemaps_init();
	kmap_init();
	top_pmd = pmd_off_k(VECTORS_BASE);
	empty_zero_page = early_alloc(PAGE_SIZE);
	paging_init_ticks = read_cntvct() - t0;
	bootmem_init();
}

/* ==== "Virtual kernel memory layout:" (Linux <= 5.0: arch/arm/mm/init.c mem_init) ======= */

#define MLK(b, t) (unsigned long)(b), (unsigned long)(t), (long)(((t) - (b)) >> 10)
#define MLM(b, t) (unsigned long)(b), (unsigned long)(t), (long)(((t) - (b)) >> 20)
#define MLK_ROUNDUP(b, t) (unsigned long)(b), (unsigned long)(t), (long)DIV_ROUND_UP((t) - (b), SZ_1K)

/* The block into buf (pre-4.15 style: real addresses where Linux now prints hashes). */
int vm_layout_format(char *buf, size_t size)
{
	int n = ksnprintf(buf, size,
		"Virtual kernel memory layout:\n"
		"    vector  : 0x%08lx - 0x%08lx   (%4ld kB)\n"
		"    fixmap  : 0x%08lx - 0x%08lx   (%4ld kB)\n"
		"    vmalloc : 0x%08lx - 0x%08lx   (%4ld MB)\n"
		"    lowmem  : 0x%08lx - 0x%08lx   (%4ld MB)\n",
		MLK(VECTORS_BASE, VECTORS_BASE + PAGE_SIZE), MLK(FIXADDR_START, FIXADDR_END),
		MLM(VMALLOC_START, VMALLOC_END),
		MLM((unsigned long)PAGE_OFFSET, (unsigned long)high_memory));
#ifdef CONFIG_HIGHMEM
	n += ksnprintf(buf + n, size - n, "    pkmap   : 0x%08lx - 0x%08lx   (%4ld MB)\n",
		       MLM(PKMAP_BASE, PKMAP_BASE + LAST_PKMAP * PAGE_SIZE));
#endif
	n += ksnprintf(buf + n, size - n,
		"    modules : 0x%08lx - 0x%08lx   (%4ld MB)\n"
		"      .text : 0x%08lx - 0x%08lx   (%4ld kB)\n"
		"      .init : 0x%08lx - 0x%08lx   (%4ld kB)\n"
		"      .data : 0x%08lx - 0x%08lx   (%4ld kB)\n"
		"       .bss : 0x%08lx - 0x%08lx   (%4ld kB)\n",
		MLM(MODULES_VADDR, MODULES_END), MLK_ROUNDUP(_text, _etext),
		MLK_ROUNDUP(__init_begin, __init_end), MLK_ROUNDUP(_sdata, _edata),
		MLK_ROUNDUP(__bss_start, __bss_stop));
	return n;
}

/* Which area @va lies in: the layout that print_vm_layout prints, as a lookup. */
enum kernel_va_area kernel_va_area(unsigned long va)
{
	if (va >= PAGE_OFFSET && va < (unsigned long)high_memory)
		return VA_LOWMEM;
	if (va >= VMALLOC_START && va < VMALLOC_END)
		return VA_VMALLOC;
	if (va >= FDT_FIXED_BASE && va < FDT_FIXED_BASE + FDT_FIXED_SIZE)
		return VA_DTB;
	if (va >= FIXADDR_START && va < FIXADDR_END)
		return VA_FIXMAP;
	if (va >= VECTORS_BASE && va < VECTORS_BASE + PAGE_SIZE)
		return VA_VECTORS;
	if (va >= VECTORS_BASE + PAGE_SIZE && va < VECTORS_BASE + 2 * PAGE_SIZE)
		return VA_STUBS;
	if (va >= PKMAP_BASE && va < PAGE_OFFSET)
		return VA_PKMAP;
	if (va >= MODULES_VADDR && va < PKMAP_BASE)
		return VA_MODULES;
	return va >= PAGE_OFFSET ? VA_NONE : VA_USER;
}

/* The area's name as `whatis` prints it. */
const char *kernel_va_area_name(enum kernel_va_area area)
{
	static const char *const names[] = {
		[VA_USER] = "user space",
		[VA_MODULES] = "modules area",
		[VA_PKMAP] = "pkmap (persistent kmaps)",
		[VA_LOWMEM] = "lowmem (linear map)",
		[VA_VMALLOC] = "vmalloc area",
		[VA_DTB] = "DTB mapping",
		[VA_FIXMAP] = "fixmap",
		[VA_VECTORS] = "vectors",
		[VA_STUBS] = "vectors",
		[VA_NONE] = "kernel space, no area",
	};

	return area < ARRAY_SIZE(names) ? names[area] : "?";
}

void __init print_vm_layout(void)
{
	static char buf[1024];

	vm_layout_format(buf, sizeof(buf));
	pr_notice("%s", buf);
}
