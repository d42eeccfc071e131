/*
 * asm/uaccess.h - reads and writes that may fault, recovered through the exception table.
 *
 * Each access instruction gets an __ex_table entry {instruction, fixup}. When it faults, the
 * abort handler (arch/arm/kernel/traps.c) finds the entry and resumes at the fixup, which makes
 * the access return -EFAULT. The shell's peek/poke use these: a bad address is an error, not
 * a crash. The fault itself (DFSR/DFAR) is kept for the caller: last_fixup_fault().
 */
#ifndef _ASM_UACCESS_H
#define _ASM_UACCESS_H

#include <errno.h>
#include <linux/types.h>

struct exception_table_entry {
	unsigned long insn, fixup;
};

/* The table the linker collects from every __ex_table section (vmlinux.lds.in). */
extern const struct exception_table_entry __start___ex_table[], __stop___ex_table[];

/* What the last fixed-up fault on this CPU was (fsr, far), for reports. */
struct fixup_fault {
	u32 fsr;
	u32 far;
	bool prefetch;
};
const struct fixup_fault *last_fixup_fault(void);
const struct exception_table_entry *search_exception_tables(unsigned long addr);

#define __nofault_asm(insn, reg, addr, err)                                                        \
	__asm__ __volatile__("1:	" insn " %1, [%2]\n"                                       \
			     "2:\n"                                                                \
			     "	.pushsection .text.fixup, \"ax\"\n"                                 \
			     "	.align	2\n"                                                        \
			     "3:	mov	%0, %3\n"                                                \
			     "	b	2b\n"                                                         \
			     "	.popsection\n"                                                      \
			     "	.pushsection __ex_table, \"a\"\n"                                   \
			     "	.align	3\n"                                                        \
			     "	.long	1b, 3b\n"                                                     \
			     "	.popsection\n"                                                      \
			     : "+r"(err), "+r"(reg)                                                \
			     : "r"(addr), "i"(-EFAULT)                                             \
			     : "memory")

/* Read the word at addr into *val; 0 or -EFAULT. */
static inline int get_kernel_nofault32(u32 *val, unsigned long addr)
{
	int err = 0;
	u32 v = 0;

	__nofault_asm("ldr", v, addr, err);
	*val = v;
	return err;
}

/* Write val to the word at addr; 0 or -EFAULT. */
static inline int put_kernel_nofault32(unsigned long addr, u32 val)
{
	int err = 0;

	__nofault_asm("str", val, addr, err);
	return err;
}

#endif
