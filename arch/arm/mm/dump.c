/*
 * arch/arm/mm/dump.c - the whole kernel page table as Linux's debugfs kernel_page_tables
 * prints it, and the W+X audit built on the same walk (Linux's arch/arm/mm/dump.c,
 * ptdump_check_wx). Reads tables only: compiled and tested on the host too.
 *
 * The walk visits every pgd pair from VA 0; each 1 MiB section (level "PGD") or 4 KiB PTE
 * (level "PTE", from the Linux PTE) is a point. Consecutive points with the same protection
 * bits, level and domain merge into one line; a line ends at a change or a region marker:
 *
 *   ---[ Kernel Mapping ]---
 *   0x80000000-0x80100000           1M PGD KERNEL      RW NX SHD
 *   |start       |end        |size    |lvl |domain |attributes (section or PTE set)
 *
 * Ranges whose bits are all 0 (unmapped) are skipped. While merging, a range that is
 * writable and executable is counted as W+X.
 */
#include <linux/kernel.h>
#include <linux/printk.h>
#include <asm/fixmap.h>
#include <asm/ptdump.h>
#include "mm.h"

struct prot_bits {
	u32 mask, val;
	const char *set, *clear;
};

#define SECT_AP_MASK (PMD_SECT_APX | PMD_SECT_AP_READ | PMD_SECT_AP_WRITE)
static const struct prot_bits section_bits[] = {
	{SECT_AP_MASK, PMD_SECT_APX | PMD_SECT_AP_WRITE, "    ro", NULL},
	{SECT_AP_MASK, PMD_SECT_AP_WRITE, "    RW", NULL},
	{SECT_AP_MASK, PMD_SECT_AP_READ, "USR ro", NULL},
	{SECT_AP_MASK, PMD_SECT_AP_READ | PMD_SECT_AP_WRITE, "USR RW", NULL},
	{PMD_SECT_XN, PMD_SECT_XN, "NX", "x "},
	{PMD_SECT_S, PMD_SECT_S, "SHD", "   "},
};

static const struct prot_bits pte_bits[] = {
	{L_PTE_USER, L_PTE_USER, "USR", "   "},
	{L_PTE_RDONLY, L_PTE_RDONLY, "ro", "RW"},
	{L_PTE_XN, L_PTE_XN, "NX", "x "},
	{L_PTE_SHARED, L_PTE_SHARED, "SHD", "   "},
	{L_PTE_MT_MASK, L_PTE_MT_UNCACHED, "SO/UNCACHED", NULL},
	{L_PTE_MT_MASK, L_PTE_MT_BUFFERABLE, "MEM/BUFFERABLE/WC", NULL},
	{L_PTE_MT_MASK, L_PTE_MT_WRITETHROUGH, "MEM/CACHED/WT", NULL},
	{L_PTE_MT_MASK, L_PTE_MT_WRITEBACK, "MEM/CACHED/WBRA", NULL},
	{L_PTE_MT_MASK, L_PTE_MT_MINICACHE, "MEM/MINICACHE", NULL},
	{L_PTE_MT_MASK, L_PTE_MT_WRITEALLOC, "MEM/CACHED/WBWA", NULL},
	{L_PTE_MT_MASK, L_PTE_MT_DEV_SHARED, "DEV/SHARED", NULL},
	{L_PTE_MT_MASK, L_PTE_MT_DEV_NONSHARED, "DEV/NONSHARED", NULL},
	{L_PTE_MT_MASK, L_PTE_MT_DEV_WC, "DEV/WC", NULL},
	{L_PTE_MT_MASK, L_PTE_MT_DEV_CACHED, "DEV/CACHED", NULL},
};

enum { LVL_NONE, LVL_SECT, LVL_PTE };
struct pg_level {
	const char *name;
	const struct prot_bits *bits;
	unsigned int num;
	u32 mask;             /* union of the bits' masks: what "same protection" compares */
	u32 ro_mask, ro_val;  /* read-only when (prot & ro_mask) == ro_val */
	u32 nx;               /* never-executable bit */
};

static const struct pg_level pg_levels[] = {
	[LVL_SECT] = {"PGD", section_bits, ARRAY_SIZE(section_bits),
		      SECT_AP_MASK | PMD_SECT_XN | PMD_SECT_S, SECT_AP_MASK,
		      PMD_SECT_APX | PMD_SECT_AP_WRITE, PMD_SECT_XN},
	[LVL_PTE] = {"PTE", pte_bits, ARRAY_SIZE(pte_bits),
		     L_PTE_USER | L_PTE_RDONLY | L_PTE_XN | L_PTE_SHARED | L_PTE_MT_MASK,
		     L_PTE_RDONLY, L_PTE_RDONLY, L_PTE_XN},
};

struct addr_marker {
	unsigned long start;
	const char *name;
};

struct pg_state {
	int (*out)(const char *fmt, ...); /* NULL: audit only */
	const struct addr_marker *marker;
	unsigned long start;
	u32 prot;
	int level;
	const char *domain;
	unsigned long wx_pages;
	unsigned long first_wx; /* start of the first W+X range */
	bool warned;
};

static const char *domain_name(pmdval_t pmd)
{
	switch ((pmd & PMD_DOMAIN_MASK) >> PMD_DOMAIN_SHIFT) {
	case DOMAIN_KERNEL: return "KERNEL ";
	case DOMAIN_USER: return "USER   ";
	case DOMAIN_IO: return "IO     ";
	case DOMAIN_VECTORS: return "VECTORS";
	default: return "unknown";
	}
}

/* Count (and once, warn about) a finished range that is writable and executable. */
static void note_prot_wx(struct pg_state *st, unsigned long addr)
{
	const struct pg_level *l = &pg_levels[st->level];

	if ((st->prot & l->ro_mask) == l->ro_val || (st->prot & l->nx))
		return;
	if (!st->wx_pages)
		st->first_wx = st->start;
	if (!st->warned) {
		pr_warn("arm/mm: Found insecure W+X mapping at address %pS\n", (void *)st->start);
		st->warned = true;
	}
	st->wx_pages += (u32)(addr - st->start) / PAGE_SIZE; /* 32-bit VA arithmetic */
}

/* Print the finished range [st->start, addr) in Linux's format. */
static void print_range(struct pg_state *st, unsigned long addr)
{
	const struct pg_level *l = &pg_levels[st->level];
	static const char units[] = "KMGTPE";
	const char *unit = units;
	unsigned long delta = (u32)(addr - st->start) >> 10; /* the last range ends at 0 */

	while (!(delta & 1023) && unit[1]) {
		delta >>= 10;
		unit++;
	}
	st->out("0x%08lx-0x%08lx   %9lu%c %s", st->start, addr, delta, *unit, l->name);
	if (st->domain)
		st->out(" %s", st->domain);
	for (unsigned int i = 0; i < l->num; i++) {
		const char *s = (st->prot & l->bits[i].mask) == l->bits[i].val ? l->bits[i].set
									   : l->bits[i].clear;
		if (s)
			st->out(" %s", s);
	}
	st->out("\n");
}

/* One point of the walk: extend the current range or close it and start another. */
static void note_page(struct pg_state *st, unsigned long addr, int level, u32 val,
		      const char *domain)
{
	u32 prot = level ? val & pg_levels[level].mask : 0;

	if (!st->level) {
		st->level = level;
		st->prot = prot;
		st->domain = domain;
		st->start = addr;
		if (st->out)
			st->out("---[ %s ]---\n", st->marker->name);
		return;
	}
	if (prot == st->prot && level == st->level && domain == st->domain &&
	    addr < st->marker[1].start)
		return;
	if (st->prot) {
		note_prot_wx(st, addr);
		if (st->out)
			print_range(st, addr);
	}
	if (addr >= st->marker[1].start) {
		st->marker++;
		if (st->out)
			st->out("---[ %s ]---\n", st->marker->name);
	}
	st->start = addr;
	st->prot = prot;
	st->domain = domain;
	st->level = level;
}

/* The 512 Linux PTEs of a table pair. */
static void walk_pte(struct pg_state *st, pmd_t *pmdp, unsigned long start, const char *domain)
{
	pte_t *pte = pmd_page_vaddr(*pmdp);

	for (unsigned int i = 0; i < PTRS_PER_PTE; i++)
		note_page(st, start + i * PAGE_SIZE, LVL_PTE, pte[i], domain);
}

/* One pgd pair: a table, or the even section/empty entry and then an odd section. */
static void walk_pmd(struct pg_state *st, pmd_t *pmdp, unsigned long addr)
{
	const char *domain = domain_name(pmdp[0]);

	if (pmd_none(pmdp[0]) || pmd_bad(pmdp[0]))
		note_page(st, addr, LVL_SECT, pmdp[0], domain);
	else
		walk_pte(st, pmdp, addr, domain);
	if (pmd_sect(pmdp[1]))
		note_page(st, addr + SECTION_SIZE, LVL_SECT, pmdp[1], domain_name(pmdp[1]));
}

/* Walk every pgd entry of pgd; returns W+X pages. */
static unsigned long walk_pgd(struct pg_state *st, pgd_t *pgd)
{
	const struct addr_marker markers[] = {
		{MODULES_VADDR, "Modules"},
		{PAGE_OFFSET, "Kernel Mapping"},
		{VMALLOC_START, "vmalloc() Area"},
		{FDT_FIXED_BASE, "FDT Area"},
		{FIXADDR_START, "Fixmap Area"},
		{VECTORS_BASE, "Vectors"},
		{VECTORS_BASE + PAGE_SIZE * 2, "Vectors End"},
		{~0UL, NULL},
	};

	st->marker = markers;
	for (unsigned int i = 0; i < PTRS_PER_PGD; i++)
		walk_pmd(st, (pmd_t *)pgd[i], (unsigned long)i * PGDIR_SIZE);
	note_page(st, 0, LVL_NONE, 0, NULL);
	return st->wx_pages;
}

unsigned long ptdump_walk(pgd_t *pgd, int (*out)(const char *fmt, ...))
{
	struct pg_state st = {.out = out};

	return walk_pgd(&st, pgd);
}

bool ptdump_check_wx(pgd_t *pgd)
{
	struct pg_state st = {0};
	unsigned long n = walk_pgd(&st, pgd);

	if (n) {
		pr_warn("Checked W+X mappings: FAILED, %lu W+X pages found\n", n);
		return false;
	}
	pr_info("Checked W+X mappings: passed, no W+X pages found\n");
	return true;
}

unsigned long ptdump_count_wx(pgd_t *pgd, unsigned long *first)
{
	struct pg_state st = {.warned = true}; /* quiet: the caller reports */
	unsigned long n = walk_pgd(&st, pgd);

	if (n && first)
		*first = st.first_wx;
	return n;
}
