/*
 * pageblock-flags.h - the per-pageblock bits (Linux 6.1's include/linux/pageblock-flags.h).
 *
 * Every pageblock (2^pageblock_order = 1024 pages = 4 MiB) has NR_PAGEBLOCK_BITS = 4 bits in
 * its zone's pageblock_flags bitmap (setup_usemap): 3 for the migratetype, 1 for compaction.
 *
 *   zone->pageblock_flags (unsigned long words)
 *   word 0: | blk0 | blk1 | blk2 | blk3 | blk4 | blk5 | blk6 | blk7 |   (32-bit: 8 blocks/word)
 *             \__ bits 0-2 migratetype, bit 3 skip
 *   block index = (pfn - round_down(zone_start_pfn, pageblock_nr_pages)) >> pageblock_order
 */
#ifndef _LINUX_PAGEBLOCK_FLAGS_H
#define _LINUX_PAGEBLOCK_FLAGS_H

enum pageblock_bits {
	PB_migrate,
	PB_migrate_end = PB_migrate + 3 - 1, /* 3 bits: the migratetype */
	PB_migrate_skip,                     /* compaction: skip this block */
	NR_PAGEBLOCK_BITS
};

/* No hugetlb without LPAE: a pageblock is a MAX_ORDER-1 block. */
#define pageblock_order 10
#define pageblock_nr_pages (1UL << pageblock_order)

#define MIGRATETYPE_MASK ((1UL << (PB_migrate_end + 1)) - 1)

struct page;

/* The bits of mask for the pageblock holding pfn (page is any page of the zone). */
unsigned long get_pfnblock_flags_mask(const struct page *page, unsigned long pfn,
				      unsigned long mask);
/* Replace the bits of mask with flags for the pageblock holding pfn. */
void set_pfnblock_flags_mask(struct page *page, unsigned long flags, unsigned long pfn,
			     unsigned long mask);

#endif
