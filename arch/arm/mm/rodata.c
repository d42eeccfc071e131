/*
 * arch/arm/mm/rodata.c - STRICT_KERNEL_RWX: the kernel image's final section permissions and
 * the W+X audit (Linux's fix_kernmem_perms / mark_rodata_ro in arch/arm/mm/init.c and
 * debug_checkwx). paging_init's map_kernel maps [start, __init_end) RWX because init code
 * still runs; once the last __init function has returned (start_kernel, just before the shell
 * - Linux: kernel_init before running init) mark_readonly flips single section bits:
 *
 *   PAGE_OFFSET .. _stext           NX     (swapper_pg_dir, head.S: never executed again)
 *   _stext .. __init_begin          RO     (text + rodata: read-only, executable)
 *   rodata (1 MiB aligned) .. init  NX     (empty while rodata shares text's section)
 *   __init_begin .. _sdata          NX     (init: no longer executed)
 *
 * then walks the whole table (ptdump_check_wx): "Checked W+X mappings: passed, ...".
 */
#include <linux/kernel.h>
#include <linux/printk.h>
#include <asm/pgtable.h>
#include <asm/ptdump.h>
#include <asm/sections.h>
#include <asm/tlbflush.h>

extern char __start_rodata[];

struct section_perm {
	const char *name;
	unsigned long start, end;
	pmdval_t mask, prot;
};

/* Apply (pmd & mask) | prot to the 1 MiB section holding addr. */
static void section_update(unsigned long addr, pmdval_t mask, pmdval_t prot)
{
	pmd_t *pmd = pmd_off_k(addr) + ((addr & SECTION_SIZE) ? 1 : 0);

	*pmd = (*pmd & mask) | prot;
	flush_pmd_entry(pmd);
	flush_tlb_kernel_range(addr, addr + SECTION_SIZE);
}

/* Update every section of each range; a range not on section boundaries is refused. */
static void set_section_perms(const struct section_perm *perms, int n)
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

void mark_readonly(void)
{
	fix_kernmem_perms();
	mark_rodata_ro();
}
