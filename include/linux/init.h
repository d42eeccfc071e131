/*
 * init.h - section markers for boot-only code and data, and the boot-parameter tables
 * (early_param / __setup), laid out by the linker script as in Linux.
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
