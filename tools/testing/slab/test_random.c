/*
 * test_random.c - a long seeded random run of kmalloc/kfree and kmem_cache_alloc/free on the
 * real slub.c, from four simulated CPUs (frees often on another CPU than the allocation),
 * against a model: every live object is stamped over its whole size and must never overlap
 * another or lose its stamp; the slab invariants (slab_check) hold every so often; at the end
 * everything is freed and every cache has no object in use. SLAB_SEED, SLAB_OPS override.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support_slab.h"

#define LIVE_MAX 4096

struct obj {
	unsigned char *p;
	unsigned int size;
	unsigned char stamp;
	struct kmem_cache *s; /* NULL: kmalloc */
};

static struct obj live[LIVE_MAX];
static unsigned int nr_live;
static unsigned long long rng;

static unsigned int rnd(unsigned int n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned int)(rng >> 33) % n;
}

static void check_stamp(const struct obj *o)
{
	for (unsigned int i = 0; i < o->size; i++)
		if (o->p[i] != o->stamp)
			fail_msg("object %p (%u bytes): byte %u is %#x, stamp %#x", (void *)o->p, o->size,
				 i, o->p[i], o->stamp);
}

static unsigned int random_size(void)
{
	unsigned int r = rnd(100);

	if (r < 70)
		return 1 + rnd(256);
	if (r < 95)
		return 1 + rnd(KMALLOC_MAX_CACHE_SIZE);
	return 1 + rnd(4 * KMALLOC_MAX_CACHE_SIZE);
}

static void do_alloc(struct kmem_cache *user)
{
	struct obj o = {.stamp = (unsigned char)(1 + rnd(255))};
	bool zero = rnd(4) == 0;

	if (user && rnd(3) == 0) {
		o.s = user;
		o.size = kmem_cache_size(user);
		o.p = kmem_cache_alloc(user, GFP_KERNEL | (zero ? __GFP_ZERO : 0));
	} else {
		o.size = random_size();
		o.p = kmalloc(o.size, GFP_KERNEL | (zero ? __GFP_ZERO : 0));
	}
	assert_non_null(o.p);
	if (zero)
		for (unsigned int i = 0; i < o.size; i += 7)
			assert_int_equal(o.p[i], 0);
	memset(o.p, o.stamp, o.size);
	live[nr_live++] = o;
}

static void do_free(unsigned int i)
{
	struct obj o = live[i];

	check_stamp(&o);
	live[i] = live[--nr_live];
	if (o.s)
		kmem_cache_free(o.s, o.p);
	else
		kfree(o.p);
}

static void test_random_run(void **state)
{
	unsigned long ops = getenv("SLAB_OPS") ? strtoul(getenv("SLAB_OPS"), NULL, 0) : 200000;
	unsigned long seed = getenv("SLAB_SEED") ? strtoul(getenv("SLAB_SEED"), NULL, 0) : 14;
	struct kmem_cache *user;
	struct kmem_cache *s;

	(void)state;
	rng = seed;
	slab_boot(NULL);
	user = kmem_cache_create("random", 72, 0, SLAB_HWCACHE_ALIGN, NULL);
	for (unsigned long i = 0; i < ops; i++) {
		set_cpu(rnd(4));
		if (nr_live == 0 || (nr_live < LIVE_MAX && rnd(100) < 52))
			do_alloc(user);
		else
			do_free(rnd(nr_live));
		if (rnd(2000) == 0)
			flush_cpu_slab(NULL); /* this CPU gives its slabs back */
		if (i % (ops / 16 + 1) == 0) {
			for (unsigned int j = 0; j < nr_live; j++)
				check_stamp(&live[j]);
			ASSERT_SLAB_OK();
		}
	}
	while (nr_live) {
		set_cpu(rnd(4));
		do_free(nr_live - 1);
	}
	flush_all_cpus();
	list_for_each_entry(s, &slab_caches, list) {
		/* the boot caches' 12 descriptors and nodes; the user cache's name (kstrdup) */
		unsigned long want = s == kmem_cache || s == kmem_cache_node ? 12 :
				     s == kmalloc_caches[6] ? 1 : 0;

		if (slab_objects_in_use(s) != want)
			fail_msg("%s: %lu objects in use at the end, expected %lu", s->name,
				 slab_objects_in_use(s), want);
		if (!(s->node[0]->nr_partial <= s->min_partial + (want ? 1 : 0) ||
		      s == kmem_cache || s == kmem_cache_node))
			fail_msg("%s: %lu partial slabs, min_partial %lu", s->name,
				 s->node[0]->nr_partial, s->min_partial);
	}
	ASSERT_SLAB_OK();
	kmem_cache_destroy(user);
	assert_null(find_cache_by_name("random"));
	flush_all_cpus();
	assert_int_equal(slab_objects_in_use(kmalloc_caches[6]), 0);
	ASSERT_SLAB_OK();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_run),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
