/*
 * arch/arm/mm/walk.c - the software page walk: what the MMU does for one virtual address,
 * done by hand on the kernel's tables, every field decoded. Used by the shell's `walk`, the
 * fault reports and the host tests (no coprocessor access; table memory is read through the
 * linear map, __va).
 *
 *   VA  31            20 19      12 11          0
 *      +----------------+----------+-------------+
 *      | L1 index (12)  | L2 index | page offset |      pgd index = VA >> 21 (pairs)
 *      +----------------+----------+-------------+      Linux pte index = (VA >> 12) & 511
 *
 *   Linux's PTE page holds the pair's two hardware tables side by side, so the same VA has two
 *   L2 indices: Linux's pte index (VA >> 12) & 511 counts over the pair (0..511), the MMU's
 *   index VA[19:12] counts inside its own 256-entry table (0..255).
 *
 *   L1 entry = TTBR base + 4 * (VA >> 20)
 *     ...00 fault           -> stop: section translation fault
 *     ...10 section (b18=0) -> PA = base[31:20] | VA[19:0]
 *     ...10 supersection    -> PA = base[31:24] | VA[23:0]
 *     ...01 table           -> L2 entry = table + 4 * VA[19:12]
 *                                ..00 fault -> stop: page translation fault
 *                                ..1x small -> PA = base[31:12] | VA[11:0]
 *                                01   large -> PA = base[31:16] | VA[15:0]
 */
#include <linux/kernel.h>
#include <asm/mach/map.h>
#include <asm/ptdump.h>
#include <asm/setup.h>
#include <pimm/lab.h>
#include <pimm/vsprintf.h>
#include "mm.h"

const char *tex_remap_name(unsigned int n)
{
	static const char *const inner[4] = {"NC", "WBWA", "WT", "WB"};
	static char buf[8][24];
	unsigned int tr, ir;

	n &= 7;
	tr = (PRRR_VALUE >> (2 * n)) & 3;
	ir = (NMRR_VALUE >> (2 * n)) & 3;
	if (tr == 0)
		return "strongly-ordered";
	if (tr == 1)
		return "device";
	if (tr == 3)
		return "reserved";
	ksnprintf(buf[n], sizeof(buf[n]), "normal %s", inner[ir]);
	return buf[n];
}

const char *linux_mt_name(pteval_t pte)
{
	switch (pte & L_PTE_MT_MASK) {
	case L_PTE_MT_UNCACHED: return "SO/UNCACHED";
	case L_PTE_MT_BUFFERABLE: return "MEM/BUFFERABLE/WC";
	case L_PTE_MT_WRITETHROUGH: return "MEM/CACHED/WT";
	case L_PTE_MT_WRITEBACK: return "MEM/CACHED/WBRA";
	case L_PTE_MT_MINICACHE: return "MEM/MINICACHE";
	case L_PTE_MT_WRITEALLOC: return "MEM/CACHED/WBWA";
	case L_PTE_MT_DEV_SHARED: return "DEV/SHARED";
	case L_PTE_MT_DEV_NONSHARED: return "DEV/NONSHARED";
	case L_PTE_MT_DEV_WC: return "DEV/WC";
	case L_PTE_MT_DEV_CACHED: return "DEV/CACHED";
	default: return NULL;
	}
}

const char *mem_type_of_sect(pmdval_t sect)
{
	pmdval_t bits = sect & ~(PMD_SECT_BASE_MASK | PMD_SECT_nG);

	for (unsigned int t = 0; t < MT_NR_TYPES; t++)
		if (mem_types[t].prot_sect && mem_types[t].prot_sect == bits)
			return mem_type_name(t);
	return NULL;
}

const char *mem_type_of_sect_base(pmdval_t sect)
{
	pmdval_t ign = PMD_SECT_BASE_MASK | PMD_SECT_nG | PMD_SECT_AP_MASK | PMD_SECT_XN;

	for (unsigned int t = 0; t < MT_NR_TYPES; t++)
		if (mem_types[t].prot_sect && (mem_types[t].prot_sect & ~ign) == (sect & ~ign))
			return mem_type_name(t);
	return NULL;
}

const char *mem_type_of_pte(pteval_t pte)
{
	pteval_t bits = pte & ~PAGE_MASK;

	/* MT_LOW/HIGH_VECTORS share bits with MT_MEMORY_RO-less types: first match wins */
	for (unsigned int t = 0; t < MT_NR_TYPES; t++)
		if (mem_types[t].prot_l1 && mem_types[t].prot_pte == bits)
			return mem_type_name(t);
	return NULL;
}

/*
 * The memory type of the static mapping (iotable_init's record) that covers va, when its bits
 * are still those of the descriptor; NULL otherwise. Several types share the same bits
 * (MT_MEMORY_DMA_READY and MT_MEMORY_RW pages), so the record, not the bits, names them.
 */
static const char *static_vm_type(unsigned long va, bool sect, u32 bits)
{
	const struct static_vm *vm = find_static_vm_vaddr(va);
	const struct mem_type *t = vm ? get_mem_type(vm->type) : NULL;

	if (!t || (sect ? t->prot_sect : t->prot_pte) != bits)
		return NULL;
	return mem_type_name(vm->type);
}

const char *mem_type_of_va_sect(unsigned long va, pmdval_t sect)
{
	const char *name = static_vm_type(va, true, sect & ~(PMD_SECT_BASE_MASK | PMD_SECT_nG));

	return name ? name : mem_type_of_sect(sect);
}

const char *mem_type_of_va_pte(unsigned long va, pteval_t pte)
{
	const char *name = static_vm_type(va, false, pte & ~PAGE_MASK);

	return name ? name : mem_type_of_pte(pte);
}

/*
 * APX:AP[1:0] with SCTLR.AFE = 0:  000 none   001 kernel RW   010 kernel RW, user RO
 *   011 all RW   101 kernel RO   110/111 all RO   (100 reserved)
 */
struct pt_perm pt_decode_perm(unsigned int ap, bool xn, bool pxn)
{
	/* LAB3 BEGIN */
	struct pt_perm p = {0};

	switch (ap & 7) {
	case 1: p.kr = p.kw = true; break;
	case 2: p.kr = p.kw = p.ur = true; break;
	case 3: p.kr = p.kw = p.ur = p.uw = true; break;
	case 5: p.kr = true; break;
	case 6: case 7: p.kr = p.ur = true; break;
	default: break;
	}
	p.kx = p.kr && !xn && !pxn;
	p.ux = p.ur && !xn;
	return p;
	/* LAB3 TODO
	struct pt_perm p = {0};

	lab_todo(3, "walk", "pt_decode_perm");
	// Until it is written, every mapping reads as no access at all.
	(void)ap;
	(void)xn;
	(void)pxn;
	return p;
	*/
	/* LAB3 END */
}

/* Fill the attribute fields from an L1 section descriptor (maybe unused: a lab 3 tree). */
static void __maybe_unused decode_section(struct pt_walk *w, pmdval_t d)
{
	/* LAB3 BEGIN */
	w->domain = (d & PMD_DOMAIN_MASK) >> PMD_DOMAIN_SHIFT;
	w->ap = ((d & PMD_SECT_APX) ? 4 : 0) | ((d >> 10) & 3);
	w->tex = (d & PMD_SECT_TEX_MASK) >> PMD_SECT_TEX_SHIFT;
	w->c = !!(d & PMD_SECT_C);
	w->b = !!(d & PMD_SECT_B);
	w->s = !!(d & PMD_SECT_S);
	w->ng = !!(d & PMD_SECT_nG);
	w->xn = !!(d & PMD_SECT_XN);
	w->pxn = !!(d & PMD_SECT_PXN);
	/* LAB3 TODO
	lab_todo(3, "walk", "decode_section");
	// Until it is written, a section's attributes all read as 0 (AP 0:00, no access).
	(void)w;
	(void)d;
	*/
	/* LAB3 END */
}

/* Fill the attribute fields from an L2 small/large page descriptor. */
static void __maybe_unused decode_page(struct pt_walk *w, u32 d, bool large)
{
	/* LAB3 BEGIN */
	w->ap = ((d & PTE_EXT_APX) ? 4 : 0) | ((d >> 4) & 3);
	w->tex = large ? (d >> 12) & 7 : (d & PTE_EXT_TEX_MASK) >> PTE_EXT_TEX_SHIFT;
	w->c = !!(d & PTE_CACHEABLE);
	w->b = !!(d & PTE_BUFFERABLE);
	w->s = !!(d & PTE_EXT_SHARED);
	w->ng = !!(d & PTE_EXT_NG);
	w->xn = large ? !!(d & (1 << 15)) : !!(d & PTE_EXT_XN);
	w->pxn = !!(w->pmd & PMD_PXNTABLE);
	/* LAB3 TODO
	lab_todo(3, "walk", "decode_page");
	// Until it is written, a page's attributes all read as 0 (AP 0:00, no access).
	(void)w;
	(void)d;
	(void)large;
	*/
	/* LAB3 END */
}

/* The second level: the Linux and hardware PTEs of a table entry. */
static void __maybe_unused walk_pte(struct pt_walk *w)
{
	/* LAB3 BEGIN */
	phys_addr_t table = w->pmd & PMD_TABLE_BASE_MASK;
	u32 d;

	w->domain = (w->pmd & PMD_DOMAIN_MASK) >> PMD_DOMAIN_SHIFT;
	w->pte_index = pte_index(w->va);
	w->hw_pte_index = (w->va & ~SECTION_MASK) >> PAGE_SHIFT; /* page within its MiB */
	if (table >= arm_lowmem_limit) { /* PHYS_OFFSET is 0 */
		w->kind = PT_BAD_TABLE;
		return;
	}
	/* the hardware table of this MiB is at +2048/+3072 of the PTE page; the Linux one at
	 * +0/+1024, i.e. 2048 bytes lower (only when pimm/Linux built the table) */
	w->ptep = (pte_t *)__va(table & PAGE_MASK) + w->pte_index;
	w->linux_pte = w->ptep[0];
	d = ((u32 *)__va(table))[w->hw_pte_index];
	w->hw_pte = d;
	if ((d & PTE_TYPE_MASK) == PTE_TYPE_FAULT) {
		w->kind = PT_FAULT_L2;
		return;
	}
	if ((d & PTE_TYPE_MASK) == PTE_TYPE_LARGE) {
		w->kind = PT_LARGE_PAGE;
		w->pa = (d & 0xffff0000u) | (w->va & 0xffff);
		decode_page(w, d, true);
	} else {
		w->kind = PT_PAGE;
		w->pa = (d & PTE_SMALL_BASE_MASK) | (w->va & ~PAGE_MASK);
		decode_page(w, d, false);
	}
	w->mapped = true;
	/* LAB3 TODO
	lab_todo(3, "walk", "walk_pte");
	// Until it is written, every page-table entry reads as a level-2 fault (not mapped).
	w->kind = PT_FAULT_L2;
	*/
	/* LAB3 END */
}

void pgtable_walk(pgd_t *pgd, unsigned long va, struct pt_walk *w)
{
	/* LAB3 BEGIN */
	pmdval_t d;

	*w = (struct pt_walk){0};
	w->va = va;
	w->pgd_index = pgd_index(va);
	w->l1_index = (va >> SECTION_SHIFT) & 0xfff;
	w->pmdp = &pgd_offset_pgd(pgd, va)[0][(va >> SECTION_SHIFT) & 1];
	w->pmd = d = *w->pmdp;
	switch (d & PMD_TYPE_MASK) {
	case PMD_TYPE_SECT:
		decode_section(w, d);
		if (d & PMD_SECT_SUPER) {
			w->kind = PT_SUPERSECTION;
			w->domain = 0; /* supersections are always domain 0 */
			w->pa = (d & PMD_SUPERSECT_BASE_MASK) | (va & (SUPERSECTION_SIZE - 1));
		} else {
			w->kind = PT_SECTION;
			w->pa = (d & PMD_SECT_BASE_MASK) | (va & ~SECTION_MASK);
		}
		w->mapped = true;
		break;
	case PMD_TYPE_TABLE:
		walk_pte(w);
		break;
	default:
		w->kind = PT_FAULT_L1;
		return;
	}
	if (w->mapped) {
		w->perm = pt_decode_perm(w->ap, w->xn, w->pxn);
		w->remap_index = ((w->tex & 1) << 2) | (w->c << 1) | w->b;
	}
	/* LAB3 TODO
	lab_todo(3, "walk", "pgtable_walk");
	// Until it is written, every address reads as a level-1 fault (not mapped).
	(void)pgd;
	*w = (struct pt_walk){0};
	w->va = va;
	w->kind = PT_FAULT_L1;
	*/
	/* LAB3 END */
}
