/*
 * diag.h - pimm's own diagnostics: log lines that Linux 6.1 never prints (a malformed device
 * tree property, a refused boot argument...). They start with "pimm: " and never with a Linux
 * prefix ("OF: fdt: ", "cma: "...), so that every line wearing Linux's words is one Linux
 * prints too. docs/design.md ("pimm-only diagnostics") lists them all.
 */
#ifndef _PIMM_DIAG_H
#define _PIMM_DIAG_H

#include <linux/printk.h>

#define PIMM_PREFIX "pimm: "

/* A pimm-only error / warning line: printk at that level, "pimm: " first, pr_fmt bypassed. */
#define pimm_err(fmt, ...) printk(KERN_ERR PIMM_PREFIX fmt, ##__VA_ARGS__)
#define pimm_warn(fmt, ...) printk(KERN_WARNING PIMM_PREFIX fmt, ##__VA_ARGS__)

#endif
