/*
 * of_fdt.h - the early, flat device-tree scan (kernel/of/fdt.c), Linux 6.1's drivers/of/fdt.c
 * early part.
 *
 * Where it sits in the boot pipeline:
 *
 *   setup_arch
 *     setup_machine_fdt (arch/arm/kernel/devtree.c)
 *       early_init_dt_verify          header check, initial_boot_params
 *       early_init_dt_scan_nodes      root cells, /chosen (bootargs, initrd), /memory
 *     arm_memblock_init (arch/arm/mm/init.c)
 *       early_init_fdt_scan_reserved_mem   /memreserve/ + /reserved-memory
 *         fdt_scan_reserved_mem -> __reserved_mem_reserve_reg   static regions (reg)
 *         fdt_init_reserved_mem (of_reserved_mem.c)                 sort, place, init
 */
#ifndef _LINUX_OF_FDT_H
#define _LINUX_OF_FDT_H

#include <linux/types.h>

/* The blob being scanned (its virtual address), set by early_init_dt_verify. */
extern void *initial_boot_params;
/* Cells of the root node (#address-cells / #size-cells, defaults 1 / 1), early_init_dt_scan_root. */
extern int dt_root_addr_cells;
extern int dt_root_size_cells;
/* Initial ramdisk from /chosen linux,initrd-start/end (or initrd=): start and byte size. */
extern phys_addr_t phys_initrd_start;
extern unsigned long phys_initrd_size;

/* Check the header of the blob at params and make it initial_boot_params; false if unusable. */
bool early_init_dt_verify(void *params);
/* Root cells, /chosen and /memory, in Linux's order. */
void early_init_dt_scan_nodes(void);
/* Read the root's #address-cells / #size-cells; 0, or -EINVAL when they are not 1 or 2. */
int early_init_dt_scan_root(void);
/* /chosen (else /chosen@0): initrd, bootargs into cmdline; -ENOENT without a chosen node. */
int early_init_dt_scan_chosen(char *cmdline);
/* linux,initrd-start/end of the node into phys_initrd_start/size (ignored if incomplete). */
void early_init_dt_check_for_initrd(int node);
/* Every top-level device_type = "memory" node: reg tuples to memblock; number of banks added. */
int early_init_dt_scan_memory(void);
/* Clip one bank to the addressable range (Linux's rules) and memblock_add it. */
void early_init_dt_add_memory_arch(u64 base, u64 size);
/* Reserve the blob itself in memblock (generic Linux; ARM does this in setup_arch instead). */
void early_init_fdt_reserve_self(void);
/* /memreserve/ entries then /reserved-memory (scan, then fdt_init_reserved_mem). */
void early_init_fdt_scan_reserved_mem(void);
/* Scan /reserved-memory: reserve static regions, save every region; 0 or -ENODEV/-EINVAL. */
int fdt_scan_reserved_mem(void);
/* Static regions of one node (reg): reserve or mark no-map; 0, -ENOENT (no reg) or error. */
int __reserved_mem_reserve_reg(int node, const char *uname);
/* One child of /reserved-memory: static (reg) or dynamic (size) saved in reserved_mem[]. */
int __fdt_scan_reserved_mem(int node, const char *uname);
/* The /model, else the first /compatible string, else "<unknown>". */
const char *of_flat_dt_get_machine_name(void);
/*
 * The record whose compatible list best matches the root's (get_next_compat hands out each
 * record and sets its NULL-terminated list), else default_match (kernel/of/fdt_match.c).
 */
const void *of_flat_dt_match_machine(const void *default_match,
				     const void *(*get_next_compat)(const char *const **));
/* Address and size cells of the root as read (for reg decoding by the shell and the scan). */
u64 dt_mem_next_cell(int s, const u32 **cellp);

#endif
