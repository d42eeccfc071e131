/*
 * fdt.c - a bounds-checked reader of flattened device trees (include/pimm/fdt.h).
 *
 * kernel/of uses it on the blob the loader left in r2, before and after the MMU is on, so
 * it trusts nothing in the blob: dt_check_header validates the header against the buffer
 * size, every accessor re-derives the block bounds from the header and checks each token,
 * name, length and name offset before reading it. All loads are byte loads (the blob may
 * be unaligned, and the kernel is built with -mno-unaligned-access). Offsets are those of
 * tokens inside the structure block, as in libfdt; errors are -DT_ERR_* values.
 */
#include <limits.h>
#include <pimm/fdt.h>

/* Byte offsets of the big-endian fields of the header. */
#define HDR_MAGIC	      0
#define HDR_TOTALSIZE	      4
#define HDR_OFF_DT_STRUCT     8
#define HDR_OFF_DT_STRINGS    12
#define HDR_OFF_MEM_RSVMAP    16
#define HDR_VERSION	      20
#define HDR_LAST_COMP_VERSION 24
#define HDR_BOOT_CPUID_PHYS   28
#define HDR_SIZE_DT_STRINGS   32
#define HDR_SIZE_DT_STRUCT    36

#define RSV_ENTRY_SIZE 16

/* Where the blocks are, once the header has been checked. */
struct dt_blocks {
	const u8 *base;
	u32 totalsize;
	u32 off_rsvmap;
	const u8 *dt_struct;
	u32 size_struct;
	const u8 *strings;
	u32 size_strings;
};

/* Big-endian u32 at p, read byte by byte (any alignment). */
u32 dt_be32(const void *p)
{
	const u8 *b = p;

	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

/* Big-endian number of @count cells; more than 2 cells keep the low 64 bits. */
u64 dt_read_number(const void *cells, int count)
{
	const u8 *p = cells;
	u64 r = 0;

	for (int i = 0; i < count; i++)
		r = r << 32 | dt_be32(p + 4 * i);
	return r;
}

/* Header field at byte offset @field. */
static u32 hdr(const void *fdt, int field)
{
	return dt_be32((const u8 *)fdt + field);
}

/* Header accessors: read the field, no checks (call dt_check_header first). */
u32 dt_totalsize(const void *fdt)
{
	return hdr(fdt, HDR_TOTALSIZE);
}

u32 dt_version(const void *fdt)
{
	return hdr(fdt, HDR_VERSION);
}

u32 dt_boot_cpuid_phys(const void *fdt)
{
	return hdr(fdt, HDR_BOOT_CPUID_PHYS);
}

/* Length of the string at s if a NUL ends it within max bytes, else max. */
static u32 bounded_strlen(const u8 *s, u32 max)
{
	u32 n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

/* Check that the block [off, off+size) lies after the header and inside totalsize. */
static int check_block(u32 off, u32 size, u32 totalsize)
{
	if (off < FDT_HEADER_SIZE)
		return -DT_ERR_BADOFFSET;
	if (off > totalsize || size > totalsize - off)
		return -DT_ERR_TRUNCATED;
	return 0;
}

/* Size of a version-16 structure block (no size field): up to the strings or the end. */
static u32 v16_struct_size(u32 off_struct, u32 off_strings, u32 totalsize)
{
	if (off_struct > totalsize)
		return 0;
	if (off_strings > off_struct && off_strings <= totalsize)
		return (off_strings - off_struct) & ~3u;
	return (totalsize - off_struct) & ~3u;
}

/* Validate the header against bufsize and fill @b; 0 or -DT_ERR_*. Reads only the header. */
static int dt_layout(const void *fdt, size_t bufsize, struct dt_blocks *b)
{
	u32 version, off_struct, off_strings;
	int ret;

	if (!fdt || bufsize < 4)
		return -DT_ERR_TRUNCATED;
	if (hdr(fdt, HDR_MAGIC) != FDT_MAGIC)
		return -DT_ERR_BADMAGIC;
	if (bufsize < FDT_HEADER_SIZE)
		return -DT_ERR_TRUNCATED;
	version = hdr(fdt, HDR_VERSION);
	if (version < 16 || hdr(fdt, HDR_LAST_COMP_VERSION) > 17)
		return -DT_ERR_BADVERSION;
	b->base = fdt;
	b->totalsize = hdr(fdt, HDR_TOTALSIZE);
	if (b->totalsize < FDT_HEADER_SIZE || b->totalsize > bufsize || b->totalsize > INT_MAX)
		return -DT_ERR_TRUNCATED;
	b->off_rsvmap = hdr(fdt, HDR_OFF_MEM_RSVMAP);
	ret = check_block(b->off_rsvmap, RSV_ENTRY_SIZE, b->totalsize);
	if (ret)
		return ret;
	if (b->off_rsvmap % 8)
		return -DT_ERR_ALIGNMENT;
	off_struct = hdr(fdt, HDR_OFF_DT_STRUCT);
	off_strings = hdr(fdt, HDR_OFF_DT_STRINGS);
	b->size_struct = version >= 17 ? hdr(fdt, HDR_SIZE_DT_STRUCT)
				       : v16_struct_size(off_struct, off_strings, b->totalsize);
	ret = check_block(off_struct, b->size_struct, b->totalsize);
	if (ret)
		return ret;
	if (off_struct % 4 || b->size_struct % 4)
		return -DT_ERR_ALIGNMENT;
	b->size_strings = hdr(fdt, HDR_SIZE_DT_STRINGS);
	ret = check_block(off_strings, b->size_strings, b->totalsize);
	if (ret)
		return ret;
	b->dt_struct = b->base + off_struct;
	b->strings = b->base + off_strings;
	return 0;
}

/* The layout of a blob whose header the caller has already checked with dt_check_header. */
static int dt_blocks(const void *fdt, struct dt_blocks *b)
{
	if (!fdt)
		return -DT_ERR_TRUNCATED;
	return dt_layout(fdt, hdr(fdt, HDR_TOTALSIZE), b);
}

/* The property name at @nameoff of the strings block, or NULL if out of it / unterminated. */
static const char *dt_string(const struct dt_blocks *b, u32 nameoff)
{
	if (nameoff >= b->size_strings)
		return NULL;
	if (bounded_strlen(b->strings + nameoff, b->size_strings - nameoff) ==
	    b->size_strings - nameoff)
		return NULL;
	return (const char *)b->strings + nameoff;
}

/* Decode the token at structure offset @off: returns the token and sets *next to the offset
 * of the following one, after checking that the token, its name or its value and its
 * property name all lie inside their blocks; or returns -DT_ERR_*. */
static int next_tag(const struct dt_blocks *b, int off, int *next)
{
	u32 pos = (u32)off, tag, len;

	if (off < 0 || pos % 4 || b->size_struct < 4 || pos > b->size_struct - 4)
		return -DT_ERR_BADOFFSET;
	tag = dt_be32(b->dt_struct + pos);
	pos += 4;
	switch (tag) {
	case FDT_BEGIN_NODE:
		len = bounded_strlen(b->dt_struct + pos, b->size_struct - pos);
		if (len == b->size_struct - pos)
			return -DT_ERR_BADSTRING;
		pos += len + 1;
		break;
	case FDT_PROP:
		if (b->size_struct - pos < 8)
			return -DT_ERR_TRUNCATED;
		len = dt_be32(b->dt_struct + pos);
		if (!dt_string(b, dt_be32(b->dt_struct + pos + 4)))
			return -DT_ERR_BADSTRING;
		pos += 8;
		if (len > b->size_struct - pos)
			return -DT_ERR_TRUNCATED;
		pos += len;
		break;
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END:
		break;
	default:
		return -DT_ERR_BADSTRUCTURE;
	}
	*next = (int)((pos + 3) & ~3u); /* size_struct is a multiple of 4: still inside */
	return (int)tag;
}

/* Check that @off is a token of type @want; sets *next past it. */
static int expect_tag(const struct dt_blocks *b, int off, u32 want, int *next)
{
	int tag = next_tag(b, off, next);

	if (tag < 0)
		return tag;
	return (u32)tag == want ? 0 : -DT_ERR_BADOFFSET;
}

/* Walk the reservation map: the number of entries before the terminator. The spec ends the
 * map with (0, 0); like libfdt (and so Linux), an entry of size 0 ends it whatever its address. */
static int count_mem_rsv(const struct dt_blocks *b)
{
	u32 pos = b->off_rsvmap;
	int n = 0;

	for (;;) {
		if (pos > b->totalsize - RSV_ENTRY_SIZE)
			return -DT_ERR_TRUNCATED;
		if (!dt_read_number(b->base + pos + 8, 2))
			return n;
		pos += RSV_ENTRY_SIZE;
		n++;
	}
}

/* See fdt.h: header and block bounds, and a terminated reservation map. */
int dt_check_header(const void *fdt, size_t bufsize)
{
	struct dt_blocks b;
	int ret = dt_layout(fdt, bufsize, &b);

	if (ret)
		return ret;
	ret = count_mem_rsv(&b);
	return ret < 0 ? ret : 0;
}

/* True when the (checked, terminated) node name at @name contains a '/'. */
static bool has_slash(const u8 *name)
{
	for (; *name; name++)
		if (*name == '/')
			return true;
	return false;
}

/* See fdt.h: one root node, balanced nodes, properties inside nodes, no '/' in node names,
 * FDT_END at the end. */
int dt_check_full(const void *fdt, size_t bufsize)
{
	struct dt_blocks b;
	int off = 0, next, tag, depth = 0;
	bool seen_root = false;
	int ret = dt_check_header(fdt, bufsize);

	if (ret)
		return ret;
	dt_layout(fdt, bufsize, &b);
	for (;; off = next) {
		if ((u32)off >= b.size_struct)
			return -DT_ERR_BADSTRUCTURE; /* no FDT_END */
		tag = next_tag(&b, off, &next);
		if (tag < 0)
			return tag;
		if (tag == FDT_BEGIN_NODE) {
			if (depth == 0 && seen_root)
				return -DT_ERR_BADSTRUCTURE;
			if (depth > 0 && has_slash(b.dt_struct + off + 4))
				return -DT_ERR_BADSTRING; /* would break paths */
			seen_root = true;
			depth++;
		} else if (tag == FDT_END_NODE || tag == FDT_PROP) {
			if (depth == 0)
				return -DT_ERR_BADSTRUCTURE;
			if (tag == FDT_END_NODE)
				depth--;
		} else if (tag == FDT_END) {
			return depth == 0 && seen_root ? 0 : -DT_ERR_BADSTRUCTURE;
		}
	}
}

/* Depth-first step from @node (< 0: start at the root, depth 0); see dt_next_node. */
static int next_node(const struct dt_blocks *b, int node, int *depth)
{
	int off, next = 0, tag;

	if (node >= 0) {
		tag = expect_tag(b, node, FDT_BEGIN_NODE, &next);
		if (tag)
			return tag;
	} else if (depth) {
		*depth = -1;
	}
	for (;;) {
		off = next;
		tag = next_tag(b, off, &next);
		if (tag < 0)
			return tag;
		if (tag == FDT_BEGIN_NODE) {
			if (depth)
				(*depth)++;
			return off;
		}
		if (tag == FDT_END_NODE && depth && --(*depth) < 0)
			return -DT_ERR_NOTFOUND;
		if (tag == FDT_END)
			return -DT_ERR_NOTFOUND;
	}
}

/* See fdt.h. A NULL depth walks to the end of the tree. */
int dt_next_node(const void *fdt, int node, int *depth)
{
	struct dt_blocks b;
	int ret = dt_blocks(fdt, &b);

	return ret ? ret : next_node(&b, node, depth);
}

/* First child of @node, or -DT_ERR_NOTFOUND. */
int dt_first_subnode(const void *fdt, int node)
{
	int depth = 0, off;

	if (node < 0)
		return -DT_ERR_BADOFFSET;
	off = dt_next_node(fdt, node, &depth);
	return off >= 0 && depth != 1 ? -DT_ERR_NOTFOUND : off;
}

/* Next sibling of @node, or -DT_ERR_NOTFOUND after the last one. */
int dt_next_subnode(const void *fdt, int node)
{
	int depth = 1, off = node;

	if (node < 0)
		return -DT_ERR_BADOFFSET;
	do {
		off = dt_next_node(fdt, off, &depth);
		if (off < 0)
			return off;
	} while (depth > 1);
	return depth == 1 ? off : -DT_ERR_NOTFOUND;
}

/* Name of @node (empty for the root) and its length, or NULL with *lenp = -DT_ERR_*. */
const char *dt_get_name(const void *fdt, int node, int *lenp)
{
	struct dt_blocks b;
	int next, ret = dt_blocks(fdt, &b);
	const char *name;

	if (!ret)
		ret = expect_tag(&b, node, FDT_BEGIN_NODE, &next);
	if (ret) {
		if (lenp)
			*lenp = ret;
		return NULL;
	}
	name = (const char *)b.dt_struct + node + 4; /* terminated: next_tag checked */
	if (lenp)
		*lenp = (int)bounded_strlen((const u8 *)name, b.size_struct - node - 4);
	return name;
}

/* The ancestor of @node at depth @want (node itself when want is its depth); *nodedepth
 * gets node's depth. -DT_ERR_BADOFFSET when node is not a node of the tree. */
static int supernode_at_depth(const struct dt_blocks *b, int node, int want, int *nodedepth)
{
	int depth = 0, off, last = -DT_ERR_NOTFOUND;

	for (off = next_node(b, -1, &depth); off >= 0; off = next_node(b, off, &depth)) {
		if (depth == want)
			last = off;
		if (off == node) {
			*nodedepth = depth;
			return want <= depth ? last : -DT_ERR_NOTFOUND;
		}
		if (off > node)
			break;
	}
	return off < 0 && off != -DT_ERR_NOTFOUND ? off : -DT_ERR_BADOFFSET;
}

/* Parent of @node; -DT_ERR_NOTFOUND for the root. */
int dt_parent_offset(const void *fdt, int node)
{
	struct dt_blocks b;
	int depth, ret = dt_blocks(fdt, &b);

	if (ret)
		return ret;
	ret = supernode_at_depth(&b, node, 0, &depth);
	if (ret < 0)
		return ret;
	if (depth == 0)
		return -DT_ERR_NOTFOUND;
	return supernode_at_depth(&b, node, depth - 1, &depth);
}

/* Cut the path in buf (length *len) back to its first @keep components. */
static void path_truncate(const char *buf, int *len, int keep)
{
	int i, seen = 0;

	for (i = 0; i < *len; i++)
		if (buf[i] == '/' && seen++ == keep)
			break;
	*len = i;
}

/*
 * Full path of @node ("/" for the root) into buf; 0, or -DT_ERR_NOSPACE if it won't fit.
 * One walk from the root keeps in buf the path of the current node: components of the
 * branches that do not fit are counted but not stored, so only the answer must fit.
 */
int dt_get_path(const void *fdt, int node, char *buf, int buflen)
{
	struct dt_blocks b;
	int depth = 0, off, len = 0, stored = 0, nlen, ret = dt_blocks(fdt, &b);
	const char *name;

	if (ret)
		return ret;
	for (off = next_node(&b, -1, &depth); off >= 0 && off <= node;
	     off = next_node(&b, off, &depth)) {
		if (stored > depth - 1) {
			path_truncate(buf, &len, depth - 1 < 0 ? 0 : depth - 1);
			stored = depth - 1 < 0 ? 0 : depth - 1;
		}
		name = dt_get_name(fdt, off, &nlen);
		if (depth > 0 && stored == depth - 1 && name && len + 1 + nlen < buflen) {
			buf[len++] = '/';
			for (int j = 0; j < nlen; j++)
				buf[len++] = name[j];
			stored = depth;
		}
		if (off == node) {
			if (stored != depth || buflen < 2)
				return -DT_ERR_NOSPACE;
			if (len == 0)
				buf[len++] = '/';
			buf[len] = '\0';
			return 0;
		}
	}
	return off < 0 && off != -DT_ERR_NOTFOUND ? off : -DT_ERR_BADOFFSET;
}

/* True when node name @nname (length nlen) is @s (length len), or is "s@unit" and @s
 * has no unit address of its own (so "memory" finds "memory@0"). */
static bool name_matches(const char *nname, int nlen, const char *s, int len)
{
	int i;

	if (nlen < len)
		return false;
	for (i = 0; i < len; i++)
		if (nname[i] != s[i])
			return false;
	if (nlen == len)
		return true;
	for (i = 0; i < len; i++)
		if (s[i] == '@')
			return false;
	return nname[len] == '@';
}

/* Child of @parent called @name (first @len bytes of it). */
static int subnode_namelen(const void *fdt, int parent, const char *name, int len)
{
	int node, nlen;
	const char *nname;

	for (node = dt_first_subnode(fdt, parent); node >= 0; node = dt_next_subnode(fdt, node)) {
		nname = dt_get_name(fdt, node, &nlen);
		if (!nname)
			return nlen;
		if (name_matches(nname, nlen, name, len))
			return node;
	}
	return node;
}

/* See fdt.h: a child of @parent by name, unit address optional. */
int dt_subnode_offset(const void *fdt, int parent, const char *name)
{
	int len = 0;

	while (name[len])
		len++;
	return subnode_namelen(fdt, parent, name, len);
}

/* See fdt.h: "/a/b@1/c"; repeated slashes are ignored; no aliases. */
int dt_path_offset(const void *fdt, const char *path)
{
	int node, len;

	if (!path || *path != '/')
		return -DT_ERR_BADPATH;
	node = dt_next_node(fdt, -1, NULL);
	while (node >= 0) {
		while (*path == '/')
			path++;
		if (!*path)
			break;
		for (len = 0; path[len] && path[len] != '/'; len++)
			;
		node = subnode_namelen(fdt, node, path, len);
		path += len;
	}
	return node;
}

/* First FDT_PROP at or after @off before any other token but NOP; -DT_ERR_NOTFOUND. */
static int prop_from(const struct dt_blocks *b, int off)
{
	int next, tag;

	for (;; off = next) {
		tag = next_tag(b, off, &next);
		if (tag < 0)
			return tag;
		if (tag == FDT_PROP)
			return off;
		if (tag != FDT_NOP)
			return -DT_ERR_NOTFOUND;
	}
}

/* See fdt.h: offset of the first property of @node. */
int dt_first_property(const void *fdt, int node)
{
	struct dt_blocks b;
	int next, ret = dt_blocks(fdt, &b);

	if (!ret)
		ret = expect_tag(&b, node, FDT_BEGIN_NODE, &next);
	return ret ? ret : prop_from(&b, next);
}

/* See fdt.h: the property after @prop in the same node. */
int dt_next_property(const void *fdt, int prop)
{
	struct dt_blocks b;
	int next, ret = dt_blocks(fdt, &b);

	if (!ret)
		ret = expect_tag(&b, prop, FDT_PROP, &next);
	return ret ? ret : prop_from(&b, next);
}

/* See fdt.h: value, name and length of the property at @prop; NULL, *lenp = -DT_ERR_*. */
const void *dt_getprop_by_offset(const void *fdt, int prop, const char **namep, int *lenp)
{
	struct dt_blocks b;
	int next, ret = dt_blocks(fdt, &b);
	const u8 *p;

	if (!ret)
		ret = expect_tag(&b, prop, FDT_PROP, &next);
	if (ret) {
		if (lenp)
			*lenp = ret;
		return NULL;
	}
	p = b.dt_struct + prop;
	if (namep)
		*namep = dt_string(&b, dt_be32(p + 8)); /* checked by next_tag */
	if (lenp)
		*lenp = (int)dt_be32(p + 4); /* fits in the block, so below INT_MAX */
	return p + 12;
}

/* True when the NUL-terminated strings @a and @b are equal. */
static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* See fdt.h: property @name of @node; NULL with *lenp = -DT_ERR_NOTFOUND when absent. */
const void *dt_getprop(const void *fdt, int node, const char *name, int *lenp)
{
	const char *pname;
	const void *val;
	int prop, len;

	for (prop = dt_first_property(fdt, node); prop >= 0; prop = dt_next_property(fdt, prop)) {
		val = dt_getprop_by_offset(fdt, prop, &pname, &len);
		if (!val) {
			prop = len;
			break;
		}
		if (str_eq(pname, name)) {
			if (lenp)
				*lenp = len;
			return val;
		}
	}
	if (lenp)
		*lenp = prop;
	return NULL;
}

/* See fdt.h: @str is one of the NUL-terminated strings packed in @list (length len). */
bool dt_stringlist_contains(const char *list, int len, const char *str)
{
	int n;

	while (len > 0) {
		for (n = 0; n < len && list[n]; n++)
			;
		if (n == len)
			return false; /* unterminated */
		if (str_eq(list, str))
			return true;
		list += n + 1;
		len -= n + 1;
	}
	return false;
}

/* See fdt.h: @compat is among the strings of @node's "compatible". */
bool dt_node_is_compatible(const void *fdt, int node, const char *compat)
{
	int len;
	const char *list = dt_getprop(fdt, node, "compatible", &len);

	return list && dt_stringlist_contains(list, len, compat);
}

/* See fdt.h: no "status", or a status whose first string is "okay" or "ok" (as Linux). */
bool dt_node_is_available(const void *fdt, int node)
{
	int len, n;
	const char *status = dt_getprop(fdt, node, "status", &len);

	if (!status)
		return len == -DT_ERR_NOTFOUND;
	for (n = 0; n < len && status[n]; n++)
		;
	if (n == len)
		return false; /* unterminated */
	return str_eq(status, "okay") || str_eq(status, "ok");
}

/* The one-cell property @name of @node, 0..2, or @dflt when absent. */
static int dt_cells(const void *fdt, int node, const char *name, int dflt)
{
	int len;
	const void *p = dt_getprop(fdt, node, name, &len);
	u32 v;

	if (!p)
		return len == -DT_ERR_NOTFOUND ? dflt : len;
	if (len != 4)
		return -DT_ERR_BADCELLS;
	v = dt_be32(p);
	return v > 2 ? -DT_ERR_BADCELLS : (int)v;
}

/* #address-cells of @node's children: 2 when absent, -DT_ERR_BADCELLS when invalid. */
int dt_address_cells(const void *fdt, int node)
{
	return dt_cells(fdt, node, "#address-cells", 2);
}

/* #size-cells of @node's children: 1 when absent, -DT_ERR_BADCELLS when invalid. */
int dt_size_cells(const void *fdt, int node)
{
	return dt_cells(fdt, node, "#size-cells", 1);
}

/* See fdt.h: entries of the reservation map before its terminator. */
int dt_num_mem_rsv(const void *fdt)
{
	struct dt_blocks b;
	int ret = dt_blocks(fdt, &b);

	return ret ? ret : count_mem_rsv(&b);
}

/* See fdt.h: entry @n of the reservation map; -DT_ERR_NOTFOUND past the last one. */
int dt_get_mem_rsv(const void *fdt, int n, u64 *address, u64 *size)
{
	struct dt_blocks b;
	int count, ret = dt_blocks(fdt, &b);
	const u8 *p;

	if (ret)
		return ret;
	count = count_mem_rsv(&b);
	if (count < 0)
		return count;
	if (n < 0 || n >= count)
		return -DT_ERR_NOTFOUND;
	p = b.base + b.off_rsvmap + (u32)n * RSV_ENTRY_SIZE;
	*address = dt_read_number(p, 2);
	*size = dt_read_number(p + 8, 2);
	return 0;
}

/* Text for an error number, positive or negative. */
const char *dt_strerror(int err)
{
	static const char *const msgs[DT_ERR_MAX] = {
	    [0] = "no error",
	    [DT_ERR_NOTFOUND] = "not found",
	    [DT_ERR_BADMAGIC] = "bad magic",
	    [DT_ERR_BADVERSION] = "unsupported version",
	    [DT_ERR_TRUNCATED] = "truncated",
	    [DT_ERR_BADOFFSET] = "bad offset",
	    [DT_ERR_BADSTRUCTURE] = "bad structure",
	    [DT_ERR_BADSTRING] = "bad string",
	    [DT_ERR_ALIGNMENT] = "misaligned block",
	    [DT_ERR_BADCELLS] = "bad #address-cells/#size-cells",
	    [DT_ERR_BADLENGTH] = "bad property length",
	    [DT_ERR_BADPATH] = "bad path",
	    [DT_ERR_NOSPACE] = "buffer too small",
	};

	if (err < 0)
		err = -err;
	return err < DT_ERR_MAX && msgs[err] ? msgs[err] : "unknown error";
}
