/*
 * linux/reboot.h - powering off, restarting and halting the machine (Linux's
 * include/linux/reboot.h). The generic side is arch/arm/kernel/reboot.c; the board supplies
 * pm_power_off and machine_desc->restart (arch/arm/mach-bcm2836/power.c).
 */
#ifndef _LINUX_REBOOT_H
#define _LINUX_REBOOT_H

#include <linux/compiler.h>

/* How hard a restart should be (Linux's enum reboot_mode; the Pi 2 has only one kind). */
enum reboot_mode {
	REBOOT_UNDEFINED = -1,
	REBOOT_COLD = 0,
	REBOOT_WARM,
	REBOOT_HARD,
	REBOOT_SOFT,
	REBOOT_GPIO,
};

/* The board's way to cut the power (NULL: none; machine_power_off then halts). */
extern void (*pm_power_off)(void);

/* "Power down", then pm_power_off (QEMU exits with status 0). */
void __noreturn machine_power_off(void);
/* "Restarting system", then machine_desc->restart (Linux passes a command string; pimm none). */
void __noreturn machine_restart(void);
/* "System halted": IRQs off, wait for interrupts for ever. */
void __noreturn machine_halt(void);

#endif
