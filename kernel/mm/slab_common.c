/*
 * kernel/mm/slab_common.c - the allocator-independent half of slab (Linux 6.1's
 * mm/slab_common.c): the list of caches, kmem_cache_create/destroy, the kmalloc caches and
 * the size -> cache table, kmalloc/kfree/ksize, and kmalloc_large for whole pages.
 *
 * Where it sits: kmem_cache_init (slub.c) calls setup_kmalloc_cache_index_table and
 * create_kmalloc_caches once the boot caches work; from then on slab_state is UP and every
 * kmalloc goes through here.
 *
 *   kmalloc(size)
 *     size > 8 KiB        kmalloc_large: alloc_pages(order), a compound block
 *     kmalloc_slab(size)  1..192: size_index[(size - 1) / 8]; larger: fls(size - 1)
 *       -> kmalloc_caches[index] -> __kmem_cache_alloc (slub.c)
 *
 *   size_index (8-byte steps up to 192) on ARMv7 (KMALLOC_MIN_SIZE 64):
 *     1..64 -> 6 (kmalloc-64)   65..128 -> 7 (kmalloc-128)   129..192 -> 2 (kmalloc-192)
 *   kmalloc_caches[6..13] = kmalloc-64 ... kmalloc-8k, [2] = kmalloc-192; [1] (96) not made
 */
#include <errno.h>
#include <string.h>

#include <linux/bug.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/slub_def.h>
#include <linux/spinlock.h>
#include "slab.h"

enum slab_state slab_state;
LIST_HEAD(slab_caches);
DEFINE_SPINLOCK(slab_caches_lock); /* Linux's slab_mutex: the list of caches */
struct kmem_cache *kmem_cache, *kmem_cache_node;
struct kmem_cache *kmalloc_caches[KMALLOC_SHIFT_HIGH + 1];

/* See slab.h (Linux's kmalloc_info, the normal type's names). */
const struct kmalloc_info_struct kmalloc_info[KMALLOC_SHIFT_HIGH + 1] = {
	[1] = {"kmalloc-96", 96},     [2] = {"kmalloc-192", 192},   [6] = {"kmalloc-64", 64},
	[7] = {"kmalloc-128", 128},   [8] = {"kmalloc-256", 256},   [9] = {"kmalloc-512", 512},
	[10] = {"kmalloc-1k", 1024},  [11] = {"kmalloc-2k", 2048},  [12] = {"kmalloc-4k", 4096},
	[13] = {"kmalloc-8k", 8192},
};

/*
 * kmalloc_caches index of sizes 1..192 in 8-byte steps (Linux's size_index, as it starts;
 * setup_kmalloc_cache_index_table fixes it up for the 64-byte minimum).
 */
static u8 size_index[24] = {
	3, 4, 5, 5, 6, 6, 6, 6, /* 8 .. 64 */
	1, 1, 1, 1, 7, 7, 7, 7, /* 72 .. 128 */
	2, 2, 2, 2, 2, 2, 2, 2, /* 136 .. 192 */
};

static inline unsigned int size_index_elem(unsigned int bytes)
{
	return (bytes - 1) / 8;
}

/* See slab.h. */
unsigned int calculate_alignment(unsigned long flags, unsigned int align, unsigned int size)
{
	if (flags & SLAB_HWCACHE_ALIGN) {
		unsigned int ralign = L1_CACHE_BYTES;

		while (size <= ralign / 2)
			ralign /= 2;
		align = max(align, ralign);
	}
	align = max(align, (unsigned int)ARCH_SLAB_MINALIGN);
	return ALIGN(align, sizeof(void *));
}

/* See linux/slab.h. */
unsigned int kmem_cache_size(struct kmem_cache *s)
{
	return s->object_size;
}

/* See linux/slab.h. */
const char *kmem_cache_name(const struct kmem_cache *s)
{
	return s->name;
}

/* See linux/slub_def.h. */
struct kmem_cache *find_cache_by_name(const char *name)
{
	struct kmem_cache *s, *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&slab_caches_lock, flags);
	list_for_each_entry(s, &slab_caches, list)
		if (!strcmp(s->name, name)) {
			found = s;
			break;
		}
	spin_unlock_irqrestore(&slab_caches_lock, flags);
	return found;
}

/* Linux's kmem_cache_sanity_check: a name, a size between a word and KMALLOC_MAX_SIZE. */
static int kmem_cache_sanity_check(const char *name, unsigned int size)
{
	if (!name || size < sizeof(void *) || size > KMALLOC_MAX_SIZE) {
		pr_err("kmem_cache_create(%s) integrity check failed\n", name);
		return -EINVAL;
	}
	return 0;
}

/* A new cache object from kmem_cache, laid out and listed (Linux's create_cache). */
static struct kmem_cache *create_cache(const char *name, unsigned int object_size,
				       unsigned int align, unsigned long flags,
				       void (*ctor)(void *), int *err)
{
	struct kmem_cache *s = kmem_cache_alloc(kmem_cache, GFP_KERNEL | __GFP_ZERO);
	unsigned long irqflags;

	*err = -ENOMEM;
	if (!s)
		return NULL;
	s->name = name;
	s->size = s->object_size = object_size;
	s->align = align;
	s->ctor = ctor;
	*err = __kmem_cache_create(s, flags);
	if (*err) {
		kmem_cache_free(kmem_cache, s);
		return NULL;
	}
	s->refcount = 1;
	spin_lock_irqsave(&slab_caches_lock, irqflags);
	list_add(&s->list, &slab_caches);
	spin_unlock_irqrestore(&slab_caches_lock, irqflags);
	return s;
}

/* A copy of name in a kmalloc'ed string (Linux's kstrdup_const). */
static char *kstrdup(const char *name)
{
	size_t len = strlen(name) + 1;
	char *p = kmalloc(len, GFP_KERNEL);

	if (p)
		memcpy(p, name, len);
	return p;
}

/* See linux/slab.h. No merging with a compatible cache: every cache stands alone. */
struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     unsigned long flags, void (*ctor)(void *))
{
	struct kmem_cache *s = NULL;
	char *cache_name = NULL;
	int err;

	err = kmem_cache_sanity_check(name, size);
	if (!err) {
		cache_name = kstrdup(name);
		err = cache_name ? 0 : -ENOMEM;
	}
	if (!err)
		s = create_cache(cache_name, size,
				 calculate_alignment(flags, align, size), flags, ctor, &err);
	if (!s) {
		kfree(cache_name);
		if (flags & SLAB_PANIC)
			panic("%s: Failed to create slab '%s'. Error %d\n", __func__, name, err);
		pr_warn("%s(%s) failed with error %d\n", __func__, name, err);
	}
	return s;
}

/* Unlist and free an empty cache (Linux's shutdown_cache); -EBUSY if objects remain. */
static int shutdown_cache(struct kmem_cache *s)
{
	unsigned long flags;

	if (__kmem_cache_shutdown(s) != 0)
		return -EBUSY;
	spin_lock_irqsave(&slab_caches_lock, flags);
	list_del(&s->list);
	spin_unlock_irqrestore(&slab_caches_lock, flags);
	__kmem_cache_release(s);
	kfree(s->name);
	kmem_cache_free(kmem_cache, s);
	return 0;
}

/*
 * See linux/slab.h. __kmem_cache_shutdown flushes every CPU's slab of s first (Linux's
 * flush_all). With objects left, Linux's report and WARN; the cache stays listed.
 */
void kmem_cache_destroy(struct kmem_cache *s)
{
	int err;

	if (!s)
		return;
	if (--s->refcount)
		return;
	err = shutdown_cache(s);
	if (err) {
		pr_warn("kmem_cache_destroy %s: Slab cache still has objects when called from %pS\n",
			s->name, __builtin_return_address(0));
		WARN_ON(err);
		s->refcount = 1; /* pimm: Linux leaves 0; 1 lets a later destroy try again */
	}
}

/* See slab.h (Linux's create_boot_cache): power-of-two sizes aligned to their size. */
void __init create_boot_cache(struct kmem_cache *s, const char *name, unsigned int size,
			      unsigned long flags)
{
	unsigned int align = ARCH_KMALLOC_MINALIGN;
	int err;

	if (size && !(size & (size - 1)))
		align = max(align, size);
	s->name = name;
	s->size = s->object_size = size;
	s->align = calculate_alignment(flags, align, size);
	err = __kmem_cache_create(s, flags);
	if (err)
		panic("Creation of kmalloc slab %s size=%u failed. Reason %d\n", name, size, err);
	s->refcount = -1; /* never destroyed */
}

/* A kmalloc cache: a boot cache allocated from kmem_cache and listed. */
static struct kmem_cache *__init create_kmalloc_cache(const char *name, unsigned int size,
						      unsigned long flags)
{
	struct kmem_cache *s = kmem_cache_alloc(kmem_cache, GFP_NOWAIT | __GFP_ZERO);

	if (!s)
		panic("Out of memory when creating slab %s\n", name);
	create_boot_cache(s, name, size, flags | SLAB_KMALLOC);
	list_add(&s->list, &slab_caches);
	s->refcount = 1;
	return s;
}

/* See slab.h: sizes below KMALLOC_MIN_SIZE use the minimum; 72..96 go to kmalloc-128. */
void __init setup_kmalloc_cache_index_table(void)
{
	unsigned int i;

	BUILD_BUG_ON(KMALLOC_MIN_SIZE > 256 || (KMALLOC_MIN_SIZE & (KMALLOC_MIN_SIZE - 1)));
	for (i = 8; i < KMALLOC_MIN_SIZE; i += 8) {
		unsigned int elem = size_index_elem(i);

		if (elem >= ARRAY_SIZE(size_index))
			break;
		size_index[elem] = KMALLOC_SHIFT_LOW;
	}
	if (KMALLOC_MIN_SIZE >= 64) /* no 96-byte cache with 64-byte alignment */
		for (i = 64 + 8; i <= 96; i += 8)
			size_index[size_index_elem(i)] = 7;
	if (KMALLOC_MIN_SIZE >= 128)
		for (i = 128 + 8; i <= 192; i += 8)
			size_index[size_index_elem(i)] = 8;
}

static void __init new_kmalloc_cache(unsigned int idx, unsigned long flags)
{
	kmalloc_caches[idx] = create_kmalloc_cache(kmalloc_info[idx].name, kmalloc_info[idx].size,
						   flags);
}

/* See slab.h: 64, 128, 192 (right after 128, as Linux), 256 ... 8k; then slab is UP. */
void __init create_kmalloc_caches(unsigned long flags)
{
	for (unsigned int i = KMALLOC_SHIFT_LOW; i <= KMALLOC_SHIFT_HIGH; i++) {
		if (!kmalloc_caches[i])
			new_kmalloc_cache(i, flags);
		if (KMALLOC_MIN_SIZE <= 32 && i == 6 && !kmalloc_caches[1])
			new_kmalloc_cache(1, flags);
		if (KMALLOC_MIN_SIZE <= 64 && i == 7 && !kmalloc_caches[2])
			new_kmalloc_cache(2, flags);
	}
	slab_state = UP;
}

/* The kmalloc cache for size bytes (1..KMALLOC_MAX_CACHE_SIZE); ZERO_SIZE_PTR for 0. */
struct kmem_cache *kmalloc_slab(size_t size, gfp_t flags)
{
	unsigned int index;

	(void)flags;
	if (likely(size - 1 < 192)) { /* 1..192 (0 wraps past it) */
		index = size_index[size_index_elem((unsigned int)size)];
	} else if (!size) {
		return ZERO_SIZE_PTR;
	} else {
		if (WARN_ON_ONCE(size > KMALLOC_MAX_CACHE_SIZE))
			return NULL;
		index = fls_u((unsigned int)size - 1);
	}
	return kmalloc_caches[index];
}

/*
 * See linux/slab.h (Linux's __kmalloc_large_node): a compound block of whole pages. Above
 * KMALLOC_MAX_SIZE (order >= MAX_ORDER) NULL, with the WARN Linux's __alloc_pages gives
 * unless __GFP_NOWARN.
 */
noinline void *kmalloc_large(size_t size, gfp_t flags)
{
	unsigned int order;
	struct page *page;

	if (unlikely(size > KMALLOC_MAX_SIZE)) {
		WARN_ON_ONCE(!(flags & __GFP_NOWARN));
		return NULL;
	}
	order = get_order(size);
	page = alloc_pages(flags & ~__GFP_HIGHMEM, order); /* __GFP_COMP: marked below */
	if (!page)
		return NULL;
	slab_prep_compound(page, order);
	mod_node_page_state(NODE_DATA(0), NR_SLAB_UNRECLAIMABLE_B, (long)(PAGE_SIZE << order));
	return page_address(page);
}

/* See linux/slab.h. */
noinline void *kmalloc(size_t size, gfp_t flags)
{
	struct kmem_cache *s;

	if (unlikely(size > KMALLOC_MAX_CACHE_SIZE))
		return kmalloc_large(size, flags);
	s = kmalloc_slab(size, flags);
	if (unlikely(ZERO_OR_NULL_PTR(s)))
		return s;
	return __kmem_cache_alloc(s, flags, size, _RET_IP_);
}

/* Free a kmalloc_large block (Linux's free_large_kmalloc). */
static noinline void free_large_kmalloc(struct page *page, const void *object)
{
	unsigned int order = compound_order(page);

	if (WARN_ON_ONCE(order == 0))
		pr_warn("object pointer: 0x%p\n", object);
	slab_clear_compound(page, order);
	mod_node_page_state(NODE_DATA(0), NR_SLAB_UNRECLAIMABLE_B, -(long)(PAGE_SIZE << order));
	__free_pages(page, order);
}

/* See linux/slab.h. */
noinline void kfree(const void *object)
{
	struct page *page;
	struct slab *slab;

	if (unlikely(ZERO_OR_NULL_PTR(object)))
		return;
	page = compound_head(virt_to_page(object));
	if (unlikely(!PageSlab(page))) {
		free_large_kmalloc(page, object);
		return;
	}
	slab = page_slab(page);
	__kmem_cache_free(slab->slab_cache, slab, (void *)object, _RET_IP_);
}

/* See linux/slab.h (Linux's __ksize). */
size_t ksize(const void *object)
{
	struct slab *slab;
	struct page *page;

	if (unlikely(ZERO_OR_NULL_PTR(object)))
		return 0;
	slab = virt_to_slab_or_null(object);
	if (!slab) {
		page = compound_head(virt_to_page(object));
		if (WARN_ON(!PageHead(page)))
			return 0;
		return PAGE_SIZE << compound_order(page);
	}
	return slab_ksize(slab->slab_cache);
}
