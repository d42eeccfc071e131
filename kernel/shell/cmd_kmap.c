/*
 * kernel/shell/cmd_kmap.c - kmaps, live: `kmap`, `kunmap`, `kmap_local`, `pkmap`, the pkmap and
 * fixmap lines of `whatis` and the "pkmap" stage of `mm-check`.
 *
 * Where it sits: after boot, on the highmem stage (kernel/mm/highmem.c: kmap_high and the
 * page-address hash; arch/arm/mm/kmap_local.c: kmap_local_page on this CPU's fixmap slots).
 *
 *   kmap ADDR        kmap(page): a lowmem page answers its linear address; a HighMem page gets
 *                    a pkmap slot (or one more user of the one it has); kept until kunmap
 *   kunmap ADDR      kunmap(page), ADDR a pkmap VA or the page's address; refuses a page with
 *                    no kmap user (Linux would BUG)
 *   kmap_local ADDR  kmap_local_page on this CPU: slot, VA, PTE, first word; then kunmap_local
 *                    (a local mapping is strictly nested and cannot outlive the command)
 *   pkmap            the slots with a mapping, last_pkmap_nr, the wrap flushes so far
 *
 *   ADDR: a page's physical address (what `alloc ... highmem` prints), or a lowmem linear one;
 *   any RAM page with a struct page may be mapped (kmap only maps, it writes nothing).
 *
 *   pkmap window 0x..e00000  | slot 0 | slot 1 | ... | slot 511 |  PAGE_OFFSET
 *   fixmap kmap slots        idx 1..64 below FIXADDR_TOP: CPU c depth d = idx 1 + 16c + d
 */
#include <linux/highmem.h>
#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <asm/fixmap.h>
#include <asm/highmem.h>
#include <asm/ptdump.h>
#include <asm/smp.h>
#include <pimm/shell.h>
#include <pimm/vsprintf.h>

/* The page of a lowmem linear address or of a RAM physical address; NULL after an error. */
static struct page *kmap_arg_page(const char *cmd, u32 v)
{
	unsigned long pfn;

	if (v & ~PAGE_MASK)
		return shell_error(cmd, "0x%08x is not page aligned", v), NULL;
	if (v >= PAGE_OFFSET && v < (unsigned long)high_memory)
		v = __pa(v);
	else if (v >= MODULES_VADDR)
		return shell_error(cmd, "0x%08x is neither a page's physical address nor a lowmem "
				   "one", v), NULL;
	pfn = PHYS_PFN(v);
	if (pfn >= max_pfn || !pfn_valid(pfn) || !memblock_is_memory(v))
		return shell_error(cmd, "0x%08x is not RAM with a struct page", v), NULL;
	if (!memblock_is_map_memory(v))
		return shell_error(cmd, "0x%08x is NOMAP memory (kept out of every mapping)", v),
		       NULL;
	return pfn_to_page(pfn);
}

#ifdef CONFIG_HIGHMEM
/* "2 users", "no user, stale until a wrap flushes it" for a slot's count. */
static const char *pkmap_count_meaning(int count, char *buf, size_t len)
{
	if (count == 0)
		return "free";
	if (count == 1)
		return "no user: PTE kept until the next wrap's flush";
	ksnprintf(buf, len, "%d user%s", count - 1, count == 2 ? "" : "s");
	return buf;
}

/* The count of a pkmap slot, under kmap_lock (the PTE too when @pte). */
int pkmap_slot_state(unsigned int nr, pteval_t *pte)
{
	unsigned long flags;
	int count;

	spin_lock_irqsave(&kmap_lock, flags);
	count = pkmap_count[nr];
	if (pte)
		*pte = pkmap_page_table[nr];
	spin_unlock_irqrestore(&kmap_lock, flags);
	return count;
}

/* "page PA: pkmap slot N  va V  count C (meaning)" after a kmap. */
static void kmap_print_slot(phys_addr_t pa, unsigned long va)
{
	unsigned int nr = PKMAP_NR(va);
	int count = pkmap_slot_state(nr, NULL);
	char buf[24];

	shprintf("page %pa: pkmap slot %u  va 0x%08lx  count %d (%s)\n", &pa, nr, va, count,
		 pkmap_count_meaning(count, buf, sizeof(buf)));
}

static bool is_pkmap_va(u32 v)
{
	return v >= PKMAP_ADDR(0) && v < PKMAP_ADDR(LAST_PKMAP);
}
#endif

static int cmd_kmap(int argc, char **argv)
{
	struct page *page;
	phys_addr_t pa;
	void *va;
	u32 v;

	if (argc != 2)
		return shell_usage(argv[0]);
	if (shell_parse_u32(argv[0], "address", argv[1], &v))
		return -1;
	page = kmap_arg_page(argv[0], v);
	if (!page)
		return -1;
	pa = page_to_phys(page);
	va = kmap(page);
	if (!PageHighMem(page)) {
		shprintf("lowmem page %pa: linear address 0x%08lx (no pkmap slot used)\n", &pa,
			 (unsigned long)va);
		return 0;
	}
#ifdef CONFIG_HIGHMEM /* else every page is lowmem */
	if (!va)
		return shell_error(argv[0], "all %d pkmap slots have users (Linux would sleep until "
				   "a kunmap); nothing mapped", LAST_PKMAP);
	kmap_print_slot(pa, (unsigned long)va);
#endif
	return 0;
}
SHELL_CMD("kmap", cmd_kmap, "kmap ADDR",
	  "kmap a page (physical or lowmem address): its pkmap slot, VA and count, kept until kunmap");

#ifdef CONFIG_HIGHMEM
/* The HighMem page behind a kunmap argument: a pkmap VA (its PTE) or the page's address. */
static struct page *kunmap_arg_page(const char *cmd, u32 v)
{
	struct page *page;
	pte_t pte;

	if (is_pkmap_va(v)) {
		if (v & ~PAGE_MASK)
			return shell_error(cmd, "0x%08x is not page aligned", v), NULL;
		if (pkmap_slot_state(PKMAP_NR(v), &pte) < 2)
			return shell_error(cmd, "pkmap slot %lu (0x%08x) has no kmap user", PKMAP_NR(v),
					   v), NULL;
		return pfn_to_page(pte_pfn(pte));
	}
	page = kmap_arg_page(cmd, v);
	if (page && !PageHighMem(page))
		return shell_error(cmd, "0x%08x is a lowmem page: kmap gave its linear address, "
				   "there is nothing to unmap", v), NULL;
	if (page && !page_address(page))
		return shell_error(cmd, "page 0x%08x is not kmapped", v), NULL;
	return page;
}

static int cmd_kunmap(int argc, char **argv)
{
	struct page *page;
	unsigned long va;
	phys_addr_t pa;
	int count;
	char buf[24];
	u32 v;

	if (argc != 2)
		return shell_usage(argv[0]);
	if (shell_parse_u32(argv[0], "address", argv[1], &v))
		return -1;
	page = kunmap_arg_page(argv[0], v);
	if (!page)
		return -1;
	va = (unsigned long)page_address(page);
	pa = page_to_phys(page);
	count = va ? kunmap_high_try(page) : -1;
	if (count < 0) /* another CPU's kunmap got there first */
		return shell_error(argv[0], "page %pa has no kmap user", &pa);
	shprintf("page %pa: pkmap slot %lu  va 0x%08lx  count %d -> %d (%s)\n", &pa, PKMAP_NR(va),
		 va, count + 1, count, pkmap_count_meaning(count, buf, sizeof(buf)));
	return 0;
}
SHELL_CMD("kunmap", cmd_kunmap, "kunmap ADDR",
	  "kunmap a kmapped page (its pkmap VA or its address): one user less");
#endif

/* Print where kmap_local_page put @va (fixmap slot or reused pkmap slot) and its PTE. */
static void kmap_local_print(const struct page *page, unsigned long va)
{
	phys_addr_t pa = page_to_phys(page);
	unsigned int idx = __virt_to_fix(va) - FIX_KMAP_BEGIN;
	struct pt_walk w;

	if (!PageHighMem(page)) {
		shprintf("lowmem page %pa: linear address 0x%08lx (no slot used)\n", &pa, va);
	} else if (va >= FIXADDR_START) {
		shprintf("page %pa: cpu %u depth %u: fixmap idx %u (FIX_KMAP_BEGIN + %u)  va "
			 "0x%08lx\n", &pa, idx / KM_MAX_IDX, idx % KM_MAX_IDX, idx + FIX_KMAP_BEGIN,
			 idx, va);
	} else {
#ifdef CONFIG_HIGHMEM
		shprintf("page %pa: already kmapped: kmap_high_get reused pkmap slot %lu  va "
			 "0x%08lx  count %d while held\n", &pa, PKMAP_NR(va), va,
			 pkmap_slot_state(PKMAP_NR(va), NULL));
#endif
	}
	pgtable_walk(init_mm_pgd, va, &w);
	if (w.kind == PT_PAGE)
		shprintf("  pte 0x%08x  hardware 0x%08x  -> PA 0x%08x\n", w.linux_pte, w.hw_pte,
			 w.pa);
	shprintf("  first word 0x%08x\n", *(volatile u32 *)va);
}

static int cmd_kmap_local(int argc, char **argv)
{
	struct page *page;
	void *va;
	u32 v;

	if (argc != 2)
		return shell_usage(argv[0]);
	if (shell_parse_u32(argv[0], "address", argv[1], &v))
		return -1;
	page = kmap_arg_page(argv[0], v);
	if (!page)
		return -1;
	va = kmap_local_page(page);
	kmap_local_print(page, (unsigned long)va);
	kunmap_local(va);
	shprintf("  unmapped: a local mapping is this CPU's, strictly nested, and ends (kunmap_local)"
		 " before the command returns\n");
	return 0;
}
SHELL_CMD("kmap_local", cmd_kmap_local, "kmap_local ADDR",
	  "kmap_local_page on this CPU: its fixmap slot, VA, PTE and first word; then kunmap_local");

#ifdef CONFIG_HIGHMEM
static int cmd_pkmap(int argc, char **argv)
{
	unsigned int shown = 0;
	char buf[24];
	pte_t pte;

	if (argc != 1)
		return shell_usage(argv[0]);
	shprintf("pkmap: 0x%08lx-0x%08lx, %d slots, last_pkmap_nr %u, %lu wrap flushes (%lu slots "
		 "freed)\n", PKMAP_ADDR(0), PKMAP_ADDR(LAST_PKMAP), LAST_PKMAP, last_pkmap_nr,
		 pkmap_flushes, pkmap_flushed_slots);
	for (unsigned int nr = 0; nr < LAST_PKMAP; nr++) {
		int count = pkmap_slot_state(nr, &pte);
		phys_addr_t pa = PFN_PHYS(pte_pfn(pte));

		if (count == 0)
			continue;
		if (!shown++)
			shprintf("  slot  va          page        count\n");
		shprintf("  %4u  0x%08lx  %pa  %5d  %s\n", nr, PKMAP_ADDR(nr), &pa, count,
			 pkmap_count_meaning(count, buf, sizeof(buf)));
	}
	shprintf("pkmap: %u slot%s mapped\n", shown, shown == 1 ? "" : "s");
	return 0;
}
SHELL_CMD("pkmap", cmd_pkmap, "pkmap",
	  "the pkmap slots with a mapping: VA, page, count; last_pkmap_nr and the wrap flushes");

/* whatis: the pkmap slot or fixmap kmap slot of a VA; whether a HighMem page is kmapped. */
static void whatis_kmap(u32 addr, bool virt, phys_addr_t pa, bool has_pa)
{
	unsigned int idx = __virt_to_fix(addr);
	char buf[24];
	pte_t pte;

	if (virt && is_pkmap_va(addr)) {
		int count = pkmap_slot_state(PKMAP_NR(addr), &pte);
		phys_addr_t page = PFN_PHYS(pte_pfn(pte));

		shprintf("  pkmap: slot %lu, count %d (%s)", PKMAP_NR(addr), count,
			 pkmap_count_meaning(count, buf, sizeof(buf)));
		if (count)
			shprintf(", page %pa", &page);
		shprintf("\n");
		return;
	}
	if (virt && addr >= FIXADDR_START && addr < FIXADDR_END && idx >= FIX_KMAP_BEGIN &&
	    idx <= FIX_KMAP_END) {
		idx -= FIX_KMAP_BEGIN;
		shprintf("  kmap_local: fixmap idx %u = cpu %u depth %u, %s\n", idx + FIX_KMAP_BEGIN,
			 idx / KM_MAX_IDX, idx % KM_MAX_IDX, has_pa ? "mapped" : "free");
		return;
	}
	if (has_pa && PHYS_PFN(pa) < max_pfn && pfn_valid(PHYS_PFN(pa)) &&
	    PageHighMem(pfn_to_page(PHYS_PFN(pa)))) {
		unsigned long va = (unsigned long)page_address(pfn_to_page(PHYS_PFN(pa)));

		if (!va)
			shprintf("  kmap: not kmapped (no pkmap slot)\n");
		else
			shprintf("  kmap: kmapped at 0x%08lx, pkmap slot %lu, count %d\n", va,
				 PKMAP_NR(va), pkmap_slot_state(PKMAP_NR(va), NULL));
	}
}
SHELL_WHATIS(whatis_kmap);

/* mm-check "pkmap": counts, PTEs and the page-address hash agree (kernel/mm/highmem.c). */
static int mmcheck_pkmap(void (*report)(const char *fmt, ...), char *buf, size_t len)
{
	unsigned int in_use, mapped;
	int bad = pkmap_check(report, &in_use, &mapped);

	ksnprintf(buf, len, "%u slots mapped, %u with users, last_pkmap_nr %u", mapped, in_use,
		  last_pkmap_nr);
	return bad;
}
SHELL_MMCHECK("pkmap", mmcheck_pkmap);
#endif
