/*
 * test_fdt.c - host tests of lib/fdt_reader.c against libfdt (Debian libfdt-dev).
 *
 * Blobs: the DTBs named on the command line (compiled by meson from the .dts beside this
 * file) and those listed in $PIMM_DTBS (colon separated). For each: our reader and libfdt
 * must agree on every node, property, path, parent and reservation; then the blob is broken
 * by hand (bad magic, truncation at every length, header offsets out of bounds, unterminated
 * strings, bad name offsets, odd sizes, missing FDT_END, unbalanced nodes, old versions) and
 * random byte flips: our reader must reject each designed break, and stay inside the buffer
 * (ASan) whatever it gets; where both readers accept a mutated blob, they must agree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>
#include <pimm/fdt.h>
#include "exercise.h"

struct blob {
	char *path;
	unsigned char *data;
	size_t size;
	bool valid; /* libfdt's fdt_check_full accepts it: the base of the breaking tests */
};

static struct blob blobs[64];
static int nblobs;

/* libfdt's fdt_check_full, except on blobs older than version 16 (which libfdt 1.6.1 may
 * crash on, and which we do not support): those count as rejected. */
static int libfdt_check_full(const void *fdt, size_t size)
{
	if (size < 40)
		return -FDT_ERR_TRUNCATED;
	if (fdt_magic(fdt) != FDT_MAGIC)
		return -FDT_ERR_BADMAGIC;
	if (fdt_version(fdt) < 16)
		return -FDT_ERR_BADVERSION;
	return fdt_check_full(fdt, size);
}

/* Read a whole file into an exact-size heap buffer (so ASan sees any overread). */
static void load_blob(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct blob *b = &blobs[nblobs];
	long size;

	if (!f || nblobs >= (int)(sizeof(blobs) / sizeof(blobs[0]))) {
		fprintf(stderr, "# cannot load %s\n", path);
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	b->path = strdup(path);
	b->size = (size_t)size;
	b->data = malloc(b->size ? b->size : 1);
	if (fread(b->data, 1, b->size, f) != b->size)
		exit(1);
	fclose(f);
	b->valid = libfdt_check_full(b->data, b->size) == 0;
	nblobs++;
}

/* Copy @len bytes of @src to a fresh buffer of exactly @len bytes at offset @shift. */
static unsigned char *clone(const void *src, size_t len, size_t shift, unsigned char **base)
{
	*base = malloc(len + shift + 1);
	memcpy(*base + shift, src, len);
	return *base + shift;
}

/* Store a big-endian u32 at byte offset @off. */
static void put_be32(unsigned char *p, size_t off, uint32_t v)
{
	p[off] = v >> 24;
	p[off + 1] = v >> 16;
	p[off + 2] = v >> 8;
	p[off + 3] = v;
}

#define H_TOTALSIZE    4
#define H_OFF_STRUCT   8
#define H_OFF_STRINGS  12
#define H_OFF_RSVMAP   16
#define H_VERSION      20
#define H_LAST_COMP    24
#define H_SIZE_STRINGS 32
#define H_SIZE_STRUCT  36

/* Properties of @node must be the same, in the same order, through both readers. */
static void compare_props(const void *fdt, int node)
{
	int ours = dt_first_property(fdt, node), theirs = fdt_first_property_offset(fdt, node);

	for (; theirs >= 0;
	     ours = dt_next_property(fdt, ours), theirs = fdt_next_property_offset(fdt, theirs)) {
		const char *oname, *tname;
		int olen, tlen;
		const void *oval = dt_getprop_by_offset(fdt, ours, &oname, &olen);
		const void *tval = fdt_getprop_by_offset(fdt, theirs, &tname, &tlen);

		assert_int_equal(ours, theirs);
		assert_non_null(tval);
		assert_ptr_equal(oval, tval);
		assert_int_equal(olen, tlen);
		assert_string_equal(oname, tname);
		/* by name: the first property of that name, as in libfdt */
		assert_ptr_equal(dt_getprop(fdt, node, tname, &olen),
				 fdt_getprop(fdt, node, tname, &tlen));
		assert_int_equal(olen, tlen);
	}
	assert_int_equal(theirs, -FDT_ERR_NOTFOUND);
	assert_int_equal(ours, -DT_ERR_NOTFOUND);
	assert_null(dt_getprop(fdt, node, "no-such-property", &ours));
	assert_int_equal(ours, -DT_ERR_NOTFOUND);
}

/* Cells, compatibility and status must match libfdt where libfdt's rules equal ours. */
static void compare_node_info(const void *fdt, int node)
{
	int tac = fdt_address_cells(fdt, node), tsc = fdt_size_cells(fdt, node);
	int oac = dt_address_cells(fdt, node), osc = dt_size_cells(fdt, node);
	int clen, slen;
	const char *compat = fdt_getprop(fdt, node, "compatible", &clen);
	const char *status = fdt_getprop(fdt, node, "status", &slen);

	if (tac >= 1 && tac <= 2)
		assert_int_equal(oac, tac);
	else
		assert_true(oac == -DT_ERR_BADCELLS || (tac == -FDT_ERR_BADNCELLS && oac == 0));
	if (tsc >= 0 && tsc <= 2)
		assert_int_equal(osc, tsc);
	else
		assert_int_equal(osc, -DT_ERR_BADCELLS);
	if (compat && clen > 0 && memchr(compat, '\0', (size_t)clen)) {
		assert_true(dt_node_is_compatible(fdt, node, compat));
		assert_int_equal(fdt_node_check_compatible(fdt, node, compat), 0);
	}
	assert_false(dt_node_is_compatible(fdt, node, "pimm,no-such-device"));
	if (status && !(slen > 0 && memchr(status, '\0', (size_t)slen)))
		assert_false(dt_node_is_available(fdt, node)); /* unterminated */
	else
		assert_int_equal(dt_node_is_available(fdt, node),
				 !status || !strcmp(status, "okay") || !strcmp(status, "ok"));
}

/* Path, parent, lookups by path and by name, subnode iteration. */
static void compare_place(const void *fdt, int node)
{
	char opath[512], tpath[512], unitless[512];
	int parent = fdt_parent_offset(fdt, node), len, sub, tsub;
	const char *name = fdt_get_name(fdt, node, &len);

	assert_int_equal(dt_parent_offset(fdt, node), parent >= 0 ? parent : -DT_ERR_NOTFOUND);
	assert_int_equal(dt_get_path(fdt, node, opath, sizeof(opath)), 0);
	assert_int_equal(fdt_get_path(fdt, node, tpath, sizeof(tpath)), 0);
	assert_string_equal(opath, tpath);
	assert_int_equal(dt_path_offset(fdt, opath), fdt_path_offset(fdt, tpath));
	/* the same path without unit addresses, which both resolve to the first match */
	strcpy(unitless, tpath);
	for (char *p = strchr(unitless, '@'); p; p = strchr(p, '@')) {
		size_t cut = strcspn(p, "/");
		memmove(p, p + cut, strlen(p + cut) + 1);
	}
	assert_int_equal(dt_path_offset(fdt, unitless), fdt_path_offset(fdt, unitless));
	if (strlen(opath) > 1) {
		assert_int_equal(dt_get_path(fdt, node, opath, (int)strlen(tpath)),
				 -DT_ERR_NOSPACE);
		assert_int_equal(dt_get_path(fdt, node, opath, (int)strlen(tpath) + 1), 0);
		assert_string_equal(opath, tpath);
	}
	if (parent >= 0)
		assert_int_equal(dt_subnode_offset(fdt, parent, name),
				 fdt_subnode_offset(fdt, parent, name));
	sub = dt_first_subnode(fdt, node);
	tsub = fdt_first_subnode(fdt, node);
	for (; tsub >= 0; sub = dt_next_subnode(fdt, sub), tsub = fdt_next_subnode(fdt, tsub))
		assert_int_equal(sub, tsub);
	assert_int_equal(sub, -DT_ERR_NOTFOUND);
}

/* Both readers must see the same nodes, in the same order, at the same depths. */
static void compare_with_libfdt(const void *fdt)
{
	int odepth = 0, tdepth = 0, ours, theirs, olen, tlen;
	u64 oa, os;
	uint64_t ta, ts;

	assert_int_equal(dt_totalsize(fdt), fdt_totalsize(fdt));
	assert_int_equal(dt_version(fdt), fdt_version(fdt));
	assert_int_equal(dt_boot_cpuid_phys(fdt), fdt_boot_cpuid_phys(fdt));
	assert_int_equal(dt_num_mem_rsv(fdt), fdt_num_mem_rsv(fdt));
	for (int i = 0; i < fdt_num_mem_rsv(fdt); i++) {
		assert_int_equal(dt_get_mem_rsv(fdt, i, &oa, &os), 0);
		assert_int_equal(fdt_get_mem_rsv(fdt, i, &ta, &ts), 0);
		assert_true(oa == ta && os == ts);
	}
	assert_int_equal(dt_get_mem_rsv(fdt, fdt_num_mem_rsv(fdt), &oa, &os), -DT_ERR_NOTFOUND);
	assert_int_equal(dt_path_offset(fdt, "/"), fdt_path_offset(fdt, "/"));
	ours = dt_next_node(fdt, -1, &odepth);
	theirs = fdt_next_node(fdt, -1, &tdepth);
	for (; theirs >= 0; ours = dt_next_node(fdt, ours, &odepth),
			    theirs = fdt_next_node(fdt, theirs, &tdepth)) {
		assert_int_equal(ours, theirs);
		assert_int_equal(odepth + 1, tdepth); /* libfdt counts the root as depth 1 */
		assert_string_equal(dt_get_name(fdt, ours, &olen),
				    fdt_get_name(fdt, theirs, &tlen));
		assert_int_equal(olen, tlen);
		compare_props(fdt, ours);
		compare_node_info(fdt, ours);
		compare_place(fdt, ours);
	}
	assert_int_equal(ours, -DT_ERR_NOTFOUND);
}

/* Every loaded blob is valid for both readers, and they agree on all of it. */
static void test_valid_blobs(void **state)
{
	(void)state;
	assert_true(nblobs > 0);
	for (int i = 0; i < nblobs; i++) {
		const void *fdt = blobs[i].data;
		unsigned char *base;
		const unsigned char *shifted;

		print_message("# %s (%zu bytes)\n", blobs[i].path, blobs[i].size);
		if (!blobs[i].valid) { /* a broken blob on purpose: ours must refuse it too */
			int ret = dt_check_full(fdt, blobs[i].size);

			print_message("#   libfdt: %s; ours: %s\n",
				      fdt_strerror(libfdt_check_full(fdt, blobs[i].size)),
				      dt_strerror(ret));
			assert_true(ret < 0);
			dt_exercise(fdt, blobs[i].size);
			continue;
		}
		assert_int_equal(dt_check_header(fdt, blobs[i].size), 0);
		assert_int_equal(dt_check_full(fdt, blobs[i].size), 0);
		compare_with_libfdt(fdt);
		/* the same answers from an odd address (our reader only: libfdt needs 4 bytes) */
		for (size_t shift = 1; shift < 4; shift++) {
			shifted = clone(fdt, blobs[i].size, shift, &base);
			assert_int_equal(dt_check_full(shifted, blobs[i].size), 0);
			assert_int_equal(dt_exercise(shifted, blobs[i].size),
					 dt_exercise(fdt, blobs[i].size));
			free(base);
		}
	}
}

/* A modified copy of blob @b: header field @field set to @value (field < 0: unchanged). */
static unsigned char *patched(const struct blob *b, int field, uint32_t value)
{
	unsigned char *base, *p = clone(b->data, b->size, 0, &base);

	if (field >= 0)
		put_be32(p, (size_t)field, value);
	return p;
}

/* dt_check_full must fail with @err on the patched copy, and the accessors stay in bounds. */
static void expect_broken(const struct blob *b, unsigned char *p, int err, const char *what)
{
	int ret = dt_check_full(p, b->size);

	if (ret != err)
		fail_msg("%s, %s: dt_check_full = %d (%s), want %d (%s)", b->path, what, ret,
			 dt_strerror(ret), err, dt_strerror(err));
	dt_exercise(p, b->size);
	free(p);
}

/* Offset (inside the structure block) of the first token equal to @tag, and of the last. */
static uint32_t find_tag(const unsigned char *fdt, uint32_t tag, bool last)
{
	uint32_t found = UINT32_MAX;
	int next, off = 0, t;

	for (;;) {
		t = fdt_next_tag(fdt, off, &next);
		if ((uint32_t)t == tag) {
			found = (uint32_t)off;
			if (!last)
				return found;
		}
		if (t == FDT_END || next < 0)
			return found;
		off = next;
	}
}

/* Each header field pointed out of bounds, misaligned, or otherwise wrong. */
static void test_broken_header(void **state)
{
	(void)state;
	for (int i = 0; i < nblobs; i++) {
		const struct blob *b = &blobs[i];

		if (!b->valid)
			continue;
		const unsigned char *d = b->data;
		uint32_t total = fdt_totalsize(d), ostruct = fdt_off_dt_struct(d);
		uint32_t sstruct = fdt_size_dt_struct(d), ostrings = fdt_off_dt_strings(d);
		uint32_t sstrings = fdt_size_dt_strings(d), orsv = fdt_off_mem_rsvmap(d);
		const int T = -DT_ERR_TRUNCATED, O = -DT_ERR_BADOFFSET, A = -DT_ERR_ALIGNMENT;

		expect_broken(b, patched(b, 0, 0xd00dfeee), -DT_ERR_BADMAGIC, "magic");
		expect_broken(b, patched(b, H_VERSION, 15), -DT_ERR_BADVERSION, "version 15");
		expect_broken(b, patched(b, H_LAST_COMP, 18), -DT_ERR_BADVERSION, "last_comp 18");
		expect_broken(b, patched(b, H_TOTALSIZE, total + 1), T, "totalsize > buffer");
		expect_broken(b, patched(b, H_TOTALSIZE, 0xffffffff), T, "totalsize huge");
		expect_broken(b, patched(b, H_TOTALSIZE, 39), T, "totalsize < header");
		expect_broken(b, patched(b, H_OFF_STRUCT, total - sstruct + 4), T,
			      "struct past end");
		expect_broken(b, patched(b, H_OFF_STRUCT, 0xfffffffc), T, "struct offset huge");
		expect_broken(b, patched(b, H_OFF_STRUCT, 4), O, "struct in header");
		expect_broken(b, patched(b, H_OFF_STRUCT, ostruct + 2),
			      ostruct + 2 + sstruct <= total ? A : T, "struct misaligned");
		expect_broken(b, patched(b, H_SIZE_STRUCT, total), T, "struct size > total");
		expect_broken(b, patched(b, H_SIZE_STRUCT, 0xfffffffc), T, "struct size huge");
		expect_broken(b, patched(b, H_SIZE_STRUCT, sstruct - 2), A, "struct size odd");
		expect_broken(b, patched(b, H_SIZE_STRUCT, sstruct - 4), -DT_ERR_BADSTRUCTURE,
			      "no FDT_END");
		expect_broken(b, patched(b, H_OFF_STRINGS, total - sstrings + 1), T,
			      "strings past end");
		expect_broken(b, patched(b, H_OFF_STRINGS, 0x80000000), T, "strings offset huge");
		expect_broken(b, patched(b, H_OFF_STRINGS, 0), O, "strings in header");
		expect_broken(b, patched(b, H_SIZE_STRINGS, 0xffffffff), T, "strings size huge");
		expect_broken(b, patched(b, H_OFF_RSVMAP, total), T, "rsvmap at end");
		expect_broken(b, patched(b, H_OFF_RSVMAP, total - 8), T, "rsvmap half entry");
		expect_broken(b, patched(b, H_OFF_RSVMAP, 0xfffffff8), T, "rsvmap huge");
		expect_broken(b, patched(b, H_OFF_RSVMAP, 8), O, "rsvmap in header");
		expect_broken(b, patched(b, H_OFF_RSVMAP, orsv + 4), A, "rsvmap misaligned");
		if (sstrings > 0 && d[ostrings + sstrings - 1] == '\0')
			expect_broken(b, patched(b, H_SIZE_STRINGS, sstrings - 1),
				      -DT_ERR_BADSTRING, "last string unterminated");
	}
}

/* Tokens of the structure block broken one at a time. */
static void test_broken_struct(void **state)
{
	(void)state;
	for (int i = 0; i < nblobs; i++) {
		const struct blob *b = &blobs[i];

		if (!b->valid)
			continue;
		uint32_t ostruct = fdt_off_dt_struct(b->data);
		uint32_t prop = find_tag(b->data, FDT_PROP, false);
		uint32_t end_node = find_tag(b->data, FDT_END_NODE, true);
		uint32_t end = find_tag(b->data, FDT_END, true);
		unsigned char *p;

		p = patched(b, -1, 0);
		put_be32(p, ostruct + end_node, FDT_NOP);
		expect_broken(b, p, -DT_ERR_BADSTRUCTURE, "root never closed");
		p = patched(b, -1, 0);
		put_be32(p, ostruct + end, FDT_END_NODE);
		expect_broken(b, p, -DT_ERR_BADSTRUCTURE, "FDT_END replaced");
		p = patched(b, -1, 0);
		put_be32(p, ostruct + end, FDT_BEGIN_NODE);
		expect_broken(b, p, -DT_ERR_BADSTRING, "second root, name cut by the block end");
		if (prop == UINT32_MAX)
			continue;
		p = patched(b, -1, 0);
		put_be32(p, ostruct + prop + 8, fdt_size_dt_strings(b->data));
		expect_broken(b, p, -DT_ERR_BADSTRING, "nameoff past strings");
		p = patched(b, -1, 0);
		put_be32(p, ostruct + prop + 8, 0xffffffff);
		expect_broken(b, p, -DT_ERR_BADSTRING, "nameoff huge");
		p = patched(b, -1, 0);
		put_be32(p, ostruct + prop + 4, 0x7ffffff0);
		expect_broken(b, p, -DT_ERR_TRUNCATED, "property length huge");
		p = patched(b, -1, 0);
		put_be32(p, ostruct + prop, 0x5);
		expect_broken(b, p, -DT_ERR_BADSTRUCTURE, "unknown token");
	}
}

/* The blob cut at every length: a buffer of exactly that many bytes, with the header's
 * totalsize left (must be refused) or lowered to match (anything but an overread; refused by
 * both readers when the cut reaches into a block, accepted and compared when it only drops
 * padding after the last block). */
static void test_truncated(void **state)
{
	int refused = 0, compared = 0;

	(void)state;
	for (int i = 0; i < nblobs; i++) {
		const struct blob *b = &blobs[i];

		if (!b->valid)
			continue;

		size_t blocks_end = fdt_off_dt_strings(b->data) + fdt_size_dt_strings(b->data);

		if (fdt_off_dt_struct(b->data) + fdt_size_dt_struct(b->data) > blocks_end)
			blocks_end = fdt_off_dt_struct(b->data) + fdt_size_dt_struct(b->data);

		/* every length near the ends of the blob, a spread of lengths in between */
		for (size_t len = 0; len < b->size;
		     len += len < 256 || len + 64 > b->size ? 1 : b->size / 64 + 1) {
			unsigned char *base, *p = clone(b->data, len, 0, &base);

			assert_true(dt_check_header(p, len) < 0);
			assert_true(dt_check_full(p, len) < 0);
			if (len >= 8) {
				put_be32(p, H_TOTALSIZE, (uint32_t)len);
				dt_exercise(p, len);
				if (len < blocks_end) {
					assert_true(dt_check_full(p, len) < 0);
					assert_true(libfdt_check_full(p, len) < 0);
					refused++;
				} else {
					assert_int_equal(dt_check_full(p, len), 0);
					assert_int_equal(libfdt_check_full(p, len), 0);
					compare_with_libfdt(p);
					compared++;
				}
			}
			free(base);
		}
	}
	/* every valid blob is cut at least at each of its first 256 lengths; padded.dtb's last
	 * 64 cuts fall in its padding */
	assert_true(refused >= 200);
	assert_true(compared >= 64);
	print_message("# %d cut blobs refused by both readers, %d (cut in padding) compared\n",
		      refused, compared);
}

/* Fewest flipped copies of one blob both readers must accept (and so be compared). */
#define FLIPS_MIN_COMPARED 20

/* Random byte changes; where both readers accept the result they must agree. */
static void test_random_flips(void **state)
{
	unsigned int seed = 12345;
	int both = 0;

	(void)state;
	for (int i = 0; i < nblobs; i++) {
		const struct blob *b = &blobs[i];

		if (!b->valid)
			continue;

		int compared = 0;

		for (int iter = 0; iter < 6000 / nblobs + 100; iter++) {
			unsigned char *base, *p = clone(b->data, b->size, 0, &base);
			int flips = 1 + rand_r(&seed) % 4;

			for (int f = 0; f < flips; f++) {
				size_t at = (size_t)rand_r(&seed) % b->size;

				p[at] = rand_r(&seed) % 3 ? (unsigned char)rand_r(&seed) : 0;
			}
			dt_exercise(p, b->size);
			if (compared < 100 && dt_check_full(p, b->size) == 0 &&
			    libfdt_check_full(p, b->size) == 0) {
				compare_with_libfdt(p); /* quadratic: at most 100 per blob */
				compared++;
			}
			free(base);
		}
		/* rand_r starts from a fixed value: every blob yields dozens; a handful means a bug */
		if (compared < FLIPS_MIN_COMPARED)
			fail_msg("%s: only %d mutated blobs accepted by both readers and compared",
				 b->path, compared);
		both += compared;
	}
	print_message("# %d mutated blobs accepted by both readers and compared\n", both);
}

#define W(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* A blob built from structure words and a strings block: header, empty reservation map at
 * 40, structure at 56, strings after it. Returns its size. */
static size_t build(unsigned char *out, const uint32_t *words, size_t nwords, const char *strings,
		    size_t strsize)
{
	size_t ostruct = 56, ostrings = ostruct + 4 * nwords, total = ostrings + strsize;

	memset(out, 0, total);
	put_be32(out, 0, FDT_MAGIC);
	put_be32(out, H_TOTALSIZE, (uint32_t)total);
	put_be32(out, H_OFF_STRUCT, (uint32_t)ostruct);
	put_be32(out, H_OFF_STRINGS, (uint32_t)ostrings);
	put_be32(out, H_OFF_RSVMAP, 40);
	put_be32(out, H_VERSION, 17);
	put_be32(out, H_LAST_COMP, 16);
	put_be32(out, H_SIZE_STRINGS, (uint32_t)strsize);
	put_be32(out, H_SIZE_STRUCT, (uint32_t)(4 * nwords));
	for (size_t i = 0; i < nwords; i++)
		put_be32(out, ostruct + 4 * i, words[i]);
	memcpy(out + ostrings, strings, strsize);
	return total;
}

struct built_case {
	const char *what;
	uint32_t words[16];
	size_t nwords;
	const char *strings;
	size_t strsize;
	int err;
};

#define BEGIN FDT_BEGIN_NODE
#define ENDN  FDT_END_NODE
static const struct built_case built_cases[] = {
    {"smallest valid", {BEGIN, 0, ENDN, FDT_END}, 4, "", 0, 0},
    {"NOPs everywhere",
     {FDT_NOP, BEGIN, 0, FDT_NOP, FDT_PROP, 1, 0, W('x', 0, 0, 0), FDT_NOP, ENDN, FDT_NOP, FDT_END},
     12,
     "p",
     2,
     0},
    {"unterminated node name", {BEGIN, W('a', 'b', 'c', 'd')}, 2, "", 0, -DT_ERR_BADSTRING},
    {"node name at block end", {BEGIN}, 1, "", 0, -DT_ERR_BADSTRING},
    {"property outside nodes",
     {FDT_PROP, 0, 0, BEGIN, 0, ENDN, FDT_END},
     7,
     "a",
     2,
     -DT_ERR_BADSTRUCTURE},
    {"two roots", {BEGIN, 0, ENDN, BEGIN, 0, ENDN, FDT_END}, 7, "", 0, -DT_ERR_BADSTRUCTURE},
    {"END_NODE at depth 0", {ENDN, FDT_END}, 2, "", 0, -DT_ERR_BADSTRUCTURE},
    {"no root", {FDT_NOP, FDT_END}, 2, "", 0, -DT_ERR_BADSTRUCTURE},
    {"no FDT_END", {BEGIN, 0, ENDN}, 3, "", 0, -DT_ERR_BADSTRUCTURE},
    {"property past the block",
     {BEGIN, 0, FDT_PROP, 100, 0, ENDN, FDT_END},
     7,
     "a",
     2,
     -DT_ERR_TRUNCATED},
    {"property header cut", {BEGIN, 0, FDT_PROP, 0}, 4, "a", 2, -DT_ERR_TRUNCATED},
    {"name offset to unterminated string",
     {BEGIN, 0, FDT_PROP, 0, 0, ENDN, FDT_END},
     7,
     "ab",
     2,
     -DT_ERR_BADSTRING},
    {"name offset past strings",
     {BEGIN, 0, FDT_PROP, 0, 2, ENDN, FDT_END},
     7,
     "a",
     2,
     -DT_ERR_BADSTRING},
    {"unknown token", {BEGIN, 0, 7, ENDN, FDT_END}, 5, "", 0, -DT_ERR_BADSTRUCTURE},
    {"empty structure block", {0}, 0, "", 0, -DT_ERR_BADSTRUCTURE},
};

/* Hand-built blobs with one defect each (or none). */
static void test_built(void **state)
{
	unsigned char buf[256];
	const void *val;
	int len;

	(void)state;
	for (size_t i = 0; i < sizeof(built_cases) / sizeof(built_cases[0]); i++) {
		const struct built_case *c = &built_cases[i];
		size_t size = build(buf, c->words, c->nwords, c->strings, c->strsize);
		unsigned char *base, *p = clone(buf, size, 0, &base);
		int ret = dt_check_full(p, size);

		if (ret != c->err)
			fail_msg("%s: dt_check_full = %d (%s), want %d", c->what, ret,
				 dt_strerror(ret), c->err);
		dt_exercise(p, size);
		free(base);
	}
	/* NOPs: the root is the first BEGIN_NODE, its property is found through them */
	build(buf, built_cases[1].words, built_cases[1].nwords, "p", 2);
	assert_int_equal(dt_path_offset(buf, "/"), 4);
	val = dt_getprop(buf, 4, "p", &len);
	assert_non_null(val);
	assert_int_equal(len, 1);
	assert_string_equal(val, "x");
	/* version 16 has no size_dt_struct: the structure block ends at the strings */
	build(buf, built_cases[1].words, built_cases[1].nwords, "p", 2);
	put_be32(buf, H_VERSION, 16);
	put_be32(buf, H_SIZE_STRUCT, 0xdeadbeef);
	assert_int_equal(dt_check_full(buf, sizeof(buf)), 0);
	/* a reservation map without terminator */
	build(buf, built_cases[0].words, built_cases[0].nwords, "", 0);
	put_be32(buf, H_OFF_RSVMAP, 56);
	assert_int_equal(dt_check_header(buf, 72), -DT_ERR_TRUNCATED);
}

/* Small helpers: numbers, string lists, error texts. */
static void test_helpers(void **state)
{
	static const unsigned char cells[9] = {0, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0};

	(void)state;
	assert_int_equal(dt_be32(cells + 1), 0x12345678);
	assert_true(dt_read_number(cells + 1, 2) == 0x123456789abcdef0ull);
	assert_true(dt_read_number(cells + 1, 1) == 0x12345678);
	assert_true(dt_read_number(cells + 1, 0) == 0);
	assert_true(dt_stringlist_contains("a\0bc\0", 5, "bc"));
	assert_true(dt_stringlist_contains("a\0bc\0", 5, "a"));
	assert_false(dt_stringlist_contains("a\0bc\0", 5, "b"));
	assert_false(dt_stringlist_contains("a\0bc", 4, "bc")); /* unterminated */
	assert_true(dt_stringlist_contains("\0", 1, ""));
	assert_false(dt_stringlist_contains("", 0, ""));
	assert_string_equal(dt_strerror(-DT_ERR_NOTFOUND), "not found");
	assert_string_equal(dt_strerror(DT_ERR_BADMAGIC), "bad magic");
	assert_string_equal(dt_strerror(-1000), "unknown error");
	for (int e = 0; e < DT_ERR_MAX; e++)
		assert_string_not_equal(dt_strerror(-e), "unknown error");
	assert_int_equal(dt_check_header(NULL, 100), -DT_ERR_TRUNCATED);
	assert_int_equal(dt_check_header("\xd0\x0d\xfe\xed", 4), -DT_ERR_TRUNCATED);
	assert_int_equal(dt_check_header("abcd", 4), -DT_ERR_BADMAGIC);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_helpers),	  cmocka_unit_test(test_built),
	    cmocka_unit_test(test_valid_blobs),	  cmocka_unit_test(test_broken_header),
	    cmocka_unit_test(test_broken_struct), cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_random_flips),
	};
	const char *env = getenv("PIMM_DTBS");

	for (int i = 1; i < argc; i++)
		load_blob(argv[i]);
	if (env && *env) {
		char *list = strdup(env), *save = NULL;

		for (char *p = strtok_r(list, ":", &save); p; p = strtok_r(NULL, ":", &save))
			load_blob(p);
		free(list);
	}
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("fdt", tests, NULL, NULL);
}
