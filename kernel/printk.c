/*
 * printk.c - the kernel log: every message gets Linux's "[    0.000000] " timestamp, goes into
 * the log buffer that `dmesg` prints, and reaches the console when its level is below
 * console_loglevel.
 *
 *   log_buf (ring, LOG_BUF_LEN bytes): one record per line, "L[seconds.micros] text\n",
 *   L = the level digit (not printed by dmesg). When full, the oldest lines are dropped.
 *
 * A message without a trailing newline stays open: a following KERN_CONT message continues it;
 * any other message closes it first (Linux 6.1's rule).
 */
#include <string.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/printk.h>
#include <linux/spinlock.h>
#include <asm/irqflags.h>
#include <asm/mach.h>
#include <pimm/parse.h>
#include <pimm/vsprintf.h>

#define LOG_BUF_LEN (128 * 1024)
#define CONSOLE_LOGLEVEL_DEFAULT 7
#define CONSOLE_LOGLEVEL_QUIET 4
#define CONSOLE_LOGLEVEL_DEBUG 10
#define MESSAGE_LOGLEVEL_DEFAULT 4

int console_loglevel = CONSOLE_LOGLEVEL_DEFAULT;
static bool ignore_loglevel;
static char log_buf[LOG_BUF_LEN];
static unsigned long log_head, log_tail; /* total bytes written / first byte still kept */
static bool line_open;                   /* last record has no newline yet */
static int line_level;
/* One CPU at a time in the log and on the console (printk may run in IRQs: irqsave). */
static DEFINE_SPINLOCK(logbuf_lock);

static void log_putc(char c)
{
	log_buf[log_head % LOG_BUF_LEN] = c;
	log_head++;
	if (log_head - log_tail > LOG_BUF_LEN) { /* drop the oldest line */
		while (log_tail < log_head && log_buf[log_tail % LOG_BUF_LEN] != '\n')
			log_tail++;
		log_tail++;
	}
}

static void emit(const char *s, size_t n, int level, bool to_log)
{
	if (to_log)
		for (size_t i = 0; i < n; i++)
			log_putc(s[i]);
	if (ignore_loglevel || level < console_loglevel)
		pl011_write(s, n);
}

/* Strip a KERN_* prefix: returns the level (or -1 for KERN_CONT, -2 for none). */
static int printk_get_level(const char **fmt)
{
	const char *s = *fmt;

	if (s[0] != KERN_SOH[0] || !s[1])
		return -2;
	*fmt = s + 2;
	if (s[1] == 'c')
		return -1;
	if (s[1] >= '0' && s[1] <= '7')
		return s[1] - '0';
	return -2;
}

/* Emit a record's text; every line after the first gets the prefix too, as Linux prints. */
static void emit_lines(const char *text, size_t len, const char *prefix, size_t plen, int level)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t n = nl ? (size_t)(nl - p + 1) : (size_t)(end - p);

		if (p != text) {
			log_putc(prefix[0]); /* the level byte: stored, never shown */
			emit(prefix + 1, plen - 1, level, true);
		}
		emit(p, n, level, true);
		p += n;
	}
}

int vprintk(const char *fmt, va_list args)
{
	static char text[1024];
	char prefix[24];
	unsigned long flags;
	int level, len, plen;
	u64 ns;

	spin_lock_irqsave(&logbuf_lock, flags);
	level = printk_get_level(&fmt);
	len = kvscnprintf(text, sizeof(text), fmt, args);
	if (level == -1 && line_open) { /* continuation */
		emit(text, len, line_level, true);
	} else {
		if (line_open)
			emit("\n", 1, line_level, true);
		line_level = level < 0 ? MESSAGE_LOGLEVEL_DEFAULT : level;
		ns = local_clock();
		plen = ksnprintf(prefix, sizeof(prefix), "%c[%5lu.%06lu] ", '0' + line_level,
				 (unsigned long)(ns / 1000000000), (unsigned long)(ns % 1000000000 / 1000));
		log_putc(prefix[0]);
		emit(prefix + 1, plen - 1, line_level, true);
		emit_lines(text, len, prefix, plen, line_level);
	}
	line_open = len == 0 ? line_open : text[len - 1] != '\n';
	spin_unlock_irqrestore(&logbuf_lock, flags);
	return len;
}

int _printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

/*
 * Copy the log into out(), oldest first, one line at a time without the level byte.
 * Used by `dmesg`. Lines whose level is above max_level are skipped.
 */
void log_buf_for_each_line(void (*out)(const char *line, size_t len), int max_level)
{
	char line[1100];
	unsigned long i, start, end;
	size_t n;

	for (i = log_tail; i < log_head;) {
		start = i;
		while (i < log_head && log_buf[i % LOG_BUF_LEN] != '\n')
			i++;
		end = i < log_head ? i + 1 : i;
		i = end;
		if (log_buf[start % LOG_BUF_LEN] - '0' > max_level)
			continue;
		n = 0;
		for (unsigned long j = start + 1; j < end && n < sizeof(line); j++)
			line[n++] = log_buf[j % LOG_BUF_LEN];
		out(line, n);
	}
}

static int __init loglevel(char *str)
{
	int level;

	if (!str || kstrtoint(str, 0, &level) || level < 0) {
		pr_warn("loglevel: bad value '%s', keeping %d\n", str ? str : "", console_loglevel);
		return 0;
	}
	console_loglevel = level;
	return 0;
}
early_param("loglevel", loglevel);

static int __init quiet_kernel(char *str)
{
	(void)str;
	console_loglevel = CONSOLE_LOGLEVEL_QUIET;
	return 0;
}
early_param("quiet", quiet_kernel);

static int __init debug_kernel(char *str)
{
	(void)str;
	console_loglevel = CONSOLE_LOGLEVEL_DEBUG;
	return 0;
}
early_param("debug", debug_kernel);

static int __init ignore_loglevel_setup(char *str)
{
	(void)str;
	ignore_loglevel = true;
	pr_info("debug: ignoring loglevel setting.\n");
	return 0;
}
early_param("ignore_loglevel", ignore_loglevel_setup);
