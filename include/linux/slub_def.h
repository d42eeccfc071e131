/*
 * slub_def.h - SLUB's cache descriptors (Linux 6.1's include/linux/slub_def.h, plus struct
 * slab and struct kmem_cache_node from its mm/slab.h, which the shell's views need too).
 *
 * Where it sits: kmem_cache_init (kernel/mm/slub.c) builds the first two caches from static
 * boot descriptors, then the kmalloc caches; kmem_cache_create builds more. Each cache:
 *
 *   struct kmem_cache "kmalloc-128"
 *     cpu_slab --(per CPU, alloc_percpu)--> kmem_cache_cpu { freelist, slab }
 *     node[0] --> kmem_cache_node { list_lock, nr_partial, partial: slab <-> slab <-> ... }
 *     size, object_size, offset (free pointer), oo (order, objects), align, flags, ctor
 *
 *   a slab = 2^order pages from the buddy allocator; its struct page (head page) read as
 *   struct slab (same 32 bytes: flags | slab_list | slab_cache | freelist | counters | - | ref)
 *
 *   [obj 0 ][obj 1 ][obj 2 ][obj 3 ] ... [obj n-1][leftover]   each obj is s->size bytes
 *     |fp|    |fp|                        free objects chain through the word at +offset
 *
 * The CPU slab is "frozen": its free objects sit on kmem_cache_cpu.freelist (this CPU only,
 * IRQs off); objects other CPUs free go to slab->freelist (under the node's list_lock). Full
 * slabs are on no list; slabs with free objects and no CPU are on the node's partial list.
 */
#ifndef _LINUX_SLUB_DEF_H
#define _LINUX_SLUB_DEF_H

#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/page-flags.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#define MAX_NUMNODES 1
#define NUMA_NO_NODE (-1)

/* Per CPU: the slab this CPU allocates from and its free objects (Linux's kmem_cache_cpu). */
struct kmem_cache_cpu {
	void *freelist;    /* first free object of the CPU slab, NULL: take slab->freelist */
	struct slab *slab; /* the CPU slab (frozen), or NULL */
};

/* Order and objects per slab, packed as Linux's kmem_cache_order_objects. */
struct kmem_cache_order_objects {
	unsigned int x; /* order << OO_SHIFT | objects */
};
#define OO_SHIFT 16
#define OO_MASK ((1u << OO_SHIFT) - 1)

/* The partial list of one memory node (Linux's kmem_cache_node; pimm has node 0 only). */
struct kmem_cache_node {
	spinlock_t list_lock;     /* partial list, and every slab's freelist and counters */
	unsigned long nr_partial;
	struct list_head partial;
	unsigned long nr_slabs;   /* all slabs of the cache on this node (under list_lock) */
	unsigned long total_objects;
};

/* A cache of equal objects (Linux's struct kmem_cache for SLUB, the fields pimm uses). */
struct kmem_cache {
	struct kmem_cache_cpu *cpu_slab; /* per-CPU pointer */
	unsigned long flags;             /* SLAB_* */
	unsigned long min_partial;       /* partial slabs kept when they become empty */
	unsigned int size;               /* object + metadata, aligned: the stride */
	unsigned int object_size;        /* what the user asked for */
	unsigned int offset;             /* free pointer offset in the object */
	struct kmem_cache_order_objects oo;  /* preferred order and objects */
	struct kmem_cache_order_objects min; /* the fallback: the smallest order that fits one */
	gfp_t allocflags;                /* gfp added to slab page allocations (__GFP_COMP) */
	int refcount;
	void (*ctor)(void *object);
	unsigned int inuse;              /* object + right red zone: where metadata starts */
	unsigned int align;
	unsigned int red_left_pad;       /* left red zone (SLAB_RED_ZONE) */
	const char *name;
	struct list_head list;           /* slab_caches, newest first */
	struct kmem_cache_node *node[MAX_NUMNODES];
};

/*
 * struct slab: the head struct page of a slab, another view of the same 32 bytes (Linux
 * 6.1's mm/slab.h; the BUILD_BUG_ONs in kernel/mm/slab.h pin every field to struct page's).
 */
struct slab {
	unsigned long __page_flags;      /* page->flags: PG_slab, PG_head for order > 0 */
	struct list_head slab_list;      /* page->lru: the node's partial list */
	struct kmem_cache *slab_cache;   /* page->mapping */
	void *freelist;                  /* page->index: first free object (not the CPU's) */
	union {                          /* page->private */
		unsigned long counters;
		struct {
			unsigned inuse : 16;   /* objects allocated (all of them while frozen) */
			unsigned objects : 15; /* objects in the slab */
			unsigned frozen : 1;   /* a CPU slab */
		};
	};
	unsigned int __slab_unused;         /* page->_mapcount: reset to -1 before the page goes back */
	atomic_t __page_refcount;        /* page->_refcount */
};

/* Every cache, newest first (slab_common.c), and the lock over the list. */
extern struct list_head slab_caches;
extern spinlock_t slab_caches_lock;

/* The slab holding any address of a slab page, or NULL (lowmem addresses only). */
struct slab *virt_to_slab_or_null(const void *addr);
/* The object of s containing addr in slab, its index, and whether it is free. */
bool slab_object_info(struct kmem_cache *s, struct slab *slab, const void *addr, void **objp,
		      unsigned int *idx, bool *is_free);
/* The kmalloc cache for size bytes (1..KMALLOC_MAX_CACHE_SIZE); ZERO_SIZE_PTR for 0. */
struct kmem_cache *kmalloc_slab(size_t size, gfp_t flags);
/* The cache called name, or NULL. */
struct kmem_cache *find_cache_by_name(const char *name);
/* Objects in use in s: slab counters less the free objects of the CPU freelists (exact
 * while the other CPUs are quiet: see slab_check below). */
unsigned long slab_objects_in_use(struct kmem_cache *s);
/* /proc/slabinfo's numbers for one cache (Linux's struct slabinfo, get_slabinfo). */
struct slabinfo {
	unsigned long active_objs, num_objs, active_slabs, num_slabs;
	unsigned int objects_per_slab, cache_order;
};
void get_slabinfo(struct kmem_cache *s, struct slabinfo *sinfo);
/* Give every CPU slab of s back to its node: run on the CPU that owns it (flush_cpu_slab). */
void flush_cpu_slab(void *s);
/*
 * A picture of slab's objects for the shell: map[i] 'A' allocated, '.' free (objects + 1
 * bytes); chain: free object indices in list order, cpu_freelist's first (*cpu_n of them),
 * then slab->freelist's, -1 for a pointer outside the slab. Returns the chain's length.
 */
unsigned int slab_free_map(struct kmem_cache *s, struct slab *slab, void *cpu_freelist,
			   char *map, int *chain, unsigned int max_chain, unsigned int *cpu_n);
/* A slab's own order (Linux's slab_order): s->oo's, or s->min's for a fallback slab. */
static inline unsigned int slab_order(const struct slab *slab)
{
	const struct page *page = (const struct page *)slab;

	return PageHead(page) ? page[1].compound_order : 0;
}

/* Order and objects of an order_objects pair. */
static inline unsigned int oo_order(struct kmem_cache_order_objects x)
{
	return x.x >> OO_SHIFT;
}

static inline unsigned int oo_objects(struct kmem_cache_order_objects x)
{
	return x.x & OO_MASK;
}

/*
 * The views below (slab_object_info, slab_objects_in_use, slab_free_map, slab_check) read the
 * other CPUs' kmem_cache_cpu without their cooperation, under the node list_locks only: exact
 * while those CPUs neither allocate nor free (pimm's shell: one command at a time; `torture
 * kmalloc` checks before and after its workers), safe (bounded, pointers validated) otherwise.
 *
 * mm-check "slab": every PG_slab head page of mem_map belongs to a listed cache, its free
 * list stays inside the slab without loops, free count == objects - inuse, partial lists and
 * slab counts agree. One report() line per violation; summary into buf.
 */
int slab_check(void (*report)(const char *fmt, ...) __printf(1, 2), char *buf, size_t len);

/* The shell's entry points in kernel/shell/cmd_slab.c for `torture kmalloc` and `bench kmalloc`. */
int cmd_torture_kmalloc(int argc, char **argv);
int cmd_bench_kmalloc(int argc, char **argv);

#endif
