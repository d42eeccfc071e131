/*
 * test_debug.c - slub_debug on the real kernel/mm/slub.c: the layout each flag adds, and
 * every report in Linux 6.1's format (slab_bug, print_trailer, check_bytes_and_report,
 * slab_fix) for an overrun on either side, a use after free, a double free, a corrupt free
 * pointer or free chain, overwritten object or slab padding; each one survived (restored,
 * the object kept out); a new slab failing its checks, and a debug cache out of memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support_slab.h"

#define PTR sizeof(void *)
#define TRACK (2 * sizeof(long) + 2 * sizeof(int)) /* slub.c's struct track */

static void test_debug_parse_and_layout(void **state)
{
	struct kmem_cache *s;

	(void)state;
	slab_boot("FZPU");
	s = kmalloc_caches[7]; /* kmalloc-128, align 128 */
	assert_int_equal(s->flags & (SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON |
				     SLAB_STORE_USER),
			 SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER);
	/* ARM: 128 + 4 right red zone = 132 (inuse), free pointer at 132, 2 tracks of 16,
	 * orig_size 4, 4 bytes of red zone: 176, + 128 left red zone = 304, aligned: 384 */
	assert_int_equal(s->inuse, 128 + PTR);
	assert_int_equal(s->offset, 128 + PTR); /* free pointer after it (poisoning) */
	assert_int_equal(s->red_left_pad, 128);
	assert_int_equal(s->size, ALIGN(128 + PTR + PTR + 2 * TRACK + 4 + PTR + 128, 128));
	assert_int_equal(s->size, 384);
	slab_boot("Z,kmalloc-64");
	assert_true(kmalloc_caches[6]->flags & SLAB_RED_ZONE);
	assert_false(kmalloc_caches[7]->flags & SLAB_RED_ZONE);
	assert_int_equal(kmalloc_caches[6]->offset, 32); /* no poison: fp stays in the middle */
	slab_boot("");                                   /* bare slub_debug: FZPU everywhere */
	assert_true(kmem_cache->flags & SLAB_POISON);
	slab_boot("X");
	assert_true(log_has("slub_debug option 'X' unknown. skipped\n"));
	ASSERT_SLAB_OK();
}

/* A kmalloc-128 object of a FZPU boot, log cleared. */
static unsigned char *debug_object(void)
{
	unsigned char *p;

	slab_boot("FZPU");
	p = kmalloc(100, GFP_KERNEL);
	assert_non_null(p);
	for (int i = 0; i < 128; i++)
		assert_int_equal(p[i], 0x6b - (i == 127 ? 0x6b - 0xa5 : 0)); /* poison kept */
	assert_int_equal(p[128], 0xcc); /* active red zones */
	assert_int_equal(p[-1], 0xcc);
	mb_log_clear();
	return p;
}

static void test_right_redzone(void **state)
{
	unsigned char *p = debug_object();
	struct slab *slab = virt_to_slab_or_null(p);

	(void)state;
	p[128] = 0x41;
	p[130] = 0x42;
	kfree(p);
	assert_true(log_has("=============================================================================\n"
			    "BUG kmalloc-128 (Not tainted): Right Redzone overwritten\n"
			    "-----------------------------------------------------------------------------\n\n"));
	assert_true(log_has("First byte 0x41 instead of 0xcc\n"));
	assert_true(log_has("Allocated in "));
	assert_true(log_has("Redzone  "));
	assert_true(log_has("Object   "));
	assert_true(log_has("Padding  "));
	assert_true(log_has("FIX kmalloc-128: Restoring Right Redzone "));
	assert_true(log_has("FIX kmalloc-128: Object at "));
	assert_true(log_has(" not freed\n"));
	assert_int_equal(p[128], 0xcc); /* restored */
	assert_int_equal(p[130], 0xcc);
	assert_int_equal(slab->inuse, 1); /* not freed: the object leaks, as in Linux */
	ASSERT_SLAB_OK();
}

static void test_left_redzone(void **state)
{
	unsigned char *p = debug_object();

	(void)state;
	p[-3] = 0;
	kfree(p);
	assert_true(log_has("BUG kmalloc-128 (Not tainted): Left Redzone overwritten\n"));
	assert_true(log_has("First byte 0x0 instead of 0xcc\n"));
	ASSERT_SLAB_OK();
}

static void test_use_after_free(void **state)
{
	unsigned char *p = debug_object(), *q;

	(void)state;
	kfree(p);
	assert_int_equal(mb_log_count(), 0);
	assert_int_equal(p[0], 0x6b);
	assert_int_equal(p[128], 0xbb); /* inactive red zone */
	p[10] = 0x99;                   /* written after the free */
	q = kmalloc(100, GFP_KERNEL);   /* the same object comes back: checked first */
	assert_true(log_has("BUG kmalloc-128 (Not tainted): Poison overwritten\n"));
	assert_true(log_has("First byte 0x99 instead of 0x6b\n"));
	assert_true(log_has("Freed in "));
	assert_true(log_has("FIX kmalloc-128: Restoring Poison "));
	assert_true(log_has("FIX kmalloc-128: Marking all objects used\n"));
	assert_non_null(q);
	assert_ptr_not_equal(q, p); /* the corrupt slab is given up, a new one serves */
	ASSERT_SLAB_OK();
}

static void test_double_free(void **state)
{
	unsigned char *p = debug_object(), *q = kmalloc(100, GFP_KERNEL);
	struct slab *slab = virt_to_slab_or_null(p);

	(void)state;
	kfree(p);
	mb_log_clear();
	kfree(p);
	assert_true(log_has("BUG kmalloc-128 (Not tainted): Object already free\n"));
	assert_true(log_has("FIX kmalloc-128: Object at "));
	assert_int_equal(slab->inuse, 1); /* q only: the second free changed nothing */
	mb_log_clear();
	kfree(q);
	assert_int_equal(mb_log_count(), 0);
	mb_log_clear();
	kfree(p); /* every object free now: a double free the slab counts catch */
	assert_true(log_has("Slab has 0 allocated objects but 1 are to be freed\n"));
	assert_true(log_has("(Tainted: G    B             )"));
	ASSERT_SLAB_OK();
}

static void test_freepointer_corrupt(void **state)
{
	unsigned char *p = debug_object();
	struct kmem_cache *s = kmalloc_caches[7];

	(void)state;
	kfree(p);
	*(unsigned long *)(p + s->offset) = 0x1234; /* the free pointer, outside the object */
	mb_log_clear();
	p = kmalloc(100, GFP_KERNEL);
	assert_true(log_has("BUG kmalloc-128 (Not tainted): Freepointer corrupt\n"));
	assert_non_null(p);
	ASSERT_SLAB_OK();
}

static void test_padding_overwritten(void **state)
{
	unsigned char *p = debug_object();
	struct kmem_cache *s = kmalloc_caches[7];

	(void)state;
	p[s->size - s->red_left_pad - 1] = 0; /* the last padding byte */
	kfree(p);
	assert_true(log_has("BUG kmalloc-128 (Not tainted): Object padding overwritten\n"));
	assert_true(log_has("First byte 0x0 instead of 0x5a\n"));
	assert_true(log_has("FIX kmalloc-128: Restoring Object padding "));
	ASSERT_SLAB_OK();
}

static void test_no_debug_no_checks(void **state)
{
	unsigned char *p;

	(void)state;
	slab_boot(NULL);
	mb_log_clear();
	p = kmalloc(128, GFP_KERNEL);
	p[0] = 0;
	kfree(p);
	assert_int_equal(mb_log_count(), 0);
	assert_int_equal(kmalloc_caches[7]->size, 128);
	ASSERT_SLAB_OK();
}

/* A free chain cut in the middle: on_freelist recounts inuse, so the slab's counters match
 * the objects left on its chain and allocation never pops a NULL free pointer. */
static void test_freechain_corrupt_recount(void **state)
{
	struct kmem_cache *s;
	struct slab *slab;
	void *a, *b, *c, *more[3];
	char text[96];

	(void)state;
	slab_boot("F,chain");
	s = kmem_cache_create("chain", 64, 0, 0, NULL);
	a = kmem_cache_alloc(s, GFP_KERNEL);
	b = kmem_cache_alloc(s, GFP_KERNEL);
	c = kmem_cache_alloc(s, GFP_KERNEL);
	slab = virt_to_slab_or_null(a);
	kmem_cache_free(s, a);
	kmem_cache_free(s, b); /* chain: b -> a -> object 3 -> ... */
	*(unsigned long *)((char *)a + s->offset) = 0x1234;
	mb_log_clear();
	kmem_cache_free(s, c); /* on_freelist cuts the chain after a and recounts */
	assert_true(log_has("BUG chain (Not tainted): Freechain corrupt\n"));
	snprintf(text, sizeof(text), "Wrong object count. Counter is 1 but counted were %u\n",
		 slab->objects - 2);
	assert_true(log_has(text));
	assert_true(log_has("FIX chain: Object count adjusted\n"));
	assert_int_equal(slab->inuse, slab->objects - 3); /* c freed: c -> b -> a */
	for (int i = 0; i < 3; i++) {
		more[i] = kmem_cache_alloc(s, GFP_KERNEL);
		assert_ptr_equal(virt_to_slab_or_null(more[i]), slab);
	}
	assert_int_equal(slab->inuse, slab->objects);
	a = kmem_cache_alloc(s, GFP_KERNEL); /* was a NULL pop: now a new slab */
	assert_non_null(a);
	assert_ptr_not_equal(virt_to_slab_or_null(a), slab);
	ASSERT_SLAB_OK();
}

static bool spoil_next_ctor;

/* A constructor that overruns into the right red zone once: a new slab that fails. */
static void spoiling_ctor(void *obj)
{
	if (spoil_next_ctor)
		((unsigned char *)obj)[64] = 0x41;
	spoil_next_ctor = false;
}

/* alloc_debug_processing rejects the first object of a new slab: that slab is kept (counted,
 * full) and a second new slab gives the object, as Linux's goto new_objects. */
static void test_new_slab_rejected_retry(void **state)
{
	struct kmem_cache *s;
	void *p;

	(void)state;
	slab_boot("FZ,spoil");
	s = kmem_cache_create("spoil", 64, 0, 0, spoiling_ctor);
	spoil_next_ctor = true;
	mb_log_clear();
	p = kmem_cache_alloc(s, GFP_KERNEL);
	assert_true(log_has("BUG spoil (Not tainted): Right Redzone overwritten\n"));
	assert_true(log_has("FIX spoil: Marking all objects used\n"));
	assert_non_null(p);
	assert_int_equal(s->node[0]->nr_slabs, 2);
	assert_int_equal(slab_objects_in_use(s), oo_objects(s->oo) + 1);
	ASSERT_SLAB_OK();
}

/* A debug cache out of memory: Linux's slab_out_of_memory report, NULL, counts intact. */
static void test_debug_out_of_memory(void **state)
{
	static void *p[8192];
	unsigned int n = 0;

	(void)state;
	slab_boot("FZPU,kmalloc-8k");
	while (n < ARRAY_SIZE(p) && (p[n] = kmalloc(8000, GFP_KERNEL | __GFP_NOWARN)) != NULL)
		n++;
	assert_true(n > 1000 && n < ARRAY_SIZE(p));
	mb_log_clear();
	assert_null(kmalloc(8000, GFP_KERNEL));
	assert_true(log_has("SLUB: Unable to allocate memory on node -1, gfp=0x"));
	assert_true(log_has("  cache: kmalloc-8k, object size: 8192, buffer size: "));
	assert_true(log_has("  kmalloc-8k debugging increased min order, use slub_debug=O to "
			    "disable.\n"));
	assert_true(log_has("  node 0: slabs: "));
	ASSERT_SLAB_OK();
	while (n)
		kfree(p[--n]);
	ASSERT_SLAB_OK();
}

/* The slab's leftover after the last object overwritten: found when a debug slab is
 * checked (kfree), reported as Linux's slab_pad_check, restored. */
static void test_slab_padding_overwritten(void **state)
{
	unsigned char *p = debug_object();
	struct kmem_cache *s = kmalloc_caches[7];
	struct slab *slab = virt_to_slab_or_null(p);
	unsigned char *end = (unsigned char *)slab_address(slab) + (PAGE_SIZE << slab_order(slab));

	(void)state;
	assert_true((PAGE_SIZE << slab_order(slab)) % s->size != 0); /* there is a leftover */
	assert_int_equal(end[-1], 0x5a);
	end[-1] = 0x11;
	kfree(p);
	assert_true(log_has("BUG kmalloc-128 (Not tainted): Padding overwritten. 0x"));
	assert_true(log_has("Padding "));
	assert_true(log_has("FIX kmalloc-128: Restoring slab padding 0x"));
	assert_int_equal(end[-1], 0x5a);
	mb_log_clear();
	p = kmalloc(100, GFP_KERNEL);
	kfree(p);
	assert_false(log_has("Padding overwritten")); /* restored: reported once */
	ASSERT_SLAB_OK();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debug_parse_and_layout),
		cmocka_unit_test(test_right_redzone),
		cmocka_unit_test(test_left_redzone),
		cmocka_unit_test(test_use_after_free),
		cmocka_unit_test(test_double_free),
		cmocka_unit_test(test_freepointer_corrupt),
		cmocka_unit_test(test_padding_overwritten),
		cmocka_unit_test(test_no_debug_no_checks),
		cmocka_unit_test(test_freechain_corrupt_recount),
		cmocka_unit_test(test_new_slab_rejected_retry),
		cmocka_unit_test(test_debug_out_of_memory),
		cmocka_unit_test(test_slab_padding_overwritten),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
