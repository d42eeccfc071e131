/*
 * cpuhotplug.c - per-CPU start-up callbacks (linux/cpuhotplug.h; the "starting" half of Linux's
 * kernel/cpu.c, without hot-unplug).
 *
 * Where it sits: the board's init_irq and init_time register callbacks (open this CPU's IPIs,
 * start its tick), which run at once on the boot CPU; secondary_start_kernel
 * (arch/arm/kernel/smp.c) calls notify_cpu_starting on each secondary CPU before it goes
 * online.
 */
#include <errno.h>
#include <linux/cpuhotplug.h>
#include <linux/kernel.h>
#include <asm/smp.h>

struct cpuhp_step {
	const char *name;
	int (*startup)(unsigned int cpu);
};

static struct cpuhp_step cpuhp_steps[CPUHP_AP_ONLINE];

int cpuhp_setup_state(enum cpuhp_state state, const char *name, int (*startup)(unsigned int cpu),
		      int (*teardown)(unsigned int cpu))
{
	(void)teardown; /* CPUs never go offline in pimm */
	if ((unsigned int)state >= CPUHP_AP_ONLINE || cpuhp_steps[state].startup)
		return -EBUSY;
	cpuhp_steps[state].name = name;
	cpuhp_steps[state].startup = startup;
	return startup ? startup(smp_processor_id()) : 0;
}

void notify_cpu_starting(unsigned int cpu)
{
	for (unsigned int s = 0; s < CPUHP_AP_ONLINE; s++)
		if (cpuhp_steps[s].startup)
			cpuhp_steps[s].startup(cpu);
}
