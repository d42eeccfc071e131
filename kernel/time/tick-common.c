/*
 * tick-common.c - the periodic tick (linux/jiffies.h; Linux's kernel/time/tick-common.c,
 * tick_periodic): every CPU counts its ticks, CPU 0 (Linux's tick_do_timer_cpu) advances
 * jiffies.
 *
 * Where it sits: the board's timer interrupt (arch/arm/mach-bcm2836/timer.c) calls
 * tick_handle_periodic HZ times a second on each CPU, from its CPU-starting callback on.
 */
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <asm/smp.h>

#define TICK_DO_TIMER_CPU 0

volatile unsigned long jiffies;
unsigned long lpj_fine;
DEFINE_PER_CPU(unsigned long, tick_count); /* timer ticks on this CPU */

void tick_handle_periodic(void)
{
	this_cpu_inc(tick_count);
	if (smp_processor_id() == TICK_DO_TIMER_CPU)
		jiffies++;
}
