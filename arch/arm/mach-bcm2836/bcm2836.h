/*
 * bcm2836.h - what the parts of the BCM2836 board code tell each other; board.c gathers them
 * into the machine_desc (asm/mach/arch.h). Nothing outside arch/arm/mach-bcm2836/ includes it.
 */
#ifndef _MACH_BCM2836_H
#define _MACH_BCM2836_H

#include <linux/compiler.h>
#include <linux/reboot.h>
#include <linux/types.h>

struct pt_regs;

/* io.c: the static I/O map (machine_desc->map_io) */
void bcm2836_map_io(void);
/* intc.c: interrupt controllers and IPIs (machine_desc->init_irq, handle_irq) */
void bcm2836_init_irq(void);
void bcm2836_handle_irq(struct pt_regs *regs);
/* timer.c: the ARM generic timer (machine_desc->init_time) and its interrupt */
void arch_timer_init(void);
void arch_timer_handler(void);
/* uart.c: the PL011 as early console and console, and its receive interrupt */
void pl011_console_init(void);
void pl011_handle_irq(void);
/* aux_uart.c: the mini UART as the state stream's channel, and its receive interrupt */
void aux_uart_init(void);
void aux_uart_handle_irq(void);
/* intc.c: unmask the AUX interrupt (GPU IRQ 29) */
void bcm2836_enable_aux_irq(void);
/* platsmp.c: starting CPUs 1-3 (machine_desc->smp) */
extern const struct smp_operations bcm2836_smp_ops;
/* power.c: pm_power_off and machine_desc->restart */
void __noreturn bcm2836_power_off(void);
void bcm2836_restart(enum reboot_mode mode, const char *cmd);

#endif
