/*
 * asm/irqflags.h - masking IRQs on this CPU (CPSR.I), Linux's local_irq_* API.
 */
#ifndef _ASM_IRQFLAGS_H
#define _ASM_IRQFLAGS_H

/* This CPU's CPSR: mode bits and the I/F masks, for a later local_irq_restore (Linux's
 * arch_local_save_flags). */
static inline unsigned long arch_local_save_flags(void)
{
	unsigned long flags;
	__asm__ __volatile__("mrs %0, cpsr" : "=r"(flags) : : "memory", "cc");
	return flags;
}

static inline unsigned long arch_local_irq_save(void)
{
	unsigned long flags;
	__asm__ __volatile__("mrs %0, cpsr\n\tcpsid i" : "=r"(flags) : : "memory", "cc");
	return flags;
}

static inline void arch_local_irq_restore(unsigned long flags)
{
	__asm__ __volatile__("msr cpsr_c, %0" : : "r"(flags) : "memory", "cc");
}

#define local_irq_enable() __asm__ __volatile__("cpsie i" ::: "memory", "cc")
#define local_irq_disable() __asm__ __volatile__("cpsid i" ::: "memory", "cc")
#define local_irq_save(flags) ((flags) = arch_local_irq_save())
#define local_irq_restore(flags) arch_local_irq_restore(flags)
#define local_save_flags(flags) ((flags) = arch_local_save_flags())

/* True when IRQs are masked on this CPU (CPSR.I, bit 7). */
static inline bool irqs_disabled(void)
{
	return arch_local_save_flags() & 0x80; /* PSR_I_BIT */
}

#endif
