/*
 * kernel/shell/cmd_cma.c - the contiguous memory areas, live: `cma`, `cma alloc`, `cma free`,
 * the `whatis` and `mm-check` hooks for CMA, and `bench cma`.
 *
 * Where it sits: after the boot pipeline. cma.c declared the areas (arm_memblock_init),
 * cma_activate.c made their pageblocks MIGRATE_CMA (core_initcall); the buddy allocator lends
 * them to movable allocations meanwhile. The shell allocates through Linux's entry points:
 *
 *   cma                     every area: base, size, order_per_bit, pages allocated by cma_alloc,
 *                           lent (in use by movable allocations), free; the bitmap as a line
 *   cma alloc AREA N [A]    cma_alloc(area, N, align order A) -> alloc_contig_range, which
 *                           migrates the movable pages out of the range (kernel/mm/migrate.c)
 *   cma free AREA ADDR N    cma_release of a range `cma alloc` gave, nothing else
 *   whatis ADDR             (SHELL_WHATIS) the area, offset, allocated by cma_alloc or not
 *   mm-check                (SHELL_MMCHECK "cma") bitmap against pages, no stray Isolate block
 *
 *   bitmap line, one character per count/64 pages:  '.' none allocated  '+' some  '#' all
 *   cma_live[]:  { area, pfn, count }   the ranges `cma alloc` handed out, until `cma free`
 */
#include <errno.h>
#include <string.h>

#include <linux/cma.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/page-isolation.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <asm/cp15.h>
#include <asm/irqflags.h>
#include <pimm/cma_shell.h>
#include <pimm/parse.h>
#include <pimm/shell.h>
#include <pimm/vsprintf.h>

#define MAX_CMA_LIVE 64
#define BITMAP_CHARS 64
#define CMA_MAX_ALIGN 12 /* align orders 0..12: up to 16 MiB */

/* One range `cma alloc` handed out. */
struct cma_live {
	unsigned int area;
	unsigned long pfn, count;
};

static struct cma_live cma_live[MAX_CMA_LIVE];
static unsigned int nr_cma_live;
static DEFINE_SPINLOCK(cma_live_lock);

/* An activated area by index or name; prints the error itself. */
static struct cma *cma_by_arg(const char *cmd, const char *arg)
{
	char *end;
	unsigned long i = (unsigned long)simple_strtoull(arg, &end, 0);
	struct cma *cma = NULL;

	if (*arg && !*end) {
		if (i < cma_area_count)
			cma = &cma_areas[i];
	} else {
		for (i = 0; i < cma_area_count; i++)
			if (!strcmp(cma_areas[i].name, arg))
				cma = &cma_areas[i];
	}
	if (!cma) {
		shell_error(cmd, "no CMA area '%s' (`cma` lists them, by index or name)", arg);
		return NULL;
	}
	if (!cma->count || !cma->bitmap) {
		shell_error(cmd, "CMA area %s is not active (its pages are ordinary memory)",
			    cma->name);
		return NULL;
	}
	return cma;
}

/* NR_FREE_CMA_PAGES of every zone (meminfo's CmaFree). */
static unsigned long global_cma_free_pages(void)
{
	struct zone *zone;
	unsigned long n = 0;

	for_each_populated_zone(zone)
		n += zone_page_state(zone, NR_FREE_CMA_PAGES);
	return n;
}

/* Pages of the area in use without a bitmap bit (lent) and free (refcount 0). */
static void cma_page_counts(struct cma *cma, unsigned long *lent, unsigned long *free)
{
	*lent = *free = 0;
	for (unsigned long pfn = cma->base_pfn; pfn < cma->base_pfn + cma->count; pfn++) {
		if (!page_ref_count(pfn_to_page(pfn)))
			(*free)++;
		else if (!cma_bit_allocated(cma, pfn))
			(*lent)++;
	}
}

/* The bitmap as one line of BITMAP_CHARS characters. */
static void cma_bitmap_line(struct cma *cma)
{
	unsigned long per = max(cma->count / BITMAP_CHARS, 1UL);
	char line[BITMAP_CHARS + 1];
	unsigned int n = 0;

	for (unsigned long p = 0; p < cma->count && n < BITMAP_CHARS; p += per) {
		unsigned long used = 0;

		for (unsigned long q = p; q < p + per && q < cma->count; q++)
			used += cma_bit_allocated(cma, cma->base_pfn + q);
		line[n++] = !used ? '.' : used == per ? '#' : '+';
	}
	line[n] = '\0';
	shprintf("    [%s]\n", line);
}

static int cma_show(void)
{
	unsigned long flags;

	shprintf("%u CMA areas, CmaTotal %lu pages, CmaFree %lu pages\n", cma_area_count,
		 totalcma_pages, global_cma_free_pages());
	shprintf("  #  name                  base        size       order_per_bit   used   lent"
		 "   free\n");
	for (unsigned int i = 0; i < cma_area_count; i++) {
		struct cma *cma = &cma_areas[i];
		phys_addr_t base = cma_get_base(cma);
		unsigned long lent, free;

		if (!cma->count || !cma->bitmap) {
			shprintf("  %u  %-20s  %pa  not active\n", i, cma->name, &base);
			continue;
		}
		cma_page_counts(cma, &lent, &free);
		shprintf("  %u  %-20s  %pa  %5lu KiB  %13u  %5lu  %5lu  %5lu\n", i, cma->name, &base,
			 cma_get_size(cma) >> 10, cma->order_per_bit, cma_used_pages(cma), lent, free);
		cma_bitmap_line(cma);
	}
	spin_lock_irqsave(&cma_live_lock, flags);
	for (unsigned int i = 0; i < nr_cma_live; i++) {
		phys_addr_t pa = PFN_PHYS(cma_live[i].pfn);

		shprintf("  allocated: %s pfn %#lx (%pa), %lu pages\n",
			 cma_areas[cma_live[i].area].name, cma_live[i].pfn, &pa, cma_live[i].count);
	}
	spin_unlock_irqrestore(&cma_live_lock, flags);
	return 0;
}

/* `cma alloc AREA PAGES [ALIGN]`. */
static int cma_cmd_alloc(const char *cmd, int argc, char **argv)
{
	unsigned long flags, before;
	struct cma *cma;
	struct page *page;
	u32 count, align = 0;
	phys_addr_t pa, last;
	bool full;

	if (argc != 3 && argc != 4)
		return shell_usage(cmd);
	cma = cma_by_arg(cmd, argv[1]);
	if (!cma || shell_parse_u32(cmd, "page count", argv[2], &count) ||
	    (argc == 4 && shell_parse_u32(cmd, "align order", argv[3], &align)))
		return -1;
	if (count == 0 || count > cma->count)
		return shell_error(cmd, "page count %u out of range 1..%lu (the size of %s)", count,
				   cma->count, cma->name);
	if (align > CMA_MAX_ALIGN)
		return shell_error(cmd, "align order %u out of range 0..%u", align, CMA_MAX_ALIGN);
	if (nr_cma_live == MAX_CMA_LIVE)
		return shell_error(cmd, "%u ranges allocated already: free some first", MAX_CMA_LIVE);
	before = __atomic_load_n(&pgmigrate_success, __ATOMIC_RELAXED);
	page = cma_alloc(cma, count, align, false);
	if (!page)
		return shell_error(cmd, "cma_alloc of %u pages from %s failed", count, cma->name);
	spin_lock_irqsave(&cma_live_lock, flags);
	full = nr_cma_live == MAX_CMA_LIVE; /* another CPU may have filled the table meanwhile */
	if (!full)
		cma_live[nr_cma_live++] = (struct cma_live){(unsigned int)(cma - cma_areas),
							   page_to_pfn(page), count};
	spin_unlock_irqrestore(&cma_live_lock, flags);
	if (full) {
		cma_release(cma, page, count);
		return shell_error(cmd, "%u ranges allocated already: free some first",
				   MAX_CMA_LIVE);
	}
	pa = page_to_phys(page);
	last = pa + ((phys_addr_t)count << PAGE_SHIFT) - 1;
	shprintf("cma_alloc(%s, %u pages, align order %u): pfn %#lx-%#lx, %pa..%pa, %lu pages "
		 "migrated\n", cma->name, count, align, page_to_pfn(page),
		 page_to_pfn(page) + count - 1, &pa, &last,
		 __atomic_load_n(&pgmigrate_success, __ATOMIC_RELAXED) - before);
	return 0;
}

/* `cma free AREA ADDR PAGES`: only a range `cma alloc` gave, exactly. */
static int cma_cmd_free(const char *cmd, int argc, char **argv)
{
	unsigned long flags, pfn;
	struct cma *cma;
	u32 addr, count;
	int found = -1;

	if (argc != 4)
		return shell_usage(cmd);
	cma = cma_by_arg(cmd, argv[1]);
	if (!cma || shell_parse_u32(cmd, "address", argv[2], &addr) ||
	    shell_parse_u32(cmd, "page count", argv[3], &count))
		return -1;
	if (addr >= PAGE_OFFSET && addr < (unsigned long)high_memory)
		addr = (u32)__pa(addr);
	if (addr & (PAGE_SIZE - 1))
		return shell_error(cmd, "%s is not page aligned", argv[2]);
	pfn = PHYS_PFN(addr);
	spin_lock_irqsave(&cma_live_lock, flags);
	for (unsigned int i = 0; i < nr_cma_live; i++)
		if (cma_live[i].pfn == pfn && &cma_areas[cma_live[i].area] == cma &&
		    cma_live[i].count == count) {
			found = (int)i;
			cma_live[i] = cma_live[--nr_cma_live];
			break;
		}
	spin_unlock_irqrestore(&cma_live_lock, flags);
	if (found < 0)
		return shell_error(cmd, "%s, %u pages is not a range `cma alloc` gave from %s",
				   argv[2], count, cma->name);
	if (!cma_release(cma, pfn_to_page(pfn), count))
		return shell_error(cmd, "cma_release refused pfn %#lx", pfn);
	shprintf("cma_release(%s, pfn %#lx, %u pages): done\n", cma->name, pfn, count);
	return 0;
}

static int cmd_cma(int argc, char **argv)
{
	if (!cma_area_count)
		return shell_error(argv[0], "no CMA areas");
	if (argc == 1)
		return cma_show();
	if (!strcmp(argv[1], "alloc"))
		return cma_cmd_alloc(argv[0], argc - 1, argv + 1);
	if (!strcmp(argv[1], "free"))
		return cma_cmd_free(argv[0], argc - 1, argv + 1);
	return shell_error(argv[0], "unknown subcommand '%s' (alloc, free)", argv[1]);
}
SHELL_CMD("cma", cmd_cma, "cma [alloc AREA PAGES [ALIGN] | free AREA ADDR PAGES]",
	  "CMA areas and bitmaps; cma_alloc (ALIGN: an order) and cma_release of a range");

/* ---- whatis, mm-check ------------------------------------------------------------------- */

/* SHELL_WHATIS: the area holding pa, its offset, and whether cma_alloc has the page. */
static void cma_whatis(u32 addr, bool virt, phys_addr_t pa, bool has_pa)
{
	(void)addr, (void)virt;
	if (!has_pa)
		return;
	for (unsigned int i = 0; i < cma_area_count; i++) {
		struct cma *cma = &cma_areas[i];
		unsigned long pfn = PHYS_PFN(pa);
		phys_addr_t off = pa - cma_get_base(cma);

		if (!cma->count || pfn < cma->base_pfn || pfn >= cma->base_pfn + cma->count)
			continue;
		shprintf("  cma: area %u %s, offset %pa of %lu KiB, %s\n", i, cma->name, &off,
			 cma_get_size(cma) >> 10,
			 !cma->bitmap ? "not active"
			 : cma_bit_allocated(cma, pfn) ? "allocated by cma_alloc"
			 : page_ref_count(pfn_to_page(pfn)) ? "not allocated by cma_alloc (lent to "
							       "a movable allocation)"
			 : "not allocated by cma_alloc (free)");
	}
}
SHELL_WHATIS(cma_whatis);

/* One area: allocated bits -> pages in use; every pageblock CMA (or Isolate while busy). */
static int cma_check_area(struct cma *cma, bool busy,
			  void (*report)(const char *fmt, ...) __printf(1, 2))
{
	int bad = 0;

	for (unsigned long pfn = cma->base_pfn; pfn < cma->base_pfn + cma->count; pfn++) {
		struct page *page = pfn_to_page(pfn);

		if (!(pfn & (pageblock_nr_pages - 1))) {
			int mt = (int)get_pageblock_migratetype(page);

			if (mt != MIGRATE_CMA && !(busy && mt == MIGRATE_ISOLATE) && bad++ < 8)
				report("%s: pageblock at pfn %#lx is %s, not CMA", cma->name, pfn,
				       migratetype_names[mt]);
		}
		if (cma_bit_allocated(cma, pfn) && (PageBuddy(page) || !page_ref_count(page)) &&
		    bad++ < 8)
			report("%s: pfn %#lx is allocated in the bitmap but free (refcount %d%s)",
			       cma->name, pfn, page_ref_count(page), PageBuddy(page) ? ", PageBuddy" : "");
	}
	return bad;
}

/* SHELL_MMCHECK "cma". */
/* Is a cma_alloc, cma_release or alloc_contig_range running (its state half done)? */
static bool cma_busy(void)
{
	return __atomic_load_n(&alloc_contig_in_progress, __ATOMIC_SEQ_CST) ||
	       __atomic_load_n(&cma_in_progress, __ATOMIC_SEQ_CST);
}

static int cma_mmcheck(void (*report)(const char *fmt, ...) __printf(1, 2), char *buf, size_t len)
{
	unsigned long used = 0, isolated = 0;
	bool busy = cma_busy();
	struct zone *zone;
	int bad = 0;

	for (unsigned int i = 0; i < cma_area_count && !busy; i++)
		if (cma_areas[i].count && cma_areas[i].bitmap) {
			bad += cma_check_area(&cma_areas[i], busy, report);
			used += cma_used_pages(&cma_areas[i]);
		}
	for_each_populated_zone(zone)
		isolated += READ_ONCE(zone->nr_isolate_pageblock);
	if (busy || cma_busy()) { /* what it found may be a half-done allocation: say so only */
		ksnprintf(buf, len, "%u areas, an allocation is running: not checked", cma_area_count);
		return 0;
	}
	if (isolated)
		bad++, report("%lu Isolate pageblocks and no alloc_contig_range running", isolated);
	ksnprintf(buf, len, "%u areas, %lu pages allocated", cma_area_count, used);
	return bad;
}
SHELL_MMCHECK("cma", cma_mmcheck);

/* ---- bench cma --------------------------------------------------------------------------- */

#define BENCH_CMA_PAGES 256 /* 1 MiB */
#define BENCH_MAX_MOVABLE 128

/* The bench's own movable pages (this CPU only, one bench at a time). */
static unsigned long bench_pfn[BENCH_MAX_MOVABLE];
static unsigned int bench_nr;

static bool bench_isolate_page(struct page *page, isolate_mode_t mode)
{
	(void)page, (void)mode;
	return true;
}

/* Copy, follow the page to dst, drop the bench's reference to src. */
static int bench_migrate_page(struct page *dst, struct page *src, enum migrate_mode mode)
{
	(void)mode;
	for (unsigned int i = 0; i < READ_ONCE(bench_nr); i++) /* src's page lock is held */
		if (READ_ONCE(bench_pfn[i]) == page_to_pfn(src))
			WRITE_ONCE(bench_pfn[i], page_to_pfn(dst));
	migrate_page_copy(dst, src);
	__SetPageMovable(dst, page_movable_ops(src));
	__ClearPageMovable(src);
	page_ref_dec(src);
	return MIGRATEPAGE_SUCCESS;
}

static void bench_putback_page(struct page *page)
{
	(void)page;
}

static const struct movable_operations bench_movable_ops = {
	.isolate_page = bench_isolate_page,
	.migrate_page = bench_migrate_page,
	.putback_page = bench_putback_page,
};

/* Ticks of one cma_alloc (+ cma_release) of 1 MiB; 0 if cma_alloc failed. */
static u64 bench_cma_pair(struct cma *cma, u64 *alloc_ticks)
{
	u64 t0 = read_cntvct(), t1;
	struct page *page = cma_alloc(cma, BENCH_CMA_PAGES, 0, true);

	t1 = read_cntvct();
	if (!page)
		return 0;
	cma_release(cma, page, BENCH_CMA_PAGES);
	*alloc_ticks = t1 - t0;
	return read_cntvct() - t0;
}

/*
 * Put n movable pages into the first 1 MiB of cma: cma_alloc it and release it (its pages
 * go to this CPU's per-CPU list of their zone), then take n movable pages, which come off
 * that list's head.
 * Returns how many landed inside.
 */
static unsigned int bench_fill_movable(struct cma *cma, unsigned int n)
{
	struct page *page = cma_alloc(cma, BENCH_CMA_PAGES, 0, true);
	struct zone *zone = page_zone(pfn_to_page(cma->base_pfn));
	struct per_cpu_pages *pcp = this_cpu_ptr(zone->per_cpu_pageset);
	unsigned int inside = 0;
	int high;

	if (!page)
		return 0;
	/* no trim while the range goes onto the list: all of it stays there (IRQs are off) */
	spin_lock(&pcp->lock);
	high = pcp->high;
	pcp->high = pcp->count + 2 * BENCH_CMA_PAGES;
	spin_unlock(&pcp->lock);
	cma_release(cma, page, BENCH_CMA_PAGES);
	spin_lock(&pcp->lock);
	pcp->high = high;
	spin_unlock(&pcp->lock);
	bench_nr = 0;
	while (bench_nr < n) {
		/* highmem allowed: with the 3G split the areas lie in HighMem */
		page = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN, 0);
		if (!page)
			break;
		/* recorded before it turns movable (page lock: release), so a migration on
		 * another CPU, which holds the page lock, finds it */
		inside += page_to_pfn(page) - cma->base_pfn < BENCH_CMA_PAGES;
		WRITE_ONCE(bench_pfn[bench_nr], page_to_pfn(page));
		WRITE_ONCE(bench_nr, bench_nr + 1);
		while (!trylock_page(page))
			continue;
		__SetPageMovable(page, &bench_movable_ops);
		unlock_page(page);
	}
	return inside;
}

/*
 * Let go of the bench's movable pages: each one's movable mark cleared under its page lock,
 * as movable_page_release in cmd_buddy.c does, so a cma_alloc on another CPU migrating it
 * either finished (bench_pfn[i] names the new page, checked again under the lock) or sees it
 * no longer movable and leaves it to us.
 */
static void bench_free_movable(void)
{
	for (unsigned int i = 0; i < bench_nr; i++) {
		struct page *page;

		for (;;) {
			page = pfn_to_page(READ_ONCE(bench_pfn[i]));
			while (!trylock_page(page))
				continue; /* a migrating CPU holds it for a moment */
			if (READ_ONCE(bench_pfn[i]) == page_to_pfn(page))
				break;
			unlock_page(page); /* it moved meanwhile: follow it */
		}
		__ClearPageMovable(page);
		unlock_page(page);
		__free_pages(page, 0);
	}
	bench_nr = 0;
}

/* See pimm/cma_shell.h. */
int cmd_bench_cma(int argc, char **argv)
{
	struct cma *cma = dma_contiguous_default_area;
	u64 t, ta = 0, t_sum = 0, ta_sum = 0;
	unsigned long flags, before;
	unsigned int inside, reps = 8;
	u32 n = 32, hz = read_cntfrq();

	if (argc > 2)
		return shell_error("bench", "usage: bench cma [N]");
	if (argc == 2 && shell_parse_u32("bench", "movable page count", argv[1], &n))
		return -1;
	if (n == 0 || n > BENCH_MAX_MOVABLE)
		return shell_error("bench", "movable page count %u out of range 1..%u", n,
				   BENCH_MAX_MOVABLE);
	if (!cma || !cma->bitmap || cma->count < BENCH_CMA_PAGES)
		return shell_error("bench", "no active default CMA area");
	local_irq_save(flags);
	bench_cma_pair(cma, &ta); /* warm up: the range's pages off the per-CPU lists */
	for (unsigned int i = 0; i < reps; i++) {
		t = bench_cma_pair(cma, &ta);
		t_sum += t;
		ta_sum += ta;
	}
	inside = bench_fill_movable(cma, n);
	before = pgmigrate_success;
	t = bench_cma_pair(cma, &ta);
	before = pgmigrate_success - before;
	bench_free_movable();
	local_irq_restore(flags);
	if (!t || !t_sum)
		return shell_error("bench", "cma_alloc of 1 MiB from %s failed", cma->name);
	shprintf("bench: cma_alloc+cma_release of 1 MiB from %s, no migration: %llu ns per pair "
		 "(cma_alloc %llu), %u pairs, timer %u Hz\n", cma->name, t_sum / reps,
		 ta_sum / reps, reps, hz);
	shprintf("bench: the same with %u movable pages inside, %lu migrated: %llu ns (cma_alloc "
		 "%llu)\n", inside, before, t, ta);
	shprintf("bench: (under tools/run --icount, 1 ns is 1 guest instruction)\n");
	return 0;
}
