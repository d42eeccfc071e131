/*
 * setup.c - setup_arch: the architecture's part of boot, the first thing start_kernel calls.
 *
 *   setup_arch
 *     setup_processor           CPU: ARMv7 Processor [410fc075] ..., per-mode exception stacks
 *     setup_earlycon            the board's early console (EARLYCON_DECLARE, linux/console.h)
 *                               registers and shows the lines logged so far; it prints
 *                               through head.S's UART section for now
 *     setup_machine_fdt         check the DTB, choose the machine_desc by the root
 *                               "compatible", "Machine model", /chosen, /memory -> memblock
 *     early_fixmap_init         bm_pte under FIXADDR_TOP
 *     earlycon_map              the UART page in the fixmap slot FIX_EARLYCON_MEM_BASE; the
 *                               early console prints through it from now on (paging_init
 *                               keeps the slot and clears head.S's section with all of
 *                               vmalloc space, as Linux's devicemaps_init)
 *     parse_early_param         mem=, cma=, vmalloc=, initrd=, memblock=debug, loglevel=...
 *     early_mm_init             build_mem_type_table: "Memory policy: Data cache writealloc"
 *     adjust_lowmem_bounds      where lowmem ends (vmalloc=), highmem or "Ignoring RAM"
 *     arm_memblock_init         reserve kernel, initrd, page table, reserved-memory, CMA
 *     adjust_lowmem_bounds      again, after the reservations
 *     paging_init               the kernel's own page tables (arch/arm/mm/mmu.c), which also
 *                               drop head.S's identity section: NULL now faults; its
 *                               devicemaps_init calls machine_desc->map_io
 *     smp_set_ops               machine_desc->smp, for smp_init
 *     machine_desc->init_early  the board's early set-up (pm_power_off)
 */
#include <string.h>
#include <linux/console.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/printk.h>
#include <asm/cp15.h>
#include <asm/fixmap.h>
#include <asm/io.h>
#include <asm/mach/arch.h>
#include <asm/memory.h>
#include <asm/ptrace.h>
#include <asm/setup.h>
#include <asm/smp.h>
#include <asm/system_misc.h>
#include <asm/traps.h>
#include <asm/virt.h>

/* The exception modes' tiny stacks (r0, lr, spsr while switching to SVC), per CPU. */
struct stack {
	u32 irq[3];
	u32 abt[3];
	u32 und[3];
	u32 fiq[3];
} __aligned(8);
static struct stack stacks[CONFIG_NR_CPUS];

static char cmd_line[COMMAND_LINE_SIZE];

/*
 * Give this CPU's IRQ, ABT, UND and FIQ modes their stacks (Linux's cpu_init). The pointers
 * are pinned to r0-r3: r8-r12 are banked in FIQ mode and would read other values there.
 */
void cpu_init(void)
{
	struct stack *stk = &stacks[smp_processor_id()];
	register u32 *irq __asm__("r0") = stk->irq;
	register u32 *abt __asm__("r1") = stk->abt;
	register u32 *und __asm__("r2") = stk->und;
	register u32 *fiq __asm__("r3") = stk->fiq;

	__asm__ __volatile__("msr cpsr_c, %4\n\tmov sp, %0\n\t"
			     "msr cpsr_c, %5\n\tmov sp, %1\n\t"
			     "msr cpsr_c, %6\n\tmov sp, %2\n\t"
			     "msr cpsr_c, %7\n\tmov sp, %3\n\t"
			     "msr cpsr_c, %8"
			     :
			     : "r"(irq), "r"(abt), "r"(und), "r"(fiq),
			       "I"(IRQ_MODE | PSR_I_BIT | PSR_F_BIT),
			       "I"(ABT_MODE | PSR_I_BIT | PSR_F_BIT),
			       "I"(UND_MODE | PSR_I_BIT | PSR_F_BIT),
			       "I"(FIQ_MODE | PSR_I_BIT | PSR_F_BIT),
			       "I"(SVC_MODE | PSR_I_BIT | PSR_F_BIT)
			     : "memory");
}

/* Linux's cacheid_init + the CPU: lines. */
static void __init cacheid_print(void)
{
	u32 ctr = __read_cp15(0, c0, c0, 1);
	unsigned int l1ip = (ctr >> 14) & 3;
	const char *icache = "VIPT nonaliasing";

	if (l1ip == 1) {
		icache = "VIVT ASID tagged";
	} else if (l1ip == 3) {
		icache = "PIPT";
	} else {
		u32 ccsidr;

		__write_cp15(1, 2, c0, c0, 0); /* CSSELR: L1 instruction cache */
		isb();
		ccsidr = __read_cp15(1, c0, c0, 0);
		if ((((ccsidr >> 13) & 0x7fff) + 1) * (16u << (ccsidr & 7)) > PAGE_SIZE)
			icache = "VIPT aliasing";
	}
	pr_info("CPU: PIPT / VIPT nonaliasing data cache, %s instruction cache\n", icache);
}

static void __init setup_processor(void)
{
	u32 midr = read_midr();

	cpu_init();
	pr_info("CPU: ARMv7 Processor [%08x] revision %d (ARMv7), cr=%08x\n", midr, midr & 15,
		get_cr());
	cacheid_print();
}

/* Linux's early_mm_init: the memory types for this CPU, and the policy line. */
static void __init early_mm_init(void)
{
	build_mem_type_table();
	pr_info("Memory policy: Data cache %s\n", cache_policy_name);
}

/* The registered early console's device (Linux's early_console_dev in earlycon.c). */
static struct earlycon_device early_console_dev;

/*
 * Register the board's early console (the first EARLYCON_DECLARE record; Linux chooses one by
 * earlycon= or /chosen/stdout-path, pimm's board offers one), writing through head.S's mapping
 * of the UART. Linux registers its earlycon only once earlycon_map has mapped it (in
 * parse_early_param), and shows earlier lines by the replay; pimm registers it first thing so
 * that a failure in setup_machine_fdt (a panic naming a bad DTB) is seen too. NULL if none.
 */
static const struct earlycon_id *__init setup_earlycon(void)
{
	const struct earlycon_id *id = __earlycon_table;

	if (id >= __earlycon_table_end)
		return NULL;
	early_console_dev.con = id->con;
	early_console_dev.mapbase = id->phys;
	early_console_dev.membase = id->head_virt;
	id->con->data = &early_console_dev;
	register_console(id->con);
	return id;
}

/*
 * Linux's earlycon_map: the early console's page in the permanent fixmap slot, and the console
 * writes through it from here on (head.S's section is cleared by paging_init's devicemaps_init;
 * early_fixmap_shutdown carries the slot over). Needs early_fixmap_init.
 */
static void __init earlycon_map(void)
{
	phys_addr_t phys = early_console_dev.mapbase;

	__set_fixmap(FIX_EARLYCON_MEM_BASE, phys & PAGE_MASK, FIXMAP_PAGE_IO);
	early_console_dev.membase = fix_to_virt(FIX_EARLYCON_MEM_BASE) + (phys & ~PAGE_MASK);
}

void __init setup_arch(char **cmdline_p)
{
	const struct earlycon_id *earlycon;

	setup_processor();
	earlycon = setup_earlycon();
	early_trap_init();
	if (__image_load_addr != KERNEL_PHYS_START)
		pr_info("Boot: image loaded at 0x%08x, moved to 0x%08x\n", __image_load_addr,
			KERNEL_PHYS_START);

	setup_machine_fdt((void *)(FDT_FIXED_BASE + (__atags_pointer % SZ_1M)), __atags_pointer);
	early_fixmap_init();
	if (earlycon)
		earlycon_map();
	strlcpy(cmd_line, boot_command_line, COMMAND_LINE_SIZE);
	*cmdline_p = cmd_line;

	parse_early_param();
	early_mm_init();
	adjust_lowmem_bounds();
	arm_memblock_init();
	adjust_lowmem_bounds();
	paging_init();
	smp_set_ops(machine_desc->smp);
	if (machine_desc->init_early)
		machine_desc->init_early();
}

/* Linux's customize_machine (an arch_initcall, after smp_init): the board's devices. */
static int __init customize_machine(void)
{
	if (machine_desc->init_machine)
		machine_desc->init_machine();
	return 0;
}
arch_initcall(customize_machine);

bool boot_cpu_mode_mismatch;

/* Linux's hyp_mode_check: how the CPUs arrived (after smp_init). */
void __init hyp_mode_check(void)
{
	if (boot_cpu_mode_mismatch) {
		pr_warn("CPU: WARNING: CPU(s) started in wrong/inconsistent modes (primary CPU mode 0x%x)\n",
			__boot_cpu_mode);
		pr_warn("CPU: This may indicate a broken bootloader or firmware.\n");
	} else if (__boot_cpu_mode == HYP_MODE) {
		pr_info("CPU: All CPU(s) started in HYP mode.\n");
		pr_info("CPU: Virtualization extensions available.\n");
	} else {
		pr_info("CPU: All CPU(s) started in SVC mode.\n");
	}
}

u32 boot_cpu_mode(void)
{
	return __boot_cpu_mode;
}
