/*
 * asm/hardirq.h - interrupt statistics (Linux's arch/arm/include/asm/hardirq.h keeps them in
 * irq_stat): pimm counts the IRQ exceptions each CPU takes, in do_IRQ (arch/arm/kernel/irq.c).
 */
#ifndef _ASM_HARDIRQ_H
#define _ASM_HARDIRQ_H

#include <linux/percpu.h>

struct pt_regs;

DECLARE_PER_CPU(unsigned long, irq_count);

/* IRQ exception entry from entry.S: count it and hand it to machine_desc->handle_irq. */
void do_IRQ(struct pt_regs *regs);
/* start_kernel's step: machine_desc->init_irq (the board's interrupt controllers). */
void init_IRQ(void);

#endif
