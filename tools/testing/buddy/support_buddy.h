/*
 * support_buddy.h - what the buddy host tests share (support_buddy.c): a booted machine
 * (memblock layout -> zones -> pagesets -> memblock_free_all -> HighMem pages -> watermarks),
 * the invariant checker run as an assertion, CPU switching, and counting helpers.
 */
#ifndef BUDDY_TEST_SUPPORT_H
#define BUDDY_TEST_SUPPORT_H

#include "support_mm.h" /* the mm suite's: layouts, bootmem_init, per-CPU units, log */

#include <linux/cma.h>
#include <linux/gfp.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <asm/smp.h>

#define M(x) ((phys_addr_t)(x) << 20)

/* How buddy_boot builds the machine. */
struct buddy_cfg {
	phys_addr_t ram;          /* one memory region [0, ram) unless mem is given */
	const struct mm_region *mem;
	int nr_mem;
	phys_addr_t lowmem_limit; /* 0: all lowmem */
	phys_addr_t cma_base, cma_size; /* a CMA area to declare and activate (size 0: none) */
	bool no_pagesets;         /* keep the boot pagesets (high 0, batch 1) */
	bool no_wmarks;           /* skip init_per_zone_wmark_min (watermarks 0) */
	unsigned int cpus;        /* online CPUs (0: 4) */
	bool keep_log;            /* keep what booting printed (else the log starts empty) */
};

/* Boot a fresh machine as cfg says; every step Linux takes up to the postcore initcalls. */
void buddy_boot(const struct buddy_cfg *cfg);
/* The standard machine: 64 MiB lowmem, 4 CPUs, pagesets and watermarks. */
void buddy_boot_small(void);

struct zone *zone_of(enum zone_type z);
/* Free blocks of order on zone's lists of mt (all types: mt = -1). */
unsigned long nr_blocks(struct zone *zone, unsigned int order, int mt);
/* Pages on zone's per-CPU lists, all CPUs. */
unsigned long pcp_pages(struct zone *zone);

/* Fail (with every line it printed) unless check_free_areas finds nothing. */
void assert_free_areas_ok(const char *file, int line);
#define ASSERT_FREE_AREAS_OK() assert_free_areas_ok(__FILE__, __LINE__)
/* How many violations check_free_areas reports (its lines kept for buddy_check_text). */
int buddy_check_count(void);
const char *buddy_check_text(void);

/* Run as CPU cpu from now on (smp_processor_id, this_cpu_ptr). */
void set_cpu(unsigned int cpu);

/* kmap_local_page's host stand-in: HighMem pages mapped so far, and still mapped. */
extern int kmap_local_calls, kmap_local_depth;

#endif
