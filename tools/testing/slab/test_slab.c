/*
 * test_slab.c - SLUB against the real kernel/mm/slub.c and slab_common.c on the real buddy
 * allocator: the bootstrap and the boot line, every kmalloc class and the size -> class
 * table, order and objects per slab against an independent model of 6.1's rules, alignment,
 * constructors, per-CPU slabs and remote frees, exhaustion, kmalloc_large, destroy with live
 * objects, memblock_alloc after slab is up, slabinfo's arithmetic; sizes beyond
 * KMALLOC_MAX_SIZE refused, kmem_cache_destroy flushing the other CPUs' slabs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support_slab.h"

/* ---- an independent model of calculate_order (6.1: min_objects 16 for 4 CPUs, order <= 3,
 * leftover fractions 16, 8, 4, then fewer objects, then one object) ---------------------- */

static unsigned int model_get_order(unsigned long size)
{
	unsigned int o = 0;

	while ((4096UL << o) < size)
		o++;
	return o;
}

static unsigned int model_order(unsigned int size)
{
	unsigned int min_objects = 16, max_objects = (4096U << 3) / size;

	if (min_objects > max_objects)
		min_objects = max_objects;
	for (; min_objects > 1; min_objects--)
		for (unsigned int frac = 16; frac >= 4; frac /= 2)
			for (unsigned int o = model_get_order((unsigned long)min_objects * size); o <= 3;
			     o++) {
				unsigned int slab = 4096U << o;

				if (slab % size <= slab / frac)
					return o;
			}
	return model_get_order(size);
}

/* The class kmalloc(size) must use on ARMv7: 64, 128, 192, then powers of two. */
static unsigned int model_class(unsigned int size)
{
	unsigned int c = 256;

	if (size <= 64)
		return 64;
	if (size <= 128)
		return 128;
	if (size <= 192)
		return 192;
	while (c < size)
		c *= 2;
	return c;
}

static void test_boot_line_and_caches(void **state)
{
	static const char *const order[] = {
		"kmalloc-8k", "kmalloc-4k", "kmalloc-2k", "kmalloc-1k", "kmalloc-512", "kmalloc-256",
		"kmalloc-192", "kmalloc-128", "kmalloc-64", "kmem_cache_node", "kmem_cache",
	};
	struct kmem_cache *s;
	unsigned int i = 0;

	(void)state;
	slab_boot(NULL);
	assert_true(log_has("SLUB: HWalign=64, Order=0-3, MinObjects=0, CPUs=4, Nodes=1\n"));
	assert_int_equal(slab_state, UP);
	list_for_each_entry(s, &slab_caches, list) {
		assert_true(i < ARRAY_SIZE(order));
		assert_string_equal(s->name, order[i]);
		i++;
	}
	assert_int_equal(i, ARRAY_SIZE(order));
	assert_null(kmalloc_caches[1]); /* no kmalloc-96 with 64-byte minimum alignment */
	assert_null(find_cache_by_name("kmalloc-32"));
	/* bootstrap: the boot caches were copied, their slabs point at the copies */
	assert_ptr_equal(find_cache_by_name("kmem_cache"), kmem_cache);
	assert_ptr_equal(virt_to_slab_or_null(kmem_cache)->slab_cache, kmem_cache);
	assert_ptr_equal(virt_to_slab_or_null(kmem_cache_node)->slab_cache, kmem_cache);
	assert_ptr_equal(virt_to_slab_or_null(kmem_cache->node[0])->slab_cache, kmem_cache_node);
	ASSERT_SLAB_OK();
}

static void test_size_table_every_size(void **state)
{
	(void)state;
	slab_boot(NULL);
	assert_ptr_equal(kmalloc(0, GFP_KERNEL), ZERO_SIZE_PTR);
	for (unsigned int size = 1; size <= KMALLOC_MAX_CACHE_SIZE; size++) {
		struct kmem_cache *s = kmalloc_slab(size, GFP_KERNEL);
		void *p;

		if (s->object_size != model_class(size))
			fail_msg("size %u: %s, expected %u bytes", size, s->name, model_class(size));
		if (size % 61 && size > 200) /* every small size, a spread of the larger */
			continue;
		p = kmalloc(size, GFP_KERNEL);
		assert_non_null(p);
		assert_int_equal((unsigned long)p % 64, 0);
		assert_int_equal(ksize(p), model_class(size));
		memset(p, 0x11, size);
		kfree(p);
	}
	ASSERT_SLAB_OK();
}

static void test_order_and_objects(void **state)
{
	static const unsigned int sizes[] = {8, 24, 40, 100, 200, 300, 700, 1500, 3000, 5000, 6000,
					     10000, 20000, 40000};
	struct kmem_cache *s;

	(void)state;
	slab_boot(NULL);
	list_for_each_entry(s, &slab_caches, list) {
		unsigned int o = model_order(s->size);

		if (oo_order(s->oo) != o || oo_objects(s->oo) != (4096U << o) / s->size)
			fail_msg("%s (size %u): order %u objects %u, model %u / %u", s->name, s->size,
				 oo_order(s->oo), oo_objects(s->oo), o, (4096U << o) / s->size);
	}
	/* Linux 6.1's numbers for the kmalloc caches on ARMv7 */
	assert_int_equal(oo_objects(kmalloc_caches[2]->oo), 21);
	assert_int_equal(oo_order(kmalloc_caches[9]->oo), 1);
	assert_int_equal(oo_objects(kmalloc_caches[12]->oo), 8);
	assert_int_equal(oo_objects(kmalloc_caches[13]->oo), 4);
	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		char name[32];

		snprintf(name, sizeof(name), "t%u", sizes[i]);
		s = kmem_cache_create(name, sizes[i], 0, 0, NULL);
		assert_non_null(s);
		assert_int_equal(s->size, ALIGN(sizes[i], 8));
		assert_int_equal(oo_order(s->oo), model_order(s->size));
		assert_int_equal(oo_order(s->min), model_get_order(s->size));
		assert_int_equal(s->offset, ALIGN_DOWN(sizes[i] / 2, sizeof(void *)));
		kmem_cache_destroy(s);
		assert_null(find_cache_by_name(name));
	}
	ASSERT_SLAB_OK();
}

static void test_alignment(void **state)
{
	static const struct { unsigned int size, align; unsigned long flags; unsigned int want; } c[] = {
		{20, 0, SLAB_HWCACHE_ALIGN, 32}, {40, 0, SLAB_HWCACHE_ALIGN, 64},
		{10, 0, SLAB_HWCACHE_ALIGN, 16}, {100, 128, 0, 128}, {100, 0, 0, 8},
		{30, 256, 0, 256}, {9, 4, 0, 8},
	};

	(void)state;
	slab_boot(NULL);
	for (unsigned int i = 0; i < ARRAY_SIZE(c); i++) {
		struct kmem_cache *s = kmem_cache_create("align", c[i].size, c[i].align, c[i].flags,
							 NULL);
		void *p[40];

		assert_non_null(s);
		assert_int_equal(s->align, c[i].want);
		assert_int_equal(s->size % c[i].want, 0);
		for (unsigned int j = 0; j < 40; j++) {
			p[j] = kmem_cache_alloc(s, GFP_KERNEL);
			assert_int_equal((unsigned long)p[j] % c[i].want, 0);
		}
		for (unsigned int j = 0; j < 40; j++)
			kmem_cache_free(s, p[j]);
		flush_all_cpus();
		kmem_cache_destroy(s);
		assert_null(find_cache_by_name("align"));
	}
	ASSERT_SLAB_OK();
}

static int ctor_calls;

static void ctor(void *obj)
{
	/* the slab is published (PG_slab) only once every object is constructed */
	assert_false(PageSlab(compound_head(virt_to_page(obj))));
	assert_null(virt_to_slab_or_null(obj));
	ctor_calls++;
	memset(obj, 0x5c, 48);
}

static void test_constructor(void **state)
{
	struct kmem_cache *s;
	unsigned char *p, *q;

	(void)state;
	slab_boot(NULL);
	ctor_calls = 0;
	s = kmem_cache_create("ctor", 48, 0, 0, ctor);
	assert_non_null(s);
	assert_int_equal(s->offset, 48); /* the free pointer stays out of constructed objects */
	p = kmem_cache_alloc(s, GFP_KERNEL);
	assert_int_equal(ctor_calls, oo_objects(s->oo)); /* the whole new slab, once */
	for (int i = 0; i < 48; i++)
		assert_int_equal(p[i], 0x5c);
	p[0] = 1;
	kmem_cache_free(s, p);
	q = kmem_cache_alloc(s, GFP_KERNEL); /* not constructed again: LIFO gives p back */
	assert_ptr_equal(q, p);
	assert_int_equal(q[0], 1);
	assert_int_equal(q[47], 0x5c);
	assert_int_equal(ctor_calls, oo_objects(s->oo));
	kmem_cache_free(s, q);
	flush_all_cpus();
	kmem_cache_destroy(s);
	ASSERT_SLAB_OK();
}

static void test_percpu_and_remote_free(void **state)
{
	struct kmem_cache *s;
	void *a, *b, *c;
	struct slab *slab;

	(void)state;
	slab_boot(NULL);
	s = kmalloc_caches[7];
	set_cpu(0);
	a = kmalloc(100, GFP_KERNEL);
	b = kmalloc(100, GFP_KERNEL);
	slab = virt_to_slab_or_null(a);
	assert_ptr_equal(this_cpu_ptr(s->cpu_slab)->slab, slab);
	assert_true(slab->frozen);
	set_cpu(1); /* another CPU frees: onto slab->freelist, the slab stays CPU 0's */
	kfree(a);
	assert_ptr_equal(slab->freelist, a);
	assert_null(per_cpu_ptr(s->cpu_slab, 1)->slab);
	ASSERT_SLAB_OK();
	set_cpu(0);
	kfree(b); /* fast path: CPU 0's freelist */
	assert_ptr_equal(this_cpu_ptr(s->cpu_slab)->freelist, b);
	c = kmalloc(128, GFP_KERNEL);
	assert_ptr_equal(c, b);
	kfree(c);
	flush_all_cpus(); /* deactivate: the slab goes partial */
	assert_false(slab->frozen);
	assert_int_equal(slab->inuse, 0);
	assert_int_equal(s->node[0]->nr_partial, 1);
	assert_int_equal(slab_objects_in_use(s), 0);
	ASSERT_SLAB_OK();
}

/* Fill a slab of CPU 0, then free from CPU 1 so that full -> partial -> empty (kept). */
static void test_full_partial_empty(void **state)
{
	struct kmem_cache *s;
	void *p[64];
	struct slab *slab;
	unsigned int n;

	(void)state;
	slab_boot(NULL);
	s = kmalloc_caches[6]; /* 64 objects per slab */
	n = oo_objects(s->oo);
	set_cpu(0);
	for (unsigned int i = 0; i < n; i++)
		p[i] = kmalloc(64, GFP_KERNEL);
	slab = virt_to_slab_or_null(p[0]);
	(void)kmalloc(64, GFP_KERNEL); /* a second slab: the first is now full, on no list */
	assert_false(slab->frozen);
	assert_int_equal(s->node[0]->nr_partial, 0);
	set_cpu(2);
	kfree(p[5]);
	assert_int_equal(s->node[0]->nr_partial, 1); /* full -> partial */
	for (unsigned int i = 0; i < n; i++)
		if (i != 5)
			kfree(p[i]);
	assert_int_equal(slab->inuse, 0);
	assert_int_equal(s->node[0]->nr_partial, 1); /* empty but kept: below min_partial */
	assert_true(PageSlab(slab_page(slab)));
	ASSERT_SLAB_OK();
}

static void test_kmalloc_large(void **state)
{
	unsigned long before;
	void *p;
	struct page *page;

	(void)state;
	slab_boot(NULL);
	drain_all_pages(NULL);
	before = nr_free_pages();
	p = kmalloc(20000, GFP_KERNEL | __GFP_ZERO);
	assert_non_null(p);
	assert_int_equal((unsigned long)__pa(p) % (8 * 4096), 0);
	page = virt_to_page(p);
	assert_true(PageHead(page));
	assert_false(PageSlab(page));
	assert_int_equal(compound_order(page), 3);
	assert_ptr_equal(compound_head(page + 5), page);
	assert_int_equal(ksize(p), 32768);
	assert_int_equal(((unsigned char *)p)[19999], 0);
	assert_null(virt_to_slab_or_null((char *)p + 9000));
	kfree(p);
	drain_all_pages(NULL);
	assert_int_equal(nr_free_pages(), before);
	p = kmalloc(KMALLOC_MAX_CACHE_SIZE + 1, GFP_KERNEL);
	assert_int_equal(compound_order(virt_to_page(p)), 2);
	kfree(p);
	ASSERT_SLAB_OK();
}

/* No order-3 block left, only order-1 ones: new slabs fall back to s->min (allocate_slab). */
static void test_order_fallback(void **state)
{
	static struct page *held[1 << 15];
	struct buddy_cfg cfg = {.ram = M(64), .no_wmarks = true}; /* every block can be taken */
	struct kmem_cache *s;
	struct slab *slab;
	unsigned int n = 0;
	void *p;

	(void)state;
	slab_boot_with(&cfg, NULL);
	s = kmalloc_caches[13]; /* kmalloc-8k: order 3 (4 objects), min order 1 (1 object) */
	while (n < ARRAY_SIZE(held) && (held[n] = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 1)))
		n++;
	assert_true(n > 100 && n < ARRAY_SIZE(held));
	for (unsigned int i = 0; i < n; i += 2) /* every other one: their buddies stay held */
		__free_pages(held[i], 1);
	p = kmalloc(8192, GFP_KERNEL);
	assert_non_null(p);
	slab = virt_to_slab_or_null(p);
	assert_int_equal(slab_order(slab), oo_order(s->min));
	assert_int_equal(slab->objects, oo_objects(s->min));
	assert_int_equal(slab->objects, 1);
	ASSERT_SLAB_OK();
	kfree(p);
	for (unsigned int i = 1; i < n; i += 2)
		__free_pages(held[i], 1);
	ASSERT_SLAB_OK();
}

static void test_exhaustion(void **state)
{
	static void *p[8192];
	unsigned int n = 0;

	(void)state;
	slab_boot(NULL);
	while (n < ARRAY_SIZE(p) && (p[n] = kmalloc(8192, GFP_KERNEL | __GFP_NOWARN)) != NULL)
		n++;
	assert_true(n > 1000 && n < ARRAY_SIZE(p)); /* 64 MiB: a few thousand 8K objects */
	mb_log_clear();
	assert_null(kmalloc(8192, GFP_KERNEL));
	assert_true(log_has("SLUB: Unable to allocate memory on node -1"));
	assert_true(log_has("  cache: kmalloc-8k, object size: 8192, buffer size: 8192, default "
			    "order: 3, min order: 1\n"));
	ASSERT_SLAB_OK();
	while (n)
		kfree(p[--n]);
	flush_all_cpus();
	assert_int_equal(slab_objects_in_use(kmalloc_caches[13]), 0);
	assert_true(kmalloc_caches[13]->node[0]->nr_partial <= kmalloc_caches[13]->min_partial);
	ASSERT_SLAB_OK();
}

static void test_destroy_with_objects(void **state)
{
	struct kmem_cache *s;
	void *a, *b;

	(void)state;
	slab_boot("U");
	s = kmem_cache_create("busy", 100, 0, 0, NULL);
	a = kmem_cache_alloc(s, GFP_KERNEL);
	b = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, b);
	mb_log_clear();
	mb_warns = 0;
	kmem_cache_destroy(s);
	assert_true(log_has("BUG busy (Not tainted): Objects remaining in busy on "
			    "__kmem_cache_shutdown()\n"));
	assert_true(log_has("kmem_cache_destroy busy: Slab cache still has objects when called"));
	assert_int_equal(mb_warns, 1);
	assert_ptr_equal(find_cache_by_name("busy"), s);
	assert_true(strstr(mb_log_text(), "@offset=0\nAllocated in ") != NULL);
	kmem_cache_free(s, a);
	kmem_cache_destroy(s);
	assert_null(find_cache_by_name("busy"));
	ASSERT_SLAB_OK();
}

static void test_memblock_after_slab(void **state)
{
	void *p;

	(void)state;
	slab_boot(NULL);
	mb_warns = 0;
	p = memblock_alloc(100, 8);
	assert_non_null(p);
	assert_int_equal(mb_warns, 1);
	assert_non_null(virt_to_slab_or_null(p)); /* kzalloc'ed */
	assert_int_equal(((char *)p)[99], 0);
	kfree(p);
	ASSERT_SLAB_OK();
}

static void test_slabinfo_arithmetic(void **state)
{
	struct slabinfo si;
	struct kmem_cache *s;
	void *p[100];

	(void)state;
	slab_boot(NULL);
	s = kmalloc_caches[8]; /* 256: 16 per slab */
	for (int i = 0; i < 40; i++)
		p[i] = kmalloc(256, GFP_KERNEL);
	get_slabinfo(s, &si);
	assert_int_equal(si.num_slabs, 3);
	assert_int_equal(si.num_objs, 48);
	assert_int_equal(si.active_objs, 48); /* the CPU slab counts as in use */
	assert_int_equal(slab_objects_in_use(s), 40);
	flush_all_cpus();
	get_slabinfo(s, &si);
	assert_int_equal(si.active_objs, 40);
	assert_int_equal(si.objects_per_slab, 16);
	assert_int_equal(si.cache_order, 0);
	for (int i = 0; i < 40; i++)
		kfree(p[i]);
	ASSERT_SLAB_OK();
}

static void test_zeroing(void **state)
{
	unsigned char *p;

	(void)state;
	slab_boot(NULL);
	p = kmalloc(200, GFP_KERNEL);
	memset(p, 0xee, 256);
	kfree(p);
	p = kzalloc(200, GFP_KERNEL);
	for (int i = 0; i < 200; i++)
		assert_int_equal(p[i], 0);
	kfree(p);
	ASSERT_SLAB_OK();
}

/* Above KMALLOC_MAX_SIZE: NULL at once, a WARN unless __GFP_NOWARN (no order loop to spin). */
static void test_kmalloc_too_large(void **state)
{
	void *p;

	(void)state;
	slab_boot(NULL);
	alarm(20); /* the old shifting order loop never ended on SIZE_MAX */
	mb_warns = 0;
	assert_null(kmalloc(SIZE_MAX, GFP_KERNEL));
	assert_int_equal(mb_warns, 1);
	assert_null(kmalloc(SIZE_MAX, GFP_KERNEL | __GFP_NOWARN));
	assert_null(kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL | __GFP_NOWARN));
	assert_null(kmalloc((size_t)UINT32_MAX, GFP_KERNEL));
	assert_null(kcalloc(SIZE_MAX / 2 + 1, 2, GFP_KERNEL));
	assert_null(kcalloc(2, SIZE_MAX / 2 + 1, GFP_KERNEL));
	assert_null(kcalloc(KMALLOC_MAX_SIZE / 64 + 1, 64, GFP_KERNEL | __GFP_NOWARN));
	alarm(0);
	p = kmalloc(KMALLOC_MAX_SIZE, GFP_KERNEL);
	assert_non_null(p);
	assert_int_equal(ksize(p), KMALLOC_MAX_SIZE);
	kfree(p);
	assert_int_equal(get_order(1), 0);
	assert_int_equal(get_order(PAGE_SIZE), 0);
	assert_int_equal(get_order(PAGE_SIZE + 1), 1);
	assert_int_equal(get_order(KMALLOC_MAX_SIZE), MAX_ORDER - 1);
	assert_int_equal(get_order(KMALLOC_MAX_SIZE + 1), MAX_ORDER);
	ASSERT_SLAB_OK();
}

/* Another CPU's slab of the cache holds only free objects: destroy flushes it itself. */
static void test_destroy_flushes_other_cpus(void **state)
{
	struct kmem_cache *s;
	unsigned int ipis;
	void *p;

	(void)state;
	slab_boot(NULL);
	s = kmem_cache_create("elsewhere", 100, 0, 0, NULL);
	set_cpu(2);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, p); /* CPU 2's slab keeps it on its freelist */
	set_cpu(0);
	assert_non_null(per_cpu_ptr(s->cpu_slab, 2)->slab);
	mb_log_clear();
	mb_warns = 0;
	ipis = slab_test_ipis;
	kmem_cache_destroy(s);
	assert_int_equal(slab_test_ipis, ipis + 1);
	assert_int_equal(mb_warns, 0);
	assert_false(log_has("still has objects"));
	assert_null(find_cache_by_name("elsewhere"));
	ASSERT_SLAB_OK();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot_line_and_caches),
		cmocka_unit_test(test_size_table_every_size),
		cmocka_unit_test(test_order_and_objects),
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_constructor),
		cmocka_unit_test(test_percpu_and_remote_free),
		cmocka_unit_test(test_full_partial_empty),
		cmocka_unit_test(test_kmalloc_large),
		cmocka_unit_test(test_order_fallback),
		cmocka_unit_test(test_exhaustion),
		cmocka_unit_test(test_destroy_with_objects),
		cmocka_unit_test(test_memblock_after_slab),
		cmocka_unit_test(test_slabinfo_arithmetic),
		cmocka_unit_test(test_zeroing),
		cmocka_unit_test(test_kmalloc_too_large),
		cmocka_unit_test(test_destroy_flushes_other_cpus),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
