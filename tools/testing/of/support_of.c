/*
 * support_of.c - boot simulator of the "of" host suite (see support_of.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support_of.h"

#include <asm/memory.h>
#include <asm/setup.h>
#include <linux/cma.h>
#include <linux/of_fdt.h>
#include <linux/of_reserved_mem.h>
#include <pimm/cmdline.h>
#include <pimm/fdt.h>

/* What the lead's kernel/main.c and the linker script provide in the kernel. */
char boot_command_line[1024];
char *of_test_text = (char *)(CONFIG_PAGE_OFFSET + 0x8000UL);
char *of_test_stext = (char *)(CONFIG_PAGE_OFFSET + OF_KERNEL_STEXT + 0UL);
char *of_test_end = (char *)(CONFIG_PAGE_OFFSET + OF_KERNEL_END + 0UL);

/* linux/init.h's table entry (not included: its compiler.h clashes with glibc). */
struct obs_kernel_param {
	const char *str;
	int (*setup_func)(char *val);
	int early;
};

static void *blob;

void *of_load_dtb(const char *name, size_t *len)
{
	const char *dir = getenv("OF_DTB_DIR");
	char path[512];
	FILE *f;
	long n;
	void *buf;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "dts", name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s (set OF_DTB_DIR to build/dts)", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n + 1);
	if (fread(buf, 1, n, f) != (size_t)n)
		fail_msg("short read of %s", path);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

void of_reset(void)
{
	static unsigned long boot_vmalloc_size;
	static void *boot_vmalloc_min;
	static bool saved;

	if (!saved) { /* the first call sees lowmem.c's boot-time values */
		boot_vmalloc_size = vmalloc_size;
		boot_vmalloc_min = vmalloc_min;
		saved = true;
	}
	mb_reset();
	memset(reserved_mem, 0, sizeof(reserved_mem));
	reserved_mem_count = 0;
	memset(cma_areas, 0, sizeof(cma_areas));
	cma_area_count = 0;
	totalcma_pages = 0;
	dma_contiguous_default_area = NULL;
	size_cmdline = (phys_addr_t)-1;
	base_cmdline = limit_cmdline = 0;
	dma_mmu_remap_num = 0;
	phys_initrd_start = 0;
	phys_initrd_size = 0;
	initial_boot_params = NULL;
	dt_root_addr_cells = dt_root_size_cells = 1;
	usermem = 0; /* arch/arm/mm/lowmem.c: mem= and vmalloc= as before any command line */
	memset(&mem_dt_banks, 0, sizeof(mem_dt_banks));
	vmalloc_size = boot_vmalloc_size;
	vmalloc_min = boot_vmalloc_min;
	arm_lowmem_limit = 0;
	high_memory = NULL;
	boot_command_line[0] = '\0';
	free(blob);
	blob = NULL;
}

bool of_boot_fdt(const char *name)
{
	size_t len;

	of_reset();
	blob = of_load_dtb(name, &len);
	if (dt_check_header(blob, len) || dt_check_full(blob, len))
		return false;
	if (!early_init_dt_verify(blob) || early_init_dt_scan_root())
		return false;
	early_init_dt_scan_nodes();
	memblock_reserve(OF_DTB_PHYS, dt_totalsize(blob));
	return true;
}

void of_parse_early_param(const char *cmdline)
{
	static char buf[1024];
	const struct obs_kernel_param *p, *start;
	char *args = buf, *param, *val;
	void *sec;
	size_t size;

	if (!mb_find_section(".init.setup", &sec, &size))
		fail_msg("no .init.setup section in the test executable");
	start = sec;
	snprintf(buf, sizeof(buf), "%s", cmdline);
	args = skip_spaces(args);
	while (*args) {
		args = next_arg(args, &param, &val);
		for (p = start; (const char *)p < (const char *)sec + size; p++)
			if (p->early && !strcmp(param, p->str))
				p->setup_func(val);
	}
}

void of_boot(const char *name, const char *cmdline)
{
	if (!of_boot_fdt(name))
		fail_msg("%s rejected", name);
	if (cmdline) {
		snprintf(boot_command_line, sizeof(boot_command_line), "%s", cmdline);
		of_parse_early_param(cmdline);
	}
	adjust_lowmem_bounds();
	arm_memblock_init();
	adjust_lowmem_bounds();
	if (getenv("OF_VERBOSE"))
		of_log_dump();
}

int of_log_find(const char *line, int from)
{
	for (int i = from; i < mb_log_count(); i++)
		if (!strcmp(mb_log(i), line))
			return i;
	return -1;
}

void of_log_dump(void)
{
	for (int i = 0; i < mb_log_count(); i++)
		fprintf(stderr, "  log[%d] %s", i, mb_log(i));
}

int of_log_expect(const char *line, const char *file, int lineno)
{
	int i = of_log_find(line, 0);

	if (i < 0) {
		of_log_dump();
		fail_msg("%s:%d: expected log line not found: %s", file, lineno, line);
	}
	return i;
}

int of_log_count_prefix(const char *prefix)
{
	int n = 0;

	for (int i = 0; i < mb_log_count(); i++)
		n += !strncmp(mb_log(i), prefix, strlen(prefix));
	return n;
}

/* kernel/dma/coherent.c is not in this suite: rmem_dma_setup only takes the ops' address. */
const struct reserved_mem_ops rmem_dma_ops;
const struct reserved_mem_ops rmem_cma_ops;
