/*
 * board.c - the Raspberry Pi 2 (BCM2836) as a machine_desc: the one board pimm knows (Linux's
 * arch/arm/mach-bcm/board_bcm2835.c, which also drives the BCM2836).
 *
 * Where it sits in the boot pipeline: setup_machine_fdt (arch/arm/kernel/devtree.c) picks this
 * record when the DTB's root "compatible" lists "brcm,bcm2836" (and falls back to it, with a
 * warning, when it lists no known board); the generic code then reaches the board only
 * through the hooks below (asm/mach/arch.h).
 */
#include <linux/console.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/reboot.h>
#include <asm/mach/arch.h>
#include <asm/smp.h>
#include <mach/platform.h>

#include "bcm2836.h"

/* End of setup_arch: how to power off (Linux: the bcm2835 watchdog driver sets pm_power_off). */
static void __init bcm2836_init_early(void)
{
	pm_power_off = bcm2836_power_off;
}

/* customize_machine: the real PL011 console replaces the early one; the mini UART carries
 * the state stream. */
static void __init bcm2836_init_machine(void)
{
	pl011_console_init();
	aux_uart_init();
}

/* The physical address space around RAM (mach/platform.h), for `whatis`. */
static const struct resource bcm2836_iomem[] = {
	{VC_MEM_PHYS, IO_PERIPH_PHYS - 1, "VideoCore memory"},
	{IO_PERIPH_PHYS, IO_PERIPH_PHYS + IO_PERIPH_SIZE - 1,
	 "BCM2836 peripherals: fixmap/ioremap"},
	{IO_LOCAL_PHYS, LOCAL_PERIPH_END - 1, "ARM local peripherals"},
	{0, 0, NULL},
};

static const char *const bcm2836_compat[] = {
	"brcm,bcm2836",
	NULL,
};

DT_MACHINE_START(BCM2836, "BCM2836")
	.dt_compat = bcm2836_compat,
	.smp = &bcm2836_smp_ops,
	.init_early = bcm2836_init_early,
	.map_io = bcm2836_map_io,
	.init_irq = bcm2836_init_irq,
	.init_time = arch_timer_init,
	.init_machine = bcm2836_init_machine,
	.handle_irq = bcm2836_handle_irq,
	.restart = bcm2836_restart,
	.iomem = bcm2836_iomem,
MACHINE_END
