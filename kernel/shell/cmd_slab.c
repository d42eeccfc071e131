/*
 * kernel/shell/cmd_slab.c - the SLUB allocator, live: `slabinfo`, `kmalloc`, `kfree`,
 * `kmallocs`, `slab CACHE`, `kmem_cache ...`, and the bodies of `torture kmalloc` and
 * `bench kmalloc` (dispatched from cmd_torture.c); whatis and mm-check hooks.
 *
 * Where it sits: the last stage of the boot pipeline. kmem_cache_init (kernel/mm/slub.c)
 * built the caches; the shell calls Linux's entry points (kmalloc, kfree, kmem_cache_*) and
 * reads the caches' state (include/linux/slub_def.h):
 *
 *   slabinfo                  Linux's /proc/slabinfo (version 2.1), every cache, newest first
 *   kmalloc SIZE [zero]       kmalloc on this CPU; the object is kept in a table until kfree
 *   kfree ADDR                a live object of that table, checked against the allocator first
 *   slab CACHE                each CPU slab and partial slab: [A A . A] and the free chain
 *   kmem_cache create NAME SIZE [ALIGN] [ctor] | alloc NAME | free NAME ADDR | destroy NAME
 *
 *   live table:  addr | size | cache (NULL: kmalloc_large) | cpu      (MAX_LIVE rows)
 *
 * `kmem_cache free` passes an already-free object of a debug cache (slub_debug F) through to
 * kmem_cache_free, so that the allocator's own "Object already free" report can be seen; any
 * other bad ADDR is refused by the shell before the allocator sees it.
 */
#include <stdarg.h>
#include <string.h>

#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/slub_def.h>
#include <linux/spinlock.h>
#include <asm/arch_timer.h>
#include <asm/io.h>
#include <asm/irqflags.h>
#include <asm/smp.h>
#include <pimm/parse.h>
#include <pimm/shell.h>
#include <pimm/torture.h>
#include <pimm/vsprintf.h>

#define MAX_LIVE 256         /* objects the shell remembers */
#define MAX_USER_CACHES 8    /* caches `kmem_cache create` made */
#define CTOR_PATTERN 0xc7    /* what the test constructor writes into every byte */
#define CHAIN_MAX 64         /* free-chain entries `slab` prints per slab */
#define MAP_MAX 512          /* objects `slab` draws per slab */
#define PARTIAL_MAX 64       /* partial slabs `slab` prints */

/* One object the shell allocated and has not freed. */
struct live_obj {
	void *addr;
	size_t size;
	struct kmem_cache *s; /* NULL: a kmalloc_large block */
	bool kmalloc;         /* kmalloc (else kmem_cache alloc) */
	u8 cpu;
};

static struct live_obj live[MAX_LIVE];
static unsigned int nr_live;
static DEFINE_SPINLOCK(live_lock);
static struct kmem_cache *user_caches[MAX_USER_CACHES];

/* ---- helpers ----------------------------------------------------------------------------- */

static int live_add(const struct live_obj *o)
{
	unsigned long flags;
	int ret = -1;

	spin_lock_irqsave(&live_lock, flags);
	if (nr_live < MAX_LIVE) {
		live[nr_live++] = *o;
		ret = 0;
	}
	spin_unlock_irqrestore(&live_lock, flags);
	return ret;
}

/* Take addr out of the table (into *o); false if it is not there. */
static bool live_take(void *addr, struct live_obj *o)
{
	unsigned long flags;
	bool found = false;

	spin_lock_irqsave(&live_lock, flags);
	for (unsigned int i = 0; i < nr_live; i++)
		if (live[i].addr == addr) {
			*o = live[i];
			live[i] = live[--nr_live];
			found = true;
			break;
		}
	spin_unlock_irqrestore(&live_lock, flags);
	return found;
}

static unsigned int live_count_of(const struct kmem_cache *s)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < nr_live; i++)
		n += live[i].s == s;
	return n;
}

static int user_cache_index(const struct kmem_cache *s)
{
	for (int i = 0; i < MAX_USER_CACHES; i++)
		if (s && user_caches[i] == s)
			return i;
	return -1;
}

/* "kmalloc-128 object 3 of slab 0x80a41000 (pfn 0x2a1)" for an object start. */
static void print_object_line(const char *what, void *obj)
{
	struct slab *slab = virt_to_slab_or_null(obj);
	unsigned int idx;
	bool is_free;
	void *o;

	if (!slab || !slab_object_info(slab->slab_cache, slab, obj, &o, &idx, &is_free))
		return;
	shprintf("%s 0x%08lx: %s object %u of slab 0x%08lx (pfn %#lx, %u objects, order %u)\n",
		 what, (unsigned long)obj, kmem_cache_name(slab->slab_cache), idx,
		 (unsigned long)slab, page_to_pfn((struct page *)slab), slab->objects,
		 slab_order(slab));
}

/*
 * Check ADDR as an object start of a slab (of s if given): prints the reason and returns -1
 * if it is not slab memory, not an object's start, or free (*was_free tells the last one).
 */
static int check_object_addr(const char *cmd, const char *arg, struct kmem_cache *s,
			     void **objp, bool *was_free)
{
	struct slab *slab;
	unsigned int idx;
	u32 addr;
	void *o;

	*was_free = false;
	if (shell_parse_u32(cmd, "address", arg, &addr))
		return -1;
	slab = virt_to_slab_or_null((void *)addr);
	if (!slab)
		return shell_error(cmd, "0x%08x is not slab memory (no slab page there)", addr);
	if (s && slab->slab_cache != s)
		return shell_error(cmd, "0x%08x is an object of %s, not of %s", addr,
				   kmem_cache_name(slab->slab_cache), kmem_cache_name(s));
	if (!slab_object_info(slab->slab_cache, slab, (void *)addr, &o, &idx, was_free))
		return shell_error(cmd, "0x%08x is in the slab's leftover, past its objects", addr);
	if (o != (void *)addr)
		return shell_error(cmd, "0x%08x is inside object %u (0x%08lx), not its start", addr,
				   idx, (unsigned long)o);
	*objp = o;
	if (*was_free)
		return shell_error(cmd, "0x%08x is object %u of %s, already free (on a free list)",
				   addr, idx, kmem_cache_name(slab->slab_cache));
	return 0;
}

/* ---- slabinfo ---------------------------------------------------------------------------- */

static int cmd_slabinfo(int argc, char **argv)
{
	struct kmem_cache *s;
	unsigned long flags;

	if (argc != 1)
		return shell_usage(argv[0]);
	if (slab_state < UP)
		return shell_error(argv[0], "slab is not up yet");
	shprintf("slabinfo - version: 2.1\n");
	shprintf("# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
		 " : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> "
		 "<num_slabs> <sharedavail>\n");
	spin_lock_irqsave(&slab_caches_lock, flags);
	list_for_each_entry(s, &slab_caches, list) {
		struct slabinfo si;

		get_slabinfo(s, &si);
		/* Linux's cache_show (mm/slab_common.c) */
		shprintf("%-17s %6lu %6lu %6u %4u %4d : tunables %4u %4u %4u : slabdata %6lu %6lu "
			 "%6lu\n", s->name, si.active_objs, si.num_objs, s->size,
			 si.objects_per_slab, 1 << si.cache_order, 0, 0, 0, si.active_slabs,
			 si.num_slabs, 0UL);
	}
	spin_unlock_irqrestore(&slab_caches_lock, flags);
	return 0;
}
SHELL_CMD("slabinfo", cmd_slabinfo, "slabinfo",
	  "every slab cache, newest first, as Linux's /proc/slabinfo (version 2.1)");

/* ---- kmalloc, kfree, kmallocs ------------------------------------------------------------ */

static int cmd_kmalloc(int argc, char **argv)
{
	struct live_obj o = {0};
	gfp_t gfp = GFP_KERNEL;
	u32 size;

	if (argc != 2 && argc != 3)
		return shell_usage(argv[0]);
	if (shell_parse_u32(argv[0], "size", argv[1], &size))
		return -1;
	if (argc == 3 && strcmp(argv[2], "zero"))
		return shell_error(argv[0], "unknown flag '%s' (only: zero)", argv[2]);
	if (argc == 3)
		gfp |= __GFP_ZERO;
	if (size == 0 || size > KMALLOC_MAX_SIZE)
		return shell_error(argv[0], "size %u out of range 1..%lu", size, KMALLOC_MAX_SIZE);
	if (nr_live == MAX_LIVE)
		return shell_error(argv[0], "the shell keeps at most %u objects: kfree some", MAX_LIVE);
	o.addr = kmalloc(size, gfp | __GFP_NOWARN);
	if (!o.addr)
		return shell_error(argv[0], "kmalloc(%u) failed", size);
	o.size = size;
	o.kmalloc = true;
	o.cpu = (u8)smp_processor_id();
	o.s = size <= KMALLOC_MAX_CACHE_SIZE ? virt_to_slab_or_null(o.addr)->slab_cache : NULL;
	live_add(&o);
	if (o.s) {
		print_object_line("kmalloc", o.addr);
		shprintf("  size %u, ksize %zu, cpu %u%s\n", size, ksize(o.addr), o.cpu,
			 argc == 3 ? ", zeroed" : "");
	} else {
		shprintf("kmalloc 0x%08lx: kmalloc_large: %zu bytes (order-%u compound block at pfn "
			 "%#lx), size %u, cpu %u\n", (unsigned long)o.addr, ksize(o.addr),
			 (unsigned int)__builtin_ctz((unsigned int)(ksize(o.addr) >> PAGE_SHIFT)),
			 page_to_pfn(virt_to_page(o.addr)), size, o.cpu);
	}
	return 0;
}
SHELL_CMD("kmalloc", cmd_kmalloc, "kmalloc SIZE [zero]",
	  "kmalloc on this CPU: the object, its cache and slab page (above 8K: whole pages)");

static int cmd_kfree(int argc, char **argv)
{
	struct slab *slab;
	struct live_obj o = {0};
	unsigned long flags;
	bool was_free, ok = false;
	void *obj;
	u32 addr;

	if (argc != 2)
		return shell_usage(argv[0]);
	if (shell_parse_u32(argv[0], "address", argv[1], &addr))
		return -1;
	slab = virt_to_slab_or_null((void *)addr);
	if (slab && check_object_addr(argv[0], argv[1], NULL, &obj, &was_free))
		return -1;
	spin_lock_irqsave(&live_lock, flags);
	for (unsigned int i = 0; i < nr_live && !ok; i++)
		if (live[i].addr == (void *)addr && live[i].kmalloc) {
			o = live[i];
			live[i] = live[--nr_live];
			ok = true;
		}
	spin_unlock_irqrestore(&live_lock, flags);
	if (!ok && slab)
		return shell_error(argv[0], "0x%08x is a live %s object the shell's kmalloc did not "
				   "allocate", addr, kmem_cache_name(slab->slab_cache));
	if (!ok)
		return shell_error(argv[0], "0x%08x is not slab memory (nor a kmalloc_large block "
				   "of the shell's kmalloc)", addr);
	kfree((void *)addr);
	shprintf("kfree 0x%08x: %s, %zu bytes, allocated on cpu %u, freed on cpu %u\n", addr,
		 o.s ? kmem_cache_name(o.s) : "kmalloc_large", o.size, o.cpu, smp_processor_id());
	return 0;
}
SHELL_CMD("kfree", cmd_kfree, "kfree ADDR", "kfree an object `kmalloc` gave (anything else is refused)");

static int cmd_kmallocs(int argc, char **argv)
{
	unsigned long flags;
	size_t bytes = 0;

	if (argc != 1)
		return shell_usage(argv[0]);
	spin_lock_irqsave(&live_lock, flags);
	for (unsigned int i = 0; i < nr_live; i++) {
		const struct live_obj *o = &live[i];

		if (i == 0)
			shprintf("address    size       cache             cpu  by\n");
		shprintf("0x%08lx %-10zu %-17s %-4u %s\n", (unsigned long)o->addr, o->size,
			 o->s ? kmem_cache_name(o->s) : "kmalloc_large", o->cpu,
			 o->kmalloc ? "kmalloc" : "kmem_cache alloc");
		bytes += o->size;
	}
	shprintf("%u live object%s, %zu bytes asked for\n", nr_live, nr_live == 1 ? "" : "s",
		 bytes);
	spin_unlock_irqrestore(&live_lock, flags);
	return 0;
}
SHELL_CMD("kmallocs", cmd_kmallocs, "kmallocs", "the live objects `kmalloc` and `kmem_cache alloc` gave");

/* ---- slab CACHE ---------------------------------------------------------------------------- */

/* One slab: its page, counts, the object map and the free chain. */
static void print_slab(struct kmem_cache *s, struct slab *slab, const char *where, void *cpu_fl)
{
	static char map[MAP_MAX + 1];
	static int chain[CHAIN_MAX];
	unsigned int n, cpu_n, objects = min_t(unsigned int, slab->objects, MAP_MAX);

	if (slab->objects > MAP_MAX)
		return;
	n = slab_free_map(s, slab, cpu_fl, map, chain, CHAIN_MAX, &cpu_n);
	shprintf("  %s slab 0x%08lx (pfn %#lx, %u page%s at 0x%08lx): objects %u, inuse %u%s\n",
		 where, (unsigned long)slab, page_to_pfn((struct page *)slab),
		 1U << slab_order(slab), slab_order(slab) ? "s" : "",
		 (unsigned long)page_address((struct page *)slab), slab->objects, slab->inuse,
		 slab->frozen ? ", frozen" : "");
	shprintf("    [");
	for (unsigned int i = 0; i < objects; i++)
		shprintf("%c%s", map[i], i + 1 < objects ? " " : "");
	shprintf("]\n    free chain:");
	for (unsigned int i = 0; i < n; i++) {
		if (i == 0 && cpu_n)
			shprintf(" cpu:");
		if (i == cpu_n)
			shprintf(" slab:");
		if (chain[i] < 0)
			shprintf(" BAD");
		else
			shprintf(" %d", chain[i]);
		shprintf("%s", i + 1 < n && i + 1 != cpu_n ? " ->" : "");
	}
	shprintf("%s\n", n == CHAIN_MAX ? " ..." : n ? " -> end" : " (none)");
}

/* Still an unfrozen slab of s, as when it was on the partial list? */
static bool partial_slab_still(const struct kmem_cache *s, const struct slab *slab)
{
	return PageSlab((const struct page *)slab) && slab->slab_cache == s && !slab->frozen;
}

/*
 * The partial slabs: up to PARTIAL_MAX pointers taken under list_lock, printed after it
 * (printing under the lock would stall every CPU's slow path); a slab that left the list
 * meanwhile (allocated from, freed, or given back to the page allocator) is only named.
 */
static unsigned long print_partial_slabs(struct kmem_cache *s)
{
	static struct slab *snap[PARTIAL_MAX];
	struct kmem_cache_node *n = s->node[0];
	unsigned long flags, nr = 0, more = 0;
	struct slab *slab;

	spin_lock_irqsave(&n->list_lock, flags);
	list_for_each_entry(slab, &n->partial, slab_list) {
		if (nr < PARTIAL_MAX)
			snap[nr++] = slab;
		else
			more++;
	}
	spin_unlock_irqrestore(&n->list_lock, flags);
	for (unsigned long i = 0; i < nr; i++) {
		if (partial_slab_still(s, snap[i]))
			print_slab(s, snap[i], "partial", NULL);
		else
			shprintf("  partial slab 0x%08lx (changed meanwhile)\n",
				 (unsigned long)snap[i]);
	}
	if (more)
		shprintf("  ... %lu more partial slabs\n", more);
	return nr + more;
}

static int cmd_slab(int argc, char **argv)
{
	struct kmem_cache *s;
	struct kmem_cache_node *n;
	unsigned long nr_partial, cpu_slabs = 0;

	if (argc != 2)
		return shell_usage(argv[0]);
	s = find_cache_by_name(argv[1]);
	if (!s)
		return shell_error(argv[0], "no cache called '%s' (see slabinfo)", argv[1]);
	n = s->node[0];
	shprintf("%s: object %u bytes, stride %u, align %u, free pointer at +%u, %u objects per "
		 "order-%u slab (fallback order %u), min_partial %lu, flags %#lx%s\n", s->name,
		 s->object_size, s->size, s->align, s->offset, oo_objects(s->oo), oo_order(s->oo),
		 oo_order(s->min), s->min_partial, s->flags, s->ctor ? ", constructor" : "");
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		struct kmem_cache_cpu *c = per_cpu_ptr(s->cpu_slab, cpu);
		char where[16];

		if (!c->slab)
			continue;
		cpu_slabs++;
		ksnprintf(where, sizeof(where), "cpu%u", cpu);
		print_slab(s, c->slab, where, c->freelist);
	}
	nr_partial = print_partial_slabs(s);
	shprintf("  node 0: %lu slabs, %lu objects; %lu CPU slabs, %lu partial (nr_partial %lu), "
		 "%lu full (on no list)\n", n->nr_slabs, n->total_objects, cpu_slabs, nr_partial,
		 n->nr_partial, n->nr_slabs - cpu_slabs - nr_partial);
	return 0;
}
SHELL_CMD("slab", cmd_slab, "slab CACHE",
	  "a cache's CPU and partial slabs: objects ([A . ] = allocated/free) and free chains");

/* ---- kmem_cache ---------------------------------------------------------------------------- */

/*
 * The test constructors, one per user-cache slot: every byte of the object CTOR_PATTERN. A
 * constructor knows its object's size, as Linux's do: the slab it runs in is not published
 * (PG_slab) yet, so it cannot be looked up from the object.
 */
static u32 ctor_size[MAX_USER_CACHES];
#define SHELL_CTOR(i)                                                                              \
	static void shell_ctor##i(void *obj)                                                       \
	{                                                                                          \
		memset(obj, CTOR_PATTERN, ctor_size[i]);                                           \
	}
SHELL_CTOR(0) SHELL_CTOR(1) SHELL_CTOR(2) SHELL_CTOR(3)
SHELL_CTOR(4) SHELL_CTOR(5) SHELL_CTOR(6) SHELL_CTOR(7)
static void (*const shell_ctors[MAX_USER_CACHES])(void *) = {
	shell_ctor0, shell_ctor1, shell_ctor2, shell_ctor3,
	shell_ctor4, shell_ctor5, shell_ctor6, shell_ctor7,
};

static int kc_create(int argc, char **argv)
{
	u32 size, align = 0;
	bool ctor = false;
	struct kmem_cache *s;
	int slot = user_cache_index(NULL), i;

	if (argc < 4 || argc > 6)
		return shell_usage(argv[0]);
	if (shell_parse_u32(argv[0], "size", argv[3], &size))
		return -1;
	for (i = 4; i < argc; i++) {
		if (!strcmp(argv[i], "ctor"))
			ctor = true;
		else if (i == 4 && shell_parse_u32(argv[0], "alignment", argv[i], &align))
			return -1;
		else if (i == 5)
			return shell_error(argv[0], "unknown option '%s' (only: ctor)", argv[i]);
	}
	if (strlen(argv[2]) > 24 || !argv[2][0])
		return shell_error(argv[0], "name '%s' must be 1..24 characters", argv[2]);
	if (find_cache_by_name(argv[2]))
		return shell_error(argv[0], "a cache called '%s' exists already", argv[2]);
	if (size < sizeof(void *) || size > KMALLOC_MAX_SIZE)
		return shell_error(argv[0], "size %u out of range %zu..%lu", size, sizeof(void *),
				   KMALLOC_MAX_SIZE);
	if (align & (align - 1) || align > PAGE_SIZE)
		return shell_error(argv[0], "alignment %u is not a power of two up to %lu", align,
				   PAGE_SIZE);
	for (slot = 0; slot < MAX_USER_CACHES && user_caches[slot]; slot++)
		;
	if (slot == MAX_USER_CACHES)
		return shell_error(argv[0], "at most %u user caches: destroy one", MAX_USER_CACHES);
	ctor_size[slot] = size;
	s = kmem_cache_create(argv[2], size, align, 0, ctor ? shell_ctors[slot] : NULL);
	if (!s)
		return shell_error(argv[0], "kmem_cache_create failed");
	user_caches[slot] = s;
	shprintf("kmem_cache %s: object %u, stride %u, align %u, %u objects per order-%u slab%s\n",
		 s->name, s->object_size, s->size, s->align, oo_objects(s->oo), oo_order(s->oo),
		 ctor ? ", constructor fills 0xc7" : "");
	return 0;
}

/* The user cache named argv[2], or NULL after the error line. */
static struct kmem_cache *kc_user(char **argv)
{
	struct kmem_cache *s = find_cache_by_name(argv[2]);

	if (!s) {
		shell_error(argv[0], "no cache called '%s'", argv[2]);
		return NULL;
	}
	if (user_cache_index(s) < 0) {
		shell_error(argv[0], "'%s' is not a cache `kmem_cache create` made", argv[2]);
		return NULL;
	}
	return s;
}

static int kc_alloc(int argc, char **argv)
{
	struct kmem_cache *s;
	struct live_obj o = {0};

	if (argc != 3)
		return shell_usage(argv[0]);
	s = kc_user(argv);
	if (!s)
		return -1;
	if (nr_live == MAX_LIVE)
		return shell_error(argv[0], "the shell keeps at most %u objects: free some", MAX_LIVE);
	o.addr = kmem_cache_alloc(s, GFP_KERNEL | __GFP_NOWARN);
	if (!o.addr)
		return shell_error(argv[0], "kmem_cache_alloc(%s) failed", s->name);
	o.size = s->object_size;
	o.s = s;
	o.cpu = (u8)smp_processor_id();
	live_add(&o);
	print_object_line("kmem_cache alloc", o.addr);
	return 0;
}

static int kc_free(int argc, char **argv)
{
	struct kmem_cache *s;
	struct live_obj o = {0};
	bool was_free;
	void *obj;

	if (argc != 4)
		return shell_usage(argv[0]);
	s = kc_user(argv);
	if (!s)
		return -1;
	if (check_object_addr(argv[0], argv[3], s, &obj, &was_free)) {
		if (!was_free || !(s->flags & SLAB_CONSISTENCY_CHECKS))
			return -1;
		shprintf("kmem_cache free: %s has slub_debug checks: passing the double free on\n",
			 s->name);
		kmem_cache_free(s, obj);
		return 0;
	}
	if (!live_take(obj, &o) || o.kmalloc) {
		if (o.addr == obj)
			live_add(&o);
		return shell_error(argv[0], "0x%08lx was not allocated by `kmem_cache alloc`",
				   (unsigned long)obj);
	}
	kmem_cache_free(s, obj);
	shprintf("kmem_cache free 0x%08lx: %s, cpu %u\n", (unsigned long)obj, s->name,
		 smp_processor_id());
	return 0;
}

static int kc_destroy(int argc, char **argv)
{
	struct kmem_cache *s;
	int slot;

	if (argc != 3)
		return shell_usage(argv[0]);
	s = kc_user(argv);
	if (!s)
		return -1;
	slot = user_cache_index(s);
	kmem_cache_destroy(s); /* flushes every CPU's slab of s itself */
	if (find_cache_by_name(argv[2])) {
		shprintf("kmem_cache destroy: %s kept: %u objects still allocated\n", argv[2],
			 live_count_of(s));
		return 1;
	}
	user_caches[slot] = NULL;
	shprintf("kmem_cache destroy: %s destroyed\n", argv[2]);
	return 0;
}

static int cmd_kmem_cache(int argc, char **argv)
{
	if (argc < 2)
		return shell_usage(argv[0]);
	if (slab_state < UP)
		return shell_error(argv[0], "slab is not up yet");
	if (!strcmp(argv[1], "create"))
		return kc_create(argc, argv);
	if (!strcmp(argv[1], "alloc"))
		return kc_alloc(argc, argv);
	if (!strcmp(argv[1], "free"))
		return kc_free(argc, argv);
	if (!strcmp(argv[1], "destroy"))
		return kc_destroy(argc, argv);
	return shell_error(argv[0], "unknown action '%s' (create, alloc, free, destroy)", argv[1]);
}
SHELL_CMD("kmem_cache", cmd_kmem_cache,
	  "kmem_cache create NAME SIZE [ALIGN] [ctor] | alloc NAME | free NAME ADDR | destroy NAME",
	  "a user-named slab cache: create it, allocate and free its objects, destroy it");

/* ---- whatis and mm-check hooks --------------------------------------------------------- */

/* whatis: the slab cache and object of a lowmem address in a slab page. */
static void slab_whatis(u32 addr, bool virt, phys_addr_t pa, bool has_pa)
{
	void *p = NULL, *obj;
	struct slab *slab;
	struct page *page;
	unsigned int idx;
	bool is_free;

	if (slab_state < UP)
		return;
	if (has_pa && pa < ((phys_addr_t)max_low_pfn << PAGE_SHIFT))
		p = __va(pa);
	else if (virt)
		p = (void *)addr;
	if (!p)
		return;
	slab = virt_to_slab_or_null(p);
	if (!slab) {
		page = virt_to_page(p);
		if ((void *)p < high_memory && PageHead(page) && !PageSlab(page) && page_count(page))
			shprintf("  slab: kmalloc_large block 0x%08lx, order %u\n",
				 (unsigned long)page_address(page), page[1].compound_order);
		return;
	}
	if (!slab_object_info(slab->slab_cache, slab, p, &obj, &idx, &is_free)) {
		shprintf("  slab: %s slab 0x%08lx: leftover past its %u objects\n",
			 kmem_cache_name(slab->slab_cache), (unsigned long)slab, slab->objects);
		return;
	}
	shprintf("  slab: %s object %u of slab 0x%08lx (object 0x%08lx, %+ld), %s\n",
		 kmem_cache_name(slab->slab_cache), idx, (unsigned long)slab, (unsigned long)obj,
		 (long)((char *)p - (char *)obj), is_free ? "free" : "allocated");
}
SHELL_WHATIS(slab_whatis);
SHELL_MMCHECK("slab", slab_check);

/* ---- torture kmalloc ------------------------------------------------------------------- */

#define KT_LIVE 64            /* live objects per CPU */
#define KT_MAX_OPS 10000000
#define KT_STAMP 0x6b6d6c63u  /* "kmlc", xor the address: first and last word */
#define KT_CACHES 64

/* A size: mostly the small classes, one in five up to 8K, one in twenty whole pages. */
static u32 kt_size(struct torture_cpu *t)
{
	u32 r = torture_rand(t) % 100;

	if (r < 75)
		return 1 + torture_rand(t) % 256;
	if (r < 95)
		return 257 + torture_rand(t) % (KMALLOC_MAX_CACHE_SIZE - 256);
	return KMALLOC_MAX_CACHE_SIZE + 1 + torture_rand(t) % (4 * KMALLOC_MAX_CACHE_SIZE);
}

static void kt_bad(struct torture_cpu *t, const char *what, const struct torture_item *o)
{
	torture_bad(t, "%lu-byte object at 0x%08lx: %s", o->size, (unsigned long)o->p, what);
}

/* The stamp words of an object (first and last 4 bytes of what was asked; tiny: first). */
static void kt_stamp(const struct torture_item *o)
{
	u32 v = KT_STAMP ^ (u32)(unsigned long)o->p;

	memcpy(o->p, &v, min_t(u32, o->size, 4));
	if (o->size >= 8)
		memcpy((char *)o->p + o->size - 4, &v, 4);
}

static bool kt_stamp_ok(const struct torture_item *o)
{
	u32 v = KT_STAMP ^ (u32)(unsigned long)o->p, w = 0;

	if (memcmp(o->p, &v, min_t(u32, o->size, 4)))
		return false;
	if (o->size >= 8)
		memcpy(&w, (char *)o->p + o->size - 4, 4);
	return o->size < 8 || w == v;
}

/* kmalloc of a random size (zeroed one time in four); alignment, ksize and zeroes checked. */
static bool kt_alloc(struct torture_cpu *t, struct torture_item *o)
{
	bool zero;
	const u8 *b;

	o->size = kt_size(t);
	zero = (torture_rand(t) & 3) == 0;
	o->p = kmalloc(o->size, GFP_KERNEL | __GFP_NOWARN | (zero ? __GFP_ZERO : 0));
	if (!o->p)
		return false;
	if ((unsigned long)o->p & (ARCH_KMALLOC_MINALIGN - 1))
		kt_bad(t, "not 64-byte aligned", o);
	if (ksize(o->p) < o->size)
		kt_bad(t, "ksize below the size asked for", o);
	b = o->p;
	if (zero && (b[0] || b[o->size - 1] || b[o->size / 2]))
		kt_bad(t, "__GFP_ZERO object not zeroed", o);
	kt_stamp(o);
	return true;
}

/* The stamp still there (nobody else was handed the object), then kfree. */
static void kt_free(struct torture_cpu *t, const struct torture_item *o)
{
	if (!kt_stamp_ok(o))
		kt_bad(t, "stamp overwritten: handed out twice?", o);
	kfree(o->p);
}

/* No check during the run: the slab views are exact only on quiet CPUs (slub_def.h). */
static const struct torture_ops kmalloc_torture = {
	.name = "torture kmalloc",
	.live = KT_LIVE,
	.alloc = kt_alloc,
	.free = kt_free,
};

/* Every cache's exact objects in use, in list order (CPU slabs flushed first on all CPUs). */
static int kt_snapshot(struct kmem_cache **caches, unsigned long *inuse)
{
	struct kmem_cache *s;
	unsigned long flags;
	int nr = 0;

	flush_cpu_slab(NULL);
	smp_call_function(flush_cpu_slab, NULL, 1);
	spin_lock_irqsave(&slab_caches_lock, flags);
	list_for_each_entry(s, &slab_caches, list) {
		if (nr == KT_CACHES)
			break;
		caches[nr] = s;
		inuse[nr++] = slab_objects_in_use(s);
	}
	spin_unlock_irqrestore(&slab_caches_lock, flags);
	return nr;
}

/* mm-check's slab and buddy stages into the torture report; returns the violations. */
static int kt_mmcheck(void (*report)(const char *fmt, ...) __printf(1, 2))
{
	char buf[96];

	return slab_check(report, buf, sizeof(buf)) + check_free_areas(report);
}

static __printf(1, 2) void kt_report(const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	kvscnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	shprintf("torture kmalloc: mm-check: %s\n", buf);
}

/* See linux/slub_def.h: `torture kmalloc N [SEED]` (argv[0] is "kmalloc"). */
int cmd_torture_kmalloc(int argc, char **argv)
{
	static struct kmem_cache *caches[KT_CACHES], *caches2[KT_CACHES];
	static unsigned long before[KT_CACHES], after[KT_CACHES];
	struct torture_result res;
	unsigned long bad;
	int nr, nr2, pre, post;
	u32 n, seed;

	if (slab_state < UP)
		return shell_error("torture", "slab is not up yet");
	if (torture_parse_args(argc, argv, "torture kmalloc N [SEED]", KT_MAX_OPS, &n, &seed))
		return -1;
	nr = kt_snapshot(caches, before);
	pre = kt_mmcheck(kt_report);
	torture_run(&kmalloc_torture, n, seed, &res);
	nr2 = kt_snapshot(caches2, after);
	post = kt_mmcheck(kt_report);
	shprintf("torture kmalloc: %u operations on %u CPUs, seed %u\n", n, num_online_cpus(), seed);
	torture_print_cpus(&kmalloc_torture, "kmallocs", "kfrees", "objects");
	bad = res.bad;
	if (res.allocs != res.frees)
		bad++, shprintf("torture kmalloc: %lu objects allocated, %lu freed\n", res.allocs,
				res.frees);
	if (nr != nr2 || memcmp(caches, caches2, sizeof(caches[0]) * (size_t)nr) ||
	    memcmp(before, after, sizeof(before[0]) * (size_t)nr)) {
		bad++;
		for (int i = 0; i < nr && i < nr2; i++)
			if (before[i] != after[i])
				shprintf("torture kmalloc: %s: %lu objects in use before, %lu after\n",
					 caches[i]->name, before[i], after[i]);
	} else {
		shprintf("torture kmalloc: every cache's objects in use equal the state before (%d "
			 "caches)\n", nr);
	}
	shprintf("torture kmalloc: mm-check (slab, allocator): before %d, after %d violations\n",
		 pre, post);
	bad += (unsigned long)(pre + post);
	shprintf("torture kmalloc: %s\n", bad ? "FAILED" : "clean");
	return bad ? 1 : 0;
}

/* ---- bench kmalloc --------------------------------------------------------------------- */

/* Ticks for n kmalloc+kfree pairs of size, IRQs off; false if a kmalloc failed. */
static bool bench_kmalloc_pairs(u32 size, u32 n, u64 *ticks)
{
	unsigned long flags;
	bool ok = true;
	u64 t0;

	local_irq_save(flags);
	t0 = read_cntvct();
	for (u32 i = 0; i < n; i++) {
		void *p = kmalloc(size, GFP_KERNEL);

		if (!p) {
			ok = false;
			break;
		}
		kfree(p);
	}
	*ticks = read_cntvct() - t0;
	local_irq_restore(flags);
	return ok;
}

/* One size per kmalloc class. */
static const u32 bench_sizes[] = {64, 128, 192, 256, 512, 1024, 2048, 4096, 8192};

/* See linux/slub_def.h: `bench kmalloc [N]` (argv[0] is "kmalloc"). */
int cmd_bench_kmalloc(int argc, char **argv)
{
	u32 n = 10000, hz = read_cntfrq();
	u64 ticks;

	if (argc > 2)
		return shell_error("bench", "usage: bench kmalloc [N]");
	if (argc == 2 && shell_parse_u32("bench", "pair count", argv[1], &n))
		return -1;
	if (n == 0 || n > 1000000)
		return shell_error("bench", "pair count %u out of range 1..1000000", n);
	if (slab_state < UP)
		return shell_error("bench", "slab is not up yet");
	for (unsigned int i = 0; i < ARRAY_SIZE(bench_sizes); i++) {
		u32 size = bench_sizes[i];

		if (!bench_kmalloc_pairs(size, 1, &ticks) || !bench_kmalloc_pairs(size, n, &ticks))
			return shell_error("bench", "kmalloc(%u) failed", size);
		shprintf("bench: kmalloc+kfree %-5u (%-11s) %u pairs in %llu ticks of %u Hz: %llu ns "
			 "per pair\n", size, kmem_cache_name(kmalloc_slab(size, GFP_KERNEL)), n, ticks,
			 hz, ticks * 1000000000ull / hz / n);
	}
	shprintf("bench: (under tools/run --icount, 1 ns is 1 guest instruction: the per-CPU "
		 "freelist fast path)\n");
	return 0;
}
