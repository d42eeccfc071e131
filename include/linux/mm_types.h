/*
 * mm_types.h - struct page: one 32-byte descriptor per 4 KiB page frame (Linux 6.1's
 * include/linux/mm_types.h, ARM32 without MEMCG; docs/pipeline.md#zones-and-struct-page).
 *
 * Where it sits: bootmem_init -> free_area_init -> alloc_node_mem_map allocates mem_map, the
 * array of every page of node 0, from memblock; memmap_init fills it. From then on a page
 * frame and its struct page are two views of the same thing:
 *
 *   mem_map                                         physical memory
 *   +--------+--------+--------+--------+           +------+------+------+------+
 *   | page 0 | page 1 | page 2 |  ...   |  <----->  | pfn 0| pfn 1| pfn 2| ...  |
 *   +--------+--------+--------+--------+           +------+------+------+------+
 *     pfn_to_page(pfn) = mem_map + (pfn - PHYS_PFN_OFFSET);  page_to_pfn is the inverse
 *
 *   struct page (32 bytes on ARM32)
 *   +0  flags       PG_* bits 0..21 | zone number in bits 30-31 (ZONES_PGSHIFT)
 *   +4  lru / buddy_list / pcp_list    (list_head, 8 bytes: free-list or pcp link)
 *   +12 mapping     address_space (or anon_vma | 1), NULL for kernel pages
 *   +16 index       offset in mapping
 *   +20 private     buddy order while PageBuddy; else owner data
 *   +24 _mapcount / page_type   -1 = unmapped; page_type 0xffffff7f = PG_buddy
 *   +28 _refcount   1 after init, 0 while free in the buddy lists
 *
 * The 20 bytes at +4 are a union (LRU/buddy view, compound-tail view, page-table view), as
 * in Linux; only the first view is used so far.
 */
#ifndef _LINUX_MM_TYPES_H
#define _LINUX_MM_TYPES_H

#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/types.h>

/* A counter updated with atomic instructions (Linux's atomic_t; see page_ref_* in mm.h). */
#ifndef _PIMM_ATOMIC_T
#define _PIMM_ATOMIC_T
typedef struct {
	int counter;
} atomic_t;
#endif

struct address_space;

struct page {
	unsigned long flags; /* PG_* flags and the zone number (page-flags.h) */
	union {
		struct { /* page cache, anonymous, buddy and pcp pages */
			union {
				struct list_head lru;
				struct list_head buddy_list; /* free_area[order].free_list[mt] */
				struct list_head pcp_list;   /* per_cpu_pages.lists[pindex] */
			};
			struct address_space *mapping;
			unsigned long index;
			unsigned long private; /* buddy: the order of the free block */
		};
		struct { /* tail pages of a compound page */
			unsigned long compound_head; /* head page address | 1 */
			unsigned char compound_dtor;
			unsigned char compound_order;
			atomic_t compound_mapcount;
			atomic_t compound_pincount;
		};
		struct { /* page-table pages */
			unsigned long _pt_pad_1;
			unsigned long _pt_pad_2;
			unsigned long _pt_pad_3;
			unsigned long pt_frag_refcount;
			unsigned long ptl;
		};
	};
	union {
		atomic_t _mapcount;     /* mapped user PTEs - 1 */
		unsigned int page_type; /* PAGE_TYPE_BASE with one type bit cleared */
	};
	atomic_t _refcount;
};

#if __SIZEOF_LONG__ == 4 && __SIZEOF_POINTER__ == 4
/* The ARM32 layout: 32 bytes, so that 128 descriptors fill one 4 KiB page. */
BUILD_BUG_ON(sizeof(struct page) != 32);
BUILD_BUG_ON(offsetof(struct page, private) != 20);
BUILD_BUG_ON(offsetof(struct page, _refcount) != 28);
#endif

#endif
