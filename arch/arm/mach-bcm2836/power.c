/*
 * power.c - poweroff, reboot and halt.
 *
 * poweroff: first ask the emulator through semihosting (SYS_EXIT: QEMU exits with status 0,
 * run with -semihosting); on hardware, or if nobody answers, do what Linux's bcm2835
 * watchdog driver does: mark "halt" in the PM reset-status partition bits, then reset.
 * reboot: a full reset through the PM watchdog (QEMU restarts the machine).
 */
#include <string.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <asm/io.h>
#include <asm/irqflags.h>
#include <asm/mach.h>
#include <asm/pgtable-2level-hwdef.h>
#include <asm/ptrace.h>
#include <asm/smp.h>

#define PM_BASE IO_ADDRESS(0x3f100000)
#define PM_RSTC 0x1c
#define PM_RSTS 0x20
#define PM_WDOG 0x24
#define PM_PASSWORD 0x5a000000
#define PM_RSTC_WRCFG_CLR 0xffffffcf
#define PM_RSTC_WRCFG_FULL_RESET 0x00000020
#define PM_RSTS_HALT_PARTITION 0x555 /* partition 63, spread over the even bits */

#define TRAMP_PHYS 0x1000 /* free page below swapper_pg_dir, clobbered by `hvc` */
#define SEMIHOSTING_SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

/*
 * Semihosting SYS_EXIT. Returns only if no debugger/emulator intercepted the call: the SVC
 * vector (entry.S) then answers r0 = -1.
 */
bool semihosting_exit(int status)
{
	register unsigned long r0 __asm__("r0") = SEMIHOSTING_SYS_EXIT;
	register unsigned long r1 __asm__("r1") = ADP_STOPPED_APPLICATION_EXIT;

	(void)status;
	__asm__ __volatile__("svc 0x123456" : "+r"(r0) : "r"(r1) : "memory", "lr", "cc");
	return false;
}

static void __noreturn pm_watchdog_reset(u32 rsts_extra)
{
	u32 v = readl(PM_BASE + PM_RSTS);

	writel(PM_PASSWORD | v | rsts_extra, PM_BASE + PM_RSTS);
	writel(PM_PASSWORD | 10, PM_BASE + PM_WDOG);
	v = readl(PM_BASE + PM_RSTC);
	writel(PM_PASSWORD | (v & PM_RSTC_WRCFG_CLR) | PM_RSTC_WRCFG_FULL_RESET, PM_BASE + PM_RSTC);
	for (;;)
		wfi();
}

void machine_power_off(void)
{
	local_irq_disable();
	pr_emerg("Power down\n");
	semihosting_exit(0);
	pm_watchdog_reset(PM_RSTS_HALT_PARTITION);
}

void machine_restart(void)
{
	local_irq_disable();
	pr_emerg("Restarting system\n");
	pm_watchdog_reset(0);
}

/*
 * Reboot into HYP mode through QEMU's hvc path (see arch/arm/kernel/hyp-reentry.S): QEMU only.
 * Returns -EPERM when the kernel was itself entered in HYP (real firmware: HVBAR is not ours).
 */
int machine_reboot_hyp(void)
{
	extern char hyp_reentry_tramp[], hyp_reentry_tramp_end[], hyp_park_cpu[], __data_pristine[];
	extern char _text[], _sdata[], _edata[];
	extern u32 swapper_pg_dir[4096], __atags_pointer;
	extern void hyp_flush_dcache_all(void);
	size_t tramp = hyp_reentry_tramp_end - hyp_reentry_tramp, data = _edata - _sdata;
	void (*fn)(u32, u32, u32, u32) = (void (*)(u32, u32, u32, u32))TRAMP_PHYS;

	if (boot_cpu_mode() == HYP_MODE)
		return -1;
	if (tramp > 0x800 || data > 0x800)
		return -2;
	local_irq_disable();
	pr_emerg("Rebooting through hvc: QEMU re-enters the kernel in HYP mode\n");
	memcpy(__va(TRAMP_PHYS), hyp_reentry_tramp, tramp);
	memcpy(__va(TRAMP_PHYS + 0x800), __data_pristine, data);
	/* identity section for the trampoline: VA 0 -> PA 0, RWX, strongly ordered */
	swapper_pg_dir[0] = PMD_TYPE_SECT | PMD_SECT_AP_WRITE | PMD_SECT_AP_READ;
	hyp_flush_dcache_all();
	__asm__ __volatile__("mcr p15, 0, %0, c7, c5, 0\n\t" /* ICIALLU */
			     "mcr p15, 0, %0, c8, c7, 0\n\t" /* TLBIALL */
			     "dsb\n\tisb" ::"r"(0) : "memory");
	/* the other CPUs must leave the kernel before it is overwritten */
	smp_send_stop(TRAMP_PHYS + (hyp_park_cpu - hyp_reentry_tramp));
	fn(_sdata - _text, data, __atags_pointer, TRAMP_PHYS + 0x800);
	for (;;)
		wfi();
}

void machine_halt(void)
{
	local_irq_disable();
	pr_emerg("System halted\n");
	for (;;)
		wfi();
}
