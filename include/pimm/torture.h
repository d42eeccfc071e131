/*
 * torture.h - the harness every `torture` run shares (kernel/shell/torture.c): N seeded random
 * allocations and frees shared by every online CPU at once, each allocator saying only how to
 * make, check and free one of its things.
 *
 * Where it sits: the shell, after boot. `torture N` (pages, kernel/shell/cmd_torture.c),
 * `torture kmalloc N` (cmd_slab.c) and `torture vmalloc N` (cmd_vmalloc.c) fill a torture_ops
 * and call torture_run from CPU 0:
 *
 *   CPU 0 (shell)                  CPUs 1-3 (smp_call_function, as `on CPU`)
 *   torture_worker                 torture_worker            each: ops/cpus steps of
 *     alloc | free a random live one | hand it to the next CPU's inbox (1 in 8)
 *     CPU 0: ops->check every ops/8 steps (the allocator's mm-check, while the others run)
 *   wait for every CPU's done flag, free what is left in the inboxes
 *
 *   struct torture_cpu (one per CPU)      struct torture_inbox (one per CPU)
 *   +-----+------------------------+      +------+---+----------------------+
 *   | rng | live[0..live-1] items  |      | lock | n | items from the CPU   |
 *   +-----+------------------------+      +------+---+ before it, to free   |
 *                                                     +----------------------+
 */
#ifndef _PIMM_TORTURE_H
#define _PIMM_TORTURE_H

#include <linux/compiler.h>
#include <linux/types.h>

#define TORTURE_LIVE 64  /* the most live items a CPU keeps (ops->live may ask fewer) */
#define TORTURE_INBOX 32 /* items waiting to be freed by the next CPU */

/* One live allocation: what the allocator returned and its size (bytes, or an order). */
struct torture_item {
	void *p;
	unsigned long size;
	bool zero;
};

/* One CPU's share of a run and what it saw. */
struct torture_cpu {
	u32 rng;
	unsigned long ops, allocs, fails, frees, passed, bad;
	unsigned int nr;
	struct torture_item live[TORTURE_LIVE];
	int done;
};

typedef void (*torture_report_fn)(const char *fmt, ...) __printf(1, 2);

struct torture_ops {
	const char *name;  /* prefix of its lines: "torture", "torture kmalloc" */
	unsigned int live; /* live items per CPU, at most TORTURE_LIVE */
	/* Make one item into *it (checked and stamped); false when the allocator said no. */
	bool (*alloc)(struct torture_cpu *t, struct torture_item *it);
	/* Check one item's stamp (torture_bad when wrong) and give it back. */
	void (*free)(struct torture_cpu *t, const struct torture_item *it);
	/* The allocator's invariants, run on CPU 0 while the others work; violations. */
	int (*check)(torture_report_fn report);
	/* Optional: something more after each step (the buddy run drains its pcp now and then). */
	void (*step)(struct torture_cpu *t, u32 r);
};

/* What a run did, summed over the CPUs. */
struct torture_result {
	unsigned long bad, allocs, frees;
	int checks, check_bad; /* ops->check runs during the run and their violations */
};

/* The next number of this CPU's xorshift32 sequence. */
u32 torture_rand(struct torture_cpu *t);
/* Count one bad item of this CPU and print "NAME: cpuN: what". */
void torture_bad(struct torture_cpu *t, const char *fmt, ...) __printf(2, 3);
/* A "torture: mm-check: ..." line: the report function for ops->check. */
void torture_report(const char *fmt, ...) __printf(1, 2);
/* Parse "N [SEED]" (argv[1], argv[2]) for torture KIND; 0, or -1 after printing why. */
int torture_parse_args(int argc, char **argv, const char *usage, u32 max_ops, u32 *n, u32 *seed);
/* Run n operations shared by every online CPU (call on CPU 0); sums into *res. */
void torture_run(const struct torture_ops *ops, u32 n, u32 seed, struct torture_result *res);
/* One line per online CPU: "NAME: cpuN: OPS operations: A <made> (F failed), ..." */
void torture_print_cpus(const struct torture_ops *ops, const char *made, const char *freed,
			const char *what);
/* The per-CPU records of the last run (for a caller's own lines). */
const struct torture_cpu *torture_cpu_result(unsigned int cpu);

#endif
