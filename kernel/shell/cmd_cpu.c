/*
 * cpu.c - the CPUs: `cpus` lists them, `on CPU COMMAND` runs a shell command on another CPU
 * through an IPI (smp_call_function_single) and waits for it.
 */
#include <string.h>
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/jiffies.h>
#include <asm/hardirq.h>
#include <asm/irqflags.h>
#include <asm/ptrace.h>
#include <asm/smp.h>
#include <pimm/shell.h>
#include <pimm/vsprintf.h>

static const char *mode_name(u32 mode)
{
	return mode == HYP_MODE ? "HYP" : mode == SVC_MODE ? "SVC" : "?";
}

/* What `cpus` prints for one CPU; runs on that CPU to read its own registers. */
static void cpu_report(void *arg)
{
	unsigned int cpu = smp_processor_id();
	u32 cpsr;

	(void)arg;
	cpsr = arch_local_save_flags();
	shprintf("%3u  %08x  %-5s %-5s  0x%08lx  %8lu %8lu %8lu  %08x\n", cpu, read_mpidr(),
		 mode_name(cpu_info[cpu].entry_mode), mode_name(cpsr & MODE_MASK),
		 __my_cpu_offset(), this_cpu_read(irq_count), this_cpu_read(tick_count),
		 this_cpu_ptr(&ipi_count)[0][IPI_CALL_FUNC], get_cr());
}

static int cmd_cpus(int argc, char **argv)
{
	if (argc != 1)
		return shell_usage(argv[0]);
	shprintf("CPU  MPIDR     entry now    per-cpu off     irqs    ticks  callfn  SCTLR\n");
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		if (cpu_online(cpu))
			smp_call_function_single(cpu, cpu_report, NULL, 1);
		else
			shprintf("%3u  offline\n", cpu);
	}
	shprintf("%u of %u CPUs online\n", num_online_cpus(), NR_CPUS);
	return 0;
}
SHELL_CMD("cpus", cmd_cpus, "cpus",
	  "the CPUs: MPIDR, entry and current mode, per-CPU offset (TPIDRPRW), interrupt counts");

struct on_call {
	char line[SHELL_LINE_MAX];
	int ret;
};

static void on_cpu_run(void *arg)
{
	struct on_call *c = arg;

	c->ret = shell_run_line(c->line);
}

static int cmd_on(int argc, char **argv)
{
	static struct on_call call;
	u32 cpu;
	size_t used = 0;

	if (argc < 3)
		return shell_usage(argv[0]);
	if (shell_parse_u32(argv[0], "CPU number", argv[1], &cpu))
		return -1;
	if (cpu >= NR_CPUS || !cpu_online(cpu))
		return shell_error(argv[0], "no CPU %u online (CPUs 0-%u)", cpu, NR_CPUS - 1);
	if (!shell_find(argv[2]))
		return shell_error(argv[0], "%s: command not found", argv[2]);
	if (!strcmp(argv[2], "on"))
		return shell_error(argv[0], "'on' cannot be nested");
	call.line[0] = '\0';
	for (int i = 2; i < argc; i++) /* re-quote: cmdline_split removed the quotes */
		used += ksnprintf(call.line + used, sizeof(call.line) - used, "%s\"%s\"",
				  i > 2 ? " " : "", argv[i]);
	if (used >= sizeof(call.line))
		return shell_error(argv[0], "command line too long");
	smp_call_function_single(cpu, on_cpu_run, &call, 1);
	return call.ret;
}
SHELL_CMD("on", cmd_on, "on CPU COMMAND [ARGS]", "run a shell command on another CPU (through an IPI)");
