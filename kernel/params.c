/*
 * params.c - boot parameters. Handlers register with early_param("name", fn) or
 * __setup("name=", fn) (linux/init.h), which the linker gathers between __setup_start and
 * __setup_end.
 *
 *   parse_early_param   from setup_arch: every early_param handler whose name matches
 *   parse_args          from start_kernel: the __setup handlers; what nobody knows is listed
 *                       as Linux does ("Unknown kernel command line parameters ...")
 */
#include <string.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/printk.h>
#include <pimm/cmdline.h>
#include <pimm/vsprintf.h>

static char tmp_cmdline[COMMAND_LINE_SIZE];
static bool early_done;

/* Call every early handler named param; a handler that refuses its value gets Linux's line. */
static void do_early_param(char *param, char *val)
{
	const struct obs_kernel_param *p;

	for (p = __setup_start; p < __setup_end; p++)
		if (p->early && !strcmp(param, p->str) && p->setup_func(val) != 0)
			pr_warn("Malformed early option '%s'\n", param);
}

void __init parse_early_param(void)
{
	char *args = tmp_cmdline, *param, *val;

	if (early_done)
		return;
	strlcpy(tmp_cmdline, boot_command_line, sizeof(tmp_cmdline));
	args = skip_spaces(args);
	while (*args) {
		args = next_arg(args, &param, &val);
		do_early_param(param, val);
	}
	early_done = true;
}

/* Is param (with its value) handled by some registered handler? Runs a __setup one. */
static bool obsolete_checksetup(char *param, char *val)
{
	const struct obs_kernel_param *p;

	for (p = __setup_start; p < __setup_end; p++) {
		size_t n = strlen(p->str);

		if (p->early) {
			if (!strcmp(param, p->str))
				return true;
			continue;
		}
		if (p->str[n - 1] == '=' && val && !strncmp(param, p->str, n - 1) &&
		    param[n - 1] == '\0') {
			p->setup_func(val);
			return true;
		}
		if (p->str[n - 1] != '=' && !strcmp(param, p->str)) {
			p->setup_func(val);
			return true;
		}
	}
	return false;
}

/* Run the __setup handlers over cmdline (modified in place); list unknown parameters. */
void __init parse_args(char *cmdline)
{
	static char unknown[COMMAND_LINE_SIZE];
	char *args = skip_spaces(cmdline), *param, *val;
	size_t used = 0;

	unknown[0] = '\0';
	while (*args) {
		args = next_arg(args, &param, &val);
		if (obsolete_checksetup(param, val))
			continue;
		used += ksnprintf(unknown + used, sizeof(unknown) - min(used, sizeof(unknown)),
				  "%s%s%s%s", used ? " " : "", param, val ? "=" : "", val ? val : "");
	}
	if (unknown[0])
		pr_notice("Unknown kernel command line parameters \"%s\", will be passed to user space.\n",
			  unknown);
}
