/*
 * asm/virt.h - HYP mode (Linux's arch/arm/include/asm/virt.h): the mode the kernel was entered
 * in, and QEMU's HYP re-entry trampoline of arch/arm/kernel/hyp-reentry.S, which the shell's
 * `hvc` uses (machine_reboot_hyp, arch/arm/kernel/reboot.c).
 */
#ifndef _ASM_VIRT_H
#define _ASM_VIRT_H

#include <linux/types.h>

/* head.S: the CPSR mode CPU 0 arrived in. */
extern u32 __boot_cpu_mode;

/* hyp-reentry.S: the trampoline copied to a low page, where CPUs 1-3 park meanwhile. */
extern char hyp_reentry_tramp[], hyp_reentry_tramp_end[], hyp_park_cpu[];
/* vmlinux.lds.in: .data as the image had it, which the trampoline copies back. */
extern char __data_pristine[];
/* hyp-reentry.S: clean and invalidate the whole data cache by set/way. */
void hyp_flush_dcache_all(void);

#endif
