/*
 * asm/traps.h - exception handling entry points and the shell's oops recovery hook.
 */
#ifndef _ASM_TRAPS_H
#define _ASM_TRAPS_H

#include <setjmp.h>
#include <linux/init.h>
#include <linux/types.h>
#include <asm/ptrace.h>
#include <asm/smp.h>
#include <pimm/vsprintf.h>

/* Set by the shell while a command runs on this CPU: an oops then longjmps here. A nested
 * command (`on 0 CMD`) saves the outer one's and puts it back when it ends. */
extern jmp_buf *oops_recovery[CONFIG_NR_CPUS];

const char *fsr_name(u32 fsr, bool prefetch);
void show_regs(const struct pt_regs *regs);
void die(const char *str, struct pt_regs *regs, u32 err);
void early_trap_init(void);
/* Fill the two pages at vectors (0xffff0000 vectors, 0xffff1000 stubs) from entry.S. */
void early_trap_init_vectors(void *vectors);

/* The C ends of entry.S's vector stubs (arch/arm/kernel/traps.c), each with the saved registers:
 * data abort (DFSR/DFAR), prefetch abort (IFSR/IFAR), undefined instruction, an exception taken
 * in an unexpected mode, and a jump to the reset vector. */
void do_DataAbort(struct pt_regs *regs);
void do_PrefetchAbort(struct pt_regs *regs);
void do_undefinstr(struct pt_regs *regs);
void do_bad_mode(struct pt_regs *regs);
void do_reset_vector(void);

/* Execute an undefined instruction (UDF #0): an undefined-instruction oops on purpose, for
 * the shell's `crash undef`. */
static __always_inline void arch_undefined_instruction(void)
{
	__asm__ __volatile__("udf #0");
}

#endif
