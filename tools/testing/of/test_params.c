/*
 * test_params.c - the early boot parameters of the memblock stage, through the real
 * .init.setup table: cma= (parsing, default area placement, fixed base, alignment and limit
 * failures, bypass of a linux,cma-default node), mem= (replace, refuse, clip), vmalloc=
 * (clamps, lowmem limit) and initrd= (reserve, not memory, overlap).
 */
#include <stdio.h>
#include <string.h>

#include "free_area.h"
#include "support_of.h"

#include <asm/setup.h>
#include <linux/cma.h>
#include <linux/of_fdt.h>
#include <linux/of_reserved_mem.h>

static bool split_2g(void)
{
	return CONFIG_PAGE_OFFSET == 0x80000000;
}

/* ---- cma= ------------------------------------------------------------------------------- */

static void test_cma_bypass(void **state)
{
	(void)state;
	NEED_ALL_RAM();
	of_boot("rpi2b-lab.dtb", "cma=24M");
	LOG_EXPECT("Reserved memory: bypass linux,cma node, using cmdline CMA params instead\n");
	LOG_EXPECT("OF: reserved mem: node linux,cma compatible matching fail\n");
	/* the node's region went back; the 24 MiB area goes top-down below the framebuffer and
	 * the no-map coprocessor window: [0x38100000, 0x3af00000) free -> 0x39400000 */
	LOG_EXPECT("cma: Reserved 24 MiB at 0x39400000\n");
	assert_int_equal(cma_area_count, 3);
	assert_string_equal(dma_contiguous_default_area->name, "reserved");
	assert_int_equal(totalcma_pages, (32 + 16 + 24) * 256);
}

static void test_cma_fixed(void **state)
{
	(void)state;
	of_boot("rpi2b.dtb", "cma=16M@0x20000000");
	LOG_EXPECT("cma: Reserved 16 MiB at 0x20000000\n");
	assert_true(memblock_is_region_reserved(0x20000000, 0x1000000));
}

static void test_cma_fixed_misaligned(void **state)
{
	(void)state;
	of_boot("rpi2b.dtb", "cma=16M@0x20100000");
	LOG_EXPECT("cma: Region at 0x20100000 must be aligned to 0x00400000 bytes\n");
	LOG_EXPECT("cma: Failed to reserve 16 MiB\n");
	assert_null(dma_contiguous_default_area);
}

static void test_cma_too_big(void **state)
{
	(void)state;
	NEED_ALL_RAM();
	of_boot("rpi2b.dtb", "cma=2G");
	LOG_EXPECT("cma: Size (0x80000000) of region at 0x00000000 exceeds limit (0x3c000000)\n");
	LOG_EXPECT("cma: Failed to reserve 2048 MiB\n");
	assert_int_equal(cma_area_count, 0);
}

static void test_cma_limit(void **state)
{
	(void)state;
	of_boot("rpi2b.dtb", "cma=8M@0-0x10000000");
	LOG_EXPECT("cma: Reserved 8 MiB at 0x0f800000\n");
}

static void test_cma_zero_and_garbage(void **state)
{
	(void)state;
	of_boot("rpi2b.dtb", "cma=0");
	assert_int_equal(of_log_count_prefix("cma: Reserved"), 0);
	assert_null(dma_contiguous_default_area);

	of_boot("rpi2b.dtb", "cma=lots");
	LOG_EXPECT("pimm: cma=lots: expected SIZE[@BASE[-LIMIT]] (K/M/G suffixes, below 4 GiB), ignored\n");
	assert_int_equal(size_cmdline, (phys_addr_t)-1); /* as if not given: the default area */

	of_boot("rpi2b.dtb", "cma=16M@x");
	LOG_EXPECT("pimm: cma=16M@x: expected SIZE[@BASE[-LIMIT]] (K/M/G suffixes, below 4 GiB), ignored\n");

	of_boot("rpi2b.dtb", "cma=5G");	/* must not wrap to 1 GiB in 32 bits */
	LOG_EXPECT("pimm: cma=5G: expected SIZE[@BASE[-LIMIT]] (K/M/G suffixes, below 4 GiB), ignored\n");
	assert_int_equal(size_cmdline, (phys_addr_t)-1);

	of_boot("rpi2b.dtb", "cma");
	LOG_EXPECT("cma: Config string not provided\n");
}

/* ---- mem= ------------------------------------------------------------------------------- */

static void test_mem_512m(void **state)
{
	(void)state;
	of_boot("rpi2b-lab.dtb", "mem=512M");
	CHECK_TYPE(&memblock.memory, {0, 0x20000000, 0});
	assert_int_equal(arm_lowmem_limit, 0x20000000);
	/* the lab regions now lie outside RAM: said, and no-map marks nothing */
	LOG_EXPECT("pimm: reserved memory: node 'flash@34000000' [0x34000000-0x34ffffff] is "
		   "entirely outside RAM\n");
}

static void test_mem_below_kernel(void **state)
{
	char line[200];
	(void)state;
	NEED_ALL_RAM();
	of_boot("rpi2b.dtb", "mem=1M");
	snprintf(line, sizeof(line), "pimm: mem=1M: 0x00000000-0x000fffff does not hold the kernel "
		 "(0x00004000-0x%08x): ignored, using the device tree's memory\n", OF_KERNEL_END - 1);
	LOG_EXPECT(line);
	CHECK_TYPE(&memblock.memory, {0, 0x3c000000, 0});
}

static void test_mem_beyond_ram(void **state)
{
	(void)state;
	NEED_ALL_RAM();
	of_boot("rpi2b.dtb", "mem=2G");
	LOG_EXPECT("pimm: mem=2G: 0x00000000-0x7fffffff is not all RAM in the device tree: only its "
		   "960 MiB of RAM used\n");
	CHECK_TYPE(&memblock.memory, {0, 0x3c000000, 0});
}

static void test_mem_two_banks(void **state)
{
	(void)state;
	NEED_ALL_RAM();
	of_boot("rpi2b.dtb", "mem=256M mem=128M@0x30000000");
	CHECK_TYPE(&memblock.memory, {0, 0x10000000, 0}, {0x30000000, 0x08000000, 0});
	assert_int_equal(of_log_count_prefix("mem="), 0);
}

static void test_mem_garbage(void **state)
{
	(void)state;
	NEED_ALL_RAM();
	of_boot("rpi2b.dtb", "mem=big");
	LOG_EXPECT("pimm: mem=big: expected SIZE[@START] (K/M/G suffixes), ignored\n");
	CHECK_TYPE(&memblock.memory, {0, 0x3c000000, 0});
}

/* ---- vmalloc= --------------------------------------------------------------------------- */

static void test_vmalloc_clamps(void **state)
{
	char line[80];
	(void)state;
	of_boot("rpi2b.dtb", "vmalloc=8M");
	LOG_EXPECT("vmalloc area is too small, limiting to 16MiB\n");
	assert_int_equal(vmalloc_size, 16 << 20);

	of_boot("rpi2b.dtb", "vmalloc=3G");
	snprintf(line, sizeof(line), "vmalloc area is too big, limiting to %uMiB\n",
		 split_2g() ? 2000 : 976);
	LOG_EXPECT(line);

	of_boot("rpi2b.dtb", "vmalloc=1x");
	LOG_EXPECT("pimm: vmalloc=1x: not a size (K/M/G suffixes), ignored\n");
	assert_int_equal(vmalloc_size, 240 << 20);
}

static void test_vmalloc_moves_lowmem(void **state)
{
	(void)state;
	if (!split_2g())
		return; /* (not skip(): meson counts a TAP "not ok # SKIP" as a failure) */
	/* VMALLOC_END - 1500 MiB - 8 MiB - PAGE_OFFSET = 0x21400000 */
	of_boot("rpi2b.dtb", "vmalloc=1500M");
	assert_int_equal(arm_lowmem_limit, 0x21400000);
#ifdef CONFIG_HIGHMEM
	CHECK_TYPE(&memblock.memory, {0, 0x3c000000, 0});
	assert_int_equal(memblock.current_limit, 0x21400000);
#else
	LOG_EXPECT("Ignoring RAM at 0x21400000-0x3c000000\n");
	LOG_EXPECT("Consider using a HIGHMEM enabled kernel.\n");
	CHECK_TYPE(&memblock.memory, {0, 0x21400000, 0});
#endif
}

/* bootmem_init (arch/arm/mm/init.c) ends ZONE_NORMAL at the lowmem limit vmalloc= set and
 * ZONE_HIGHMEM at the end of RAM. Last in main(): memblock_allow_resize cannot be undone. */
static void test_bootmem_init_limits(void **state)
{
	(void)state;
	if (!split_2g())
		return;
	of_boot("rpi2b.dtb", "vmalloc=1500M"); /* lowmem limit 0x21400000, RAM to 0x3c000000 */
	of_bootmem_init();
	assert_int_equal(of_free_area_call.calls, 1);
	assert_int_equal(of_free_area_call.min_low_pfn, 0);
	assert_int_equal(of_free_area_call.max_low_pfn, 0x21400);
	assert_int_equal(of_free_area_call.normal_end, 0x21400);
#ifdef CONFIG_HIGHMEM
	assert_int_equal(of_free_area_call.max_pfn, 0x3c000);
	assert_int_equal(of_free_area_call.highmem_end, 0x3c000);
#else
	assert_int_equal(of_free_area_call.max_pfn, 0x21400); /* the RAM above was removed: "Ignoring RAM" */
	assert_int_equal(of_free_area_call.highmem_end, 0);
#endif
}

/* ---- initrd= ---------------------------------------------------------------------------- */

static void test_initrd(void **state)
{
	(void)state;
	of_boot("rpi2b.dtb", "initrd=0x09000800,0x1000");
	/* rounded out to whole pages */
	assert_true(memblock_is_region_reserved(0x09000000, 0x2000));
	assert_int_equal(initrd_start, CONFIG_PAGE_OFFSET + 0x09000800UL);

	of_boot("rpi2b.dtb", "initrd=0x08000000,0x100000");
	LOG_EXPECT("INITRD: 0x08000000+0x00100000 overlaps in-use memory region\n");
	LOG_EXPECT(" - disabling initrd\n");
	assert_int_equal(initrd_start, 0);

	of_boot("rpi2b.dtb", "initrd=0x3e000000,0x100000");
	LOG_EXPECT("INITRD: 0x3e000000+0x00100000 is not a memory region");
	LOG_EXPECT(" - disabling initrd\n");

	of_boot("rpi2b.dtb", "initrd=0x9000000");
	LOG_EXPECT("pimm: initrd=0x9000000: expected ADDR,SIZE inside 4 GiB (K/M/G suffixes), ignored\n");
}

static void test_memblock_debug_traces(void **state)
{
	(void)state;
	of_boot("rpi2b-lab.dtb", "memblock=debug");
	assert_int_equal(of_log_count_prefix("memblock_reserve: [0x00004000-0x00007fff] "
					     "arm_mm_memblock_reserve+0x"), 1);
	assert_int_equal(of_log_count_prefix("memblock_phys_alloc_range: 16777216 bytes "
					     "align=0x1000000 from=0x00000000 max_addr=0xffffffff "
					     "early_init_dt_alloc_reserved_memory_arch+0x"), 1);
	LOG_EXPECT("MEMBLOCK configuration:\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cma_bypass),
		cmocka_unit_test(test_cma_fixed),
		cmocka_unit_test(test_cma_fixed_misaligned),
		cmocka_unit_test(test_cma_too_big),
		cmocka_unit_test(test_cma_limit),
		cmocka_unit_test(test_cma_zero_and_garbage),
		cmocka_unit_test(test_mem_512m),
		cmocka_unit_test(test_mem_below_kernel),
		cmocka_unit_test(test_mem_beyond_ram),
		cmocka_unit_test(test_mem_two_banks),
		cmocka_unit_test(test_mem_garbage),
		cmocka_unit_test(test_vmalloc_clamps),
		cmocka_unit_test(test_vmalloc_moves_lowmem),
		cmocka_unit_test(test_initrd),
		cmocka_unit_test(test_memblock_debug_traces),
		cmocka_unit_test(test_bootmem_init_limits),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
