/*
 * arch/arm/mm/mmu.c - the kernel's view of physical memory and the page tables it runs on
 * (Linux 6.1's arch/arm/mm/mmu.c; mem= from arch/arm/kernel/setup.c). The first half decides
 * where lowmem ends; the second half, paging_init, rebuilds swapper_pg_dir from memblock with
 * the builder of mapping.c. The table building itself is host-tested (tools/testing/pgtable).
 *
 * Where it sits in the boot pipeline (LINUX-FACTS §6):
 *
 *   setup_arch
 *     parse_early_param     vmalloc=SIZE  -> early_vmalloc (vmalloc_size, clamped 16 MiB..max)
 *                           mem=SIZE[@START] -> early_mem (replaces the DT's banks)
 *     adjust_lowmem_bounds  lowmem ends where vmalloc space must begin:
 *
 *        PAGE_OFFSET                      high_memory   VMALLOC_START          VMALLOC_END
 *        |<------ lowmem (linear map) ------->|<- 8 MiB ->|<-- vmalloc_size -->|
 *        PA PHYS_OFFSET ............... arm_lowmem_limit ...... RAM above: HighMem
 *                                                               (or "Ignoring RAM at ...")
 *     arm_memblock_init, then adjust_lowmem_bounds again (no-map regions may have appeared)
 */
#include <errno.h>
#include <string.h>

#include <linux/cma.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/printk.h>
#include <asm/memory.h>
#include <asm/page.h>
#include <asm/pgtable-2level.h>
#include <asm/sections.h>
#include <asm/setup.h>
#include <pimm/parse.h>

phys_addr_t arm_lowmem_limit;
void *high_memory;
unsigned long vmalloc_size = VMALLOC_DEFAULT_SIZE;
void *vmalloc_min = (void *)(VMALLOC_END - VMALLOC_DEFAULT_SIZE - VMALLOC_OFFSET);

/* vmalloc=SIZE: the vmalloc area's size, at least 16 MiB, at most what leaves 32 MiB lowmem. */
static int __init early_vmalloc(char *arg)
{
	unsigned long long vmalloc_reserve; /* 64-bit: "vmalloc=5G" must read as too big, not 1G */
	unsigned long vmalloc_max;
	char *end;

	if (!arg || !*arg) {
		pr_err("vmalloc=: expected a size (K/M/G suffixes), ignored\n");
		return -EINVAL;
	}
	vmalloc_reserve = memparse(arg, &end);
	if (end == arg || *end) {
		pr_err("vmalloc=%s: not a size (K/M/G suffixes), ignored\n", arg);
		return -EINVAL;
	}
	if (vmalloc_reserve < SZ_16M) {
		vmalloc_reserve = SZ_16M;
		pr_warn("vmalloc area is too small, limiting to %luMiB\n",
			(unsigned long)(vmalloc_reserve >> 20));
	}
	vmalloc_max = VMALLOC_END - (PAGE_OFFSET + SZ_32M + VMALLOC_OFFSET);
	if (vmalloc_reserve > vmalloc_max) {
		vmalloc_reserve = vmalloc_max;
		pr_warn("vmalloc area is too big, limiting to %luMiB\n",
			(unsigned long)(vmalloc_reserve >> 20));
	}
	vmalloc_size = vmalloc_reserve;
	vmalloc_min = (void *)(VMALLOC_END - vmalloc_size - VMALLOC_OFFSET);
	return 0;
}
early_param("vmalloc", early_vmalloc);

/* Mark the start of the first usable bank NOMAP up to 2 MiB if it is not pmd aligned. */
static void align_first_bank(void)
{
	phys_addr_t block_start, block_end;
	u64 i;

	for_each_mem_range(i, &block_start, &block_end) {
		if (!IS_ALIGNED(block_start, PMD_SIZE))
			memblock_mark_nomap(block_start,
					    round_up(block_start, PMD_SIZE) - block_start);
		break;
	}
}

/* Set arm_lowmem_limit, high_memory and memblock's current limit; drop highmem if !HIGHMEM. */
void __init adjust_lowmem_bounds(void)
{
	phys_addr_t block_start, block_end, memblock_limit = 0, lowmem_limit = 0;
	u64 vmalloc_limit, i;

	vmalloc_limit = (u64)VMALLOC_END - vmalloc_size - VMALLOC_OFFSET - PAGE_OFFSET + PHYS_OFFSET;
	align_first_bank();

	for_each_mem_range(i, &block_start, &block_end) {
		if (block_start >= vmalloc_limit)
			continue;
		if (block_end > lowmem_limit)
			lowmem_limit = (phys_addr_t)min_t(u64, vmalloc_limit, block_end);
		/* the first bank edge that is not pmd aligned caps early allocations */
		if (!memblock_limit) {
			if (!IS_ALIGNED(block_start, PMD_SIZE))
				memblock_limit = block_start;
			else if (!IS_ALIGNED(block_end, PMD_SIZE))
				memblock_limit = lowmem_limit;
		}
	}

	arm_lowmem_limit = lowmem_limit;
	high_memory = lowmem_limit ? (char *)__va(arm_lowmem_limit - 1) + 1 : __va(PHYS_OFFSET);
	if (!memblock_limit)
		memblock_limit = arm_lowmem_limit;
	memblock_limit = round_down(memblock_limit, PMD_SIZE);

#ifndef CONFIG_HIGHMEM
	/* (Linux also does this for VIPT-aliasing D-caches; the Cortex-A7's is PIPT.) */
	if (memblock_end_of_DRAM() > arm_lowmem_limit) {
		phys_addr_t end = memblock_end_of_DRAM();

		pr_notice("Ignoring RAM at %pa-%pa\n", &memblock_limit, &end);
		pr_notice("Consider using a HIGHMEM enabled kernel.\n");
		memblock_remove(memblock_limit, end - memblock_limit);
	}
#endif
	memblock_set_current_limit(memblock_limit);
}

/* ---- mem= (Linux: arch/arm/kernel/setup.c early_mem / arm_add_memory) --------------- */

#define MEM_MAX_DT_BANKS 8
static struct { phys_addr_t base, end; } dt_banks[MEM_MAX_DT_BANKS];
static int nr_dt_banks;
static int usermem; /* a mem= was accepted: the DT's banks are gone */

#ifdef PIMM_HOST_TEST
/* Host tests boot many times in one process. */
void arm_mem_reset_for_test(void)
{
	usermem = nr_dt_banks = 0;
	vmalloc_size = VMALLOC_DEFAULT_SIZE;
	vmalloc_min = (void *)(VMALLOC_END - VMALLOC_DEFAULT_SIZE - VMALLOC_OFFSET);
}
#endif

/* Add one page-aligned bank from mem=, as arm_add_memory does; 0 or -EINVAL. */
int __init arm_add_memory(u64 start, u64 size)
{
	u64 aligned_start = PAGE_ALIGN(start);
	u64 phys_offset = PHYS_OFFSET; /* a variable: PHYS_OFFSET is 0 on the Pi */

	if (aligned_start > start + size)
		size = 0;
	else
		size -= aligned_start - start;
	if (aligned_start > 0xffffffffULL) {
		pr_crit("Ignoring memory at 0x%08llx outside 32-bit physical address space\n", start);
		return -EINVAL;
	}
	if (aligned_start + size > 0xffffffffULL) {
		pr_crit("Truncating memory at 0x%08llx to fit in 32-bit physical address space\n",
			(long long)start);
		size = 0xffffffffULL - aligned_start;
	}
	if (aligned_start < phys_offset) {
		if (aligned_start + size <= phys_offset) {
			pr_info("Ignoring memory below phys_offset: 0x%08llx-0x%08llx\n",
				aligned_start, aligned_start + size);
			return -EINVAL;
		}
		pr_info("Ignoring memory below phys_offset: 0x%08llx-0x%08llx\n", aligned_start,
			phys_offset);
		size -= phys_offset - aligned_start;
		aligned_start = phys_offset;
	}
	size &= ~(u64)(PAGE_SIZE - 1);
	if (size == 0)
		return -EINVAL;
	return memblock_add((phys_addr_t)aligned_start, (phys_addr_t)size);
}

/* Add the part of [start, end) that the device tree called RAM; warn about the rest. */
static void mem_add_clipped(const char *arg, u64 start, u64 end)
{
	u64 added = 0;
	int b;

	for (b = 0; b < nr_dt_banks; b++) {
		u64 s = max_t(u64, start, dt_banks[b].base), e = min_t(u64, end, dt_banks[b].end);

		if (s < e && arm_add_memory(s, e - s) == 0)
			added += e - s;
	}
	if (added != end - start)
		pr_warn("mem=%s: 0x%08llx-0x%08llx is not all RAM in the device tree: only its "
			"%llu MiB of RAM used\n", arg, start, end - 1, added >> 20);
}

/* Save the device tree's banks (the first mem= replaces them) and remove them all. */
static void mem_forget_dt_banks(void)
{
	struct memblock_region *r;

	for_each_mem_region(r) {
		if (nr_dt_banks < MEM_MAX_DT_BANKS) {
			dt_banks[nr_dt_banks].base = r->base;
			dt_banks[nr_dt_banks].end = r->base + r->size;
			nr_dt_banks++;
		}
	}
	memblock_remove(memblock_start_of_DRAM(),
			memblock_end_of_DRAM() - memblock_start_of_DRAM());
}

/*
 * mem=SIZE[@START]: use only this RAM. The first use drops the device tree's banks (Linux).
 * pimm refuses a first bank that does not hold the kernel image (the boot keeps the DT's
 * memory) and never adds RAM the device tree does not have (peripherals are not RAM).
 */
static int __init early_mem(char *p)
{
	u64 size, start = PHYS_OFFSET;
	phys_addr_t kstart = KERNEL_PHYS_START - 0x4000, kend = __pa(_end);
	char *endp;

	size = p ? memparse(p, &endp) : 0;
	if (!p || endp == p || (*endp && *endp != '@')) {
		pr_err("mem=%s: expected SIZE[@START] (K/M/G suffixes), ignored\n", p ? p : "");
		return -EINVAL;
	}
	if (*endp == '@') {
		char *s = endp + 1;

		start = memparse(s, &endp);
		if (endp == s || *endp) {
			pr_err("mem=%s: bad START after '@', ignored\n", p);
			return -EINVAL;
		}
	}
	if (!usermem && (start > kstart || start + size < kend)) {
		pr_err("mem=%s: 0x%08llx-0x%08llx does not hold the kernel (0x%08x-0x%08x): "
		       "ignored, using the device tree's memory\n", p, start, start + size - 1,
		       kstart, kend - 1);
		return -EINVAL;
	}
	if (!usermem) {
		usermem = 1;
		mem_forget_dt_banks();
	}
	mem_add_clipped(p, start, start + size);
	return 0;
}
early_param("mem", early_mem);

/* ==== paging_init (LINUX-FACTS 7.5) ==================================================== *
 *
 * Target only: the host suites (tools/testing/of) compile the half above; the table builder
 * paging_init uses is host-tested on its own (mapping.c, tools/testing/pgtable).
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
 *       devicemaps_init        vectors page copy, clear vmalloc space, DTB at FDT_FIXED_BASE,
 *                              0xffff0000 vectors + stubs, mdesc->map_io, SCTLR.V
 *       kmap_init              PTE pages for PKMAP_BASE and the fixmap's first pmd
 *       top_pmd, zero page     ... then bootmem_init (next stage)
 *
 *   VA after paging_init (2G split; 3G: PAGE_OFFSET 0xc0000000, lowmem ends 0xf0000000):
 *   0x7f000000 modules | 0x7fe00000 pkmap | 0x80000000 kernel x | 0x80300000 kernel nx +
 *   lowmem sections (CMA: pages) | high_memory +8 MiB vmalloc: 0xfe000000 IO | 0xff800000 DTB |
 *   0xffc80000 fixmap | 0xffff0000 vectors, 0xffff1000 stubs
 */
#ifndef PIMM_HOST_TEST
#include <asm/cacheflush.h>
#include <asm/cp15.h>
#include <asm/fixmap.h>
#include <asm/highmem.h>
#include <asm/mach/map.h>
#include <asm/pgalloc.h>
#include <asm/pgtable.h>
#include <asm/ptdump.h>
#include <asm/tlbflush.h>
#include <asm/traps.h>
#include <pimm/vsprintf.h>
#include "mm.h"

static inline void set_cr(u32 val)
{
	__write_cp15(val, 0, c1, c0, 0);
	__asm__ __volatile__("isb" ::: "memory");
}

pgd_t *init_mm_pgd = (pgd_t *)(PAGE_OFFSET + TEXT_OFFSET - 0x4000); /* swapper_pg_dir */
phys_addr_t kernel_sec_start, kernel_sec_end;
pte_t *pkmap_page_table;
pmd_t *top_pmd;
void *empty_zero_page;
void *vectors_page;
u64 paging_init_ns; /* CNTVCT ticks spent in paging_init, for tools/bench */

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
		pr_err("__set_fixmap: slot %d out of range\n", idx);
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
static void __init map_lowmem_range(phys_addr_t start, phys_addr_t end)
{
	struct map_desc map = {__phys_to_virt(start), __phys_to_pfn(start), end - start,
			       MT_MEMORY_RW};

	if (start < end)
		create_mapping(&map);
}

static void __init map_lowmem(void)
{
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
}

static void __init map_kernel(void)
{
	phys_addr_t x_end = round_up(__pa(__init_end), SECTION_SIZE);
	struct map_desc map = {__phys_to_virt(kernel_sec_start), __phys_to_pfn(kernel_sec_start),
			       x_end - kernel_sec_start, MT_MEMORY_RWX};

	create_mapping(&map);
	if (x_end == kernel_sec_end)
		return;
	map = (struct map_desc){__phys_to_virt(x_end), __phys_to_pfn(x_end),
				kernel_sec_end - x_end, MT_MEMORY_RW};
	create_mapping(&map);
}

void __init early_fixmap_shutdown(void)
{
	unsigned long va = fix_to_virt(__end_of_permanent_fixed_addresses - 1);

	pmd_clear(pmd_off_k(va));
	local_flush_tlb_kernel_page(va);
	for (int i = 0; i < __end_of_permanent_fixed_addresses; i++) {
		struct map_desc map = {.virtual = fix_to_virt(i), .length = PAGE_SIZE,
				       .type = MT_DEVICE};
		pte_t *pte = pte_offset_early_fixmap(pmd_off_k(map.virtual), map.virtual);

		/* only device slots (the earlycon) are carried over */
		if (pte_none(*pte) || (*pte & L_PTE_MT_MASK) != L_PTE_MT_DEV_SHARED)
			continue;
		map.pfn = pte_pfn(*pte);
		create_mapping(&map);
	}
	pte_offset_fixmap = pte_offset_late_fixmap;
}

/* The vectors page (0xffff0000) and the stubs page above it, from one early allocation. */
static void __init map_vectors(void *vectors)
{
	struct map_desc map = {VECTORS_BASE, __phys_to_pfn(__pa(vectors)), PAGE_SIZE,
			       MT_HIGH_VECTORS}; /* user-readable: kuser helpers, as Linux */

	create_mapping(&map);
	map = (struct map_desc){VECTORS_BASE + PAGE_SIZE, __phys_to_pfn(__pa(vectors)) + 1,
				PAGE_SIZE, MT_LOW_VECTORS};
	create_mapping(&map);
}

/* machine_desc->map_io of the Pi 2 (arch/arm/mach-bcm2836/io.c). */
void bcm2836_map_io(void);

/*
 * Vectors, DTB and device mappings. vmalloc space is cleared and map_io re-creates the static
 * I/O map, but memblock=debug prints in between (iotable_init's allocation). Linux's earlycon
 * prints through the fixmap, which is not cleared; pimm's early console writes through head.S's
 * UART section in the static I/O map, so that pmd pair is kept until map_io rewrites it
 * (clearing it worked only while the stale TLB entry happened to survive).
 */
static void __init devicemaps_init(void)
{
	extern u32 __atags_pointer;
	void *vectors = early_alloc(PAGE_SIZE * 2);
	unsigned long console_pmd = EARLY_UART_VIRT & PMD_MASK;
	struct map_desc map;

	early_trap_init_vectors(vectors);
	vectors_page = vectors;
	clear_pmds(VMALLOC_START, min(console_pmd, FIXADDR_TOP & PMD_MASK));
	clear_pmds(max(VMALLOC_START, console_pmd + PMD_SIZE), FIXADDR_TOP & PMD_MASK);
	if (__atags_pointer) {
		map = (struct map_desc){FDT_FIXED_BASE, __phys_to_pfn(__atags_pointer & SECTION_MASK),
					FDT_FIXED_SIZE, MT_MEMORY_RO};
		create_mapping(&map);
	}
	map_vectors(vectors);
	bcm2836_map_io();
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

/* The next stage (zones, free_area_init: LINUX-FACTS 8) replaces this weak hook. */
void __weak bootmem_init(void)
{
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
	paging_init_ns = read_cntvct() - t0;
	bootmem_init();
}

/* ==== "Virtual kernel memory layout:" (Linux <= 5.0 mem_init, LINUX-FACTS 7.8) ========= */

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

void __init print_vm_layout(void)
{
	static char buf[1024];

	vm_layout_format(buf, sizeof(buf));
	pr_notice("%s", buf);
}
#endif /* !PIMM_HOST_TEST */
