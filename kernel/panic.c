/*
 * panic.c - when the kernel cannot go on (panic) or something survivable went wrong (__warn).
 * panic= sets what follows a panic, as in Linux: 0 (default) halt, N > 0 reboot after N seconds,
 * N < 0 reboot at once. Linux's kernel/panic.c.
 */
#include <linux/kernel.h>
#include <linux/bug.h>
#include <linux/init.h>
#include <linux/printk.h>
#include <asm/io.h>
#include <asm/irqflags.h>
#include <asm/mach.h>
#include <asm/smp.h>
#include <pimm/diag.h>
#include <pimm/parse.h>
#include <pimm/vsprintf.h>

static int panic_timeout;
static int panic_cpu = -1; /* the CPU in panic(), -1 while none is (Linux's panic_cpu) */

/*
 * Linux's panic: say why, stop the other CPUs (smp_send_stop), then halt or reboot as panic=
 * says. Only one CPU panics: a second one arriving meanwhile just stops itself, as Linux's
 * panic_smp_self_stop.
 */
void panic(const char *fmt, ...)
{
	static char buf[1024];
	int this_cpu = smp_processor_id(), none = -1;
	va_list ap;
	int len;

	local_irq_disable();
	if (!__atomic_compare_exchange_n(&panic_cpu, &none, this_cpu, false, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST) && none != this_cpu)
		panic_smp_self_stop();
	va_start(ap, fmt);
	len = kvscnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len && buf[len - 1] == '\n') /* as Linux: the end marker stays on one line */
		buf[len - 1] = '\0';
	pr_emerg("Kernel panic - not syncing: %s\n", buf);
	smp_send_stop(0);
	if (panic_timeout) {
		u64 until = local_clock() + (u64)(panic_timeout > 0 ? panic_timeout : 0) * 1000000000;

		pr_emerg("Rebooting in %d seconds..\n", panic_timeout > 0 ? panic_timeout : 0);
		while (local_clock() < until)
			;
		machine_restart();
	}
	pr_emerg("---[ end Kernel panic - not syncing: %s ]---\n", buf);
	for (;;)
		wfi();
}

void __warn(const char *file, int line, const char *cond)
{
	pr_warn("------------[ cut here ]------------\n");
	pr_warn("WARNING: CPU: %u PID: 0 at %s:%d %pS\n", smp_processor_id(), file, line,
		__builtin_return_address(0));
	pr_warn("WARN_ON(%s)\n", cond);
	pr_warn("---[ end trace 0000000000000000 ]---\n");
}

/* Linux's __warn_printk then __warn: cut here, the caller's message, where, end of trace. */
void __warn_printf(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	pr_warn("------------[ cut here ]------------\n");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	pr_warn("WARNING: CPU: %u PID: 0 at %s:%d %pS\n", smp_processor_id(), file, line,
		__builtin_return_address(0));
	pr_warn("---[ end trace 0000000000000000 ]---\n");
}

static int __init panic_setup(char *str)
{
	if (!str || kstrtoint(str, 0, &panic_timeout))
		pimm_warn("panic=: bad value '%s'\n", str ? str : "");
	return 0;
}
early_param("panic", panic_setup);
