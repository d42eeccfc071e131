/*
 * shell.h - the console shell's command table (kernel/shell/).
 *
 * Each command family lives in one file under kernel/shell/ and registers its commands with
 * SHELL_CMD; the linker gathers them into the .shell_cmds table (between __shell_cmds_start
 * and __shell_cmds_end), which `help` lists and the dispatcher searches.
 *
 * Conventions (docs/design.md#shell-conventions): a command prints with shprintf; on bad
 * input it prints one line "NAME: what is wrong" (shell_error) and returns non-zero without
 * changing any state.
 */
#ifndef _PIMM_SHELL_H
#define _PIMM_SHELL_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <asm/pgtable-2level-types.h>

#define SHELL_MAX_ARGS 16
#define SHELL_LINE_MAX 256

struct shell_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage; /* "walk VA" */
	const char *help;  /* one line: what it shows or does */
};

#define SHELL_CMD(_name, _fn, _usage, _help)                                                       \
	static const struct shell_cmd __shell_cmd_##_fn __used __section(".shell_cmds")            \
		__aligned(4) = {_name, _fn, _usage, _help}

extern const struct shell_cmd __shell_cmds_start[], __shell_cmds_end[];

/*
 * Later stages add to two commands without editing them: SHELL_WHATIS registers a function
 * that `whatis ADDR` calls after its own lines (addr as typed; pa valid when has_pa: the
 * physical address it maps to or is), to name an owner only that stage knows (slab object,
 * vmalloc area, pkmap slot, CMA area); it prints nothing when the address is not its own.
 * SHELL_MMCHECK registers one `mm-check` stage: fn reports each violation through report,
 * writes a short summary for the "ok (...)" line into buf and returns its violations.
 * Both tables are kept in link order (kernel/shell/meson.build, kernel/mm/meson.build).
 */
typedef void (*whatis_fn)(u32 addr, bool virt, phys_addr_t pa, bool has_pa);
typedef int (*mmcheck_fn)(void (*report)(const char *fmt, ...) __printf(1, 2), char *buf,
			  size_t len);

struct shell_whatis {
	whatis_fn fn;
};

struct shell_mmcheck {
	const char *stage; /* "slab": the prefix of its lines */
	mmcheck_fn fn;
};

#define SHELL_WHATIS(_fn)                                                                          \
	static const struct shell_whatis __shell_whatis_##_fn __used                               \
		__section(".shell_whatis") __aligned(4) = {_fn}
#define SHELL_MMCHECK(_stage, _fn)                                                                 \
	static const struct shell_mmcheck __shell_mmcheck_##_fn __used                             \
		__section(".shell_mmcheck") __aligned(4) = {_stage, _fn}

extern const struct shell_whatis __shell_whatis_start[], __shell_whatis_end[];
extern const struct shell_mmcheck __shell_mmcheck_start[], __shell_mmcheck_end[];

/* Print command output (Linux format extensions, as printk; not logged to dmesg). */
int shprintf(const char *fmt, ...) __printf(1, 2);
/* Print "cmd: message" for bad input and return -1, for `return shell_error(...)`. */
int shell_error(const char *cmd, const char *fmt, ...) __printf(2, 3);
/* Print "usage: ..." of the command and return -1. */
int shell_usage(const char *cmd);
/* Parse argv[i] as a u32 number (hex, decimal, K/M/G); on error print "cmd: bad ..." and fail. */
int shell_parse_u32(const char *cmd, const char *what, const char *arg, u32 *out);
/* Run one command line as if typed (used by `on CPU COMMAND`); returns the command's status. */
int shell_run_line(char *line);
const struct shell_cmd *shell_find(const char *name);
/* The console shell: read, run, repeat (kernel/shell/shell.c); start_kernel ends here. */
void __noreturn shell_main(void);
/* Print the owners known for [base, end) (kernel/shell/cmd_memblock.c, for whatis). */
void memblock_print_owners(phys_addr_t base, phys_addr_t end);
/* The same owners into buf, for the state stream (kernel/shell/stream.c). */
#define MEMBLOCK_OWNERS_MAX 256
void memblock_owners_format(char *buf, size_t size, phys_addr_t base, phys_addr_t end);
/* Ask the MMU to translate va for a read (ATS1CPR) or a write (ATS1CPW); returns PAR. */
u32 mmu_translate(u32 va, bool write);
/* A vm_struct's caller as /proc/vmallocinfo prints it (" name+0x10/0x40"), and its flags. */
struct vm_struct;
int vmalloc_caller_format(char *buf, size_t len, const struct vm_struct *vm);
void vmalloc_flags_format(char *buf, size_t len, const struct vm_struct *vm);
/* A pkmap slot's count under kmap_lock, its PTE too when pte is not NULL. */
int pkmap_slot_state(unsigned int nr, pteval_t *pte);

#endif
