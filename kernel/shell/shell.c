/*
 * shell.c - the console shell: the last stage of boot, what a student types into.
 *
 *   shell_main: loop { prompt "pimm> "; read_line; split; dispatch }
 *
 * read_line is a small line editor over the console (linux/console.h): printable characters echo; Backspace/DEL
 * erases; Ctrl-U clears the line; Ctrl-C abandons it; Up/Down walk the history; Tab completes
 * a command name (or lists the candidates). CR, LF and CR LF all end a line.
 *
 * A command runs with an oops recovery point: if it faults, traps.c prints the report and
 * longjmps back here, and the shell carries on.
 */
#include <errno.h>
#include <setjmp.h>
#include <string.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/console.h>
#include <asm/io.h>
#include <asm/irqflags.h>
#include <asm/smp.h>
#include <asm/traps.h>
#include <pimm/cmdline.h>
#include <pimm/mm_stream.h>
#include <pimm/parse.h>
#include <pimm/shell.h>
#include <pimm/vsprintf.h>

#define HISTORY 16
#define PROMPT "pimm> "

static char history[HISTORY][SHELL_LINE_MAX];
static unsigned int history_len; /* lines ever stored; index i lives at i % HISTORY */

/* Write raw bytes of shell output to the console (every CPU's output, `on CPU` included). */
static void shell_write(const char *s, size_t n)
{
	console_write(s, n);
}

int shprintf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvscnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	shell_write(buf, n);
	return n;
}

int shell_error(const char *cmd, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	kvscnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	shprintf("%s: %s\n", cmd, buf);
	return -1;
}

const struct shell_cmd *shell_find(const char *name)
{
	const struct shell_cmd *c;

	for (c = __shell_cmds_start; c < __shell_cmds_end; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

int shell_usage(const char *cmd)
{
	const struct shell_cmd *c = shell_find(cmd);

	if (c)
		shprintf("usage: %s\n", c->usage);
	return -1;
}

int shell_parse_u32(const char *cmd, const char *what, const char *arg, u32 *out)
{
	int err = parse_u32(arg, out);

	if (err == -ERANGE)
		return shell_error(cmd, "%s '%s' is out of range (does not fit in 32 bits)", what, arg);
	if (err)
		return shell_error(cmd, "bad %s '%s' (want a number: 123, 0x7b, 4K, 16M)", what, arg);
	return 0;
}

/* Block until a byte arrives: sleep in wfi between the console's receive interrupts. */
static int shell_getc(void)
{
	int c;

	for (;;) {
		c = console_getc();
		if (c >= 0)
			return c;
		mm_stream_idle(); /* the state stream's requests arrive on their own UART */
		local_irq_disable();
		/* a byte that came in since it was last checked must not wait for the next one */
		if (console_pending() == 0 && !mm_stream_rx_pending())
			wfi();
		local_irq_enable();
	}
}

static void erase_chars(unsigned int n)
{
	while (n--)
		shell_write("\b \b", 3);
}

/* Replace the line being edited (len chars shown) with s. */
static unsigned int replace_line(char *line, unsigned int len, const char *s)
{
	erase_chars(len);
	strlcpy(line, s, SHELL_LINE_MAX);
	len = strlen(line);
	shell_write(line, len);
	return len;
}

/* Tab: complete the command word, or list what it could be. */
static unsigned int complete(char *line, unsigned int len)
{
	const struct shell_cmd *c, *match = NULL;
	unsigned int n = 0;

	if (memchr(line, ' ', len))
		return len; /* only the command word completes */
	for (c = __shell_cmds_start; c < __shell_cmds_end; c++)
		if (!strncmp(c->name, line, len)) {
			match = c;
			n++;
		}
	if (n == 1) {
		char buf[SHELL_LINE_MAX];

		ksnprintf(buf, sizeof(buf), "%s ", match->name);
		return replace_line(line, len, buf);
	}
	if (n > 1) {
		shell_write("\n", 1);
		for (c = __shell_cmds_start; c < __shell_cmds_end; c++)
			if (!strncmp(c->name, line, len))
				shprintf("%s  ", c->name);
		shprintf("\n" PROMPT "%.*s", (int)len, line);
	}
	return len;
}

/* Read one line with editing; returns its length (line is NUL-terminated). */
static unsigned int read_line(char *line)
{
	static bool last_cr;
	unsigned int len = 0, hist = history_len;
	int c, esc = 0;

	for (;;) {
		c = shell_getc();
		if (c == '\n' && last_cr) { /* the LF of a CR LF pair */
			last_cr = false;
			continue;
		}
		last_cr = c == '\r';
		if (esc == 1) {
			esc = c == '[' ? 2 : 0;
			continue;
		}
		if (esc == 2) {
			unsigned int oldest = history_len > HISTORY ? history_len - HISTORY : 0;

			esc = 0;
			if (c == 'A' && hist > oldest)
				len = replace_line(line, len, history[--hist % HISTORY]);
			else if (c == 'B' && hist < history_len)
				len = replace_line(line, len,
						   ++hist == history_len ? "" : history[hist % HISTORY]);
			continue;
		}
		switch (c) {
		case '\r':
		case '\n':
			shell_write("\n", 1);
			line[len] = '\0';
			return len;
		case 0x1b:
			esc = 1;
			break;
		case 0x03: /* Ctrl-C */
			shell_write("^C\n", 3);
			line[0] = '\0';
			return 0;
		case 0x15: /* Ctrl-U */
			erase_chars(len);
			len = 0;
			break;
		case 0x08:
		case 0x7f:
			if (len) {
				len--;
				erase_chars(1);
			}
			break;
		case '\t':
			line[len] = '\0';
			len = complete(line, len);
			break;
		default:
			if (c >= 0x20 && c < 0x7f && len < SHELL_LINE_MAX - 1) {
				char ch = (char)c;

				line[len++] = ch;
				shell_write(&ch, 1);
			}
		}
	}
}

static void history_add(const char *line)
{
	if (history_len && !strcmp(history[(history_len - 1) % HISTORY], line))
		return;
	strlcpy(history[history_len % HISTORY], line, SHELL_LINE_MAX);
	history_len++;
}

/*
 * Run cmd with an oops recovery point: a fault inside it comes back here via longjmp (die()).
 * Recovery points nest: `on 0 CMD` runs CMD through this function again inside the outer `on`,
 * so the outer point is saved and put back on both ways out. The interrupt state is put back
 * as it was before the command: IRQs on at the prompt, off inside `on`'s IPI handler (hard-IRQ
 * context, which must be left as it was entered) or smp_call_function_single's local_irq_save.
 */
static noinline int run_cmd(const struct shell_cmd *cmd, int argc, char **argv)
{
	const char *volatile name = argv[0];
	unsigned int cpu = smp_processor_id();
	jmp_buf *outer = oops_recovery[cpu];
	unsigned long flags;
	jmp_buf recover;
	int ret;

	local_save_flags(flags);
	if (setjmp(recover)) {
		oops_recovery[cpu] = outer;
		local_irq_restore(flags);
		shprintf("%s: stopped by a kernel oops (report above); the shell goes on\n", name);
		return -1;
	}
	oops_recovery[cpu] = &recover;
	ret = cmd->fn(argc, argv);
	oops_recovery[cpu] = outer;
	return ret;
}

/* Split and run one line. */
int shell_run_line(char *line)
{
	char *argv[SHELL_MAX_ARGS];
	const struct shell_cmd *cmd;
	int argc;

	argc = cmdline_split(line, argv, SHELL_MAX_ARGS);
	if (argc == -E2BIG)
		return shprintf("shell: too many arguments (max %d)\n", SHELL_MAX_ARGS), -1;
	if (argc < 0)
		return shprintf("shell: unterminated quote\n"), -1;
	if (argc == 0)
		return 0;
	cmd = shell_find(argv[0]);
	if (!cmd)
		return shprintf("%s: command not found (try 'help')\n", argv[0]), -1;
	return run_cmd(cmd, argc, argv);
}

void shell_main(void)
{
	char line[SHELL_LINE_MAX];

	pr_info("pimm shell: type 'help' for the commands\n");
	for (;;) {
		shprintf(PROMPT);
		if (!read_line(line))
			continue;
		history_add(line);
		mm_stream_command_start(line);
		shell_run_line(line);
		mm_stream_command_done();
	}
}
