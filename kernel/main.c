/*
 * main.c - start_kernel: the generic boot sequence, in Linux's order (init/main.c), calling
 * only the stages pimm has so far. head.S jumps here with the MMU on, on the boot CPU's
 * stack, IRQs off.
 *
 *   start_kernel
 *     smp_setup_processor_id   "Booting pimm on physical CPU 0xf00"
 *     setup_arch               early console, DTB and machine, early params, memblock,
 *                              paging_init (arch/arm/kernel/setup.c)
 *     setup_per_cpu_areas      the first per-CPU chunk (kernel/mm/percpu.c)
 *     smp_prepare_boot_cpu     CPU 0's per-CPU offset in TPIDRPRW
 *     build_all_zonelists      "Built 1 zonelists ... Total pages" (kernel/mm/page_alloc.c)
 *     "Kernel command line"    then parse_args (__setup handlers)
 *     init_IRQ, time_init      the board's interrupt controllers, clock source and tick
 *                              (machine_desc->init_irq, init_time)
 *     setup_per_cpu_pageset    the per-CPU page sets of every zone
 *     local_irq_enable
 *   kernel_init's part that pimm has:
 *     smp_prepare_cpus, smp_init   CPUs 1-3 (arch/arm/kernel/smp.c)
 *     customize_machine        the board's devices: the real console replaces the early one
 *     mark_readonly            kernel text RO, the rest NX, "Checked W+X mappings: passed"
 *     shell_main               the console shell (kernel/shell/), never returns
 */
#include <string.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/printk.h>
#include <linux/sched_clock.h>
#include <linux/start_kernel.h>
#include <asm/cp15.h>
#include <asm/hardirq.h>
#include <asm/irqflags.h>
#include <asm/ptdump.h>
#include <asm/setup.h>
#include <asm/smp.h>
#include <linux/percpu.h>
#include <linux/mm.h>
#include <pimm/shell.h>

char boot_command_line[COMMAND_LINE_SIZE];
static char *saved_command_line;
static char static_command_line[COMMAND_LINE_SIZE];

const char linux_banner[] = "pimm version " PIMM_VERSION " (" CONFIG_VMSPLIT " split) (gcc "
			    __VERSION__ ") #1 SMP " __DATE__ " " __TIME__ "\n";

static void __init smp_setup_processor_id(void)
{
	write_tpidrprw(0);
	pr_info("Booting pimm on physical CPU 0x%x\n", read_mpidr() & MPIDR_HWID_BITMASK);
}

const char *get_saved_command_line(void)
{
	return saved_command_line ? saved_command_line : "";
}

void __noreturn start_kernel(void)
{
	char *command_line;

	smp_setup_processor_id();
	pr_notice("%s", linux_banner);
	setup_arch(&command_line);
	saved_command_line = boot_command_line;
	setup_per_cpu_areas();
	smp_prepare_boot_cpu(); /* TPIDRPRW = CPU 0's per-CPU offset */
	build_all_zonelists(NULL);
	strlcpy(static_command_line, command_line, sizeof(static_command_line));
	pr_notice("Kernel command line: %s\n", saved_command_line);
	parse_early_param();
	parse_args(static_command_line);

	init_IRQ();
	time_init(); /* also starts CPU 0's tick */
	setup_per_cpu_pageset();
	local_irq_enable();
	/* kernel_init's part that pimm has: bring up the other CPUs, then the board's devices */
	smp_prepare_cpus();
	smp_init();
	customize_machine();
	mark_readonly(); /* Linux: kernel_init, once init code is done (arch/arm/mm/rodata.c) */
	shell_main();
}
