/*
 * internal.h - declarations shared by the files of kernel/mm and nobody else, as Linux's
 * mm/internal.h. (pimm splits Linux 6.1's mm/page_alloc.c in two, as later Linux does:
 * mm_init.c builds the zones at boot, page_alloc.c owns the pagesets and the allocator.)
 */
#ifndef _KERNEL_MM_INTERNAL_H
#define _KERNEL_MM_INTERNAL_H

#include <linux/mmzone.h>

/* page_alloc.c: point a new zone at the boot pageset (free_area_init_core calls it). */
void zone_pcp_init(struct zone *zone);

#endif
