/*
 * reboot.c - power off, restart, halt (Linux's arch/arm/kernel/reboot.c, with the lines
 * kernel/reboot.c prints first), and QEMU's reboot into HYP mode.
 *
 * Where it sits: the shell's `poweroff`/`reboot`, panic= and newlib's _exit end here; the board
 * does the work (pm_power_off, machine_desc->restart: arch/arm/mach-bcm2836/power.c).
 */
#include <string.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/reboot.h>
#include <asm/io.h>
#include <asm/irqflags.h>
#include <asm/mach/arch.h>
#include <asm/memory.h>
#include <asm/pgtable.h>
#include <asm/pgtable-2level-hwdef.h>
#include <asm/ptrace.h>
#include <asm/sections.h>
#include <asm/setup.h>
#include <asm/smp.h>
#include <asm/system_misc.h>
#include <asm/virt.h>

#define TRAMP_PHYS 0x1000 /* free page below swapper_pg_dir, clobbered by `hvc` */
#define TRAMP_MAX 0x800   /* the trampoline in the first half, .data's copy in the second */

void (*pm_power_off)(void);

void machine_halt(void)
{
	local_irq_disable();
	pr_emerg("System halted\n");
	for (;;)
		wfi();
}

void machine_power_off(void)
{
	local_irq_disable();
	pr_emerg("Power down\n");
	if (pm_power_off)
		pm_power_off();
	for (;;) /* no way to cut the power: stay halted */
		wfi();
}

void machine_restart(void)
{
	local_irq_disable();
	pr_emerg("Restarting system\n");
	if (machine_desc && machine_desc->restart)
		machine_desc->restart(REBOOT_HARD, NULL);
	pr_emerg("Reboot failed -- System halted\n");
	for (;;)
		wfi();
}

/*
 * Reboot into HYP mode through QEMU's hvc path (see arch/arm/kernel/hyp-reentry.S): QEMU only.
 * Returns -1 when the kernel was itself entered in HYP (real firmware: HVBAR is not ours).
 */
int machine_reboot_hyp(void)
{
	size_t tramp = hyp_reentry_tramp_end - hyp_reentry_tramp, data = _edata - _sdata;
	void (*fn)(u32, u32, u32, u32) = (void (*)(u32, u32, u32, u32))TRAMP_PHYS;

	if (boot_cpu_mode() == HYP_MODE)
		return -1;
	if (tramp > TRAMP_MAX || data > TRAMP_MAX)
		return -2;
	local_irq_disable();
	/* free_initmem gave the init sections away: put them back (arch/arm/mm/mem_init.c) */
	initmem_restore();
	pr_emerg("Rebooting through hvc: QEMU re-enters the kernel in HYP mode\n");
	memcpy(__va(TRAMP_PHYS), hyp_reentry_tramp, tramp);
	memcpy(__va(TRAMP_PHYS + TRAMP_MAX), __data_pristine, data);
	/* identity section for the trampoline: VA 0 -> PA 0, RWX, strongly ordered */
	swapper_pg_dir[0] = PMD_TYPE_SECT | PMD_SECT_AP_WRITE | PMD_SECT_AP_READ;
	hyp_flush_dcache_all();
	__asm__ __volatile__("mcr p15, 0, %0, c7, c5, 0\n\t" /* ICIALLU */
			     "mcr p15, 0, %0, c8, c7, 0\n\t" /* TLBIALL */
			     "dsb\n\tisb" ::"r"(0) : "memory");
	/* the other CPUs must leave the kernel before it is overwritten */
	smp_send_stop(TRAMP_PHYS + (hyp_park_cpu - hyp_reentry_tramp));
	fn(_sdata - _text, data, __atags_pointer, TRAMP_PHYS + TRAMP_MAX);
	for (;;)
		wfi();
}
