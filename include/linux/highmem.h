/*
 * highmem.h - reaching a page that may have no permanent kernel address (Linux 6.1's
 * include/linux/highmem.h and highmem-internal.h). Two ways in:
 *
 *   kmap(page)            persistent: a pkmap slot (kernel/mm/highmem.c), any CPU sees it, kept
 *                         until kunmap; may fail when all LAST_PKMAP slots are in use
 *   kmap_local_page(page) this CPU only, strictly nested (LIFO), for a moment: a fixmap slot
 *                         (arch/arm/mm/kmap_local.c); kmap_atomic is the same plus, in Linux,
 *                         preemption and page faults disabled
 *
 *   lowmem page   page_address(page) = __va(PFN_PHYS(pfn)): both return it as is
 *   HighMem page  kmap: PKMAP_ADDR(slot), recorded in the page-address hash, so page_address
 *                 finds it; kmap_local: FIX_KMAP_BEGIN + cpu * KM_MAX_IDX + depth, or the page's
 *                 pkmap address when it already has one (kmap_high_get)
 *
 *   pkmap_count[slot]  0 free | 1 mapped, no user, TLB may be stale | n >= 2: n - 1 users
 */
#ifndef _LINUX_HIGHMEM_H
#define _LINUX_HIGHMEM_H

#include <string.h>
#include <linux/mm.h>

/* A kernel address for @page until the matching kunmap_local (strictly nested, same CPU). */
void *kmap_local_page(struct page *page);
/* Undo the latest kmap_local_page of this CPU; @addr is what it returned. */
void kunmap_local(void *addr);

/*
 * Linux's kmap_atomic: kmap_local_page with preemption and page faults disabled. pimm has no
 * preemption (a command runs to its end on its CPU) and takes no page faults on kernel data,
 * so both disables are no-ops here and kmap_atomic is kmap_local_page.
 */
static inline void *kmap_atomic(struct page *page)
{
	return kmap_local_page(page);
}

/* Linux's kunmap_atomic(addr): kunmap_local, then (no-op here) page faults and preemption on. */
static inline void kunmap_atomic(void *addr)
{
	kunmap_local(addr);
}

#ifdef CONFIG_HIGHMEM
#include <linux/spinlock.h>

/* The page-address hash: 1 << PA_HASH_ORDER buckets (Linux's page_address_htable). */
#define PA_HASH_ORDER 7
#define PA_HASH_SIZE (1U << PA_HASH_ORDER)
/* Linux's hash_32 multiplier (include/linux/hash.h, GOLDEN_RATIO_32). */
#define GOLDEN_RATIO_32 0x61C88647U

/* One pkmap slot's entry in the hash (Linux's struct page_address_map): page -> its VA. */
struct page_address_map {
	struct page *page;
	void *virtual;
	struct page_address_map *next; /* next entry of the same bucket */
};

/* kmap state (kernel/mm/highmem.c), read by the shell under kmap_lock; the window's size and
 * addresses are asm/highmem.h's (LAST_PKMAP, PKMAP_ADDR, PKMAP_NR). */
extern int pkmap_count[];
extern unsigned int last_pkmap_nr;
extern spinlock_t kmap_lock;
/* Times flush_all_zero_pkmaps ran (one per wrap of last_pkmap_nr), and slots it freed. */
extern unsigned long pkmap_flushes, pkmap_flushed_slots;

/* The bucket of @page (Linux: hash_ptr(page, PA_HASH_ORDER), 32-bit hash_32). */
static inline unsigned int page_address_hash(const struct page *page)
{
	return ((u32)(unsigned long)page * GOLDEN_RATIO_32) >> (32 - PA_HASH_ORDER);
}

/* Record (@virtual != NULL, a pkmap address) or forget (NULL) @page's address in the hash. */
void set_page_address(struct page *page, void *virtual);
/* Entries in the hash (pimm: mm-check compares it with the slots in use). */
unsigned int page_address_entries(void);

/* Map a HighMem page in the pkmap window, or count one more user; NULL when all are busy. */
void *kmap_high(struct page *page);
/* One user less of a kmapped page; 0 when done, -1 (with a WARN) when it had no user. */
int kunmap_high(struct page *page);
/* As kunmap_high without the WARN, for the shell's refusal; the new count or -1. */
int kunmap_high_try(struct page *page);
/* The page's pkmap address with one more user if it has one, else NULL (never maps). */
void *kmap_high_get(struct page *page);
/* mm-check's "pkmap" stage: count, PTE and hash agree for every slot; violations found. */
int pkmap_check(void (*report)(const char *fmt, ...) __printf(1, 2), unsigned int *in_use,
		unsigned int *mapped);

/* A kernel address for @page valid on every CPU until kunmap; NULL if no slot was free. */
static inline void *kmap(struct page *page)
{
	if (!PageHighMem(page))
		return page_address(page);
	return kmap_high(page);
}

/* Release what kmap(@page) gave (a lowmem page: nothing to do). */
static inline void kunmap(struct page *page)
{
	if (PageHighMem(page))
		kunmap_high(page);
}
#else
static inline void *kmap(struct page *page)
{
	return page_address(page);
}

static inline void kunmap(struct page *page)
{
	(void)page;
}

static inline void *kmap_high_get(struct page *page)
{
	(void)page;
	return NULL;
}
#endif

/* Zero one page, wherever it lives (Linux's clear_highpage). */
static inline void clear_highpage(struct page *page)
{
	void *kaddr = kmap_local_page(page);

	memset(kaddr, 0, PAGE_SIZE);
	kunmap_local(kaddr);
}

#endif
