/*
 * test_pcp.c - zonelists and pagesets (Linux's mm/page_alloc.c), against the real kernel/mm/
 * page_alloc.c: fallback order, gfp_zone walks, nr_free_zone_pages, the boot pageset
 * (high 0, batch 1, 12 lists), zone_batchsize/zone_highsize values, and the real per-CPU
 * pagesets setup_per_cpu_pageset installs.
 */
#include "support_mm.h"
#include <linux/percpu.h>
#include <asm/smp.h>

#define M(x) ((phys_addr_t)(x) << 20)

static const struct mm_region pimm_ram[] = {{0, 0x3c000000, 0}};

static struct zone *zone(enum zone_type z)
{
	return &NODE_DATA(0)->node_zones[z];
}

static void boot(phys_addr_t lowmem_limit)
{
	mm_layout(pimm_ram, 1, lowmem_limit);
	mm_bootmem_init();
	build_all_zonelists(NULL);
}

/* The fallback list: populated zones from the highest index down, NULL-terminated. */
static void test_zonelist_order(void **state)
{
	struct zonelist *zl;
	struct zoneref *z;
	struct zone *zn;
	int n = 0;

	(void)state;
	boot(0x30000000);
	zl = node_zonelist(0, GFP_KERNEL);
	assert_ptr_equal(zl->_zonerefs[0].zone, zone(ZONE_HIGHMEM));
	assert_int_equal(zl->_zonerefs[0].zone_idx, ZONE_HIGHMEM);
	assert_ptr_equal(zl->_zonerefs[1].zone, zone(ZONE_NORMAL));
	assert_null(zl->_zonerefs[2].zone);
	/* GFP_KERNEL walks Normal only; GFP_HIGHUSER HighMem then Normal */
	for_each_zone_zonelist(zn, z, zl, gfp_zone(GFP_KERNEL))
		assert_ptr_equal(zn, zone(ZONE_NORMAL)), n++;
	assert_int_equal(n, 1);
	n = 0;
	for_each_zone_zonelist(zn, z, zl, gfp_zone(GFP_HIGHUSER))
		n++;
	assert_int_equal(n, 2);
	assert_int_equal(gfp_zone(GFP_HIGHUSER_MOVABLE), ZONE_MOVABLE);
	assert_int_equal(gfp_zone(GFP_DMA), ZONE_NORMAL);
	assert_int_equal(nr_free_zone_pages(ZONE_NORMAL), zone(ZONE_NORMAL)->managed_pages);
	assert_int_equal(nr_free_zone_pages(ZONE_MOVABLE), zone(ZONE_NORMAL)->managed_pages + 49152);
	/* a high watermark is subtracted */
	zone(ZONE_NORMAL)->_watermark[WMARK_HIGH] = 1000;
	assert_int_equal(nr_free_zone_pages(ZONE_NORMAL), zone(ZONE_NORMAL)->managed_pages - 1000);
	zone(ZONE_NORMAL)->_watermark[WMARK_HIGH] = 0;
}

static void test_zonelist_2g(void **state)
{
	struct zonelist *zl;

	(void)state;
	boot(0x3c000000);
	zl = node_zonelist(0, GFP_KERNEL);
	assert_ptr_equal(zl->_zonerefs[0].zone, zone(ZONE_NORMAL));
	assert_null(zl->_zonerefs[1].zone);
}

/* Boot pagesets: every zone shares boot_pageset; each CPU's copy has high 0, batch 1. */
static void test_boot_pagesets(void **state)
{
	unsigned int cpu;
	int i;

	(void)state;
	boot(0x30000000);
	assert_ptr_equal(zone(ZONE_NORMAL)->per_cpu_pageset, zone(ZONE_HIGHMEM)->per_cpu_pageset);
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		struct per_cpu_pages *pcp = per_cpu_ptr(zone(ZONE_NORMAL)->per_cpu_pageset, cpu);

		if (cpu)
			assert_ptr_not_equal(pcp, per_cpu_ptr(zone(ZONE_NORMAL)->per_cpu_pageset, 0));
		assert_int_equal(pcp->high, 0);
		assert_int_equal(pcp->batch, 1);
		assert_int_equal(pcp->count, 0);
		for (i = 0; i < NR_PCP_LISTS; i++)
			assert_true(list_empty(&pcp->lists[i]));
	}
	assert_int_equal(NR_PCP_LISTS, 12);
}

static unsigned long batch_for(unsigned long managed)
{
	struct zone z = {.managed_pages = managed};

	return (unsigned long)zone_batchsize(&z);
}

/* Linux's zone_batchsize: >= 176128 pages -> 63, 512 MiB -> 31, 256 MiB -> 15. */
static void test_zone_batchsize(void **state)
{
	(void)state;
	assert_int_equal(batch_for(176128), 63);
	assert_int_equal(batch_for(243840), 63);
	assert_int_equal(batch_for(1UL << 20), 63); /* capped at 1 MiB worth of pages / 4 */
	assert_int_equal(batch_for(131072), 31);
	assert_int_equal(batch_for(65536), 15);
	assert_int_equal(batch_for(176127), 31);
	assert_int_equal(batch_for(8192), 1);
	assert_int_equal(batch_for(4096), 0);
	assert_int_equal(batch_for(0), 0);
}

/* high = max(low watermark / split CPUs, 4 * batch). */
static void test_zone_highsize(void **state)
{
	struct zone z = {.managed_pages = 243840};

	(void)state;
	mm_online_cpus = 1;
	assert_int_equal(zone_highsize(&z, 63, 0), 252);
	z._watermark[WMARK_LOW] = 4000;
	mm_online_cpus = 4;
	assert_int_equal(zone_highsize(&z, 63, 0), 1000);
	assert_int_equal(zone_highsize(&z, 63, 1), 800);
	z._watermark[WMARK_LOW] = 400;
	assert_int_equal(zone_highsize(&z, 63, 0), 252);
	mm_online_cpus = 1;
}

/* Real pagesets replace the boot one for populated zones only. */
static void test_setup_per_cpu_pageset(void **state)
{
	struct per_cpu_pages *boot_pcp;
	unsigned int cpu;

	(void)state;
	boot(0x30000000);
	boot_pcp = zone(ZONE_MOVABLE)->per_cpu_pageset;
	setup_per_cpu_pageset();
	assert_ptr_equal(zone(ZONE_MOVABLE)->per_cpu_pageset, boot_pcp);
	assert_ptr_not_equal(zone(ZONE_NORMAL)->per_cpu_pageset, boot_pcp);
	assert_ptr_not_equal(zone(ZONE_NORMAL)->per_cpu_pageset,
			     zone(ZONE_HIGHMEM)->per_cpu_pageset);
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		struct per_cpu_pages *n = per_cpu_ptr(zone(ZONE_NORMAL)->per_cpu_pageset, cpu);
		struct per_cpu_pages *h = per_cpu_ptr(zone(ZONE_HIGHMEM)->per_cpu_pageset, cpu);

		assert_int_equal(n->batch, 63);  /* 195072 managed (ARM32) */
		assert_int_equal(n->high, 252);
		assert_int_equal(h->batch, 15);  /* 49152 managed: 48 / 4 = 12, 12 + 6 -> 16 - 1 */
		assert_int_equal(h->high, 4 * h->batch);
		assert_true(list_empty(&n->lists[NR_PCP_LISTS - 1]));
	}
	assert_int_equal(zone(ZONE_NORMAL)->pageset_batch, 63);
	assert_int_equal(zone(ZONE_NORMAL)->pageset_high, 252);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zonelist_order),
		cmocka_unit_test(test_zonelist_2g),
		cmocka_unit_test(test_boot_pagesets),
		cmocka_unit_test(test_zone_batchsize),
		cmocka_unit_test(test_zone_highsize),
		cmocka_unit_test(test_setup_per_cpu_pageset),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
