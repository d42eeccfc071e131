/*
 * irq.c - IRQ entry from entry.S and the interrupt controller set-up (Linux's init_IRQ).
 */
#include <linux/kernel.h>
#include <linux/init.h>
#include <asm/mach.h>
#include <asm/ptrace.h>

void do_IRQ(struct pt_regs *regs)
{
	(void)regs;
	bcm2836_handle_irq();
}

void __init init_IRQ(void)
{
	bcm2836_init_irq();
	pl011_enable_rx_irq();
}
