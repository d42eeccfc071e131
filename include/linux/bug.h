/*
 * bug.h - the tiers of checks (see README "Checks"):
 *   BUILD_BUG_ON   layouts, at compile time (linux/kernel.h);
 *   VM_BUG_ON      debug-only invariants (meson -Ddebug_checks), panic when violated; cheap
 *                  ones only, never in a per-page loop or an allocator fast path: the full
 *                  walks are on demand, the shell's `mm-check` (kernel/shell/cmd_mmcheck.c);
 *   WARN_ON[_ONCE] something survivable went wrong: print, carry on, caller returns an error;
 *   panic("fn: why")  boot cannot go on.
 */
#ifndef _LINUX_BUG_H
#define _LINUX_BUG_H

#include <linux/compiler.h>
#include <linux/kernel.h>

void __noreturn panic(const char *fmt, ...) __printf(1, 2);
void __warn(const char *file, int line, const char *cond);
void __warn_printf(const char *file, int line, const char *fmt, ...) __printf(3, 4);

#define WARN_ON(cond)                                                                              \
	({                                                                                         \
		int __ret_warn_on = !!(cond);                                                      \
		if (unlikely(__ret_warn_on))                                                       \
			__warn(__FILE__, __LINE__, #cond);                                         \
		unlikely(__ret_warn_on);                                                           \
	})

/* WARN_ON printing the caller's message instead of the condition (Linux's WARN). */
#define WARN(cond, fmt, ...)                                                                       \
	({                                                                                         \
		int __ret_warn_on = !!(cond);                                                      \
		if (unlikely(__ret_warn_on))                                                       \
			__warn_printf(__FILE__, __LINE__, fmt, ##__VA_ARGS__);                     \
		unlikely(__ret_warn_on);                                                           \
	})

#define WARN_ON_ONCE(cond)                                                                         \
	({                                                                                         \
		static bool __warned;                                                              \
		int __ret_warn_once = !!(cond);                                                    \
		if (unlikely(__ret_warn_once && !__warned)) {                                      \
			__warned = true;                                                           \
			__warn(__FILE__, __LINE__, #cond);                                         \
		}                                                                                  \
		unlikely(__ret_warn_once);                                                         \
	})

#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)
#define BUG_ON(cond)                                                                               \
	do {                                                                                       \
		if (unlikely(cond))                                                                \
			panic("BUG: %s at %s:%d", #cond, __FILE__, __LINE__);                      \
	} while (0)

#ifdef CONFIG_DEBUG_VM
#define VM_BUG_ON(cond) BUG_ON(cond)
#define VM_WARN_ON(cond) (void)WARN_ON(cond)
#else
#define VM_BUG_ON(cond) ((void)sizeof(cond))
#define VM_WARN_ON(cond) ((void)sizeof(cond))
#endif

#endif
