/*
 * test_random.c - a seeded random run of the real allocator against a reference model.
 *
 * Machine: 96 MiB (64 MiB lowmem, 32 MiB HighMem), an 8 MiB CMA area, 4 CPUs with real
 * pagesets and watermarks. Each step allocates (random order, gfp flags and CPU), frees a
 * random live block (random CPU) or drains. The model is a bitmap of allocated pages and the
 * list of live blocks; after every step the result is checked against it (alignment, zone,
 * CMA only for movable requests, no overlap with a live block, no reserved page) and the
 * allocator's own counts (allocated = model pages, managed = free + per-CPU + allocated);
 * check_free_areas runs every BUDDY_CHECK_EVERY steps and at the end. The first divergence
 * is printed with its step number, expected and actual values, and the random seed. At the end
 * everything is freed and drained: the free lists must equal those before the run.
 *
 * BUDDY_SEED (default 1) and BUDDY_OPS (default 1000000) come from the environment.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support_buddy.h"

#define BUDDY_CHECK_EVERY 25000
#define MAX_LIVE 40000

struct live {
	unsigned long pfn;
	unsigned int order;
};

static struct live live[MAX_LIVE];
static int nlive;
static unsigned char *model; /* 1 = allocated, per pfn */
static unsigned long model_pages, seed;
static long base_allocated; /* pages allocated before the run (the CMA bitmap) */
static unsigned long long rng;

static unsigned long rnd(unsigned long n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (unsigned long)((rng * 2685821657736338717ULL) >> 33) % n;
}

#define DIVERGE(step, fmt, ...)                                                                    \
	fail_msg("seed %lu, step %lu: " fmt, seed, (unsigned long)(step), ##__VA_ARGS__)

static const gfp_t gfps[] = {
	GFP_KERNEL, GFP_KERNEL | __GFP_MOVABLE, GFP_ATOMIC, GFP_HIGHUSER_MOVABLE, GFP_HIGHUSER,
	GFP_KERNEL | __GFP_RECLAIMABLE, GFP_KERNEL | __GFP_ZERO,
};

static bool in_cma(unsigned long pfn)
{
	return pfn >= PFN_DOWN(M(32)) && pfn < PFN_DOWN(M(40));
}

static long total(enum zone_stat_item item)
{
	long n = 0;
	struct zone *zone;

	for_each_populated_zone(zone)
		n += zone->vm_stat[item];
	return n;
}

/* The allocator's counts against the model, every step. */
static void check_counts(unsigned long step)
{
	long allocated = 0, managed = 0, freep = total(NR_FREE_PAGES), pcp = 0;
	struct zone *zone;

	for_each_populated_zone(zone) {
		allocated += zone->nr_allocated;
		managed += (long)zone->managed_pages;
		pcp += (long)pcp_pages(zone);
	}
	if (allocated != base_allocated + (long)model_pages)
		DIVERGE(step, "allocated pages: expected %ld (model), got %ld",
			base_allocated + (long)model_pages, allocated);
	if (managed != freep + pcp + allocated)
		DIVERGE(step, "managed %ld: expected free %ld + per-CPU %ld + allocated %ld", managed,
			freep, pcp, allocated);
}

static void do_alloc(unsigned long step)
{
	unsigned int order, r = (unsigned int)rnd(100);
	gfp_t gfp = gfps[rnd(ARRAY_SIZE(gfps))] | __GFP_NOWARN;
	struct page *page;
	unsigned long pfn;

	order = r < 60 ? 0 : r < 80 ? 1 + (unsigned int)rnd(3) : 4 + (unsigned int)rnd(7);
	set_cpu((unsigned int)rnd(4));
	page = alloc_pages(gfp, order);
	if (!page)
		return;
	pfn = page_to_pfn(page);
	if (pfn & ((1UL << order) - 1))
		DIVERGE(step, "alloc order %u: expected an aligned block, got pfn %#lx", order, pfn);
	if (pfn + (1UL << order) > max_pfn)
		DIVERGE(step, "alloc order %u: expected a block below pfn %#lx, got pfn %#lx", order,
			max_pfn, pfn);
	if (page_count(page) != 1)
		DIVERGE(step, "alloc: expected refcount 1, got %d (pfn %#lx)", page_count(page), pfn);
	if (PageHighMem(page) && !(gfp & __GFP_HIGHMEM))
		DIVERGE(step, "alloc gfp %#x: expected lowmem, got HighMem pfn %#lx", gfp, pfn);
	if (in_cma(pfn) && gfp_migratetype(gfp) != MIGRATE_MOVABLE)
		DIVERGE(step, "alloc gfp %#x: expected no CMA page, got pfn %#lx", gfp, pfn);
	for (unsigned long i = 0; i < (1UL << order); i++) {
		if (model[pfn + i])
			DIVERGE(step, "alloc order %u: expected a free block, got pfn %#lx whose page "
				"%#lx is live", order, pfn, pfn + i);
		if (PageReserved(page + i) || PageBuddy(page + i))
			DIVERGE(step, "alloc order %u: expected an unused page, got pfn %#lx %s",
				order, pfn + i, PageReserved(page + i) ? "reserved" : "PageBuddy");
		if ((gfp & __GFP_ZERO) && ((unsigned long *)page_address(page + i))[7])
			DIVERGE(step, "alloc __GFP_ZERO: expected zeroes, got data at pfn %#lx",
				pfn + i);
		model[pfn + i] = 1;
	}
	/* scribble, so that __GFP_ZERO is really checked */
	if (!PageHighMem(page))
		((unsigned long *)page_address(page))[7] = step | 1;
	model_pages += 1UL << order;
	live[nlive].pfn = pfn;
	live[nlive++].order = order;
}

static void do_free(unsigned long step)
{
	int i = (int)rnd((unsigned long)nlive);
	struct live b = live[i];

	(void)step;
	live[i] = live[--nlive];
	set_cpu((unsigned int)rnd(4));
	__free_pages(pfn_to_page(b.pfn), b.order);
	for (unsigned long j = 0; j < (1UL << b.order); j++)
		model[b.pfn + j] = 0;
	model_pages -= 1UL << b.order;
}

static void test_random_ops(void **state)
{
	struct buddy_cfg cfg = {.ram = M(96), .lowmem_limit = M(64), .cma_base = M(32),
				.cma_size = M(8)};
	unsigned long ops = 1000000, step, before[MAX_NR_ZONES][MAX_ORDER], allocs = 0;
	struct zone *zone;

	(void)state;
	seed = getenv("BUDDY_SEED") ? strtoul(getenv("BUDDY_SEED"), NULL, 0) : 1;
	if (getenv("BUDDY_OPS"))
		ops = strtoul(getenv("BUDDY_OPS"), NULL, 0);
	rng = seed * 0x9E3779B97F4A7C15ULL + 1;
	printf("# seed %lu, %lu steps\n", seed, ops);
	buddy_boot(&cfg);
	model = calloc(max_pfn, 1);
	drain_all_pages(NULL);
	for_each_populated_zone(zone)
		for (unsigned int o = 0; o < MAX_ORDER; o++)
			before[zone_idx(zone)][o] = zone->free_area[o].nr_free;
	ASSERT_FREE_AREAS_OK();
	base_allocated = 0;
	for_each_populated_zone(zone)
		base_allocated += zone->nr_allocated;
	assert_int_equal(base_allocated, 0); /* cma_activate_area's bitmap: kzalloc, not pages */

	for (step = 0; step < ops; step++) {
		unsigned long r = rnd(1000);
		unsigned long managed = zone_of(ZONE_NORMAL)->managed_pages +
					zone_of(ZONE_HIGHMEM)->managed_pages;

		/* keep between a third and nine tenths of memory allocated, roughly */
		if (nlive && (r < 430 || nlive == MAX_LIVE || model_pages > managed * 9 / 10))
			do_free(step);
		else if (r < 990)
			do_alloc(step), allocs++;
		else if (r < 995)
			drain_all_pages(NULL);
		else
			drain_local_pages(rnd(2) ? zone_of(ZONE_NORMAL) : NULL);
		check_counts(step);
		if (step % BUDDY_CHECK_EVERY == BUDDY_CHECK_EVERY - 1 && buddy_check_count())
			DIVERGE(step, "check_free_areas: expected no violation, got:\n%s",
				buddy_check_text());
	}
	printf("# %lu allocations, %d blocks live at the end\n", allocs, nlive);
	while (nlive)
		do_free(step);
	check_counts(step);
	set_cpu(0);
	drain_all_pages(NULL);
	ASSERT_FREE_AREAS_OK();
	for_each_populated_zone(zone)
		for (unsigned int o = 0; o < MAX_ORDER; o++)
			if (zone->free_area[o].nr_free != before[zone_idx(zone)][o])
				fail_msg("seed %lu: after freeing everything, zone %s order %u: "
					 "expected %lu free blocks, got %lu", seed, zone->name, o,
					 before[zone_idx(zone)][o], zone->free_area[o].nr_free);
	free(model);
}

/* The checker itself catches a corrupted state (so a clean run means something). */
static void test_checker_catches(void **state)
{
	struct buddy_cfg cfg = {.ram = M(64), .no_pagesets = true};
	struct zone *n;
	struct page *p;

	(void)state;
	buddy_boot(&cfg);
	n = zone_of(ZONE_NORMAL);
	ASSERT_FREE_AREAS_OK();
	n->free_area[3].nr_free++;
	assert_int_equal(buddy_check_count(), 1);
	assert_non_null(strstr(buddy_check_text(), "free_area[3].nr_free"));
	n->free_area[3].nr_free--;
	n->vm_stat[NR_FREE_PAGES] += 2;
	assert_true(buddy_check_count() >= 1);
	assert_non_null(strstr(buddy_check_text(), "NR_FREE_PAGES"));
	n->vm_stat[NR_FREE_PAGES] -= 2;
	/* a free page with a reference */
	p = list_first_entry(&n->free_area[10].free_list[MIGRATE_MOVABLE], struct page, buddy_list);
	set_page_count(p + 5, 1);
	assert_true(buddy_check_count() >= 1);
	assert_non_null(strstr(buddy_check_text(), "has refcount 1"));
	set_page_count(p + 5, 0);
	/* two free buddies left apart: split an order-10 block by hand */
	list_del(&p->buddy_list);
	n->free_area[10].nr_free--;
	set_page_private(p, 9);
	list_add(&p->buddy_list, &n->free_area[9].free_list[MIGRATE_MOVABLE]);
	set_page_private(p + 512, 9);
	__SetPageBuddy(p + 512);
	list_add(&(p + 512)->buddy_list, &n->free_area[9].free_list[MIGRATE_MOVABLE]);
	n->free_area[9].nr_free += 2;
	assert_true(buddy_check_count() >= 1);
	assert_non_null(strstr(buddy_check_text(), "not merged"));
	/* an allocation the counter does not know about */
	list_del(&(p + 512)->buddy_list);
	__ClearPageBuddy(p + 512);
	n->free_area[9].nr_free--;
	n->vm_stat[NR_FREE_PAGES] -= 512;
	assert_true(buddy_check_count() >= 1);
	assert_non_null(strstr(buddy_check_text(), "managed"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checker_catches),
		cmocka_unit_test(test_random_ops),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
