/*
 * debug.c - dump_page: what Linux prints about one struct page when a check fails or
 * someone asks (Linux 6.1's mm/debug.c __dump_page and lib/vsprintf.c's %pGp). The shell's
 * `page` command prints the same lines.
 *
 *   page:80a41000 refcount:1 mapcount:0 mapping:00000000 index:0x0 pfn:0x8
 *   flags: 0x1000(reserved|zone=0)
 *   raw: 00001000 80a41004 80a41004 00000000 00000000 00000000 ffffffff 00000001
 *   page dumped because: <reason>
 *
 * %p prints the real address (pimm does not hash pointers); raw is the 32-byte struct page
 * as 8 words (Linux: print_hex_dump of the struct, one word per group).
 *
 * Also check_free_areas, pimm's invariant checker for the buddy allocator (mm-check), in the
 * spirit of Linux's CONFIG_DEBUG_VM checks: it walks every free list and pageset of every
 * populated zone under its lock and reports what does not add up.
 *
 *   managed_pages = NR_FREE_PAGES (buddy lists) + pcp counts (all CPUs) + nr_allocated
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <pimm/vsprintf.h>
#include <asm/smp.h>

/* Linux's %pGp: "0x<flags>(name|name|zone=N)" into buf. */
static void format_page_flags(char *buf, size_t size, unsigned long flags)
{
	unsigned long main_flags = flags & PAGEFLAGS_MASK;
	const char *sep = "";
	size_t n;
	unsigned int bit;

	n = (size_t)ksnprintf(buf, size, "%#lx(", flags);
	for (bit = 0; bit < __NR_PAGEFLAGS && n < size; bit++) {
		if (!(main_flags & (1UL << bit)))
			continue;
		n += (size_t)ksnprintf(buf + n, size - n, "%s%s", sep, pageflag_name(bit));
		sep = "|";
	}
	if (n < size)
		ksnprintf(buf + n, size - n, "%szone=%lu)", sep,
			  (flags >> ZONES_PGSHIFT) & ZONES_MASK);
}

/* See mmdebug.h. */
void __dump_page(struct page *page, const char *reason, int (*out)(const char *fmt, ...))
{
	const unsigned long *raw = (const unsigned long *)page;
	const struct zone *zone = page_zone(page);
	char flags[160], words[8 * 20];
	bool cma;
	unsigned int i, n = 0;

	out("page:%p refcount:%d mapcount:%d mapping:%p index:%#lx pfn:%#lx\n", (void *)page,
	    page_ref_count(page), PageBuddy(page) || page_has_type(page) ? 0 : page_mapcount(page),
	    (void *)page->mapping, page->index, page_to_pfn(page));
	format_page_flags(flags, sizeof(flags), page->flags);
	cma = zone->pageblock_flags && zone_spans_pfn(zone, page_to_pfn(page)) &&
	      get_pageblock_migratetype(page) == MIGRATE_CMA;
	out("flags: %s%s\n", flags, cma ? " CMA" : "");
	for (i = 0; i < sizeof(struct page) / sizeof(unsigned long); i++)
		n += (unsigned int)ksnprintf(words + n, sizeof(words) - n, " %0*lx",
					     (int)(2 * sizeof(unsigned long)), raw[i]);
	out("raw:%s\n", words);
	if (reason)
		out("page dumped because: %s\n", reason);
}

/* See mmdebug.h. */
void dump_page(struct page *page, const char *reason)
{
	__dump_page(page, reason, _printk);
}

/* ==== check_free_areas: the buddy allocator's invariants (the shell's mm-check) ========== */

/* Is pfn's pageblock MIGRATE_CMA? */
static bool pfn_in_cma_block(struct page *page)
{
	return get_pageblock_migratetype(page) == MIGRATE_CMA;
}

/* Every block on zone's free lists: shape, type, order, count; returns violations. */
static int check_zone_free_lists(struct zone *zone, unsigned long *free_pages,
				 unsigned long *cma_pages, unsigned long *isolated_pages,
				 unsigned long *nr_blocks,
				 void (*report)(const char *fmt, ...) __printf(1, 2))
{
	unsigned long zstart = zone->zone_start_pfn, zend = zone_end_pfn(zone);
	int bad = 0;

	for (unsigned int order = 0; order < MAX_ORDER; order++) {
		struct free_area *area = &zone->free_area[order];
		unsigned long blocks = 0;

		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			struct list_head *head = &area->free_list[mt], *pos;
			unsigned long n = 0;

			for (pos = head->next; pos != head; pos = pos->next) {
				struct page *page = list_entry(pos, struct page, buddy_list);
				unsigned long pfn = page_to_pfn(page);
				unsigned long buddy_pfn = pfn ^ (1UL << order);

				if (++n > zone->spanned_pages) {
					bad++, report("zone %s: free_list[%u][%s] does not end (a loop)",
						      zone->name, order, migratetype_names[mt]);
					break;
				}
				if (pfn < zstart || pfn + (1UL << order) > zend) {
					bad++, report("zone %s: free block pfn %#lx order %u outside the "
						      "zone", zone->name, pfn, order);
					break; /* do not touch struct pages that may not exist */
				}
				/* a wrong zone number would send the pageblock lookup elsewhere */
				bool zone_ok = (int)page_zonenum(page) == zone_idx(zone);

				if (!zone_ok)
					bad++, report("zone %s: pfn %#lx on its free_list[%u][%s] says "
						      "zone %s", zone->name, pfn, order,
						      migratetype_names[mt],
						      zone_names[page_zonenum(page)]);
				if (pfn & ((1UL << order) - 1))
					bad++, report("zone %s: free block pfn %#lx not aligned to its "
						      "order %u", zone->name, pfn, order);
				if (!PageBuddy(page) || buddy_order(page) != order)
					bad++, report("zone %s: pfn %#lx on free_list[%u][%s] is %s "
						      "order %lu", zone->name, pfn, order,
						      migratetype_names[mt],
						      PageBuddy(page) ? "PageBuddy" : "not PageBuddy",
						      page_private(page));
				if (zone_ok && (mt == MIGRATE_CMA) != pfn_in_cma_block(page))
					bad++, report("zone %s: pfn %#lx on the %s list lies in a %s "
						      "pageblock", zone->name, pfn,
						      migratetype_names[mt],
						      pageblock_migratetype_name(pfn));
				for (unsigned long i = 0; i < (1UL << order); i++) {
					struct page *p = page + i;

					if (page_ref_count(p) != 0 || (i && PageBuddy(p))) {
						bad++, report("zone %s: pfn %#lx inside free block %#lx "
							      "order %u has refcount %d%s", zone->name,
							      pfn + i, pfn, order, page_ref_count(p),
							      (i && PageBuddy(p)) ? ", PageBuddy" : "");
						break;
					}
				}
				if (order < MAX_ORDER - 1 && buddy_pfn >= zstart && buddy_pfn < zend) {
					struct page *buddy = pfn_to_page(buddy_pfn);

					if (PageBuddy(buddy) && buddy_order(buddy) == order &&
					    page_zonenum(buddy) == page_zonenum(page) && buddy_pfn > pfn)
						bad++, report("zone %s: free buddies pfn %#lx and %#lx "
							      "(order %u) not merged", zone->name, pfn,
							      buddy_pfn, order);
				}
				if (!is_migrate_isolate(mt))
					*free_pages += 1UL << order;
				else
					*isolated_pages += 1UL << order;
				if (is_migrate_cma(mt))
					*cma_pages += 1UL << order;
			}
			blocks += n;
		}
		if (blocks != area->nr_free)
			bad++, report("zone %s: free_area[%u].nr_free is %lu, its lists hold %lu",
				      zone->name, order, area->nr_free, blocks);
		*nr_blocks += blocks;
	}
	return bad;
}

/* No PageBuddy page off the lists: count the PageBuddy pages of the zone. */
static int check_zone_buddy_pages(struct zone *zone, unsigned long nr_blocks,
				  void (*report)(const char *fmt, ...) __printf(1, 2))
{
	unsigned long pfn, n = 0;

	for (pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone); pfn++) {
		if (!pfn_valid(pfn)) {
			pfn = ALIGN_DOWN(pfn, pageblock_nr_pages) + pageblock_nr_pages - 1;
			continue;
		}
		if (PageBuddy(pfn_to_page(pfn)))
			n++;
	}
	if (n != nr_blocks) {
		report("zone %s: %lu PageBuddy pages, but %lu blocks on the free lists",
		       zone->name, n, nr_blocks);
		return 1;
	}
	return 0;
}

/* Each CPU's pageset: list contents, count; returns violations, adds pages to *pcp_pages. */
static int check_zone_pcp(struct zone *zone, unsigned long *pcp_pages,
			  void (*report)(const char *fmt, ...) __printf(1, 2))
{
	int bad = 0;

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		struct per_cpu_pages *pcp = per_cpu_ptr(zone->per_cpu_pageset, cpu);
		unsigned long pages = 0;

		for (unsigned int pindex = 0; pindex < NR_PCP_LISTS; pindex++) {
			unsigned int order = pindex / MIGRATE_PCPTYPES;
			struct list_head *head = &pcp->lists[pindex], *pos;
			unsigned long n = 0;

			for (pos = head->next; pos != head; pos = pos->next) {
				struct page *page = list_entry(pos, struct page, pcp_list);
				unsigned long pfn = page_to_pfn(page);

				if (++n > zone->spanned_pages) {
					bad++, report("zone %s: cpu %u pcp list %u does not end",
						      zone->name, cpu, pindex);
					break;
				}
				if (!zone_spans_pfn(zone, pfn) || (pfn & ((1UL << order) - 1)) ||
				    PageBuddy(page) || page_ref_count(page) != 0)
					bad++, report("zone %s: cpu %u pcp list %u: pfn %#lx (order %u) "
						      "is not a free, aligned block of the zone "
						      "(refcount %d)", zone->name, cpu, pindex, pfn,
						      order, page_ref_count(page));
				pages += 1UL << order;
			}
		}
		if ((long)pages != pcp->count)
			bad++, report("zone %s: cpu %u pcp count %d, its lists hold %lu pages",
				      zone->name, cpu, pcp->count, pages);
		*pcp_pages += pages;
	}
	return bad;
}

/* Lock every CPU's pageset of zone, then the zone (Linux's order: pcp->lock, zone->lock). */
static void lock_zone_lists(struct zone *zone, unsigned long *flags)
{
	local_irq_save(*flags);
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		spin_lock(&per_cpu_ptr(zone->per_cpu_pageset, cpu)->lock);
	spin_lock(&zone->lock);
}

static void unlock_zone_lists(struct zone *zone, unsigned long flags)
{
	spin_unlock(&zone->lock);
	for (unsigned int cpu = NR_CPUS; cpu-- > 0;)
		spin_unlock(&per_cpu_ptr(zone->per_cpu_pageset, cpu)->lock);
	local_irq_restore(flags);
}

/* See mm.h. Each zone is checked as one snapshot: all its lists locked at once. */
int check_free_areas(void (*report)(const char *fmt, ...) __printf(1, 2))
{
	struct zone *zone;
	int bad = 0;

	for_each_populated_zone(zone) {
		unsigned long free_pages = 0, cma_pages = 0, nr_blocks = 0, pcp_pages = 0, flags;
		unsigned long isolated = 0; /* free in isolated pageblocks: not NR_FREE_PAGES */
		long expect;

		lock_zone_lists(zone, &flags);
		bad += check_zone_free_lists(zone, &free_pages, &cma_pages, &isolated, &nr_blocks,
					     report);
		bad += check_zone_buddy_pages(zone, nr_blocks, report);
		if ((long)free_pages != zone->vm_stat[NR_FREE_PAGES])
			bad++, report("zone %s: NR_FREE_PAGES %ld, the free lists hold %lu",
				      zone->name, zone->vm_stat[NR_FREE_PAGES], free_pages);
		if ((long)cma_pages != zone->vm_stat[NR_FREE_CMA_PAGES])
			bad++, report("zone %s: NR_FREE_CMA_PAGES %ld, the CMA lists hold %lu",
				      zone->name, zone->vm_stat[NR_FREE_CMA_PAGES], cma_pages);
		bad += check_zone_pcp(zone, &pcp_pages, report);
		expect = (long)(free_pages + isolated + pcp_pages) + zone->nr_allocated;
		if ((long)zone_managed_pages(zone) != expect)
			bad++, report("zone %s: managed %lu != free %lu + isolated %lu + per-CPU %lu "
				      "+ allocated %ld", zone->name, zone_managed_pages(zone),
				      free_pages, isolated, pcp_pages, zone->nr_allocated);
		unlock_zone_lists(zone, flags);
	}
	return bad;
}
