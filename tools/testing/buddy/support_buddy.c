/*
 * support_buddy.c - the buddy suite's machine: a memblock layout booted through Linux's
 * steps (free_area_init, build_all_zonelists, setup_per_cpu_pageset, memblock_free_all,
 * free_highpages' page-by-page HighMem hand-over, cma_init_reserved_areas,
 * init_per_zone_wmark_min), and helpers to count and check what the allocator holds.
 * cma.c is not linked (it needs the device-tree code): its three globals live here.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <linux/slab.h>
#include "support_buddy.h"


/*
 * kmap_local for the host (the target's is arch/arm/mm/kmap_local.c): the simulated RAM gives every
 * physical address a host address, HighMem included, so a HighMem page maps to __va(phys).
 * The counters let a test see that HighMem pages really went through it, LIFO.
 */
int kmap_local_calls, kmap_local_depth;

/* page_address for the host: no pkmap here (kernel/mm/highmem.c is the highmem suite's), so a
 * HighMem page has no address, as an unmapped one on the target. */
void *page_address(const struct page *page)
{
	return PageHighMem(page) ? NULL : lowmem_page_address(page);
}

void *kmap_local_page(struct page *page)
{
	if (!PageHighMem(page))
		return page_address(page);
	kmap_local_calls++;
	kmap_local_depth++;
	return __va(page_to_phys(page));
}

void kunmap_local(void *addr)
{
	if (addr && kmap_local_depth > 0 && PageHighMem(pfn_to_page(PHYS_PFN(__pa(addr)))))
		kmap_local_depth--;
}

struct cma cma_areas[MAX_CMA_AREAS];
unsigned int cma_area_count;
unsigned long totalcma_pages;

static char check_text[16384];
static size_t check_len;

/* check_free_areas' report(): collect the lines. */
static void __printf(1, 2) check_report(const char *fmt, ...)
{
	va_list ap;

	if (check_len >= sizeof(check_text) - 2)
		return;
	va_start(ap, fmt);
	check_len += (size_t)vsnprintf(check_text + check_len, sizeof(check_text) - check_len, fmt,
				       ap);
	va_end(ap);
	if (check_len < sizeof(check_text) - 1)
		check_text[check_len++] = '\n', check_text[check_len] = '\0';
}

int buddy_check_count(void)
{
	check_len = 0;
	check_text[0] = '\0';
	return check_free_areas(check_report);
}

const char *buddy_check_text(void)
{
	return check_text;
}

void assert_free_areas_ok(const char *file, int line)
{
	int n = buddy_check_count();

	if (n)
		fail_msg("%s:%d: check_free_areas: %d violations:\n%s", file, line, n, check_text);
}

void set_cpu(unsigned int cpu)
{
	mm_current_cpu = cpu;
}

struct zone *zone_of(enum zone_type z)
{
	return &NODE_DATA(0)->node_zones[z];
}

unsigned long nr_blocks(struct zone *zone, unsigned int order, int mt)
{
	unsigned long n = 0;
	struct list_head *pos;

	for (int t = 0; t < MIGRATE_TYPES; t++)
		if (mt < 0 || t == mt)
			list_for_each(pos, &zone->free_area[order].free_list[t])
				n++;
	return n;
}

unsigned long pcp_pages(struct zone *zone)
{
	unsigned long n = 0;

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		n += (unsigned long)per_cpu_ptr(zone->per_cpu_pageset, cpu)->count;
	return n;
}

/* ARM's free_highpages: every free HighMem page, one at a time (arch/arm/mm/init.c). */
static void free_highpages(void)
{
	phys_addr_t start, end;
	u64 i;

	for_each_free_mem_range(i, NUMA_NO_NODE, MEMBLOCK_NONE, &start, &end, NULL) {
		unsigned long pfn = max(PFN_UP(start), max_low_pfn), epfn = PFN_DOWN(end);

		for (; pfn < epfn; pfn++)
			free_reserved_page(pfn_to_page(pfn));
	}
}

void buddy_boot(const struct buddy_cfg *cfg)
{
	struct mm_region one = {0, cfg->ram, 0};
	phys_addr_t limit;
	struct zone *zone;

	memset(NODE_DATA(0), 0, sizeof(*NODE_DATA(0)));
	for (unsigned int i = 0; i < cma_area_count; i++)
		kfree(cma_areas[i].bitmap); /* the last boot's bitmap_zalloc */
	memset(cma_areas, 0, sizeof(cma_areas));
	cma_area_count = 0;
	totalcma_pages = 0;
	_totalram_pages = _totalhigh_pages = 0;
	min_free_kbytes = 1024;
	set_cpu(0);
	if (cfg->mem)
		limit = cfg->lowmem_limit ? cfg->lowmem_limit
					  : cfg->mem[cfg->nr_mem - 1].base + cfg->mem[cfg->nr_mem - 1].size;
	else
		limit = cfg->lowmem_limit ? cfg->lowmem_limit : cfg->ram;
	mm_layout(cfg->mem ? cfg->mem : &one, cfg->mem ? cfg->nr_mem : 1, limit);
	mm_online_cpus = cfg->cpus ? cfg->cpus : 4;
	if (cfg->cma_size) { /* what cma_declare_contiguous leaves (cma.c is not linked) */
		assert_int_equal(memblock_reserve(cfg->cma_base, cfg->cma_size), 0);
		cma_areas[0].base_pfn = PFN_DOWN(cfg->cma_base);
		cma_areas[0].count = PFN_DOWN(cfg->cma_size);
		strcpy(cma_areas[0].name, "reserved");
		cma_area_count = 1;
		totalcma_pages = cma_areas[0].count;
	}
	mm_bootmem_init();
	build_all_zonelists(NULL);
	if (!cfg->no_pagesets)
		setup_per_cpu_pageset();
	/* the static "done" flag of reset_all_zones_managed_pages: only the first boot resets */
	for_each_zone(zone)
		zone->managed_pages = 0;
	memblock_free_all();
	free_highpages();
	if (cfg->cma_size)
		cma_init_reserved_areas();
	if (!cfg->no_wmarks)
		init_per_zone_wmark_min();
	if (!cfg->keep_log)
		mb_log_clear();
}

void buddy_boot_small(void)
{
	struct buddy_cfg cfg = {.ram = M(64)};

	buddy_boot(&cfg);
}
