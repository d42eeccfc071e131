/*
 * start_kernel.h - the generic kernel's entry points from the architecture's boot code, as
 * Linux's include/linux/start_kernel.h: head.S branches to start_kernel on the boot CPU with
 * the MMU on, a stack and interrupts off (kernel/main.c).
 */
#ifndef _LINUX_START_KERNEL_H
#define _LINUX_START_KERNEL_H

#include <linux/compiler.h>

/* The generic boot sequence, in Linux's order; ends in the shell and never returns. */
void __noreturn start_kernel(void);

#endif
