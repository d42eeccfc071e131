/*
 * kernel/mm/migrate.c - page migration of non-LRU movable pages (Linux 6.1's mm/migrate.c:
 * isolate_movable_page, putback_movable_pages, migrate_pages, unmap_and_move,
 * alloc_migration_target). Used after the boot pipeline by alloc_contig_range
 * (kernel/mm/page_contig.c), which cma_alloc calls to empty a range of a CMA area.
 *
 *   isolate_movable_page(page)        reference + page lock + ops->isolate_page, PG_isolated
 *   migrate_pages(from, get_new_page) up to 10 passes over the list:
 *     unmap_and_move(page)
 *       refcount 1: the owner freed it meanwhile, nothing to move
 *       new = get_new_page(page)      (alloc_migration_target)  none: -ENOMEM, stop
 *       move_to_new_page: page lock, ops->migrate_page(new, page)
 *         success: PG_isolated cleared, page off the list, put_page (freed)
 *         no longer movable (owner let go): success, page to its owner, new freed
 *         -EAGAIN: page stays for the next pass, new freed
 *   putback_movable_pages(list)       ops->putback_page, put_page
 *
 *   before:  owner record -> page A (refcount 1)      isolated: A refcount 2, on the list
 *   after:   owner record -> page B (refcount 1)      A: refcount 0, free (in its pageblock)
 */
#include <errno.h>
#include <string.h>

#include <linux/highmem.h>
#include <linux/kernel.h>
#include <linux/migrate.h>
#include <linux/mm.h>

unsigned long pgmigrate_success, pgmigrate_fail;

/* See migrate.h. */
void migrate_page_copy(struct page *dst, struct page *src)
{
	void *to = kmap_local_page(dst);
	void *from = kmap_local_page(src);

	memcpy(to, from, PAGE_SIZE);
	kunmap_local(from);
	kunmap_local(to);
}

/* See migrate.h. */
int isolate_movable_page(struct page *page, isolate_mode_t mode)
{
	const struct movable_operations *mops;

	if (!get_page_unless_zero(page))
		return -EBUSY;
	if (!__PageMovable(page) || !trylock_page(page))
		goto out_putpage;
	if (!PageMovable(page) || PageIsolated(page))
		goto out_no_isolated;
	mops = page_movable_ops(page);
	if (!mops->isolate_page(page, mode))
		goto out_no_isolated;
	SetPageIsolated(page);
	unlock_page(page);
	return 0;

out_no_isolated:
	unlock_page(page);
out_putpage:
	put_page(page);
	return -EBUSY;
}

/* See migrate.h. */
void putback_movable_pages(struct list_head *l)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, l, lru) {
		list_del(&page->lru);
		while (!trylock_page(page))
			continue; /* held only for a moment by a migrating CPU */
		if (PageMovable(page))
			page_movable_ops(page)->putback_page(page);
		ClearPageIsolated(page);
		unlock_page(page);
		put_page(page);
	}
}

/*
 * ops->migrate_page under the page lock; PG_isolated cleared once the page moved. *used says
 * whether newpage now holds the contents (the owner took over its reference): not when the
 * owner let go of the page after isolation (no longer movable), which 6.1 also counts as moved.
 */
static int move_to_new_page(struct page *newpage, struct page *page, enum migrate_mode mode,
			    bool *used)
{
	int rc;

	*used = false;
	if (!trylock_page(page))
		return -EAGAIN;
	if (!PageMovable(page)) {
		rc = MIGRATEPAGE_SUCCESS; /* the owner let go of it meanwhile: nothing to copy */
	} else {
		rc = page_movable_ops(page)->migrate_page(newpage, page, mode);
		*used = rc == MIGRATEPAGE_SUCCESS;
	}
	if (rc == MIGRATEPAGE_SUCCESS)
		ClearPageIsolated(page);
	unlock_page(page);
	return rc;
}

/* Give back a new page migration did not use (put_new_page, else put_page). */
static void release_new_page(struct page *newpage, free_page_t put_new_page, unsigned long private)
{
	if (put_new_page)
		put_new_page(newpage, private);
	else
		put_page(newpage);
}

/* Migrate one isolated page (Linux's unmap_and_move); MIGRATEPAGE_SUCCESS, -EAGAIN, -ENOMEM. */
static int unmap_and_move(new_page_t get_new_page, free_page_t put_new_page,
			  unsigned long private, struct page *page, enum migrate_mode mode,
			  struct list_head *ret)
{
	struct page *newpage = NULL;
	int rc = MIGRATEPAGE_SUCCESS;
	bool used = false;

	if (page_count(page) == 1) { /* only our reference left: the owner freed it */
		ClearPageIsolated(page);
		goto out;
	}
	newpage = get_new_page(page, private);
	if (!newpage)
		return -ENOMEM;
	rc = move_to_new_page(newpage, page, mode, &used);
out:
	if (rc != -EAGAIN)
		list_del(&page->lru);
	if (rc == MIGRATEPAGE_SUCCESS)
		put_page(page); /* the isolation reference: the page is free now (or the owner's) */
	else if (rc != -EAGAIN)
		list_add_tail(&page->lru, ret);
	if (newpage && !used)
		release_new_page(newpage, put_new_page, private);
	return rc;
}

/* See migrate.h. */
int migrate_pages(struct list_head *from, new_page_t get_new_page, free_page_t put_new_page,
		  unsigned long private, enum migrate_mode mode, int reason,
		  unsigned int *ret_succeeded)
{
	unsigned int nr_succeeded = 0;
	int pass, retry = 1, nr_failed = 0, rc;
	struct page *page, *next;
	LIST_HEAD(ret_pages);

	(void)reason;
	for (pass = 0; pass < 10 && retry; pass++) {
		retry = 0;
		list_for_each_entry_safe(page, next, from, lru) {
			rc = unmap_and_move(get_new_page, put_new_page, private, page, mode,
					    &ret_pages);
			if (rc == -ENOMEM) {
				nr_failed++;
				goto out;
			} else if (rc == -EAGAIN) {
				retry++;
			} else if (rc == MIGRATEPAGE_SUCCESS) {
				nr_succeeded++;
			} else {
				nr_failed++;
			}
		}
	}
	nr_failed += retry;
	rc = nr_failed;
out:
	list_splice(&ret_pages, from);
	__atomic_add_fetch(&pgmigrate_success, nr_succeeded, __ATOMIC_RELAXED);
	__atomic_add_fetch(&pgmigrate_fail, (unsigned long)nr_failed, __ATOMIC_RELAXED);
	if (ret_succeeded)
		*ret_succeeded = nr_succeeded;
	return rc;
}

/* See migrate.h. */
struct page *alloc_migration_target(struct page *page, unsigned long private)
{
	const struct migration_target_control *mtc = (void *)private;
	gfp_t gfp_mask = mtc->gfp_mask;

	if (PageHighMem(page))
		gfp_mask |= __GFP_HIGHMEM;
	return alloc_pages(gfp_mask, 0);
}
