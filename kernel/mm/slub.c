/*
 * kernel/mm/slub.c - the SLUB object allocator (Linux 6.1's mm/slub.c): slabs of equal
 * objects carved from buddy pages, a per-CPU slab for the fast path, per-node partial lists,
 * slub_debug's red zones, poisoning and tracking, and kmem_cache_init's bootstrap.
 *
 * Where it sits: mm_init -> mem_init (the buddy allocator owns memory) -> kmem_cache_init
 * (here: the boot caches, then slab_common.c's kmalloc caches; "SLUB: HWalign=...").
 *
 *   kmem_cache_alloc / kmalloc (slab_common.c)
 *     slab_alloc_node         IRQs off: pop this CPU's freelist            (fast path)
 *       ___slab_alloc         empty: the CPU slab's remote frees (get_freelist), else a
 *                             partial slab (get_partial), else new_slab -> allocate_slab
 *         alloc_debug_slow    debug caches: one object at a time under list_lock, checked
 *   kmem_cache_free / kfree
 *     do_slab_free            the CPU slab's object: push on this CPU's freelist (fast path)
 *       __slab_free           other slabs: onto slab->freelist; a full slab becomes partial,
 *                             an empty one is discarded when min_partial are kept already
 *       free_to_partial_list  debug caches: checked (double free, red zones) first
 *
 *   slab (2^order pages):  [lpad|object|rz|fp|track A|track F|orig|pad] x objects  [leftover]
 *     lpad, rz: red zones (Z) 0xbb free / 0xcc allocated; object: 0x6b..0xa5 free (P);
 *     fp: free pointer (in the middle of the object unless P, Z on small objects or a ctor
 *     needs it outside); tracks: alloc/free caller, CPU, jiffies (U); pad: 0x5a (P)
 *
 * Locking (pimm): the per-CPU slab is touched by its CPU with IRQs off only; every slab's
 * freelist/counters and the partial list are under the node's list_lock. Linux on ARM32
 * (no cmpxchg_double) uses a per-slab bit lock for the former; one lock is simpler and the
 * fast paths take none. No per-CPU partial lists (as CONFIG_SLUB_CPU_PARTIAL=n), no full
 * lists, no cache merging, no freelist randomisation.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include <linux/bug.h>
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/slub_def.h>
#include <linux/spinlock.h>
#include <asm/irqflags.h>
#include <asm/smp.h>
#include <pimm/lab.h>
#include <pimm/parse.h>
#include <pimm/vsprintf.h>
#include "slab.h"

#define SLUB_RED_INACTIVE 0xbb /* Linux's poison bytes (its poison.h) */
#define SLUB_RED_ACTIVE 0xcc
#define POISON_INUSE 0x5a
#define POISON_FREE 0x6b
#define POISON_END 0xa5
#define MIN_PARTIAL 5
#define MAX_PARTIAL 10
#define MAX_OBJS_PER_PAGE 32767
#define DEBUG_DEFAULT_FLAGS (SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER)
#define DEACTIVATE_TO_HEAD 0
#define DEACTIVATE_TO_TAIL 1
#define SLUB_DEBUG_NAMES_MAX 128

static unsigned int slub_min_order;
static unsigned int slub_max_order = PAGE_ALLOC_COSTLY_ORDER;
static unsigned int slub_min_objects;
static unsigned long slub_debug;               /* slub_debug= flags */
static char slub_debug_names[SLUB_DEBUG_NAMES_MAX]; /* its cache list, "" for every cache */
static bool slub_tainted;                      /* a report was printed (TAINT_BAD_PAGE) */

/* slub_debug U: who allocated / freed an object last (Linux's struct track, no stack). */
struct track {
	unsigned long addr;
	int cpu;
	int pid;
	unsigned long when;
};
enum track_item { TRACK_ALLOC, TRACK_FREE };

static inline bool kmem_cache_debug(const struct kmem_cache *s)
{
	return s->flags & SLAB_DEBUG_FLAGS;
}

/* ==== object layout ======================================================================= */

static inline void *get_freepointer(const struct kmem_cache *s, void *object)
{
	return *(void **)((char *)object + s->offset);
}

static inline void set_freepointer(const struct kmem_cache *s, void *object, void *fp)
{
	*(void **)((char *)object + s->offset) = fp;
}

/* The first object's address: past the left red zone. */
static inline void *fixup_red_left(const struct kmem_cache *s, void *p)
{
	return (s->flags & SLAB_RED_ZONE) ? (char *)p + s->red_left_pad : p;
}

static inline bool freeptr_outside_object(const struct kmem_cache *s)
{
	return s->offset >= s->inuse;
}

/* Where the metadata after the object and its red zone ends (tracks follow). */
static inline unsigned int get_info_end(const struct kmem_cache *s)
{
	return freeptr_outside_object(s) ? s->inuse + sizeof(void *) : s->inuse;
}

/* Linux's slub_debug_orig_size: kmalloc caches with U keep the size asked for. */
static inline bool slub_debug_orig_size(const struct kmem_cache *s)
{
	return (s->flags & SLAB_STORE_USER) && (s->flags & SLAB_KMALLOC);
}

static inline unsigned int size_from_object(const struct kmem_cache *s)
{
	return (s->flags & SLAB_RED_ZONE) ? s->size - s->red_left_pad : s->size;
}

static inline struct track *get_track(const struct kmem_cache *s, void *object,
				      enum track_item alloc)
{
	return (struct track *)((char *)object + get_info_end(s)) + alloc;
}

/* Object index of object in slab. */
static inline unsigned int obj_to_index(const struct kmem_cache *s, const struct slab *slab,
					const void *object)
{
	return (unsigned int)(((const char *)object - (const char *)slab_address(slab) -
			       ((s->flags & SLAB_RED_ZONE) ? s->red_left_pad : 0)) / s->size);
}

/* Is object NULL or the start of one of slab's objects? */
static bool check_valid_pointer(const struct kmem_cache *s, const struct slab *slab,
				const void *object)
{
	const char *base = slab_address(slab);
	const char *p = object;

	if (!object)
		return true;
	if (s->flags & SLAB_RED_ZONE)
		p -= s->red_left_pad;
	if (p < base || p >= base + slab->objects * s->size || (p - base) % s->size)
		return false;
	return true;
}

/* ==== slub_debug: reports (Linux's slab_bug, print_trailer, check_bytes_and_report) ========= */

/* Linux's print_tainted: "Not tainted", or the taint letters once a report was printed. */
static const char *slub_taint_text(void)
{
	return slub_tainted ? "Tainted: G    B             " : "Not tainted";
}

static __printf(2, 3) void slab_bug(const struct kmem_cache *s, const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	kvscnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pr_err("=============================================================================\n");
	pr_err("BUG %s (%s): %s\n", s->name, slub_taint_text(), buf);
	pr_err("-----------------------------------------------------------------------------\n\n");
}

static __printf(2, 3) void slab_fix(const struct kmem_cache *s, const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	kvscnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pr_err("FIX %s: %s\n", s->name, buf);
}

/* Linux's print_hex_dump(DUMP_PREFIX_ADDRESS, 16 bytes a row, bytes, with ASCII). */
static void print_section(const char *text, const u8 *addr, unsigned int length)
{
	char line[16 * 3 + 2 + 16 + 1];

	for (unsigned int off = 0; off < length; off += 16) {
		unsigned int n = min(16u, length - off), lx = 0;

		for (unsigned int j = 0; j < n; j++)
			lx += (unsigned int)ksnprintf(line + lx, sizeof(line) - lx, "%02x ",
						      addr[off + j]);
		lx--;
		while (lx < 16 * 3 + 1)
			line[lx++] = ' ';
		for (unsigned int j = 0; j < n; j++) {
			u8 c = addr[off + j];

			line[lx++] = (c >= 0x20 && c < 0x7f) ? (char)c : '.';
		}
		line[lx] = '\0';
		pr_err("%s%p: %s\n", text, addr + off, line);
	}
}

/* Linux's %pGp of a page's flags: "0x10200(slab|head|zone=0)". */
static void format_flags(char *buf, size_t size, unsigned long flags)
{
	size_t n = (size_t)ksnprintf(buf, size, "%#lx(", flags);
	const char *sep = "";

	for (unsigned int bit = 0; bit < __NR_PAGEFLAGS && n < size; bit++) {
		if (flags & (1UL << bit)) {
			n += (size_t)ksnprintf(buf + n, size - n, "%s%s", sep, pageflag_name(bit));
			sep = "|";
		}
	}
	if (n < size)
		ksnprintf(buf + n, size - n, "%szone=%lu)", sep, (flags >> ZONES_PGSHIFT) & ZONES_MASK);
}

static void print_slab_info(const struct slab *slab)
{
	char flags[96];

	format_flags(flags, sizeof(flags), slab->__page_flags);
	pr_err("Slab 0x%p objects=%u used=%u fp=0x%p flags=%s\n", (void *)slab, slab->objects,
	       slab->inuse, slab->freelist, flags);
}

static void print_track(const char *s, const struct track *t)
{
	if (!t->addr)
		return;
	pr_err("%s in %pS age=%lu cpu=%u pid=%d\n", s, (void *)t->addr, jiffies - t->when,
	       (unsigned int)t->cpu, t->pid);
}

static void print_tracking(const struct kmem_cache *s, void *object)
{
	if (!(s->flags & SLAB_STORE_USER))
		return;
	print_track("Allocated", get_track(s, object, TRACK_ALLOC));
	print_track("Freed", get_track(s, object, TRACK_FREE));
}

/* Everything known about object p: tracks, slab, red zones, object bytes, padding. */
static void print_trailer(const struct kmem_cache *s, const struct slab *slab, u8 *p)
{
	u8 *addr = slab_address(slab);
	unsigned int off;

	print_tracking(s, p);
	print_slab_info(slab);
	pr_err("Object 0x%p @offset=%u fp=0x%p\n\n", p, (unsigned int)(p - addr),
	       get_freepointer(s, p));
	if (s->flags & SLAB_RED_ZONE)
		print_section("Redzone  ", p - s->red_left_pad, s->red_left_pad);
	else if (p > addr + 16)
		print_section("Bytes b4 ", p - 16, 16);
	print_section("Object   ", p, min_t(unsigned int, s->object_size, PAGE_SIZE));
	if (s->flags & SLAB_RED_ZONE)
		print_section("Redzone  ", p + s->object_size, s->inuse - s->object_size);
	off = get_info_end(s);
	if (s->flags & SLAB_STORE_USER)
		off += 2 * sizeof(struct track);
	if (slub_debug_orig_size(s))
		off += sizeof(unsigned int);
	if (off != size_from_object(s))
		print_section("Padding  ", p + off, size_from_object(s) - off);
}

static void object_err(const struct kmem_cache *s, const struct slab *slab, u8 *object,
		       const char *reason)
{
	slab_bug(s, "%s", reason);
	print_trailer(s, slab, object);
	slub_tainted = true;
}

static __printf(3, 4) void slab_err(const struct kmem_cache *s, const struct slab *slab,
				    const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	kvscnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	slab_bug(s, "%s", buf);
	print_slab_info(slab);
	slub_tainted = true;
}

/* The first byte of [start, start + bytes) that is not value, or NULL. */
static u8 *memchr_inv(u8 *start, u8 value, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++)
		if (start[i] != value)
			return start + i;
	return NULL;
}

/* Check that [start, +bytes) of object holds value; report, restore and fail if not. */
static bool check_bytes_and_report(const struct kmem_cache *s, const struct slab *slab,
				   u8 *object, const char *what, u8 *start, u8 value,
				   unsigned int bytes)
{
	u8 *addr = slab_address(slab), *fault = memchr_inv(start, value, bytes), *end;

	if (!fault)
		return true;
	end = start + bytes;
	while (end > fault && end[-1] == value)
		end--;
	slab_bug(s, "%s overwritten", what);
	pr_err("0x%p-0x%p @offset=%u. First byte 0x%x instead of 0x%x\n", fault, end - 1,
	       (unsigned int)(fault - addr), fault[0], value);
	print_trailer(s, slab, object);
	slub_tainted = true;
	slab_fix(s, "Restoring %s 0x%p-0x%p=0x%x", what, fault, end - 1, value);
	memset(fault, value, (size_t)(end - fault));
	return false;
}

/* ==== slub_debug: object state (Linux's init_object, check_object, set_track) ============= */

/* Fill object's red zones with val and poison a free object (P). */
static void init_object(const struct kmem_cache *s, void *object, u8 val)
{
	u8 *p = object;

	if (s->flags & SLAB_RED_ZONE)
		memset(p - s->red_left_pad, val, s->red_left_pad);
	if (s->flags & __OBJECT_POISON) {
		memset(p, POISON_FREE, s->object_size - 1);
		p[s->object_size - 1] = POISON_END;
	}
	if (s->flags & SLAB_RED_ZONE)
		memset(p + s->object_size, val, s->inuse - s->object_size);
}

static void set_track(const struct kmem_cache *s, void *object, enum track_item alloc,
		      unsigned long addr)
{
	struct track *t = get_track(s, object, alloc);

	t->addr = addr;
	t->cpu = (int)smp_processor_id();
	t->pid = 0;
	t->when = jiffies;
}

/* The padding after the metadata still 0x5a (P)? */
static bool check_pad_bytes(const struct kmem_cache *s, const struct slab *slab, u8 *p)
{
	unsigned int off = get_info_end(s);

	if (s->flags & SLAB_STORE_USER)
		off += 2 * sizeof(struct track);
	if (slub_debug_orig_size(s))
		off += sizeof(unsigned int);
	if (size_from_object(s) == off)
		return true;
	return check_bytes_and_report(s, slab, p, "Object padding", p + off, POISON_INUSE,
				      size_from_object(s) - off);
}

/* Red zones as val says, poison intact if free, free pointer valid; false: reported. */
static bool check_object(const struct kmem_cache *s, const struct slab *slab, void *object,
			 u8 val)
{
	u8 *p = object, *endobject = p + s->object_size;

	if (s->flags & SLAB_RED_ZONE) {
		if (!check_bytes_and_report(s, slab, p, "Left Redzone", p - s->red_left_pad, val,
					    s->red_left_pad))
			return false;
		if (!check_bytes_and_report(s, slab, p, "Right Redzone", endobject, val,
					    s->inuse - s->object_size))
			return false;
	} else if ((s->flags & SLAB_POISON) && s->object_size < s->inuse) {
		check_bytes_and_report(s, slab, p, "Alignment padding", endobject, POISON_INUSE,
				       s->inuse - s->object_size);
	}
	if (s->flags & SLAB_POISON) {
		if (val != SLUB_RED_ACTIVE && (s->flags & __OBJECT_POISON) &&
		    (!check_bytes_and_report(s, slab, p, "Poison", p, POISON_FREE,
					     s->object_size - 1) ||
		     !check_bytes_and_report(s, slab, p, "End Poison", p + s->object_size - 1,
					     POISON_END, 1)))
			return false;
		check_pad_bytes(s, slab, p);
	}
	if (!freeptr_outside_object(s) && val == SLUB_RED_ACTIVE)
		return true; /* the free pointer is object data while allocated */
	if (!check_valid_pointer(s, slab, get_freepointer(s, p))) {
		object_err(s, slab, p, "Freepointer corrupt");
		set_freepointer(s, p, NULL);
		return false;
	}
	return true;
}

/* The slab's leftover after its last object still 0x5a (P)? Reported and restored if not
 * (Linux's slab_pad_check). */
static void slab_pad_check(const struct kmem_cache *s, const struct slab *slab)
{
	u8 *start = slab_address(slab), *end, *pad, *fault;
	unsigned int length = (unsigned int)PAGE_SIZE << slab_order(slab);
	unsigned int remainder = length % s->size;

	if (!(s->flags & SLAB_POISON) || !remainder)
		return;
	end = start + length;
	pad = end - remainder;
	fault = memchr_inv(pad, POISON_INUSE, remainder);
	if (!fault)
		return;
	while (end > fault && end[-1] == POISON_INUSE)
		end--;
	slab_err(s, slab, "Padding overwritten. 0x%p-0x%p @offset=%u", fault, end - 1,
		 (unsigned int)(fault - start));
	print_section("Padding ", pad, remainder);
	slab_fix(s, "Restoring %s 0x%p-0x%p=0x%x", "slab padding", fault, end - 1, POISON_INUSE);
	memset(fault, POISON_INUSE, (size_t)(end - fault));
}

/* Is slab a slab page of a sane shape (its leftover checked too)? */
static bool check_slab(const struct kmem_cache *s, const struct slab *slab)
{
	unsigned int maxobj = (PAGE_SIZE << slab_order(slab)) / s->size;

	if (!PageSlab(slab_page(slab))) {
		slab_err(s, slab, "Not a valid slab page");
		return false;
	}
	if (slab->objects > maxobj) {
		slab_err(s, slab, "objects %u > max %u", slab->objects, maxobj);
		return false;
	}
	if (slab->inuse > slab->objects) {
		slab_err(s, slab, "inuse %u > max %u", slab->inuse, slab->objects);
		return false;
	}
	slab_pad_check(s, slab);
	return true;
}

/*
 * Is search on slab's freelist (Linux's on_freelist)? A corrupt chain is cut where it leaves
 * the slab; then, when search was not found, slab->objects and slab->inuse are checked
 * against the slab's size and the chain's length and corrected, so that the slab's counters
 * never promise more free objects than its chain holds.
 */
static bool on_freelist(const struct kmem_cache *s, struct slab *slab, const void *search)
{
	void *fp = slab->freelist, *object = NULL;
	unsigned int nr = 0, max_objects;

	while (fp && nr <= slab->objects) {
		if (fp == search)
			return true;
		if (!check_valid_pointer(s, slab, fp)) {
			if (!object) {
				slab_err(s, slab, "Freepointer corrupt");
				slab->freelist = NULL;
				slab->inuse = slab->objects;
				slab_fix(s, "Freelist cleared");
				return false;
			}
			object_err(s, slab, object, "Freechain corrupt");
			set_freepointer(s, object, NULL);
			break;
		}
		object = fp;
		fp = get_freepointer(s, object);
		nr++;
	}
	max_objects = min_t(unsigned int, (PAGE_SIZE << slab_order(slab)) / s->size,
			    MAX_OBJS_PER_PAGE);
	if (slab->objects != max_objects) {
		slab_err(s, slab, "Wrong number of objects. Found %d but should be %d",
			 slab->objects, max_objects);
		slab->objects = max_objects;
		slab_fix(s, "Number of objects adjusted");
	}
	if (slab->inuse != slab->objects - nr) {
		slab_err(s, slab, "Wrong object count. Counter is %d but counted were %d",
			 slab->inuse, slab->objects - nr);
		slab->inuse = slab->objects - nr;
		slab_fix(s, "Object count adjusted");
	}
	return search == NULL;
}

/* A debug cache's object leaves: checked as free, tracked, red zones made active. */
static bool alloc_debug_processing(const struct kmem_cache *s, struct slab *slab, void *object,
				   size_t orig_size, unsigned long addr)
{
	if (s->flags & SLAB_CONSISTENCY_CHECKS) {
		if (!check_slab(s, slab))
			goto bad;
		if (!check_valid_pointer(s, slab, object)) {
			object_err(s, slab, object, "Freelist Pointer check fails");
			goto bad;
		}
		if (!check_object(s, slab, object, SLUB_RED_INACTIVE))
			goto bad;
	}
	if (s->flags & SLAB_STORE_USER)
		set_track(s, object, TRACK_ALLOC, addr);
	if (slub_debug_orig_size(s))
		*(unsigned int *)((char *)get_track(s, object, TRACK_ALLOC) +
				  2 * sizeof(struct track)) = (unsigned int)orig_size;
	init_object(s, object, SLUB_RED_ACTIVE);
	return true;
bad:
	/* as Linux: the slab is given up (its objects leak) rather than trusted */
	slab_fix(s, "Marking all objects used");
	slab->inuse = slab->objects;
	slab->freelist = NULL;
	return false;
}

/* A debug cache's object comes back: a valid, allocated object of this cache, red zones intact. */
static bool free_debug_processing(const struct kmem_cache *s, struct slab *slab, void *object,
				  unsigned long addr)
{
	if (s->flags & SLAB_CONSISTENCY_CHECKS) {
		if (!check_valid_pointer(s, slab, object)) {
			slab_err(s, slab, "Invalid object pointer 0x%p", object);
			goto fail;
		}
		if (on_freelist(s, slab, object)) {
			object_err(s, slab, object, "Object already free");
			goto fail;
		}
		if (!check_object(s, slab, object, SLUB_RED_ACTIVE))
			goto fail;
	}
	if (s->flags & SLAB_STORE_USER)
		set_track(s, object, TRACK_FREE, addr);
	init_object(s, object, SLUB_RED_INACTIVE);
	return true;
fail:
	slab_fix(s, "Object at 0x%p not freed", object);
	return false;
}

/* ==== slabs: pages in, pages out ========================================================= */

/* See slab.h. */
void slab_prep_compound(struct page *page, unsigned int order)
{
	if (!order)
		return;
	SetPageHead(page);
	page[1].compound_order = (unsigned char)order;
	for (unsigned int i = 1; i < (1U << order); i++)
		page[i].compound_head = (unsigned long)page + 1;
}

/* See slab.h. */
void slab_clear_compound(struct page *page, unsigned int order)
{
	if (!order)
		return;
	ClearPageHead(page);
	page[1].compound_order = 0;
	for (unsigned int i = 1; i < (1U << order); i++)
		INIT_LIST_HEAD(&page[i].lru);
}

static inline void inc_slabs_node(struct kmem_cache_node *n, unsigned int objects)
{
	__atomic_add_fetch(&n->nr_slabs, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&n->total_objects, objects, __ATOMIC_RELAXED);
}

static inline void dec_slabs_node(struct kmem_cache_node *n, unsigned int objects)
{
	__atomic_sub_fetch(&n->nr_slabs, 1, __ATOMIC_RELAXED);
	__atomic_sub_fetch(&n->total_objects, objects, __ATOMIC_RELAXED);
}

/* 2^order lowmem pages as a compound block, not PG_slab yet (Linux's alloc_slab_page). */
static struct slab *alloc_slab_page(gfp_t flags, struct kmem_cache_order_objects oo)
{
	struct page *page = alloc_pages(flags & ~(__GFP_HIGHMEM | __GFP_ZERO | __GFP_COMP),
					oo_order(oo));

	if (!page)
		return NULL;
	slab_prep_compound(page, oo_order(oo));
	return page_slab(page);
}

/* A slab's bytes in or out of meminfo's Slab (Linux's account_slab / unaccount_slab). */
static void account_slab(const struct kmem_cache *s, unsigned int order, int sign)
{
	enum node_stat_item item = (s->flags & SLAB_RECLAIM_ACCOUNT) ? NR_SLAB_RECLAIMABLE_B
								     : NR_SLAB_UNRECLAIMABLE_B;

	mod_node_page_state(NODE_DATA(0), item, sign * (long)(PAGE_SIZE << order));
}

/* A debug object's initial state (Linux's setup_object), then the constructor. */
static void *setup_object(const struct kmem_cache *s, void *object)
{
	if (s->flags & (SLAB_POISON | SLAB_RED_ZONE))
		init_object(s, object, SLUB_RED_INACTIVE);
	if (s->flags & SLAB_STORE_USER)
		memset(get_track(s, object, TRACK_ALLOC), 0, 2 * sizeof(struct track));
	if (s->ctor)
		s->ctor(object);
	return object;
}

/*
 * A new slab: the preferred order, else s->min (Linux's allocate_slab); every object set up
 * and chained in address order; not counted in the node yet (the caller does). PG_slab is
 * set last, after a write barrier: whoever sees it (whatis, mm-check on another CPU) sees
 * slab_cache, objects and freelist filled in. Linux sets PG_slab first (alloc_slab_page):
 * its readers only meet slabs through objects handed out; pimm's views scan mem_map.
 */
static struct slab *allocate_slab(struct kmem_cache *s, gfp_t flags)
{
	struct kmem_cache_order_objects oo = s->oo;
	gfp_t alloc_gfp = (flags | s->allocflags | __GFP_NOWARN | __GFP_NORETRY) & ~__GFP_NOFAIL;
	struct slab *slab;
	char *start, *p, *next;

	if ((alloc_gfp & __GFP_DIRECT_RECLAIM) && oo_order(oo) > oo_order(s->min))
		alloc_gfp = (alloc_gfp | __GFP_NOMEMALLOC) & ~__GFP_RECLAIM;
	slab = alloc_slab_page(alloc_gfp, oo);
	if (unlikely(!slab)) {
		oo = s->min;
		slab = alloc_slab_page(flags | s->allocflags, oo);
		if (!slab)
			return NULL;
	}
	slab->objects = oo_objects(oo);
	slab->inuse = 0;
	slab->frozen = 0;
	slab->slab_cache = s;
	start = slab_address(slab);
	if (s->flags & SLAB_POISON) /* Linux's setup_slab_debug */
		memset(start, POISON_INUSE, PAGE_SIZE << oo_order(oo));
	/* LAB8 BEGIN */
	p = setup_object(s, fixup_red_left(s, start));
	slab->freelist = p;
	for (unsigned int idx = 0; idx + 1 < slab->objects; idx++) {
		next = setup_object(s, p + s->size);
		set_freepointer(s, p, next);
		p = next;
	}
	set_freepointer(s, p, NULL);
	/* LAB8 TODO
	lab_todo(8, "slub", "allocate_slab");
	// Until it is written, the objects are chained from the last one down to the first.
	slab->freelist = NULL;
	for (unsigned int idx = 0; idx < slab->objects; idx++) {
		p = setup_object(s, (char *)fixup_red_left(s, start) + idx * s->size);
		set_freepointer(s, p, slab->freelist);
		slab->freelist = p;
	}
	(void)next;
	*/
	/* LAB8 END */
	account_slab(s, oo_order(oo), 1);
	slab_publish_wmb();
	SetPageSlab(slab_page(slab));
	return slab;
}

static struct slab *new_slab(struct kmem_cache *s, gfp_t flags)
{
	WARN_ON_ONCE(s->ctor && (flags & __GFP_ZERO));
	return allocate_slab(s, flags & ~__GFP_ZERO);
}

/* Give a slab's pages back (Linux's __free_slab): checked first under F. */
static void discard_slab(struct kmem_cache *s, struct slab *slab)
{
	struct page *page = slab_page(slab);
	unsigned int order = slab_order(slab);

	if (s->flags & SLAB_CONSISTENCY_CHECKS) {
		char *addr = slab_address(slab);

		slab_pad_check(s, slab);
		for (char *p = fixup_red_left(s, addr); p < addr + slab->objects * s->size;
		     p += s->size)
			check_object(s, slab, p, SLUB_RED_INACTIVE);
	}
	ClearPageSlab(page); /* first: no view takes the page for a slab while it is torn down */
	slab_publish_wmb();
	page->mapping = NULL;
	page->index = 0;
	page->private = 0;
	page_mapcount_reset(page);
	INIT_LIST_HEAD(&page->lru);
	slab_clear_compound(page, order);
	account_slab(s, order, -1);
	__free_pages(page, order);
}

/* ==== partial lists (node list_lock held) ================================================ */

static void add_partial(struct kmem_cache_node *n, struct slab *slab, int tail)
{
	n->nr_partial++;
	if (tail == DEACTIVATE_TO_TAIL)
		list_add_tail(&slab->slab_list, &n->partial);
	else
		list_add(&slab->slab_list, &n->partial);
}

static void remove_partial(struct kmem_cache_node *n, struct slab *slab)
{
	list_del(&slab->slab_list);
	n->nr_partial--;
}

/* Linux's slab_out_of_memory report (unless __GFP_NOWARN; no gfp names: pimm has no %pGg). */
static void slab_out_of_memory(struct kmem_cache *s, gfp_t gfp)
{
	struct kmem_cache_node *n = s->node[0];
	unsigned long nr_free = 0;
	struct slab *slab;

	if (gfp & __GFP_NOWARN)
		return;
	pr_warn("SLUB: Unable to allocate memory on node -1, gfp=%#x\n", gfp);
	pr_warn("  cache: %s, object size: %u, buffer size: %u, default order: %u, min order: %u\n",
		s->name, s->object_size, s->size, oo_order(s->oo), oo_order(s->min));
	if (oo_order(s->min) > get_order(s->object_size))
		pr_warn("  %s debugging increased min order, use slub_debug=O to disable.\n",
			s->name);
	spin_lock(&n->list_lock);
	list_for_each_entry(slab, &n->partial, slab_list)
		nr_free += slab->objects - slab->inuse;
	spin_unlock(&n->list_lock);
	pr_warn("  node 0: slabs: %lu, objs: %lu, free: %lu\n", n->nr_slabs, n->total_objects,
		nr_free);
}

/* A debug cache's object from a partial slab; NULL if its checks failed (slab dropped). */
static void *alloc_single_from_partial(struct kmem_cache *s, struct kmem_cache_node *n,
				       struct slab *slab, size_t orig_size, unsigned long addr)
{
	void *object = slab->freelist;

	slab->freelist = get_freepointer(s, object);
	slab->inuse++;
	if (!alloc_debug_processing(s, slab, object, orig_size, addr)) {
		remove_partial(n, slab);
		return NULL;
	}
	if (slab->inuse == slab->objects)
		remove_partial(n, slab);
	return object;
}

/*
 * The first object of a new debug slab, which is then counted and listed (Linux's
 * alloc_single_from_new_slab); NULL if its checks failed: the slab is kept as a full one,
 * counted (Linux leaves it uncounted), so that mm-check's totals stay exact.
 */
static void *alloc_single_from_new_slab(struct kmem_cache *s, struct slab *slab,
					size_t orig_size, unsigned long addr)
{
	struct kmem_cache_node *n = s->node[0];
	void *object = slab->freelist;
	bool ok;

	slab->freelist = get_freepointer(s, object);
	slab->inuse = 1;
	ok = alloc_debug_processing(s, slab, object, orig_size, addr);
	spin_lock(&n->list_lock);
	if (slab->inuse != slab->objects)
		add_partial(n, slab, DEACTIVATE_TO_HEAD);
	inc_slabs_node(n, slab->objects);
	spin_unlock(&n->list_lock);
	return ok ? object : NULL;
}

/* Debug caches: one object at a time, partial slabs first, no CPU slab (Linux 6.1). */
static void *alloc_debug_slow(struct kmem_cache *s, gfp_t gfp, size_t orig_size,
			      unsigned long addr)
{
	struct kmem_cache_node *n = s->node[0];
	struct slab *slab, *tmp;
	void *object;

new_objects:
	object = NULL;
	spin_lock(&n->list_lock);
	list_for_each_entry_safe(slab, tmp, &n->partial, slab_list) {
		object = alloc_single_from_partial(s, n, slab, orig_size, addr);
		if (object)
			break;
	}
	spin_unlock(&n->list_lock);
	if (object)
		return object;
	slab = new_slab(s, gfp);
	if (unlikely(!slab)) {
		slab_out_of_memory(s, gfp);
		return NULL;
	}
	object = alloc_single_from_new_slab(s, slab, orig_size, addr);
	if (unlikely(!object))
		goto new_objects; /* a check rejected the new slab: as Linux, try again */
	return object;
}

/* A partial slab for this CPU, frozen, its free objects returned in *freelist. */
static struct slab *get_partial(struct kmem_cache *s, void **freelist)
{
	struct kmem_cache_node *n = s->node[0];
	struct slab *slab = NULL;

	if (!READ_ONCE(n->nr_partial))
		return NULL;
	spin_lock(&n->list_lock);
	if (!list_empty(&n->partial)) {
		slab = list_first_entry(&n->partial, struct slab, slab_list);
		remove_partial(n, slab);
		*freelist = slab->freelist;
		slab->freelist = NULL;
		slab->inuse = slab->objects;
		slab->frozen = 1;
	}
	spin_unlock(&n->list_lock);
	return slab;
}

/* The CPU slab's objects other CPUs freed; none: the slab is unfrozen (full, on no list). */
static void *get_freelist(struct kmem_cache *s, struct slab *slab)
{
	struct kmem_cache_node *n = s->node[0];
	void *freelist;

	spin_lock(&n->list_lock);
	freelist = slab->freelist;
	slab->freelist = NULL;
	slab->inuse = slab->objects;
	slab->frozen = freelist != NULL;
	spin_unlock(&n->list_lock);
	return freelist;
}

/* ==== allocation ========================================================================= */

/*
 * The slow path (Linux's ___slab_alloc), IRQs off, c is this CPU's: the CPU slab's remote
 * frees, else a partial slab, else a new one; it becomes the CPU slab.
 */
static void *___slab_alloc(struct kmem_cache *s, gfp_t gfp, struct kmem_cache_cpu *c,
			   size_t orig_size, unsigned long addr)
{
	struct slab *slab;
	void *freelist;

	if (kmem_cache_debug(s))
		return alloc_debug_slow(s, gfp, orig_size, addr);
	slab = c->slab;
	if (slab) {
		freelist = get_freelist(s, slab);
		if (freelist)
			goto load_freelist;
		c->slab = NULL;
	}
	slab = get_partial(s, &freelist);
	if (!slab) {
		slab = new_slab(s, gfp);
		if (!slab) {
			slab_out_of_memory(s, gfp);
			return NULL;
		}
		freelist = slab->freelist;
		slab->freelist = NULL;
		slab->inuse = slab->objects;
		slab->frozen = 1;
		inc_slabs_node(s->node[0], slab->objects);
	}
	c->slab = slab;
load_freelist:
	c->freelist = get_freepointer(s, freelist);
	return freelist;
}

/* slab_alloc_node's slow half, IRQs off: ___slab_alloc for this CPU. */
static noinline void *slab_alloc_slow(struct kmem_cache *s, gfp_t gfp, size_t orig_size,
				      unsigned long addr)
{
	return ___slab_alloc(s, gfp, this_cpu_ptr(s->cpu_slab), orig_size, addr);
}

/* __GFP_ZERO (Linux's slab_post_alloc_hook zeroing). */
static noinline void *slab_zero(struct kmem_cache *s, void *object)
{
	return memset(object, 0, s->object_size);
}

/*
 * The fast path: pop this CPU's freelist with IRQs off (Linux's slab_alloc_node). Everything
 * else is out of line, so that the common case stays a few instructions.
 */
static __always_inline void *slab_alloc_node(struct kmem_cache *s, gfp_t gfp, size_t orig_size,
					     unsigned long addr)
{
	struct kmem_cache_cpu *c;
	unsigned long flags;
	void *object;

	local_irq_save(flags);
	c = this_cpu_ptr(s->cpu_slab);
	object = c->freelist;
	if (likely(object))
		c->freelist = get_freepointer(s, object);
	else
		object = slab_alloc_slow(s, gfp, orig_size, addr);
	local_irq_restore(flags);
	if (unlikely(gfp & __GFP_ZERO) && object)
		return slab_zero(s, object);
	return object;
}

/* See slab.h. */
void *__kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp, size_t orig_size, unsigned long caller)
{
	return slab_alloc_node(s, gfp, orig_size, caller);
}

/* See linux/slab.h. */
noinline void *kmem_cache_alloc(struct kmem_cache *s, gfp_t flags)
{
	return slab_alloc_node(s, flags, s->object_size, _RET_IP_);
}

/* ==== freeing ============================================================================ */

/* A debug cache's free: checked, then straight to its slab under list_lock (Linux 6.1). */
static void free_to_partial_list(struct kmem_cache *s, struct slab *slab, void *object,
				 unsigned long addr)
{
	struct kmem_cache_node *n = s->node[0];
	struct slab *slab_free = NULL;
	unsigned long flags;
	void *prior;

	spin_lock_irqsave(&n->list_lock, flags);
	if ((s->flags & SLAB_CONSISTENCY_CHECKS) && !check_slab(s, slab))
		goto out;
	if (slab->inuse < 1) {
		slab_err(s, slab, "Slab has %d allocated objects but %d are to be freed", slab->inuse,
			 1);
		goto out;
	}
	if (!free_debug_processing(s, slab, object, addr))
		goto out;
	prior = slab->freelist;
	set_freepointer(s, object, prior);
	slab->freelist = object;
	slab->inuse--;
	if (!slab->inuse && n->nr_partial >= s->min_partial)
		slab_free = slab;
	if (!prior) {
		if (!slab_free)
			add_partial(n, slab, DEACTIVATE_TO_TAIL);
	} else if (slab_free) {
		remove_partial(n, slab);
	}
	if (slab_free)
		dec_slabs_node(n, slab_free->objects);
out:
	spin_unlock_irqrestore(&n->list_lock, flags);
	if (slab_free)
		discard_slab(s, slab_free);
}

/*
 * The slow free (Linux's __slab_free), IRQs off: onto slab->freelist; a frozen (CPU) slab
 * stays its CPU's; a full slab becomes partial; an empty one goes back to the page allocator
 * when the node keeps min_partial partial slabs already.
 */
static void __slab_free(struct kmem_cache *s, struct slab *slab, void *x)
{
	struct kmem_cache_node *n = s->node[0];
	void *prior;

	/* LAB8 BEGIN */
	spin_lock(&n->list_lock);
	prior = slab->freelist;
	set_freepointer(s, x, prior);
	slab->freelist = x;
	slab->inuse--;
	if (slab->frozen) {
		spin_unlock(&n->list_lock);
		return;
	}
	if (!slab->inuse && n->nr_partial >= s->min_partial) {
		if (prior)
			remove_partial(n, slab);
		dec_slabs_node(n, slab->objects);
		spin_unlock(&n->list_lock);
		discard_slab(s, slab);
		return;
	}
	if (!prior)
		add_partial(n, slab, DEACTIVATE_TO_TAIL);
	spin_unlock(&n->list_lock);
	/* LAB8 TODO
	lab_todo(8, "slub", "__slab_free");
	// Until it is written, an object of a slab other than this CPU's slab is not freed: it
	// leaks (the slab's counters stay as they were, so the slab stays consistent).
	(void)n;
	(void)prior;
	(void)s;
	(void)slab;
	(void)x;
	*/
	/* LAB8 END */
}

/* do_slab_free's slow half, IRQs off: another slab's object. */
static noinline void slab_free_slow(struct kmem_cache *s, struct slab *slab, void *x,
				    unsigned long flags)
{
	__slab_free(s, slab, x);
	local_irq_restore(flags);
}

/* The fast path: an object of this CPU's slab goes on this CPU's freelist. */
static __always_inline void do_slab_free(struct kmem_cache *s, struct slab *slab, void *x,
					 unsigned long addr)
{
	struct kmem_cache_cpu *c;
	unsigned long flags;

	if (unlikely(kmem_cache_debug(s))) {
		free_to_partial_list(s, slab, x, addr);
		return;
	}
	/* LAB8 BEGIN */
	local_irq_save(flags);
	c = this_cpu_ptr(s->cpu_slab);
	if (unlikely(slab != c->slab)) {
		slab_free_slow(s, slab, x, flags);
		return;
	}
	set_freepointer(s, x, c->freelist);
	c->freelist = x;
	local_irq_restore(flags);
	/* LAB8 TODO
	lab_todo(8, "slub", "do_slab_free");
	// Until it is written, every free takes the slow path (__slab_free), even an object of
	// this CPU's slab.
	(void)c;
	local_irq_save(flags);
	slab_free_slow(s, slab, x, flags);
	*/
	/* LAB8 END */
}

/* See slab.h. */
void __kmem_cache_free(struct kmem_cache *s, struct slab *slab, void *x, unsigned long caller)
{
	do_slab_free(s, slab, x, caller);
}

/*
 * See linux/slab.h. An object of another cache (or of no slab) is reported with Linux's
 * cache_from_obj message and a WARN, then refused: pimm's choice. Linux (hardened usercopy
 * or SLAB_CONSISTENCY_CHECKS) frees it to the cache it really belongs to.
 */
noinline void kmem_cache_free(struct kmem_cache *s, void *x)
{
	struct slab *slab = virt_to_slab_or_null(x);

	if (!slab || WARN_ON(slab->slab_cache != s)) {
		pr_err("%s: Wrong slab cache. %s but object is from %s\n", __func__, s->name,
		       slab ? slab->slab_cache->name : "no slab");
		return;
	}
	do_slab_free(s, slab, x, _RET_IP_);
}

/* See linux/slub_def.h. */
struct slab *virt_to_slab_or_null(const void *addr)
{
	unsigned long pa = __pa(addr), head;
	struct page *page;

	if ((const char *)addr < (const char *)__va(PHYS_OFFSET) ||
	    (const char *)addr >= (const char *)high_memory || !pfn_valid(PHYS_PFN(pa)))
		return NULL;
	page = virt_to_page(addr);
	head = READ_ONCE(page->compound_head);
	if (head & 1) { /* a tail page, if the head it names says so */
		struct page *hp = (struct page *)(head - 1);

		if (hp >= mem_map && hp < page && PageHead(hp) &&
		    (unsigned long)(page - hp) < (1UL << compound_order(hp)))
			page = hp;
	}
	if (!PageSlab(page))
		return NULL;
	slab_observe_rmb(); /* pairs with allocate_slab's slab_publish_wmb */
	return page_slab(page);
}

/* ==== CPU slabs back to the node (flush) ================================================= */

/*
 * Give a CPU slab back (Linux's deactivate_slab): its CPU freelist joins slab->freelist; it
 * becomes partial, full (on no list), or is discarded if empty and min_partial are kept.
 */
static void deactivate_slab(struct kmem_cache *s, struct slab *slab, void *freelist)
{
	struct kmem_cache_node *n = s->node[0];
	unsigned int count = 0;
	unsigned long flags;
	void *tail = NULL;
	bool discard = false;
	int where;

	for (void *p = freelist; p; p = get_freepointer(s, p)) {
		tail = p;
		count++;
	}
	spin_lock_irqsave(&n->list_lock, flags);
	where = slab->freelist ? DEACTIVATE_TO_TAIL : DEACTIVATE_TO_HEAD;
	if (tail) {
		set_freepointer(s, tail, slab->freelist);
		slab->freelist = freelist;
	}
	slab->inuse -= count;
	slab->frozen = 0;
	if (!slab->inuse && n->nr_partial >= s->min_partial) {
		discard = true;
		dec_slabs_node(n, slab->objects);
	} else if (slab->freelist) {
		add_partial(n, slab, where);
	}
	spin_unlock_irqrestore(&n->list_lock, flags);
	if (discard)
		discard_slab(s, slab);
}

/* Deactivate cpu's CPU slab of s; call on that CPU, or when it cannot allocate meanwhile. */
static void __flush_cpu_slab(struct kmem_cache *s, unsigned int cpu)
{
	struct kmem_cache_cpu *c = per_cpu_ptr(s->cpu_slab, cpu);
	struct slab *slab;
	unsigned long flags;
	void *freelist;

	local_irq_save(flags);
	slab = c->slab;
	freelist = c->freelist;
	c->slab = NULL;
	c->freelist = NULL;
	local_irq_restore(flags);
	if (slab)
		deactivate_slab(s, slab, freelist);
}

/* See linux/slub_def.h: every cache's (s NULL) or one cache's CPU slab on this CPU. */
void flush_cpu_slab(void *arg)
{
	struct kmem_cache *s = arg;
	unsigned long flags;

	if (s) {
		__flush_cpu_slab(s, smp_processor_id());
		return;
	}
	spin_lock_irqsave(&slab_caches_lock, flags);
	list_for_each_entry(s, &slab_caches, list)
		__flush_cpu_slab(s, smp_processor_id());
	spin_unlock_irqrestore(&slab_caches_lock, flags);
}

/* ==== cache layout (Linux's calculate_sizes, calculate_order) ============================ */

static inline unsigned int order_objects(unsigned int order, unsigned int size)
{
	return (unsigned int)((PAGE_SIZE << order) / size);
}

static inline struct kmem_cache_order_objects oo_make(unsigned int order, unsigned int size)
{
	struct kmem_cache_order_objects x = {(order << OO_SHIFT) + order_objects(order, size)};

	return x;
}

/* LAB8 BEGIN */
/* The smallest order >= the one min_objects need whose leftover is <= slab/fract_leftover. */
static unsigned int calc_slab_order(unsigned int size, unsigned int min_objects,
				    unsigned int max_order, unsigned int fract_leftover)
{
	unsigned int order;

	if (order_objects(slub_min_order, size) > MAX_OBJS_PER_PAGE)
		return get_order(size * MAX_OBJS_PER_PAGE) - 1;
	for (order = max(slub_min_order, get_order(min_objects * size)); order <= max_order;
	     order++) {
		unsigned int slab_size = (unsigned int)PAGE_SIZE << order;

		if (slab_size % size <= slab_size / fract_leftover)
			break;
	}
	return order;
}

/* The slab order of a cache of size-byte objects: 16 objects for 4 CPUs, little waste. */
static int calculate_order(unsigned int size)
{
	unsigned int min_objects = slub_min_objects, max_objects, order;

	if (!min_objects) /* present CPUs are not known yet in mm_init: nr_cpu_ids */
		min_objects = 4 * (fls_u(NR_CPUS) + 1);
	max_objects = order_objects(slub_max_order, size);
	min_objects = min(min_objects, max_objects);
	while (min_objects > 1) {
		for (unsigned int fraction = 16; fraction >= 4; fraction /= 2) {
			order = calc_slab_order(size, min_objects, slub_max_order, fraction);
			if (order <= slub_max_order)
				return (int)order;
		}
		min_objects--;
	}
	order = calc_slab_order(size, 1, slub_max_order, 1);
	if (order <= slub_max_order)
		return (int)order;
	order = calc_slab_order(size, 1, MAX_ORDER, 1);
	if (order < MAX_ORDER)
		return (int)order;
	return -ENOSYS;
}
/* LAB8 TODO
// The slab order of a cache of size-byte objects: 16 objects for 4 CPUs, little waste.
static int calculate_order(unsigned int size)
{
	lab_todo(8, "slub", "calculate_order");
	// Until it is written, every slab is the smallest block that holds one object.
	return (int)get_order(size);
}
*/
/* LAB8 END */

/* Lay out one object and its metadata, then the slab order; false if nothing fits. */
static bool calculate_sizes(struct kmem_cache *s)
{
	unsigned long flags = s->flags;
	unsigned int size;
	int order;

	/* LAB8 BEGIN */
	size = ALIGN(s->object_size, sizeof(void *));
	s->red_left_pad = 0;
	if ((flags & SLAB_POISON) && !s->ctor)
		s->flags |= __OBJECT_POISON;
	else
		s->flags &= ~__OBJECT_POISON;
	if ((flags & SLAB_RED_ZONE) && size == s->object_size)
		size += sizeof(void *); /* a right red zone even for word-sized objects */
	s->inuse = size;
	if ((flags & SLAB_POISON) || s->ctor ||
	    ((flags & SLAB_RED_ZONE) && s->object_size < sizeof(void *))) {
		s->offset = size; /* the free pointer may not overlay the object */
		size += sizeof(void *);
	} else {
		s->offset = ALIGN_DOWN(s->object_size / 2, sizeof(void *));
	}
	if (flags & SLAB_STORE_USER) {
		size += 2 * sizeof(struct track);
		if (flags & SLAB_KMALLOC)
			size += sizeof(unsigned int);
	}
	if (flags & SLAB_RED_ZONE) {
		size += sizeof(void *);
		s->red_left_pad = ALIGN(sizeof(void *), s->align);
		size += s->red_left_pad;
	}
	size = ALIGN(size, s->align);
	s->size = size;
	/* LAB8 TODO
	lab_todo(8, "slub", "calculate_sizes");
	// Until it is written, slub_debug is ignored (no red zones, poison or tracks) and the free
	// pointer follows the object.
	s->flags &= ~(SLAB_DEBUG_FLAGS | __OBJECT_POISON);
	s->red_left_pad = 0;
	s->inuse = ALIGN(s->object_size, sizeof(void *));
	s->offset = s->inuse;
	size = ALIGN(s->inuse + (unsigned int)sizeof(void *), s->align);
	s->size = size;
	(void)flags;
	*/
	/* LAB8 END */
	order = calculate_order(size);
	if (order < 0)
		return false;
	s->allocflags = order ? __GFP_COMP : 0;
	if (s->flags & SLAB_CACHE_DMA)
		s->allocflags |= __GFP_DMA;
	if (s->flags & SLAB_RECLAIM_ACCOUNT)
		s->allocflags |= __GFP_RECLAIMABLE;
	s->oo = oo_make((unsigned int)order, size);
	s->min = oo_make(get_order(size), size);
	return oo_objects(s->oo) != 0;
}

static void init_kmem_cache_node(struct kmem_cache_node *n)
{
	spin_lock_init(&n->list_lock);
	n->nr_partial = 0;
	INIT_LIST_HEAD(&n->partial);
	n->nr_slabs = 0;
	n->total_objects = 0;
}

/*
 * The very first kmem_cache_node, before that cache can allocate (Linux's
 * early_kmem_cache_node_alloc): taken by hand from kmem_cache_node's own first slab.
 */
static void __init early_kmem_cache_node_alloc(void)
{
	struct slab *slab = new_slab(kmem_cache_node, GFP_NOWAIT);
	struct kmem_cache_node *n;

	BUG_ON(!slab);
	n = slab->freelist;
	slab->freelist = get_freepointer(kmem_cache_node, n);
	slab->inuse = 1;
	slab->frozen = 0;
	kmem_cache_node->node[0] = n;
	if (kmem_cache_node->flags & (SLAB_RED_ZONE | SLAB_POISON))
		init_object(kmem_cache_node, n, SLUB_RED_ACTIVE);
	init_kmem_cache_node(n);
	inc_slabs_node(n, slab->objects);
	add_partial(n, slab, DEACTIVATE_TO_HEAD);
}

static bool init_kmem_cache_nodes(struct kmem_cache *s)
{
	struct kmem_cache_node *n;

	if (slab_state == DOWN) {
		early_kmem_cache_node_alloc();
		return true;
	}
	n = kmem_cache_alloc(kmem_cache_node, GFP_KERNEL);
	if (!n)
		return false;
	init_kmem_cache_node(n);
	s->node[0] = n;
	return true;
}

/* See slab.h (Linux's kmem_cache_open). */
int __kmem_cache_create(struct kmem_cache *s, unsigned long flags)
{
	s->flags = kmem_cache_flags(s->size, flags, s->name);
	if (!calculate_sizes(s))
		return -EINVAL;
	s->min_partial = clamp((unsigned long)(fls_u(s->size) - 1) / 2, (unsigned long)MIN_PARTIAL,
			       (unsigned long)MAX_PARTIAL);
	if (!init_kmem_cache_nodes(s))
		return -ENOMEM;
	s->cpu_slab = __alloc_percpu(sizeof(struct kmem_cache_cpu), 2 * sizeof(void *));
	if (!s->cpu_slab) {
		__kmem_cache_release(s);
		return -ENOMEM;
	}
	return 0;
}

/* See slab.h. */
void __kmem_cache_release(struct kmem_cache *s)
{
	free_percpu(s->cpu_slab);
	s->cpu_slab = NULL;
	if (s->node[0])
		kmem_cache_free(kmem_cache_node, s->node[0]);
	s->node[0] = NULL;
}

/* ==== shutdown (kmem_cache_destroy) ====================================================== */

/* Linux's list_slab_objects: the objects still allocated in slab, with their tracks. */
static void list_slab_objects(struct kmem_cache *s, struct slab *slab)
{
	char *addr = slab_address(slab);

	slab_err(s, slab, "Objects remaining in %s on __kmem_cache_shutdown()", s->name);
	for (char *p = fixup_red_left(s, addr); p < addr + slab->objects * s->size; p += s->size) {
		if (on_freelist(s, slab, p))
			continue;
		pr_err("Object 0x%p @offset=%u\n", p, (unsigned int)(p - addr));
		print_tracking(s, p);
	}
}

/*
 * See slab.h. Every CPU's slab of s goes back first: this CPU's here, the others' by IPI
 * (Linux's flush_all_cpus_locked); s is no longer used, so nothing refills them meanwhile.
 */
int __kmem_cache_shutdown(struct kmem_cache *s)
{
	struct kmem_cache_node *n = s->node[0];
	struct slab *slab, *tmp;
	unsigned long flags;
	LIST_HEAD(discard);
	int busy;

	flush_cpu_slab(s);
	smp_call_function(flush_cpu_slab, s, 1);
	spin_lock_irqsave(&n->list_lock, flags);
	list_for_each_entry_safe(slab, tmp, &n->partial, slab_list) {
		if (!slab->inuse) {
			remove_partial(n, slab);
			dec_slabs_node(n, slab->objects);
			list_add(&slab->slab_list, &discard);
		} else {
			list_slab_objects(s, slab);
		}
	}
	busy = n->nr_partial || n->nr_slabs;
	spin_unlock_irqrestore(&n->list_lock, flags);
	list_for_each_entry_safe(slab, tmp, &discard, slab_list)
		discard_slab(s, slab);
	return busy;
}

/* ==== bootstrap (Linux's kmem_cache_init) ================================================ */

/*
 * Move a static boot cache into an object of kmem_cache (Linux's bootstrap): copy it, flush
 * its CPU slab, point its slabs at the copy, and list it.
 */
static struct kmem_cache *__init bootstrap(struct kmem_cache *static_cache)
{
	struct kmem_cache *s = kmem_cache_alloc(kmem_cache, GFP_NOWAIT | __GFP_ZERO);
	struct kmem_cache_node *n;
	struct slab *p;

	BUG_ON(!s);
	memcpy(s, static_cache, kmem_cache->object_size);
	__flush_cpu_slab(s, smp_processor_id());
	n = s->node[0];
	list_for_each_entry(p, &n->partial, slab_list)
		p->slab_cache = s;
	list_add(&s->list, &slab_caches);
	return s;
}

/* See linux/slab.h: the two boot caches, bootstrap, the kmalloc caches, the SLUB: line. */
void __init kmem_cache_init(void)
{
	static __initdata struct kmem_cache boot_kmem_cache, boot_kmem_cache_node;

	slub_tainted = false;
	kmem_cache_node = &boot_kmem_cache_node;
	kmem_cache = &boot_kmem_cache;
	create_boot_cache(kmem_cache_node, "kmem_cache_node", sizeof(struct kmem_cache_node),
			  SLAB_HWCACHE_ALIGN);
	slab_state = PARTIAL; /* kmem_cache_node can allocate nodes now */
	create_boot_cache(kmem_cache, "kmem_cache",
			  offsetof(struct kmem_cache, node) +
				  MAX_NUMNODES * sizeof(struct kmem_cache_node *),
			  SLAB_HWCACHE_ALIGN);
	kmem_cache = bootstrap(&boot_kmem_cache);
	kmem_cache_node = bootstrap(&boot_kmem_cache_node);
	setup_kmalloc_cache_index_table();
	create_kmalloc_caches(0);
	pr_info("SLUB: HWalign=%d, Order=%u-%u, MinObjects=%u, CPUs=%u, Nodes=%u\n",
		L1_CACHE_BYTES, slub_min_order, slub_max_order, slub_min_objects,
		(unsigned int)NR_CPUS, (unsigned int)MAX_NUMNODES);
}

/* ==== slub_debug= (Linux's setup_slub_debug, kmem_cache_flags) =========================== */

/* The flags of slub_debug's letters (F Z P U; T, A, O accepted and ignored; - none). */
static unsigned long parse_slub_debug_flags(const char *str, const char **rest)
{
	unsigned long flags = 0;

	if (!*str || *str == ',') { /* no letters: the default set */
		*rest = str;
		return DEBUG_DEFAULT_FLAGS;
	}
	for (; *str && *str != ','; str++) {
		switch (*str | 0x20) {
		case '-': flags = 0; break;
		case 'f': flags |= SLAB_CONSISTENCY_CHECKS; break;
		case 'z': flags |= SLAB_RED_ZONE; break;
		case 'p': flags |= SLAB_POISON; break;
		case 'u': flags |= SLAB_STORE_USER; break;
		case 't': case 'a': case 'o': break;
		default:
			pr_err("slub_debug option '%c' unknown. skipped\n", *str);
		}
	}
	*rest = str;
	return flags;
}

/* See slab.h. */
void slub_debug_parse(const char *str)
{
	const char *rest;

	slub_debug = str ? parse_slub_debug_flags(str, &rest) : 0;
	slub_debug_names[0] = '\0';
	if (str && *rest == ',')
		ksnprintf(slub_debug_names, sizeof(slub_debug_names), "%s", rest + 1);
}

/* slub_debug[=FLAGS[,cache,cache...]]: debugging for every cache, or for the named ones. */
static int __init setup_slub_debug(char *str)
{
	slub_debug_parse(str ? str : "");
	return 0;
}
__setup("slub_debug", setup_slub_debug);

/* slub_min_objects=N: objects a slab should hold at least (0: from the CPU count). */
static int __init setup_slub_min_objects(char *str)
{
	return kstrtouint(str, 0, &slub_min_objects);
}
__setup("slub_min_objects=", setup_slub_min_objects);

/* slub_max_order=N: the largest preferred slab order (at most MAX_ORDER - 1). */
static int __init setup_slub_max_order(char *str)
{
	int ret = kstrtouint(str, 0, &slub_max_order);

	slub_max_order = min(slub_max_order, (unsigned int)MAX_ORDER - 1);
	return ret;
}
__setup("slub_max_order=", setup_slub_max_order);

/* Is name in the comma-separated list (an item ending in '*' matches a prefix)? */
static bool slub_debug_name_listed(const char *list, const char *name)
{
	while (*list) {
		const char *end = strchr(list, ',');
		size_t len = end ? (size_t)(end - list) : strlen(list);

		if (len && list[len - 1] == '*' ? !strncmp(list, name, len - 1)
						 : (strlen(name) == len && !strncmp(list, name, len)))
			return true;
		list += len + (end ? 1 : 0);
	}
	return false;
}

/* See slab.h. */
unsigned long kmem_cache_flags(unsigned int object_size, unsigned long flags, const char *name)
{
	(void)object_size;
	if (!slub_debug)
		return flags;
	if (slub_debug_names[0] && !slub_debug_name_listed(slub_debug_names, name))
		return flags;
	return flags | slub_debug;
}

/* ==== views for the shell: slabinfo, whatis, mm-check ==================================== */

/* See slab.h (Linux's slab_ksize). */
size_t slab_ksize(const struct kmem_cache *s)
{
	if (s->flags & (SLAB_RED_ZONE | SLAB_POISON))
		return s->object_size;
	if (s->flags & SLAB_STORE_USER)
		return s->inuse;
	return s->size;
}

/* See linux/slub_def.h. SLUB's "active": all but the free objects of partial slabs. */
void get_slabinfo(struct kmem_cache *s, struct slabinfo *sinfo)
{
	struct kmem_cache_node *n = s->node[0];
	unsigned long nr_free = 0, flags;
	struct slab *slab;

	spin_lock_irqsave(&n->list_lock, flags);
	list_for_each_entry(slab, &n->partial, slab_list)
		nr_free += slab->objects - slab->inuse;
	sinfo->num_slabs = sinfo->active_slabs = n->nr_slabs;
	sinfo->num_objs = n->total_objects;
	spin_unlock_irqrestore(&n->list_lock, flags);
	sinfo->active_objs = sinfo->num_objs - nr_free;
	sinfo->objects_per_slab = oo_objects(s->oo);
	sinfo->cache_order = oo_order(s->oo);
}

/* Free objects on a CPU freelist (another CPU's: read while it is quiet; bounded). */
static unsigned int cpu_freelist_count(const struct kmem_cache *s, const struct slab *slab,
				       void *fp)
{
	unsigned int nr = 0;

	while (fp && nr <= slab->objects && check_valid_pointer(s, slab, fp)) {
		nr++;
		fp = get_freepointer(s, fp);
	}
	return nr;
}

/* See linux/slub_def.h. */
unsigned long slab_objects_in_use(struct kmem_cache *s)
{
	struct kmem_cache_node *n = s->node[0];
	unsigned long free = 0, flags;
	struct slab *slab;

	spin_lock_irqsave(&n->list_lock, flags);
	list_for_each_entry(slab, &n->partial, slab_list)
		free += slab->objects - slab->inuse;
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		struct kmem_cache_cpu *c = per_cpu_ptr(s->cpu_slab, cpu);

		if (c->slab)
			free += (unsigned long)(c->slab->objects - c->slab->inuse) +
				cpu_freelist_count(s, c->slab, c->freelist);
	}
	spin_unlock_irqrestore(&n->list_lock, flags);
	return n->total_objects - free;
}

/* Is object on fp's chain (bounded by objects)? */
static bool on_chain(const struct kmem_cache *s, const struct slab *slab, void *fp,
		     const void *object)
{
	for (unsigned int nr = 0; fp && nr <= slab->objects; nr++) {
		if (fp == object)
			return true;
		if (!check_valid_pointer(s, slab, fp))
			return false;
		fp = get_freepointer(s, fp);
	}
	return false;
}

/* See linux/slub_def.h. False when addr lies in the slab's leftover, past the objects. */
bool slab_object_info(struct kmem_cache *s, struct slab *slab, const void *addr, void **objp,
		      unsigned int *idx, bool *is_free)
{
	char *base = slab_address(slab), *obj;
	unsigned long off = (unsigned long)((const char *)addr - base), flags;
	bool free;

	if (off >= (unsigned long)slab->objects * s->size)
		return false;
	*idx = (unsigned int)(off / s->size);
	obj = fixup_red_left(s, base + *idx * s->size);
	*objp = obj;
	spin_lock_irqsave(&s->node[0]->list_lock, flags);
	free = on_chain(s, slab, slab->freelist, obj);
	for (unsigned int cpu = 0; cpu < NR_CPUS && !free; cpu++) {
		struct kmem_cache_cpu *c = per_cpu_ptr(s->cpu_slab, cpu);

		if (c->slab == slab)
			free = on_chain(s, slab, c->freelist, obj);
	}
	spin_unlock_irqrestore(&s->node[0]->list_lock, flags);
	*is_free = free;
	return true;
}

#define SLAB_CHECK_CACHES 64

/* What slab_check counted for one cache while walking mem_map. */
struct slab_tally {
	struct kmem_cache *s;
	unsigned long slabs, objects, with_free;
};

typedef void (*slab_report_fn)(const char *fmt, ...) __printf(1, 2);

static struct slab_tally *tally_of(struct slab_tally *t, int nr, const struct kmem_cache *s)
{
	for (int i = 0; i < nr; i++)
		if (t[i].s == s)
			return &t[i];
	return NULL;
}

/* Walk one free chain: inside the slab, object starts, no loop; returns its length (or -1). */
static int check_chain(const struct kmem_cache *s, const struct slab *slab, void *fp,
		       const char *what, slab_report_fn report)
{
	int nr = 0;

	for (; fp; fp = get_freepointer(s, fp)) {
		if (!check_valid_pointer(s, slab, fp)) {
			report("%s slab 0x%p: %s entry 0x%p is not an object of the slab", s->name,
			       (void *)slab, what, fp);
			return -1;
		}
		if (++nr > (int)slab->objects) {
			report("%s slab 0x%p: %s has a loop", s->name, (void *)slab, what);
			return -1;
		}
	}
	return nr;
}

/* The CPU slab of s on any CPU that is slab, or -1. */
static int cpu_of_slab(const struct kmem_cache *s, const struct slab *slab)
{
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		if (per_cpu_ptr(s->cpu_slab, cpu)->slab == slab)
			return (int)cpu;
	return -1;
}

/* One PG_slab head page: its cache, shape, free chains and counts. */
static int check_one_slab(struct slab_tally *t, int nr, struct slab *slab, slab_report_fn report)
{
	struct slab_tally *ts = tally_of(t, nr, slab->slab_cache);
	struct kmem_cache *s;
	int free, cpu, bad = 0;

	if (!ts) {
		report("slab 0x%p (pfn %#lx): its cache 0x%p is not a listed cache", (void *)slab,
		       page_to_pfn(slab_page(slab)), (void *)slab->slab_cache);
		return 1;
	}
	s = ts->s;
	ts->slabs++;
	ts->objects += slab->objects;
	if (slab->objects != oo_objects(s->oo) && slab->objects != oo_objects(s->min))
		bad++, report("%s slab 0x%p: %u objects, the cache has %u (or %u)", s->name,
			      (void *)slab, slab->objects, oo_objects(s->oo), oo_objects(s->min));
	free = check_chain(s, slab, slab->freelist, "free list", report);
	if (free < 0)
		return bad + 1;
	if ((unsigned int)free != (unsigned int)(slab->objects - slab->inuse))
		bad++, report("%s slab 0x%p: %d free objects on its list, objects - inuse = %u",
			      s->name, (void *)slab, free, slab->objects - slab->inuse);
	cpu = cpu_of_slab(s, slab);
	if (slab->frozen != (cpu >= 0))
		bad++, report("%s slab 0x%p: frozen %u but %s CPU slab", s->name, (void *)slab,
			      slab->frozen, cpu >= 0 ? "a" : "no");
	if (cpu >= 0 && check_chain(s, slab, per_cpu_ptr(s->cpu_slab, cpu)->freelist,
				    "CPU free list", report) < 0)
		bad++;
	if (!slab->frozen && free)
		ts->with_free++;
	return bad;
}

/* The node's partial list: slabs of s, not frozen, with free objects, nr_partial exact. */
static int check_partial(struct slab_tally *ts, slab_report_fn report)
{
	struct kmem_cache *s = ts->s;
	struct kmem_cache_node *n = s->node[0];
	unsigned long count = 0;
	struct slab *slab;
	int bad = 0;

	list_for_each_entry(slab, &n->partial, slab_list) {
		if (++count > ts->slabs) {
			report("%s: partial list longer than its %lu slabs", s->name, ts->slabs);
			return bad + 1;
		}
		if (!PageSlab(slab_page(slab)) || slab->slab_cache != s || slab->frozen)
			bad++, report("%s: partial slab 0x%p is not an unfrozen slab of the cache",
				      s->name, (void *)slab);
	}
	if (count != n->nr_partial || count != ts->with_free)
		bad++, report("%s: %lu slabs on the partial list, nr_partial %lu, %lu slabs with "
			      "free objects off the CPUs", s->name, count, n->nr_partial,
			      ts->with_free);
	if (ts->slabs != n->nr_slabs || ts->objects != n->total_objects)
		bad++, report("%s: %lu slabs of %lu objects in mem_map, the node counts %lu of %lu",
			      s->name, ts->slabs, ts->objects, n->nr_slabs, n->total_objects);
	return bad;
}

/* See linux/slub_def.h. */
int slab_check(slab_report_fn report, char *buf, size_t len)
{
	static struct slab_tally t[SLAB_CHECK_CACHES];
	unsigned long flags, pages = 0, slabs = 0;
	struct kmem_cache *s;
	int nr = 0, bad = 0;

	if (slab_state < UP)
		return ksnprintf(buf, len, "slab is not up yet"), 0;
	spin_lock_irqsave(&slab_caches_lock, flags);
	list_for_each_entry(s, &slab_caches, list) {
		if (nr == SLAB_CHECK_CACHES)
			break;
		t[nr++] = (struct slab_tally){.s = s};
		spin_lock(&s->node[0]->list_lock);
	}
	for (unsigned long pfn = ARCH_PFN_OFFSET; pfn < max_low_pfn; pfn++) {
		struct page *page = pfn_to_page(pfn);

		if (!pfn_valid(pfn) || !PageSlab(page))
			continue;
		pages += 1UL << compound_order(page);
		slabs++;
		bad += check_one_slab(t, nr, page_slab(page), report);
	}
	for (int i = 0; i < nr; i++)
		bad += check_partial(&t[i], report);
	for (int i = nr - 1; i >= 0; i--)
		spin_unlock(&t[i].s->node[0]->list_lock);
	spin_unlock_irqrestore(&slab_caches_lock, flags);
	ksnprintf(buf, len, "%d caches, %lu slabs in %lu pages", nr, slabs, pages);
	return bad;
}

/* Mark the objects on fp's chain free in map, append their indices to chain. */
static void map_chain(const struct kmem_cache *s, const struct slab *slab, void *fp, char *map,
		      int *chain, unsigned int *n, unsigned int max)
{
	for (unsigned int nr = 0; fp && nr <= slab->objects; nr++) {
		unsigned int idx;

		if (!check_valid_pointer(s, slab, fp)) {
			if (*n < max)
				chain[(*n)++] = -1; /* a bad pointer ends the chain */
			return;
		}
		idx = obj_to_index(s, slab, fp);
		map[idx] = '.';
		if (*n < max)
			chain[(*n)++] = (int)idx;
		fp = get_freepointer(s, fp);
	}
}

/* See linux/slub_def.h. */
unsigned int slab_free_map(struct kmem_cache *s, struct slab *slab, void *cpu_freelist,
			   char *map, int *chain, unsigned int max_chain, unsigned int *cpu_n)
{
	unsigned long flags;
	unsigned int n = 0;

	memset(map, 'A', slab->objects);
	map[slab->objects] = '\0';
	spin_lock_irqsave(&s->node[0]->list_lock, flags);
	map_chain(s, slab, cpu_freelist, map, chain, &n, max_chain);
	*cpu_n = n;
	map_chain(s, slab, slab->freelist, map, chain, &n, max_chain);
	spin_unlock_irqrestore(&s->node[0]->list_lock, flags);
	return n;
}
