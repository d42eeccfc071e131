/*
 * mmcheck.c - `mm-check`: verify the invariants of every memory stage built so far, in
 * pipeline order, each by the check its own subsystem provides:
 *
 *   memblock    memblock_check   kernel/mm/memblock.c   sorted, disjoint, merged, totals
 *   page tables pgtable_check    arch/arm/mm/rodata.c   W^X, linear lowmem and NOMAP, RO text
 *   zones       zone_check       kernel/mm/page_alloc.c spans, counters, page links, pageblocks
 *   percpu      percpu_check     kernel/mm/percpu.c     alloc/bound maps, __per_cpu_offset
 *   allocator   check_free_areas kernel/mm/debug.c      free lists, merging, counts, per-CPU
 *                                                        lists, managed = free + pcp + allocated
 *   later stages (slab, vmalloc, ...) each register theirs with SHELL_MMCHECK, run in link order
 *
 * Output: per stage "mm-check: STAGE: ok (...)" or one "mm-check: STAGE: ..." line per
 * violation (the first 20 of a stage, then "... K more violations not shown"), then
 * "mm-check: N checks, M violations". Returns non-zero if anything is wrong.
 * Read-only: run it after a `poke` to see what the corruption broke.
 */
#include <stdarg.h>

#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <asm/ptdump.h>
#include <pimm/shell.h>
#include <pimm/vsprintf.h>

#define MMCHECK_STAGE_LINES 20 /* violation lines printed per stage; the rest are counted */

static const char *stage;           /* prefix of report()'s lines */
static unsigned int stage_reported; /* violations reported by the current stage */

/* One violation line: "mm-check: STAGE: message" (past the first MMCHECK_STAGE_LINES of a
 * stage only counted: a broken allocator has a violation per free block). */
static __printf(1, 2) void report(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (++stage_reported > MMCHECK_STAGE_LINES)
		return;
	va_start(ap, fmt);
	kvscnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	shprintf("mm-check: %s: %s\n", stage, buf);
}

/* Start a stage; finish it with end_stage. */
static void begin_stage(const char *name)
{
	stage = name;
	stage_reported = 0;
}

/* "ok (detail)" when the stage found nothing; returns its violations. */
static __printf(2, 3) int end_stage(int bad, const char *fmt, ...)
{
	char buf[128];
	va_list ap;

	if (stage_reported > MMCHECK_STAGE_LINES)
		shprintf("mm-check: %s: ... %u more violations not shown\n", stage,
			 stage_reported - MMCHECK_STAGE_LINES);
	if (bad)
		return bad;
	va_start(ap, fmt);
	kvscnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	shprintf("mm-check: %s: ok (%s)\n", stage, buf);
	return 0;
}

static int cmd_mmcheck(int argc, char **argv)
{
	unsigned long lowmem_mib = 0, pages = 0;
	int checks = 0, bad = 0, zones = 0;
	const struct zone *z;

	if (argc != 1)
		return shell_usage(argv[0]);

	begin_stage("memblock");
	checks++;
	bad += end_stage(memblock_check(report), "%lu memory, %lu reserved regions",
			 memblock.memory.cnt, memblock.reserved.cnt);

	begin_stage("page tables");
	checks++;
	bad += end_stage(pgtable_check(report, &lowmem_mib),
			 "no W+X, %lu MiB of lowmem linear, kernel text read-only", lowmem_mib);

	if (mem_map) {
		begin_stage("zones");
		checks++;
		for_each_populated_zone(z) {
			zones++;
			pages += z->present_pages;
		}
		bad += end_stage(zone_check(report), "%d populated zone%s, %lu present pages",
				 zones, zones == 1 ? "" : "s", pages);
	}

	if (pcpu_chunk.base_addr) {
		begin_stage("percpu");
		checks++;
		bad += end_stage(percpu_check(report), "%u units, %u dynamic allocations",
				 pcpu_chunk.ai.nr_units, pcpu_chunk.nr_allocs);
	}

	if (mem_map && totalram_pages()) {
		const struct zone *zone;
		unsigned long free = 0;

		begin_stage("allocator");
		checks++;
		for_each_populated_zone(zone)
			free += zone_page_state(zone, NR_FREE_PAGES);
		bad += end_stage(check_free_areas(report), "%lu managed pages, %lu free in the buddy "
				 "lists", totalram_pages(), free);
	}

	for (const struct shell_mmcheck *m = __shell_mmcheck_start; m < __shell_mmcheck_end; m++) {
		char buf[128] = "";

		begin_stage(m->stage);
		checks++;
		bad += end_stage(m->fn(report, buf, sizeof(buf)), "%s", buf);
	}

	shprintf("mm-check: %d checks, %d violations\n", checks, bad);
	return bad ? 1 : 0;
}
SHELL_CMD("mm-check", cmd_mmcheck, "mm-check",
	  "verify every memory stage's invariants (memblock, page tables, zones, per-CPU, allocator)");
