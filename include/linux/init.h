/*
 * init.h - section markers for boot-only code and data, the boot-parameter tables
 * (early_param / __setup) and the initcall levels, laid out by the linker script
 * (arch/arm/kernel/vmlinux.lds.in) as in Linux's include/linux/init.h.
 *
 * Everything marked __init / __initdata / __initconst lives in [__init_begin, __init_end),
 * which kernel_init gives back to the page allocator (free_initmem) before the shell runs:
 * nothing that runs after boot may call, read or point into it.
 *
 * Initcalls: kernel_init (kernel/main.c) runs the early level before smp_init, then levels
 * 0..7 in order (do_initcalls); inside a level, in link order.
 *
 *   level  macro             pimm's users
 *   early  early_initcall    -
 *   0      pure_initcall     -
 *   1      core_initcall     cma_init_reserved_areas (kernel/mm/cma_activate.c)
 *   2      postcore_initcall init_per_zone_wmark_min (kernel/mm/page_alloc.c)
 *   3      arch_initcall     customize_machine (arch/arm/kernel/setup.c)
 *   4..7   subsys, fs, device, late
 */
#ifndef _LINUX_INIT_H
#define _LINUX_INIT_H

#include <linux/compiler.h>

#define __init __section(".init.text")
#define __initdata __section(".init.data")
#define __initconst __section(".init.rodata")

/* One boot parameter handler: `str` is "name=" (or "name" for flags). */
struct obs_kernel_param {
	const char *str;
	int (*setup_func)(char *val);
	int early;
};

#define __setup_param(str, unique_id, fn, early)                                                   \
	static const char __setup_str_##unique_id[] = str;                                         \
	static const struct obs_kernel_param __setup_##unique_id __used                            \
		__section(".init.setup") __aligned(4) = {__setup_str_##unique_id, fn, early}

/* __setup("name=", fn): run by parse_args after setup_arch; early_param: by parse_early_param. */
#define __setup(str, fn) __setup_param(str, fn, fn, 0)
#define early_param(str, fn) __setup_param(str, fn, fn, 1)

extern const struct obs_kernel_param __setup_start[], __setup_end[];

/* An initcall: returns 0 or a negative errno (Linux only reports it with initcall_debug). */
typedef int (*initcall_t)(void);

/* One pointer to fn in the section of its level (".initcall<level>.init"). */
#define __define_initcall(fn, level)                                                             \
	static const initcall_t __initcall_##fn##level __used                                     \
		__section(".initcall" #level ".init") __aligned(4) = fn

#define early_initcall(fn) __define_initcall(fn, early)
#define pure_initcall(fn) __define_initcall(fn, 0)
#define core_initcall(fn) __define_initcall(fn, 1)
#define postcore_initcall(fn) __define_initcall(fn, 2)
#define arch_initcall(fn) __define_initcall(fn, 3)
#define subsys_initcall(fn) __define_initcall(fn, 4)
#define fs_initcall(fn) __define_initcall(fn, 5)
#define device_initcall(fn) __define_initcall(fn, 6)
#define late_initcall(fn) __define_initcall(fn, 7)

/* Level boundaries (the linker script): early = [__initcall_start, __initcall0_start). */
extern const initcall_t __initcall_start[], __initcall0_start[], __initcall1_start[],
	__initcall2_start[], __initcall3_start[], __initcall4_start[], __initcall5_start[],
	__initcall6_start[], __initcall7_start[], __initcall_end[];

#endif

#ifndef _LINUX_INIT_CMDLINE
#define _LINUX_INIT_CMDLINE
#define COMMAND_LINE_SIZE 1024
/* The command line as the boot loader gave it (/chosen bootargs), filled by early_init_dt_scan. */
extern char boot_command_line[COMMAND_LINE_SIZE];
void parse_early_param(void);
/* Run the __setup handlers for a command line (kernel/params.c; Linux's parse_args takes more). */
void parse_args(char *cmdline);
/* The command line as saved by start_kernel ("" before it is); Linux's saved_command_line. */
const char *get_saved_command_line(void);
#endif
