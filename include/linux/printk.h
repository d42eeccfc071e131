/*
 * printk.h - Linux's logging interface: printk with KERN_* levels and the pr_* helpers.
 *
 * Format strings follow Linux's vsprintf, not newlib's: %pa prints a phys_addr_t as 0x%08x,
 * %pS prints a code address as symbol+0xoff/0xsize, and %#x of 0 prints 0x0 (lib/vsprintf.c).
 * The kernel implements _printk in kernel/printk.c; host tests supply their own.
 */
#ifndef _LINUX_PRINTK_H
#define _LINUX_PRINTK_H

#include <stdarg.h>
#include <linux/compiler.h>

#define KERN_SOH "\001"
#define KERN_EMERG KERN_SOH "0"
#define KERN_ALERT KERN_SOH "1"
#define KERN_CRIT KERN_SOH "2"
#define KERN_ERR KERN_SOH "3"
#define KERN_WARNING KERN_SOH "4"
#define KERN_NOTICE KERN_SOH "5"
#define KERN_INFO KERN_SOH "6"
#define KERN_DEBUG KERN_SOH "7"
#define KERN_DEFAULT ""
#define KERN_CONT KERN_SOH "c"

#define LOGLEVEL_EMERG 0
#define LOGLEVEL_ERR 3
#define LOGLEVEL_WARNING 4
#define LOGLEVEL_NOTICE 5
#define LOGLEVEL_INFO 6
#define LOGLEVEL_DEBUG 7

int _printk(const char *fmt, ...) __printf(1, 2);
/* console_loglevel: records below it reach the console (loglevel=, quiet, ignore_loglevel). */
extern int console_loglevel;
/* "pimm version ...": the first line of the log (kernel/main.c; Linux's init/version.c). */
extern const char linux_banner[];
int vprintk(const char *fmt, va_list args);
#define printk(fmt, ...) _printk(fmt, ##__VA_ARGS__)

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

#define pr_emerg(fmt, ...) printk(KERN_EMERG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_alert(fmt, ...) printk(KERN_ALERT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_crit(fmt, ...) printk(KERN_CRIT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...) printk(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...) printk(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...) printk(KERN_NOTICE pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...) printk(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)
/* As in Linux without dynamic debug: pr_debug prints only in files that define DEBUG. */
#ifdef DEBUG
#define pr_debug(fmt, ...) printk(KERN_DEBUG pr_fmt(fmt), ##__VA_ARGS__)
#else
#define pr_debug(fmt, ...)                                                                         \
	({                                                                                         \
		if (0)                                                                             \
			printk(KERN_DEBUG pr_fmt(fmt), ##__VA_ARGS__);                             \
		0;                                                                                 \
	})
#endif
#define pr_cont(fmt, ...) printk(KERN_CONT fmt, ##__VA_ARGS__)

#endif
