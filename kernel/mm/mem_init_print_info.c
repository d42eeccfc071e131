/*
 * mem_init_print_info.c - the "Memory:" line, printed by mm_init right after mem_init has
 * handed every free page to the buddy allocator (Linux 6.1's mem_init_print_info in
 * mm/page_alloc.c; pimm keeps it apart because it reads the kernel image's section bounds,
 * which the host suites compiling page_alloc.c do not have).
 *
 *   Memory: 879060K/983040K available (1072K kernel code, 1K rwdata, 263K rodata, 1024K init,
 *           270K bss, 38444K reserved, 65536K cma-reserved, 0K highmem)
 *
 *   available     free pages now (= totalram_pages: the boot pagesets keep none)
 *   total         present pages of the node (NOMAP memory included)
 *   code .. bss   section sizes of the image, truncated to KiB (init: __init_begin..__init_end)
 *   reserved      total - totalram - CMA: everything memblock kept (image, page tables,
 *                 mem_map, per-CPU chunk, device tree, reserved-memory, NOMAP...)
 *   cma-reserved  CMA areas, still reserved until cma_init_reserved_areas (core_initcall)
 *   highmem       totalhigh_pages (CONFIG_HIGHMEM only)
 */
#include <linux/cma.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <asm/sections.h>

/* Pages to KiB. */
#define K(pages) ((pages) << (PAGE_SHIFT - 10))

/* Σ node_present_pages (Linux's get_num_physpages): one node. */
static unsigned long get_num_physpages(void)
{
	return NODE_DATA(0)->node_present_pages;
}

/*
 * If section pos lies inside [start, end), which counted it already, subtract its size adj
 * from size (Linux's adj_init_size: init text inside the init data range, etc.).
 */
static unsigned long adj_init_size(const char *start, const char *end, unsigned long size,
				   const char *pos, unsigned long adj)
{
	if (start <= pos && pos < end && size > adj)
		size -= adj;
	return size;
}

/* See mm.h. */
void __init mem_init_print_info(void)
{
	unsigned long physpages = get_num_physpages();
	unsigned long codesize = (unsigned long)(_etext - _stext);
	unsigned long datasize = (unsigned long)(_edata - _sdata);
	unsigned long rosize = (unsigned long)(__end_rodata - __start_rodata);
	unsigned long bss_size = (unsigned long)(__bss_stop - __bss_start);
	unsigned long init_data_size = (unsigned long)(__init_end - __init_begin);
	unsigned long init_code_size = (unsigned long)(_einittext - _sinittext);

	init_data_size = adj_init_size(__init_begin, __init_end, init_data_size, _sinittext,
				       init_code_size);
	codesize = adj_init_size(_stext, _etext, codesize, _sinittext, init_code_size);
	datasize = adj_init_size(_sdata, _edata, datasize, __init_begin, init_data_size);
	codesize = adj_init_size(_stext, _etext, codesize, __start_rodata, rosize);
	datasize = adj_init_size(_sdata, _edata, datasize, __start_rodata, rosize);

	pr_info("Memory: %luK/%luK available (%luK kernel code, %luK rwdata, %luK rodata, %luK "
		"init, %luK bss, %luK reserved, %luK cma-reserved"
#ifdef CONFIG_HIGHMEM
		", %luK highmem"
#endif
		")\n",
		K(nr_free_pages()), K(physpages), codesize / SZ_1K, datasize / SZ_1K,
		rosize / SZ_1K, (init_data_size + init_code_size) / SZ_1K, bss_size / SZ_1K,
		K(physpages - totalram_pages() - totalcma_pages), K(totalcma_pages)
#ifdef CONFIG_HIGHMEM
		, K(totalhigh_pages())
#endif
	);
}
