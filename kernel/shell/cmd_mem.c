/*
 * mem.c - peek and poke: read and write kernel virtual memory by hand. Both go through the
 * exception-table accessors (asm/uaccess.h), so a bad address is reported with the fault the
 * MMU raised (DFSR decoded) and nothing else happens.
 */
#include <linux/kernel.h>
#include <asm/traps.h>
#include <asm/uaccess.h>
#include <pimm/hexdump.h>
#include <pimm/shell.h>

#define PEEK_MAX_WORDS 1024

/* Say why the access at addr faulted, from what the abort handler recorded. */
static int report_fault(const char *cmd, u32 addr, const char *what)
{
	const struct fixup_fault *f = last_fixup_fault();

	return shell_error(cmd, "%s 0x%08x faulted: %s (DFSR 0x%03x, DFAR 0x%08x)", what, addr,
			   fsr_name(f->fsr, f->prefetch), f->fsr, f->far);
}

static int cmd_peek(int argc, char **argv)
{
	u32 addr, n = 1, words[4];

	if (argc < 2 || argc > 3)
		return shell_usage(argv[0]);
	if (shell_parse_u32(argv[0], "address", argv[1], &addr))
		return -1;
	if (argc == 3 && shell_parse_u32(argv[0], "count", argv[2], &n))
		return -1;
	if (addr & 3)
		return shell_error(argv[0], "address 0x%08x is not word aligned", addr);
	if (n == 0 || n > PEEK_MAX_WORDS)
		return shell_error(argv[0], "count %u out of range 1..%u", n, PEEK_MAX_WORDS);
	if ((u64)addr + 4ull * n > 0x100000000ull)
		return shell_error(argv[0], "0x%08x + %u words runs past 0xffffffff", addr, n);
	for (u32 i = 0; i < n; i += 4) {
		char line[80];
		int k;

		for (k = 0; k < 4 && i + k < n; k++)
			if (get_kernel_nofault32(&words[k], addr + 4 * (i + k)))
				return report_fault(argv[0], addr + 4 * (i + k), "read at");
		hex_dump_line(line, sizeof(line), addr + 4 * i, words, k);
		shprintf("%s\n", line);
	}
	return 0;
}
SHELL_CMD("peek", cmd_peek, "peek ADDR [N]", "read N words (default 1) of kernel memory at ADDR");

static int cmd_poke(int argc, char **argv)
{
	u32 addr, val, back;

	if (argc != 3)
		return shell_usage(argv[0]);
	if (shell_parse_u32(argv[0], "address", argv[1], &addr) ||
	    shell_parse_u32(argv[0], "value", argv[2], &val))
		return -1;
	if (addr & 3)
		return shell_error(argv[0], "address 0x%08x is not word aligned", addr);
	if (put_kernel_nofault32(addr, val))
		return report_fault(argv[0], addr, "write to");
	if (get_kernel_nofault32(&back, addr))
		return report_fault(argv[0], addr, "read back at");
	shprintf("0x%08x: %08x\n", addr, back);
	return 0;
}
SHELL_CMD("poke", cmd_poke, "poke ADDR VALUE", "write the word VALUE to kernel memory at ADDR");
