/*
 * spinlock.h - Linux's spinlock API over the arch ticket lock (asm/spinlock.h). The _irqsave
 * forms also mask IRQs on this CPU, for data an interrupt handler touches too.
 */
#ifndef _LINUX_SPINLOCK_H
#define _LINUX_SPINLOCK_H

#include <asm/irqflags.h>
#include <asm/spinlock.h>

typedef struct {
	arch_spinlock_t raw_lock;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED(name) {__ARCH_SPIN_LOCK_UNLOCKED}
#define DEFINE_SPINLOCK(x) spinlock_t x = __SPIN_LOCK_UNLOCKED(x)

static inline void spin_lock_init(spinlock_t *l)
{
	l->raw_lock.slock = 0;
}

static inline void spin_lock(spinlock_t *l)
{
	arch_spin_lock(&l->raw_lock);
}

static inline void spin_unlock(spinlock_t *l)
{
	arch_spin_unlock(&l->raw_lock);
}

#define spin_lock_irqsave(l, flags)                                                                \
	do {                                                                                       \
		local_irq_save(flags);                                                             \
		spin_lock(l);                                                                      \
	} while (0)

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	spin_unlock(l);
	local_irq_restore(flags);
}

static inline int spin_is_locked(spinlock_t *l)
{
	return arch_spin_is_locked(&l->raw_lock);
}

#endif
