/*
 * hexdump.c - format one line of 32-bit words for the shell's memory dump (pimm/hexdump.h).
 */
#include <pimm/hexdump.h>
#include <pimm/lab.h>
#include <pimm/vsprintf.h>

/* See hexdump.h: address, colon, then at most HEX_DUMP_WORDS_PER_LINE words. */
int hex_dump_line(char *buf, size_t len, unsigned long addr, const u32 *words, int nwords)
{
	/* LAB0 BEGIN */
	int i, n;

	if (nwords > HEX_DUMP_WORDS_PER_LINE)
		nwords = HEX_DUMP_WORDS_PER_LINE;
	n = ksnprintf(buf, len, "0x%08lx:", addr);
	for (i = 0; i < nwords; i++)
		n += ksnprintf(len > (size_t)n ? buf + n : NULL, len > (size_t)n ? len - n : 0,
			       " %08x", (unsigned int)words[i]);
	return n;
	/* LAB0 TODO
	lab_todo(0, "shell", "hex_dump_line");
	// Until it is written, a line shows its address and no words.
	(void)words;
	(void)nwords;
	return ksnprintf(buf, len, "0x%08lx: (hex_dump_line not written)", addr);
	*/
	/* LAB0 END */
}
