/*
 * exercise.c - drive every accessor of lib/fdt_reader.c over a blob, valid or not (see exercise.h).
 * Bounded work: at most EXERCISE_MAX_NODES nodes get the quadratic calls (paths, parents).
 */
#include <pimm/fdt.h>
#include "exercise.h"

#define EXERCISE_MAX_NODES 64

/* Sum of the bytes of a property value or name, reading each one. */
static unsigned long sum_bytes(const void *p, int len)
{
	const unsigned char *b = p;
	unsigned long s = 0;

	for (int i = 0; i < len; i++)
		s += b[i];
	return s;
}

/* Every property of @node: by offset, by name, as numbers and string lists. */
static unsigned long exercise_props(const void *fdt, int node)
{
	unsigned long sum = 0;
	const char *pname;
	const void *val;
	int prop, len, len2;

	for (prop = dt_first_property(fdt, node); prop >= 0; prop = dt_next_property(fdt, prop)) {
		val = dt_getprop_by_offset(fdt, prop, &pname, &len);
		if (!val) {
			sum += (unsigned long)-len;
			break;
		}
		sum += sum_bytes(val, len);
		for (const char *c = pname; *c; c++)
			sum += (unsigned char)*c;
		if (dt_getprop(fdt, node, pname, &len2) == NULL || len2 != len)
			sum += 7;
		sum += dt_stringlist_contains(val, len, "okay");
		if (len >= 8)
			sum += (unsigned long)dt_read_number(val, 2);
		else if (len >= 4)
			sum += (unsigned long)dt_read_number(val, 1);
	}
	return sum + (unsigned long)-prop;
}

/* Lookups that depend on the node's place in the tree: path, parent, subnodes. */
static unsigned long exercise_place(const void *fdt, int node)
{
	unsigned long sum = 0;
	char path[256], tiny[4];
	int parent, sub, len;
	const char *name;

	if (dt_get_path(fdt, node, path, sizeof(path)) == 0)
		sum += (unsigned long)dt_path_offset(fdt, path);
	sum += (unsigned long)dt_get_path(fdt, node, tiny, sizeof(tiny));
	sum += (unsigned long)dt_get_path(fdt, node, tiny, 1);
	parent = dt_parent_offset(fdt, node);
	name = dt_get_name(fdt, node, &len);
	if (parent >= 0 && name)
		sum += (unsigned long)dt_subnode_offset(fdt, parent, name);
	for (sub = dt_first_subnode(fdt, node); sub >= 0; sub = dt_next_subnode(fdt, sub))
		sum += (unsigned long)sub;
	return sum + (unsigned long)parent;
}

/* Offsets and arguments that are wrong on purpose. */
static unsigned long exercise_bad_offsets(const void *fdt)
{
	static const int offs[] = {-1, 1, 2, 3, 4, 8, 0x7ffffffc, -0x7fffffff - 1};
	unsigned long sum = 0;
	const char *pname;
	u64 a, s;
	int len;

	for (unsigned int i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		sum += dt_get_name(fdt, offs[i], &len) != NULL;
		sum += dt_getprop_by_offset(fdt, offs[i], &pname, &len) != NULL;
		sum += (unsigned long)dt_first_property(fdt, offs[i]);
		sum += (unsigned long)dt_next_property(fdt, offs[i]);
		sum += (unsigned long)dt_first_subnode(fdt, offs[i]);
		sum += (unsigned long)dt_next_subnode(fdt, offs[i]);
		sum += (unsigned long)dt_parent_offset(fdt, offs[i]);
		sum += (unsigned long)dt_get_mem_rsv(fdt, offs[i], &a, &s);
	}
	sum += (unsigned long)dt_path_offset(fdt, "relative/path");
	sum += (unsigned long)dt_path_offset(fdt, "//cpus//cpu@0/");
	sum += (unsigned long)dt_path_offset(fdt, "/memory");
	sum += (unsigned long)dt_path_offset(fdt, "/soc/serial@7e201000");
	return sum;
}

/* See exercise.h. */
unsigned long dt_exercise(const void *fdt, size_t size)
{
	unsigned long sum = 0;
	int node, depth, n, len;
	u64 a, s;
	const char *name;

	sum += (unsigned long)-dt_check_header(fdt, size);
	if (sum)
		return sum;
	sum += (unsigned long)-dt_check_full(fdt, size);
	sum += dt_totalsize(fdt) + dt_version(fdt) + dt_boot_cpuid_phys(fdt);
	n = dt_num_mem_rsv(fdt);
	for (int i = 0; i < n; i++)
		if (dt_get_mem_rsv(fdt, i, &a, &s) == 0)
			sum += (unsigned long)(a + s);
	n = 0;
	for (node = dt_next_node(fdt, -1, &depth); node >= 0;
	     node = dt_next_node(fdt, node, &depth)) {
		name = dt_get_name(fdt, node, &len);
		if (name)
			sum += sum_bytes(name, len);
		sum += (unsigned long)depth + exercise_props(fdt, node);
		sum += (unsigned long)dt_address_cells(fdt, node) + dt_size_cells(fdt, node);
		sum +=
		    dt_node_is_available(fdt, node) + dt_node_is_compatible(fdt, node, "arm,pl011");
		if (n++ < EXERCISE_MAX_NODES)
			sum += exercise_place(fdt, node);
	}
	return sum + (unsigned long)-node + exercise_bad_offsets(fdt);
}
