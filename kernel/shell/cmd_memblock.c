/*
 * kernel/shell/cmd_memblock.c - the memblock stage, live: `memblock`, `memmap`.
 *
 * Where it sits: memblock (kernel/mm/memblock.c) is filled by setup_machine_fdt (RAM) and
 * arm_memblock_init (reservations), and stays readable after boot (ARCH_KEEP_MEMBLOCK), so
 * these commands show what the boot decided:
 *   memblock [memory|reserved]  Linux's debugfs memblock/{memory,reserved} ("%4d: %pa..%pa")
 *                               plus the region's flags and who reserved it
 *   memmap                      the physical map as a box diagram (not to scale)
 *
 * Owners are not recorded by memblock (Linux does not either): they are found again from
 * what the boot code kept - /memreserve/, swapper_pg_dir, the kernel sections, the DTB, the
 * initrd, reserved_mem[] (minus the nodes whose reservation failed or was given back) and
 * cma_areas[]. Anything else is "(memblock)": an allocation, named also when it shares a
 * merged region with known owners.
 */
#include <string.h>

#include <asm/memory.h>
#include <asm/sections.h>
#include <asm/setup.h>
#include <linux/cma.h>
#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/of_fdt.h>
#include <linux/of_reserved_mem.h>
#include <linux/sort.h>
#include <pimm/fdt.h>
#include <pimm/shell.h>
#include <pimm/vsprintf.h>

#define MAX_OWNERS (16 + MAX_RESERVED_REGIONS + MAX_CMA_AREAS)

struct owner {
	phys_addr_t base, end; /* [base, end) */
	const char *name;
};

static struct owner owners[MAX_OWNERS];
static int nr_owners;
static char cma_names[MAX_CMA_AREAS][CMA_MAX_NAME + 5];

static void add_owner(phys_addr_t base, phys_addr_t size, const char *name)
{
	if (size && nr_owners < MAX_OWNERS)
		owners[nr_owners++] = (struct owner){base, base + size, name};
}

static bool rmem_named(const char *name)
{
	int i;

	for (i = 0; i < reserved_mem_count; i++)
		if (reserved_mem[i].name && !strcmp(reserved_mem[i].name, name))
			return true;
	return false;
}

/* Rebuild the table of known reservations from the boot code's own records. */
static void collect_owners(void)
{
	u64 a, s;
	unsigned int i;
	int n;

	nr_owners = 0;
	for (n = 0; initial_boot_params && n < 8; n++)
		if (dt_get_mem_rsv(initial_boot_params, n, &a, &s) || !s || a >> 32)
			break;
		else
			add_owner((phys_addr_t)a, (phys_addr_t)s, "/memreserve/");
	add_owner(SWAPPER_PG_DIR_PHYS, PG_DIR_SIZE, "swapper_pg_dir");
	add_owner(__pa(_stext), _end - _stext, "kernel");
	if (machine_fdt_phys && initial_boot_params)
		add_owner(machine_fdt_phys, dt_totalsize(initial_boot_params), "DTB");
	if (initrd_start)
		add_owner(round_down(__pa(initrd_start), PAGE_SIZE),
			  round_up(initrd_end - round_down(initrd_start, PAGE_SIZE), PAGE_SIZE),
			  "initrd");
	for (n = 0; n < reserved_mem_count; n++)
		if (!reserved_mem[n].released && !reserved_mem[n].failed)
			add_owner(reserved_mem[n].base, reserved_mem[n].size, reserved_mem[n].name);
	for (i = 0; i < cma_area_count; i++) {
		if (rmem_named(cma_areas[i].name))
			continue;
		ksnprintf(cma_names[i], sizeof(cma_names[i]), "cma:%s", cma_areas[i].name);
		add_owner(cma_get_base(&cma_areas[i]), cma_get_size(&cma_areas[i]), cma_names[i]);
	}
}

/* True when some byte of [base, end) lies in no known owner's range. */
static bool has_unowned_part(phys_addr_t base, phys_addr_t end)
{
	phys_addr_t cur = base;
	int i;

	while (cur < end) {
		phys_addr_t reach = cur;

		for (i = 0; i < nr_owners; i++)
			if (owners[i].base <= cur && owners[i].end > reach)
				reach = owners[i].end;
		if (reach == cur)
			return true; /* nobody owns cur */
		cur = reach;
	}
	return false;
}

/* Every owner of [base, end) separated by commas, then "(memblock)" if part of it has no
 * known owner (a merged allocation); just "(memblock)" when none is known. Into buf. */
static void format_owners(char *buf, size_t size, phys_addr_t base, phys_addr_t end)
{
	const char *sep = "";
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < nr_owners; i++) {
		if (owners[i].base < end && base < owners[i].end) {
			n += ksnprintf(buf + n, size - n, "%s%s", sep, owners[i].name);
			sep = ", ";
		}
	}
	if (has_unowned_part(base, end))
		ksnprintf(buf + n, size - n, "%s(memblock)", sep);
}

static void print_owners(phys_addr_t base, phys_addr_t end)
{
	char buf[MEMBLOCK_OWNERS_MAX];

	format_owners(buf, sizeof(buf), base, end);
	shprintf("%s", buf);
}

/* For other commands (whatis): print who owns [base, end), "(memblock)" if nobody known. */
void memblock_print_owners(phys_addr_t base, phys_addr_t end)
{
	collect_owners();
	print_owners(base, end);
}

/* For the state stream: who owns [base, end), into buf (MEMBLOCK_OWNERS_MAX bytes is enough). */
void memblock_owners_format(char *buf, size_t size, phys_addr_t base, phys_addr_t end)
{
	collect_owners();
	format_owners(buf, size, base, end);
}

static const char *flags_name(enum memblock_flags f)
{
	switch (f) {
	case MEMBLOCK_NONE: return "NONE";
	case MEMBLOCK_HOTPLUG: return "HOTPLUG";
	case MEMBLOCK_MIRROR: return "MIRROR";
	case MEMBLOCK_NOMAP: return "NOMAP";
	case MEMBLOCK_DRIVER_MANAGED: return "DRV_MNG";
	default: return "MIXED";
	}
}

/* One memblock type, debugfs style, with flags and owners. */
static void show_type(struct memblock_type *type, bool reserved)
{
	unsigned long i;

	shprintf("%s: %lu regions, %u KiB%s\n", type->name, type->cnt,
		 (unsigned int)(type->total_size / 1024),
		 reserved ? "" : " (NOMAP regions are RAM without a linear mapping)");
	for (i = 0; i < type->cnt; i++) {
		struct memblock_region *r = &type->regions[i];
		phys_addr_t end = r->base + r->size - 1;

		if (!r->size)
			continue;
		shprintf("%4lu: %pa..%pa  %s", i, &r->base, &end, flags_name(r->flags));
		if (reserved || r->flags & MEMBLOCK_NOMAP) {
			shprintf("%*s", 9 - (int)strlen(flags_name(r->flags)), "");
			print_owners(r->base, r->base + r->size);
		}
		shprintf("\n");
	}
}

static int cmd_memblock(int argc, char **argv)
{
	bool mem = true, res = true;

	if (argc > 2)
		return shell_usage(argv[0]);
	if (argc == 2) {
		mem = !strcmp(argv[1], "memory");
		res = !strcmp(argv[1], "reserved");
		if (!mem && !res)
			return shell_error(argv[0], "unknown table '%s' (memory or reserved)", argv[1]);
	}
	collect_owners();
	if (mem)
		show_type(&memblock.memory, false);
	if (res)
		show_type(&memblock.reserved, true);
	if (res)
		shprintf("current_limit %pa, bottom_up %d, totalcma_pages %lu\n",
			 &memblock.current_limit, memblock.bottom_up, totalcma_pages);
	return 0;
}
SHELL_CMD("memblock", cmd_memblock, "memblock [memory|reserved]",
	  "memblock's regions with flags and owners (debugfs memblock/*)");

/* ---- memmap ------------------------------------------------------------------------------ */

#define MAP_MAX_PIECES 640
#define MAP_LABEL 14 /* width inside a box */
#define COL_MEM 14   /* the memory column's left border; its right one is COL_MEM + 15 */
#define COL_RES 22   /* the reserved column's left border; its right one is COL_RES + 15 */

struct piece {
	phys_addr_t base, end; /* [base, end) */
	const char *label;
};

static struct piece mem_pieces[MAP_MAX_PIECES], res_pieces[MAP_MAX_PIECES];
static int nr_mem, nr_res;
static phys_addr_t bounds[2 * 2 * MAP_MAX_PIECES];
static int nr_bounds;

static const char *owner_at(phys_addr_t base, phys_addr_t end)
{
	int i;

	for (i = 0; i < nr_owners; i++)
		if (owners[i].base < end && base < owners[i].end)
			return owners[i].name;
	return "(memblock)";
}

static void add_piece(struct piece *p, int *n, phys_addr_t base, phys_addr_t end,
		      const char *label)
{
	if (*n && p[*n - 1].end == base && p[*n - 1].label == label) {
		p[*n - 1].end = end; /* same owner continues */
		return;
	}
	if (*n < MAP_MAX_PIECES)
		p[(*n)++] = (struct piece){base, end, label};
}

/* Split one reserved region at its owners' edges, one labelled piece per owner. */
static void split_reserved(phys_addr_t base, phys_addr_t end)
{
	phys_addr_t cur = base;

	while (cur < end) {
		phys_addr_t next = end;
		int i;

		for (i = 0; i < nr_owners; i++) {
			if (owners[i].base > cur && owners[i].base < next)
				next = owners[i].base;
			if (owners[i].end > cur && owners[i].end < next)
				next = owners[i].end;
		}
		add_piece(res_pieces, &nr_res, cur, next, owner_at(cur, next));
		cur = next;
	}
}

static int cmp_phys(const void *a, const void *b)
{
	phys_addr_t x = *(const phys_addr_t *)a, y = *(const phys_addr_t *)b;

	return x < y ? -1 : x > y;
}

/* Pieces of memory (NOMAP ones labelled) and of reserved memory, and all their edges. */
static void build_map(void)
{
	struct memblock_region *r;
	int i, n = 0;

	collect_owners();
	nr_mem = nr_res = nr_bounds = 0;
	for_each_mem_region(r)
		add_piece(mem_pieces, &nr_mem, r->base, r->base + r->size,
			  memblock_is_nomap(r) ? owner_at(r->base, r->base + r->size) : NULL);
	for_each_reserved_mem_region(r)
		split_reserved(r->base, r->base + r->size);
	for (i = 0; i < nr_mem; i++) {
		bounds[nr_bounds++] = mem_pieces[i].base;
		bounds[nr_bounds++] = mem_pieces[i].end;
	}
	for (i = 0; i < nr_res; i++) {
		bounds[nr_bounds++] = res_pieces[i].base;
		bounds[nr_bounds++] = res_pieces[i].end;
	}
	sort(bounds, nr_bounds, sizeof(bounds[0]), cmp_phys, NULL);
	for (i = 0; i < nr_bounds; i++)
		if (!n || bounds[i] != bounds[n - 1])
			bounds[n++] = bounds[i];
	nr_bounds = n;
}

static const struct piece *piece_at(const struct piece *p, int n, phys_addr_t a)
{
	int i;

	for (i = 0; i < n; i++)
		if (a >= p[i].base && a < p[i].end)
			return &p[i];
	return NULL;
}

static bool piece_edge(const struct piece *p, int n, phys_addr_t a)
{
	int i;

	for (i = 0; i < n; i++)
		if (p[i].base == a || p[i].end == a)
			return true;
	return false;
}

/* "0x3C00_0000", grouped by 16 bits; the end of the 4 GiB space prints as 0x1_0000_0000. */
static void fmt_addr(char *buf, size_t size, phys_addr_t a, bool top)
{
	if (top && a == 0)
		ksnprintf(buf, size, "0x1_0000_0000");
	else
		ksnprintf(buf, size, "0x%04X_%04X", a >> 16, a & 0xffff);
}

static void put_label(char *line, int col, const char *label)
{
	int len = 0, start;

	while (label[len] && label[len] != '@' && len < MAP_LABEL)
		len++;
	start = col + 1 + (MAP_LABEL - len) / 2;
	memcpy(line + start, label, len);
}

static void put_box_edge(char *line, int col)
{
	line[col] = '+';
	memset(line + col + 1, '-', MAP_LABEL);
	line[col + MAP_LABEL + 1] = '+';
}

static void print_map_line(char *line)
{
	int end = 60;

	while (end > 0 && line[end - 1] == ' ')
		end--;
	line[end] = '\0';
	shprintf("%s\n", line);
}

/* The edge line at boundary @a and the content line of the segment [a, next). */
static void draw_boundary(int i)
{
	phys_addr_t a = bounds[i];
	bool last = i == nr_bounds - 1;
	const struct piece *mem = last ? NULL : piece_at(mem_pieces, nr_mem, a);
	const struct piece *res = last ? NULL : piece_at(res_pieces, nr_res, a);
	const struct piece *mprev = i ? piece_at(mem_pieces, nr_mem, a - 1) : NULL;
	bool medge = piece_edge(mem_pieces, nr_mem, a), redge = piece_edge(res_pieces, nr_res, a);
	char line[64], addr[16];

	memset(line, ' ', sizeof(line));
	fmt_addr(addr, sizeof(addr), a, last && i);
	if (medge) {
		memcpy(line + 1, addr, strlen(addr) < 12 ? strlen(addr) : 12);
		put_box_edge(line, COL_MEM);
	} else if (mem || mprev) {
		line[COL_MEM] = line[COL_MEM + MAP_LABEL + 1] = '|';
	}
	if (redge) {
		put_box_edge(line, COL_RES);
		memcpy(line + COL_RES + MAP_LABEL + 4, addr, strlen(addr));
	}
	print_map_line(line);
	if (last || (!mem && !res))
		return;
	memset(line, ' ', sizeof(line));
	if (mem) {
		line[COL_MEM] = line[COL_MEM + MAP_LABEL + 1] = '|';
		if (mem->label && !res)
			put_label(line, COL_MEM, mem->label);
	}
	if (res) {
		line[COL_RES] = line[COL_RES + MAP_LABEL + 1] = '|';
		memset(line + COL_RES + 1, ' ', MAP_LABEL);
		put_label(line, COL_RES, res->label);
	}
	print_map_line(line);
}

static int cmd_memmap(int argc, char **argv)
{
	int i;

	if (argc != 1)
		return shell_usage(argv[0]);
	build_map();
	if (nr_mem == MAP_MAX_PIECES || nr_res == MAP_MAX_PIECES)
		shprintf("(more than %d regions: the map is cut)\n", MAP_MAX_PIECES);
	shprintf("              +----memory----+\n"
		 "              |   (add)      |\n"
		 "   physical           +---reserved---+\n"
		 "   address            |  (reserve)   |\n\n");
	for (i = 0; i < nr_bounds; i++)
		draw_boundary(i);
	shprintf("\nmemory: memblock.memory (NOMAP regions labelled); reserved: memblock.reserved "
		 "by owner; not to scale\n");
	return 0;
}
SHELL_CMD("memmap", cmd_memmap, "memmap",
	  "the physical memory map drawn from memblock (a box diagram)");
