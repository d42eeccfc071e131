/*
 * kernel/of/fdt.c - the early device-tree scan: Linux 6.1's drivers/of/fdt.c, early part.
 *
 * Where it sits in the boot pipeline (docs/pipeline.md#device-tree-scan):
 *
 *   setup_arch
 *     setup_machine_fdt                       arch/arm/kernel/devtree.c
 *       early_init_dt_verify                  the header, initial_boot_params
 *       early_init_dt_scan_nodes
 *         early_init_dt_scan_root             #address-cells / #size-cells of /
 *         early_init_dt_scan_chosen           bootargs -> boot_command_line, initrd
 *         early_init_dt_scan_memory           /memory reg -> early_init_dt_add_memory_arch
 *                                                                  -> memblock_add
 *     arm_memblock_init                       arch/arm/mm/init.c
 *       early_init_fdt_scan_reserved_mem
 *         /memreserve/ entries                -> memblock_reserve
 *         fdt_scan_reserved_mem               every child of /reserved-memory:
 *           __fdt_scan_reserved_mem             __reserved_mem_reserve_reg (reg: reserve or
 *                                               no-map) or a dynamic (size) entry; both saved
 *                                               with fdt_reserved_mem_save_node
 *         fdt_init_reserved_mem               kernel/of/of_reserved_mem.c
 *
 * The blob was fully validated (dt_check_header + dt_check_full) before initial_boot_params is
 * set; every property is still read with its length, so a short or unterminated value gives a
 * message, never a read past it. Those messages are pimm's own, so they start with "pimm: "
 * (pimm_warn/pimm_err), not "OF: fdt: " (docs/design.md, "pimm-only diagnostics").
 */
#define pr_fmt(fmt) "OF: fdt: " fmt

#include <errno.h>
#include <string.h>

#include <asm/memory.h>
#include <asm/page.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/of_fdt.h>
#include <linux/of_reserved_mem.h>
#include <linux/printk.h>
#include <pimm/diag.h>
#include <pimm/fdt.h>
#include <pimm/lab.h>

void *initial_boot_params;
int dt_root_addr_cells = 1;
int dt_root_size_cells = 1;
phys_addr_t phys_initrd_start;
unsigned long phys_initrd_size;

/* Lowest and highest address memblock may hold: the linear map starts at PHYS_OFFSET
 * (Linux: __pa(PAGE_OFFSET)), and phys_addr_t is 32 bits (no LPAE). */
#define MIN_MEMBLOCK_ADDR ((u64)PHYS_OFFSET)
#define MAX_MEMBLOCK_ADDR ((u64)(phys_addr_t)~0)
#define PAGE_MASK_64 (~(u64)(PAGE_SIZE - 1))

/* Property @name of @node as a NUL-terminated string, or NULL (absent or unterminated). */
static const char *dt_prop_string(int node, const char *name)
{
	int len;
	const char *p = dt_getprop(initial_boot_params, node, name, &len);

	if (!p || len <= 0 || memchr(p, '\0', len) == NULL)
		return NULL;
	return p;
}

/* True when @node has property @name (any length). */
static bool dt_has_prop(int node, const char *name)
{
	return dt_getprop(initial_boot_params, node, name, NULL) != NULL;
}

/* Read @s cells at *cellp as one number and advance *cellp past them. */
u64 dt_mem_next_cell(int s, const u32 **cellp)
{
	const u32 *p = *cellp;

	*cellp = p + s;
	return dt_read_number(p, s);
}

/* Make @params the blob the scan reads, after checking its header; false if it is not one. */
bool early_init_dt_verify(void *params)
{
	if (!params || dt_be32(params) != FDT_MAGIC)
		return false;
	if (dt_check_header(params, dt_totalsize(params)) != 0)
		return false;
	/* Linux also keeps a CRC32 of the blob here for later comparison; pimm does not. */
	initial_boot_params = params;
	return true;
}

/* The /model string, else the first /compatible string, else "<unknown>". */
const char *of_flat_dt_get_machine_name(void)
{
	const char *name = dt_prop_string(0, "model");

	if (!name)
		name = dt_prop_string(0, "compatible");
	return name ? name : "<unknown>";
}

/* Root #address-cells / #size-cells (1 when absent); -EINVAL if not 1 or 2 (pimm's limit). */
int early_init_dt_scan_root(void)
{
	const void *fdt = initial_boot_params;
	int ac = dt_address_cells(fdt, 0), sc = dt_size_cells(fdt, 0);
	int len;

	/* Linux's root defaults are 1/1 (OF_ROOT_NODE_*_CELLS_DEFAULT), not libfdt's 2/1. */
	if (!dt_getprop(fdt, 0, "#address-cells", &len) && len == -DT_ERR_NOTFOUND)
		ac = 1;
	if (!dt_getprop(fdt, 0, "#size-cells", &len) && len == -DT_ERR_NOTFOUND)
		sc = 1;
	if (ac < 1 || sc < 1) {
		pimm_err("root node: #address-cells / #size-cells must be 1 or 2 (a 32-bit "
		       "physical address space reads at most 2 cells)\n");
		return -EINVAL;
	}
	dt_root_addr_cells = ac;
	dt_root_size_cells = sc;
	pr_debug("dt_root_size_cells = %x\n", dt_root_size_cells);
	pr_debug("dt_root_addr_cells = %x\n", dt_root_addr_cells);
	return 0;
}

/* One initrd bound property (1 or 2 cells); false when absent or malformed. */
static bool dt_initrd_prop(int node, const char *name, u64 *val)
{
	int len;
	const void *p = dt_getprop(initial_boot_params, node, name, &len);

	if (!p)
		return false;
	if (len != 4 && len != 8) {
		pimm_warn("%s: %d bytes, expected 4 or 8: initrd ignored\n", name, len);
		return false;
	}
	*val = dt_read_number(p, len / 4);
	return true;
}

/* /chosen linux,initrd-start/end -> phys_initrd_start/size; ignored if incomplete or reversed. */
void early_init_dt_check_for_initrd(int node)
{
	u64 start, end;

	if (!dt_initrd_prop(node, "linux,initrd-start", &start) ||
	    !dt_initrd_prop(node, "linux,initrd-end", &end))
		return;
	if (start > end)
		return;
	if (end > MAX_MEMBLOCK_ADDR) {
		pimm_warn("initrd 0x%llx-0x%llx above 4 GiB ignored\n", start, end);
		return;
	}
	phys_initrd_start = (phys_addr_t)start;
	phys_initrd_size = (unsigned long)(end - start);
	pr_debug("initrd_start=0x%llx  initrd_end=0x%llx\n", start, end);
}

/* Copy bootargs (@len bytes, NUL included when well formed) into @cmdline, as strscpy. */
static void dt_copy_bootargs(char *cmdline, const char *p, int len)
{
	size_t max = min_t(size_t, (size_t)len, COMMAND_LINE_SIZE);
	size_t n = strnlen(p, max);

	if (n == max) {
		n = max - 1;
		pimm_warn("bootargs: unterminated or longer than %d bytes: cut after %u bytes\n",
			COMMAND_LINE_SIZE - 1, (unsigned int)n);
	}
	memcpy(cmdline, p, n);
	cmdline[n] = '\0';
}

/* /chosen (or /chosen@0): initrd and bootargs into @cmdline; -ENOENT without the node. */
int early_init_dt_scan_chosen(char *cmdline)
{
	const void *fdt = initial_boot_params;
	int node, len;
	const char *p;

	node = dt_path_offset(fdt, "/chosen");
	if (node < 0)
		node = dt_path_offset(fdt, "/chosen@0");
	if (node < 0)
		return -ENOENT;

	early_init_dt_check_for_initrd(node);
	/* Linux also reads linux,elfcorehdr (kdump) and consumes rng-seed; pimm has neither. */

	p = dt_getprop(fdt, node, "bootargs", &len);
	if (p && len > 0)
		dt_copy_bootargs(cmdline, p, len);
	pr_debug("Command line is: %s\n", cmdline);
	return 0;
}

/* Warn about @len bytes of @prop that do not make a whole (address, size) tuple. */
static void dt_warn_partial_tuple(const char *uname, const char *prop, int len, int t_len)
{
	if (len % t_len)
		pimm_warn("%s: %s is %d bytes, not a multiple of %d: the last %d bytes are ignored\n",
			uname, prop, len, t_len, len % t_len);
}

/* Add every (base, size) tuple of one memory node; true if any was added. */
static bool dt_scan_memory_node(int node, const char *uname)
{
	const void *fdt = initial_boot_params;
	int len, t_cells = dt_root_addr_cells + dt_root_size_cells;
	const u32 *reg, *endp;
	bool hotpluggable, found = false;

	reg = dt_getprop(fdt, node, "linux,usable-memory", &len);
	if (!reg || len == 0)
		reg = dt_getprop(fdt, node, "reg", &len);
	if (!reg)
		return false;
	endp = reg + len / 4;
	hotpluggable = dt_has_prop(node, "hotpluggable");
	pr_debug("memory scan node %s, reg size %d,\n", uname, len);
	dt_warn_partial_tuple(uname, "reg", len, t_cells * 4);

	while (endp - reg >= t_cells) {
		u64 base = dt_mem_next_cell(dt_root_addr_cells, &reg);
		u64 size = dt_mem_next_cell(dt_root_size_cells, &reg);

		if (size == 0)
			continue;
		pr_debug(" - %llx, %llx\n", base, size);
		early_init_dt_add_memory_arch(base, size);
		found = true;
		if (hotpluggable && memblock_mark_hotplug((phys_addr_t)base, (phys_addr_t)size))
			pr_warn("failed to mark hotplug range 0x%llx - 0x%llx\n", base, base + size);
	}
	return found;
}

/* Every available top-level node with device_type "memory"; returns how many added RAM. */
int early_init_dt_scan_memory(void)
{
	const void *fdt = initial_boot_params;
	int node, found = 0;

	for (node = dt_first_subnode(fdt, 0); node >= 0; node = dt_next_subnode(fdt, node)) {
		const char *type = dt_prop_string(node, "device_type");
		const char *uname = dt_get_name(fdt, node, NULL);

		if (!type || strcmp(type, "memory") != 0)
			continue;
		if (!dt_node_is_available(fdt, node))
			continue;
		if (dt_scan_memory_node(node, uname ? uname : "?"))
			found++;
	}
	return found;
}

/* Clip one bank to whole pages inside [MIN_MEMBLOCK_ADDR, MAX_MEMBLOCK_ADDR], then add it. */
void early_init_dt_add_memory_arch(u64 base, u64 size)
{
	/* LAB1 BEGIN */
	const u64 phys_offset = MIN_MEMBLOCK_ADDR;

	if (size < PAGE_SIZE - (base & (PAGE_SIZE - 1))) {
		pr_warn("Ignoring memory block 0x%llx - 0x%llx\n", base, base + size);
		return;
	}
	if (base & (PAGE_SIZE - 1)) {
		size -= PAGE_SIZE - (base & (PAGE_SIZE - 1));
		base = (base + PAGE_SIZE - 1) & PAGE_MASK_64;
	}
	size &= PAGE_MASK_64;
	if (base > MAX_MEMBLOCK_ADDR) {
		pr_warn("Ignoring memory block 0x%llx - 0x%llx\n", base, base + size);
		return;
	}
	if (base + size - 1 > MAX_MEMBLOCK_ADDR) {
		pr_warn("Ignoring memory range 0x%llx - 0x%llx\n", MAX_MEMBLOCK_ADDR + 1, base + size);
		size = MAX_MEMBLOCK_ADDR - base + 1;
	}
	if (base + size < phys_offset) {
		pr_warn("Ignoring memory block 0x%llx - 0x%llx\n", base, base + size);
		return;
	}
	if (base < phys_offset) {
		pr_warn("Ignoring memory range 0x%llx - 0x%llx\n", base, phys_offset);
		size -= phys_offset - base;
		base = phys_offset;
	}
	memblock_add((phys_addr_t)base, (phys_addr_t)size);
	/* LAB1 TODO
	lab_todo(1, "of", "early_init_dt_add_memory_arch");
	// Until it is written, each bank is added as the device tree says, untrimmed.
	memblock_add((phys_addr_t)base, (phys_addr_t)size);
	*/
	/* LAB1 END */
}

/* Root cells, /chosen and /memory, in Linux's order. */
void early_init_dt_scan_nodes(void)
{
	if (early_init_dt_scan_root())
		return; /* setup_machine_fdt reports the unusable root and stops */
	if (early_init_dt_scan_chosen(boot_command_line))
		pr_warn("No chosen node found, continuing without\n");
	early_init_dt_scan_memory();
	/* linux,usable-memory-range (kdump) is not supported. */
}

/*
 * Reserve the blob itself (generic Linux). ARM 6.1 does not call this: initial_boot_params is
 * the fixmap alias FDT_FIXED_BASE, whose __pa() is meaningless, so setup_arch reserves
 * [__atags_pointer, +totalsize) instead (pimm: at the end of setup_machine_fdt). Kept for
 * the host tests and for ports whose blob lives in the linear map.
 */
void early_init_fdt_reserve_self(void)
{
	if (!initial_boot_params)
		return;
	memblock_reserve(__pa(initial_boot_params), dt_totalsize(initial_boot_params));
}

/* True when [base, base+size) overlaps a region of memblock.memory. */
static bool dt_overlaps_memory(phys_addr_t base, phys_addr_t size)
{
	struct memblock_region *r;

	for_each_mem_region(r)
		if (base < r->base + r->size && r->base < base + size)
			return true;
	return false;
}

/* Reserve one static range, or mark it no-map (-EBUSY if that memory is already reserved). */
static int early_init_dt_reserve_memory(phys_addr_t base, phys_addr_t size, bool nomap)
{
	/* LAB2 BEGIN */
	if (nomap) {
		if (dt_overlaps_memory(base, size) && memblock_is_region_reserved(base, size))
			return -EBUSY;
		return memblock_mark_nomap(base, size);
	}
	return memblock_reserve(base, size);
	/* LAB2 TODO
	lab_todo(2, "of", "early_init_dt_reserve_memory");
	// Until it is written, no-map regions fail (they stay ordinary RAM); the others are
	// reserved.
	if (nomap)
		return -ENOSYS;
	return memblock_reserve(base, size);
	*/
	/* LAB2 END */
}

/* pimm's extra diagnostics for a static range: outside RAM, or over something reserved. */
static void dt_check_reserved_range(const char *uname, phys_addr_t base, phys_addr_t size,
				    bool nomap)
{
	phys_addr_t end = base + size - 1;
	struct memblock_region *r;

	if (!memblock_is_region_memory(base, size))
		pimm_warn("reserved memory: node '%s' [%pa-%pa] is %s outside RAM\n", uname, &base,
			&end, dt_overlaps_memory(base, size) ? "partly" : "entirely");
	if (nomap)
		return; /* a clash makes early_init_dt_reserve_memory fail with -EBUSY */
	for_each_reserved_mem_region(r) {
		phys_addr_t rend = r->base + r->size - 1;

		if (base <= rend && r->base <= end) {
			pimm_warn("reserved memory: node '%s' [%pa-%pa] overlaps reserved [%pa-%pa]\n",
				uname, &base, &end, &r->base, &rend);
			break;
		}
	}
}

/* Static regions of one node from reg; 0, -ENOENT without reg, -EINVAL for a bad length. */
int __reserved_mem_reserve_reg(int node, const char *uname)
{
	int t_len = (dt_root_addr_cells + dt_root_size_cells) * 4;
	const u32 *prop;
	bool nomap, first = true;
	int len;

	prop = dt_getprop(initial_boot_params, node, "reg", &len);
	if (!prop)
		return -ENOENT;
	if (len && len % t_len != 0) {
		pr_err("Reserved memory: invalid reg property in '%s', skipping node.\n", uname);
		return -EINVAL;
	}
	nomap = dt_has_prop(node, "no-map");

	while (len >= t_len) {
		u64 base64 = dt_mem_next_cell(dt_root_addr_cells, &prop);
		u64 size64 = dt_mem_next_cell(dt_root_size_cells, &prop);
		phys_addr_t base = (phys_addr_t)base64, size = (phys_addr_t)size64;
		bool fits = base64 + size64 <= MAX_MEMBLOCK_ADDR + 1, ok;

		if (size && fits)
			dt_check_reserved_range(uname, base, size, nomap);
		ok = size && fits && early_init_dt_reserve_memory(base, size, nomap) == 0;
		if (ok)
			pr_debug("Reserved memory: reserved region for node '%s': base %pa, size %lu MiB\n",
				 uname, &base, (unsigned long)(size / SZ_1M));
		else
			pr_err("Reserved memory: failed to reserve memory for node '%s': base %pa, size %lu MiB\n",
			       uname, &base, (unsigned long)(size / SZ_1M));
		len -= t_len;
		if (first) {
			int saved = reserved_mem_count;

			fdt_reserved_mem_save_node(node, uname, base, size);
			if (!ok && reserved_mem_count > saved)
				reserved_mem[saved].failed = true;
			first = false;
		}
	}
	return 0;
}

/* /reserved-memory must use the root's cell sizes and have "ranges" (an identity map). */
static int __reserved_mem_check_root(int node)
{
	const void *fdt = initial_boot_params;
	const void *prop;
	int len;

	prop = dt_getprop(fdt, node, "#size-cells", &len);
	if (!prop || len != 4 || dt_be32(prop) != (u32)dt_root_size_cells)
		return -EINVAL;
	prop = dt_getprop(fdt, node, "#address-cells", &len);
	if (!prop || len != 4 || dt_be32(prop) != (u32)dt_root_addr_cells)
		return -EINVAL;
	if (!dt_has_prop(node, "ranges"))
		return -EINVAL;
	return 0;
}

/* One available child of /reserved-memory: static (reg) or dynamic (size) entry. */
int __fdt_scan_reserved_mem(int node, const char *uname)
{
	int err = __reserved_mem_reserve_reg(node, uname);

	if (err == -ENOENT && dt_has_prop(node, "size"))
		fdt_reserved_mem_save_node(node, uname, 0, 0);
	return err;
}

/* Walk /reserved-memory; -ENODEV without it, -EINVAL for an unsupported format. */
int fdt_scan_reserved_mem(void)
{
	const void *fdt = initial_boot_params;
	int node, child;

	node = dt_path_offset(fdt, "/reserved-memory");
	if (node < 0)
		return -ENODEV;
	if (__reserved_mem_check_root(node) != 0) {
		pr_err("Reserved memory: unsupported node format, ignoring\n");
		return -EINVAL;
	}
	for (child = dt_first_subnode(fdt, node); child >= 0;
	     child = dt_next_subnode(fdt, child)) {
		const char *uname;

		if (!dt_node_is_available(fdt, child))
			continue;
		uname = dt_get_name(fdt, child, NULL);
		__fdt_scan_reserved_mem(child, uname ? uname : "?");
	}
	return 0;
}

/* The header's /memreserve/ entries -> memblock_reserve (clipped to 32-bit addresses). */
static void fdt_reserve_memreserve(void)
{
	u64 base, size;
	int n, err;

	for (n = 0;; n++) {
		err = dt_get_mem_rsv(initial_boot_params, n, &base, &size);
		if (err == -DT_ERR_NOTFOUND)
			break;
		if (err) {
			pimm_err("/memreserve/ entry %d unreadable (%s): stopping there\n", n,
			       dt_strerror(err));
			break;
		}
		if (!size)
			break;
		if (base > MAX_MEMBLOCK_ADDR) {
			pimm_warn("/memreserve/ 0x%llx+0x%llx above 4 GiB ignored\n", base, size);
			continue;
		}
		if (base + size - 1 > MAX_MEMBLOCK_ADDR)
			size = MAX_MEMBLOCK_ADDR - base + 1;
		memblock_reserve((phys_addr_t)base, (phys_addr_t)size);
	}
}

/* /memreserve/ then /reserved-memory: reserve, then place and initialise the regions. */
void early_init_fdt_scan_reserved_mem(void)
{
	if (!initial_boot_params)
		return;
	fdt_reserve_memreserve();
	fdt_scan_reserved_mem();
	/* fdt_reserve_elfcorehdr: no kdump in pimm. */
	fdt_init_reserved_mem();
}
