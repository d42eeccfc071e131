/*
 * kallsyms.h - kernel symbol lookup (kernel/kallsyms.c) from the table that the second link
 * pass embeds (tools/kallsyms.py): what %pS, oops reports and memblock=debug print.
 */
#ifndef _PIMM_KALLSYMS_H
#define _PIMM_KALLSYMS_H

#include <linux/types.h>

#define KSYM_NAME_LEN 64

/* Find the function containing addr: its name, start and size; false if none. */
bool kallsyms_lookup(unsigned long addr, const char **name, unsigned long *start,
		     unsigned long *size);
/* Address of a symbol by name, or 0. */
unsigned long kallsyms_lookup_name(const char *name);
/* sprint_symbol and sprint_symbol_no_offset (defined in kernel/kallsyms.c, overriding lib's
 * weak ones) are declared with the formatter that calls them: pimm/vsprintf.h. */

#endif
