/*
 * Host-test stand-in for arch/arm/include/asm/spinlock.h: the mm suite is single-threaded, so
 * a lock is a counter that must be free when taken (no LDREX/STREX on the host).
 */
#ifndef _ASM_SPINLOCK_H
#define _ASM_SPINLOCK_H

#include <linux/types.h>

typedef struct {
	u32 slock;
} arch_spinlock_t;

#define __ARCH_SPIN_LOCK_UNLOCKED {0}

static inline void arch_spin_lock(arch_spinlock_t *lock)
{
	lock->slock++;
}

static inline void arch_spin_unlock(arch_spinlock_t *lock)
{
	lock->slock--;
}

static inline int arch_spin_is_locked(arch_spinlock_t *lock)
{
	return lock->slock != 0;
}

#endif
