/*
 * linux/jiffies.h - the periodic tick (Linux's include/linux/jiffies.h and the periodic part of
 * kernel/time/tick-common.c). The board's timer interrupt (arch/arm/mach-bcm2836/timer.c)
 * calls tick_handle_periodic on every CPU HZ times a second; CPU 0 advances jiffies.
 */
#ifndef _LINUX_JIFFIES_H
#define _LINUX_JIFFIES_H

#include <linux/percpu.h>

#define HZ 100

extern volatile unsigned long jiffies;
/* Ticks taken by each CPU (pimm's counter, shown by `cpus` and `percpu`). */
DECLARE_PER_CPU(unsigned long, tick_count);
/* Loops per jiffy of the timer-based delay (Linux: rate / HZ): what BogoMIPS is made of. */
extern unsigned long lpj_fine;

/* One tick on this CPU: count it; CPU 0 advances jiffies (Linux's tick_periodic). */
void tick_handle_periodic(void);

#endif
