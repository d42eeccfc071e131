/*
 * asm/ptrace.h - processor modes, PSR bits and the register frame (struct pt_regs) that the
 * exception entry code (arch/arm/kernel/entry.S) saves on the SVC stack.
 *
 *   sp -> +0  r0 .. r12        (13 words)
 *         +52 sp  (of the interrupted context)
 *         +56 lr  (of the interrupted context)
 *         +60 pc  (where the exception happened / where to return)
 *         +64 cpsr (the interrupted CPSR, from SPSR)
 *         +68 orig_r0
 */
#ifndef _ASM_PTRACE_H
#define _ASM_PTRACE_H

#define USR_MODE 0x10
#define FIQ_MODE 0x11
#define IRQ_MODE 0x12
#define SVC_MODE 0x13
#define MON_MODE 0x16
#define ABT_MODE 0x17
#define HYP_MODE 0x1a
#define UND_MODE 0x1b
#define SYSTEM_MODE 0x1f
#define MODE_MASK 0x1f

#define PSR_T_BIT 0x00000020 /* Thumb state */
#define PSR_F_BIT 0x00000040 /* FIQs masked */
#define PSR_I_BIT 0x00000080 /* IRQs masked */
#define PSR_A_BIT 0x00000100 /* asynchronous aborts masked */

#define S_R0 0
#define S_SP 52
#define S_LR 56
#define S_PC 60
#define S_PSR 64
#define S_OLD_R0 68
#define S_FRAME_SIZE 72

#ifndef __ASSEMBLER__
struct pt_regs {
	unsigned long uregs[18];
};

#define ARM_cpsr uregs[16]
#define ARM_pc uregs[15]
#define ARM_lr uregs[14]
#define ARM_sp uregs[13]
#define ARM_fp uregs[11]
#define ARM_r0 uregs[0]
#define ARM_ORIG_r0 uregs[17]

static inline int processor_mode(const struct pt_regs *regs)
{
	return regs->ARM_cpsr & MODE_MASK;
}

const char *processor_mode_name(unsigned int mode);
#endif

#endif
