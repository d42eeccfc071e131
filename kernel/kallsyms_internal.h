/*
 * kallsyms_internal.h - the symbol table that the second link pass embeds (tools/kallsyms.py
 * writes kallsyms.S; kernel/kallsyms_empty.S stands in for the first pass), as Linux's
 * kernel/kallsyms_internal.h. Only kernel/kallsyms.c reads it.
 *
 *   kallsyms_addresses[i]   start of symbol i, sorted ascending
 *   kallsyms_sizes[i]       its size in bytes
 *   kallsyms_offsets[i]     offset of its NUL-terminated name in kallsyms_names
 */
#ifndef _KERNEL_KALLSYMS_INTERNAL_H
#define _KERNEL_KALLSYMS_INTERNAL_H

extern const unsigned long kallsyms_num_syms;
extern const unsigned long kallsyms_addresses[];
extern const unsigned long kallsyms_sizes[];
extern const unsigned long kallsyms_offsets[];
extern const char kallsyms_names[];

#endif
