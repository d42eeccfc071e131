/*
 * asm/mach.h - transition header: what it used to declare now lives behind Linux's interfaces
 * (asm/mach/arch.h for the board, linux/reboot.h, linux/sched_clock.h, linux/jiffies.h,
 * asm/hardirq.h). Kept only for files not yet converted (kernel/panic.c,
 * kernel/shell/cmd_percpu.c); include the specific headers instead and delete this one.
 */
#ifndef _ASM_MACH_H
#define _ASM_MACH_H

#include <linux/jiffies.h>
#include <linux/reboot.h>
#include <linux/sched_clock.h>
#include <asm/hardirq.h>

#endif
