/*
 * mmdebug.h - page-level debug checks (Linux 6.1's include/linux/mmdebug.h): with
 * CONFIG_DEBUG_VM (meson -Ddebug_checks) a failed check dumps the page (dump_page, Linux's
 * mm/debug.c format) and panics; without it the condition is not even evaluated.
 */
#ifndef _LINUX_MMDEBUG_H
#define _LINUX_MMDEBUG_H

#include <linux/bug.h>

struct page;

/* Print Linux's dump_page lines for page through printk; reason ends the dump. */
void dump_page(struct page *page, const char *reason);
/* The same lines through out() (the shell's shprintf), so a command can show them. */
void __dump_page(struct page *page, const char *reason, int (*out)(const char *fmt, ...));

#ifdef CONFIG_DEBUG_VM
#define VM_BUG_ON_PAGE(cond, page)                                                                 \
	do {                                                                                       \
		if (unlikely(cond)) {                                                              \
			dump_page(page, "VM_BUG_ON_PAGE(" #cond ")");                               \
			BUG();                                                                     \
		}                                                                                  \
	} while (0)
#define VM_WARN_ON_ONCE_PAGE(cond, page)                                                           \
	({                                                                                         \
		static bool __warned;                                                              \
		int __ret = !!(cond);                                                              \
		if (unlikely(__ret && !__warned)) {                                                \
			dump_page(page, "VM_WARN_ON_ONCE_PAGE(" #cond ")");                         \
			__warned = true;                                                           \
			__warn(__FILE__, __LINE__, #cond);                                         \
		}                                                                                  \
		unlikely(__ret);                                                                   \
	})
#else
#define VM_BUG_ON_PAGE(cond, page) ((void)sizeof(cond), (void)(page))
#define VM_WARN_ON_ONCE_PAGE(cond, page) ((void)sizeof(cond), (void)(page), 0)
#endif

#endif
