/*
 * power.c - the BCM2836's power-off (pm_power_off) and restart (machine_desc->restart), set
 * up by board.c; the generic machine_power_off and machine_restart (arch/arm/kernel/reboot.c)
 * print Linux's lines and call them (Linux: drivers/watchdog/bcm2835_wdt.c).
 *
 * poweroff: first ask the emulator through semihosting (SYS_EXIT: QEMU exits with status 0,
 * run with -semihosting); on hardware, or if nobody answers, do what Linux's bcm2835
 * watchdog driver does: mark "halt" in the PM reset-status partition bits, then reset.
 * reboot: a full reset through the PM watchdog (QEMU restarts the machine).
 */
#include <linux/kernel.h>
#include <linux/reboot.h>
#include <asm/io.h>
#include <mach/platform.h>

#include "bcm2836.h"

#define PM_BASE IO_ADDRESS(0x3f100000)
#define PM_RSTC 0x1c
#define PM_RSTS 0x20
#define PM_WDOG 0x24
#define PM_PASSWORD 0x5a000000
#define PM_RSTC_WRCFG_CLR 0xffffffcf
#define PM_RSTC_WRCFG_FULL_RESET 0x00000020
#define PM_RSTS_HALT_PARTITION 0x555 /* partition 63, spread over the even bits */

#define SEMIHOSTING_SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

/*
 * Semihosting SYS_EXIT. Returns only if no debugger/emulator intercepted the call: the SVC
 * vector (entry.S) then answers r0 = -1.
 */
static bool semihosting_exit(int status)
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

/* pm_power_off: QEMU exits through semihosting; hardware halts through the watchdog. */
void bcm2836_power_off(void)
{
	semihosting_exit(0);
	pm_watchdog_reset(PM_RSTS_HALT_PARTITION);
}

/* machine_desc->restart: a full reset through the PM watchdog (every mode is the same here). */
void bcm2836_restart(enum reboot_mode mode, const char *cmd)
{
	(void)mode, (void)cmd;
	pm_watchdog_reset(0);
}

