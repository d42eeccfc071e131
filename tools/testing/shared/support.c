/*
 * support.c - host stand-ins for what kernel/mm/memblock.c links against (printk, panic,
 * __warn, sprint_symbol), the simulated RAM behind __va/__pa, and test helpers.
 *
 * printk formats with the kernel's own lib/vsprintf.c. sprint_symbol (overriding lib's weak
 * one) reads this executable's own ELF symbol table, so %pS prints
 * "function+0xoff/0xsize" as kallsyms would, static functions included.
 */
#include <elf.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "support.h"

/* not <linux/printk.h>: its compiler.h clashes with glibc's __always_inline */
int vprintk(const char *fmt, va_list args);
int _printk(const char *fmt, ...);

#include <pimm/vsprintf.h> /* lib/vsprintf.c: Linux's %pa, %pS, %#x */

char *mb_ram;
int mb_warns;
const char *mb_last_warn;

static char *log_lines[MB_LOG_MAX];
static int log_n;

/* ---- simulated RAM ------------------------------------------------------------------------ */

/* 4 GiB of address space for PA 0..~0, pages appear (zeroed) when first touched. */
__attribute__((constructor)) static void mb_ram_init(void)
{
	void *p = mmap(NULL, 1ULL << 32, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap simulated RAM");
		exit(1);
	}
	mb_ram = p;
}

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

void __warn(const char *file, int line, const char *cond)
{
	mb_warns++;
	mb_last_warn = cond;
	if (getenv("MB_VERBOSE"))
		fprintf(stderr, "WARNING: %s:%d %s\n", file, line, cond);
}

/* ---- this executable's ELF symbols and sections -------------------------------------------- */

static unsigned char *elf_img;
static long elf_bias = -1;

/* Load /proc/self/exe once and find the load bias (0 unless PIE). */
static bool elf_load(void)
{
	if (elf_img)
		return true;
	FILE *f = fopen("/proc/self/exe", "rb");
	long len;

	if (!f)
		return false;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	elf_img = malloc(len);
	if (!elf_img || fread(elf_img, 1, len, f) != (size_t)len) {
		fclose(f);
		free(elf_img);
		elf_img = NULL;
		return false;
	}
	fclose(f);
	return true;
}

static Elf64_Shdr *elf_section(const char *name)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)elf_img;
	Elf64_Shdr *sh = (Elf64_Shdr *)(elf_img + eh->e_shoff);
	const char *names = (const char *)elf_img + sh[eh->e_shstrndx].sh_offset;

	for (int i = 0; i < eh->e_shnum; i++)
		if (!strcmp(names + sh[i].sh_name, name))
			return &sh[i];
	return NULL;
}

/* Find the function symbol covering file address @a (or named @want); NULL if none. */
static Elf64_Sym *elf_func(unsigned long a, const char *want, const char **namep)
{
	Elf64_Shdr *symtab = elf_section(".symtab"), *strtab = elf_section(".strtab");

	if (!symtab || !strtab)
		return NULL;
	Elf64_Sym *sym = (Elf64_Sym *)(elf_img + symtab->sh_offset);
	const char *str = (const char *)elf_img + strtab->sh_offset;

	for (size_t i = 0; i < symtab->sh_size / sizeof(*sym); i++) {
		if (ELF64_ST_TYPE(sym[i].st_info) != STT_FUNC)
			continue;
		if (want ? !strcmp(str + sym[i].st_name, want)
			 : (a >= sym[i].st_value && a < sym[i].st_value + sym[i].st_size)) {
			*namep = str + sym[i].st_name;
			return &sym[i];
		}
	}
	return NULL;
}

static bool elf_ready(void)
{
	const char *name;
	Elf64_Sym *self;

	if (elf_bias != -1)
		return true;
	if (!elf_load())
		return false;
	self = elf_func(0, "sprint_symbol", &name);
	if (!self)
		return false;
	elf_bias = (long)((unsigned long)&sprint_symbol - self->st_value);
	return true;
}

/* Linux's %pS: "name+0xoff/0xsize", or the bare address if no symbol covers it. */
int sprint_symbol(char *buf, size_t size, unsigned long addr)
{
	const char *name;
	Elf64_Sym *s = elf_ready() ? elf_func(addr - elf_bias, NULL, &name) : NULL;

	if (!s)
		return snprintf(buf, size, "0x%lx", addr);
	return snprintf(buf, size, "%s+0x%lx/0x%lx", name, addr - elf_bias - s->st_value,
			(unsigned long)s->st_size);
}

bool mb_find_section(const char *name, void **addr, size_t *size)
{
	Elf64_Shdr *sh;

	if (!elf_ready() || !(sh = elf_section(name)))
		return false;
	*addr = (void *)(sh->sh_addr + elf_bias);
	*size = sh->sh_size;
	return true;
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
