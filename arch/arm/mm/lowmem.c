/*
 * arch/arm/mm/lowmem.c - where lowmem ends: the vmalloc= and mem= boot parameters and
 * adjust_lowmem_bounds (Linux 6.1's arch/arm/mm/mmu.c early_vmalloc and adjust_lowmem_bounds;
 * mem= is Linux's arch/arm/kernel/setup.c early_mem / arm_add_memory). Pure memblock
 * arithmetic, no hardware access: the "of" host suite (tools/testing/of) compiles this file
 * as it is. paging_init, which maps what this file decided, is in mmu.c.
 *
 * Where it sits in the boot pipeline:
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
 *     paging_init           (mmu.c)
 */
#include <errno.h>
#include <string.h>

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/printk.h>
#include <asm/memory.h>
#include <asm/page.h>
#include <asm/pgtable-2level.h>
#include <asm/sections.h>
#include <asm/setup.h>
#include <pimm/diag.h>
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
		pimm_err("vmalloc=: expected a size (K/M/G suffixes), ignored\n");
		return -EINVAL;
	}
	vmalloc_reserve = memparse(arg, &end);
	if (end == arg || *end) {
		pimm_err("vmalloc=%s: not a size (K/M/G suffixes), ignored\n", arg);
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

struct mem_dt_banks mem_dt_banks; /* the DT's banks, saved by the first mem= */
int usermem; /* a mem= was accepted: the DT's banks are gone (Linux's setup.c usermem) */

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

	for (b = 0; b < mem_dt_banks.nr; b++) {
		u64 s = max_t(u64, start, mem_dt_banks.bank[b].base);
		u64 e = min_t(u64, end, mem_dt_banks.bank[b].end);

		if (s < e && arm_add_memory(s, e - s) == 0)
			added += e - s;
	}
	if (added != end - start)
		pimm_warn("mem=%s: 0x%08llx-0x%08llx is not all RAM in the device tree: only its "
			"%llu MiB of RAM used\n", arg, start, end - 1, added >> 20);
}

/* Save the device tree's banks (the first mem= replaces them) and remove them all. */
static void mem_forget_dt_banks(void)
{
	struct memblock_region *r;

	for_each_mem_region(r) {
		if (mem_dt_banks.nr < MEM_MAX_DT_BANKS) {
			mem_dt_banks.bank[mem_dt_banks.nr].base = r->base;
			mem_dt_banks.bank[mem_dt_banks.nr].end = r->base + r->size;
			mem_dt_banks.nr++;
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
	phys_addr_t kstart = SWAPPER_PG_DIR_PHYS, kend = __pa(_end);
	char *endp;

	size = p ? memparse(p, &endp) : 0;
	if (!p || endp == p || (*endp && *endp != '@')) {
		pimm_err("mem=%s: expected SIZE[@START] (K/M/G suffixes), ignored\n", p ? p : "");
		return -EINVAL;
	}
	if (*endp == '@') {
		char *s = endp + 1;

		start = memparse(s, &endp);
		if (endp == s || *endp) {
			pimm_err("mem=%s: bad START after '@', ignored\n", p);
			return -EINVAL;
		}
	}
	if (!usermem && (start > kstart || start + size < kend)) {
		pimm_err("mem=%s: 0x%08llx-0x%08llx does not hold the kernel (0x%08x-0x%08x): "
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
