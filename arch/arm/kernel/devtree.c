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
 *       "OF: fdt: Machine model: ..."       (Linux: of_flat_dt_match_machine)
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
 * A blob the kernel cannot use stops the boot with a panic naming the problem: without a
 * device tree there is no RAM to manage.
 */
#include <stdio.h>

#include <linux/bug.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/of_fdt.h>
#include <linux/printk.h>
#include <asm/memory.h>
#include <asm/setup.h>
#include <pimm/fdt.h>

#define ATAG_CORE 0x54410001

phys_addr_t machine_fdt_phys;

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
		snprintf(buf, len, "%s (totalsize %u bytes, %u fit in the 2 MiB window)",
			 dt_strerror(err), dt_totalsize(dt_virt), (unsigned int)bufsize);
	else if (err == -DT_ERR_TRUNCATED)
		snprintf(buf, len, "%s (a block or the reservation map runs past totalsize %u)",
			 dt_strerror(err), dt_totalsize(dt_virt));
	else
		snprintf(buf, len, "%s", dt_strerror(err));
	return buf;
}

/* The root's raw cell count @name (1 when absent), for the message about unusable cells. */
static u32 root_cells(const void *fdt, const char *name)
{
	int len;
	const void *p = dt_getprop(fdt, 0, name, &len);

	return p && len == 4 ? dt_be32(p) : p ? 0xffffffff : 1;
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
