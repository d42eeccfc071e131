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
 *
 * Consoles (linux/console.h): printk writes each line to every enabled console. Until the
 * first one registers (the board's early console, in setup_arch) lines only go to the buffer;
 * that console gets them replayed. The real console that replaces it later gets no replay,
 * and the boot console is dropped, so each line reaches the terminal exactly once (Linux's
 * register_console, kernel/printk/printk.c).
 */
#include <errno.h>
#include <string.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/kmsg_dump.h>
#include <linux/printk.h>
#include <linux/spinlock.h>
#include <linux/console.h>
#include <linux/sched_clock.h>
#include <asm/irqflags.h>
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

struct console *console_drivers; /* registered consoles, the preferred (CON_CONSDEV) first */

/* Whether a line of @level is shown on the consoles (Linux's suppress_message_printing). */
static bool console_shows(int level)
{
	return ignore_loglevel || level < console_loglevel;
}

/* Write to every enabled console (logbuf_lock held). */
static void call_console_drivers(const char *s, size_t n)
{
	struct console *con;

	for_each_console(con)
		if (con->flags & CON_ENABLED)
			con->write(con, s, n);
}

static void emit(const char *s, size_t n, int level, bool to_log)
{
	if (to_log)
		for (size_t i = 0; i < n; i++)
			log_putc(s[i]);
	if (console_shows(level))
		call_console_drivers(s, n);
}

/* Write the log buffer's shown lines to @con alone, without the level bytes (lock held). */
static void console_replay(struct console *con)
{
	unsigned long i = log_tail;

	while (i < log_head) {
		int level = log_buf[i % LOG_BUF_LEN] - '0';

		for (i++; i < log_head; i++) {
			char c = log_buf[i % LOG_BUF_LEN];

			if (console_shows(level))
				con->write(con, &c, 1);
			if (c == '\n') {
				i++;
				break;
			}
		}
	}
}

/* Unlink @con from console_drivers (lock held); false if it was not there. */
static bool console_unlink(struct console *con)
{
	struct console **pp;

	for (pp = &console_drivers; *pp; pp = &(*pp)->next)
		if (*pp == con) {
			*pp = con->next;
			con->next = NULL;
			con->flags &= ~CON_ENABLED;
			return true;
		}
	return false;
}

/*
 * Linux's register_console, for pimm's two consoles: a boot console arriving after a real one
 * is refused; the first console, or a real one replacing boot consoles, becomes the preferred
 * console; a real console replacing boot consoles gets no replay and unregisters them.
 */
void register_console(struct console *con)
{
	struct console *c;
	unsigned long flags;
	bool bootcon = false, realcon = false;

	spin_lock_irqsave(&logbuf_lock, flags);
	for_each_console(c) {
		if (c == con)
			goto out; /* already registered */
		if (c->flags & CON_BOOT)
			bootcon = true;
		else
			realcon = true;
	}
	if ((con->flags & CON_BOOT) && realcon)
		goto out;
	con->flags |= CON_ENABLED;
	con->flags &= ~CON_CONSDEV;
	if (!console_drivers || (bootcon && !(con->flags & CON_BOOT))) {
		con->flags |= CON_CONSDEV;
		for_each_console(c)
			c->flags &= ~CON_CONSDEV;
		con->next = console_drivers;
		console_drivers = con;
	} else {
		con->next = console_drivers->next;
		console_drivers->next = con;
	}
	if (bootcon && !(con->flags & CON_BOOT))
		con->flags &= ~CON_PRINTBUFFER; /* the boot console showed the log already */
	if (con->flags & CON_PRINTBUFFER)
		console_replay(con);
	if (bootcon && !(con->flags & CON_BOOT)) {
		struct console *next;

		for (c = console_drivers; c; c = next) {
			next = c->next;
			if (c->flags & CON_BOOT)
				console_unlink(c);
		}
	}
out:
	spin_unlock_irqrestore(&logbuf_lock, flags);
}

int unregister_console(struct console *con)
{
	unsigned long flags;
	bool found;

	spin_lock_irqsave(&logbuf_lock, flags);
	found = console_unlink(con);
	if (found && (con->flags & CON_CONSDEV) && console_drivers) {
		con->flags &= ~CON_CONSDEV;
		console_drivers->flags |= CON_CONSDEV;
	}
	spin_unlock_irqrestore(&logbuf_lock, flags);
	return found ? 0 : -ENODEV;
}

/* The preferred console, or NULL before the first registers. */
static struct console *console_preferred(void)
{
	struct console *con = console_drivers;

	return con && (con->flags & CON_CONSDEV) ? con : NULL;
}

void console_write(const char *s, size_t n)
{
	struct console *con = console_preferred();

	if (con)
		con->write(con, s, n);
}

int console_getc(void)
{
	struct console *con = console_preferred();

	return con && con->getc ? con->getc(con) : -1;
}

unsigned int console_pending(void)
{
	struct console *con = console_preferred();

	return con && con->pending ? con->pending(con) : 0;
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

/* Copy the log into out(), oldest first, a line at a time (linux/kmsg_dump.h). */
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

	if (!str || kstrtoint(str, 0, &level) || level < 0)
		return -EINVAL; /* do_early_param: "Malformed early option 'loglevel'" */
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
