/*
 * test_zones.c - free_area_init on several memory layouts, against the real kernel/mm/
 * mm_init.c + page_alloc.c + memblock.c: the boot lines, zone spans and present pages,
 * mem_map sizing and placement, struct page initialisation, pageblock bits, and the "Total
 * pages" arithmetic of build_all_zonelists (docs/pipeline.md#zones-and-struct-page).
 *
 *   pimm 2G   [0 ======= 0x34M|NOMAP 16M|==== 0x3af M|NOMAP 1M|== 0x3c000000)  all Normal
 *   pimm 3G   same memory, lowmem limit 0x30000000: Normal [0, 768M), HighMem [768M, 960M)
 *   holes     [0, 256M) .. hole .. [512M, 768M)
 *   AST2500   [0x80000000, 0x98000000) [NOMAP 0x98000000, +64M) [0x9c000000, 0x9ee00000)
 */
#include <stdio.h>
#include <string.h>

#include "support_mm.h"

#define M(x) ((phys_addr_t)(x) << 20)

static const struct mm_region pimm_ram[] = {
	{0, 0x3c000000, 0},
	{0x34000000, 0x01000000, MEMBLOCK_NOMAP}, /* flash (rpi2b-lab.dts) */
	{0x3af00000, 0x00100000, MEMBLOCK_NOMAP}, /* coprocessor */
};

static struct zone *zone(enum zone_type z)
{
	return &NODE_DATA(0)->node_zones[z];
}

/*
 * The expectations are computed here from first principles, not with the code's formulas or
 * sizes: 4 KiB pages; pageblocks of 2^(MAX_ORDER - 1) = 1024 pages (4 MiB) with 4 flag bits
 * each, in an array of longs; and Linux's struct page on ARM32, 32 bytes: flags, a 5-word
 * union (lru, mapping, index, private), _mapcount and _refcount. On a 64-bit host the six
 * words double: 56 bytes. The ARM32 numbers are also written out (second argument of
 * assert_total) and checked by the qemu-arm build of this file (arm-zones).
 */
#define PAGE_BYTES 4096UL
#define PAGEBLOCK_PAGES 1024UL
#define PAGEBLOCK_FLAG_BITS 4
#define STRUCT_PAGE_BYTES (6 * sizeof(long) + 2 * sizeof(int))
#define IS_ARM32 (sizeof(long) == 4)

/* Pages in @bytes of RAM. */
#define PAGES(bytes) ((unsigned long)((bytes) / PAGE_BYTES))

/* mem_map pages for a span of @spanned struct pages (FLATMEM: holes included). */
static unsigned long memmap(unsigned long spanned)
{
	return (spanned * STRUCT_PAGE_BYTES + PAGE_BYTES - 1) / PAGE_BYTES;
}

/* Bytes of pageblock flags for a zone: 4 bits for every pageblock it touches, whole longs. */
static unsigned long usemap_bytes(unsigned long start_pfn, unsigned long spanned)
{
	unsigned long blocks = (start_pfn + spanned - 1) / PAGEBLOCK_PAGES -
			       start_pfn / PAGEBLOCK_PAGES + 1;
	unsigned long long_bits = 8 * sizeof(long);

	return (blocks * PAGEBLOCK_FLAG_BITS + long_bits - 1) / long_bits * long_bits / 8;
}

/* The zonelist line with Total pages = n; on ARM32, n must also be the written-out arm32. */
static void assert_total(unsigned long n, unsigned long arm32)
{
	char line[96];

	if (IS_ARM32)
		assert_int_equal(n, arm32);
	snprintf(line, sizeof(line), "Built 1 zonelists, mobility grouping on.  Total pages: %lu\n",
		 n);
	mm_assert_log(line);
}

/* The sizes the expectations rest on are the kernel's. */
static void test_sizes(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct page), STRUCT_PAGE_BYTES);
	if (IS_ARM32)
		assert_int_equal(sizeof(struct page), 32);
	assert_int_equal(PAGE_SIZE, PAGE_BYTES);
	assert_int_equal(pageblock_nr_pages, PAGEBLOCK_PAGES);
	assert_int_equal(NR_PAGEBLOCK_BITS, PAGEBLOCK_FLAG_BITS);
}

static void boot(const struct mm_region *mem, int n, phys_addr_t lowmem_limit)
{
	mm_layout(mem, n, lowmem_limit);
	mm_bootmem_init();
	build_all_zonelists(NULL);
}

/* ---- the boot lines and numbers of pimm's own layouts ---- */

static void test_pimm_2g(void **state)
{
	(void)state;
	boot(pimm_ram, 3, 0x3c000000);
	mm_assert_log("Zone ranges:\n"
		      "  Normal   [mem 0x0000000000000000-0x000000003bffffff]\n"
		      "  HighMem  empty\n"
		      "Movable zone start for each node\n"
		      "Early memory node ranges\n"
		      "  node   0: [mem 0x0000000000000000-0x0000000033ffffff]\n"
		      "  node   0: [mem 0x0000000034000000-0x0000000034ffffff]\n"
		      "  node   0: [mem 0x0000000035000000-0x000000003aefffff]\n"
		      "  node   0: [mem 0x000000003af00000-0x000000003affffff]\n"
		      "  node   0: [mem 0x000000003b000000-0x000000003bffffff]\n"
		      "Initmem setup node 0 [mem 0x0000000000000000-0x000000003bffffff]\n");
	assert_total(PAGES(M(960)) - memmap(PAGES(M(960))), 243840);
	assert_null(strstr(mm_log_text(), "unavailable ranges"));
	assert_int_equal(zone(ZONE_NORMAL)->spanned_pages, PAGES(M(960)));
	assert_int_equal(zone(ZONE_NORMAL)->present_pages, PAGES(M(960))); /* NOMAP is present */
	assert_int_equal(zone(ZONE_NORMAL)->managed_pages, PAGES(M(960)) - memmap(PAGES(M(960))));
	assert_int_equal(zone(ZONE_HIGHMEM)->spanned_pages, 0);
	assert_int_equal(zone(ZONE_HIGHMEM)->zone_start_pfn, 0);
	assert_int_equal(zone(ZONE_MOVABLE)->present_pages, 0);
	assert_int_equal(NODE_DATA(0)->node_spanned_pages, PAGES(M(960)));
	assert_int_equal(NODE_DATA(0)->nr_zones, 1);
	assert_int_equal(nr_kernel_pages, PAGES(M(960)) - memmap(PAGES(M(960))));
	assert_int_equal(usemap_size(0, PAGES(M(960))), usemap_bytes(0, PAGES(M(960))));
	assert_int_equal(usemap_bytes(0, PAGES(M(960))), 120); /* 240 pageblocks x 4 bits */
	assert_string_equal(zone(ZONE_NORMAL)->name, "Normal");
}

static void test_pimm_3g_highmem(void **state)
{
	(void)state;
	boot(pimm_ram, 3, 0x30000000);
	mm_assert_log("  Normal   [mem 0x0000000000000000-0x000000002fffffff]\n"
		      "  HighMem  [mem 0x0000000030000000-0x000000003bffffff]\n");
	/* Normal: the 768 MiB below the lowmem limit; HighMem: the 192 MiB above */
	assert_total(PAGES(M(768)) - memmap(PAGES(M(768))) + PAGES(M(192)),
		     244224); /* (196608 - 1536) + 49152 */
	assert_int_equal(zone(ZONE_NORMAL)->managed_pages, PAGES(M(768)) - memmap(PAGES(M(768))));
	assert_int_equal(zone(ZONE_HIGHMEM)->zone_start_pfn, PAGES(M(768)));
	assert_int_equal(zone(ZONE_HIGHMEM)->present_pages, PAGES(M(192)));
	/* its memmap is in lowmem */
	assert_int_equal(zone(ZONE_HIGHMEM)->managed_pages, PAGES(M(192)));
	assert_int_equal(usemap_size(0, PAGES(M(768))), usemap_bytes(0, PAGES(M(768))));
	assert_int_equal(usemap_size(PAGES(M(768)), PAGES(M(192))),
			 usemap_bytes(PAGES(M(768)), PAGES(M(192))));
	assert_int_equal(usemap_bytes(0, PAGES(M(768))), 96);		  /* 192 blocks */
	assert_int_equal(usemap_bytes(PAGES(M(768)), PAGES(M(192))), 24); /* 48 blocks */
	assert_int_equal(NODE_DATA(0)->nr_zones, 2);
	/* the highmem memmap is charged to nr_kernel_pages (384 pages on ARM32) */
	assert_int_equal(nr_kernel_pages,
			 PAGES(M(768)) - memmap(PAGES(M(768))) - memmap(PAGES(M(192))));
	if (IS_ARM32)
		assert_int_equal(memmap(PAGES(M(192))), 384);
	assert_int_equal(nr_all_pages, PAGES(M(768)) - memmap(PAGES(M(768))) + PAGES(M(192)));
}

/* mem_map: one 64-byte aligned memblock allocation below the lowmem limit, all initialised,
 * none PG_reserved yet (memblock_free_all marks the reserved ones, as in Linux). */
static void test_mem_map_allocation_and_pages(void **state)
{
	phys_addr_t pa;
	unsigned long pfn;
	unsigned long i;
	bool found = false;

	(void)state;
	boot(pimm_ram, 3, 0x30000000);
	pa = __pa(NODE_DATA(0)->node_mem_map);
	assert_int_equal(pa % 64, 0);
	assert_true(pa + PAGES(M(960)) * STRUCT_PAGE_BYTES <= 0x30000000);
	for (i = 0; i < memblock.reserved.cnt; i++)
		if (memblock.reserved.regions[i].base <= pa &&
		    pa + PAGES(M(960)) * STRUCT_PAGE_BYTES <=
			    memblock.reserved.regions[i].base + memblock.reserved.regions[i].size)
			found = true;
	assert_true(found);
	assert_ptr_equal(pfn_to_page(0), NODE_DATA(0)->node_mem_map);
	for (pfn = 0; pfn < 0x3c000; pfn++) {
		struct page *page = pfn_to_page(pfn);

		if (page_ref_count(page) != 1 || page_mapcount(page) != 0 || PageReserved(page) ||
		    page_zonenum(page) != (pfn < 0x30000 ? ZONE_NORMAL : ZONE_HIGHMEM) ||
		    page->mapping || page_to_pfn(page) != pfn || !list_empty(&page->lru))
			fail_msg("pfn %#lx badly initialised (flags %#lx)", pfn, page->flags);
		if (get_pageblock_migratetype(page) != MIGRATE_MOVABLE)
			fail_msg("pfn %#lx: pageblock not MOVABLE", pfn);
	}
	assert_int_equal(page_zone(pfn_to_page(0x34000))->zone_start_pfn, 0x30000);
	assert_string_equal(pageblock_migratetype_name(0x3afff), "Movable");
}

/* ---- holes, NOMAP, mem=, RAM from 2 GiB ---- */

static void test_hole_is_not_present(void **state)
{
	static const struct mm_region ram[] = {{0, M(256), 0}, {M(512), M(256), 0}};

	(void)state;
	boot(ram, 2, M(768));
	assert_int_equal(zone(ZONE_NORMAL)->spanned_pages, 196608);
	assert_int_equal(zone(ZONE_NORMAL)->present_pages, 131072);
	assert_int_equal(absent_pages_in_range(0, 196608), 65536);
	/* memmap still covers the span (FLATMEM): 196608 * 32 / 4096 = 1536 on ARM32 */
	assert_int_equal(calc_memmap_size(196608, 131072), memmap(196608));
	assert_int_equal(zone(ZONE_NORMAL)->managed_pages, 131072 - memmap(196608));
	mm_assert_log("  node   0: [mem 0x0000000000000000-0x000000000fffffff]\n"
		      "  node   0: [mem 0x0000000020000000-0x000000002fffffff]\n"
		      "Initmem setup node 0 [mem 0x0000000000000000-0x000000002fffffff]\n");
	assert_total(131072 - memmap(196608), 129536);
	/* whole pageblocks of hole have no valid struct page (ARM's pfn_valid) */
	assert_null(strstr(mm_log_text(), "unavailable ranges"));
	assert_false(pfn_valid(0x18000));
	assert_true(pfn_valid(0xffff));
	assert_true(pfn_valid(0x20000));
}

/* A hole inside a pageblock: its pages are initialised, reserved and reported. */
static void test_hole_inside_pageblock(void **state)
{
	static const struct mm_region ram[] = {{0, M(256), 0}, {M(257), M(255), 0}};

	(void)state;
	boot(ram, 2, M(512));
	mm_assert_log("Initmem setup node 0 [mem 0x0000000000000000-0x000000001fffffff]\n"
		      "On node 0, zone Normal: 256 pages in unavailable ranges");
	assert_int_equal(zone(ZONE_NORMAL)->present_pages, 131072 - 256);
	assert_true(pfn_valid(0x10080));
	assert_true(PageReserved(pfn_to_page(0x10080)));
	assert_int_equal(page_ref_count(pfn_to_page(0x10080)), 1);
	assert_int_equal(page_zonenum(pfn_to_page(0x10080)), ZONE_NORMAL);
	assert_total(131072 - 256 - memmap(131072), 130048 - 256);
}

/* A hole at the end of lowmem, then highmem. */
static void test_hole_and_highmem(void **state)
{
	static const struct mm_region ram[] = {{0, M(512), 0}, {M(640), M(384), 0}};

	(void)state;
	boot(ram, 2, M(768));
	assert_int_equal(zone(ZONE_NORMAL)->spanned_pages, 196608);
	assert_int_equal(zone(ZONE_NORMAL)->present_pages, 163840);
	assert_int_equal(zone(ZONE_HIGHMEM)->zone_start_pfn, 0x30000);
	assert_int_equal(zone(ZONE_HIGHMEM)->present_pages, 65536);
	assert_total(163840 - memmap(196608) + 65536, 227840); /* 163840 - 1536 + 65536 */
}

/* NOMAP regions split the node lines but stay present. */
static void test_nomap_present(void **state)
{
	static const struct mm_region ram[] = {{0, M(256), 0}, {M(64), M(16), MEMBLOCK_NOMAP}};

	(void)state;
	boot(ram, 2, M(256));
	mm_assert_log("  node   0: [mem 0x0000000000000000-0x0000000003ffffff]\n"
		      "  node   0: [mem 0x0000000004000000-0x0000000004ffffff]\n"
		      "  node   0: [mem 0x0000000005000000-0x000000000fffffff]\n");
	assert_int_equal(zone(ZONE_NORMAL)->present_pages, 65536);
	assert_total(65536 - memmap(65536), 65024);
	assert_true(pfn_valid(0x4800));
	assert_int_equal(get_pageblock_migratetype(pfn_to_page(0x4800)), MIGRATE_MOVABLE);
}

/* mem=512M: what setup_arch leaves in memblock is all the zones see. */
static void test_mem_limit(void **state)
{
	static const struct mm_region ram[] = {{0, M(512), 0}};

	(void)state;
	boot(ram, 1, M(512));
	mm_assert_log("  Normal   [mem 0x0000000000000000-0x000000001fffffff]\n"
		      "  HighMem  empty\n");
	assert_total(131072 - memmap(131072), 130048); /* 131072 - 1024 */
	assert_false(pfn_valid(0x20000));
}

/* docs/pipeline.md#the-ast2500-example: RAM from 0x80000000, lowmem limit above the last
 * region (zone clamped). */
static void test_ast2500_layout(void **state)
{
	static const struct mm_region ram[] = {
		{0x80000000, 0x1ee00000, 0}, {0x98000000, 0x04000000, MEMBLOCK_NOMAP}};

	(void)state;
	boot(ram, 2, 0x9ef00000);
	mm_assert_log("  Normal   [mem 0x0000000080000000-0x000000009eefffff]\n"
		      "  HighMem  empty\n"
		      "Movable zone start for each node\n"
		      "Early memory node ranges\n"
		      "  node   0: [mem 0x0000000080000000-0x0000000097ffffff]\n"
		      "  node   0: [mem 0x0000000098000000-0x000000009bffffff]\n"
		      "  node   0: [mem 0x000000009c000000-0x000000009edfffff]\n"
		      "Initmem setup node 0 [mem 0x0000000080000000-0x000000009edfffff]\n");
	assert_total(126464 - memmap(126464), 125476); /* the AST2500's 126464 - 988 */
	assert_int_equal(zone(ZONE_NORMAL)->zone_start_pfn, 0x80000);
	assert_int_equal(zone(ZONE_NORMAL)->spanned_pages, 126464);
	assert_ptr_equal(pfn_to_page(0x80000), NODE_DATA(0)->node_mem_map);
	assert_false(pfn_valid(0x7ffff));
}

/* Too little memory for a pageblock of each migratetype: grouping off. */
static void test_mobility_grouping_off(void **state)
{
	static const struct mm_region ram[] = {{0, M(16), 0}};

	(void)state;
	boot(ram, 1, M(16));
	assert_true(4096 - memmap(4096) < pageblock_nr_pages * MIGRATE_TYPES);
	mm_assert_log("Built 1 zonelists, mobility grouping off.  Total pages: ");
	page_group_by_mobility_disabled = 0;
}

/* ---- the pageblock bitmap ---- */

/* A zone starting mid-pageblock: bit index counts from the aligned-down start. */
static void test_pageblock_bits(void **state)
{
	static const struct mm_region ram[] = {{M(1), M(63), 0}};
	struct zone *z;
	unsigned long pfn;
	int mt;

	(void)state;
	boot(ram, 1, M(64));
	z = zone(ZONE_NORMAL);
	assert_int_equal(z->zone_start_pfn, 0x100);
	assert_int_equal(usemap_size(0x100, 0x3f00), usemap_bytes(0x100, 0x3f00));
	assert_int_equal(usemap_bytes(0x100, 0x3f00), 8); /* 16 blocks x 4 bits */
	/* one pfn more reaches a 17th block: 68 bits, 3 longs on ARM32, 2 on the host */
	assert_int_equal(usemap_size(0x100, 0x4000), usemap_bytes(0x100, 0x4000));
	assert_int_equal(usemap_bytes(0x100, 0x4000), IS_ARM32 ? 12 : 16);
	/* memmap_init marked only the aligned pfns it met: blocks 1..15; block 0 stays 0 */
	assert_int_equal(get_pageblock_migratetype(pfn_to_page(0x100)), MIGRATE_UNMOVABLE);
	for (pfn = 0x400; pfn < 0x4000; pfn += 0x400)
		assert_int_equal(get_pageblock_migratetype(pfn_to_page(pfn)), MIGRATE_MOVABLE);
	for (pfn = 0x400, mt = 0; pfn < 0x4000; pfn += 0x400, mt = (mt + 1) % MIGRATE_TYPES)
		set_pageblock_migratetype(pfn_to_page(pfn + 7), mt);
	for (pfn = 0x400, mt = 0; pfn < 0x4000; pfn += 0x400, mt = (mt + 1) % MIGRATE_TYPES) {
		assert_int_equal(get_pageblock_migratetype(pfn_to_page(pfn + 0x3ff)), mt);
		set_pfnblock_flags_mask(pfn_to_page(pfn), 1UL << PB_migrate_skip, pfn,
					1UL << PB_migrate_skip);
		assert_int_equal(get_pageblock_migratetype(pfn_to_page(pfn)), mt);
		assert_int_equal(get_pfnblock_flags_mask(pfn_to_page(pfn), pfn,
							 1UL << PB_migrate_skip), 1UL << PB_migrate_skip);
	}
	assert_string_equal(migratetype_names[MIGRATE_HIGHATOMIC], "HighAtomic");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_pimm_2g),
		cmocka_unit_test(test_pimm_3g_highmem),
		cmocka_unit_test(test_mem_map_allocation_and_pages),
		cmocka_unit_test(test_hole_is_not_present),
		cmocka_unit_test(test_hole_inside_pageblock),
		cmocka_unit_test(test_hole_and_highmem),
		cmocka_unit_test(test_nomap_present),
		cmocka_unit_test(test_mem_limit),
		cmocka_unit_test(test_ast2500_layout),
		cmocka_unit_test(test_mobility_grouping_off),
		cmocka_unit_test(test_pageblock_bits),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
