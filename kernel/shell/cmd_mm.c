/*
 * kernel/shell/cmd_mm.c - nodes, zones and struct pages, live: `zoneinfo`, `page PFN|ADDR`,
 * `whatis ADDR`.
 *
 * Where it sits: after bootmem_init (free_area_init built node 0, its zones and mem_map),
 * build_all_zonelists and setup_per_cpu_pageset (kernel/mm/mm_init.c, page_alloc.c):
 *
 *   zoneinfo        Linux's /proc/zoneinfo: every zone, its watermarks, spans, counters and
 *                   the pageset of each online CPU
 *   page PFN|ADDR   Linux's dump_page for one struct page, plus zone, node, migratetype and
 *                   the buddy allocator's view (free block head or inside one, per-CPU list)
 *   whatis ADDR     everything pimm knows about an address:
 *
 *      ADDR --(VA: walk the kernel tables)--> PA --> memblock.memory / .reserved region + owner
 *                                              |---> zone, pfn, struct page
 *                                              '---> kernel mapping (linear map, NOMAP, highmem)
 *
 * Numbers: a value below 0x100000 is a PFN for `page` (32-bit physical addresses have 20-bit
 * PFNs); below PAGE_OFFSET a physical address; from PAGE_OFFSET on a kernel virtual address.
 */
#include <string.h>

#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <asm/fixmap.h>
#include <asm/highmem.h>
#include <asm/mach/arch.h>
#include <asm/pgtable.h>
#include <asm/ptdump.h>
#include <asm/setup.h>
#include <pimm/vsprintf.h>
#include <asm/smp.h>
#include <pimm/allocs.h>
#include <pimm/shell.h>

#define PFN_LIMIT 0x100000UL /* PFNs of a 32-bit physical address space */

/* ---- zoneinfo ------------------------------------------------------------------------- */

static void zoneinfo_node_stats(pg_data_t *pgdat)
{
	int i;

	shprintf("\n  per-node stats");
	for (i = 0; i < NR_VM_NODE_STAT_ITEMS; i++)
		shprintf("\n      %-12s %lu", node_stat_names[i],
			 node_page_state_pages(pgdat, (enum node_stat_item)i));
}

/* Linux's calculate_normal_threshold: how far a CPU's vmstat deltas may drift. */
static int zone_stat_threshold(struct zone *zone)
{
	unsigned long mem = zone_managed_pages(zone) >> (27 - PAGE_SHIFT); /* in 128 MiB */
	int cpus = num_online_cpus();
	int fls_cpus = cpus ? 32 - __builtin_clz(cpus) : 0;
	int fls_mem = mem ? 32 - __builtin_clz(mem) : 0;

	return min(125, 2 * fls_cpus * (1 + fls_mem));
}

static void zoneinfo_pagesets(struct zone *zone)
{
	unsigned int cpu;

	shprintf("\n  pagesets");
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		struct per_cpu_pages *pcp;

		if (!cpu_online(cpu))
			continue;
		pcp = per_cpu_ptr(zone->per_cpu_pageset, cpu);
		shprintf("\n    cpu: %i"
			 "\n              count: %i"
			 "\n              high:  %i"
			 "\n              batch: %i"
			 "\n  vm stats threshold: %d", /* per CPU, as Linux 6.1 prints it */
			 cpu, pcp->count, pcp->high, pcp->batch, zone_stat_threshold(zone));
	}
}

/* One zone as /proc/zoneinfo prints it (mm/vmstat.c zoneinfo_show_print). */
static void zoneinfo_zone(pg_data_t *pgdat, struct zone *zone, bool *node_done)
{
	int i;

	shprintf("Node %d, zone %8s", pgdat->node_id, zone->name);
	if (!*node_done && populated_zone(zone)) {
		zoneinfo_node_stats(pgdat);
		*node_done = true;
	}
	shprintf("\n  pages free     %lu"
		 "\n        boost    %lu"
		 "\n        min      %lu"
		 "\n        low      %lu"
		 "\n        high     %lu"
		 "\n        spanned  %lu"
		 "\n        present  %lu"
		 "\n        managed  %lu"
		 "\n        cma      %lu",
		 (unsigned long)zone->vm_stat[NR_FREE_PAGES], zone->watermark_boost,
		 min_wmark_pages(zone), low_wmark_pages(zone), high_wmark_pages(zone),
		 zone->spanned_pages, zone->present_pages, zone_managed_pages(zone),
		 zone->cma_pages);
	shprintf("\n        protection: (%ld", zone->lowmem_reserve[0]);
	for (i = 1; i < MAX_NR_ZONES; i++)
		shprintf(", %ld", zone->lowmem_reserve[i]);
	shprintf(")");
	if (!populated_zone(zone)) {
		shprintf("\n");
		return;
	}
	for (i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		shprintf("\n      %-12s %lu", zone_stat_names[i], (unsigned long)zone->vm_stat[i]);
	zoneinfo_pagesets(zone);
	shprintf("\n  node_unreclaimable:  %u"
		 "\n  start_pfn:           %lu"
		 "\n",
		 0u, zone->zone_start_pfn);
}

static int cmd_zoneinfo(int argc, char **argv)
{
	pg_data_t *pgdat = NODE_DATA(0);
	bool node_done = false;
	int i;

	if (argc != 1)
		return shell_usage(argv[0]);
	if (!mem_map)
		return shell_error(argv[0], "no zones yet (free_area_init has not run)");
	for (i = 0; i < MAX_NR_ZONES; i++)
		zoneinfo_zone(pgdat, &pgdat->node_zones[i], &node_done);
	return 0;
}
SHELL_CMD("zoneinfo", cmd_zoneinfo, "zoneinfo",
	  "zones: watermarks, spans, counters, per-CPU pagesets (/proc/zoneinfo)");

/* ---- page ----------------------------------------------------------------------------- */

/* PFN, physical address or lowmem virtual address -> pfn; prints the error itself. */
static int page_arg_to_pfn(const char *cmd, const char *arg, unsigned long *pfn)
{
	u32 v;

	if (shell_parse_u32(cmd, "PFN or address", arg, &v))
		return -1;
	if (v < PFN_LIMIT) {
		*pfn = v;
	} else if (v < PAGE_OFFSET) {
		*pfn = PHYS_PFN(v);
	} else {
		if (v >= (unsigned long)high_memory)
			return shell_error(cmd, "0x%08x is not a lowmem address (try: whatis 0x%08x)",
					   v, v);
		*pfn = PHYS_PFN(__pa(v));
	}
	if (*pfn >= max_pfn || *pfn < NODE_DATA(0)->node_start_pfn)
		return shell_error(cmd, "pfn %#lx is beyond the memory map (pfns %#lx-%#lx)", *pfn,
				   NODE_DATA(0)->node_start_pfn, max_pfn - 1);
	if (!pfn_valid(*pfn))
		return shell_error(cmd, "pfn %#lx is in a hole: no struct page", *pfn);
	return 0;
}

/*
 * The buddy allocator's view of pfn: "free: head of an order-3 block on the Movable list",
 * "free: inside ...", "free: on cpu 2's per-CPU list ...", or allocated / reserved.
 */
static void print_allocator_state(unsigned long pfn, const char *indent)
{
	struct page *page = pfn_to_page(pfn);
	struct pfn_state st;

	shprintf("%sallocator: ", indent);
	if (pfn_allocator_state(pfn, &st)) {
		const char *mt = st.list_mt >= 0 ? migratetype_names[st.list_mt] : "no";

		if (st.in_buddy && st.head == pfn)
			shprintf("free, PageBuddy head of an order-%u block on free_area[%u]'s "
				 "%s list\n", st.order, st.order, mt);
		else if (st.in_buddy)
			shprintf("free, inside the order-%u buddy block at pfn %#lx (%s list); not "
				 "PageBuddy itself\n", st.order, st.head, mt);
		else
			shprintf("free, on cpu %d's per-CPU %s list in the order-%u block at pfn "
				 "%#lx (pcp pages are not PageBuddy)\n", st.pcp_cpu, mt, st.order,
				 st.head);
	} else if (PageReserved(page)) {
		shprintf("reserved (PG_reserved: never given to the buddy allocator)\n");
	} else if (page_ref_count(page) > 0) {
		shprintf("allocated (refcount %d)\n", page_ref_count(page));
	} else {
		shprintf("not free, refcount 0: part of an allocated block (a tail page)\n");
	}
}

static int cmd_page(int argc, char **argv)
{
	unsigned long pfn = 0;
	struct page *page;
	phys_addr_t pa;

	if (argc != 2)
		return shell_usage(argv[0]);
	if (!mem_map)
		return shell_error(argv[0], "no mem_map yet (free_area_init has not run)");
	if (page_arg_to_pfn(argv[0], argv[1], &pfn))
		return -1;
	page = pfn_to_page(pfn);
	pa = PFN_PHYS(pfn);
	__dump_page(page, NULL, shprintf);
	shprintf("zone:%s node:%d migratetype:%s private:%#lx%s\n", page_zone(page)->name,
		 page_to_nid(page), pageblock_migratetype_name(pfn), page_private(page),
		 PageBuddy(page) ? " (buddy order)" : "");
	print_allocator_state(pfn, "");
	shprintf("phys:%pa ", &pa);
	if (PageHighMem(page))
		shprintf("virt: none (highmem: kmap to reach it)\n");
	else if (!memblock_is_map_memory(pa) && memblock_is_memory(pa))
		shprintf("virt: none (NOMAP: not in the linear map)\n");
	else
		shprintf("virt:0x%08lx (lowmem)\n", (unsigned long)lowmem_page_address(page));
	return 0;
}
SHELL_CMD("page", cmd_page, "page PFN|ADDR",
	  "dump one struct page (Linux dump_page): flags, counts, zone, migratetype");

/* ---- whatis --------------------------------------------------------------------------- */

/* What a physical address outside memblock.memory is, by the board's iomem ranges. */
static const char *pa_area(phys_addr_t pa)
{
	static char buf[96];
	const struct resource *r;

	for (r = machine_desc->iomem; r && r->name; r++)
		if (pa >= r->start && pa <= r->end) {
			ksnprintf(buf, sizeof(buf), "not RAM (%s)", r->name);
			return buf;
		}
	return "not RAM";
}

static const char *walk_kind(enum pt_kind k)
{
	switch (k) {
	case PT_SECTION: return "section";
	case PT_SUPERSECTION: return "supersection";
	case PT_PAGE: return "page";
	case PT_LARGE_PAGE: return "large page";
	case PT_FAULT_L1: return "section translation fault";
	case PT_FAULT_L2: return "page translation fault";
	default: return "unreadable table";
	}
}

/* "mapped by a section at VA -> PA, kernel RW NX" from the software walk. */
static void print_walk(const char *what, const struct pt_walk *w)
{
	if (!w->mapped) {
		shprintf("  %s: 0x%08lx not mapped (%s)\n", what, w->va, walk_kind(w->kind));
		return;
	}
	shprintf("  %s: 0x%08lx -> %pa by a %s, kernel %s %s\n", what, w->va, &w->pa,
		 walk_kind(w->kind), !w->perm.kr ? "no access" : w->perm.kw ? "RW" : "RO",
		 w->perm.kx ? "X" : "NX");
}

/* The memblock regions of type holding pa, with flags and (reserved/NOMAP) owners. Called for
 * memory first, then reserved: a NOMAP memory region changes what "not reserved" means. */
static void whatis_memblock(struct memblock_type *type, phys_addr_t pa)
{
	static bool nomap_seen;

	if (type == &memblock.memory)
		nomap_seen = false;
	unsigned long i;

	for (i = 0; i < type->cnt; i++) {
		struct memblock_region *r = &type->regions[i];
		phys_addr_t last = r->base + r->size - 1;

		if (!r->size || pa < r->base || pa > last)
			continue;
		if (type == &memblock.memory && memblock_is_nomap(r))
			nomap_seen = true;
		shprintf("  memblock.%s[%lu]: %pa..%pa %s", type->name, i, &r->base, &last,
			 memblock_is_nomap(r) ? "NOMAP" : r->flags ? "FLAGS" : "NONE");
		if (type == &memblock.reserved || memblock_is_nomap(r)) {
			shprintf("  owner: ");
			memblock_print_owners(r->base, r->base + r->size);
		}
		shprintf("\n");
		return;
	}
	if (type == &memblock.reserved && nomap_seen)
		shprintf("  memblock.reserved: no, but NOMAP memory is never given to the page "
			 "allocator (its pages stay PG_reserved)\n");
	else if (type == &memblock.reserved)
		shprintf("  memblock.reserved: no (free for the page allocator)\n");
	else
		shprintf("  memblock.memory: no (not RAM)\n");
}

/* If pa lies in mem_map: whose struct page it holds. */
static void whatis_mem_map(phys_addr_t pa)
{
	pg_data_t *pgdat = NODE_DATA(0);
	phys_addr_t start, end;
	unsigned long idx;

	if (!pgdat->node_mem_map)
		return;
	start = __pa(pgdat->node_mem_map);
	end = start + pgdat->node_spanned_pages * sizeof(struct page);
	if (pa < start || pa >= end)
		return;
	idx = (pa - start) / sizeof(struct page);
	shprintf("  holds: mem_map, the struct page of pfn %#lx (+%lu bytes)\n",
		 pgdat->node_start_pfn + idx, (unsigned long)((pa - start) % sizeof(struct page)));
}

/* Zone, pfn and struct page of pa, and how the kernel reaches it (walked unless the
 * caller already walked its linear-map address). */
static void whatis_page(phys_addr_t pa, bool walked)
{
	unsigned long pfn = PHYS_PFN(pa);
	const char *state;
	struct page *page;
	struct pt_walk w;

	if (!mem_map || pfn >= max_pfn || !pfn_valid(pfn)) {
		shprintf("  page: none (no struct page for pfn %#lx)\n", pfn);
		return;
	}
	page = pfn_to_page(pfn);
	if (PageReserved(page))
		state = "reserved";
	else if (PageBuddy(page))
		state = "PageBuddy";
	else
		state = page_ref_count(page) ? "in use" : "not PageBuddy";
	shprintf("  zone %s, pfn %#lx, page 0x%08lx: refcount %d, %s, pageblock %s\n",
		 page_zone(page)->name, pfn, (unsigned long)page, page_ref_count(page), state,
		 pageblock_migratetype_name(pfn));
	print_allocator_state(pfn, "  ");
	if (memblock_is_memory(pa) && !memblock_is_map_memory(pa)) {
		shprintf("  mapping: none (NOMAP memory is kept out of the linear map)\n");
	} else if (PageHighMem(page)) {
		shprintf("  mapping: none (highmem: reached through kmap only)\n");
	} else if (!walked) {
		pgtable_walk(init_mm_pgd, (unsigned long)__va(pa), &w);
		print_walk("linear map", &w);
	}
}

/* What the later stages (SHELL_WHATIS: slab, vmalloc, pkmap, CMA...) know of the address. */
static void whatis_later_stages(u32 addr, bool virt, phys_addr_t pa, bool has_pa)
{
	for (const struct shell_whatis *h = __shell_whatis_start; h < __shell_whatis_end; h++)
		h->fn(addr, virt, pa, has_pa);
}

static int cmd_whatis(int argc, char **argv)
{
	struct pt_walk w;
	phys_addr_t pa;
	u32 v;

	if (argc != 2)
		return shell_usage(argv[0]);
	if (shell_parse_u32(argv[0], "address", argv[1], &v))
		return -1;
	if (v >= MODULES_VADDR) { /* kernel space: nothing physical lives this high on the Pi */
		shprintf("0x%08x: virtual, %s\n", v, kernel_va_area_name(kernel_va_area(v)));
		pgtable_walk(init_mm_pgd, v, &w);
		print_walk("walk", &w);
		if (!w.mapped) {
			whatis_later_stages(v, true, 0, false);
			return 0;
		}
		pa = w.pa;
	} else {
		pa = v;
	}
	shprintf("%pa: physical, %s\n", &pa, memblock_is_memory(pa) ? "RAM" : pa_area(pa));
	whatis_memblock(&memblock.memory, pa);
	if (memblock_is_memory(pa))
		whatis_memblock(&memblock.reserved, pa);
	whatis_mem_map(pa);
	whatis_page(pa, v >= PAGE_OFFSET && v < (unsigned long)high_memory);
	whatis_later_stages(v, v >= MODULES_VADDR, pa, true);
	return 0;
}
SHELL_CMD("whatis", cmd_whatis, "whatis ADDR",
	  "what an address is: memblock region and owner, zone, page, kernel mapping");
