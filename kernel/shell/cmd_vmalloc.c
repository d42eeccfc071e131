/*
 * kernel/shell/cmd_vmalloc.c - the vmalloc range from the shell: `vmalloc`, `vfree`,
 * `vmallocinfo`, `ioremap`, `iounmap`, `dma`, the vmalloc parts of `torture` and `bench`,
 * the `whatis` owner line and the `mm-check` stage "vmalloc".
 *
 * Where it sits: the shell, after mm_init's vmalloc_init (kernel/mm/vmalloc.c) and the
 * device_initcall that gave the DMA-coherent pools their devices (kernel/dma/coherent.c).
 * Linux's counterparts: /proc/vmallocinfo (mm/vmalloc.c s_show), a driver calling
 * vmalloc/ioremap/dma_alloc_coherent.
 *
 *   vmalloc SIZE [zero]      vmalloc / vzalloc; the area is remembered in shell_areas[]
 *   vfree ADDR               only an address `vmalloc` returned and not yet freed
 *   ioremap PHYS SIZE        ioremap (MT_DEVICE); mapped RAM refused before Linux's WARN_ON
 *   iounmap VA               only an address `ioremap` returned
 *   dma [alloc|free] ...     the DMA devices (a no-map pool's bitmap, a CMA area's use),
 *                            dma_alloc_coherent, dma_free_coherent on one of them
 *   vmallocinfo              every busy area, /proc/vmallocinfo's format, raw addresses
 *   torture vmalloc N [SEED] every online CPU at once: seeded random vmalloc/vzalloc/vfree of
 *                            random sizes, every page stamped at both ends and checked before
 *                            vfree; one area in eight is handed to the next CPU, which checks
 *                            it through its own TLB and vfrees it; CPU 0 runs the vmalloc
 *                            mm-check 8 times meanwhile; the busy list must end as it began
 *
 *   shell_areas[]: { kind, va, size/phys, dev }  what these commands made and may undo
 */
#include <stdarg.h>
#include <string.h>

#include <linux/cma.h>
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <asm/arch_timer.h>
#include <asm/io.h>
#include <asm/irqflags.h>
#include <asm/mach/map.h>
#include <asm/setup.h>
#include <asm/pgtable.h>
#include <asm/smp.h>
#include <asm/vmalloc.h>
#include <pimm/cmd_vmalloc.h>
#include <pimm/kallsyms.h>
#include <pimm/shell.h>
#include <pimm/torture.h>
#include <pimm/vsprintf.h>

#define SHELL_AREAS 64

enum shell_kind { SH_NONE, SH_VMALLOC, SH_IOREMAP, SH_DMA };

/* One thing a command made: a vmalloc area, an ioremap, a coherent buffer. */
struct shell_area {
	enum shell_kind kind;
	unsigned long va;
	unsigned long size;
	phys_addr_t phys;
	struct device *dev;
};

static struct shell_area shell_areas[SHELL_AREAS];
static DEFINE_SPINLOCK(shell_areas_lock);

/* Remember what a command made; false when the table is full (the caller undoes it). */
static bool shell_area_add(enum shell_kind kind, unsigned long va, unsigned long size,
			   phys_addr_t phys, struct device *dev)
{
	unsigned long flags;
	bool ok = false;

	spin_lock_irqsave(&shell_areas_lock, flags);
	for (int i = 0; i < SHELL_AREAS && !ok; i++)
		if (shell_areas[i].kind == SH_NONE) {
			shell_areas[i] = (struct shell_area){kind, va, size, phys, dev};
			ok = true;
		}
	spin_unlock_irqrestore(&shell_areas_lock, flags);
	return ok;
}

/* Take the record of kind at va (and dev, for SH_DMA) out of the table into *out. */
static bool shell_area_take(enum shell_kind kind, unsigned long va, struct device *dev,
			    struct shell_area *out)
{
	unsigned long flags;
	bool found = false;

	spin_lock_irqsave(&shell_areas_lock, flags);
	for (int i = 0; i < SHELL_AREAS && !found; i++) {
		struct shell_area *a = &shell_areas[i];

		if (a->kind == kind && a->va == va && (kind != SH_DMA || a->dev == dev)) {
			*out = *a;
			a->kind = SH_NONE;
			found = true;
		}
	}
	spin_unlock_irqrestore(&shell_areas_lock, flags);
	return found;
}

/* ---- printing an area ------------------------------------------------------------------- */

/* " caller" as %pS: the return address, or the static record's named function. */
int vmalloc_caller_format(char *buf, size_t len, const struct vm_struct *vm)
{
	unsigned long addr = (unsigned long)vm->caller;

	if (!addr && vm->caller_name)
		addr = kallsyms_lookup_name(vm->caller_name);
	if (addr)
		return ksnprintf(buf, len, " %pS", (void *)addr);
	if (vm->caller_name)
		return ksnprintf(buf, len, " %s", vm->caller_name);
	return ksnprintf(buf, len, "%s", "");
}

/* The flag words of /proc/vmallocinfo, in s_show's order. */
void vmalloc_flags_format(char *buf, size_t len, const struct vm_struct *vm)
{
	ksnprintf(buf, len, "%s%s%s%s%s%s", (vm->flags & VM_IOREMAP) ? " ioremap" : "",
		  (vm->flags & VM_ALLOC) ? " vmalloc" : "", (vm->flags & VM_MAP) ? " vmap" : "",
		  (vm->flags & VM_USERMAP) ? " user" : "",
		  (vm->flags & VM_DMA_COHERENT) ? " dma-coherent" : "",
		  (vm->pages && is_vmalloc_addr(vm->pages)) ? " vpages" : "");
}

/*
 * One /proc/vmallocinfo line (mm/vmalloc.c s_show). An area without vm (being freed right
 * now: pimm purges eagerly, so there is no lazy list for "unpurged vm_area" lines) is printed
 * in its place as 6.1 prints one: "vm_map_ram".
 */
static void vmallocinfo_line(const struct vmap_area *va, void *arg)
{
	const struct vm_struct *vm = va->vm;
	char caller[KSYM_SYMBOL_LEN + 2], flags[64];

	(void)arg;
	if (!vm) {
		shprintf("0x%pK-0x%pK %7ld vm_map_ram\n", (void *)va->va_start, (void *)va->va_end,
			 (long)(va->va_end - va->va_start));
		return;
	}
	vmalloc_caller_format(caller, sizeof(caller), vm);
	vmalloc_flags_format(flags, sizeof(flags), vm);
	shprintf("0x%pK-0x%pK %7ld%s", vm->addr, (char *)vm->addr + vm->size, (long)vm->size,
		 caller);
	if (vm->nr_pages)
		shprintf(" pages=%d", vm->nr_pages);
	if (vm->phys_addr)
		shprintf(" phys=%pa", &vm->phys_addr);
	shprintf("%s\n", flags);
}

static int cmd_vmallocinfo(int argc, char **argv)
{
	if (argc != 1)
		return shell_usage(argv[0]);
	vmalloc_for_each_area(vmallocinfo_line, NULL);
	return 0;
}
SHELL_CMD("vmallocinfo", cmd_vmallocinfo, "vmallocinfo",
	  "the busy vmap areas in /proc/vmallocinfo's format (caller, pages=, phys=, flags)");

/* ---- vmalloc / vfree -------------------------------------------------------------------- */

static int cmd_vmalloc(int argc, char **argv)
{
	bool zero = argc == 3 && !strcmp(argv[2], "zero");
	struct vm_struct *vm;
	u32 size;
	void *p;

	if (argc != 2 && !(argc == 3 && zero)) {
		if (argc == 3)
			return shell_error(argv[0], "unknown option '%s' (only: zero)", argv[2]);
		return shell_usage(argv[0]);
	}
	if (shell_parse_u32(argv[0], "size", argv[1], &size))
		return -1;
	if (!size || PAGE_ALIGN(size) < size || (PAGE_ALIGN(size) >> PAGE_SHIFT) > totalram_pages())
		return shell_error(argv[0], "size %#x out of range 1..%#lx", size,
				   totalram_pages() << PAGE_SHIFT);
	p = zero ? vzalloc(size) : vmalloc(size);
	if (!p)
		return shell_error(argv[0], "no room for %#x bytes", size);
	if (!shell_area_add(SH_VMALLOC, (unsigned long)p, size, 0, NULL)) {
		vfree(p);
		return shell_error(argv[0], "the shell already holds %d areas: vfree one", SHELL_AREAS);
	}
	vm = find_vm_area(p);
	shprintf("vmalloc: 0x%08lx, %u bytes%s: %u pages + guard page, area 0x%08lx-0x%08lx\n",
		 (unsigned long)p, size, zero ? " (zeroed)" : "", vm->nr_pages,
		 (unsigned long)vm->addr, (unsigned long)vm->addr + vm->size);
	for (unsigned int i = 0; i < vm->nr_pages && i < 8; i++)
		shprintf("  page %u: 0x%08lx -> PA 0x%08lx%s\n", i, (unsigned long)p + i * PAGE_SIZE,
			 (unsigned long)page_to_phys(vm->pages[i]),
			 PageHighMem(vm->pages[i]) ? " (HighMem)" : "");
	if (vm->nr_pages > 8)
		shprintf("  ... %u more pages\n", vm->nr_pages - 8);
	return 0;
}
SHELL_CMD("vmalloc", cmd_vmalloc, "vmalloc SIZE [zero]",
	  "vmalloc (vzalloc with zero): scattered pages mapped contiguously, with a guard page");

static int cmd_vfree(int argc, char **argv)
{
	struct shell_area a;
	struct vmap_area *va;
	u32 addr;

	if (argc != 2)
		return shell_usage(argv[0]);
	if (shell_parse_u32(argv[0], "address", argv[1], &addr))
		return -1;
	if (!shell_area_take(SH_VMALLOC, addr, NULL, &a)) {
		va = find_vmap_area(addr);
		if (!va)
			return shell_error(argv[0], "0x%08x is in no vmap area", addr);
		if (va->va_start != addr)
			return shell_error(argv[0], "0x%08x is inside the area 0x%08lx-0x%08lx, not its "
					   "start", addr, va->va_start, va->va_end);
		return shell_error(argv[0], "0x%08x is not an area `vmalloc` made", addr);
	}
	vfree((void *)a.va);
	shprintf("vfree: 0x%08lx (%lu bytes) unmapped and freed\n", a.va, a.size);
	return 0;
}
SHELL_CMD("vfree", cmd_vfree, "vfree ADDR", "vfree an area `vmalloc` made: unmap, flush, free");

/* ---- ioremap / iounmap ------------------------------------------------------------------ */

static int cmd_ioremap(int argc, char **argv)
{
	struct vm_struct *vm;
	u32 phys, size;
	void *va;

	if (argc != 3)
		return shell_usage(argv[0]);
	if (shell_parse_u32(argv[0], "physical address", argv[1], &phys) ||
	    shell_parse_u32(argv[0], "size", argv[2], &size))
		return -1;
	if (!size || phys + size - 1 < phys)
		return shell_error(argv[0], "size %#x out of range for 0x%08x", size, phys);
	if (memblock_is_map_memory(phys & PAGE_MASK))
		return shell_error(argv[0], "0x%08x is RAM with a linear mapping: Linux refuses a "
				   "second mapping with device attributes", phys);
	va = ioremap(phys, size);
	if (!va)
		return shell_error(argv[0], "no room for %#x bytes", size);
	if (!shell_area_add(SH_IOREMAP, (unsigned long)va, size, phys, NULL)) {
		iounmap(va);
		return shell_error(argv[0], "the shell already holds %d areas: iounmap one",
				   SHELL_AREAS);
	}
	vm = find_vm_area(va);
	if (vm && (vm->flags & VM_ARM_STATIC_MAPPING))
		shprintf("ioremap: PA 0x%08x +%#x -> 0x%08lx: inside the static mapping "
			 "0x%08lx-0x%08lx, reused\n", phys, size, (unsigned long)va,
			 (unsigned long)vm->addr, (unsigned long)vm->addr + vm->size);
	else if (vm)
		shprintf("ioremap: PA 0x%08x +%#x -> 0x%08lx: area 0x%08lx-0x%08lx (%lu bytes with the "
			 "guard page), MT_DEVICE 4 KiB pages\n", phys, size, (unsigned long)va,
			 (unsigned long)vm->addr, (unsigned long)vm->addr + vm->size, vm->size);
	return 0;
}
SHELL_CMD("ioremap", cmd_ioremap, "ioremap PHYS SIZE",
	  "map device memory (not mapped RAM) into the vmalloc range, or reuse a static mapping");

static int cmd_iounmap(int argc, char **argv)
{
	struct shell_area a;
	u32 va;

	if (argc != 2)
		return shell_usage(argv[0]);
	if (shell_parse_u32(argv[0], "address", argv[1], &va))
		return -1;
	if (!shell_area_take(SH_IOREMAP, va, NULL, &a))
		return shell_error(argv[0], "0x%08x is not an address `ioremap` returned", va);
	iounmap((void *)a.va);
	shprintf("iounmap: 0x%08lx (PA 0x%08x) %s\n", a.va, (unsigned int)a.phys,
		 find_static_vm_vaddr(a.va) ? "was a static mapping: left in place"
					      : "unmapped");
	return 0;
}
SHELL_CMD("iounmap", cmd_iounmap, "iounmap VA", "undo an `ioremap`");

/* ---- dma -------------------------------------------------------------------------------- */

/* A no-map pool: where it is, its mapping, and its bitmap one character per page. */
static void dma_show_pool(struct device *dev)
{
	struct dma_coherent_mem *mem = dev->dma_mem;
	int used = 0;

	for (int i = 0; i < mem->size; i++)
		used += !!(mem->bitmap[i / (8 * sizeof(long))] & (1UL << (i % (8 * sizeof(long)))));
	shprintf("dma: device %s: coherent pool PA 0x%08lx-0x%08lx (%d pages) at 0x%08lx "
		 "(ioremap_wc), %d used, %d free\n", dev_name(dev), mem->pfn_base << PAGE_SHIFT,
		 (mem->pfn_base + mem->size) << PAGE_SHIFT, mem->size,
		 (unsigned long)mem->virt_base, used, mem->size - used);
	for (int i = 0; i < mem->size; i++) {
		bool on = mem->bitmap[i / (8 * sizeof(long))] & (1UL << (i % (8 * sizeof(long))));

		if (i % 64 == 0)
			shprintf("  %4d ", i);
		shprintf("%c", on ? '#' : '.');
		if (i % 64 == 63 || i == mem->size - 1)
			shprintf("\n");
	}
}

/* A reusable pool: its CMA area and how much of it cma_alloc has handed out. */
static void dma_show_cma(struct device *dev)
{
	struct cma *cma = dev_get_cma_area(dev);
	unsigned long used = cma_used_pages(cma);
	phys_addr_t base = cma_get_base(cma);

	shprintf("dma: device %s: CMA area %s PA 0x%08lx-0x%08lx (%lu pages, %s), %lu used, "
		 "%lu free\n", dev_name(dev), cma_get_name(cma), (unsigned long)base,
		 (unsigned long)(base + cma_get_size(cma)), cma->count,
		 base + cma_get_size(cma) <= arm_lowmem_limit ? "lowmem: linear map remapped"
							       : "HighMem: vmap", used,
		 cma->count - used);
}

/* The largest dma alloc dev can take: its pool, or its CMA area. */
static u32 dma_max_size(struct device *dev)
{
	if (dev->dma_mem)
		return (u32)dev->dma_mem->size << PAGE_SHIFT;
	return dev_get_cma_area(dev) ? (u32)cma_get_size(dev_get_cma_area(dev)) : 0;
}

static int dma_alloc_cmd(struct device *dev, const char *cmd, const char *arg)
{
	u32 size, max = dma_max_size(dev);
	dma_addr_t handle;
	void *p;

	if (shell_parse_u32(cmd, "size", arg, &size))
		return -1;
	if (!size || size > max)
		return shell_error(cmd, "size %#x out of range 1..%#x", size, max);
	p = dma_alloc_coherent(dev, size, &handle, GFP_KERNEL);
	if (!p)
		return shell_error(cmd, "no free run of %#x bytes in %s", size, dev_name(dev));
	if (!shell_area_add(SH_DMA, (unsigned long)p, size, handle, dev)) {
		dma_free_coherent(dev, size, p, handle);
		return shell_error(cmd, "the shell already holds %d areas: free one", SHELL_AREAS);
	}
	shprintf("dma: 0x%08lx, dma handle 0x%08x, %u bytes from %s (%s)\n", (unsigned long)p,
		 (unsigned int)handle, size, dev_name(dev),
		 dev->dma_mem ? "coherent pool" : "CMA area");
	return 0;
}

static int dma_free_cmd(struct device *dev, const char *cmd, const char *arg)
{
	struct shell_area a;
	u32 addr;

	if (shell_parse_u32(cmd, "address", arg, &addr))
		return -1;
	if (!shell_area_take(SH_DMA, addr, dev, &a))
		return shell_error(cmd, "0x%08x is not a buffer `dma alloc` took from %s", addr,
				   dev_name(dev));
	dma_free_coherent(dev, a.size, (void *)a.va, a.phys);
	shprintf("dma: 0x%08lx (%lu bytes) back to %s\n", a.va, a.size, dev_name(dev));
	return 0;
}

static int cmd_dma(int argc, char **argv)
{
	struct device *dev;

	if (argc == 1) {
		if (!dma_device_get(0))
			shprintf("dma: no DMA devices\n");
		for (int i = 0; (dev = dma_device_get(i)); i++)
			dev->dma_mem ? dma_show_pool(dev) : dma_show_cma(dev);
		return 0;
	}
	if (argc != 4 || (strcmp(argv[1], "alloc") && strcmp(argv[1], "free")))
		return shell_usage(argv[0]);
	dev = dma_device_find(argv[2]);
	if (!dev)
		return shell_error(argv[0], "no DMA device '%s'", argv[2]);
	if (!strcmp(argv[1], "alloc"))
		return dma_alloc_cmd(dev, argv[0], argv[3]);
	return dma_free_cmd(dev, argv[0], argv[3]);
}
SHELL_CMD("dma", cmd_dma, "dma [alloc DEV SIZE | free DEV ADDR]",
	  "the DMA devices (coherent pools, CMA areas), dma_alloc_coherent / dma_free_coherent");

/* ---- whatis, mm-check ------------------------------------------------------------------- */

/* "  vmalloc: area ... caller ..., page i -> PA" for an address inside a busy area. */
static void whatis_area(u32 addr, const struct vmap_area *va)
{
	const struct vm_struct *vm = va->vm;
	char caller[KSYM_SYMBOL_LEN + 2], flags[64];
	unsigned long i = (addr - va->va_start) >> PAGE_SHIFT;
	u32 pte = arch_vmap_get_pte(addr);

	if (!vm) {
		shprintf("  vmalloc: area 0x%08lx-0x%08lx being freed\n", va->va_start, va->va_end);
		return;
	}
	vmalloc_caller_format(caller, sizeof(caller), vm);
	vmalloc_flags_format(flags, sizeof(flags), vm);
	shprintf("  vmalloc: area 0x%08lx-0x%08lx caller%s,%s%s\n", va->va_start, va->va_end,
		 caller, flags, (vm->flags & VM_ARM_STATIC_MAPPING) ? " (static mapping)" :
		 (vm->flags & VM_ARM_EMPTY_MAPPING) ? " (reserved pmd gap, nothing mapped)" : "");
	if (vm->flags & (VM_ARM_STATIC_MAPPING | VM_ARM_EMPTY_MAPPING))
		return;
	if (!(vm->flags & VM_NO_GUARD) && addr >= va->va_end - PAGE_SIZE)
		shprintf("  vmalloc: guard page (never mapped)\n");
	else if (pte)
		shprintf("  vmalloc: page %lu of %lu -> PA 0x%08lx\n", i,
			 (va->va_end - va->va_start) / PAGE_SIZE - 1,
			 (unsigned long)(pte_pfn(pte) << PAGE_SHIFT) | (addr & ~PAGE_MASK));
	else
		shprintf("  vmalloc: page %lu not mapped yet\n", i);
}

static void whatis_vmalloc(u32 addr, bool virt, phys_addr_t pa, bool has_pa)
{
	unsigned long start, end;
	struct vmap_area *va;

	(void)pa;
	(void)has_pa;
	if (!virt)
		return;
	va = find_vmap_area(addr);
	if (va)
		whatis_area(addr, va);
	else if (is_vmalloc_addr((void *)addr) && vmalloc_free_range(addr, &start, &end))
		shprintf("  vmalloc: free vmalloc space 0x%08lx-0x%08lx\n",
			 max(start, (unsigned long)VMALLOC_START), min(end, (unsigned long)VMALLOC_END));
}
SHELL_WHATIS(whatis_vmalloc);

static int mmcheck_vmalloc(void (*report)(const char *fmt, ...) __printf(1, 2), char *buf,
			   size_t len)
{
	unsigned long busy, nfree, bytes;
	int bad = vmalloc_check(report, &busy, &nfree);

	vmalloc_counts(&busy, &nfree, &bytes);
	ksnprintf(buf, len, "%lu busy areas, %lu free ranges, %lu KiB of vmalloc space free", busy,
		  nfree, bytes >> 10);
	return bad;
}
SHELL_MMCHECK("vmalloc", mmcheck_vmalloc);

/* ---- torture vmalloc -------------------------------------------------------------------- */

#define VT_LIVE 16            /* live areas per CPU */
#define VT_MAX_OPS 1000000
#define VT_STAMP 0x766d616cu  /* "vmal", xor the address: written into every page */

/* A size: mostly 1-4 pages, sometimes up to 64 pages, rarely up to 1 MiB; not page-rounded. */
static unsigned long vt_size(struct torture_cpu *t)
{
	u32 r = torture_rand(t) % 100;

	if (r < 70)
		return 1 + torture_rand(t) % (4 * PAGE_SIZE);
	if (r < 97)
		return 1 + torture_rand(t) % (64 * PAGE_SIZE);
	return 1 + torture_rand(t) % SZ_1M;
}

/* vmalloc or vzalloc; every page's first and last word checked (zeroed if asked), then stamped. */
static bool vt_alloc(struct torture_cpu *t, struct torture_item *it)
{
	unsigned long size = vt_size(t), words = PAGE_SIZE / 4;
	bool zero = torture_rand(t) & 1;
	u32 *p = zero ? vzalloc(size) : vmalloc(size);

	if (!p)
		return false;
	for (unsigned long off = 0; off < size; off += PAGE_SIZE) {
		u32 *w = p + off / 4;

		if (zero && (w[0] || w[words - 1]))
			torture_bad(t, "area 0x%08lx: vzalloc page not zeroed", (unsigned long)p);
		w[0] = VT_STAMP ^ (unsigned long)w;
		w[words - 1] = ~(VT_STAMP ^ (unsigned long)w);
	}
	*it = (struct torture_item){.p = p, .size = size, .zero = zero};
	return true;
}

/* The stamps intact (nobody else mapped over it; this CPU sees its pages), then vfree. */
static void vt_free(struct torture_cpu *t, const struct torture_item *it)
{
	unsigned long words = PAGE_SIZE / 4;

	for (unsigned long off = 0; off < it->size; off += PAGE_SIZE) {
		u32 *w = (u32 *)it->p + off / 4;

		if (w[0] != (VT_STAMP ^ (unsigned long)w) ||
		    w[words - 1] != ~(VT_STAMP ^ (unsigned long)w)) {
			torture_bad(t, "area 0x%08lx: stamp overwritten: page mapped twice?",
				    (unsigned long)it->p);
			break;
		}
	}
	vfree(it->p);
}

/* vmalloc_check for the run's concurrent checks. */
static int vt_check(torture_report_fn report)
{
	unsigned long busy, nfree;

	return vmalloc_check(report, &busy, &nfree);
}

static const struct torture_ops vmalloc_torture = {
	.name = "torture",
	.live = VT_LIVE,
	.alloc = vt_alloc,
	.free = vt_free,
	.check = vt_check,
};

/* A fingerprint of the busy list: count and a hash of the ranges. */
static void vt_fingerprint_one(const struct vmap_area *va, void *arg)
{
	unsigned long *f = arg;

	f[0]++;
	f[1] = f[1] * 31 + va->va_start;
	f[2] = f[2] * 37 + va->va_end;
}

int cmd_torture_vmalloc(int argc, char **argv)
{
	unsigned long before[3] = {0}, after[3] = {0}, bad;
	struct torture_result res;
	u32 n, seed;
	int pre, post;

	if (torture_parse_args(argc, argv, "torture vmalloc N [SEED]", VT_MAX_OPS, &n, &seed))
		return -1;
	pre = vt_check(torture_report);
	vmalloc_for_each_area(vt_fingerprint_one, before);
	torture_run(&vmalloc_torture, n, seed, &res);
	post = vt_check(torture_report);
	vmalloc_for_each_area(vt_fingerprint_one, after);
	shprintf("torture: vmalloc: %u operations on %u CPUs, seed %u\n", n, num_online_cpus(), seed);
	torture_print_cpus(&vmalloc_torture, "vmallocs", "vfrees", "areas");
	bad = res.bad;
	if (res.allocs != res.frees)
		bad++, shprintf("torture: %lu areas vmalloc'ed, %lu vfreed\n", res.allocs, res.frees);
	shprintf("torture: mm-check vmalloc: before %d, during %d runs %d, after %d violations\n",
		 pre, res.checks, res.check_bad, post);
	if (memcmp(before, after, sizeof(before)))
		bad++;
	shprintf("torture: the area list %s: %lu busy areas\n",
		 memcmp(before, after, sizeof(before)) ? "DIFFERS from before" : "equals the one before",
		 after[0]);
	bad += (unsigned long)(pre + res.check_bad + post);
	shprintf("torture: %s\n", bad ? "FAILED" : "clean");
	return bad ? 1 : 0;
}

/* ---- bench vmalloc ---------------------------------------------------------------------- */

/* Ticks of the generic timer for n vmalloc(size)+vfree pairs; 0 if one failed. */
static u64 bench_vmalloc_pairs(unsigned long size, u32 n)
{
	u64 t0 = read_cntvct();

	for (u32 i = 0; i < n; i++) {
		void *p = vmalloc(size);

		if (!p)
			return 0;
		vfree(p);
	}
	return read_cntvct() - t0;
}

int cmd_bench_vmalloc(int argc, char **argv)
{
	static const unsigned long sizes[] = {PAGE_SIZE, SZ_1M};
	u32 n = 1000, hz = read_cntfrq();

	if (argc > 2)
		return shell_error("bench", "usage: bench vmalloc [N]");
	if (argc == 2 && shell_parse_u32("bench", "pair count", argv[1], &n))
		return -1;
	if (n == 0 || n > 100000)
		return shell_error("bench", "pair count %u out of range 1..100000", n);
	for (unsigned int s = 0; s < ARRAY_SIZE(sizes); s++) {
		u32 pairs = sizes[s] > PAGE_SIZE ? max(n / 100, 1u) : n;
		u64 t;

		bench_vmalloc_pairs(sizes[s], 1); /* page tables and per-CPU lists warm */
		t = bench_vmalloc_pairs(sizes[s], pairs);
		if (!t)
			return shell_error("bench", "vmalloc(%lu) failed", sizes[s]);
		shprintf("bench: vmalloc+vfree of %7lu bytes: %u pairs in %llu ticks of %u Hz: %llu ns "
			 "per pair\n", sizes[s], pairs, t, hz, t * 1000000000ull / hz / pairs);
	}
	shprintf("bench: (under tools/run --icount, 1 ns is 1 guest instruction)\n");
	return 0;
}
