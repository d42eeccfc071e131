/*
 * arch/arm/mm/mem_init.c - ARM's part of the hand-over to the buddy allocator and of the end of
 * boot: mem_init, free_highpages and free_initmem (Linux 6.1 keeps them in arch/arm/mm/init.c;
 * pimm keeps them apart because the "of" host suite compiles init.c without the allocator).
 *
 * Where it sits in the boot pipeline:
 *
 *   start_kernel -> mm_init (kernel/main.c)
 *     mem_init
 *       memblock_free_all       lowmem: every free memblock range as the largest aligned
 *                               blocks, reserved pages PG_reserved (kernel/mm/memblock_free_all.c)
 *       free_highpages          HighMem: every free page one at a time (free_reserved_page)
 *     mem_init_print_info       "Memory: ..."  (kernel/mm/mem_init_print_info.c)
 *   kernel_init, after the initcalls
 *     free_initmem              poison [__init_begin, __init_end) and free its pages:
 *                               "Freeing unused kernel image (initmem) memory: 1024K"
 *     mark_readonly             (arch/arm/mm/rodata.c)
 *
 *   image    _stext ... __end_rodata | __init_begin [.init.text .init.data percpu] __init_end | _sdata
 *   after    text, rodata (RO)       | 256 free pages of the buddy allocator (NX)             | data
 */
#include <string.h>

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/pfn.h>
#include <asm/cp15.h>
#include <asm/sections.h>

/* Every word of init memory once freed: an undefined instruction (Linux's poison_init_mem). */
#define INIT_POISON_INSN 0xe7fddef0U

/* HighMem is not covered by memblock_free_all: give its free pages one by one (Linux's order). */
static void __init free_highpages(void)
{
#ifdef CONFIG_HIGHMEM
	unsigned long max_low = max_low_pfn;
	phys_addr_t range_start, range_end;
	u64 i;

	for_each_free_mem_range(i, NUMA_NO_NODE, MEMBLOCK_NONE, &range_start, &range_end, NULL) {
		unsigned long start = PFN_UP(range_start), end = PFN_DOWN(range_end);

		if (end <= max_low) /* a lowmem range: memblock_free_all's */
			continue;
		if (start < max_low)
			start = max_low;
		for (; start < end; start++)
			free_reserved_page(pfn_to_page(start)); /* Linux's free_highmem_page */
	}
#endif
}

/* CNTVCT ticks spent in mem_init (the hand-over), for tools/bench. */
u64 mem_init_ticks;

/* See mm.h. (Linux also sets max_mapnr, which pimm's pfn_valid does not use.) */
void __init mem_init(void)
{
	u64 t0 = read_cntvct();

	memblock_free_all();
	free_highpages();
	mem_init_ticks = read_cntvct() - t0;
}

/*
 * pimm only: a copy of the init sections as boot left them, for the shell's `hvc`, which puts
 * the whole image back at its load address and enters it again (arch/arm/kernel/reboot.c).
 */
static void *initmem_copy;

/* Words of [start, start + size) filled with the poison instruction (size: 32-byte multiple). */
static void poison_init_mem(void *start, size_t size)
{
	u32 *p = start, *end = p + size / sizeof(u32);

	for (; p < end; p += 8) /* eight stores a round: 1 MiB is 262,144 words */
		p[0] = p[1] = p[2] = p[3] = p[4] = p[5] = p[6] = p[7] = INIT_POISON_INSN;
}

/* The order of the smallest block holding size bytes. */
static unsigned int size_order(size_t size)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

/* See mm.h. Linux's ARM free_initmem (its NX fix-up is in mark_readonly here). */
void free_initmem(void)
{
	size_t used = (size_t)(__per_cpu_end - __init_begin);

	initmem_copy = (void *)__get_free_pages(GFP_KERNEL, size_order(used));
	if (initmem_copy)
		memcpy(initmem_copy, __init_begin, used);
	poison_init_mem(__init_begin, (size_t)(__init_end - __init_begin));
	free_reserved_area(__init_begin, __init_end, -1, "unused kernel image (initmem)");
}

/* See mm.h. */
bool initmem_restore(void)
{
	if (!initmem_copy)
		return false;
	memcpy(__init_begin, initmem_copy, (size_t)(__per_cpu_end - __init_begin));
	return true;
}
