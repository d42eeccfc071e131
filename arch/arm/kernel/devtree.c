/*
 * arch/arm/kernel/devtree.c - setup_machine_fdt: the first look at the device tree
 * (Linux 6.1's arch/arm/kernel/devtree.c, plus the DTB reservation of setup_arch).
 *
 * Where it sits in the boot pipeline:
 *
 *   head.S       r2 = PA of the DTB -> __atags_pointer; the blob's 1 MiB section and the next
 *                one are mapped read-only at FDT_FIXED_BASE (2 MiB window)
 *   setup_arch
 *     setup_machine_fdt(FDT_FIXED_BASE + (__atags_pointer % SZ_1M), __atags_pointer)   <- here
 *       dt_check_header + dt_check_full     the whole blob, inside the mapped window
 *       early_init_dt_verify                initial_boot_params
 *       of_flat_dt_match_machine            the machine_desc for the root "compatible"
 *                                           (kernel/of/fdt_match.c, arch_get_next_mach)
 *       "OF: fdt: Machine model: ..."
 *       early_init_dt_scan_nodes            root cells, /chosen, /memory -> memblock_add
 *       memblock_reserve(dt_phys, totalsize)
 *     parse_early_param, adjust_lowmem_bounds, arm_memblock_init, ...
 *
 * Linux's setup_arch reserves the DTB right after setup_machine_fdt returns, exact totalsize
 * bytes (not page-rounded), and ARM never calls early_init_fdt_reserve_self (the blob's
 * virtual address is the fixmap alias, not the linear map). pimm's setup_arch is the lead's,
 * so the reservation is the last step of this function: same place in the sequence, same
 * range, done before memblock=debug is parsed (as in Linux, it is never traced).
 *
 * The machine: every DT_MACHINE_START record (asm/mach/arch.h) lists the root compatible
 * strings it drives; the record matching the earliest string of the DTB's root "compatible"
 * wins (of_flat_dt_match_machine, kernel/of/fdt_match.c). A multiplatform Linux falls back,
 * silently, to its generic DT machine when no board matches; pimm has one machine and falls
 * back to it (the first record) with a one-line warning naming the compatible list (tagged
 * "pimm: ": Linux prints nothing there).
 *
 * A blob the kernel cannot use stops the boot with a panic naming the problem: without a
 * device tree there is no RAM to manage.
 */
#include <string.h>

#include <linux/bug.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/of_fdt.h>
#include <linux/printk.h>
#include <asm/mach/arch.h>
#include <asm/memory.h>
#include <asm/setup.h>
#include <pimm/diag.h>
#include <pimm/fdt.h>
#include <pimm/vsprintf.h>

#define ATAG_CORE 0x54410001

phys_addr_t machine_fdt_phys;
const struct machine_desc *machine_desc;

/* Why the blob at dt_virt is unusable, or NULL if it is a valid device tree. */
static const char *fdt_problem(const void *dt_virt, phys_addr_t dt_phys, char *buf, size_t len)
{
	size_t bufsize = FDT_FIXED_SIZE - (dt_phys % SZ_1M);
	const u32 *words = dt_virt;
	int err;

	if (dt_be32(dt_virt) != FDT_MAGIC && words[1] == ATAG_CORE)
		return "ATAGS, not a device tree (pimm needs a DTB: QEMU -dtb, Pi firmware "
		       "device_tree=)";
	err = dt_check_header(dt_virt, bufsize);
	if (!err)
		err = dt_check_full(dt_virt, bufsize);
	if (!err)
		return NULL;
	if (err == -DT_ERR_TRUNCATED && dt_totalsize(dt_virt) > bufsize)
		ksnprintf(buf, len, "%s (totalsize %u bytes, %u fit in the 2 MiB window)",
			 dt_strerror(err), dt_totalsize(dt_virt), (unsigned int)bufsize);
	else if (err == -DT_ERR_TRUNCATED)
		ksnprintf(buf, len, "%s (a block or the reservation map runs past totalsize %u)",
			 dt_strerror(err), dt_totalsize(dt_virt));
	else
		ksnprintf(buf, len, "%s", dt_strerror(err));
	return buf;
}

/* The root's raw cell count @name (1 when absent), for the message about unusable cells. */
static u32 root_cells(const void *fdt, const char *name)
{
	int len;
	const void *p = dt_getprop(fdt, 0, name, &len);

	return p && len == 4 ? dt_be32(p) : p ? 0xffffffff : 1;
}

/* Hand out the DT_MACHINE_START records one by one (Linux's arch_get_next_mach). */
static const void *__init arch_get_next_mach(const char *const **match)
{
	static const struct machine_desc *mdesc = __arch_info_begin;
	const struct machine_desc *m = mdesc;

	if (m >= __arch_info_end)
		return NULL;
	mdesc++;
	*match = m->dt_compat;
	return m;
}

/* The root "compatible" as ["a", "b"] for the no-match warning (cut short to fit @size). */
static const char *root_compat_list(char *buf, size_t size)
{
	int len;
	const char *cp = dt_getprop(initial_boot_params, 0, "compatible", &len);
	size_t n = kscnprintf(buf, size, "[");

	while (cp && len > 0) {
		size_t l = strnlen(cp, len);

		n += kscnprintf(buf + n, size - n, "%s\"%.*s\"", n > 1 ? ", " : "", (int)l, cp);
		len -= l + 1;
		cp += l + 1;
	}
	kscnprintf(buf + n, size - n, "]");
	return buf;
}

/* Validate, announce and scan the boot DTB, then reserve it; panics if it is unusable. */
void __init setup_machine_fdt(void *dt_virt, phys_addr_t dt_phys)
{
	static char why[96];
	const char *problem;

	if (!dt_phys)
		panic("setup_machine_fdt: no device tree: r2 was 0 (pimm needs a DTB: QEMU -dtb, "
		      "Pi firmware device_tree=)");
	problem = fdt_problem(dt_virt, dt_phys, why, sizeof(why));
	if (problem || !early_init_dt_verify(dt_virt))
		panic("setup_machine_fdt: invalid device tree at %pa: %s", &dt_phys,
		      problem ? problem : "header rejected");

	if (__arch_info_end - __arch_info_begin <= 0)
		panic("setup_machine_fdt: no machine compiled in (DT_MACHINE_START)");
	machine_desc = of_flat_dt_match_machine(NULL, arch_get_next_mach);
	if (!machine_desc) {
		static char list[128];

		machine_desc = __arch_info_begin;
		pimm_warn("no machine matches the root compatible %s, booting as %s\n",
			root_compat_list(list, sizeof(list)), machine_desc->name);
	}
	pr_info("OF: fdt: Machine model: %s\n", of_flat_dt_get_machine_name());

	if (early_init_dt_scan_root() != 0)
		panic("setup_machine_fdt: invalid device tree at %pa: / has #address-cells=%u "
		      "#size-cells=%u, pimm reads 1 or 2 cells", &dt_phys,
		      root_cells(dt_virt, "#address-cells"), root_cells(dt_virt, "#size-cells"));
	early_init_dt_scan_nodes();
	if (memblock_phys_mem_size() == 0)
		panic("setup_machine_fdt: device tree at %pa describes no usable RAM (no /memory "
		      "node with device_type = \"memory\" and a non-empty reg)", &dt_phys);

	memblock_reserve(dt_phys, dt_totalsize(dt_virt));
	machine_fdt_phys = dt_phys;
}
