/*
 * main.c - start_kernel: the generic boot sequence, in Linux's order (init/main.c), calling
 * only the stages pimm has so far. head.S jumps here with the MMU on, on the boot CPU's
 * stack, IRQs off.
 *
 *   start_kernel
 *     smp_setup_processor_id   "Booting pimm on physical CPU 0x0"
 *     setup_arch               DTB, early params, memblock (arch/arm/kernel/setup.c)
 *     "Kernel command line"    then parse_args (__setup handlers)
 *     init_IRQ, time_init      interrupt controllers, the generic timer clock source
 *     local_irq_enable
 *     mark_readonly            kernel text RO, the rest NX, "Checked W+X mappings: passed"
 *     shell_main               the console shell (kernel/shell/), never returns
 */
#include <string.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/printk.h>
#include <asm/cp15.h>
#include <asm/irqflags.h>
#include <asm/mach.h>
#include <asm/smp.h>
#include <linux/percpu.h>
#include <linux/mm.h>

char boot_command_line[COMMAND_LINE_SIZE];
static char *saved_command_line;
static char static_command_line[COMMAND_LINE_SIZE];

const char linux_banner[] = "pimm version " PIMM_VERSION " (" CONFIG_VMSPLIT " split) (gcc "
			    __VERSION__ ") #1 SMP " __DATE__ " " __TIME__ "\n";

void setup_arch(char **cmdline_p);
void parse_args(char *cmdline);
void init_IRQ(void);
void __noreturn shell_main(void);
void mark_readonly(void);

static void __init smp_setup_processor_id(void)
{
	write_tpidrprw(0);
	pr_info("Booting pimm on physical CPU 0x%x\n", read_mpidr() & 0xffffff);
}

static void __init time_init(void)
{
	arch_timer_init();
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
	time_init();
	setup_per_cpu_pageset();
	local_irq_enable();
	/* kernel_init's part that pimm has: bring up the other CPUs */
	smp_prepare_cpus();
	arch_timer_starting_cpu();
	smp_init();
	mark_readonly(); /* Linux: kernel_init, once init code is done (arch/arm/mm/rodata.c) */
	shell_main();
}
