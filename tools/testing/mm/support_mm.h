/*
 * support_mm.h - what the mm host tests share (support_mm.c): memory layouts built in
 * memblock, the boot-time zone set-up run on them, per-CPU areas, and the captured log as
 * one text.
 */
#ifndef MM_TEST_SUPPORT_H
#define MM_TEST_SUPPORT_H

#include "support.h" /* tools/testing/shared: simulated RAM, printk capture, mb_reset */

#include <linux/mm.h>

struct mm_region {
	phys_addr_t base, size;
	unsigned int flags; /* MEMBLOCK_NOMAP... */
};

/* A fresh memblock holding these memory regions (flags applied), lowmem limit as given. */
void mm_layout(const struct mm_region *mem, int n, phys_addr_t lowmem_limit);
/* bootmem_init's work on the current memblock: find_limits, zone_sizes_init, free_area_init. */
void mm_bootmem_init(void);
/* The captured printk output since the last mb_log_clear, levels stripped, concatenated. */
const char *mm_log_text(void);
/* Fail unless the log contains needle. */
void mm_assert_log(const char *needle);

extern unsigned int mm_online_cpus;

#endif
