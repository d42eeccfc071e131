/*
 * kernel/mm/cma_alloc.c - allocating from the contiguous memory areas (Linux 6.1's mm/cma.c
 * cma_alloc, cma_release, cma_pages_valid and the bitmap helpers, lib/bitmap.c's
 * bitmap_find_next_zero_area_off, kernel/dma/contiguous.c's dma_alloc_from_contiguous).
 * cma.c declares the areas at boot, cma_activate.c gives them to the buddy allocator as
 * MIGRATE_CMA pageblocks (core_initcall); from then on (the shell, drivers) this file hands
 * out ranges of them.
 *
 *   cma_alloc(cma, count, align, no_warn)
 *     cma->lock: bitmap_find_next_zero_area_off (alignment relative to the area's base),
 *                bitmap_set                               the range is ours
 *     cma_mutex: alloc_contig_range(pfn, pfn + count, MIGRATE_CMA)   (page_contig.c)
 *       0       the pages, refcount 1 each
 *       -EBUSY  clear the bits, try the next candidate (start = found + mask + 1)
 *       other   clear the bits, give up
 *     failed and !no_warn: "cma: cma_alloc: NAME: alloc failed, req-size: N pages, ret: E"
 *   cma_release(cma, pages, count)   inside the area? free_contig_range, clear the bits
 *
 *   cma->bitmap: 1 bit per 2^order_per_bit pages from base_pfn, set = allocated
 *     bit   0 1 2 3 4 5 6 7 8 ...
 *           1 1 1 0 0 1 0 0 0      align order 2 (mask 3): candidates at bits 4? no (5 set),
 *                                  8 -> pages base + 8 << order_per_bit ...
 */
#define pr_fmt(fmt) "cma: " fmt

#include <errno.h>

#include <linux/cma.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/spinlock.h>

/* Linux's cma->lock, one per area (kept here: cma.h stays free of spinlock.h for the of tests). */
static spinlock_t cma_locks[MAX_CMA_AREAS];
/* Linux's cma_mutex: one alloc_contig_range at a time. */
static DEFINE_SPINLOCK(cma_mutex);
/* See cma.h: cma_alloc/cma_release calls running now. */
int cma_in_progress;

#define BITS_PER_LONG_ (8 * sizeof(long))

static spinlock_t *cma_lock(const struct cma *cma)
{
	return &cma_locks[cma - cma_areas];
}

static bool test_bit_(unsigned long nr, const unsigned long *map)
{
	return (map[nr / BITS_PER_LONG_] >> (nr % BITS_PER_LONG_)) & 1;
}

/* See cma.h. */
unsigned long find_next_bit_val(const unsigned long *map, unsigned long size,
				unsigned long start, bool val)
{
	while (start < size && test_bit_(start, map) != val) {
		if (!(start % BITS_PER_LONG_) &&
		    map[start / BITS_PER_LONG_] == (val ? 0UL : ~0UL)) /* a whole word to skip */
			start += BITS_PER_LONG_;
		else
			start++;
	}
	return min(start, size);
}

/* See cma.h. */
void bitmap_set_range(unsigned long *map, unsigned long start, unsigned long nr, bool val)
{
	for (unsigned long i = start; i < start + nr; i++) {
		unsigned long bit = 1UL << (i % BITS_PER_LONG_);

		if (val)
			map[i / BITS_PER_LONG_] |= bit;
		else
			map[i / BITS_PER_LONG_] &= ~bit;
	}
}

/* See cma.h. */
unsigned long bitmap_find_next_zero_area_off(const unsigned long *map, unsigned long size,
					     unsigned long start, unsigned int nr,
					     unsigned long align_mask, unsigned long align_offset)
{
	unsigned long index, end, i;

	for (;;) {
		index = find_next_bit_val(map, size, start, false);
		/* align index + align_offset: the bit's distance from an aligned pfn */
		index = ((index + align_offset + align_mask) & ~align_mask) - align_offset;
		end = index + nr;
		if (end > size)
			return end;
		i = find_next_bit_val(map, end, index, true);
		if (i >= end)
			return index;
		start = i + 1;
	}
}

/* See cma.h. */
unsigned long cma_bitmap_aligned_mask(const struct cma *cma, unsigned int align_order)
{
	if (align_order <= cma->order_per_bit)
		return 0;
	return (1UL << (align_order - cma->order_per_bit)) - 1;
}

/* See cma.h. */
unsigned long cma_bitmap_aligned_offset(const struct cma *cma, unsigned int align_order)
{
	return (cma->base_pfn & ((1UL << align_order) - 1)) >> cma->order_per_bit;
}

/* See cma.h. */
unsigned long cma_bitmap_pages_to_bits(const struct cma *cma, unsigned long pages)
{
	return ALIGN(pages, 1UL << cma->order_per_bit) >> cma->order_per_bit;
}

/* Clear the bits of [pfn, pfn + count) (Linux's cma_clear_bitmap). */
static void cma_clear_bitmap(struct cma *cma, unsigned long pfn, unsigned long count)
{
	unsigned long bitmap_no = (pfn - cma->base_pfn) >> cma->order_per_bit;
	unsigned long bitmap_count = cma_bitmap_pages_to_bits(cma, count), flags;

	spin_lock_irqsave(cma_lock(cma), flags);
	bitmap_set_range(cma->bitmap, bitmap_no, bitmap_count, false);
	spin_unlock_irqrestore(cma_lock(cma), flags);
}

/* See cma.h. */
unsigned long cma_used_pages(struct cma *cma)
{
	unsigned long maxno = cma_bitmap_maxno(cma), used = 0, flags;

	if (!cma->bitmap)
		return 0;
	spin_lock_irqsave(cma_lock(cma), flags);
	for (unsigned long i = 0; i < maxno; i++)
		used += test_bit_(i, cma->bitmap);
	spin_unlock_irqrestore(cma_lock(cma), flags);
	return used << cma->order_per_bit;
}

/* See cma.h. */
bool cma_bit_allocated(struct cma *cma, unsigned long pfn)
{
	return cma->bitmap && pfn >= cma->base_pfn && pfn < cma->base_pfn + cma->count &&
	       test_bit_((pfn - cma->base_pfn) >> cma->order_per_bit, cma->bitmap);
}

/*
 * Linux's cma_debug_show_areas (6.1: CONFIG_CMA_DEBUG only): the free runs of the bitmap,
 * "number of available pages: N@BIT+...=> F free of T total pages".
 */
static void cma_debug_show_areas(struct cma *cma)
{
	unsigned long nbits = cma_bitmap_maxno(cma), start = 0, nr_total = 0, flags;

	spin_lock_irqsave(cma_lock(cma), flags);
	pr_info("number of available pages: ");
	for (;;) {
		unsigned long zero = find_next_bit_val(cma->bitmap, nbits, start, false), set;

		if (zero >= nbits)
			break;
		set = find_next_bit_val(cma->bitmap, nbits, zero, true);
		pr_cont("%s%lu@%lu", nr_total ? "+" : "", (set - zero) << cma->order_per_bit, zero);
		nr_total += (set - zero) << cma->order_per_bit;
		start = set;
	}
	pr_cont("=> %lu free of %lu total pages\n", nr_total, cma->count);
	spin_unlock_irqrestore(cma_lock(cma), flags);
}

/* Reserve a free, aligned run of bits at or after *start; its first bit, or >= maxno. */
static unsigned long cma_claim_bits(struct cma *cma, unsigned long start, unsigned long count,
				    unsigned long mask, unsigned long offset)
{
	unsigned long maxno = cma_bitmap_maxno(cma), flags, bitmap_no;

	spin_lock_irqsave(cma_lock(cma), flags);
	bitmap_no = bitmap_find_next_zero_area_off(cma->bitmap, maxno, start, (unsigned int)count,
						   mask, offset);
	if (bitmap_no < maxno)
		bitmap_set_range(cma->bitmap, bitmap_no, count, true);
	spin_unlock_irqrestore(cma_lock(cma), flags);
	return bitmap_no;
}

/* See cma.h. */
struct page *cma_alloc(struct cma *cma, unsigned long count, unsigned int align, bool no_warn)
{
	unsigned long mask, offset, pfn, start = 0, bitmap_no, bitmap_count;
	struct page *page = NULL;
	int ret = -ENOMEM;

	if (!cma || !cma->count || !cma->bitmap)
		return NULL;
	pr_debug("%s(cma %p, name: %s, count %lu, align %d)\n", __func__, (void *)cma, cma->name,
		 count, align);
	if (!count || align >= 8 * sizeof(long))
		return NULL;
	__atomic_add_fetch(&cma_in_progress, 1, __ATOMIC_SEQ_CST);
	mask = cma_bitmap_aligned_mask(cma, align);
	offset = cma_bitmap_aligned_offset(cma, align);
	bitmap_count = cma_bitmap_pages_to_bits(cma, count);
	if (bitmap_count > cma_bitmap_maxno(cma))
		goto out; /* larger than the area: silent, as 6.1 (its out: is after the print) */
	for (;;) {
		bitmap_no = cma_claim_bits(cma, start, bitmap_count, mask, offset);
		if (bitmap_no >= cma_bitmap_maxno(cma))
			break;
		pfn = cma->base_pfn + (bitmap_no << cma->order_per_bit);
		spin_lock(&cma_mutex);
		ret = alloc_contig_range(pfn, pfn + count, MIGRATE_CMA,
					 GFP_KERNEL | (no_warn ? __GFP_NOWARN : 0));
		spin_unlock(&cma_mutex);
		if (ret == 0) {
			page = pfn_to_page(pfn);
			break;
		}
		cma_clear_bitmap(cma, pfn, count);
		if (ret != -EBUSY)
			break;
		pr_debug("%s(): memory range at pfn 0x%lx is busy, retrying\n", __func__, pfn);
		start = bitmap_no + mask + 1; /* the next candidate */
	}
	/*
	 * 6.1 prints this with pr_err_ratelimited (5 s, burst 10): pimm's printk has no rate
	 * limit (no ratelimit_state in include/linux/printk.h), so every failure is printed.
	 */
	if (ret && !no_warn) {
		pr_err("%s: %s: alloc failed, req-size: %lu pages, ret: %d\n", __func__, cma->name,
		       count, ret);
#ifdef CONFIG_CMA_DEBUG
		cma_debug_show_areas(cma);
#else
		(void)cma_debug_show_areas;
#endif
	}
	pr_debug("%s(): returned %p\n", __func__, (void *)page);
out:
	__atomic_sub_fetch(&cma_in_progress, 1, __ATOMIC_SEQ_CST);
	return page;
}

/* See cma.h. */
bool cma_pages_valid(struct cma *cma, const struct page *pages, unsigned long count)
{
	unsigned long pfn;

	if (!cma || !pages)
		return false;
	pfn = page_to_pfn(pages);
	if (pfn < cma->base_pfn || pfn >= cma->base_pfn + cma->count) {
		pr_debug("%s(page %p, count %lu)\n", __func__, (const void *)pages, count);
		return false;
	}
	return true;
}

/* See cma.h. */
bool cma_release(struct cma *cma, const struct page *pages, unsigned long count)
{
	unsigned long pfn;

	if (!cma_pages_valid(cma, pages, count))
		return false;
	pr_debug("%s(page %p, count %lu)\n", __func__, (const void *)pages, count);
	pfn = page_to_pfn(pages);
	if (WARN_ON(pfn + count > cma->base_pfn + cma->count))
		return false;
	__atomic_add_fetch(&cma_in_progress, 1, __ATOMIC_SEQ_CST);
	free_contig_range(pfn, count);
	cma_clear_bitmap(cma, pfn, count);
	__atomic_sub_fetch(&cma_in_progress, 1, __ATOMIC_SEQ_CST);
	return true;
}

/* ---- Linux's kernel/dma/contiguous.c ------------------------------------------------------ */

/* See cma.h. */
struct page *dma_alloc_from_contiguous(struct cma *cma, size_t count, unsigned int align,
				       bool no_warn)
{
	if (align > CONFIG_CMA_ALIGNMENT)
		align = CONFIG_CMA_ALIGNMENT;
	return cma_alloc(cma ? cma : dma_contiguous_default_area, count, align, no_warn);
}

/* See cma.h. */
bool dma_release_from_contiguous(struct cma *cma, struct page *pages, int count)
{
	return cma_release(cma ? cma : dma_contiguous_default_area, pages, (unsigned long)count);
}
