/*
 * asm/spinlock.h - ARMv7 ticket spinlocks (LDREX/STREX), as Linux's arch/arm implementation
 * works: a lock is two 16-bit counters, `next` (tickets handed out) and `owner` (ticket being
 * served). Taking the lock atomically takes a ticket (next++), then waits until owner equals
 * it; releasing does owner++. Waiters sleep in WFE; the release's SEV wakes them.
 *
 *   31          16 15           0
 *  +--------------+--------------+
 *  |     next     |    owner     |
 *  +--------------+--------------+
 */
#ifndef _ASM_SPINLOCK_H
#define _ASM_SPINLOCK_H

#include <linux/types.h>

#define TICKET_SHIFT 16

typedef struct {
	union {
		u32 slock;
		struct {
			u16 owner;
			u16 next;
		} tickets;
	};
} arch_spinlock_t;

#define __ARCH_SPIN_LOCK_UNLOCKED {{0}}

static inline void arch_spin_lock(arch_spinlock_t *lock)
{
	unsigned long tmp;
	u32 newval;
	arch_spinlock_t lockval;

	__asm__ __volatile__("1:	ldrex	%0, [%3]\n"
			     "	add	%1, %0, %4\n"
			     "	strex	%2, %1, [%3]\n"
			     "	teq	%2, #0\n"
			     "	bne	1b"
			     : "=&r"(lockval), "=&r"(newval), "=&r"(tmp)
			     : "r"(&lock->slock), "I"(1 << TICKET_SHIFT)
			     : "cc");
	while (lockval.tickets.next != lockval.tickets.owner) {
		__asm__ __volatile__("wfe");
		lockval.tickets.owner = *(volatile u16 *)&lock->tickets.owner;
	}
	__asm__ __volatile__("dmb ish" ::: "memory");
}

static inline void arch_spin_unlock(arch_spinlock_t *lock)
{
	__asm__ __volatile__("dmb ish" ::: "memory");
	lock->tickets.owner++;
	__asm__ __volatile__("dsb ishst\n\tsev" ::: "memory");
}

static inline int arch_spin_is_locked(arch_spinlock_t *lock)
{
	arch_spinlock_t v = {{*(volatile u32 *)&lock->slock}};

	return v.tickets.owner != v.tickets.next;
}

#endif
