/*
 * time.c - time_init: the board's clock source and tick (Linux's arch/arm/kernel/time.c).
 *
 * Where it sits: start_kernel, after init_IRQ: machine_desc->init_time (for the Pi 2, the ARM
 * generic timer: arch/arm/mach-bcm2836/timer.c) registers sched_clock and starts the tick.
 */
#include <linux/init.h>
#include <linux/sched_clock.h>
#include <asm/mach/arch.h>

void __init time_init(void)
{
	if (machine_desc->init_time)
		machine_desc->init_time();
}
