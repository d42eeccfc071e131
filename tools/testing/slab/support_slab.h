/*
 * support_slab.h - what the slab host tests share (support_slab.c): a booted machine with
 * the real buddy allocator (tools/testing/buddy's buddy_boot) and the real kernel/mm/slub.c and
 * slab_common.c brought up on it by kmem_cache_init, plus the mm-check of slabs as an
 * assertion.
 */
#ifndef SLAB_TEST_SUPPORT_H
#define SLAB_TEST_SUPPORT_H

#include "support_buddy.h"

#include <linux/slab.h>
#include <linux/slub_def.h>
#include "slab.h" /* kernel/mm/slab.h */

/* Boot 64 MiB and 4 CPUs, set slub_debug (NULL: off), run kmem_cache_init; log cleared. */
void slab_boot(const char *slub_debug);
/* The same on the machine cfg describes. */
void slab_boot_with(const struct buddy_cfg *cfg, const char *slub_debug);
/* Fail (with its lines) unless slab_check and check_free_areas find nothing. */
void assert_slab_ok(const char *file, int line);
#define ASSERT_SLAB_OK() assert_slab_ok(__FILE__, __LINE__)
/* Flush every CPU's CPU slabs (as each CPU would run flush_cpu_slab). */
void flush_all_cpus(void);
/* Does the captured log contain needle? */
bool log_has(const char *needle);

#endif
