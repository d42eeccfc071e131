/*
 * asm/system_misc.h - odds and ends of the ARM machine (Linux's
 * arch/arm/include/asm/system_misc.h): how the kernel was entered, and QEMU's HYP re-entry.
 */
#ifndef _ASM_SYSTEM_MISC_H
#define _ASM_SYSTEM_MISC_H

#include <linux/types.h>

/* CPSR mode the kernel was entered in (HYP_MODE or SVC_MODE; arch/arm/kernel/setup.c). */
u32 boot_cpu_mode(void);
/*
 * QEMU only: reboot, QEMU re-entering the kernel in HYP mode (the shell's `hvc`;
 * arch/arm/kernel/reboot.c and hyp-reentry.S). Returns -1 if the kernel was itself entered in
 * HYP (the hvc vector is the firmware's), -2 if the trampoline or .data does not fit.
 */
int machine_reboot_hyp(void);

#endif
