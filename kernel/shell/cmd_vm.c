/*
 * vm.c - the kernel's page tables from the shell: `walk VA` (one address, every level decoded,
 * checked against the MMU itself), `ptdump` (Linux's kernel_page_tables), `layout` (the
 * virtual memory map) and `vmmap` (a figure of paging_init's result drawn from the live tables).
 *
 * Where it sits: after paging_init (arch/arm/mm/mmu.c) built swapper_pg_dir. The walker and
 * the dump are arch/arm/mm/walk.c and dump.c (host-tested); this file only asks the hardware
 * (ATS1CPR/ATS1CPW -> PAR) and formats.
 */
#include <string.h>
#include <linux/kernel.h>
#include <asm/cp15.h>
#include <asm/domain.h>
#include <asm/fixmap.h>
#include <asm/highmem.h>
#include <asm/io.h>
#include <asm/irqflags.h>
#include <asm/mach/map.h>
#include <asm/pgtable.h>
#include <asm/ptdump.h>
#include <asm/sections.h>
#include <asm/setup.h>
#include <asm/traps.h>
#include <pimm/shell.h>
#include <pimm/vsprintf.h>

/* ---- walk ----------------------------------------------------------------------------- */

/* Ask the MMU: ATS1CPR (write = false) or ATS1CPW for va; returns PAR. */
u32 mmu_translate(u32 va, bool write)
{
	unsigned long flags = arch_local_irq_save();
	u32 par;

	if (write)
		write_ats1cpw(va);
	else
		write_ats1cpr(va);
	isb();
	par = read_par();
	arch_local_irq_restore(flags);
	return par;
}

/* PAR.FS (short descriptors: bits 6:1 hold DFSR bits 10,3:0) as a DFSR value. */
static u32 par_to_fsr(u32 par)
{
	u32 fs = (par >> 1) & 0x1f;

	return (fs & 0xf) | ((fs & 0x10) << 6);
}

static const char *ap_text(unsigned int ap)
{
	static const char *const t[8] = {"no access", "kernel RW", "kernel RW, user RO",
					 "kernel RW, user RW", "reserved", "kernel RO",
					 "kernel RO, user RO", "kernel RO, user RO"};
	return t[ap & 7];
}

/* How this CPU's DACR treats @domain. */
static const char *dacr_text(unsigned int domain)
{
	return domain_type_name(domain_type(read_dacr(), domain));
}

static void print_attrs(const struct pt_walk *w)
{
	shprintf("    AP %u:%u%u (%s)  TEX %u%u%u C %u B %u -> remap index %u: %s\n", w->ap >> 2,
		 (w->ap >> 1) & 1, w->ap & 1, ap_text(w->ap), (w->tex >> 2) & 1, (w->tex >> 1) & 1,
		 w->tex & 1, w->c, w->b, w->remap_index, tex_remap_name(w->remap_index));
	shprintf("    S %u  nG %u  XN %u  PXN %u  domain %u (%s)\n", w->s, w->ng, w->xn, w->pxn,
		 w->domain, dacr_text(w->domain));
}

static void print_linux_pte(pteval_t p)
{
	shprintf("%s%s%s%s%s%s%s %s", p & L_PTE_PRESENT ? "P" : "-", p & L_PTE_YOUNG ? "Y" : "-",
		 p & L_PTE_DIRTY ? "D" : "-", p & L_PTE_RDONLY ? " RDONLY" : "",
		 p & L_PTE_USER ? " USER" : "", p & L_PTE_XN ? " XN" : "",
		 p & L_PTE_SHARED ? " SHARED" : "", linux_mt_name(p) ? linux_mt_name(p) : "MT?");
}

/* A section whose AP/XN bits mark_readonly changed: name the type it was mapped with. */
static const char *sect_type_changed(pmdval_t pmd)
{
	static char buf[64];
	const char *t = mem_type_of_sect_base(pmd);

	if (!t)
		return "-";
	ksnprintf(buf, sizeof(buf), "%s, AP/XN set by mark_readonly", t);
	return buf;
}

/* The L1 level: entry address and value, decoded. */
static void walk_print_l1(const struct pt_walk *w)
{
	shprintf("walk 0x%08lx: pgd index %u (pair at 0x%08lx), L1 index %u -> entry 0x%08lx\n",
		 w->va, w->pgd_index, (unsigned long)pgd_offset_k(w->va), w->l1_index,
		 (unsigned long)w->pmdp);
	switch (w->kind) {
	case PT_FAULT_L1:
		shprintf("  L1  0x%08x  fault: walk stops at level 1 (section translation fault)\n",
			 w->pmd);
		return;
	case PT_SECTION:
	case PT_SUPERSECTION:
		shprintf("  L1  0x%08x  %s  base 0x%08x  mem_type %s\n", w->pmd,
			 w->kind == PT_SECTION ? "section" : "supersection",
			 w->pmd & (w->kind == PT_SECTION ? PMD_SECT_BASE_MASK : PMD_SUPERSECT_BASE_MASK),
			 mem_type_of_va_sect(w->va, w->pmd) ? mem_type_of_va_sect(w->va, w->pmd)
							      : sect_type_changed(w->pmd));
		print_attrs(w);
		return;
	default:
		shprintf("  L1  0x%08x  page table  hw table 0x%08x  domain %u (%s)%s\n", w->pmd,
			 w->pmd & PMD_TABLE_BASE_MASK, w->domain, dacr_text(w->domain),
			 w->pmd & PMD_PXNTABLE ? "  PXN" : "");
	}
}

/*
 * The L2 level: Linux and hardware PTEs side by side, each with its own index: Linux's over
 * the pair's 512 entries, the MMU's VA[19:12] inside the 256-entry hardware table.
 */
static void walk_print_l2(const struct pt_walk *w)
{
	const char *mt = mem_type_of_va_pte(w->va, w->linux_pte);

	if (w->kind == PT_BAD_TABLE) {
		shprintf("  L2  table outside lowmem: not readable here, walk stops\n");
		return;
	}
	shprintf("  L2  pte index %u, hw index %u: Linux PTE at 0x%08lx = 0x%08x  |  "
		 "hw PTE at 0x%08lx = 0x%08x\n", w->pte_index, w->hw_pte_index,
		 (unsigned long)w->ptep, w->linux_pte, (unsigned long)(w->ptep + PTE_HWTABLE_PTRS),
		 w->hw_pte);
	shprintf("      (pte index = VA[20:12], 0..511 over the pair; hw index = VA[19:12], 0..255 "
		 "in hw table 0x%08x)\n", w->pmd & PMD_TABLE_BASE_MASK);
	shprintf("      Linux: ");
	if (!w->linux_pte) {
		shprintf("(none: pte_none, nothing mapped here)\n");
	} else {
		print_linux_pte(w->linux_pte);
		shprintf("  mem_type %s\n", mt ? mt : "-");
	}
	if (w->kind == PT_FAULT_L2) {
		shprintf("      hw: fault: walk stops at level 2 (page translation fault)\n");
		return;
	}
	shprintf("      hw: %s page  base 0x%08x\n", w->kind == PT_PAGE ? "small" : "large",
		 w->hw_pte & (w->kind == PT_PAGE ? PTE_SMALL_BASE_MASK : 0xffff0000u));
	print_attrs(w);
}

/* What the MMU says for reads and writes; flags any disagreement with the software walk. */
static int walk_check_mmu(const struct pt_walk *w)
{
	u32 r = mmu_translate(w->va, false), wr = mmu_translate(w->va, true);
	bool r_ok = !(r & 1), w_ok = !(wr & 1);
	phys_addr_t hw_pa = (r & PAGE_MASK) | (w->va & ~PAGE_MASK);
	bool dom_ok = domain_type(read_dacr(), w->domain) != DOMAIN_NOACCESS;
	bool sw_r = w->mapped && w->perm.kr && dom_ok;
	bool sw_w = w->mapped && w->perm.kw && dom_ok;
	int bad = 0;

	if (r_ok)
		shprintf("  MMU ATS1CPR: PAR 0x%08x -> PA 0x%08x", r, hw_pa);
	else
		shprintf("  MMU ATS1CPR: PAR 0x%08x -> %s", r, fsr_name(par_to_fsr(r), false));
	if (r_ok != sw_r || (r_ok && hw_pa != w->pa)) {
		shprintf("  DISAGREES with the walk\n");
		bad = 1;
	} else {
		shprintf("  (agrees)\n");
	}
	if (w_ok)
		shprintf("  MMU ATS1CPW: PAR 0x%08x -> writable", wr);
	else
		shprintf("  MMU ATS1CPW: PAR 0x%08x -> %s", wr, fsr_name(par_to_fsr(wr), false));
	shprintf(w_ok != sw_w ? "  DISAGREES with the walk\n" : "  (agrees)\n");
	return bad || w_ok != sw_w;
}

/* `walk VA N`: time N software walks with the generic timer (tools/bench reads this). */
static int walk_time(const char *cmd, u32 va, u32 n)
{
	struct pt_walk w;
	u64 t0, t;

	if (n == 0 || n > 1000000)
		return shell_error(cmd, "repeat count %u out of range 1..1000000", n);
	t0 = read_cntvct();
	for (u32 i = 0; i < n; i++)
		pgtable_walk(init_mm_pgd, va, &w);
	t = read_cntvct() - t0;
	shprintf("walk: %u walks of 0x%08x in %llu ticks of %u Hz\n", n, va, t, read_cntfrq());
	return 0;
}

static int cmd_walk(int argc, char **argv)
{
	struct pt_walk w;
	u32 va, n;

	if (argc != 2 && argc != 3)
		return shell_usage(argv[0]);
	if (shell_parse_u32(argv[0], "address", argv[1], &va))
		return -1;
	if (argc == 3)
		return shell_parse_u32(argv[0], "repeat count", argv[2], &n) ? -1
									 : walk_time(argv[0], va, n);
	pgtable_walk(init_mm_pgd, va, &w);
	walk_print_l1(&w);
	if (w.kind != PT_FAULT_L1 && w.kind != PT_SECTION && w.kind != PT_SUPERSECTION)
		walk_print_l2(&w);
	if (w.mapped)
		shprintf("  permissions: kernel %c%c%c  user %c%c%c\n  PA 0x%08x\n",
			 w.perm.kr ? 'r' : '-', w.perm.kw ? 'w' : '-', w.perm.kx ? 'x' : '-',
			 w.perm.ur ? 'r' : '-', w.perm.uw ? 'w' : '-', w.perm.ux ? 'x' : '-', w.pa);
	else
		shprintf("  not mapped\n");
	walk_check_mmu(&w);
	return 0;
}
SHELL_CMD("walk", cmd_walk, "walk VA [N]",
	  "page-walk a virtual address: every level decoded, PA, the MMU's answer (N: time N walks)");

/* ---- ptdump, layout -------------------------------------------------------------------- */

static int cmd_ptdump(int argc, char **argv)
{
	if (argc != 1)
		return shell_usage(argv[0]);
	ptdump_walk(init_mm_pgd, shprintf);
	return 0;
}
SHELL_CMD("ptdump", cmd_ptdump, "ptdump",
	  "the kernel page tables (Linux's debugfs kernel_page_tables format)");

static int cmd_layout(int argc, char **argv)
{
	static char buf[1024];

	if (argc != 1)
		return shell_usage(argv[0]);
	vm_layout_format(buf, sizeof(buf));
	for (char *line = buf, *nl; *line; line = nl + 1) { /* shprintf has a line-sized buffer */
		nl = strchr(line, '\n');
		*nl = 0;
		shprintf("%s\n", line);
	}
	shprintf("    user    : 0x%08x - 0x%08lx   TASK_SIZE\n"
		 "    PAGE_OFFSET 0x%08x, high_memory 0x%08lx, lowmem limit PA 0x%08x\n"
		 "    FDT     : 0x%08lx - 0x%08lx   (DTB read-only)\n"
		 "    stubs   : 0x%08lx - 0x%08lx\n",
		 0, TASK_SIZE, PAGE_OFFSET, (unsigned long)high_memory, arm_lowmem_limit,
		 (unsigned long)FDT_FIXED_BASE, (unsigned long)FDT_FIXED_BASE + FDT_FIXED_SIZE,
		 VECTORS_BASE + PAGE_SIZE, VECTORS_BASE + 2 * PAGE_SIZE);
	shprintf("static mappings (iotable_init):\n");
	for (const struct static_vm *vm = static_vmlist; vm; vm = vm->next)
		if (vm->type == STATIC_VM_EMPTY) /* fill_pmd_gaps: reserved, nothing mapped */
			shprintf("    0x%08lx-0x%08lx %8lu  reserved gap (%s: no phys, no type)\n",
				 vm->addr, vm->addr + vm->size, vm->size,
				 vm->caller ? vm->caller : "vm_reserve_area_early");
		else
			shprintf("    0x%08lx-0x%08lx %8lu  phys=0x%08x %s\n", vm->addr,
				 vm->addr + vm->size, vm->size, vm->phys, mem_type_name(vm->type));
	return 0;
}
SHELL_CMD("layout", cmd_layout, "layout", "the kernel's virtual memory layout (old Linux mem_init block)");

/* ---- vmmap ----------------------------------------------------------------------------- */

struct vm_run {
	unsigned long va, end;
	phys_addr_t pa;
	const char *label;
	bool pages;
};

/* What a mapping at va is, in the `vmmap` figure's words. */
static const char *vm_label(unsigned long va, const struct pt_walk *w)
{
	switch (kernel_va_area(va)) {
	case VA_VECTORS:
		return "vectors";
	case VA_STUBS:
		return "stubs";
	case VA_FIXMAP:
		return "fixmap";
	case VA_DTB:
		return "DTB";
	case VA_VMALLOC:
		return "IO"; /* only the static I/O map lives there so far */
	case VA_LOWMEM:
		if (va < round_up((unsigned long)_end, SECTION_SIZE))
			return va < (unsigned long)_etext && w->perm.kx ? "kernel-x" : "kernel-nx";
		return w->kind == PT_PAGE ? "DMA/CMA" : "lowmem";
	default:
		return "other";
	}
}

/* Collect contiguous runs (VA and PA consecutive, same label) from the live tables. */
static int vm_runs(struct vm_run *runs, int max)
{
	int n = 0;
	unsigned long va = 0;

	do {
		struct pt_walk w;
		unsigned long step;
		const char *label;

		pgtable_walk(init_mm_pgd, va, &w);
		step = (w.kind == PT_PAGE || w.kind == PT_FAULT_L2) ? PAGE_SIZE : SECTION_SIZE;
		if (w.mapped) {
			label = vm_label(va, &w);
			if (n && runs[n - 1].end == va && runs[n - 1].label == label &&
			    runs[n - 1].pa + (va - runs[n - 1].va) == w.pa) {
				runs[n - 1].end = va + step;
			} else if (n < max) {
				runs[n++] = (struct vm_run){va, va + step, w.pa, label, step == PAGE_SIZE};
			}
		}
		va += step;
	} while (va != 0);
	return n;
}

static int cmd_vmmap(int argc, char **argv)
{
	static struct vm_run runs[64];
	int n;

	if (argc != 1)
		return shell_usage(argv[0]);
	n = vm_runs(runs, ARRAY_SIZE(runs));
	shprintf("vmmap: the live kernel page tables, after paging_init and mark_rodata_ro "
		 "(kernel text RO+X, the rest NX)\n\n");
	shprintf("    physical                                        virtual\n"
		 "    address                                         address\n\n");
	for (int i = 0; i < n; i++) {
		const struct vm_run *r = &runs[i];

		shprintf("  0x%08x  +--------------+                +--------------+  0x%08lx\n",
			 r->pa, r->va);
		shprintf("              | %-12s | <------------> | %-12s |  %s\n", r->label, r->label,
			 r->pages ? "4K pages" : "1M sections");
		shprintf("  0x%08x  +--------------+                +--------------+  0x%08lx\n\n",
			 (u32)(r->pa + (r->end - r->va)), r->end);
	}
	return 0;
}
SHELL_CMD("vmmap", cmd_vmmap, "vmmap",
	  "physical-to-virtual figure of every kernel mapping, drawn from the live tables");
