/*
 * migrate.h - page migration (Linux 6.1's include/linux/migrate.h, mm/migrate.c): moving an
 * in-use page's contents to another page and telling its owner, so that a range can be
 * emptied (alloc_contig_range, kernel/mm/page_contig.c, for cma_alloc).
 *
 * Where it sits: after the boot pipeline. pimm has no LRU (no page cache, no user memory),
 * so only non-LRU movable pages migrate: an owner marks its page with __SetPageMovable and
 * its movable_operations, and migration goes through them.
 *
 *   page->mapping = &ops | PAGE_MAPPING_MOVABLE        (bit 1: "a movable page, not a file")
 *
 *   isolate_movable_page(page)   get_page, page lock, ops->isolate_page, PG_isolated
 *   migrate_pages(list, alloc_migration_target, ...)   up to 10 passes:
 *     new = alloc_migration_target(page)               a page of the same gfp class
 *     ops->migrate_page(new, page)  the owner copies (migrate_page_copy), moves its record
 *                                   and drops its reference to page; -EAGAIN: try again
 *     put_page(page)                the isolation reference: page freed
 *   putback_movable_pages(list)  not migrated: ops->putback_page, put_page
 */
#ifndef _LINUX_MIGRATE_H
#define _LINUX_MIGRATE_H

#include <linux/list.h>
#include <linux/mm.h>

#define PAGE_MAPPING_ANON 0x1UL
#define PAGE_MAPPING_MOVABLE 0x2UL
#define PAGE_MAPPING_KSM (PAGE_MAPPING_ANON | PAGE_MAPPING_MOVABLE)
#define PAGE_MAPPING_FLAGS (PAGE_MAPPING_ANON | PAGE_MAPPING_MOVABLE)

#define MIGRATEPAGE_SUCCESS 0

typedef unsigned int isolate_mode_t;

enum migrate_mode { MIGRATE_ASYNC, MIGRATE_SYNC_LIGHT, MIGRATE_SYNC, MIGRATE_SYNC_NO_COPY };

enum migrate_reason {
	MR_COMPACTION,
	MR_MEMORY_FAILURE,
	MR_MEMORY_HOTPLUG,
	MR_SYSCALL,
	MR_MEMPOLICY_MBIND,
	MR_NUMA_MISPLACED,
	MR_CONTIG_RANGE,
	MR_LONGTERM_PIN,
	MR_DEMOTION,
	MR_TYPES
};

/* What the owner of a non-LRU movable page provides (Linux 6.1's struct movable_operations). */
struct movable_operations {
	/* May page be taken for migration now? (The page lock is held.) */
	bool (*isolate_page)(struct page *page, isolate_mode_t mode);
	/* Move src's contents and the owner's record to dst; MIGRATEPAGE_SUCCESS or -EAGAIN. */
	int (*migrate_page)(struct page *dst, struct page *src, enum migrate_mode mode);
	/* Migration gave up: the page is the owner's again. */
	void (*putback_page)(struct page *page);
};

/* Is page a non-LRU movable page (mapping tagged PAGE_MAPPING_MOVABLE)? */
static inline bool __PageMovable(const struct page *page)
{
	return ((unsigned long)page->mapping & PAGE_MAPPING_FLAGS) == PAGE_MAPPING_MOVABLE;
}

/* Has page still its movable_operations (not cleared by the owner meanwhile)? */
static inline bool PageMovable(const struct page *page)
{
	return __PageMovable(page) &&
	       ((unsigned long)page->mapping & ~PAGE_MAPPING_FLAGS) != 0;
}

static inline const struct movable_operations *page_movable_ops(const struct page *page)
{
	return (const struct movable_operations *)((unsigned long)page->mapping -
						   PAGE_MAPPING_MOVABLE);
}

/* The owner makes its page movable through mops (page allocated, refcount >= 1). */
static inline void __SetPageMovable(struct page *page, const struct movable_operations *mops)
{
	page->mapping = (struct address_space *)((unsigned long)mops | PAGE_MAPPING_MOVABLE);
}

/*
 * The owner no longer lets page move. Linux keeps the PAGE_MAPPING_MOVABLE bit and clears it
 * in free_pages_prepare; pimm's free_pages_prepare does not, so the whole mapping goes.
 */
static inline void __ClearPageMovable(struct page *page)
{
	page->mapping = NULL;
}

/* PG_isolated: taken for migration (Linux aliases it to PG_reclaim). */
static inline bool PageIsolated(const struct page *page)
{
	return (__atomic_load_n(&page->flags, __ATOMIC_RELAXED) >> PG_reclaim) & 1;
}

static inline void SetPageIsolated(struct page *page)
{
	__atomic_fetch_or(&page->flags, 1UL << PG_reclaim, __ATOMIC_RELAXED);
}

static inline void ClearPageIsolated(struct page *page)
{
	__atomic_fetch_and(&page->flags, ~(1UL << PG_reclaim), __ATOMIC_RELAXED);
}

/* The page lock (PG_locked): true if taken. */
static inline bool trylock_page(struct page *page)
{
	return !(__atomic_fetch_or(&page->flags, 1UL << PG_locked, __ATOMIC_ACQUIRE) &
		 (1UL << PG_locked));
}

static inline void unlock_page(struct page *page)
{
	__atomic_fetch_and(&page->flags, ~(1UL << PG_locked), __ATOMIC_RELEASE);
}

/* Take a reference unless the page is free (refcount 0); true if taken. */
static inline bool get_page_unless_zero(struct page *page)
{
	int c = page_ref_count(page);

	while (c != 0)
		if (__atomic_compare_exchange_n(&page->_refcount.counter, &c, c + 1, false,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return true;
	return false;
}

/* Drop a reference to an order-0 page; the last one frees it. */
static inline void put_page(struct page *page)
{
	__free_pages(page, 0);
}

/* How alloc_migration_target allocates (Linux's struct migration_target_control). */
struct migration_target_control {
	int nid;
	gfp_t gfp_mask;
};

/* A new page for page's contents: private is a struct migration_target_control *. */
typedef struct page *new_page_t(struct page *page, unsigned long private);
/* Give back an unused new page. */
typedef void free_page_t(struct page *page, unsigned long private);

/* Take a movable page for migration (a reference, PG_isolated); 0 or -EBUSY. */
int isolate_movable_page(struct page *page, isolate_mode_t mode);
/* Give every page of l (linked by lru) back to its owner. */
void putback_movable_pages(struct list_head *l);
/*
 * Migrate every page of from (linked by lru): new pages from get_new_page; the pages that
 * moved leave the list. Returns the pages not migrated (0: all), or -ENOMEM; *ret_succeeded
 * (if given) the pages migrated.
 */
int migrate_pages(struct list_head *from, new_page_t get_new_page, free_page_t put_new_page,
		  unsigned long private, enum migrate_mode mode, int reason,
		  unsigned int *ret_succeeded);
/* See new_page_t: alloc_pages(mtc->gfp_mask, same order), HighMem allowed if page is. */
struct page *alloc_migration_target(struct page *page, unsigned long private);
/* Copy src's contents into dst (either may be HighMem). */
void migrate_page_copy(struct page *dst, struct page *src);

/* Linux's PGMIGRATE_SUCCESS / PGMIGRATE_FAIL events: pages migrated, pages that failed. */
extern unsigned long pgmigrate_success, pgmigrate_fail;

#endif
