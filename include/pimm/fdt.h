/*
 * fdt.h - pimm's own reader of flattened device trees (lib/fdt_reader.c), used by kernel/of.
 *
 *   +--------------------+ 0
 *   | fdt_header (40 B)  |  magic 0xd00dfeed, totalsize, off_dt_struct, off_dt_strings,
 *   +--------------------+  off_mem_rsvmap, version, last_comp_version, boot_cpuid_phys,
 *   | memory reservation |  size_dt_strings, size_dt_struct (all big-endian u32)
 *   |  map (u64 pairs)   |  ends with a (0, 0) entry
 *   +--------------------+
 *   | structure block    |  FDT_BEGIN_NODE name\0 pad | FDT_PROP len nameoff value pad |
 *   |                    |  FDT_END_NODE | FDT_NOP | FDT_END    (tokens are big-endian u32)
 *   +--------------------+
 *   | strings block      |  property names, NUL-terminated
 *   +--------------------+ totalsize
 *
 * Every accessor checks its reads against the bounds that dt_check_header validated, so a
 * lying blob gives an error, never a read outside totalsize. Offsets are structure-block
 * offsets of tokens, as in libfdt; errors are negative DT_ERR_* values.
 */
#ifndef _PIMM_FDT_H
#define _PIMM_FDT_H

#include <linux/types.h>

#define FDT_MAGIC 0xd00dfeed
#define FDT_BEGIN_NODE 0x1
#define FDT_END_NODE 0x2
#define FDT_PROP 0x3
#define FDT_NOP 0x4
#define FDT_END 0x9
#define FDT_HEADER_SIZE 40

enum dt_err {
	DT_ERR_NOTFOUND = 1, /* no such node or property */
	DT_ERR_BADMAGIC,     /* not a device tree */
	DT_ERR_BADVERSION,   /* version < 16 or last_comp_version > 17 */
	DT_ERR_TRUNCATED,    /* totalsize larger than the buffer, or a block runs past it */
	DT_ERR_BADOFFSET,    /* an offset that is not a token of the structure block */
	DT_ERR_BADSTRUCTURE, /* bad token, unbalanced nodes, missing FDT_END */
	DT_ERR_BADSTRING,    /* unterminated name or string, name offset out of the strings */
	DT_ERR_ALIGNMENT,    /* a block that must be aligned is not */
	DT_ERR_BADCELLS,     /* #address-cells / #size-cells missing a value or > 2 */
	DT_ERR_BADLENGTH,    /* a property length that does not fit its use */
	DT_ERR_BADPATH,      /* a path that is not absolute */
	DT_ERR_NOSPACE,      /* the caller's buffer is too small (dt_get_path) */
	DT_ERR_MAX
};

const char *dt_strerror(int err);

/* Validate the header and every block against bufsize; 0 or -DT_ERR_*. */
int dt_check_header(const void *fdt, size_t bufsize);
/* Walk the whole structure block once: tokens, nesting, names (no '/'), property name offsets. */
int dt_check_full(const void *fdt, size_t bufsize);

u32 dt_totalsize(const void *fdt);
u32 dt_version(const void *fdt);
u32 dt_boot_cpuid_phys(const void *fdt);

/* Nodes. Offsets >= 0 are nodes; the root is 0. */
int dt_path_offset(const void *fdt, const char *path);
int dt_subnode_offset(const void *fdt, int parent, const char *name);
int dt_first_subnode(const void *fdt, int node);
int dt_next_subnode(const void *fdt, int node);
/* Depth-first walk of every node: *depth is updated (root = 0); returns -DT_ERR_NOTFOUND at end. */
int dt_next_node(const void *fdt, int node, int *depth);
const char *dt_get_name(const void *fdt, int node, int *lenp);
int dt_parent_offset(const void *fdt, int node);
int dt_get_path(const void *fdt, int node, char *buf, int buflen);

/* Properties. */
const void *dt_getprop(const void *fdt, int node, const char *name, int *lenp);
int dt_first_property(const void *fdt, int node);
int dt_next_property(const void *fdt, int prop);
const void *dt_getprop_by_offset(const void *fdt, int prop, const char **namep, int *lenp);
bool dt_node_is_compatible(const void *fdt, int node, const char *compat);
bool dt_stringlist_contains(const char *list, int len, const char *str);
/* "okay"/"ok" or no status property. */
bool dt_node_is_available(const void *fdt, int node);
/* #address-cells / #size-cells of this node's children: 2 and 1 when absent (libfdt); > 2 or a
 * property of the wrong length gives -DT_ERR_BADCELLS. */
int dt_address_cells(const void *fdt, int node);
int dt_size_cells(const void *fdt, int node);
/* Read a big-endian number of `cells` 32-bit cells (1 or 2). */
u64 dt_read_number(const void *cells, int count);
u32 dt_be32(const void *p);

/* Memory reservation block (/memreserve/). */
int dt_num_mem_rsv(const void *fdt);
int dt_get_mem_rsv(const void *fdt, int n, u64 *address, u64 *size);

#endif
