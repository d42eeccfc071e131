/*
 * test_highmem.c - the real kernel/mm/highmem.c on the host: pkmap slot choice, wrap-around
 * flushes, counts, refusals, the all-slots-busy failure and the page-address hash.
 *
 * The machine: NPAGES struct pages (pfn 0 .. NPAGES - 1; HighMem from HIGH_PFN up) in mem_map,
 * and a 4 KiB pkmap PTE page (512 Linux PTEs, then the 512 hardware ones) as pkmap_page_table.
 * flush_tlb_kernel_range records each call, so a test sees exactly when the window was flushed.
 * Between tests reset_pkmap() brings every slot back to free through the public interface.
 */
#include <stdio.h>
#include <string.h>

#include "support.h"

#include <asm/fixmap.h>
#include <asm/highmem.h>
#include <asm/pgalloc.h>
#include <linux/highmem.h>

#define NPAGES 4096
#define HIGH_PFN 1024

/* ---- what the kernel provides elsewhere ---- */
static struct page pages[NPAGES];
struct page *mem_map = pages;
static pte_t pkmap_ptes[2 * LAST_PKMAP] __attribute__((aligned(4096)));
pte_t *pkmap_page_table = pkmap_ptes;
void *high_memory;
static int range_flushes;
static unsigned long flushed_start, flushed_end;

void flush_pmd_entry(void *p) { (void)p; }
void clean_pmd_entry(void *p) { (void)p; }
void clean_pte_entry(void *p) { (void)p; }
void local_flush_tlb_all(void) { }
void flush_tlb_all(void) { }
void local_flush_tlb_kernel_page(unsigned long a) { (void)a; }
void flush_tlb_kernel_range(unsigned long s, unsigned long e)
{
	range_flushes++;
	flushed_start = s;
	flushed_end = e;
}

static struct page *high(unsigned int n)
{
	return &pages[HIGH_PFN + n];
}

/* Every slot free, last_pkmap_nr 0, the counters cleared (kunmap, then one forced wrap). */
static void reset_pkmap(void)
{
	struct page *dummy = high(NPAGES - HIGH_PFN - 1);

	for (unsigned int i = 0; i < LAST_PKMAP; i++)
		while (pkmap_count[i] >= 2)
			kunmap_high(pfn_to_page(pte_pfn(pkmap_page_table[i])));
	last_pkmap_nr = LAST_PKMAP - 1;
	assert_ptr_equal(kmap_high(dummy), (void *)PKMAP_ADDR(0)); /* wrap: all count-1 freed */
	kunmap_high(dummy);
	set_page_address(dummy, NULL);
	pkmap_count[0] = 0;
	set_pte_ext(&pkmap_page_table[0], 0, 0);
	last_pkmap_nr = 0;
	pkmap_flushes = pkmap_flushed_slots = 0;
	range_flushes = 0;
	mb_warns = 0;
	assert_int_equal(page_address_entries(), 0);
}

static int setup(void **state)
{
	(void)state;
	for (unsigned int pfn = 0; pfn < NPAGES; pfn++)
		set_page_zone(&pages[pfn], pfn >= HIGH_PFN ? ZONE_HIGHMEM : ZONE_NORMAL);
	reset_pkmap();
	mb_log_clear();
	return 0;
}

static unsigned int slot_of(void *va)
{
	return PKMAP_NR((unsigned long)va);
}

static void report_count(const char *fmt, ...)
{
	(void)fmt;
}

static void assert_pkmap_clean(void)
{
	unsigned int in_use, mapped;

	assert_int_equal(pkmap_check(report_count, &in_use, &mapped), 0);
}

/* The first kmap takes slot 1 (the scan starts at last_pkmap_nr + 1), PTE = PAGE_KERNEL. */
static void test_first_slot_is_1(void **state)
{
	struct page *p = high(0);
	void *va = kmap(p);
	pte_t pte = pkmap_page_table[1];

	(void)state;
	assert_ptr_equal(va, (void *)PKMAP_ADDR(1));
	assert_int_equal(pkmap_count[1], 2);
	assert_ptr_equal(page_address(p), va);
	assert_int_equal(pte, pfn_pte(page_to_pfn(p), PAGE_KERNEL));
	assert_int_equal(((u32 *)&pkmap_page_table[1])[PTE_HWTABLE_PTRS], pte_to_hw(pte, 0));
	assert_int_equal(page_address_entries(), 1);
	assert_int_equal(range_flushes, 0);
	assert_pkmap_clean();
	kunmap(p);
	assert_int_equal(pkmap_count[1], 1);
	assert_ptr_equal(page_address(p), va); /* stale until the next wrap */
	assert_pkmap_clean();
}

/* A lowmem page: its linear address, no slot, page_address the same. */
static void test_lowmem_is_linear(void **state)
{
	struct page *p = &pages[5];

	(void)state;
	assert_ptr_equal(kmap(p), __va(PFN_PHYS(5)));
	assert_ptr_equal(page_address(p), __va(PFN_PHYS(5)));
	kunmap(p);
	assert_int_equal(last_pkmap_nr, 0);
	assert_int_equal(page_address_entries(), 0);
	assert_ptr_equal(page_address(high(3)), NULL); /* unmapped HighMem page: no address */
}

/* kmap of a mapped page (in use or stale) reuses its slot and only counts. */
static void test_reuse_counts(void **state)
{
	struct page *p = high(1);
	void *va = kmap(p);

	(void)state;
	assert_ptr_equal(kmap(p), va);
	assert_int_equal(pkmap_count[slot_of(va)], 3);
	kunmap(p);
	kunmap(p);
	assert_int_equal(pkmap_count[slot_of(va)], 1);
	assert_ptr_equal(kmap(p), va); /* stale slot: taken back, no new slot */
	assert_int_equal(pkmap_count[slot_of(va)], 2);
	assert_int_equal(last_pkmap_nr, 1);
	assert_ptr_equal(kmap_high_get(p), va);
	assert_int_equal(pkmap_count[slot_of(va)], 3);
	assert_ptr_equal(kmap_high_get(high(2)), NULL); /* never maps */
	assert_int_equal(last_pkmap_nr, 1);
	assert_pkmap_clean();
}

/* kunmap without a user (count would reach 0) or of an unmapped page: WARN, refused. */
static void test_kunmap_to_zero_refused(void **state)
{
	struct page *p = high(4);
	void *va = kmap(p);

	(void)state;
	assert_int_equal(kunmap_high(p), 0);
	assert_int_equal(mb_warns, 0);
	assert_int_equal(kunmap_high(p), -1);
	assert_int_equal(mb_warns, 1);
	assert_int_equal(pkmap_count[slot_of(va)], 1);
	assert_int_equal(kunmap_high_try(p), -1);
	assert_int_equal(kunmap_high(high(5)), -1);
	assert_int_equal(mb_warns, 2);
	assert_pkmap_clean();
}

/*
 * 511 pages mapped and unmapped fill slots 1..511 with count 1, no flush yet. One more kmap
 * wraps: flush_all_zero_pkmaps runs once, frees exactly the count-1 slots (not slot 7, still
 * held), one TLB flush of the whole window, and the page gets slot 0; the next skip slot 7.
 */
static void test_wraparound(void **state)
{
	void *va;

	(void)state;
	for (unsigned int i = 0; i < LAST_PKMAP - 1; i++) {
		va = kmap(high(i));
		assert_int_equal(slot_of(va), i + 1);
		if (i + 1 != 7)
			kunmap(high(i));
	}
	assert_int_equal(range_flushes, 0);
	assert_int_equal(pkmap_flushes, 0);
	assert_int_equal(page_address_entries(), LAST_PKMAP - 1);
	va = kmap(high(600));
	assert_int_equal(slot_of(va), 0);
	assert_int_equal(pkmap_flushes, 1);
	assert_int_equal(range_flushes, 1);
	assert_int_equal(flushed_start, PKMAP_ADDR(0));
	assert_int_equal(flushed_end, PKMAP_ADDR(LAST_PKMAP));
	assert_int_equal(pkmap_flushed_slots, LAST_PKMAP - 2);
	assert_int_equal(pkmap_count[7], 2);
	assert_ptr_equal(page_address(high(6)), (void *)PKMAP_ADDR(7));
	assert_ptr_equal(page_address(high(0)), NULL);
	assert_true(pte_none(pkmap_page_table[1]));
	assert_int_equal(page_address_entries(), 2);
	for (unsigned int i = 1; i < 7; i++)
		assert_int_equal(slot_of(kmap(high(600 + i))), i);
	assert_int_equal(slot_of(kmap(high(607))), 8);
	assert_int_equal(pkmap_flushes, 1);
	assert_pkmap_clean();
	/* a second wrap flushes again, once */
	for (unsigned int i = 0; i < 8; i++)
		kunmap(high(600 + i));
	last_pkmap_nr = LAST_PKMAP - 1;
	assert_int_equal(slot_of(kmap(high(700))), 0);
	assert_int_equal(pkmap_flushes, 2);
	assert_int_equal(range_flushes, 2);
	assert_pkmap_clean();
}

/* All 512 slots held: kmap_high fails with a warning and changes nothing; a kunmap frees one. */
static void test_all_slots_busy(void **state)
{
	int counts[LAST_PKMAP];

	(void)state;
	for (unsigned int i = 0; i < LAST_PKMAP; i++)
		assert_int_equal(slot_of(kmap(high(i))), (i + 1) % LAST_PKMAP);
	memcpy(counts, pkmap_count, sizeof(counts));
	mb_log_clear();
	assert_ptr_equal(kmap(high(1000)), NULL);
	assert_non_null(strstr(mb_log_text(), "all 512 pkmap slots are in use"));
	assert_memory_equal(counts, pkmap_count, sizeof(counts));
	assert_ptr_equal(page_address(high(1000)), NULL);
	assert_int_equal(page_address_entries(), LAST_PKMAP);
	assert_int_equal(range_flushes, 0); /* wraps found nothing to free: no TLB flush */
	assert_pkmap_clean();
	kunmap(high(4)); /* slot 5: count 1 */
	assert_ptr_equal(kmap(high(1000)), (void *)PKMAP_ADDR(5));
	assert_int_equal(range_flushes, 1);
	assert_ptr_equal(page_address(high(4)), NULL);
	assert_pkmap_clean();
}

/* Pages sharing a bucket: each found, one dropped without disturbing the others. */
static void test_hash_collisions(void **state)
{
	struct page *same[3];
	unsigned int n = 0, bucket = page_address_hash(high(0));
	void *va[3];

	(void)state;
	for (unsigned int i = 0; i < NPAGES - HIGH_PFN - 1 && n < 3; i++)
		if (page_address_hash(high(i)) == bucket)
			same[n++] = high(i);
	assert_int_equal(n, 3);
	for (unsigned int i = 0; i < 3; i++)
		va[i] = kmap(same[i]);
	for (unsigned int i = 0; i < 3; i++)
		assert_ptr_equal(page_address(same[i]), va[i]);
	kunmap(same[1]);
	last_pkmap_nr = LAST_PKMAP - 1; /* force the wrap: slot of same[1] freed */
	kmap(high(NPAGES - HIGH_PFN - 2));
	kunmap(high(NPAGES - HIGH_PFN - 2));
	assert_ptr_equal(page_address(same[1]), NULL);
	assert_ptr_equal(page_address(same[0]), va[0]);
	assert_ptr_equal(page_address(same[2]), va[2]);
	assert_pkmap_clean();
}

static char check_log[4096];
static size_t check_len;

static void collect(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_len += (size_t)vsnprintf(check_log + check_len, sizeof(check_log) - check_len, fmt,
				       ap);
	va_end(ap);
	if (check_len < sizeof(check_log) - 1)
		check_log[check_len++] = '\n', check_log[check_len] = '\0';
}

/* pkmap_check counts mapped and used slots and names each kind of corruption. */
static void test_check_finds_corruption(void **state)
{
	unsigned int in_use, mapped;
	void *va = kmap(high(10));
	unsigned int s = slot_of(va);
	pte_t pte = pkmap_page_table[s];

	(void)state;
	kmap(high(11));
	kunmap(high(11));
	assert_int_equal(pkmap_check(collect, &in_use, &mapped), 0);
	assert_int_equal(mapped, 2);
	assert_int_equal(in_use, 1);
	check_len = 0;
	pkmap_count[s] = 0; /* free slot with a PTE, and a hash entry too many */
	assert_int_equal(pkmap_check(collect, &in_use, &mapped), 2);
	assert_non_null(strstr(check_log, "is free but its PTE"));
	assert_non_null(strstr(check_log, "2 hash entries for 1 mapped slots"));
	pkmap_count[s] = 2;
	check_len = 0;
	pkmap_count[100] = 2; /* same page in a second slot: not in the hash there */
	pkmap_page_table[100] = pte;
	assert_true(pkmap_check(collect, &in_use, &mapped) >= 2);
	assert_non_null(strstr(check_log, "page_address says"));
	assert_non_null(strstr(check_log, "is in slots"));
	pkmap_count[100] = 0;
	pkmap_page_table[100] = 0;
	assert_int_equal(pkmap_check(collect, &in_use, &mapped), 0);
}

/* The fixmap kmap slots follow 6.1: CPU c depth d at FIX_KMAP_BEGIN + 16c + d; CPU0's first
 * at 0xffefe000, and the pkmap window ends at PAGE_OFFSET. */
static void test_layout(void **state)
{
	(void)state;
	assert_int_equal(__fix_to_virt(FIX_KMAP_BEGIN), 0xffefe000);
	assert_int_equal(__fix_to_virt(FIX_KMAP_BEGIN + KM_MAX_IDX), 0xffefe000 - 16 * 4096);
	assert_int_equal(FIX_KMAP_END, KM_MAX_IDX * CONFIG_NR_CPUS);
	assert_int_equal(PKMAP_ADDR(LAST_PKMAP), PAGE_OFFSET);
	assert_int_equal(LAST_PKMAP, 512);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_first_slot_is_1, setup),
		cmocka_unit_test_setup(test_lowmem_is_linear, setup),
		cmocka_unit_test_setup(test_reuse_counts, setup),
		cmocka_unit_test_setup(test_kunmap_to_zero_refused, setup),
		cmocka_unit_test_setup(test_wraparound, setup),
		cmocka_unit_test_setup(test_all_slots_busy, setup),
		cmocka_unit_test_setup(test_hash_collisions, setup),
		cmocka_unit_test_setup(test_check_finds_corruption, setup),
		cmocka_unit_test_setup(test_layout, setup),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
