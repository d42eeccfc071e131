/*
 * parse.h - number parsing for the shell, the boot command line and the device-tree code
 * (lib/parse.c). Two families:
 *   parse_u64/parse_u32  pimm's strict shell syntax: decimal or 0x hex, optional K/M/G;
 *   memparse, kstrto*    Linux's semantics, for boot parameters (cma=, vmalloc=, mem=).
 * All return 0 or -EINVAL/-ERANGE and never write *res on error.
 */
#ifndef _PIMM_PARSE_H
#define _PIMM_PARSE_H

#include <linux/types.h>

/* Whole string: "0x"hex or decimal, then at most one of K/M/G (x1024^n); -EINVAL/-ERANGE. */
int parse_u64(const char *s, u64 *res);
/* As parse_u64, and -ERANGE above 0xffffffff. */
int parse_u32(const char *s, u32 *res);

/* Linux's simple_strtoull: base 0 detects 0x/0 prefixes; no overflow check; *endp after. */
unsigned long long simple_strtoull(const char *cp, char **endp, unsigned int base);
/* Linux's memparse: a number (0x, 0 octal, decimal) then K/M/G/T/P/E; *retptr after it. */
unsigned long long memparse(const char *ptr, char **retptr);

/* Linux's kstrto*: whole string, one trailing newline allowed; 0, -EINVAL or -ERANGE. */
int kstrtoull(const char *s, unsigned int base, unsigned long long *res);
int kstrtoll(const char *s, unsigned int base, long long *res);
int kstrtoul(const char *s, unsigned int base, unsigned long *res);
int kstrtouint(const char *s, unsigned int base, unsigned int *res);
int kstrtoint(const char *s, unsigned int base, int *res);
int kstrtou32(const char *s, unsigned int base, u32 *res);

#endif
