/*
 * crash.c - `crash`: make the kernel fault on purpose, to see an oops report and the shell
 * surviving it (traps.c unwinds a faulting command back to the prompt).
 */
#include <string.h>
#include <linux/kernel.h>
#include <asm/traps.h>
#include <pimm/shell.h>

static int cmd_crash(int argc, char **argv)
{
	u32 addr = 0;

	if (argc < 2 || argc > 3)
		return shell_usage(argv[0]);
	if (argc == 3 && shell_parse_u32(argv[0], "address", argv[2], &addr))
		return -1;
	if (!strcmp(argv[1], "null") && argc == 2) {
		shprintf("%08x\n", *(volatile u32 *)addr); /* a NULL dereference */
	} else if (!strcmp(argv[1], "read") && argc == 3) {
		shprintf("%08x\n", *(volatile u32 *)addr);
	} else if (!strcmp(argv[1], "write") && argc == 3) {
		*(volatile u32 *)addr = 0xdeadbeef;
	} else if (!strcmp(argv[1], "exec") && argc == 3) {
		((void (*)(void))addr)();
	} else if (!strcmp(argv[1], "undef") && argc == 2) {
		arch_undefined_instruction();
	} else if (argc == 2 && (!strcmp(argv[1], "read") || !strcmp(argv[1], "write") ||
				 !strcmp(argv[1], "exec"))) {
		return shell_error(argv[0], "'%s' needs an ADDR", argv[1]);
	} else {
		return shell_error(argv[0], "unknown kind '%s' (null, read ADDR, write ADDR, exec ADDR, undef)",
				   argv[1]);
	}
	shprintf("crash: no fault happened\n");
	return 0;
}
SHELL_CMD("crash", cmd_crash, "crash null|undef|read ADDR|write ADDR|exec ADDR",
	  "fault on purpose: see the oops report, the shell survives");
