/*
 * kallsyms.c - address -> function name, for %pS (memblock=debug callers), oops reports and
 * backtraces. The table is generated at link time (tools/kallsyms.py, two-pass link) and
 * sorted by address, so a lookup is a binary search.
 */
#include <string.h>
#include <linux/kernel.h>
#include <pimm/kallsyms.h>
#include <pimm/vsprintf.h>
#include "kallsyms_internal.h"

bool kallsyms_lookup(unsigned long addr, const char **name, unsigned long *start,
		     unsigned long *size)
{
	unsigned long lo = 0, hi = kallsyms_num_syms;

	while (lo < hi) { /* first symbol above addr */
		unsigned long mid = lo + (hi - lo) / 2;

		if (kallsyms_addresses[mid] <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return false;
	lo--;
	if (addr - kallsyms_addresses[lo] >= kallsyms_sizes[lo])
		return false;
	*name = kallsyms_names + kallsyms_offsets[lo];
	*start = kallsyms_addresses[lo];
	*size = kallsyms_sizes[lo];
	return true;
}

unsigned long kallsyms_lookup_name(const char *name)
{
	for (unsigned long i = 0; i < kallsyms_num_syms; i++)
		if (!strcmp(kallsyms_names + kallsyms_offsets[i], name))
			return kallsyms_addresses[i];
	return 0;
}

/* "name+0xoff/0xsize" as Linux's %pS, or the bare address if no symbol covers it. */
int sprint_symbol(char *buf, size_t size, unsigned long addr)
{
	const char *name;
	unsigned long start, len;

	if (!kallsyms_lookup(addr, &name, &start, &len))
		return ksnprintf(buf, size, "0x%08lx", addr);
	return ksnprintf(buf, size, "%s+0x%lx/0x%lx", name, addr - start, len);
}

/* "name" as Linux's %ps. */
int sprint_symbol_no_offset(char *buf, size_t size, unsigned long addr)
{
	const char *name;
	unsigned long start, len;

	if (!kallsyms_lookup(addr, &name, &start, &len))
		return ksnprintf(buf, size, "0x%08lx", addr);
	return ksnprintf(buf, size, "%s", name);
}
