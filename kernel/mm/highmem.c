/*
 * kernel/mm/highmem.c - persistent kmaps (pkmap) and the page-address hash, the generic part of
 * Linux 6.1's mm/highmem.c (kmap_high, map_new_virtual, flush_all_zero_pkmaps, kunmap_high,
 * kmap_high_get, page_address, set_page_address). CONFIG_HIGHMEM only.
 *
 * Where it sits: usable once paging_init's kmap_init has allocated pkmap_page_table (the one PTE
 * page of [PKMAP_BASE, PAGE_OFFSET)); the shell's kmap/kunmap drive it, kmap_local_page
 * (arch/arm/mm/kmap_local.c) reuses its mappings through kmap_high_get.
 *
 *   kmap(page) -> kmap_high                 under kmap_lock (IRQs off: kmap_high_get may be
 *     page_address (hash lookup)            called from kmap_local in any context)
 *     map_new_virtual                       only when the page has no address yet
 *       last_pkmap_nr = (last + 1) & 511    so the first slot handed out is 1
 *       flush_all_zero_pkmaps               on wrap to 0: every count-1 slot -> PTE cleared,
 *         set_page_address(page, NULL)        hash entry dropped, count 0; then one
 *         flush_tlb_kernel_range              flush of the whole window
 *       set_pte_ext(PAGE_KERNEL)            count = 1, set_page_address(page, vaddr)
 *     pkmap_count[slot]++                   >= 2 while someone holds it
 *   kunmap(page) -> kunmap_high             count--; reaching 1: no user, PTE kept (stale)
 *
 *   pkmap window    PKMAP_BASE                                         PAGE_OFFSET
 *                   | slot 0 | slot 1 | ...                  | slot 511 |
 *   pkmap_count[]      0        3                               1
 *                      free     2 users                         no user, flushed on next wrap
 *
 *   page_address_htable[hash_32(page, 7)] -> page_address_map -> page_address_map -> NULL
 *   page_address_maps[slot] = {page, PKMAP_ADDR(slot)}: the hash entries live in a pool with
 *   one entry per slot, so the hash never allocates.
 *
 * When all 512 slots hold users Linux sleeps on pkmap_map_wait until a kunmap wakes it; pimm
 * has no scheduler to sleep in, so kmap_high warns and returns NULL (the caller fails cleanly).
 */
#include <linux/bug.h>
#include <linux/highmem.h>
#include <linux/printk.h>
#include <pimm/lab.h>
#include <asm/highmem.h>
#include <asm/pgalloc.h>
#include <asm/tlbflush.h>

/* Linux's kmap_prot on ARM: PAGE_KERNEL (cacheable, write-allocate, shared, never executed). */
#define kmap_prot PAGE_KERNEL

int pkmap_count[LAST_PKMAP];
unsigned int last_pkmap_nr;
DEFINE_SPINLOCK(kmap_lock);
unsigned long pkmap_flushes, pkmap_flushed_slots;

/* One bucket of the page-address hash: its own lock, a NULL-terminated list. */
struct page_address_slot {
	struct page_address_map *head;
	spinlock_t lock;
};

/*
 * Zeroed memory is an empty, unlocked bucket, so pimm needs no page_address_init (Linux's
 * initialises list heads there).
 */
static struct page_address_slot page_address_htable[PA_HASH_SIZE];
static struct page_address_map page_address_maps[LAST_PKMAP];

static struct page_address_slot *page_slot(const struct page *page)
{
	return &page_address_htable[page_address_hash(page)];
}

/* A page's kernel address: linear for lowmem, its pkmap address (or NULL) for HighMem. */
void *page_address(const struct page *page)
{
	struct page_address_slot *pas;
	struct page_address_map *pam;
	unsigned long flags;
	void *ret = NULL;

	if (!PageHighMem(page))
		return lowmem_page_address(page);
	pas = page_slot(page);
	spin_lock_irqsave(&pas->lock, flags);
	for (pam = pas->head; pam; pam = pam->next)
		if (pam->page == page) {
			ret = pam->virtual;
			break;
		}
	spin_unlock_irqrestore(&pas->lock, flags);
	return ret;
}

/* Record @page at pkmap address @virtual, or (NULL) drop its record. Caller holds kmap_lock. */
void set_page_address(struct page *page, void *virtual)
{
	struct page_address_slot *pas = page_slot(page);
	struct page_address_map *pam, **pp;
	unsigned long flags;

	BUG_ON(!PageHighMem(page));
	spin_lock_irqsave(&pas->lock, flags);
	if (virtual) {
		pam = &page_address_maps[PKMAP_NR((unsigned long)virtual)];
		pam->page = page;
		pam->virtual = virtual;
		pam->next = pas->head;
		pas->head = pam;
	} else {
		for (pp = &pas->head; *pp; pp = &(*pp)->next)
			if ((*pp)->page == page) {
				*pp = (*pp)->next;
				break;
			}
	}
	spin_unlock_irqrestore(&pas->lock, flags);
}

unsigned int page_address_entries(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < PA_HASH_SIZE; i++)
		for (struct page_address_map *pam = page_address_htable[i].head; pam; pam = pam->next)
			n++;
	return n;
}

/* The page a pkmap PTE maps (Linux's pte_page). */
static struct page *pkmap_pte_page(pte_t pte)
{
	return pfn_to_page(pte_pfn(pte));
}

/*
 * Free every slot nobody uses (count 1): clear its PTE, forget its address, count 0; then drop
 * the whole window from every CPU's TLB at once. ARMv7's caches do not alias (VIPT
 * non-aliasing), so Linux's flush_cache_kmaps is a no-op here. Caller holds kmap_lock.
 */
static void flush_all_zero_pkmaps(void)
{
	bool need_flush = false;

	for (unsigned int i = 0; i < LAST_PKMAP; i++) {
		pte_t pte = pkmap_page_table[i];

		if (pkmap_count[i] != 1)
			continue;
		pkmap_count[i] = 0;
		BUG_ON(pte_none(pte));
		set_pte_ext(&pkmap_page_table[i], 0, 0); /* Linux's pte_clear */
		set_page_address(pkmap_pte_page(pte), NULL);
		pkmap_flushed_slots++;
		need_flush = true;
	}
	pkmap_flushes++;
	if (need_flush)
		flush_tlb_kernel_range(PKMAP_ADDR(0), PKMAP_ADDR(LAST_PKMAP));
}

/*
 * Give @page a free slot: scan from last_pkmap_nr + 1, flushing the unused slots when the scan
 * wraps to 0; after LAST_PKMAP fruitless steps since the last flush, give up (Linux sleeps).
 * Returns the slot's address, 0 when every slot is in use. Caller holds kmap_lock.
 */
static unsigned long map_new_virtual(struct page *page)
{
	unsigned int count = LAST_PKMAP;
	unsigned long vaddr;

	/* LAB9 BEGIN */
	for (;;) {
		last_pkmap_nr = (last_pkmap_nr + 1) & LAST_PKMAP_MASK;
		if (last_pkmap_nr == 0) {
			flush_all_zero_pkmaps();
			count = LAST_PKMAP;
		}
		if (!pkmap_count[last_pkmap_nr])
			break;
		if (--count == 0)
			return 0;
	}
	/* LAB9 TODO
	lab_todo(9, "highmem", "map_new_virtual");
	// Until it is written, the lowest free slot is taken; only when none is free are the
	// unused slots flushed.
	for (;;) {
		unsigned int nr = 0;

		while (nr < LAST_PKMAP && pkmap_count[nr])
			nr++;
		if (nr < LAST_PKMAP) {
			last_pkmap_nr = nr;
			break;
		}
		if (count == 0)
			return 0;
		flush_all_zero_pkmaps();
		count = 0;
	}
	*/
	/* LAB9 END */
	vaddr = PKMAP_ADDR(last_pkmap_nr);
	set_pte_ext(&pkmap_page_table[last_pkmap_nr], pfn_pte(page_to_pfn(page), kmap_prot), 0);
	pkmap_count[last_pkmap_nr] = 1;
	set_page_address(page, (void *)vaddr);
	return vaddr;
}

/* Map @page (HighMem) persistently, or count one more user of its mapping; NULL if no slot. */
void *kmap_high(struct page *page)
{
	unsigned long vaddr, flags;

	spin_lock_irqsave(&kmap_lock, flags);
	vaddr = (unsigned long)page_address(page);
	if (!vaddr)
		vaddr = map_new_virtual(page);
	if (vaddr) {
		pkmap_count[PKMAP_NR(vaddr)]++;
		BUG_ON(pkmap_count[PKMAP_NR(vaddr)] < 2);
	}
	spin_unlock_irqrestore(&kmap_lock, flags);
	if (!vaddr)
		pr_warn("kmap_high: all %d pkmap slots are in use; Linux would sleep on "
			"pkmap_map_wait, pimm has no scheduler: failing\n", LAST_PKMAP);
	return (void *)vaddr;
}

/* @page's pkmap address with one more user, or NULL if it has none (Linux's kmap_high_get). */
void *kmap_high_get(struct page *page)
{
	unsigned long vaddr, flags;

	spin_lock_irqsave(&kmap_lock, flags);
	vaddr = (unsigned long)page_address(page);
	if (vaddr) {
		BUG_ON(pkmap_count[PKMAP_NR(vaddr)] < 1);
		pkmap_count[PKMAP_NR(vaddr)]++;
	}
	spin_unlock_irqrestore(&kmap_lock, flags);
	return (void *)vaddr;
}

int kunmap_high_try(struct page *page)
{
	unsigned long vaddr, flags;
	int count = -1;

	spin_lock_irqsave(&kmap_lock, flags);
	vaddr = (unsigned long)page_address(page);
	if (vaddr && pkmap_count[PKMAP_NR(vaddr)] >= 2)
		count = --pkmap_count[PKMAP_NR(vaddr)];
	spin_unlock_irqrestore(&kmap_lock, flags);
	return count;
}

/*
 * One user less. Linux BUG()s when the count would reach 0 (a kunmap without its kmap) and when
 * the page has no address; a teaching kernel reports it and refuses instead. With a sleeping
 * kmap_high, reaching count 1 would wake pkmap_map_wait; pimm has no waiters.
 */
int kunmap_high(struct page *page)
{
	return WARN_ON(kunmap_high_try(page) < 0) ? -1 : 0;
}

/* Check one slot against its PTE and the hash; returns the violations. Caller holds kmap_lock. */
static int pkmap_check_slot(unsigned int i, void (*report)(const char *fmt, ...))
{
	pte_t pte = pkmap_page_table[i];
	u32 hw = ((u32 *)&pkmap_page_table[i])[PTE_HWTABLE_PTRS];
	unsigned long vaddr = PKMAP_ADDR(i);
	void *found;

	if (pkmap_count[i] < 0) {
		report("slot %u has count %d", i, pkmap_count[i]);
	} else if (pkmap_count[i] == 0) {
		if (pte_none(pte))
			return 0;
		report("slot %u is free but its PTE is %#x", i, pte);
	} else if (pte_none(pte)) {
		report("slot %u has count %d but no PTE", i, pkmap_count[i]);
	} else if ((found = page_address(pkmap_pte_page(pte))) != (void *)vaddr) {
		report("slot %u (pfn %#lx): page_address says %p, not %#lx", i, pte_pfn(pte), found,
		       vaddr);
	} else if (hw != pte_to_hw(pte, 0)) {
		report("slot %u: hardware PTE %#x does not match Linux PTE %#x", i, hw, pte);
	} else {
		return 0;
	}
	return 1;
}

int pkmap_check(void (*report)(const char *fmt, ...), unsigned int *in_use,
		unsigned int *mapped)
{
	unsigned int entries, i, j;
	unsigned long flags;
	int bad = 0;

	spin_lock_irqsave(&kmap_lock, flags);
	*in_use = *mapped = 0;
	for (i = 0; i < LAST_PKMAP; i++) {
		bad += pkmap_check_slot(i, report);
		*mapped += pkmap_count[i] >= 1;
		*in_use += pkmap_count[i] >= 2;
		for (j = 0; j < i && pkmap_count[i] >= 1; j++)
			if (pkmap_count[j] >= 1 && pte_pfn(pkmap_page_table[j]) ==
						   pte_pfn(pkmap_page_table[i]))
				report("pfn %#lx is in slots %u and %u",
				       pte_pfn(pkmap_page_table[i]), j, i), bad++;
	}
	entries = page_address_entries();
	if (entries != *mapped)
		report("%u hash entries for %u mapped slots", entries, *mapped), bad++;
	spin_unlock_irqrestore(&kmap_lock, flags);
	return bad;
}
