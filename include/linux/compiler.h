/*
 * compiler.h - attribute shorthands used the way Linux uses them.
 */
#ifndef _LINUX_COMPILER_H
#define _LINUX_COMPILER_H

/* newlib's <sys/cdefs.h> defines some of these too: ours (Linux's meaning) win. */
#undef __always_inline
#undef __used
#undef __aligned
#undef __section
#undef __packed
#undef __weak
#undef __printf
#define __always_inline inline __attribute__((always_inline))
#define noinline __attribute__((noinline))
#define __noreturn __attribute__((noreturn))
#define __weak __attribute__((weak))
#define __used __attribute__((used))
#define __maybe_unused __attribute__((unused))
#define __aligned(x) __attribute__((aligned(x)))
#define __section(s) __attribute__((section(s)))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __packed __attribute__((packed))

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* The caller's return address, what Linux's %pS traces print. */
#define _RET_IP_ ((unsigned long)__builtin_return_address(0))
#define _THIS_IP_                                                                                  \
	({                                                                                         \
		__label__ __here;                                                                  \
	__here:                                                                                    \
		(unsigned long)&&__here;                                                           \
	})

#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define barrier() __asm__ __volatile__("" ::: "memory")

#endif
