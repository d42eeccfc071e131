/*
 * support_host.c - the host half of the shared test support: the simulated RAM behind
 * __va/__pa (4 GiB of address space, mapped lazily) and this executable's own ELF symbols.
 * sprint_symbol (overriding lib's weak one) reads the ELF symbol table, so %pS prints
 * "function+0xoff/0xsize" as kallsyms would, static functions included.
 */
#include <elf.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "support.h"

#include <pimm/vsprintf.h> /* sprint_symbol, which this file overrides */

char *mb_ram;

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

/* The whole 4 GiB is there: nothing to place or check. */
void mb_ram_place(phys_addr_t lowest)
{
	(void)lowest;
}

void mb_ram_check(phys_addr_t base, phys_addr_t size, const char *what)
{
	(void)base;
	(void)size;
	(void)what;
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
