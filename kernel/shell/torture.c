/*
 * kernel/shell/torture.c - the harness of every `torture` run (include/pimm/torture.h):
 * seeded random allocations and frees on all online CPUs at once, some items handed to the
 * next CPU to free, the allocator's own check run on CPU 0 meanwhile.
 *
 * Where it sits: the shell, after boot; the buddy (cmd_torture.c), slab (cmd_slab.c) and
 * vmalloc (cmd_vmalloc.c) runs differ only in their torture_ops. CPUs 1-3 run their share
 * from the IPI of smp_call_function, as `on CPU` does; CPU 0 runs its own from the shell and
 * then waits for their done flags (wfe; each sets its flag, then sev).
 */
#include <stdarg.h>
#include <string.h>

#include <linux/kernel.h>
#include <linux/spinlock.h>
#include <asm/io.h>
#include <asm/smp.h>
#include <pimm/mm_stream.h>
#include <pimm/shell.h>
#include <pimm/torture.h>
#include <pimm/vsprintf.h>

#define TORTURE_CHECKS 8 /* ops->check runs on CPU 0 during a run */

/* Items one CPU made and hands to the next to free (a free on another CPU than the alloc). */
struct torture_inbox {
	spinlock_t lock;
	unsigned int n;
	struct torture_item it[TORTURE_INBOX];
};

static struct torture_cpu tcpu[NR_CPUS];
static struct torture_inbox inbox[NR_CPUS];
static const struct torture_ops *run_ops;
static struct torture_result *run_res;

u32 torture_rand(struct torture_cpu *t)
{
	u32 x = t->rng;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return t->rng = x;
}

void torture_bad(struct torture_cpu *t, const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	kvscnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	t->bad++;
	shprintf("%s: cpu%u: %s\n", run_ops->name, smp_processor_id(), buf);
}

void torture_report(const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	kvscnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	shprintf("torture: mm-check: %s\n", buf);
}

int torture_parse_args(int argc, char **argv, const char *usage, u32 max_ops, u32 *n, u32 *seed)
{
	*seed = 1;
	if (argc != 2 && argc != 3)
		return shell_error("torture", "usage: %s", usage);
	if (shell_parse_u32("torture", "operation count", argv[1], n) ||
	    (argc == 3 && shell_parse_u32("torture", "seed", argv[2], seed)))
		return -1;
	if (*n == 0 || *n > max_ops)
		return shell_error("torture", "operation count %u out of range 1..%u", *n, max_ops);
	if (smp_processor_id() != 0)
		return shell_error("torture", "run it from CPU 0: it uses every CPU itself");
	return 0;
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

/* Free live item i, or (may_pass) one time in eight hand it to the next CPU to free. */
static void torture_free(struct torture_cpu *t, unsigned int i, bool may_pass)
{
	struct torture_item it = t->live[i];
	struct torture_inbox *box;
	unsigned long flags;

	t->live[i] = t->live[--t->nr];
	if (may_pass && (torture_rand(t) & 7) == 0) {
		box = &inbox[torture_next_cpu()];
		spin_lock_irqsave(&box->lock, flags);
		if (box->n < TORTURE_INBOX) {
			box->it[box->n++] = it;
			spin_unlock_irqrestore(&box->lock, flags);
			t->passed++;
			return;
		}
		spin_unlock_irqrestore(&box->lock, flags);
	}
	run_ops->free(t, &it);
	t->frees++;
}

/* Free what other CPUs handed to cpu (made there, freed here). */
static void torture_free_inbox(struct torture_cpu *t, unsigned int cpu)
{
	struct torture_inbox *box = &inbox[cpu];
	struct torture_item it;
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&box->lock, flags);
		if (!box->n) {
			spin_unlock_irqrestore(&box->lock, flags);
			return;
		}
		it = box->it[--box->n];
		spin_unlock_irqrestore(&box->lock, flags);
		run_ops->free(t, &it);
		t->frees++;
	}
}

/* One CPU's share: random allocations and frees, then everything it holds freed. */
static void torture_worker(void *arg)
{
	struct torture_cpu *t = &tcpu[smp_processor_id()];
	unsigned long check_every = max(t->ops / TORTURE_CHECKS, 1UL);
	unsigned int live = min(run_ops->live, (unsigned int)TORTURE_LIVE);

	(void)arg;
	for (unsigned long i = 0; i < t->ops; i++) {
		u32 r = torture_rand(t) % 100;

		torture_free_inbox(t, smp_processor_id());
		if (t->nr == 0 || (t->nr < live && r < 55)) {
			if (run_ops->alloc(t, &t->live[t->nr])) {
				t->nr++;
				t->allocs++;
			} else {
				t->fails++;
			}
		} else {
			torture_free(t, torture_rand(t) % t->nr, true);
		}
		if (run_ops->step)
			run_ops->step(t, r);
		mm_stream_poll(); /* CPU 0: the explorer sees the run every 100 ms */
		if (run_ops->check && smp_processor_id() == 0 && i % check_every == check_every - 1) {
			run_res->check_bad += run_ops->check(torture_report);
			run_res->checks++;
		}
	}
	while (t->nr)
		torture_free(t, t->nr - 1, false);
	dmb();
	__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
	sev();
}

/* Every CPU's record zeroed, its seed and its share of the n operations set. */
static void torture_setup(u32 n, u32 seed)
{
	unsigned int cpus = num_online_cpus();

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
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
}

void torture_run(const struct torture_ops *ops, u32 n, u32 seed, struct torture_result *res)
{
	memset(res, 0, sizeof(*res));
	run_ops = ops;
	run_res = res;
	torture_setup(n, seed);
	dmb();
	smp_call_function(torture_worker, NULL, 0); /* CPUs 1-3 start */
	torture_worker(NULL);                        /* CPU 0's share */
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++)
		while (!__atomic_load_n(&tcpu[cpu].done, __ATOMIC_ACQUIRE)) {
			wfe(); /* until a finishing CPU's sev, or the tick's interrupt */
			mm_stream_poll();
		}
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) /* handed to a CPU that had finished */
		torture_free_inbox(&tcpu[0], cpu);
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		res->bad += tcpu[cpu].bad;
		res->allocs += tcpu[cpu].allocs;
		res->frees += tcpu[cpu].frees;
	}
}

void torture_print_cpus(const struct torture_ops *ops, const char *made, const char *freed,
			const char *what)
{
	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		const struct torture_cpu *t = &tcpu[cpu];

		if (!cpu_online(cpu))
			continue;
		shprintf("%s: cpu%u: %lu operations: %lu %s (%lu failed), %lu %s, %lu handed to "
			 "the next CPU, %lu bad %s\n", ops->name, cpu, t->ops, t->allocs, made, t->fails,
			 t->frees, freed, t->passed, t->bad, what);
	}
}

const struct torture_cpu *torture_cpu_result(unsigned int cpu)
{
	return cpu < NR_CPUS ? &tcpu[cpu] : NULL;
}
