/*
 * basic.c - the shell's general commands: help, version, dmesg, cmdline, uptime, poweroff,
 * reboot, and hvc (re-enter the kernel in HYP mode: a test of head.S's HYP path on QEMU).
 */
#include <string.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/kmsg_dump.h>
#include <linux/printk.h>
#include <linux/reboot.h>
#include <linux/sched_clock.h>
#include <asm/smp.h>
#include <asm/system_misc.h>
#include <pimm/shell.h>

/* The command table sorted by name (the linker keeps them in file order). */
static int sorted_cmds(const struct shell_cmd **out, int max)
{
	const struct shell_cmd *c;
	int n = 0;

	for (c = __shell_cmds_start; c < __shell_cmds_end && n < max; c++) {
		int i = n++;

		while (i > 0 && strcmp(out[i - 1]->name, c->name) > 0) {
			out[i] = out[i - 1];
			i--;
		}
		out[i] = c;
	}
	return n;
}

static int cmd_help(int argc, char **argv)
{
	const struct shell_cmd *c, *cmds[64];
	int n;

	if (argc > 2)
		return shell_usage(argv[0]);
	if (argc == 2) {
		c = shell_find(argv[1]);
		if (!c)
			return shell_error(argv[0], "no such command '%s'", argv[1]);
		shprintf("usage: %s\n  %s\n", c->usage, c->help);
		return 0;
	}
	n = sorted_cmds(cmds, ARRAY_SIZE(cmds));
	for (int i = 0; i < n; i++) {
		if (strlen(cmds[i]->usage) > 24) /* long usage: the text goes on the next line */
			shprintf("  %s\n  %-24s %s\n", cmds[i]->usage, "", cmds[i]->help);
		else
			shprintf("  %-24s %s\n", cmds[i]->usage, cmds[i]->help);
	}
	return 0;
}
SHELL_CMD("help", cmd_help, "help [CMD]", "list the commands, or show how to use one");

static int cmd_version(int argc, char **argv)
{
	if (argc != 1)
		return shell_usage(argv[0]);
	shprintf("%s", linux_banner);
	return 0;
}
SHELL_CMD("version", cmd_version, "version", "the kernel's version banner");

static void dmesg_line(const char *line, size_t len)
{
	shprintf("%.*s", (int)len, line);
	if (!len || line[len - 1] != '\n')
		shprintf("\n");
}

static int cmd_dmesg(int argc, char **argv)
{
	if (argc != 1)
		return shell_usage(argv[0]);
	log_buf_for_each_line(dmesg_line, 7);
	return 0;
}
SHELL_CMD("dmesg", cmd_dmesg, "dmesg", "print the kernel log buffer");

static int cmd_cmdline(int argc, char **argv)
{
	if (argc != 1)
		return shell_usage(argv[0]);
	shprintf("%s\n", get_saved_command_line());
	return 0;
}
SHELL_CMD("cmdline", cmd_cmdline, "cmdline", "the kernel command line (/proc/cmdline)");

static int cmd_uptime(int argc, char **argv)
{
	u64 ns = local_clock();

	if (argc != 1)
		return shell_usage(argv[0]);
	shprintf("up %lu.%06lu s (counter %llu at %lu Hz)\n", (unsigned long)(ns / 1000000000),
		 (unsigned long)(ns % 1000000000 / 1000), sched_clock_cycles(), sched_clock_rate());
	return 0;
}
SHELL_CMD("uptime", cmd_uptime, "uptime", "time since the CPU started, from the generic timer");

static int cmd_poweroff(int argc, char **argv)
{
	if (argc != 1)
		return shell_usage(argv[0]);
	machine_power_off();
}
SHELL_CMD("poweroff", cmd_poweroff, "poweroff", "power the machine off (QEMU exits with status 0)");

static int cmd_reboot(int argc, char **argv)
{
	if (argc != 1)
		return shell_usage(argv[0]);
	machine_restart();
}
SHELL_CMD("reboot", cmd_reboot, "reboot", "restart the machine through the watchdog");

static int cmd_hvc(int argc, char **argv)
{
	int err;

	if (argc != 1)
		return shell_usage(argv[0]);
	if (smp_processor_id() != 0) /* QEMU re-enters CPU 0's entry; the others would stay parked */
		return shell_error(argv[0], "runs on CPU 0 only (QEMU re-enters the boot CPU)");
	err = machine_reboot_hyp();
	if (err == -1)
		return shell_error(argv[0], "the kernel was entered in HYP mode: its hvc vector is the "
					    "firmware's, this test works on QEMU only");
	return shell_error(argv[0], "trampoline or .data too large for the page at 0x1000 (%d)", err);
}
SHELL_CMD("hvc", cmd_hvc, "hvc",
	  "QEMU: reboot, re-entering the kernel in HYP mode through hvc (tests head.S's HYP path)");
