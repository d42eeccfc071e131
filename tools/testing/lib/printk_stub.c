/*
 * printk_stub.c - _printk for the lib/ unit tests, which link lib/ alone: a student tree's
 * TODO bodies in lib/ call lab_todo (include/pimm/lab.h), which prints through printk. Weak,
 * so that a test linking a real one (tools/testing/shared/support.c) uses that instead.
 */
#include <stdarg.h>
#include <stdio.h>
#include <linux/printk.h>

/* Print to stdout as the kernel's printk would to the console (the level byte is skipped). */
__attribute__((weak)) int _printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (fmt[0] == '\001' && fmt[1])
		fmt += 2;
	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}
