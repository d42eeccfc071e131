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
#include <pimm/vsprintf.h>

#define TORTURE_LIVE 64        /* live blocks per CPU */
#define TORTURE_MAX_OPS 10000000
#define TORTURE_CHECKS 8       /* mm-check runs on CPU 0 during the run */
#define TORTURE_STAMP 0x746f7274u /* "tort", xor the pfn: written into each lowmem block */
#define TORTURE_INBOX 32       /* blocks waiting to be freed by the next CPU */

/* The gfp flags torture draws from (all __GFP_NOWARN: failures are counted, not logged). */
static const gfp_t torture_gfp[] = {
	GFP_KERNEL,
	GFP_KERNEL | __GFP_MOVABLE,
	GFP_KERNEL | __GFP_RECLAIMABLE,
	GFP_KERNEL | __GFP_ZERO,
	GFP_ATOMIC,
	GFP_HIGHUSER_MOVABLE,
};

struct torture_block {
	unsigned long pfn;
	unsigned int order;
};

/* One CPU's share of a run and what it saw. */
struct torture_cpu {
	u32 rng;
	unsigned long ops, allocs, fails, frees, passed, bad;
	unsigned int nr;
	struct torture_block live[TORTURE_LIVE];
	int done;
};

static struct torture_cpu tcpu[NR_CPUS];

/* Blocks one CPU allocated and hands to the next to free (frees from another CPU's list). */
struct torture_inbox {
	spinlock_t lock;
	unsigned int n;
	struct torture_block b[TORTURE_INBOX];
};
static struct torture_inbox inbox[NR_CPUS];
static int torture_check_bad, torture_checks;

/* xorshift32: the next pseudo-random number of this CPU's sequence. */
static u32 torture_rand(struct torture_cpu *t)
{
	u32 x = t->rng;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return t->rng = x;
}

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

/* One violation line of the mm-check run during torture. */
static __printf(1, 2) void torture_report(const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	kvscnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	shprintf("torture: mm-check: %s\n", buf);
}

/* A problem with one block (counted; printed, whichever CPU found it). */
static void torture_bad(struct torture_cpu *t, const char *what, unsigned long pfn,
			unsigned int order)
{
	t->bad++;
	shprintf("torture: cpu%u: order-%u block at pfn %#lx: %s\n", smp_processor_id(), order,
		 pfn, what);
}

static void torture_alloc(struct torture_cpu *t)
{
	unsigned int order = torture_order(t);
	gfp_t gfp = torture_gfp[torture_rand(t) % ARRAY_SIZE(torture_gfp)];
	struct page *page = alloc_pages(gfp | __GFP_NOWARN, order);
	unsigned long pfn;
	u32 *p;

	if (!page) {
		t->fails++;
		return;
	}
	t->allocs++;
	pfn = page_to_pfn(page);
	if (pfn & ((1UL << order) - 1))
		torture_bad(t, "not naturally aligned", pfn, order);
	if (page_ref_count(page) != 1 || PageBuddy(page) || PageReserved(page))
		torture_bad(t, "handed out with a wrong refcount or flags", pfn, order);
	if (!PageHighMem(page)) {
		p = page_address(page);
		if ((gfp & __GFP_ZERO) && (p[0] || p[(PAGE_SIZE << order) / 4 - 1]))
			torture_bad(t, "__GFP_ZERO block not zeroed", pfn, order);
		p[0] = TORTURE_STAMP ^ pfn;
	}
	t->live[t->nr].pfn = pfn;
	t->live[t->nr].order = order;
	t->nr++;
}

/* Is the stamp torture wrote into the block still there (nobody else was given it)? */
static void torture_check_stamp(struct torture_cpu *t, const struct torture_block *b)
{
	struct page *page = pfn_to_page(b->pfn);

	if (!PageHighMem(page) && *(u32 *)page_address(page) != (TORTURE_STAMP ^ b->pfn))
		torture_bad(t, "stamp overwritten: handed out twice?", b->pfn, b->order);
}

/* The next online CPU after this one. */
static unsigned int torture_next_cpu(void)
{
	unsigned int cpu = smp_processor_id();

	do
		cpu = (cpu + 1) % NR_CPUS;
	while (!cpu_online(cpu));
	return cpu;
}

/* Free live block i, or one time in eight hand it to the next CPU to free. */
static void torture_free(struct torture_cpu *t, unsigned int i, bool may_pass)
{
	struct torture_block b = t->live[i];
	struct torture_inbox *box;
	unsigned long flags;

	torture_check_stamp(t, &b);
	t->live[i] = t->live[--t->nr];
	if (may_pass && (torture_rand(t) & 7) == 0) {
		box = &inbox[torture_next_cpu()];
		spin_lock_irqsave(&box->lock, flags);
		if (box->n < TORTURE_INBOX) {
			box->b[box->n++] = b;
			spin_unlock_irqrestore(&box->lock, flags);
			t->passed++;
			return;
		}
		spin_unlock_irqrestore(&box->lock, flags);
	}
	__free_pages(pfn_to_page(b.pfn), b.order);
	t->frees++;
}

/* Free the blocks other CPUs handed to cpu (allocated there, freed here). */
static void torture_free_inbox(struct torture_cpu *t, unsigned int cpu)
{
	struct torture_inbox *box = &inbox[cpu];
	struct torture_block b;
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&box->lock, flags);
		if (!box->n) {
			spin_unlock_irqrestore(&box->lock, flags);
			return;
		}
		b = box->b[--box->n];
		spin_unlock_irqrestore(&box->lock, flags);
		torture_check_stamp(t, &b);
		__free_pages(pfn_to_page(b.pfn), b.order);
		t->frees++;
	}
}

/* One CPU's share: random allocations and frees, then everything freed. */
static void torture_worker(void *arg)
{
	struct torture_cpu *t = &tcpu[smp_processor_id()];
	unsigned long check_every = max(t->ops / TORTURE_CHECKS, 1UL);

	(void)arg;
	for (unsigned long i = 0; i < t->ops; i++) {
		u32 r = torture_rand(t) % 100;

		torture_free_inbox(t, smp_processor_id());
		if (t->nr == 0 || (t->nr < TORTURE_LIVE && r < 55))
			torture_alloc(t);
		else
			torture_free(t, torture_rand(t) % t->nr, true);
		if (r == 99 && (torture_rand(t) & 7) == 0)
			drain_local_pages(NULL);
		if (smp_processor_id() == 0 && i % check_every == check_every - 1) {
			torture_check_bad += check_free_areas(torture_report);
			torture_checks++;
		}
	}
	while (t->nr)
		torture_free(t, t->nr - 1, false);
	dmb();
	__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
	sev();
}

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
	unsigned int cpus = num_online_cpus(), cpu, self = smp_processor_id();
	unsigned long bad = 0, allocs = 0, frees = 0;
	u32 n, seed = 1;
	int pre, post;

	if (argc >= 2 && !strcmp(argv[1], "kmalloc")) /* the slab allocator: cmd_slab.c */
		return cmd_torture_kmalloc(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "vmalloc"))
		return cmd_torture_vmalloc(argc - 1, argv + 1); /* kernel/shell/cmd_vmalloc.c */
	if (argc != 2 && argc != 3)
		return shell_usage(argv[0]);
	if (shell_parse_u32(argv[0], "operation count", argv[1], &n) ||
	    (argc == 3 && shell_parse_u32(argv[0], "seed", argv[2], &seed)))
		return -1;
	if (n == 0 || n > TORTURE_MAX_OPS)
		return shell_error(argv[0], "operation count %u out of range 1..%u", n,
				   TORTURE_MAX_OPS);
	if (!mem_map || !totalram_pages())
		return shell_error(argv[0], "the buddy allocator holds no memory yet");
	if (self != 0)
		return shell_error(argv[0], "run it from CPU 0: it uses every CPU itself");

	drain_all_pages(NULL);
	pre = check_free_areas(torture_report);
	free_fingerprint(&before);
	torture_check_bad = torture_checks = 0;
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		struct torture_cpu *t = &tcpu[cpu];

		memset(t, 0, sizeof(*t));
		spin_lock_init(&inbox[cpu].lock);
		inbox[cpu].n = 0;
		t->rng = (seed + 1) * 2654435761u ^ (cpu + 1) * 0x9e3779b9u;
		if (!t->rng)
			t->rng = 1;
		t->done = !cpu_online(cpu);
		if (cpu_online(cpu))
			t->ops = n / cpus + (cpu == 0 ? n % cpus : 0);
	}
	dmb();
	smp_call_function(torture_worker, NULL, 0); /* CPUs 1-3 start */
	torture_worker(NULL);                        /* CPU 0's share */
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		while (!__atomic_load_n(&tcpu[cpu].done, __ATOMIC_ACQUIRE))
			wfe();
	for (cpu = 0; cpu < NR_CPUS; cpu++) /* what was handed to a CPU that had finished */
		torture_free_inbox(&tcpu[0], cpu);

	drain_all_pages(NULL);
	post = check_free_areas(torture_report);
	free_fingerprint(&after);
	shprintf("torture: %u operations on %u CPUs, seed %u\n", n, cpus, seed);
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		struct torture_cpu *t = &tcpu[cpu];

		if (!cpu_online(cpu))
			continue;
		shprintf("torture: cpu%u: %lu operations: %lu allocations (%lu failed), %lu frees, "
			 "%lu handed to the next CPU, %lu bad blocks\n", cpu, t->ops, t->allocs,
			 t->fails, t->frees, t->passed, t->bad);
		bad += t->bad;
		allocs += t->allocs;
		frees += t->frees;
	}
	if (allocs != frees)
		bad++, shprintf("torture: %lu blocks allocated, %lu freed\n", allocs, frees);
	shprintf("torture: mm-check: before %d, during %d runs %d, after %d violations\n", pre,
		 torture_checks, torture_check_bad, post);
	if (!torture_compare(&before, &after))
		bad++;
	bad += (unsigned long)(pre + torture_check_bad + post);
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
