/*
 * irq.c - IRQ entry from entry.S and the interrupt controller set-up (Linux's
 * arch/arm/kernel/irq.c: init_IRQ, and handle_arch_irq, which the board provides as
 * machine_desc->handle_irq).
 */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <asm/hardirq.h>
#include <asm/mach/arch.h>
#include <asm/ptrace.h>

DEFINE_PER_CPU(unsigned long, irq_count); /* IRQ exceptions taken by this CPU */

void do_IRQ(struct pt_regs *regs)
{
	this_cpu_inc(irq_count);
	machine_desc->handle_irq(regs);
}

void __init init_IRQ(void)
{
	if (machine_desc->init_irq)
		machine_desc->init_irq();
}
