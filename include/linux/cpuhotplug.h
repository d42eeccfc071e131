/*
 * linux/cpuhotplug.h - per-CPU start-up callbacks (Linux's include/linux/cpuhotplug.h, the
 * "starting" states only): code that must run on every CPU as it comes up (enable its IPIs,
 * start its tick) registers once; pimm's kernel/cpuhotplug.c runs it at once on the calling CPU and
 * later on each secondary CPU from secondary_start_kernel (arch/arm/kernel/smp.c), in state
 * order, with that CPU's interrupts still off.
 */
#ifndef _LINUX_CPUHOTPLUG_H
#define _LINUX_CPUHOTPLUG_H

enum cpuhp_state {
	CPUHP_AP_IRQ_BCM2836_STARTING,
	CPUHP_AP_ARM_ARCH_TIMER_STARTING,
	CPUHP_AP_ONLINE, /* number of starting states */
};

/* Register @startup for @state and run it on this CPU now; 0, or -EBUSY if taken. */
int cpuhp_setup_state(enum cpuhp_state state, const char *name, int (*startup)(unsigned int cpu),
		      int (*teardown)(unsigned int cpu));
/* Run every registered startup callback on @cpu, the CPU calling this (Linux's name). */
void notify_cpu_starting(unsigned int cpu);

#endif
