/*
 * vsprintf.h - pimm's printf engine (lib/vsprintf.c) with Linux's format semantics, used by
 * printk, the shell and the host tests. Differences from ISO C / newlib, as in Linux:
 *   %#x of 0 is "0x0" and the width counts the prefix (%#018Lx of 0: 0x0000000000000000);
 *   %Lx = %llx; %pa/%pap (phys_addr_t *) and %pad (dma_addr_t *) print 0x + 8 hex digits;
 *   %pS/%pB print symbol+0xoff/0xsize and %ps the bare symbol via sprint_symbol*();
 *   %p, %pK and %px print 8 hex digits, no 0x (Linux with no_hash_pointers); %s of NULL is "(null)";
 *   an unsupported conversion (%f, %n...) is copied literally and ends the output.
 */
#ifndef _PIMM_VSPRINTF_H
#define _PIMM_VSPRINTF_H

#include <stdarg.h>
#include <linux/compiler.h>
#include <linux/types.h>

/* Longest text sprint_symbol may produce ("name+0xoff/0xsize [module]" in Linux). */
#define KSYM_SYMBOL_LEN 128

/* Format into buf (NUL-terminated when size > 0); returns the length the whole output
 * would have had, as C's vsnprintf. size > INT_MAX writes nothing and returns 0. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
/* As kvsnprintf but returns what was really stored (excluding the NUL): 0..size-1. */
int kvscnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int kscnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* Text for a code address: "name+0xoff/0xsize" (%pS) or "name" (%ps). lib/ supplies weak
 * versions that print 0x%08lx; the kernel's kallsyms overrides them. Return the length. */
int sprint_symbol(char *buf, size_t size, unsigned long addr);
int sprint_symbol_no_offset(char *buf, size_t size, unsigned long addr);

#endif
