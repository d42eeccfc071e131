/*
 * kernel/shell/cmd_buddy.c - the buddy allocator, live: `alloc`, `free`, `allocs`, `drain`,
 * `buddyinfo`, `pagetypeinfo` and `buddy [ZONE [ORDER [LAST]]]`.
 *
 * Where it sits: the last stage of the boot pipeline. mem_init -> memblock_free_all
 * (kernel/mm/memblock_free_all.c) gave every free page to the buddy allocator
 * (kernel/mm/page_buddy.c, per-CPU lists in page_pcp.c); the shell allocates and frees
 * through Linux's own entry points, alloc_pages and __free_pages, and shows the lists:
 *
 *   alloc ORDER [FLAGS]  alloc_pages(gfp, order) on this CPU (`on 2 alloc 0`: on CPU 2); the
 *                        block is kept in a table of live blocks until `free`
 *   free ADDR [ORDER]    __free_pages of a live block, given by its physical or virtual
 *                        address; anything else is refused before the allocator sees it
 *   buddyinfo            Linux's /proc/buddyinfo: free blocks per order, per zone
 *   pagetypeinfo         Linux's /proc/pagetypeinfo: per migratetype, and pageblock counts
 *   buddy [ZONE]         a picture: blocks per order and type, and per 4 MiB pageblock its
 *                        migratetype and the largest free block inside it
 *   buddy ZONE ORDER [LAST]  every free block of orders ORDER..LAST: order, migratetype,
 *                        place on its list (0 = head), pfn and physical address
 *   drain                drain_all_pages: every CPU's per-CPU lists back to the buddy lists
 *
 * Which list served an allocation is read from the pageset before and after the call: an
 * order <= 3 request takes the head of this CPU's per-CPU list (refilled by rmqueue_bulk
 * when empty), larger ones come from the buddy lists under the zone lock (page_buddy.c
 * rmqueue).
 *
 * An order-0 `alloc 0 movable` page is a non-LRU movable page (include/linux/migrate.h):
 * its mapping points at shell_movable_ops, so alloc_contig_range (cma_alloc) may migrate it;
 * migrate_page copies it and moves the live_block to the new pfn. `cma` (pimm's
 * __GFP_CMA_FIRST) puts a movable block in a CMA pageblock; `pinned` keeps a second
 * reference, as a pin would, so migration fails (-EAGAIN, then -EBUSY). Blocks of higher
 * orders are not movable (Linux's non-LRU movable pages are single pages).
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <asm/irqflags.h>
#include <asm/smp.h>
#include <pimm/allocs.h>
#include <pimm/shell.h>
#include <pimm/vsprintf.h>

#define MAX_LIVE 1024 /* live blocks `alloc` remembers (240 order-10 blocks fill 960 MiB) */

/* One block handed out by `alloc` and not yet freed. */
struct live_block {
	unsigned long pfn;
	gfp_t gfp;
	u8 order;
	u8 cpu;     /* the CPU that allocated it */
	u8 pcp;     /* served from that CPU's per-CPU list */
	u8 refill;  /* blocks rmqueue_bulk moved onto the list to serve it (0: a list hit) */
	u8 movable; /* a non-LRU movable page (shell_movable_ops) */
	u8 pinned;  /* holds a second reference: migration fails */
	u8 isolated; /* taken for migration right now (free refuses it) */
	u8 migrated; /* times it moved */
};

static struct live_block live[MAX_LIVE];
static unsigned int nr_live;
static DEFINE_SPINLOCK(live_lock); /* `on CPU alloc` runs on another CPU */

/* ---- shared views (pimm/allocs.h) ------------------------------------------------------ */

/* See pimm/allocs.h. */
struct zone *zone_by_name(const char *name)
{
	struct zone *zone;

	for_each_populated_zone(zone)
		if (!strcasecmp(zone->name, name))
			return zone;
	return NULL;
}

/* Is head on one of zone's free lists of this order? Which migratetype's (-1: none). */
static int buddy_list_of(struct zone *zone, struct page *head, unsigned int order)
{
	for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
		struct list_head *l = &zone->free_area[order].free_list[mt], *pos;

		for (pos = l->next; pos != l; pos = pos->next)
			if (list_entry(pos, struct page, buddy_list) == head)
				return mt;
	}
	return -1;
}

/* See pimm/allocs.h. */
bool pfn_allocator_state(unsigned long pfn, struct pfn_state *st)
{
	struct page *page = pfn_to_page(pfn);
	struct zone *zone = page_zone(page);
	unsigned long flags;

	st->in_buddy = false;
	st->pcp_cpu = -1;
	st->list_mt = -1;
	spin_lock_irqsave(&zone->lock, flags);
	/* Linux's is_free_buddy_page: a PageBuddy head at or below pfn whose block covers it */
	for (unsigned int order = 0; order < MAX_ORDER; order++) {
		unsigned long head = pfn & ~((1UL << order) - 1);
		struct page *hp = pfn_to_page(head);

		if (head < zone->zone_start_pfn)
			break;
		if (PageBuddy(hp) && buddy_order(hp) >= order) {
			st->in_buddy = true;
			st->head = head;
			st->order = buddy_order(hp);
			st->list_mt = buddy_list_of(zone, hp, st->order);
			break;
		}
	}
	spin_unlock_irqrestore(&zone->lock, flags);
	if (st->in_buddy)
		return true;
	for (unsigned int cpu = 0; cpu < NR_CPUS && st->pcp_cpu < 0; cpu++) {
		struct per_cpu_pages *pcp = per_cpu_ptr(zone->per_cpu_pageset, cpu);

		spin_lock_irqsave(&pcp->lock, flags);
		for (unsigned int i = 0; i < NR_PCP_LISTS && st->pcp_cpu < 0; i++) {
			unsigned int order = i / MIGRATE_PCPTYPES;
			struct list_head *l = &pcp->lists[i], *pos;

			for (pos = l->next; pos != l; pos = pos->next) {
				unsigned long p = page_to_pfn(list_entry(pos, struct page, pcp_list));

				if (pfn >= p && pfn < p + (1UL << order)) {
					st->pcp_cpu = (int)cpu;
					st->head = p;
					st->order = order;
					st->list_mt = (int)(i % MIGRATE_PCPTYPES);
					break;
				}
			}
		}
		spin_unlock_irqrestore(&pcp->lock, flags);
	}
	return st->pcp_cpu >= 0;
}

/* A mix of (pfn, order) that a sum and a xor over a set of blocks will tell apart. */
static unsigned long block_hash(unsigned long pfn, unsigned int order)
{
	unsigned long x = pfn * 2654435761u ^ (order + 1) * 0x9e3779b9u;

	x ^= x >> 15;
	x *= 0x85ebca6bu;
	return x ^ (x >> 13);
}

/* See pimm/allocs.h. */
void free_fingerprint(struct free_fingerprint *fp)
{
	struct zone *zone;

	memset(fp, 0, sizeof(*fp));
	for_each_populated_zone(zone) {
		unsigned long flags;

		spin_lock_irqsave(&zone->lock, flags);
		for (unsigned int order = 0; order < MAX_ORDER; order++)
			for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
				struct list_head *l = &zone->free_area[order].free_list[mt], *pos;

				for (pos = l->next; pos != l; pos = pos->next) {
					unsigned long pfn =
						page_to_pfn(list_entry(pos, struct page, buddy_list));
					unsigned long h = block_hash(pfn, order);

					fp->blocks[order]++;
					fp->sum += h;
					fp->xor ^= h;
					fp->free_pages += 1UL << order;
				}
			}
		for (unsigned long pfn = ALIGN_DOWN(zone->zone_start_pfn, pageblock_nr_pages);
		     pfn < zone_end_pfn(zone); pfn += pageblock_nr_pages) {
			unsigned long p = max(pfn, zone->zone_start_pfn);

			if (pfn_valid(p))
				fp->pageblocks[get_pageblock_migratetype(pfn_to_page(p))]++;
		}
		spin_unlock_irqrestore(&zone->lock, flags);
	}
}

/* ---- the live blocks as non-LRU movable pages ------------------------------------------- */

/* The movable live block at pfn, or NULL (live_lock held). */
static struct live_block *live_movable(unsigned long pfn)
{
	for (unsigned int i = 0; i < nr_live; i++)
		if (live[i].pfn == pfn && live[i].movable)
			return &live[i];
	return NULL;
}

/* The page is no longer movable: its mapping cleared under the page lock. */
static void movable_page_release(struct page *page)
{
	while (!trylock_page(page))
		continue; /* a migrating CPU holds it for a moment */
	__ClearPageMovable(page);
	unlock_page(page);
}

/* movable_operations.isolate_page: a live, not yet isolated block may be taken. */
static bool shell_isolate_page(struct page *page, isolate_mode_t mode)
{
	struct live_block *b;
	unsigned long flags;
	bool ok = false;

	(void)mode;
	spin_lock_irqsave(&live_lock, flags);
	b = live_movable(page_to_pfn(page));
	if (b && !b->isolated) {
		b->isolated = 1;
		ok = true;
	}
	spin_unlock_irqrestore(&live_lock, flags);
	return ok;
}

/*
 * movable_operations.migrate_page: copy src to dst and move the block there; the block's
 * reference to src is dropped (the isolation's stays for migrate_pages). A second holder
 * (pinned) makes it -EAGAIN, as an unexpected refcount does in Linux.
 */
static int shell_migrate_page(struct page *dst, struct page *src, enum migrate_mode mode)
{
	struct live_block *b;
	unsigned long flags;
	int rc = -EAGAIN;

	(void)mode;
	spin_lock_irqsave(&live_lock, flags);
	b = live_movable(page_to_pfn(src));
	if (b && page_count(src) == 2) { /* the block's reference and the isolation's */
		migrate_page_copy(dst, src);
		b->pfn = page_to_pfn(dst);
		b->isolated = 0;
		if (b->migrated < 255)
			b->migrated++;
		__SetPageMovable(dst, page_movable_ops(src));
		__ClearPageMovable(src);
		page_ref_dec(src);
		rc = MIGRATEPAGE_SUCCESS;
	}
	spin_unlock_irqrestore(&live_lock, flags);
	return rc;
}

/* movable_operations.putback_page: migration gave up, the block may be freed again. */
static void shell_putback_page(struct page *page)
{
	struct live_block *b;
	unsigned long flags;

	spin_lock_irqsave(&live_lock, flags);
	b = live_movable(page_to_pfn(page));
	if (b)
		b->isolated = 0;
	spin_unlock_irqrestore(&live_lock, flags);
}

static const struct movable_operations shell_movable_ops = {
	.isolate_page = shell_isolate_page,
	.migrate_page = shell_migrate_page,
	.putback_page = shell_putback_page,
};

/* ---- alloc ----------------------------------------------------------------------------- */

/* The allocator has pages (mem_init ran); else print why not and fail. */
static int allocator_live(const char *cmd)
{
	if (!mem_map || !totalram_pages())
		return shell_error(cmd, "the buddy allocator holds no memory yet (mem_init has not "
				   "run)");
	return 0;
}

/* "GFP_KERNEL|__GFP_MOVABLE" for the flags alloc uses. */
static const char *gfp_name(gfp_t gfp)
{
	static char buf[80];
	gfp_t base = (gfp & __GFP_ATOMIC) ? GFP_ATOMIC : GFP_KERNEL;

	ksnprintf(buf, sizeof(buf), "%s%s%s%s%s", base == GFP_ATOMIC ? "GFP_ATOMIC" : "GFP_KERNEL",
		  (gfp & __GFP_HIGHMEM) ? "|__GFP_HIGHMEM" : "",
		  (gfp & __GFP_MOVABLE) ? "|__GFP_MOVABLE" : "", (gfp & __GFP_ZERO) ? "|__GFP_ZERO" : "",
		  (gfp & __GFP_CMA_FIRST) ? "|__GFP_CMA_FIRST" : "");
	return buf;
}

static void live_header(void)
{
	shprintf("   pfn       phys        virt        order zone     pageblock    cpu from"
		 "             gfp\n");
}

/* One row of the live-block table. */
static void live_row(const struct live_block *b)
{
	struct page *page = pfn_to_page(b->pfn);
	phys_addr_t pa = PFN_PHYS(b->pfn);
	char from[24];

	if (b->migrated)
		ksnprintf(from, sizeof(from), "migrated (%u)", b->migrated);
	else if (!b->pcp)
		ksnprintf(from, sizeof(from), "buddy lists");
	else if (b->refill)
		ksnprintf(from, sizeof(from), "pcp (refill %u)", b->refill);
	else
		ksnprintf(from, sizeof(from), "pcp");
	shprintf("   %#-9lx %pa  ", b->pfn, &pa);
	if (PageHighMem(page))
		shprintf("(highmem)   ");
	else
		shprintf("0x%08lx  ", (unsigned long)lowmem_page_address(page));
	shprintf("%5u %-8s %-12s %3u %-16s %s\n", b->order, page_zone(page)->name,
		 pageblock_migratetype_name(b->pfn), b->cpu, from, gfp_name(b->gfp));
}

/* Flags words of `alloc` -> gfp; prints the error itself. */
static int parse_alloc_flags(const char *cmd, int argc, char **argv, gfp_t *gfp, bool *pinned)
{
	bool atomic = false;
	gfp_t extra = 0;

	*pinned = false;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "movable"))
			extra |= __GFP_MOVABLE;
		else if (!strcmp(argv[i], "highmem"))
			extra |= __GFP_HIGHMEM;
		else if (!strcmp(argv[i], "zero"))
			extra |= __GFP_ZERO;
		else if (!strcmp(argv[i], "atomic"))
			atomic = true;
		else if (!strcmp(argv[i], "cma"))
			extra |= __GFP_CMA_FIRST;
		else if (!strcmp(argv[i], "pinned"))
			*pinned = true;
		else
			return shell_error(cmd, "unknown flag '%s' (movable, highmem, zero, atomic, "
					   "cma, pinned)", argv[i]);
	}
	if ((extra & __GFP_CMA_FIRST) && !(extra & __GFP_MOVABLE))
		return shell_error(cmd, "cma needs movable (only movable allocations may use CMA)");
	*gfp = (atomic ? GFP_ATOMIC : GFP_KERNEL) | extra;
	return 0;
}

/* Parse an order 0..MAX_ORDER-1; prints the error itself. */
static int parse_order(const char *cmd, const char *arg, unsigned int *order)
{
	u32 v;

	if (shell_parse_u32(cmd, "order", arg, &v))
		return -1;
	if (v >= MAX_ORDER)
		return shell_error(cmd, "order %u out of range 0..%u (MAX_ORDER is %u)", v,
				   MAX_ORDER - 1, MAX_ORDER);
	*order = v;
	return 0;
}

/* pcp->count of this CPU in every zone (to see which list served an allocation). */
static void pcp_counts(int *counts)
{
	unsigned int cpu = smp_processor_id();

	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &NODE_DATA(0)->node_zones[i];

		counts[i] = populated_zone(z) ? per_cpu_ptr(z->per_cpu_pageset, cpu)->count : 0;
	}
}

static int cmd_alloc(int argc, char **argv)
{
	int before[MAX_NR_ZONES], after[MAX_NR_ZONES];
	struct live_block b = {0};
	unsigned int order = 0;
	unsigned long flags;
	struct page *page;
	bool pinned;
	gfp_t gfp = 0;
	int zi;

	if (argc < 2)
		return shell_usage(argv[0]);
	if (parse_order(argv[0], argv[1], &order) ||
	    parse_alloc_flags(argv[0], argc - 2, argv + 2, &gfp, &pinned) || allocator_live(argv[0]))
		return -1;
	if (nr_live == MAX_LIVE)
		return shell_error(argv[0], "%u live blocks already: free some first", MAX_LIVE);

	local_irq_save(flags); /* nothing else on this CPU touches its pagesets meanwhile */
	pcp_counts(before);
	page = alloc_pages(gfp | __GFP_NOWARN, order);
	pcp_counts(after);
	local_irq_restore(flags);
	if (!page)
		return shell_error(argv[0], "no free block of order %u for %s (free pages %lu)",
				   order, gfp_name(gfp), nr_free_pages());

	b.pfn = page_to_pfn(page);
	b.gfp = gfp;
	b.order = (u8)order;
	b.cpu = (u8)smp_processor_id();
	zi = zone_idx(page_zone(page));
	/*
	 * rmqueue serves orders <= 3 from this CPU's list: a hit lowers its count by 2^order; a
	 * refill of n blocks by rmqueue_bulk first raises it by n * 2^order. (A drain in the slow
	 * path lowers it more: then the refill is not known.)
	 */
	if (order <= PAGE_ALLOC_COSTLY_ORDER && !(gfp & __GFP_CMA_FIRST)) { /* that skips the pcp */
		int delta = after[zi] - before[zi];

		b.pcp = 1;
		if (delta >= 0)
			b.refill = (u8)((delta + (1 << order)) >> order);
	}

	b.pinned = pinned;
	if (pinned)
		get_page(page);
	spin_lock_irqsave(&live_lock, flags);
	if (order == 0 && (gfp & __GFP_MOVABLE)) {
		b.movable = 1;
		__SetPageMovable(page, &shell_movable_ops);
	}
	live[nr_live++] = b;
	spin_unlock_irqrestore(&live_lock, flags);
	live_header();
	live_row(&b);
	return 0;
}
SHELL_CMD("alloc", cmd_alloc, "alloc ORDER [movable] [highmem] [zero] [atomic] [cma] [pinned]",
	  "alloc_pages(GFP_KERNEL..., ORDER) on this CPU: the block, its zone, which list served it");

/* ---- free ------------------------------------------------------------------------------ */

/* ADDR (physical, or lowmem virtual) -> pfn of a page start; prints the error itself. */
static int free_addr_to_pfn(const char *cmd, const char *arg, unsigned long *pfn)
{
	phys_addr_t pa;
	u32 v;

	if (shell_parse_u32(cmd, "address", arg, &v))
		return -1;
	if (v >= PAGE_OFFSET) {
		if (v >= (unsigned long)high_memory)
			return shell_error(cmd, "0x%08x is not a lowmem address (give a highmem "
					   "block's physical address)", v);
		pa = __pa(v);
	} else {
		pa = v;
	}
	if (pa & (PAGE_SIZE - 1))
		return shell_error(cmd, "0x%08x is not page aligned: not the start of a block", v);
	*pfn = PHYS_PFN(pa);
	return 0;
}

/* Index of the live block starting at pfn, or -1 (also saying what pfn is instead). */
static int live_find(const char *cmd, unsigned long pfn, const char *arg)
{
	for (unsigned int i = 0; i < nr_live; i++)
		if (live[i].pfn == pfn)
			return (int)i;
	for (unsigned int i = 0; i < nr_live; i++)
		if (pfn > live[i].pfn && pfn < live[i].pfn + (1UL << live[i].order))
			return shell_error(cmd, "%s is inside the live order-%u block at pfn %#lx, "
					   "not its start", arg, live[i].order, live[i].pfn);
	return shell_error(cmd, "%s is not a live block (`allocs` lists them; freed twice?)", arg);
}

static int cmd_free(int argc, char **argv)
{
	unsigned int order = 0, cpu = smp_processor_id();
	struct live_block b = {0};
	unsigned long pfn = 0, flags;
	struct page *page;
	int i;

	if (argc != 2 && argc != 3)
		return shell_usage(argv[0]);
	if (free_addr_to_pfn(argv[0], argv[1], &pfn) ||
	    (argc == 3 && parse_order(argv[0], argv[2], &order)))
		return -1;
	spin_lock_irqsave(&live_lock, flags);
	i = live_find(argv[0], pfn, argv[1]);
	if (i >= 0 && argc == 3 && live[i].order != order) {
		spin_unlock_irqrestore(&live_lock, flags);
		return shell_error(argv[0], "the block at %s has order %u, not %u", argv[1],
				   live[i].order, order);
	}
	if (i >= 0 && live[i].isolated) {
		spin_unlock_irqrestore(&live_lock, flags);
		return shell_error(argv[0], "the page at %s is being migrated: try again", argv[1]);
	}
	if (i >= 0) {
		b = live[i];
		live[i] = live[--nr_live];
		if (b.movable) /* under the page lock, as Linux's owners do */
			movable_page_release(pfn_to_page(b.pfn));
	}
	spin_unlock_irqrestore(&live_lock, flags);
	if (i < 0)
		return -1;
	page = pfn_to_page(b.pfn);
	if (b.pinned)
		page_ref_dec(page); /* the pin */
	__free_pages(page, b.order);
	if (b.order <= PAGE_ALLOC_COSTLY_ORDER)
		shprintf("freed order-%u block at pfn %#lx (%s) to cpu %u's per-CPU list\n",
			 b.order, b.pfn, page_zone(page)->name, cpu);
	else
		shprintf("freed order-%u block at pfn %#lx (%s) to the buddy lists\n", b.order,
			 b.pfn, page_zone(page)->name);
	return 0;
}
SHELL_CMD("free", cmd_free, "free ADDR [ORDER]",
	  "__free_pages of a block `alloc` gave (ADDR physical or virtual, as alloc printed it)");

static int cmd_allocs(int argc, char **argv)
{
	unsigned long flags, pages = 0, movable = 0, pinned = 0;

	if (argc != 1)
		return shell_usage(argv[0]);
	spin_lock_irqsave(&live_lock, flags);
	if (nr_live)
		live_header();
	for (unsigned int i = 0; i < nr_live; i++) {
		live_row(&live[i]);
		pages += 1UL << live[i].order;
		movable += live[i].movable;
		pinned += live[i].pinned;
	}
	if (movable || pinned)
		shprintf("%lu movable page%s (non-LRU, may migrate), %lu pinned\n", movable,
			 movable == 1 ? "" : "s", pinned);
	shprintf("%u live block%s, %lu pages\n", nr_live, nr_live == 1 ? "" : "s", pages);
	spin_unlock_irqrestore(&live_lock, flags);
	return 0;
}
SHELL_CMD("allocs", cmd_allocs, "allocs", "the live blocks `alloc` handed out");

/* ---- drain ----------------------------------------------------------------------------- */

static int cmd_drain(int argc, char **argv)
{
	struct zone *zone;
	long total = 0;

	if (argc != 1)
		return shell_usage(argv[0]);
	if (allocator_live(argv[0]))
		return -1;
	shprintf("per-CPU pages before:");
	for_each_populated_zone(zone)
		for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
			int c = per_cpu_ptr(zone->per_cpu_pageset, cpu)->count;

			shprintf(" %s/cpu%u %d", zone->name, cpu, c);
			total += c;
		}
	drain_all_pages(NULL);
	shprintf("\ndrain_all_pages: %ld pages back on the buddy lists\n", total);
	return 0;
}
SHELL_CMD("drain", cmd_drain, "drain",
	  "drain_all_pages: every CPU's per-CPU lists back to the buddy lists");

/* ---- buddyinfo, pagetypeinfo ------------------------------------------------------------- */

static int cmd_buddyinfo(int argc, char **argv)
{
	struct zone *zone;

	if (argc != 1)
		return shell_usage(argv[0]);
	if (!mem_map)
		return shell_error(argv[0], "no zones yet (free_area_init has not run)");
	for_each_populated_zone(zone) {
		unsigned long nr[MAX_ORDER], flags;

		spin_lock_irqsave(&zone->lock, flags);
		for (int o = 0; o < MAX_ORDER; o++)
			nr[o] = zone->free_area[o].nr_free;
		spin_unlock_irqrestore(&zone->lock, flags);
		shprintf("Node %d, zone %8s ", zone->zone_pgdat->node_id, zone->name);
		for (int o = 0; o < MAX_ORDER; o++)
			shprintf("%6lu ", nr[o]);
		shprintf("\n");
	}
	return 0;
}
SHELL_CMD("buddyinfo", cmd_buddyinfo, "buddyinfo",
	  "free blocks per order in each zone (/proc/buddyinfo)");

/* Blocks on one free list, Linux's way: counting stops at 100000 (then printed ">100000"). */
static unsigned long count_list(struct list_head *l)
{
	unsigned long n = 0;

	for (struct list_head *pos = l->next; pos != l && n < 100000; pos = pos->next)
		n++;
	return n;
}

/* Pageblocks of each migratetype in zone (Linux's pagetypeinfo_showblockcount_print). */
static void pageblock_counts(struct zone *zone, unsigned long *count)
{
	memset(count, 0, MIGRATE_TYPES * sizeof(*count));
	for (unsigned long pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone);
	     pfn += pageblock_nr_pages) {
		if (!pfn_valid(pfn) || page_zone(pfn_to_page(pfn)) != zone)
			continue;
		count[get_pageblock_migratetype(pfn_to_page(pfn))]++;
	}
}

static int cmd_pagetypeinfo(int argc, char **argv)
{
	struct zone *zone;

	if (argc != 1)
		return shell_usage(argv[0]);
	if (!mem_map)
		return shell_error(argv[0], "no zones yet (free_area_init has not run)");
	shprintf("Page block order: %d\n", pageblock_order);
	shprintf("Pages per block:  %lu\n\n", pageblock_nr_pages);
	shprintf("%-43s ", "Free pages count per migrate type at order");
	for (int o = 0; o < MAX_ORDER; o++)
		shprintf("%6d ", o);
	shprintf("\n");
	for_each_populated_zone(zone)
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			unsigned long n[MAX_ORDER], flags;

			spin_lock_irqsave(&zone->lock, flags);
			for (int o = 0; o < MAX_ORDER; o++)
				n[o] = count_list(&zone->free_area[o].free_list[mt]);
			spin_unlock_irqrestore(&zone->lock, flags);
			shprintf("Node %4d, zone %8s, type %12s ", zone->zone_pgdat->node_id,
				 zone->name, migratetype_names[mt]);
			for (int o = 0; o < MAX_ORDER; o++)
				shprintf("%s%6lu ", n[o] >= 100000 ? ">" : "", n[o]);
			shprintf("\n");
		}
	shprintf("\n%-23s", "Number of blocks type ");
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		shprintf("%12s ", migratetype_names[mt]);
	shprintf("\n");
	for_each_populated_zone(zone) {
		unsigned long count[MIGRATE_TYPES];

		pageblock_counts(zone, count);
		shprintf("Node %d, zone %8s ", zone->zone_pgdat->node_id, zone->name);
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			shprintf("%12lu ", count[mt]);
		shprintf("\n");
	}
	return 0;
}
SHELL_CMD("pagetypeinfo", cmd_pagetypeinfo, "pagetypeinfo",
	  "free blocks per migratetype and order, pageblocks per type (/proc/pagetypeinfo)");

/* ---- buddy [ZONE] ------------------------------------------------------------------------ */

#define MAX_PAGEBLOCKS 1024 /* 4 GiB of 4 MiB pageblocks */
#define PB_PER_ROW 64

static const char mt_letter[MIGRATE_TYPES] = {'U', 'M', 'R', 'H', 'C', 'I'};

/* Per pageblock: the largest free buddy block inside it (-1: none). */
static signed char pb_free_order[MAX_PAGEBLOCKS];

static void buddy_zone(struct zone *zone)
{
	unsigned long base = ALIGN_DOWN(zone->zone_start_pfn, pageblock_nr_pages);
	unsigned long nblocks = DIV_ROUND_UP(zone_end_pfn(zone) - base, pageblock_nr_pages);
	unsigned long per_mt[MAX_ORDER][MIGRATE_TYPES], flags;
	int pcp[NR_CPUS];

	if (nblocks > MAX_PAGEBLOCKS)
		nblocks = MAX_PAGEBLOCKS;
	memset(pb_free_order, -1, sizeof(pb_free_order));
	spin_lock_irqsave(&zone->lock, flags);
	for (unsigned int o = 0; o < MAX_ORDER; o++)
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			struct list_head *l = &zone->free_area[o].free_list[mt], *pos;

			per_mt[o][mt] = 0;
			for (pos = l->next; pos != l; pos = pos->next) {
				unsigned long pfn =
					page_to_pfn(list_entry(pos, struct page, buddy_list));
				unsigned long pb = (pfn - base) >> pageblock_order;

				per_mt[o][mt]++;
				if (pb < nblocks && pb_free_order[pb] < (signed char)o)
					pb_free_order[pb] = (signed char)o;
			}
		}
	spin_unlock_irqrestore(&zone->lock, flags);
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		pcp[cpu] = per_cpu_ptr(zone->per_cpu_pageset, cpu)->count;

	shprintf("zone %s: pfns %#lx-%#lx, %lu managed pages, %lu free in the buddy lists, "
		 "per-CPU lists:", zone->name, zone->zone_start_pfn, zone_end_pfn(zone) - 1,
		 zone_managed_pages(zone), zone_page_state(zone, NR_FREE_PAGES));
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		shprintf(" cpu%u %d", cpu, pcp[cpu]);
	shprintf("\norder  blocks    pages |");
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		shprintf(" %11s", migratetype_names[mt]);
	shprintf("\n");
	for (unsigned int o = 0; o < MAX_ORDER; o++) {
		unsigned long n = 0;

		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			n += per_mt[o][mt];
		shprintf("%5u %7lu %8lu |", o, n, n << o);
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			shprintf(" %11lu", per_mt[o][mt]);
		shprintf("\n");
	}
	shprintf("pageblocks of %lu pages: type (U M R H C I, '.' not this zone's) over the largest "
		 "free block inside (0-9, A = 10: whole block free, '-' nothing free)\n",
		 pageblock_nr_pages);
	for (unsigned long row = 0; row < nblocks; row += PB_PER_ROW) {
		unsigned long end = min(row + PB_PER_ROW, nblocks);
		char types[PB_PER_ROW + 1], frees[PB_PER_ROW + 1];
		unsigned int n = 0;

		for (unsigned long pb = row; pb < end; pb++, n++) {
			unsigned long pfn = max(base + (pb << pageblock_order), zone->zone_start_pfn);
			bool mine = pfn_valid(pfn) && page_zone(pfn_to_page(pfn)) == zone;
			int fo = pb_free_order[pb];

			types[n] = mine ? mt_letter[get_pageblock_migratetype(pfn_to_page(pfn))] : '.';
			frees[n] = !mine ? '.' : fo < 0 ? '-' : fo == MAX_ORDER - 1 ? 'A' : (char)('0' + fo);
		}
		types[n] = frees[n] = '\0';
		shprintf("  pfn %#07lx  %s\n               %s\n", base + (row << pageblock_order),
			 types, frees);
	}
}

/* ---- buddy ZONE ORDER [LAST] ------------------------------------------------------------ */

#define MAX_LISTED 4096 /* blocks one `buddy ZONE ORDER` snapshot keeps (32 KiB) */

/* One free block seen on a list: where, which list, its place from the head, its mark. */
struct listed_block {
	unsigned long pfn;
	u8 order;
	u8 mt;
	u16 pos;
	s8 mark; /* buddy_order of its head if PageBuddy, else -1 */
};

static struct listed_block listed[MAX_LISTED]; /* the shell runs one command at a time */

/*
 * Every block on zone's free lists of orders first..last, head first, one line each (with a
 * note when its head page is not marked PageBuddy of that order), taken as one snapshot under
 * the zone lock (printed after it is dropped), then per order the blocks seen and
 * free_area[order].nr_free.
 */
static void buddy_lists(struct zone *zone, unsigned int first, unsigned int last)
{
	unsigned long nr_free[MAX_ORDER], seen[MAX_ORDER], n = 0, more = 0, flags;

	spin_lock_irqsave(&zone->lock, flags);
	for (unsigned int o = first; o <= last; o++) {
		nr_free[o] = zone->free_area[o].nr_free;
		seen[o] = 0;
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			struct list_head *l = &zone->free_area[o].free_list[mt], *pos;
			unsigned long i = 0;

			/* a list that does not end is mm-check's to report: stop at the zone's size */
			for (pos = l->next; pos != l && i < zone->spanned_pages; pos = pos->next, i++) {
				seen[o]++;
				if (n == MAX_LISTED) {
					more++;
					continue;
				}
				struct page *head = list_entry(pos, struct page, buddy_list);

				listed[n].pfn = page_to_pfn(head);
				listed[n].mark = PageBuddy(head) ? (s8)(buddy_order(head) & 0x7f) : -1;
				listed[n].order = (u8)o;
				listed[n].mt = (u8)mt;
				listed[n++].pos = (u16)min(i, 0xffffUL);
			}
		}
	}
	spin_unlock_irqrestore(&zone->lock, flags);

	shprintf("zone %s, free lists of order %u-%u, head first:\n", zone->name, first, last);
	shprintf("order type         pos  pfn      phys\n");
	for (unsigned long i = 0; i < n; i++) {
		shprintf("%5u %-11s %4u  %#07lx  %#010llx", listed[i].order,
			 migratetype_names[listed[i].mt], listed[i].pos, listed[i].pfn,
			 (unsigned long long)PFN_PHYS(listed[i].pfn));
		if (listed[i].mark < 0)
			shprintf("  (head not PageBuddy)");
		else if (listed[i].mark != listed[i].order)
			shprintf("  (head marked order %d)", listed[i].mark);
		shprintf("\n");
	}
	if (more)
		shprintf("(%lu more blocks not shown: at most %u are)\n", more, MAX_LISTED);
	for (unsigned int o = first; o <= last; o++)
		shprintf("order %u: %lu blocks on the lists, nr_free %lu\n", o, seen[o], nr_free[o]);
}

static int cmd_buddy(int argc, char **argv)
{
	unsigned int first = 0, last = 0;
	struct zone *zone;

	if (argc > 4)
		return shell_usage(argv[0]);
	if (!mem_map)
		return shell_error(argv[0], "no zones yet (free_area_init has not run)");
	if (argc == 1) {
		for_each_populated_zone(zone)
			buddy_zone(zone);
		return 0;
	}
	zone = zone_by_name(argv[1]);
	if (!zone)
		return shell_error(argv[0], "no populated zone '%s'", argv[1]);
	if (argc == 2) {
		buddy_zone(zone);
		return 0;
	}
	if (parse_order(argv[0], argv[2], &first))
		return -1;
	last = first;
	if (argc == 4 && parse_order(argv[0], argv[3], &last))
		return -1;
	if (last < first)
		return shell_error(argv[0], "last order %u is below the first, %u", last, first);
	buddy_lists(zone, first, last);
	return 0;
}
SHELL_CMD("buddy", cmd_buddy, "buddy [ZONE [ORDER [LAST]]]",
	  "a zone's free blocks by order and type, and each pageblock's type and largest free "
	  "block; with ORDER, every free block of orders ORDER..LAST, list by list, head first");
