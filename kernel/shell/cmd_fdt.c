/*
 * kernel/shell/cmd_fdt.c - `fdt [PATH]`: the boot device tree as `dtc -O dts` prints it, or one
 * node and its subtree.
 *
 * Where it sits: setup_machine_fdt (arch/arm/kernel/devtree.c) validated the DTB and mapped it
 * read-only at FDT_FIXED_BASE; it stays there (and reserved in memblock) after boot, so this
 * command reads the very blob the kernel was scanned from (initial_boot_params), through the
 * FDT reader of lib/fdt_reader.c.
 */
#include <string.h>

#include <linux/kernel.h>
#include <linux/of_fdt.h>
#include <pimm/fdt.h>
#include <pimm/shell.h>

/* dtc's test: a list of non-empty printable NUL-terminated strings. */
static bool is_string_list(const char *p, int len)
{
	int i, start = 0;

	if (len <= 0 || p[len - 1] != '\0')
		return false;
	for (i = 0; i < len; i++) {
		if (p[i] == '\0') {
			if (i == start)
				return false;
			start = i + 1;
		} else if (p[i] < 0x20 || p[i] > 0x7e) {
			return false;
		}
	}
	return true;
}

static void print_prop_value(const u8 *v, int len)
{
	int i;

	if (is_string_list((const char *)v, len)) {
		shprintf(" = \"");
		for (i = 0; i < len - 1; i++)
			shprintf(v[i] ? "%c" : "\\0", v[i]);
		shprintf("\"");
	} else if (len % 4 == 0) {
		shprintf(" = <");
		for (i = 0; i < len; i += 4)
			shprintf("%s0x%02x", i ? " " : "", dt_be32(v + i));
		shprintf(">");
	} else {
		shprintf(" = [");
		for (i = 0; i < len; i++)
			shprintf("%s%02x", i ? " " : "", v[i]);
		shprintf("]");
	}
}

static void indent(int depth)
{
	while (depth-- > 0)
		shprintf("\t");
}

static void print_props(const void *fdt, int node, int depth)
{
	int prop, len;
	const char *name;
	const void *v;

	for (prop = dt_first_property(fdt, node); prop >= 0; prop = dt_next_property(fdt, prop)) {
		v = dt_getprop_by_offset(fdt, prop, &name, &len);
		if (!v)
			break;
		indent(depth);
		shprintf("%s", name);
		if (len > 0)
			print_prop_value(v, len);
		shprintf(";\n");
	}
}

/* Print @start and its subtree the way dtc -O dts does (depth-first, closing braces). */
static void print_tree(const void *fdt, int start)
{
	int node = start, depth = 0, next, nd, i;
	bool stop;

	for (;;) {
		const char *name = dt_get_name(fdt, node, NULL);

		indent(depth);
		shprintf("%s {\n", node == 0 ? "/" : name && *name ? name : "?");
		print_props(fdt, node, depth + 1);
		nd = depth;
		next = dt_next_node(fdt, node, &nd);
		if (next >= 0 && nd > depth) {
			shprintf("\n");
			node = next;
			depth = nd;
			continue;
		}
		stop = next < 0 || nd <= 0;
		for (i = depth; i >= (stop ? 0 : nd); i--) {
			indent(i);
			shprintf("};\n");
		}
		if (stop)
			return;
		shprintf("\n");
		node = next;
		depth = nd;
	}
}

static int cmd_fdt(int argc, char **argv)
{
	const void *fdt = initial_boot_params;
	int node, n;
	u64 a, s;

	if (argc > 2)
		return shell_usage(argv[0]);
	if (!fdt)
		return shell_error(argv[0], "no device tree was accepted at boot");
	if (argc == 2) {
		if (argv[1][0] != '/')
			return shell_error(argv[0], "'%s' is not an absolute path", argv[1]);
		node = dt_path_offset(fdt, argv[1]);
		if (node < 0)
			return shell_error(argv[0], "no node %s (%s)", argv[1], dt_strerror(node));
		print_tree(fdt, node);
		return 0;
	}
	shprintf("/dts-v1/;\n\n");
	for (n = 0; !dt_get_mem_rsv(fdt, n, &a, &s); n++)
		shprintf("/memreserve/\t%#018llx %#018llx;\n", a, s);
	print_tree(fdt, 0);
	return 0;
}
SHELL_CMD("fdt", cmd_fdt, "fdt [PATH]", "the boot device tree (dtc -O dts style), or one node");

