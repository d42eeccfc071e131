/*
 * support_of.h - the "of" host suite's boot simulator (support_of.c): it runs the real
 * kernel/of, kernel/mm/cma.c, kernel/mm/memblock.c and arch/arm/mm/{init,lowmem}.c on a DTB the
 * build made, in setup_arch's order, and lets tests look at memblock and the printk log
 * (captured by tools/testing/shared/support.c).
 *
 *   of_boot(dtb, cmdline):  load -> dt_check_* -> early_init_dt_verify -> scan_root ->
 *                           early_init_dt_scan_nodes -> reserve the DTB at OF_DTB_PHYS ->
 *                           bootargs := cmdline -> parse_early_param (the .init.setup table)
 *                           -> adjust_lowmem_bounds -> arm_memblock_init -> adjust_lowmem_bounds
 */
#ifndef OF_TEST_SUPPORT_H
#define OF_TEST_SUPPORT_H

#include "support.h"

#include <linux/types.h>

#define OF_DTB_PHYS 0x08000000 /* where QEMU puts the DTB */
#define OF_KERNEL_STEXT 0x00100000
#define OF_KERNEL_END 0x00330000

/* Read build/dts/@name (e.g. "rpi2b-lab.dtb", "tests/overlap.dtb"); size in *len. */
void *of_load_dtb(const char *name, size_t *len);
/* Reset every piece of state the pipeline keeps (memblock, reserved_mem, cma, cmdline...). */
void of_reset(void);
/* Boot steps up to the end of setup_machine_fdt (scan + DTB reserve); false if rejected. */
bool of_boot_fdt(const char *name);
/* The whole memblock stage of setup_arch; cmdline may be NULL. */
void of_boot(const char *name, const char *cmdline);
/* Linux's parse_early_param over @cmdline, with the handlers linked into this test. */
void of_parse_early_param(const char *cmdline);

/* Index of the first log line equal to @line (from @from on), or -1. */
int of_log_find(const char *line, int from);
/* Assert that @line was logged; return its index. */
int of_log_expect(const char *line, const char *file, int lineno);
#define LOG_EXPECT(l) of_log_expect(l, __FILE__, __LINE__)
/* Number of log lines that start with @prefix. */
int of_log_count_prefix(const char *prefix);
/* Dump the log to stderr (when a test fails or OF_VERBOSE is set). */
void of_log_dump(void);

extern char boot_command_line[1024];

/* True when all 960 MiB stay usable RAM (2G split, or HIGHMEM): the expectations written for
 * the default build hold. A 3G split without HIGHMEM drops RAM above 0x30000000. */
static inline bool of_all_ram_kept(void)
{
#ifdef CONFIG_HIGHMEM
	return true;
#else
	return CONFIG_PAGE_OFFSET == 0x80000000;
#endif
}
#define NEED_ALL_RAM()                                                                             \
	do {                                                                                       \
		if (!of_all_ram_kept())                                                            \
			return;                                                                    \
	} while (0)

#endif
