/*
 * gfp.h - allocation flags: which zone an allocation may come from and its migratetype
 * (Linux 6.1's include/linux/gfp_types.h + gfp.h, the zone-selection part).
 *
 *   gfp_zone(flags):  none -> ZONE_NORMAL, __GFP_HIGHMEM -> ZONE_HIGHMEM,
 *                     __GFP_HIGHMEM|__GFP_MOVABLE -> ZONE_MOVABLE; the allocator then walks the
 *                     zonelist entries whose index is <= that zone (HighMem, Normal, ...).
 *   (ZONE_DMA is configured out, so __GFP_DMA means ZONE_NORMAL, as Linux's OPT_ZONE_DMA.)
 */
#ifndef _LINUX_GFP_H
#define _LINUX_GFP_H

#include <linux/mmzone.h>
#include <linux/types.h>

#define __GFP_DMA 0x01u
#define __GFP_HIGHMEM 0x02u
#define __GFP_DMA32 0x04u
#define __GFP_MOVABLE 0x08u
#define __GFP_RECLAIMABLE 0x10u
#define __GFP_HIGH 0x20u
#define __GFP_IO 0x40u
#define __GFP_FS 0x80u
#define __GFP_ZERO 0x100u
#define __GFP_ATOMIC 0x200u
#define __GFP_DIRECT_RECLAIM 0x400u
#define __GFP_KSWAPD_RECLAIM 0x800u
#define __GFP_NOWARN 0x2000u
#define __GFP_COMP 0x40000u
#define __GFP_HARDWALL 0x100000u

#define GFP_ZONEMASK (__GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32 | __GFP_MOVABLE)
#define GFP_MOVABLE_MASK (__GFP_RECLAIMABLE | __GFP_MOVABLE)
#define GFP_MOVABLE_SHIFT 3

#define __GFP_RECLAIM (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)
#define GFP_ATOMIC (__GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL (__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_NOWAIT (__GFP_KSWAPD_RECLAIM)
#define GFP_USER (__GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL)
#define GFP_DMA __GFP_DMA
#define GFP_HIGHUSER (GFP_USER | __GFP_HIGHMEM)
#define GFP_HIGHUSER_MOVABLE (GFP_HIGHUSER | __GFP_MOVABLE)

/* The highest zone an allocation with these flags may use. */
static inline enum zone_type gfp_zone(gfp_t flags)
{
#ifdef CONFIG_HIGHMEM
	if (flags & __GFP_HIGHMEM)
		return (flags & __GFP_MOVABLE) ? ZONE_MOVABLE : ZONE_HIGHMEM;
#else
	if ((flags & (__GFP_HIGHMEM | __GFP_MOVABLE)) == (__GFP_HIGHMEM | __GFP_MOVABLE))
		return ZONE_MOVABLE;
#endif
	return ZONE_NORMAL;
}

/* UNMOVABLE, MOVABLE or RECLAIMABLE, from __GFP_MOVABLE / __GFP_RECLAIMABLE. */
static inline int gfp_migratetype(gfp_t flags)
{
	return (int)((flags & GFP_MOVABLE_MASK) >> GFP_MOVABLE_SHIFT);
}

/* One zonelist per node in a !NUMA kernel: the fallback list. */
static inline struct zonelist *node_zonelist(int nid, gfp_t flags)
{
	(void)nid;
	(void)flags;
	return NODE_DATA(nid)->node_zonelists + ZONELIST_FALLBACK;
}

#endif
