/*
 * support.c - test stand-ins for what kernel/mm/memblock.c links against (printk, panic,
 * __warn), memblock state reset and assertions. Portable: the host suites and the qemu-arm
 * builds share it; the simulated RAM and %pS symbols come from support_host.c (host) or
 * arm/support_arm.c (qemu-arm).
 *
 * printk formats with the kernel's own lib/vsprintf.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

/* not <linux/printk.h>: its compiler.h clashes with glibc's __always_inline */
int vprintk(const char *fmt, va_list args);
int _printk(const char *fmt, ...);

#include <pimm/vsprintf.h> /* lib/vsprintf.c: Linux's %pa, %pS, %#x */

int mb_warns;
const char *mb_last_warn;

static char *log_lines[MB_LOG_MAX];
static int log_n;

/* ---- printk ------------------------------------------------------------------------------- */

int vprintk(const char *fmt, va_list args)
{
	char buf[1024];
	int n = kvsnprintf(buf, sizeof(buf), fmt, args);

	if (log_n < MB_LOG_MAX)
		log_lines[log_n++] = strdup(buf);
	if (getenv("MB_VERBOSE"))
		fputs(buf[0] == '\001' ? buf + 2 : buf, stderr);
	return n;
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

int mb_log_count(void)
{
	return log_n;
}

const char *mb_log(int i)
{
	const char *s = i >= 0 && i < log_n ? log_lines[i] : "";

	return s[0] == '\001' && s[1] ? s + 2 : s;
}

const char *mb_log_text(void)
{
	static char *text;
	size_t len = 0;
	int i;

	free(text);
	for (i = 0; i < mb_log_count(); i++)
		len += strlen(mb_log(i));
	text = calloc(1, len + 1);
	for (i = 0; i < mb_log_count(); i++)
		strcat(text, mb_log(i));
	return text;
}

int mb_log_level(int i)
{
	const char *s = i >= 0 && i < log_n ? log_lines[i] : "";

	return s[0] == '\001' && s[1] >= '0' && s[1] <= '7' ? s[1] - '0' : -1;
}

void mb_log_clear(void)
{
	for (int i = 0; i < log_n; i++)
		free(log_lines[i]);
	log_n = 0;
}

/* ---- panic, __warn ------------------------------------------------------------------------ */

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "panic: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	fail_msg("panic() called");
	abort();
}

/* ---- static keys (include/linux/jump_label.h): no code to patch on the host -------------- */

/* linux/jump_label.h's layout (its compiler.h clashes with glibc: see vprintk above); the
 * host's asm/jump_label.h reads enabled at every site. */
struct static_key {
	int enabled;
};

void static_key_enable(struct static_key *key)
{
	key->enabled = 1;
}

void static_key_disable(struct static_key *key)
{
	key->enabled = 0;
}

void __warn(const char *file, int line, const char *cond)
{
	mb_warns++;
	mb_last_warn = cond;
	if (getenv("MB_VERBOSE"))
		fprintf(stderr, "WARNING: %s:%d %s\n", file, line, cond);
}

void __warn_printf(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	mb_warns++;
	mb_last_warn = fmt;
	va_start(ap, fmt); /* the message goes to the captured log, as the kernel's */
	vprintk(fmt, ap);
	va_end(ap);
	if (getenv("MB_VERBOSE"))
		fprintf(stderr, "WARNING: %s:%d\n", file, line);
}

void mb_assert_trace(const char *line, const char *prefix, const char *symbol)
{
	size_t n = strlen(prefix), m = strlen(symbol);
	unsigned long off, sz;
	char nl;

	if (strncmp(line, prefix, n) || strncmp(line + n, symbol, m) ||
	    sscanf(line + n + m, "+0x%lx/0x%lx%c", &off, &sz, &nl) != 3 || nl != '\n' || off >= sz)
		fail_msg("trace\n  got:      %s  expected: %s%s+0xOFF/0xSIZE", line, prefix,
			 symbol);
}

/* ---- state -------------------------------------------------------------------------------- */

void mb_reset(void)
{
	static struct memblock boot;
	static bool saved;

	if (!saved) { /* the first call sees the untouched boot-time state */
		boot = memblock;
		saved = true;
	}
	memset(boot.memory.regions, 0, boot.memory.max * sizeof(struct memblock_region));
	memset(boot.reserved.regions, 0, boot.reserved.max * sizeof(struct memblock_region));
	memblock = boot;
	memblock_debug = 0;
	mb_warns = 0;
	mb_last_warn = NULL;
	mb_log_clear();
}

int mb_reset_setup(void **state)
{
	(void)state;
	mb_reset();
	return 0;
}

void mb_check_type(struct memblock_type *type, const struct exp_region *exp, int n,
		   const char *file, int line)
{
	phys_addr_t total = 0;
	static const struct exp_region dummy = {0, 0, 0};

	if (n == 0) {
		exp = &dummy;
		n = 1;
	}
	if (type->cnt != (unsigned long)n)
		fail_msg("%s:%d: %s.cnt = %lu, expected %d", file, line, type->name, type->cnt, n);
	for (int i = 0; i < n; i++) {
		struct memblock_region *r = &type->regions[i];

		if (r->base != exp[i].base || r->size != exp[i].size || r->flags != exp[i].flags)
			fail_msg("%s:%d: %s[%d] = {0x%x, 0x%x, 0x%x}, expected {0x%x, 0x%x, 0x%x}",
				 file, line, type->name, i, r->base, r->size, r->flags, exp[i].base,
				 exp[i].size, exp[i].flags);
		total += exp[i].size;
	}
	if (type->total_size != total)
		fail_msg("%s:%d: %s.total_size = 0x%x, expected 0x%x", file, line, type->name,
			 type->total_size, total);
}
