/*
 * main.c - start_kernel and kernel_init: the generic boot sequence, in Linux 6.1's order
 * (init/main.c), calling only the stages pimm has so far. head.S jumps to start_kernel with
 * the MMU on, on the boot CPU's stack, IRQs off.
 *
 *   start_kernel
 *     smp_setup_processor_id   "Booting pimm on physical CPU 0xf00"
 *     setup_arch               early console, DTB and machine, early params, memblock,
 *                              paging_init (arch/arm/kernel/setup.c)
 *     setup_per_cpu_areas      the first per-CPU chunk (kernel/mm/percpu.c)
 *     smp_prepare_boot_cpu     CPU 0's per-CPU offset in TPIDRPRW
 *     build_all_zonelists      "Built 1 zonelists ... Total pages" (kernel/mm/page_alloc.c)
 *     page_alloc_init          (Linux: pcp CPU-hotplug callbacks; nothing in pimm)
 *     "Kernel command line"    then jump_label_init (the static keys' sites),
 *                              parse_early_param (done already), parse_args
 *     mm_init
 *       report_meminit         "mem auto-init: stack:off, heap alloc:off, heap free:off"
 *       mem_init               the hand-over: memblock_free_all, free_highpages
 *                              (arch/arm/mm/mem_init.c)
 *       mem_init_print_info    "Memory: xK/yK available (...)"
 *       print_vm_layout        "Virtual kernel memory layout:" (ARM's mem_init, Linux <= 5.0)
 *       kmem_cache_init        the slab caches (kernel/mm/slub.c)
 *       pgtable_init           (ARM without LPAE: nothing)
 *       vmalloc_init           the vmalloc range (kernel/mm/vmalloc.c)
 *     init_IRQ, time_init      the board's interrupt controllers, clock source and tick
 *     local_irq_enable
 *     setup_per_cpu_pageset    real per-CPU page sets, sized from the managed pages
 *     kernel_init              (Linux's rest_init starts it as PID 1; pimm calls it)
 *   kernel_init
 *     kernel_init_freeable
 *       smp_prepare_cpus, do_pre_smp_initcalls (early), smp_init   CPUs 1-3
 *       do_initcalls           levels 0..7 (linux/init.h): core cma_init_reserved_areas,
 *                              postcore init_per_zone_wmark_min, arch customize_machine...
 *     free_initmem             "Freeing unused kernel image (initmem) memory: 1024K"
 *     mark_readonly            kernel text RO, the rest NX, "Checked W+X mappings: passed"
 *     shell_main               the console shell (kernel/shell/), never returns
 *
 * start_kernel and everything it calls once are __init: freed by free_initmem. kernel_init
 * is not (it runs on after free_initmem), and never returns into start_kernel.
 */
#include <string.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/jump_label.h>
#include <linux/printk.h>
#include <linux/sched_clock.h>
#include <linux/start_kernel.h>
#include <asm/cp15.h>
#include <asm/hardirq.h>
#include <asm/irqflags.h>
#include <asm/pgtable.h>
#include <asm/ptdump.h>
#include <asm/setup.h>
#include <asm/smp.h>
#include <linux/percpu.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
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

/* "mem auto-init: ..." (Linux's report_meminit): pimm never fills stacks or pages. */
static void __init report_meminit(void)
{
	pr_info("mem auto-init: stack:%s, heap alloc:%s, heap free:%s\n", "off", "off", "off");
}

/* Linux's pgtable_init: page-table caches (ptlock, pgd); ARM without LPAE has none to set up. */
static void __init pgtable_init(void)
{
}

/* The memory allocators, in Linux's order: from here on pages come from the buddy allocator. */
static void __init mm_init(void)
{
	report_meminit();
	mem_init();
	mem_init_print_info();
	print_vm_layout(); /* ARM's mem_init printed it here until Linux 5.0 */
	kmem_cache_init();
	pgtable_init();
	vmalloc_init();
}

/* Run the initcalls of [start, end) in order (Linux reports failures with initcall_debug). */
static void __init do_initcall_level(const initcall_t *start, const initcall_t *end)
{
	const initcall_t *fn;

	for (fn = start; fn < end; fn++)
		(*fn)();
}

/* early_initcall: before the other CPUs start. */
static void __init do_pre_smp_initcalls(void)
{
	do_initcall_level(__initcall_start, __initcall0_start);
}

/* Levels 0 (pure) .. 7 (late), each complete before the next. */
static void __init do_initcalls(void)
{
	static const initcall_t *const levels[] = {
		__initcall0_start, __initcall1_start, __initcall2_start, __initcall3_start,
		__initcall4_start, __initcall5_start, __initcall6_start, __initcall7_start,
		__initcall_end,
	};
	unsigned int level;

	for (level = 0; level < ARRAY_SIZE(levels) - 1; level++)
		do_initcall_level(levels[level], levels[level + 1]);
}

/* kernel_init's part that may be freed: the other CPUs, then every initcall. */
static void __init kernel_init_freeable(void)
{
	smp_prepare_cpus();
	do_pre_smp_initcalls();
	smp_init();
	do_initcalls(); /* Linux: do_basic_setup */
}

/*
 * The end of boot (Linux's kernel_init, without the init process): initcalls, then the init
 * sections freed and the kernel image made read-only, then the shell. Not __init, not inlined
 * into start_kernel: it runs on after free_initmem.
 */
static noinline void __noreturn kernel_init(void)
{
	kernel_init_freeable();
	free_initmem();
	mark_readonly(); /* arch/arm/mm/rodata.c: NX fix-up, text RO, W+X check */
	shell_main();
}

void __init __noreturn start_kernel(void)
{
	char *command_line;

	smp_setup_processor_id();
	pr_notice("%s", linux_banner);
	setup_arch(&command_line);
	saved_command_line = boot_command_line;
	setup_per_cpu_areas();
	smp_prepare_boot_cpu(); /* TPIDRPRW = CPU 0's per-CPU offset */
	build_all_zonelists(NULL);
	page_alloc_init();
	strlcpy(static_command_line, command_line, sizeof(static_command_line));
	pr_notice("Kernel command line: %s\n", saved_command_line);
	jump_label_init(); /* kernel/jump_label.c: the static keys' sites */
	parse_early_param();
	parse_args(static_command_line);
	mm_init();

	init_IRQ();
	time_init(); /* also starts CPU 0's tick */
	local_irq_enable();
	setup_per_cpu_pageset();
	kernel_init();
}
