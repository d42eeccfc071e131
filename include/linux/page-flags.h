/*
 * page-flags.h - the PG_* bits of struct page's flags word and the page types kept in
 * _mapcount (Linux 6.1's include/linux/page-flags.h).
 *
 * Where it sits: memmap_init (kernel/mm/mm_init.c) gives every page its zone number and
 * PG_reserved; memblock_free_all (kernel/mm/memblock_free_all.c) clears PG_reserved on the pages it
 * hands to the buddy allocator (kernel/mm/page_alloc.c), which marks its free blocks PageBuddy.
 *
 *   flags  31 30 29 ........ 22 21 ......................... 0
 *         +-----+---------------+-------------------------------+
 *         |zone |    unused     | PG_mlocked ... PG_locked      |
 *         +-----+---------------+-------------------------------+
 *   page_type (aliases _mapcount): 0xffffffff = no type, -1 mapcount;
 *   PageBuddy: bit 0x80 clear (0xffffff7f), PageTable: 0x200 clear, ...
 */
#ifndef _LINUX_PAGE_FLAGS_H
#define _LINUX_PAGE_FLAGS_H

#include <linux/mm_types.h>

enum pageflags {
	PG_locked,
	PG_referenced,
	PG_uptodate,
	PG_dirty,
	PG_lru,
	PG_active,
	PG_workingset,
	PG_waiters,
	PG_error,
	PG_slab,
	PG_owner_priv_1,
	PG_arch_1,
	PG_reserved,
	PG_private,
	PG_private_2,
	PG_writeback,
	PG_head,
	PG_mappedtodisk,
	PG_reclaim,
	PG_swapbacked,
	PG_unevictable,
	PG_mlocked,
	__NR_PAGEFLAGS,
};

/* "reserved", "slab"... for bit PG_x (Linux's pageflag_names, %pGp), NULL past the last. */
const char *pageflag_name(unsigned int bit);

#define PAGEFLAGS_MASK ((1UL << __NR_PAGEFLAGS) - 1)

/* A page being freed must have none of these (bad_page: "PAGE_FLAGS_CHECK_AT_FREE flag(s) set"). */
#define PAGE_FLAGS_CHECK_AT_FREE                                                                   \
	(1UL << PG_lru | 1UL << PG_locked | 1UL << PG_private | 1UL << PG_private_2 |             \
	 1UL << PG_writeback | 1UL << PG_reserved | 1UL << PG_slab | 1UL << PG_active |          \
	 1UL << PG_unevictable | 1UL << PG_mlocked)
/* A page being handed out must have no flag at all (cleared when it is freed). */
#define PAGE_FLAGS_CHECK_AT_PREP PAGEFLAGS_MASK

/* Test/set/clear helpers: PageReserved(page), SetPageReserved(page), ClearPageReserved(page). */
#define PAGEFLAG(uname, lname)                                                                     \
	static inline bool Page##uname(const struct page *page)                                    \
	{                                                                                          \
		return (page->flags >> PG_##lname) & 1;                                            \
	}                                                                                          \
	static inline void SetPage##uname(struct page *page)                                       \
	{                                                                                          \
		page->flags |= 1UL << PG_##lname;                                                  \
	}                                                                                          \
	static inline void ClearPage##uname(struct page *page)                                     \
	{                                                                                          \
		page->flags &= ~(1UL << PG_##lname);                                               \
	}

PAGEFLAG(Locked, locked)
PAGEFLAG(Dirty, dirty)
PAGEFLAG(LRU, lru)
PAGEFLAG(Slab, slab)
PAGEFLAG(Reserved, reserved)
PAGEFLAG(Private, private)
PAGEFLAG(Head, head)

/* Linux's non-atomic __SetPageReserved: boot code owns the page, no other CPU looks. */
#define __SetPageReserved(page) SetPageReserved(page)
#define __ClearPageReserved(page) ClearPageReserved(page)

/* Page types live in page_type (= _mapcount): a type is set by clearing its bit. */
#define PAGE_TYPE_BASE 0xf0000000u
#define PAGE_MAPCOUNT_RESERVE (-128)
#define PG_buddy 0x00000080u
#define PG_offline 0x00000100u
#define PG_table 0x00000200u
#define PG_guard 0x00000400u

#define PageType(page, flag) (((page)->page_type & (PAGE_TYPE_BASE | (flag))) == PAGE_TYPE_BASE)

static inline bool page_has_type(const struct page *page)
{
	return (int)page->page_type < PAGE_MAPCOUNT_RESERVE;
}

#define PAGE_TYPE_OPS(uname, flag)                                                                 \
	static inline bool Page##uname(const struct page *page)                                    \
	{                                                                                          \
		return PageType(page, flag);                                                       \
	}                                                                                          \
	static inline void __SetPage##uname(struct page *page)                                     \
	{                                                                                          \
		page->page_type &= ~(flag);                                                        \
	}                                                                                          \
	static inline void __ClearPage##uname(struct page *page)                                   \
	{                                                                                          \
		page->page_type |= (flag);                                                         \
	}

PAGE_TYPE_OPS(Buddy, PG_buddy)
PAGE_TYPE_OPS(Offline, PG_offline)
PAGE_TYPE_OPS(Table, PG_table)
PAGE_TYPE_OPS(Guard, PG_guard)

#endif
