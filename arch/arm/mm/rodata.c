/*
 * arch/arm/mm/rodata.c - STRICT_KERNEL_RWX: the kernel image's final section permissions and
 * the W+X audit (Linux's fix_kernmem_perms / mark_rodata_ro in arch/arm/mm/init.c and
 * debug_checkwx). paging_init's map_kernel maps [start, __init_end) RWX because init code
 * still runs; kernel_init calls mark_readonly after the initcalls and free_initmem, as Linux's
 * kernel_init does before running init; it flips single section bits:
 *
 *   PAGE_OFFSET .. _stext           NX     (swapper_pg_dir, head.S: never executed again)
 *   _stext .. __init_begin          RO     (text + rodata: read-only, executable)
 *   rodata (1 MiB aligned) .. init  NX     (empty while rodata shares text's section)
 *   __init_begin .. _sdata          NX     (init: no longer executed)
 *
 * then walks the whole table (ptdump_check_wx): "Checked W+X mappings: passed, ...".
 *
 * pgtable_check (the shell's mm-check) verifies the result later, with the software walker.
 */
#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/printk.h>
#include <asm/memory.h>
#include <asm/pgtable.h>
#include <asm/ptdump.h>
#include <asm/sections.h>
#include <asm/setup.h>
#include <asm/tlbflush.h>
#include <pimm/lab.h>

struct section_perm {
	const char *name;
	unsigned long start, end;
	pmdval_t mask, prot;
};

/* Apply (pmd & mask) | prot to the 1 MiB section holding addr. */
static void __maybe_unused section_update(unsigned long addr, pmdval_t mask, pmdval_t prot)
{
	/* LAB4 BEGIN */
	pmd_t *pmd = pmd_off_k(addr) + ((addr & SECTION_SIZE) ? 1 : 0);

	*pmd = (*pmd & mask) | prot;
	flush_pmd_entry(pmd);
	flush_tlb_kernel_range(addr, addr + SECTION_SIZE);
	/* LAB4 TODO
	lab_todo(4, "rodata", "section_update");
	// Until it is written, no section's permissions change.
	(void)addr;
	(void)mask;
	(void)prot;
	*/
	/* LAB4 END */
}

/* Update every section of each range; a range not on section boundaries is refused. */
static void __maybe_unused set_section_perms(const struct section_perm *perms, int n)
{
	for (int i = 0; i < n; i++) {
		const struct section_perm *p = &perms[i];

		if (!IS_ALIGNED(p->start, SECTION_SIZE) || !IS_ALIGNED(p->end, SECTION_SIZE)) {
			pr_err("BUG: %s section %lx-%lx not aligned to %lx\n", p->name, p->start,
			       p->end, SECTION_SIZE);
			continue;
		}
		for (unsigned long a = p->start; a < p->end; a += SECTION_SIZE)
			section_update(a, p->mask, p->prot);
	}
}

/* LAB4 BEGIN */
/* NX on everything of the image that is not text (Linux calls this from free_initmem). */
static void fix_kernmem_perms(void)
{
	const struct section_perm nx[] = {
		{"pre-text", PAGE_OFFSET, (unsigned long)_stext, ~PMD_SECT_XN, PMD_SECT_XN},
		{"init", (unsigned long)__init_begin, (unsigned long)_sdata, ~PMD_SECT_XN,
		 PMD_SECT_XN},
		{"rodata", round_up((unsigned long)__start_rodata, SECTION_SIZE),
		 (unsigned long)__init_begin, ~PMD_SECT_XN, PMD_SECT_XN},
	};

	set_section_perms(nx, ARRAY_SIZE(nx));
}

/* Text and rodata read-only: APX with AP = 01 (kernel read-only). */
static void mark_rodata_ro(void)
{
	const struct section_perm ro[] = {
		{"text/rodata RO", (unsigned long)_stext, (unsigned long)__init_begin,
		 ~(pmdval_t)(PMD_SECT_APX | PMD_SECT_AP_WRITE | PMD_SECT_AP_READ),
		 PMD_SECT_APX | PMD_SECT_AP_WRITE},
	};

	set_section_perms(ro, ARRAY_SIZE(ro));
	ptdump_check_wx(init_mm_pgd);
}

/* LAB4 TODO
// NX on everything of the image that is not text (Linux calls this from free_initmem).
static void fix_kernmem_perms(void)
{
	lab_todo(4, "rodata", "fix_kernmem_perms");
	// Until it is written, the kernel's sections keep paging_init's permissions.
}

// Text and rodata read-only, then the W+X audit.
static void mark_rodata_ro(void)
{
	lab_todo(4, "rodata", "mark_rodata_ro");
	// Until it is written, text stays writable; the audit still runs.
	ptdump_check_wx(init_mm_pgd);
}

*/
/* LAB4 END */

void mark_readonly(void)
{
	fix_kernmem_perms();
	mark_rodata_ro();
}

/* Where the walk w of a lowmem address goes next: the end of its section or supersection, or
 * of its 1 MiB when nothing is mapped at level 1, else the next page. */
static phys_addr_t next_walk(const struct pt_walk *w, phys_addr_t pa)
{
	if (w->kind == PT_SUPERSECTION)
		return round_down(pa, SUPERSECTION_SIZE) + SUPERSECTION_SIZE;
	if (w->kind == PT_SECTION || w->kind == PT_FAULT_L1)
		return round_down(pa, SECTION_SIZE) + SECTION_SIZE;
	return pa + PAGE_SIZE;
}

/*
 * Lowmem part of memory region r: every page mapped at __va(pa) onto pa, or (NOMAP) not at
 * all. One line per offending MiB at most. Returns the violations; adds the mapped bytes.
 */
static int check_linear(const struct memblock_region *r,
			void (*report)(const char *fmt, ...) __printf(1, 2), phys_addr_t *mapped)
{
	phys_addr_t pa = r->base, end = min(r->base + r->size, arm_lowmem_limit);
	bool nomap = memblock_is_nomap(r);
	struct pt_walk w;
	int bad = 0;

	while (pa < end && pa >= r->base) { /* the second test stops a wrap at 4 GiB */
		unsigned long va = (unsigned long)__va(pa);
		phys_addr_t next;

		pgtable_walk(init_mm_pgd, va, &w);
		next = min(next_walk(&w, pa), end);
		if (nomap && w.mapped) {
			bad++, report("NOMAP PA %#010x is mapped at VA %#010lx", pa, va);
		} else if (!nomap && !w.mapped) {
			bad++, report("lowmem PA %#010x is not mapped at VA %#010lx", pa, va);
		} else if (!nomap && w.pa != pa) {
			bad++, report("VA %#010lx maps PA %#010x, not PA %#010x (not linear)", va,
				      w.pa, pa);
		} else {
			if (!nomap)
				*mapped += next - pa;
			pa = next;
			continue;
		}
		pa = round_down(pa, SECTION_SIZE) + SECTION_SIZE; /* one line per MiB */
	}
	return bad;
}

int pgtable_check(void (*report)(const char *fmt, ...) __printf(1, 2), unsigned long *lowmem_mib)
{
	unsigned long first, wx = ptdump_count_wx(init_mm_pgd, &first), va;
	struct memblock_region *r;
	phys_addr_t mapped = 0;
	struct pt_walk w;
	int bad = 0;

	/* nothing below means anything unless the walker finds the kernel's own text */
	pgtable_walk(init_mm_pgd, (unsigned long)_stext, &w);
	if (!w.mapped || w.pa != __pa(_stext)) {
		report("skipped: the software walk (pgtable_walk) does not find kernel text at %#010lx",
		       (unsigned long)_stext);
		return 1;
	}
	if (wx)
		bad++, report("%lu W+X pages, the first range at %#010lx", wx, first);
	for_each_mem_region(r)
		bad += check_linear(r, report, &mapped);
	*lowmem_mib = mapped >> 20;
	/* text and rodata: read-only for the kernel, whatever the granule */
	for (va = (unsigned long)_stext; va < (unsigned long)__init_begin; va += PAGE_SIZE) {
		pgtable_walk(init_mm_pgd, va, &w);
		if (w.mapped && !w.perm.kw) {
			if (w.kind == PT_SECTION)
				va = round_down(va, SECTION_SIZE) + SECTION_SIZE - PAGE_SIZE;
			continue;
		}
		bad++, report("kernel text VA %#010lx is %s", va, w.mapped ? "writable" : "not mapped");
		va = round_down(va, SECTION_SIZE) + SECTION_SIZE - PAGE_SIZE; /* one line per MiB */
	}
	return bad;
}
