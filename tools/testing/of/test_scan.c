/*
 * test_scan.c - the memblock stage of setup_arch on the build's device trees: the default lab
 * tree (every reserved-memory case: static, dynamic, no-map, reusable, CMA), the edge variants
 * of dts/tests and the hand-broken blobs of dts/tests/mkbroken.py. Checks exact log lines and
 * memblock state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support_of.h"

#include <asm/setup.h>
#include <linux/cma.h>
#include <linux/of_fdt.h>
#include <linux/of_reserved_mem.h>
#include <pimm/fdt.h>

#define NOMAP MEMBLOCK_NOMAP

/* ---- the default boot tree ------------------------------------------------------------- */

static void test_lab_lines(void **state)
{
	int i;
	(void)state;
	NEED_ALL_RAM();
	of_boot("rpi2b-lab.dtb", NULL);
	assert_string_equal(of_flat_dt_get_machine_name(), "Raspberry Pi 2 Model B");
	/* sorted order: the dynamic linux,cma first, then by address */
	i = LOG_EXPECT("Reserved memory: created CMA memory pool at 0x39000000, size 16 MiB\n");
	assert_string_equal(mb_log(i + 1), "OF: reserved mem: initialized node linux,cma, "
					   "compatible id shared-dma-pool\n");
	assert_string_equal(mb_log(i + 2), "Reserved memory: created CMA memory pool at "
					   "0x32000000, size 32 MiB\n");
	assert_string_equal(mb_log(i + 3), "OF: reserved mem: initialized node video@32000000, "
					   "compatible id shared-dma-pool\n");
	assert_string_equal(mb_log(i + 4), "Reserved memory: created DMA memory pool at "
					   "0x3af00000, size 1 MiB\n");
	assert_string_equal(mb_log(i + 5), "OF: reserved mem: initialized node "
					   "coprocessor@3af00000, compatible id shared-dma-pool\n");
	assert_string_equal(mb_log(i + 6), "Reserved memory: created CMA memory pool at "
					   "0x3b000000, size 16 MiB\n");
	assert_string_equal(mb_log(i + 7), "OF: reserved mem: initialized node "
					   "framebuffer@3b000000, compatible id shared-dma-pool\n");
	/* a linux,cma-default pool exists: no default area, no "cma: Reserved" */
	assert_int_equal(of_log_count_prefix("cma: "), 0);
	assert_int_equal(of_log_count_prefix("OF: fdt: Reserved memory: node"), 0);
}

static void test_lab_memblock(void **state)
{
	(void)state;
	NEED_ALL_RAM();
	of_boot("rpi2b-lab.dtb", NULL);
	CHECK_TYPE(&memblock.memory, {0x00000000, 0x34000000, 0}, {0x34000000, 0x01000000, NOMAP},
		   {0x35000000, 0x05f00000, 0}, {0x3af00000, 0x00100000, NOMAP},
		   {0x3b000000, 0x01000000, 0});
	CHECK_TYPE(&memblock.reserved, {0x00000000, 0x1000, 0}, /* /memreserve/ */
		   {0x00004000, 0x4000, 0},                       /* swapper_pg_dir */
		   {OF_KERNEL_STEXT, OF_KERNEL_END - OF_KERNEL_STEXT, 0}, /* kernel */
		   {OF_DTB_PHYS, dt_totalsize(initial_boot_params), 0},  /* DTB, exact bytes */
		   {0x32000000, 0x02000000, 0},                    /* video */
		   {0x38000000, 0x00100000, 0},                    /* ramlog */
		   {0x39000000, 0x01000000, 0},                    /* linux,cma (dynamic) */
		   {0x3b000000, 0x01000000, 0});                   /* framebuffer */
	/* RAM stays 960 MiB (no-map regions stay memory) */
	assert_int_equal(memblock_phys_mem_size(), 0x3c000000);
}

static void test_lab_tables(void **state)
{
	static const char *const order[] = {"linux,cma", "video@32000000", "flash@34000000",
					    "ramlog@38000000", "coprocessor@3af00000",
					    "framebuffer@3b000000"};
	(void)state;
	of_boot("rpi2b-lab.dtb", NULL);
	assert_int_equal(reserved_mem_count, 6);
	for (int i = 0; i < 6; i++)
		assert_string_equal(reserved_mem[i].name, order[i]);
	assert_int_equal(cma_area_count, 3);
	assert_string_equal(cma_areas[0].name, "linux,cma");
	assert_ptr_equal(dma_contiguous_default_area, &cma_areas[0]);
	assert_int_equal(totalcma_pages, (16 + 32 + 16) * 256);
	assert_int_equal(dma_mmu_remap_num, 3);
	assert_int_equal(dma_mmu_remap[1].base, 0x32000000);
	assert_int_equal(dma_mmu_remap[1].size, 0x02000000);
}

static void test_lab_lowmem(void **state)
{
	(void)state;
	of_boot("rpi2b-lab.dtb", NULL);
	if (CONFIG_PAGE_OFFSET == 0x80000000) {
		assert_int_equal(arm_lowmem_limit, 0x3c000000);
		/* the 2nd adjust_lowmem_bounds sees the bank that ends at the no-map window
		 * 0x3af00000 (not 2 MiB aligned) and caps early allocations below it */
		assert_int_equal(memblock.current_limit, 0x3ae00000);
	} else {
		assert_int_equal(arm_lowmem_limit, 0x30000000);
		assert_int_equal(memblock.current_limit, 0x30000000);
	}
}

/* 3G split without HIGHMEM: RAM above the lowmem limit is dropped, with Linux's notice. */
static void test_no_highmem_ignores_ram(void **state)
{
	(void)state;
	if (of_all_ram_kept())
		return; /* (not skip(): meson counts a TAP "not ok # SKIP" as a failure) */
	of_boot("rpi2b-lab.dtb", NULL);
	LOG_EXPECT("Ignoring RAM at 0x30000000-0x3c000000\n");
	LOG_EXPECT("Consider using a HIGHMEM enabled kernel.\n");
	assert_int_equal(memblock_end_of_DRAM(), 0x30000000);
}

/* The board tree without reserved-memory: the configured default CMA area. */
static void test_board_default_cma(void **state)
{
	char line[80];
	(void)state;
	of_boot("rpi2b.dtb", NULL);
	snprintf(line, sizeof(line), "cma: Reserved %d MiB at 0x%08x\n", CONFIG_CMA_SIZE_MBYTES,
		 0x3c000000 - CONFIG_CMA_SIZE_MBYTES * 0x100000);
	if (CONFIG_CMA_SIZE_MBYTES && CONFIG_PAGE_OFFSET == 0x80000000)
		LOG_EXPECT(line);
	assert_ptr_equal(dma_contiguous_default_area, CONFIG_CMA_SIZE_MBYTES ? &cma_areas[0] : NULL);
	assert_int_equal(reserved_mem_count, 0);
}

/* ---- edge trees ------------------------------------------------------------------------- */

static void test_overlap(void **state)
{
	(void)state;
	of_boot("tests/overlap.dtb", NULL);
	LOG_EXPECT("OF: reserved mem: OVERLAP DETECTED!\nalpha@30000000 (0x30000000--0x30200000) "
		   "overlaps with beta@30100000 (0x30100000--0x30300000)\n");
	LOG_EXPECT("pimm: reserved memory: node 'beta@30100000' [0x30100000-0x302fffff] "
		   "overlaps reserved [0x30000000-0x301fffff]\n");
	/* disabled node skipped; dynamic ones sorted first (heapsort order), then placed */
	assert_int_equal(reserved_mem_count, 6);
	for (int i = 0; i < reserved_mem_count; i++)
		assert_false(!strcmp(reserved_mem[i].name, "off@31000000"));
	assert_false(memblock_is_region_reserved(0x31000000, 0x100000));
}

static void test_overlap_dynamic_placement(void **state)
{
	struct reserved_mem *low = NULL, *dyn3 = NULL;
	(void)state;
	of_boot("tests/overlap.dtb", NULL);
	for (int i = 0; i < reserved_mem_count; i++) {
		if (!strcmp(reserved_mem[i].name, "low"))
			low = &reserved_mem[i];
		if (!strcmp(reserved_mem[i].name, "dyn3"))
			dyn3 = &reserved_mem[i];
		if (i < 4) /* the four dynamic ones come first */
			assert_true(reserved_mem[i].name[0] == 'd' || reserved_mem[i].name[0] == 'l');
	}
	assert_non_null(low);
	assert_non_null(dyn3);
	/* alloc-ranges: top-down inside [0x10000000, 0x11000000) */
	assert_int_equal(low->base, 0x10f00000);
	/* no-map dynamic: allocated (so reserved) and marked NOMAP, as Linux 6.1 */
	assert_true(dyn3->size == 0x300000);
	assert_true(memblock_is_region_reserved(dyn3->base, dyn3->size));
	assert_false(memblock_is_map_memory(dyn3->base));
}

static void test_outside_ram(void **state)
{
	(void)state;
	NEED_ALL_RAM();
	of_boot("tests/outside-ram.dtb", NULL);
	LOG_EXPECT("pimm: reserved memory: node 'vc@3d000000' [0x3d000000-0x3d3fffff] is "
		   "entirely outside RAM\n");
	LOG_EXPECT("pimm: reserved memory: node 'periph@3f000000' [0x3f000000-0x3fffffff] is "
		   "entirely outside RAM\n");
	LOG_EXPECT("pimm: reserved memory: node 'straddle@3bf00000' [0x3bf00000-0x3c0fffff] is "
		   "partly outside RAM\n");
	/* Linux reserves them anyway; no-map of non-memory marks nothing; RAM unchanged */
	assert_true(memblock_is_region_reserved(0x3d000000, 0x400000));
	assert_false(memblock_is_region_reserved(0x3f000000, 0x1000000));
	assert_int_equal(memblock_phys_mem_size(), 0x3c000000);
	assert_int_equal(memblock_end_of_DRAM(), 0x3c000000);
}

static void test_over_kernel(void **state)
{
	char line[160];
	(void)state;
	of_boot("tests/over-kernel.dtb", NULL);
	snprintf(line, sizeof(line), "pimm: reserved memory: node 'clash@100000' "
		 "[0x00100000-0x0010ffff] overlaps reserved [0x00100000-0x%08x]\n",
		 OF_KERNEL_END - 1);
	LOG_EXPECT(line);
	LOG_EXPECT("OF: fdt: Reserved memory: failed to reserve memory for node 'nomap-clash@0': "
		   "base 0x00000000, size 1 MiB\n");
	/* nothing became NOMAP: the kernel and swapper stay mapped */
	assert_true(memblock_is_map_memory(0x00000000));
	assert_true(memblock_is_map_memory(0x00100000));
}

static void test_odd_reg(void **state)
{
	(void)state;
	NEED_ALL_RAM();
	of_boot("tests/odd-reg.dtb", NULL);
	LOG_EXPECT("pimm: memory@0: reg is 12 bytes, not a multiple of 8: the last 4 bytes are "
		   "ignored\n");
	LOG_EXPECT("OF: fdt: Reserved memory: invalid reg property in 'odd@30000000', skipping "
		   "node.\n");
	LOG_EXPECT("OF: reserved mem: invalid size property in 'badsize' node.\n");
	LOG_EXPECT("OF: reserved mem: invalid alignment property in 'badalign' node.\n");
	LOG_EXPECT("OF: reserved mem: invalid alloc-ranges property in 'badranges', skipping "
		   "node.\n");
	assert_int_equal(memblock_phys_mem_size(), 0x3c000000);
	assert_false(memblock_is_region_reserved(0x30000000, 0x100000));
}

static void test_cma_errors(void **state)
{
	(void)state;
	of_boot("tests/cma-errors.dtb", NULL);
	LOG_EXPECT("Reserved memory: created CMA memory pool at 0x1f800000, size 8 MiB\n");
	LOG_EXPECT("OF: reserved mem: failed to allocate memory for node 'huge': size 2048 MiB\n");
	LOG_EXPECT("Reserved memory: incorrect alignment of CMA region\n");
	LOG_EXPECT("OF: reserved mem: node misaligned@30100000 compatible matching fail\n");
	LOG_EXPECT("Reserved memory: regions without no-map are not yet supported\n");
	LOG_EXPECT("OF: reserved mem: node plain-dma@31000000 compatible matching fail\n");
	/* failed regions are given back */
	assert_false(memblock_is_region_reserved(0x30100000, 0x400000));
	assert_false(memblock_is_region_reserved(0x31000000, 0x100000));
	assert_true(memblock_is_region_reserved(0x1f800000, 0x800000));
	assert_int_equal(cma_area_count, 1);
	assert_ptr_equal(dma_contiguous_default_area, &cma_areas[0]);
	assert_int_equal(of_log_count_prefix("cma: Reserved"), 0);
}

static void test_bad_format(void **state)
{
	(void)state;
	of_boot("tests/bad-format.dtb", NULL);
	LOG_EXPECT("OF: fdt: Reserved memory: unsupported node format, ignoring\n");
	assert_int_equal(reserved_mem_count, 0);
	assert_false(memblock_is_region_reserved(0x30000000, 0x100000));
}

static void test_too_many(void **state)
{
	(void)state;
	NEED_ALL_RAM();
	of_boot("tests/too-many.dtb", NULL);
	/* reserved_mem[] holds 64 */
	assert_int_equal(reserved_mem_count, MAX_RESERVED_REGIONS);
	assert_int_equal(of_log_count_prefix("OF: reserved mem: not enough space for all defined "
					     "regions.\n"), 140 - MAX_RESERVED_REGIONS);
	/* memblock cannot double its array this early: the rest fail, loudly, and it stays sane */
	assert_int_equal(memblock.reserved.cnt, INIT_MEMBLOCK_RESERVED_REGIONS);
	assert_true(of_log_count_prefix("OF: fdt: Reserved memory: failed to reserve memory for "
					"node 'r1") > 0);
	assert_int_equal(memblock_phys_mem_size(), 0x3c000000);
}

static void test_no_memory(void **state)
{
	(void)state;
	assert_true(of_boot_fdt("tests/no-memory.dtb"));
	assert_int_equal(memblock_phys_mem_size(), 0); /* setup_machine_fdt panics on this */
}

static void test_cells3(void **state)
{
	size_t len;
	void *b = of_load_dtb("tests/cells3.dtb", &len);
	(void)state;
	of_reset();
	assert_true(early_init_dt_verify(b));
	assert_int_equal(early_init_dt_scan_root(), -22);
	LOG_EXPECT("pimm: root node: #address-cells / #size-cells must be 1 or 2 (a 32-bit "
		   "physical address space reads at most 2 cells)\n");
	initial_boot_params = NULL;
	free(b);
}

static void test_chosen(void **state)
{
	(void)state;
	of_boot("rpi2b-lab.dtb", NULL);
	/* the lab tree has /chosen without bootargs or initrd */
	assert_int_equal(of_log_count_prefix("OF: fdt: No chosen node"), 0);
	assert_string_equal(boot_command_line, "");
	assert_int_equal(phys_initrd_size, 0);
}

/* ---- hand-broken blobs -------------------------------------------------------------------- */

static void test_broken_blobs(void **state)
{
	static const struct {
		const char *name;
		int err;
	} cases[] = {
		{"bad-magic", -DT_ERR_BADMAGIC},      {"bad-version", -DT_ERR_BADVERSION},
		{"truncated", -DT_ERR_TRUNCATED},     {"huge-totalsize", -DT_ERR_TRUNCATED},
		{"bad-offset", 0},                    {"misaligned", 0},
		{"unterminated-string", 0},           {"no-end", 0},
		{"rsvmap-runaway", 0},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[64];
		size_t len;
		void *b;
		int err;

		snprintf(path, sizeof(path), "tests/%s.dtb", cases[i].name);
		b = of_load_dtb(path, &len);
		/* the kernel checks against its 2 MiB window; the file may be shorter */
		err = dt_check_header(b, len);
		if (!err)
			err = dt_check_full(b, len);
		if (err == 0)
			fail_msg("%s: accepted", cases[i].name);
		if (cases[i].err && err != cases[i].err)
			fail_msg("%s: %s, expected %s", cases[i].name, dt_strerror(err),
				 dt_strerror(cases[i].err));
		free(b);
	}
}

static void test_verify_rejects_garbage(void **state)
{
	static u32 atags[4] = {0x05000000, 0x01000154, 0, 0}; /* ATAG_CORE, little-endian */
	(void)state;
	of_reset();
	assert_false(early_init_dt_verify(NULL));
	assert_false(early_init_dt_verify(atags));
	assert_null(initial_boot_params);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lab_lines),
		cmocka_unit_test(test_lab_memblock),
		cmocka_unit_test(test_lab_tables),
		cmocka_unit_test(test_lab_lowmem),
		cmocka_unit_test(test_no_highmem_ignores_ram),
		cmocka_unit_test(test_board_default_cma),
		cmocka_unit_test(test_chosen),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_overlap_dynamic_placement),
		cmocka_unit_test(test_outside_ram),
		cmocka_unit_test(test_over_kernel),
		cmocka_unit_test(test_odd_reg),
		cmocka_unit_test(test_cma_errors),
		cmocka_unit_test(test_bad_format),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_no_memory),
		cmocka_unit_test(test_cells3),
		cmocka_unit_test(test_broken_blobs),
		cmocka_unit_test(test_verify_rejects_garbage),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
