/*
 * linux/sched_clock.h - the kernel's nanosecond clock (Linux's include/linux/sched_clock.h and
 * linux/sched/clock.h): the board's clock source registers a counter and its rate
 * (arch/arm/mach-bcm2836/timer.c, in time_init); printk timestamps, timeouts and `uptime` read
 * it (kernel/time/sched_clock.c). Before registration the clock reads 0, as Linux's does.
 */
#ifndef _LINUX_SCHED_CLOCK_H
#define _LINUX_SCHED_CLOCK_H

#include <linux/types.h>

/* Make @read (a @bits-bit counter at @rate Hz) the kernel's clock. */
void sched_clock_register(u64 (*read)(void), int bits, unsigned long rate);
/* Nanoseconds since the counter started; 0 before sched_clock_register. */
u64 sched_clock(void);
/* pimm's additions, for `uptime`: the raw counter and its rate (0 before registration). */
u64 sched_clock_cycles(void);
unsigned long sched_clock_rate(void);

/* Linux's local_clock: this CPU's sched_clock (one counter for all CPUs on the Pi 2). */
static inline u64 local_clock(void)
{
	return sched_clock();
}

/* start_kernel's step that starts the clock: machine_desc->init_time (arch/arm/kernel/time.c). */
void time_init(void);

#endif
