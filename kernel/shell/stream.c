/*
 * kernel/shell/stream.c - the state stream's shell side (docs/state-stream.md): the requests
 * a host sends on the stream's channel, the snapshot, and the flush after every command.
 *
 * Where it sits: after boot, beside the console shell. kernel/mm/mm_stream.c records the
 * buddy allocator's free-list events and writes the zone and pageset parts; this file adds
 * what only the shell's commands know how to read (memblock owners, the virtual layout, slab
 * caches, vmalloc areas, CMA pools, a page walk with the MMU's answer) and decides when to
 * write:
 *
 *   shell_getc (waiting for a key) --> mm_stream_idle --> requests: snapshot | walk VA | quiet
 *   shell_main, after each command --> mm_stream_command_done --+
 *   torture's loop on CPU 0, every 100 ms --> mm_stream_poll ----+--> stream_flush:
 *        events (or one "resync" snapshot when the ring overflowed), changed pagesets,
 *        slab caches and vmalloc areas if they changed, then a "flush" record
 *
 * Only CPU 0 writes the channel (the shell and torture's CPU 0 share): records never
 * interleave. Linux has no such stream; its nearest relatives are tracefs's kmem events and
 * the /proc files the records mirror (buddyinfo, pagetypeinfo, slabinfo, vmallocinfo).
 */
#include <string.h>
#include <linux/cma.h>
#include <linux/highmem.h>
#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/slub_def.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <asm/cp15.h>
#include <asm/fixmap.h>
#include <asm/highmem.h>
#include <asm/pgtable.h>
#include <asm/ptdump.h>
#include <asm/smp.h>
#include <pimm/cmdline.h>
#include <pimm/kallsyms.h>
#include <pimm/mm_stream.h>
#include <pimm/parse.h>
#include <pimm/shell.h>
#include <pimm/vsprintf.h>

#define REQUEST_MAX 64
#define POLL_MS 100

static char request[REQUEST_MAX];
static unsigned int request_len;
static bool request_too_long;
static char command[SHELL_LINE_MAX]; /* the command running, for "flush" records */
static u32 slabs_sent, vmalloc_sent; /* hashes of what was last sent (0: resend) */
static u64 next_poll;

/* ---- records ------------------------------------------------------------------------------ */

static void emit_error(const char *fmt, ...) __printf(1, 2);
static void emit_error(const char *fmt, ...)
{
	struct json_out j;
	char msg[128];
	va_list ap;

	va_start(ap, fmt);
	kvscnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mm_stream_record(&j);
	json_obj_open(&j, NULL);
	json_str(&j, "t", "error");
	json_str(&j, "msg", msg);
	json_obj_close(&j);
	json_end_line(&j);
}

/* One {"name","start","end"} of the layout. */
static void emit_region(struct json_out *j, const char *name, unsigned long start,
			unsigned long end)
{
	json_obj_open(j, NULL);
	json_str(j, "name", name);
	json_uint(j, "start", start);
	json_uint(j, "end", end);
	json_obj_close(j);
}

/* "layout": the areas of the virtual memory layout (print_vm_layout's), low to high. */
static void emit_layout(struct json_out *j)
{
	json_arr_open(j, "layout");
	emit_region(j, "modules", MODULES_VADDR, MODULES_END);
#ifdef CONFIG_HIGHMEM
	emit_region(j, "pkmap", PKMAP_BASE, PKMAP_BASE + LAST_PKMAP * PAGE_SIZE);
#endif
	emit_region(j, "lowmem", PAGE_OFFSET, (unsigned long)high_memory);
	emit_region(j, "vmalloc", VMALLOC_START, VMALLOC_END);
	emit_region(j, "DTB", FDT_FIXED_BASE, FDT_FIXED_BASE + FDT_FIXED_SIZE);
	emit_region(j, "fixmap", FIXADDR_START, FIXADDR_END);
	emit_region(j, "vectors", VECTORS_BASE, VECTORS_BASE + PAGE_SIZE);
	emit_region(j, "stubs", VECTORS_BASE + PAGE_SIZE, VECTORS_BASE + 2 * PAGE_SIZE);
	json_arr_close(j);
}

/* "pkmap": the slots in use, [slot, va, pa, count] (count as pkmap_count[]). */
static void emit_pkmap(struct json_out *j)
{
	json_arr_open(j, "pkmap");
#ifdef CONFIG_HIGHMEM
	for (unsigned int nr = 0; nr < LAST_PKMAP; nr++) {
		pteval_t pte;
		int count = pkmap_slot_state(nr, &pte);

		if (!count)
			continue;
		json_arr_open(j, NULL);
		json_uint(j, NULL, nr);
		json_uint(j, NULL, PKMAP_ADDR(nr));
		json_uint(j, NULL, pte & PAGE_MASK);
		json_int(j, NULL, count);
		json_arr_close(j);
	}
#endif
	json_arr_close(j);
}

/* "memblock": both types, reserved regions with the owners `memblock` names. */
static void emit_memblock(struct json_out *j)
{
	static char owner[MEMBLOCK_OWNERS_MAX];
	struct memblock_region *r;

	json_obj_open(j, "memblock");
	json_arr_open(j, "memory");
	for_each_mem_region(r) {
		json_obj_open(j, NULL);
		json_uint(j, "base", r->base);
		json_uint(j, "size", r->size);
		json_uint(j, "flags", r->flags);
		json_obj_close(j);
	}
	json_arr_close(j);
	json_arr_open(j, "reserved");
	for_each_reserved_mem_region(r) {
		memblock_owners_format(owner, sizeof(owner), r->base, r->base + r->size);
		json_obj_open(j, NULL);
		json_uint(j, "base", r->base);
		json_uint(j, "size", r->size);
		json_uint(j, "flags", r->flags);
		json_str(j, "owner", owner);
		json_obj_close(j);
	}
	json_arr_close(j);
	json_obj_close(j);
}

/* The slab caches as /proc/slabinfo counts them, newest first. */
static void emit_slab_caches(struct json_out *j, const char *key)
{
	struct kmem_cache *s;
	unsigned long flags;

	json_arr_open(j, key);
	spin_lock_irqsave(&slab_caches_lock, flags);
	list_for_each_entry(s, &slab_caches, list) {
		struct slabinfo si;

		get_slabinfo(s, &si);
		json_obj_open(j, NULL);
		json_str(j, "name", s->name);
		json_uint(j, "object_size", s->object_size);
		json_uint(j, "size", s->size);
		json_uint(j, "objects", si.num_objs);
		json_uint(j, "active", si.active_objs);
		json_uint(j, "slabs", si.num_slabs);
		json_obj_close(j);
	}
	spin_unlock_irqrestore(&slab_caches_lock, flags);
	json_arr_close(j);
}

/* One busy vmap area (vmalloc_for_each_area's callback; arg is the json_out). */
static void emit_area(const struct vmap_area *va, void *arg)
{
	char caller[KSYM_SYMBOL_LEN + 2], flags[64];
	const struct vm_struct *vm = va->vm;
	struct json_out *j = arg;

	if (vm) {
		vmalloc_caller_format(caller, sizeof(caller), vm);
		vmalloc_flags_format(flags, sizeof(flags), vm);
	}
	json_obj_open(j, NULL);
	json_uint(j, "addr", vm ? (unsigned long)vm->addr : va->va_start);
	json_uint(j, "size", vm ? vm->size : va->va_end - va->va_start);
	json_uint(j, "pages", vm ? vm->nr_pages : 0);
	json_str(j, "caller", vm ? caller + (caller[0] == ' ') : "vm_map_ram");
	json_str(j, "flags", vm ? flags + (flags[0] == ' ') : "");
	json_obj_close(j);
}

static void emit_vmalloc_areas(struct json_out *j, const char *key)
{
	json_arr_open(j, key);
	vmalloc_for_each_area(emit_area, j);
	json_arr_close(j);
}

/* "cma": every CMA area with its size and the pages allocated from it. */
static void emit_cma(struct json_out *j)
{
	json_arr_open(j, "cma");
	for (unsigned int i = 0; i < cma_area_count; i++) {
		struct cma *cma = &cma_areas[i];

		json_obj_open(j, NULL);
		json_str(j, "name", cma_get_name(cma));
		json_uint(j, "base", cma_get_base(cma));
		json_uint(j, "count", cma->count);
		json_uint(j, "used", cma_used_pages(cma));
		json_obj_close(j);
	}
	json_arr_close(j);
}

/* FNV-1a over the bytes of a record that is hashed instead of written. */
static void hash_sink(void *ctx, const char *s, unsigned int n)
{
	u32 *h = ctx;

	while (n--)
		*h = (*h ^ (u8)*s++) * 16777619u;
}

/* The hash of the list emit writes (what tells a changed list from the one sent). */
static u32 list_hash(void (*emit)(struct json_out *j, const char *key))
{
	u32 h = 2166136261u;
	struct json_out j;

	json_begin(&j, hash_sink, &h);
	emit(&j, NULL);
	return h;
}

/* A whole "snapshot" record; why: "request" or "resync" (lost events dropped). */
static void emit_snapshot(const char *why, unsigned long lost)
{
	struct json_out j;

	slabs_sent = list_hash(emit_slab_caches); /* hashed first: a later change is resent */
	vmalloc_sent = list_hash(emit_vmalloc_areas);
	mm_stream_snapshot_open(&j, why, lost);
	emit_layout(&j);
	emit_memblock(&j);
	mm_stream_emit_zones(&j);
	mm_stream_emit_pcp(&j);
	emit_slab_caches(&j, "slabs");
	emit_vmalloc_areas(&j, "vmalloc");
	emit_pkmap(&j);
	emit_cma(&j);
	json_obj_close(&j);
	json_end_line(&j);
}

/* ---- coalesced lists: send the slab caches and vmalloc areas only when they changed ------ */

/* Write {"t":t,"seq":N,key:[...]} when the list differs from the one last sent. */
static void emit_list_if_changed(const char *t, const char *key, u32 *sent,
				 void (*emit)(struct json_out *j, const char *key))
{
	u32 h = list_hash(emit);
	struct json_out j;

	if (h == *sent)
		return;
	*sent = h;
	mm_stream_record(&j);
	json_obj_open(&j, NULL);
	json_str(&j, "t", t);
	json_uint(&j, "seq", mm_stream_seq());
	emit(&j, key);
	json_obj_close(&j);
	json_end_line(&j);
}

/* The end of a batch: events or a resync, the coalesced lists, the "flush" record. */
static void stream_flush(bool running)
{
	unsigned long lost = mm_stream_flush_events();

	if (lost)
		emit_snapshot("resync", lost);
	mm_stream_emit_pcp_changes();
	emit_list_if_changed("slabs", "caches", &slabs_sent, emit_slab_caches);
	emit_list_if_changed("vmalloc", "areas", &vmalloc_sent, emit_vmalloc_areas);
	mm_stream_emit_flush(command, running);
}

/* ---- requests ------------------------------------------------------------------------------ */

/* "walk": pgtable_walk's levels and the MMU's own answer (ATS1CPR), like `walk VA`. */
static void emit_walk(u32 va)
{
	struct pt_walk w;
	struct json_out j;
	u32 par;
	pmd_t *pair;
	bool mmu_ok, agrees;
	phys_addr_t mmu_pa;
	const char *mt = NULL;
	static const char *const kinds[] = {
		[PT_FAULT_L1] = "fault", [PT_SECTION] = "section", [PT_SUPERSECTION] = "supersection",
		[PT_FAULT_L2] = "fault", [PT_PAGE] = "page", [PT_LARGE_PAGE] = "large page",
		[PT_BAD_TABLE] = "bad table"};

	pgtable_walk(init_mm_pgd, va, &w);
	par = mmu_translate(va, false);
	mmu_ok = !(par & 1);
	mmu_pa = (par & PAGE_MASK) | (va & ~PAGE_MASK);
	agrees = mmu_ok == (w.mapped && w.perm.kr) && (!mmu_ok || mmu_pa == w.pa);
	pair = (pmd_t *)pgd_offset_k(va);
	mm_stream_record(&j);
	json_obj_open(&j, NULL);
	json_str(&j, "t", "walk");
	json_uint(&j, "va", va);
	json_uint(&j, "pgd_index", w.pgd_index);
	json_arr_open(&j, "pgd");
	json_uint(&j, NULL, pair[0]);
	json_uint(&j, NULL, pair[1]);
	json_arr_close(&j);
	json_str(&j, "kind", kinds[w.kind]);
	json_str(&j, "level", w.kind == PT_FAULT_L1 || w.kind == PT_SECTION ||
			      w.kind == PT_SUPERSECTION ? "L1" : "L2");
	json_uint(&j, "l1_index", w.l1_index);
	json_uint(&j, "l1", w.pmd);
	if (w.kind == PT_SECTION || w.kind == PT_SUPERSECTION)
		mt = mem_type_of_va_sect(va, w.pmd) ?: mem_type_of_sect_base(w.pmd);
	if (w.kind == PT_PAGE || w.kind == PT_LARGE_PAGE || w.kind == PT_FAULT_L2) {
		json_uint(&j, "pte_index", w.pte_index);
		json_uint(&j, "hw_pte_index", w.hw_pte_index);
		json_uint(&j, "linux_pte", w.linux_pte);
		json_uint(&j, "hw_pte", w.hw_pte);
		mt = mem_type_of_va_pte(va, w.linux_pte);
	}
	json_bool(&j, "mapped", w.mapped);
	if (w.mapped) {
		json_uint(&j, "pa", w.pa);
		json_uint(&j, "domain", w.domain);
		json_uint(&j, "ap", w.ap);
		json_uint(&j, "tex", w.tex);
		json_uint(&j, "c", w.c);
		json_uint(&j, "b", w.b);
		json_bool(&j, "s", w.s);
		json_bool(&j, "ng", w.ng);
		json_bool(&j, "xn", w.xn);
		json_bool(&j, "pxn", w.pxn);
		json_str(&j, "perm", w.perm.kw ? (w.perm.kx ? "RW X" : "RW NX")
					      : (w.perm.kx ? "RO X" : "RO NX"));
		json_str(&j, "mem_type", mt ? mt : "-");
	}
	json_uint(&j, "mmu_par", par);
	if (mmu_ok)
		json_uint(&j, "mmu_pa", mmu_pa);
	json_bool(&j, "mmu_agrees", agrees);
	json_obj_close(&j);
	json_end_line(&j);
}

/* Answer one request line (docs/state-stream.md: Requests). */
static void stream_request(char *line)
{
	char *argv[4];
	int argc = cmdline_split(line, argv, ARRAY_SIZE(argv));
	u32 va;

	if (argc <= 0)
		return;
	if (!strcmp(argv[0], "snapshot") && argc == 1) {
		mm_stream_listen(true);
		emit_snapshot("request", 0);
	} else if (!strcmp(argv[0], "quiet") && argc == 1) {
		mm_stream_listen(false);
	} else if (!strcmp(argv[0], "walk") && argc == 2) {
		if (parse_u32(argv[1], &va))
			emit_error("walk: bad address '%.32s' (want a number: 0x80100000)", argv[1]);
		else
			emit_walk(va);
	} else {
		emit_error("unknown request '%.32s' (snapshot, walk VA, quiet)", argv[0]);
	}
}

/* Read what the host sent; answer each complete line. CPU 0 only. */
static void stream_read_requests(void)
{
	const struct mm_stream_port *port = mm_stream_port();
	int c;

	if (!port)
		return;
	while ((c = port->getc()) >= 0) {
		if (c != '\n' && c != '\r') {
			if (request_len < REQUEST_MAX - 1)
				request[request_len++] = (char)c;
			else
				request_too_long = true;
			continue;
		}
		request[request_len] = '\0';
		if (request_too_long)
			emit_error("request longer than %d bytes ignored", REQUEST_MAX - 1);
		else
			stream_request(request);
		request_len = 0;
		request_too_long = false;
	}
}

/* ---- the shell's entry points ---------------------------------------------------------------- */

/* Contract: the shell waits for a key; answer the host's requests (CPU 0). */
void mm_stream_idle(void)
{
	stream_read_requests();
}

/* Contract: true when the host sent bytes that mm_stream_idle has not read yet. */
bool mm_stream_rx_pending(void)
{
	const struct mm_stream_port *port = mm_stream_port();

	return port && port->rx_pending();
}

/* Contract: line is about to run; later "flush" records name it. */
void mm_stream_command_start(const char *line)
{
	strlcpy(command, line, sizeof(command));
}

/* Contract: the command finished; write its batch of changes and a "flush" record. */
void mm_stream_command_done(void)
{
	stream_read_requests();
	if (mm_stream_listening)
		stream_flush(false);
	command[0] = '\0';
}

/* Contract: a long command on CPU 0 calls this often; every 100 ms it flushes (coalesced). */
void mm_stream_poll(void)
{
	u64 now;

	if (!mm_stream_port() || smp_processor_id() != 0)
		return;
	now = read_cntvct();
	if (now < next_poll)
		return;
	next_poll = now + read_cntfrq() / (1000 / POLL_MS);
	stream_read_requests();
	if (mm_stream_listening)
		stream_flush(true);
}
