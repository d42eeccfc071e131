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
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <pimm/vsprintf.h>

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
