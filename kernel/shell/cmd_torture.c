/*
 * kernel/shell/cmd_torture.c - the buddy allocator under load: `torture N [SEED]` and
 * `bench [N]`.
 *
 * Where it sits: the shell, once mem_init gave memory to the buddy allocator
 * (kernel/mm/page_buddy.c, page_pcp.c). Both call Linux's entry points, alloc_pages and
 * __free_pages, as any kernel code would.
 *
 *   torture N [SEED]   N operations in all, shared by every online CPU at once (CPUs 1-3 run
 *                      their part from the IPI of smp_call_function, as `on CPU` does; CPU 0
 *                      from the shell): seeded random allocations of random orders and gfp
 *                      flags, and frees of random live blocks, some of them handed to the next
 *                      CPU to free (so a CPU frees pages another one allocated). Each block is checked when it
 *                      arrives (aligned, refcount 1, zeroed if asked) and stamped; the stamp is
 *                      checked when it goes back (nobody else was handed it). CPU 0 runs the
 *                      allocator's mm-check (check_free_areas) eight times meanwhile. At the
 *                      end everything is freed, drain_all_pages empties the per-CPU lists,
 *                      mm-check runs again, and the free blocks (pfn and order) are compared
 *                      with those before: merging makes them the same set.
 *
 *   bench [N]          instructions per order-0 alloc+free pair, from the generic timer as
 *                      `walk VA N` does; under tools/run --icount (1 instruction = 1 ns):
 *                        through this CPU's per-CPU list (the usual case)
 *                        through the buddy lists: this CPU's pageset made a boot pageset
 *                        (high 0, batch 1) meanwhile, and a Reclaimable request, so that each
 *                        alloc splits an order-10 block down to order 0 and each free merges
 *                        it all the way back
 */
#include <stdarg.h>
#include <string.h>

#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slub_def.h>
#include <linux/spinlock.h>
#include <asm/arch_timer.h>
#include <asm/cp15.h>
#include <asm/io.h>
#include <asm/irqflags.h>
#include <asm/smp.h>
#include <pimm/allocs.h>
#include <pimm/cmd_vmalloc.h>
#include <pimm/cma_shell.h>
#include <pimm/shell.h>
#include <pimm/torture.h>
#include <pimm/vsprintf.h>

#define TORTURE_MAX_OPS 10000000
#define TORTURE_STAMP 0x746f7274u /* "tort", xor the pfn: written into each lowmem block */

/* The gfp flags torture draws from (all __GFP_NOWARN: failures are counted, not logged). */
static const gfp_t torture_gfp[] = {
	GFP_KERNEL,
	GFP_KERNEL | __GFP_MOVABLE,
	GFP_KERNEL | __GFP_RECLAIMABLE,
	GFP_KERNEL | __GFP_ZERO,
	GFP_ATOMIC,
	GFP_HIGHUSER_MOVABLE,
};

/* An order: mostly the per-CPU-list orders 0-3, one time in ten 4..10. */
static unsigned int torture_order(struct torture_cpu *t)
{
	u32 r = torture_rand(t) % 100;

	if (r < 55)
		return 0;
	if (r < 70)
		return 1;
	if (r < 80)
		return 2;
	if (r < 90)
		return 3;
	return 4 + torture_rand(t) % (MAX_ORDER - 4);
}

/* A problem with one block (counted; printed, whichever CPU found it). */
static void block_bad(struct torture_cpu *t, const char *what, unsigned long pfn,
		      unsigned int order)
{
	torture_bad(t, "order-%u block at pfn %#lx: %s", order, pfn, what);
}

/* alloc_pages of a random order and gfp; checked, and stamped when it is lowmem. */
static bool pages_alloc(struct torture_cpu *t, struct torture_item *it)
{
	unsigned int order = torture_order(t);
	gfp_t gfp = torture_gfp[torture_rand(t) % ARRAY_SIZE(torture_gfp)];
	struct page *page = alloc_pages(gfp | __GFP_NOWARN, order);
	unsigned long pfn;
	u32 *p;

	if (!page)
		return false;
	pfn = page_to_pfn(page);
	if (pfn & ((1UL << order) - 1))
		block_bad(t, "not naturally aligned", pfn, order);
	if (page_ref_count(page) != 1 || PageBuddy(page) || PageReserved(page))
		block_bad(t, "handed out with a wrong refcount or flags", pfn, order);
	if (!PageHighMem(page)) {
		p = page_address(page);
		if ((gfp & __GFP_ZERO) && (p[0] || p[(PAGE_SIZE << order) / 4 - 1]))
			block_bad(t, "__GFP_ZERO block not zeroed", pfn, order);
		p[0] = TORTURE_STAMP ^ pfn;
	}
	*it = (struct torture_item){.p = page, .size = order};
	return true;
}

/* The stamp still there (nobody else was handed the block), then __free_pages. */
static void pages_free(struct torture_cpu *t, const struct torture_item *it)
{
	struct page *page = it->p;
	unsigned long pfn = page_to_pfn(page);

	if (!PageHighMem(page) && *(u32 *)page_address(page) != (TORTURE_STAMP ^ pfn))
		block_bad(t, "stamp overwritten: handed out twice?", pfn, it->size);
	__free_pages(page, it->size);
}

/* Now and then (one step in 800) this CPU's per-CPU lists go back to the buddy lists. */
static void pages_step(struct torture_cpu *t, u32 r)
{
	if (r == 99 && (torture_rand(t) & 7) == 0)
		drain_local_pages(NULL);
}

static const struct torture_ops pages_torture = {
	.name = "torture",
	.live = TORTURE_LIVE,
	.alloc = pages_alloc,
	.free = pages_free,
	.check = check_free_areas,
	.step = pages_step,
};

/* Print the free-list comparison; true if the free blocks are those of before. */
static bool torture_compare(const struct free_fingerprint *a, const struct free_fingerprint *b)
{
	bool same = a->sum == b->sum && a->xor == b->xor && a->free_pages == b->free_pages &&
		    !memcmp(a->blocks, b->blocks, sizeof(a->blocks));
	unsigned long nblocks = 0;

	for (int o = 0; o < MAX_ORDER; o++)
		nblocks += b->blocks[o];
	if (same)
		shprintf("torture: the free lists equal the state before: %lu free pages in %lu "
			 "blocks, the same pfns and orders\n", b->free_pages, nblocks);
	else
		shprintf("torture: the free lists DIFFER from before: %lu free pages in %lu blocks, "
			 "before %lu pages\n", b->free_pages, nblocks, a->free_pages);
	if (memcmp(a->pageblocks, b->pageblocks, sizeof(a->pageblocks))) {
		shprintf("torture: pageblocks changed type (fallback steals, as in Linux):");
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			if (a->pageblocks[mt] != b->pageblocks[mt])
				shprintf(" %s %lu->%lu", migratetype_names[mt], a->pageblocks[mt],
					 b->pageblocks[mt]);
		shprintf("\n");
	}
	return same;
}

static int cmd_torture(int argc, char **argv)
{
	static struct free_fingerprint before, after;
	struct torture_result res;
	unsigned long bad;
	u32 n, seed;
	int pre, post;

	if (argc >= 2 && !strcmp(argv[1], "kmalloc")) /* the slab allocator: cmd_slab.c */
		return cmd_torture_kmalloc(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "vmalloc"))
		return cmd_torture_vmalloc(argc - 1, argv + 1); /* kernel/shell/cmd_vmalloc.c */
	if (argc != 2 && argc != 3)
		return shell_usage(argv[0]);
	if (!mem_map || !totalram_pages())
		return shell_error(argv[0], "the buddy allocator holds no memory yet");
	if (torture_parse_args(argc, argv, "torture N [SEED]", TORTURE_MAX_OPS, &n, &seed))
		return -1;

	drain_all_pages(NULL);
	pre = check_free_areas(torture_report);
	free_fingerprint(&before);
	torture_run(&pages_torture, n, seed, &res);
	drain_all_pages(NULL);
	post = check_free_areas(torture_report);
	free_fingerprint(&after);
	shprintf("torture: %u operations on %u CPUs, seed %u\n", n, num_online_cpus(), seed);
	torture_print_cpus(&pages_torture, "allocations", "frees", "blocks");
	bad = res.bad;
	if (res.allocs != res.frees)
		bad++, shprintf("torture: %lu blocks allocated, %lu freed\n", res.allocs, res.frees);
	shprintf("torture: mm-check: before %d, during %d runs %d, after %d violations\n", pre,
		 res.checks, res.check_bad, post);
	if (!torture_compare(&before, &after))
		bad++;
	bad += (unsigned long)(pre + res.check_bad + post);
	shprintf("torture: %s\n", bad ? "FAILED" : "clean");
	return bad ? 1 : 0;
}
SHELL_CMD("torture", cmd_torture, "torture [kmalloc|vmalloc] N [SEED]",
	  "N random allocations/frees on all CPUs at once, mm-check during and after");

/* ---- bench ----------------------------------------------------------------------------- */

/* Ticks of the generic timer for n order-0 alloc+free pairs of gfp, IRQs off. */
static u64 bench_pairs(gfp_t gfp, u32 n, bool *failed)
{
	unsigned long flags;
	u64 t0, t;

	*failed = false;
	local_irq_save(flags);
	t0 = read_cntvct();
	for (u32 i = 0; i < n; i++) {
		struct page *page = alloc_pages(gfp, 0);

		if (!page) {
			*failed = true;
			break;
		}
		__free_pages(page, 0);
	}
	t = read_cntvct() - t0;
	local_irq_restore(flags);
	return t;
}

static void bench_line(const char *what, u32 n, u64 ticks)
{
	u32 hz = read_cntfrq();
	u64 ns = ticks * 1000000000ull / hz;

	shprintf("bench: %-44s %u pairs in %llu ticks of %u Hz: %llu ns per pair\n", what, n,
		 ticks, hz, ns / n);
}

static int cmd_bench(int argc, char **argv)
{
	struct zone *zone = &NODE_DATA(0)->node_zones[ZONE_NORMAL];
	struct per_cpu_pages *pcp;
	unsigned long flags;
	int high, batch;
	bool failed;
	u32 n = 10000;
	u64 t;

	if (argc >= 2 && !strcmp(argv[1], "kmalloc")) /* the slab allocator: cmd_slab.c */
		return cmd_bench_kmalloc(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "vmalloc"))
		return cmd_bench_vmalloc(argc - 1, argv + 1); /* kernel/shell/cmd_vmalloc.c */
	if (argc >= 2 && !strcmp(argv[1], "cma"))
		return cmd_bench_cma(argc - 1, argv + 1);
	if (argc > 2)
		return shell_usage(argv[0]);
	if (argc == 2 && shell_parse_u32(argv[0], "pair count", argv[1], &n))
		return -1;
	if (n == 0 || n > 1000000)
		return shell_error(argv[0], "pair count %u out of range 1..1000000", n);
	if (!mem_map || !totalram_pages())
		return shell_error(argv[0], "the buddy allocator holds no memory yet");

	bench_pairs(GFP_KERNEL, 1, &failed); /* fill the per-CPU list once */
	t = bench_pairs(GFP_KERNEL, n, &failed);
	if (failed)
		return shell_error(argv[0], "an order-0 allocation failed");
	bench_line("order-0 pair via the per-CPU list:", n, t);

	/* boot-pageset behaviour on this CPU: every free goes straight back to the buddy lists */
	drain_local_pages(zone);
	pcp = this_cpu_ptr(zone->per_cpu_pageset);
	spin_lock_irqsave(&pcp->lock, flags);
	high = pcp->high, batch = pcp->batch;
	pcp->high = BOOT_PAGESET_HIGH, pcp->batch = BOOT_PAGESET_BATCH;
	spin_unlock_irqrestore(&pcp->lock, flags);
	bench_pairs(GFP_KERNEL | __GFP_RECLAIMABLE, 1, &failed); /* claims a Reclaimable block */
	t = bench_pairs(GFP_KERNEL | __GFP_RECLAIMABLE, n, &failed);
	spin_lock_irqsave(&pcp->lock, flags);
	pcp->high = high, pcp->batch = batch;
	spin_unlock_irqrestore(&pcp->lock, flags);
	if (failed)
		return shell_error(argv[0], "an order-0 Reclaimable allocation failed");
	bench_line("order-0 pair via the buddy lists (merge to 10):", n, t);
	shprintf("bench: (under tools/run --icount, 1 ns is 1 guest instruction; the pageblock the "
		 "Reclaimable pairs used stays Reclaimable)\n");
	return 0;
}
SHELL_CMD("bench", cmd_bench, "bench [kmalloc|vmalloc|cma] [N]",
	  "time N order-0 alloc+free pairs via the per-CPU list and via the buddy lists");
