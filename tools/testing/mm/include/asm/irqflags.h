/* Host-test stand-in for arch/arm/include/asm/irqflags.h: no CPSR, IRQs are never on. */
#ifndef _ASM_IRQFLAGS_H
#define _ASM_IRQFLAGS_H

#include <stdbool.h>

#define local_irq_enable() ((void)0)
#define local_irq_disable() ((void)0)
#define local_irq_save(flags) ((flags) = 0)
#define local_irq_restore(flags) ((void)(flags))

static inline bool irqs_disabled(void)
{
	return true;
}

#endif
