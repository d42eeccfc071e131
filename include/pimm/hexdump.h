/*
 * hexdump.h - one line of a word dump, as the shell's `peek ADDR N` prints it (lib/hexdump.c).
 */
#ifndef _PIMM_HEXDUMP_H
#define _PIMM_HEXDUMP_H

#include <linux/types.h>

#define HEX_DUMP_WORDS_PER_LINE 4

/* "0x%08lx: " then up to 4 words as %08x separated by spaces, into buf (NUL-terminated,
 * truncated to len). Returns the length of the full line, as snprintf. */
int hex_dump_line(char *buf, size_t len, unsigned long addr, const u32 *words, int nwords);

#endif
