/*
 * test_pgtable.c - the page-table builder, memory types, walker and ptdump on simulated RAM.
 *
 * Each test starts from an empty 16 KiB L1 table allocated by memblock from a 64 MiB bank at
 * PA 0x01000000 (init_mm_pgd points at it), builds mappings with the real create_mapping,
 * then checks the raw descriptors, what the walker reads back, and the dump text.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include <pimm/vsprintf.h>

#include <asm/fixmap.h>
#include <asm/mach/map.h>
#include <asm/pgalloc.h>
#include <asm/pgtable.h>
#include <asm/ptdump.h>
#include "../../../arch/arm/mm/mm.h"

#define BANK 0x01000000u
#define BANK_SIZE 0x04000000u

/* ---- what the kernel provides elsewhere ---- */
pgd_t *init_mm_pgd;
phys_addr_t arm_lowmem_limit = 0x3c000000;
void *high_memory;
int pmd_flushes, tlb_flushes;

void flush_pmd_entry(void *p) { (void)p; pmd_flushes++; }
void clean_pmd_entry(void *p) { (void)p; pmd_flushes++; }
void clean_pte_entry(void *p) { (void)p; }
void local_flush_tlb_all(void) { tlb_flushes++; }
void flush_tlb_all(void) { tlb_flushes++; }
void flush_tlb_kernel_range(unsigned long s, unsigned long e) { (void)s; (void)e; tlb_flushes++; }
void local_flush_tlb_kernel_page(unsigned long a) { (void)a; tlb_flushes++; }

static int setup(void **state)
{
	(void)state;
	mb_reset();
	memblock_add(BANK, BANK_SIZE);
	high_memory = (void *)(PAGE_OFFSET + 0x3c000000UL);
	if ((unsigned long)PAGE_OFFSET == 0xc0000000UL)
		high_memory = (void *)0xf0000000UL;
	init_mm_pgd = memblock_alloc(SZ_16K, SZ_16K);
	build_mem_type_table();
	nr_static_vms = 0;
	static_vmlist = NULL;
	return 0;
}

static void map(unsigned long va, phys_addr_t pa, unsigned long len, unsigned int type)
{
	struct map_desc md = {va, pa >> PAGE_SHIFT, len, type};

	create_mapping(&md);
}

static pmd_t *l1(unsigned long va)
{
	return &(*pgd_offset_k(va))[(va >> 20) & 1];
}

/* ---- memory types (Linux's build_mem_type_table for ARMv7 SMP) ---- */

static void test_mem_types_match_linux(void **state)
{
	static const struct { int t; u32 pte, l1, sect, hw; } exp[] = {
		{MT_DEVICE, 0x653, 0x41, 0x11452, 0x453},
		/* SMP: shared write-combined / cached device memory (ioremap_wc, ioremap_cache) */
		{MT_DEVICE_WC, 0x667, 0x41, 0x10456, 0x417},
		{MT_DEVICE_CACHED, 0x66f, 0x41, 0x1045e, 0x41f},
		{MT_MEMORY_RWX, 0x45f, 0x01, 0x1140e, 0x45e},
		{MT_MEMORY_RW, 0x65f, 0x01, 0x1141e, 0x45f},
		{MT_MEMORY_RO, 0x6df, 0x01, 0x1941e, 0x65f},
		{MT_MEMORY_DMA_READY, 0x65f, 0x01, 0, 0x45f},
		{MT_LOW_VECTORS, 0x4df, 0x61, 0, 0x65e},
		{MT_HIGH_VECTORS, 0x5df, 0x61, 0, 0x67e},
	};
	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(exp); i++) {
		const struct mem_type *m = get_mem_type(exp[i].t);

		assert_int_equal(m->prot_pte, exp[i].pte);
		assert_int_equal(m->prot_l1, exp[i].l1);
		assert_int_equal(m->prot_sect, exp[i].sect);
		assert_int_equal(pte_to_hw(m->prot_pte, 0), exp[i].hw);
	}
	assert_int_equal(get_mem_type(MT_ROM)->prot_sect, 0x940e);
	assert_int_equal(get_mem_type(MT_DEVICE)->domain, DOMAIN_IO);
	assert_int_equal(get_mem_type(MT_HIGH_VECTORS)->domain, DOMAIN_VECTORS);
	assert_null(get_mem_type(MT_NR_TYPES));
	assert_string_equal(mem_type_name(MT_MEMORY_DMA_READY), "MT_MEMORY_DMA_READY");
}

static void test_pte_to_hw_needs_young_valid(void **state)
{
	(void)state;
	assert_int_equal(pte_to_hw(0x65f & ~L_PTE_YOUNG, 0), 0);
	assert_int_equal(pte_to_hw(0x65f & ~L_PTE_VALID, 0), 0);
	assert_int_equal(pte_to_hw(0x65f | L_PTE_NONE, 0), 0);
	/* clean (not dirty) pages are read-only in hardware; nG passes through ext */
	assert_int_equal(pte_to_hw(0x65f & ~L_PTE_DIRTY, 0), 0x65f);
	assert_int_equal(pte_to_hw(0x1234565f, PTE_EXT_NG), 0x1234545f | PTE_EXT_NG);
	assert_int_equal(PTE_HWTABLE_OFF, 2048);
}

/* ---- builder ---- */

static void test_sections_when_aligned(void **state)
{
	(void)state;
	map(PAGE_OFFSET + 0x200000, 0x200000, 0x300000, MT_MEMORY_RW);
	assert_int_equal(*l1(PAGE_OFFSET + 0x200000), 0x0021141e);
	assert_int_equal(*l1(PAGE_OFFSET + 0x300000), 0x0031141e);
	assert_int_equal(*l1(PAGE_OFFSET + 0x400000), 0x0041141e);
	assert_int_equal(*l1(PAGE_OFFSET + 0x500000), 0); /* odd half of the last pair untouched */
	assert_int_equal(*l1(PAGE_OFFSET + 0x100000), 0);
	assert_true(pmd_flushes > 0);
}

static void test_odd_section_only_second_entry(void **state)
{
	(void)state;
	map(0xfe100000, 0x3f100000, SZ_1M, MT_DEVICE);
	assert_int_equal(*l1(0xfe000000), 0);
	assert_int_equal(*l1(0xfe100000), 0x3f100000 | 0x11452);
}

static void test_pages_when_pa_unaligned(void **state)
{
	struct pt_walk w;
	pmd_t *pmd;
	phys_addr_t page;

	(void)state;
	map(0xfe000000, 0x3f201000, 0x3000, MT_DEVICE); /* VA aligned, PA not: pages */
	pmd = l1(0xfe000000);
	assert_int_equal(*pmd & 3, PMD_TYPE_TABLE);
	assert_int_equal(*pmd & 0x3ff, 0x41);
	page = (*pmd & PAGE_MASK);
	assert_int_equal(*pmd, page + 2048 + 0x41);
	assert_int_equal(pmd[1], page + 3072 + 0x41); /* both halves point into one PTE page */
	assert_true(page >= BANK && page < BANK + BANK_SIZE);
	for (int i = 0; i < 3; i++) {
		u32 *lin = (u32 *)__va(page) + i, *hw = lin + 512;

		assert_int_equal(*lin, (0x3f201000 + i * 4096) | 0x653);
		assert_int_equal(*hw, (0x3f201000 + i * 4096) | 0x453);
	}
	assert_int_equal(((u32 *)__va(page))[3], 0);
	pgtable_walk(init_mm_pgd, 0xfe001abc, &w);
	assert_int_equal(w.kind, PT_PAGE);
	assert_int_equal(w.pa, 0x3f202abc);
	assert_int_equal(w.pte_index, 1);
	assert_int_equal(w.linux_pte, 0x3f202653);
	assert_int_equal(w.hw_pte, 0x3f202453);
	assert_int_equal(w.domain, DOMAIN_IO);
	assert_int_equal(w.remap_index, 4);
	assert_string_equal(tex_remap_name(w.remap_index), "device");
	assert_true(w.perm.kr && w.perm.kw && !w.perm.kx && !w.perm.ur);
	pgtable_walk(init_mm_pgd, 0xfe003000, &w);
	assert_int_equal(w.kind, PT_FAULT_L2);
	assert_false(w.mapped);
}

static void test_odd_mib_pages_use_second_hw_table(void **state)
{
	struct pt_walk w;
	phys_addr_t page;

	(void)state;
	map(0xfe180000, 0x20180000, 0x1000, MT_MEMORY_RW); /* odd MiB, 4 KiB: pages */
	page = *l1(0xfe000000) & PAGE_MASK;
	/* pte index (va >> 12) & 511 = 384: Linux entry in pt 1, hw entry in hw pt 1 */
	assert_int_equal(((u32 *)__va(page))[384], 0x2018065f);
	assert_int_equal(((u32 *)__va(page + 3072))[128], 0x2018045f);
	pgtable_walk(init_mm_pgd, 0xfe180010, &w);
	assert_int_equal(w.kind, PT_PAGE);
	assert_int_equal(w.pa, 0x20180010);
	assert_string_equal(mem_type_of_pte(w.linux_pte), "MT_MEMORY_RW");
}

static void test_dma_ready_always_pages(void **state)
{
	struct pt_walk w;

	(void)state;
	map(PAGE_OFFSET + 0x3000000, 0x3000000, SZ_2M, MT_MEMORY_DMA_READY);
	assert_int_equal(*l1(PAGE_OFFSET + 0x3000000) & 3, PMD_TYPE_TABLE);
	pgtable_walk(init_mm_pgd, PAGE_OFFSET + 0x31ff000, &w);
	assert_int_equal(w.kind, PT_PAGE);
	assert_int_equal(w.pa, 0x31ff000);
	assert_int_equal(w.remap_index, 7);
	assert_string_equal(tex_remap_name(7), "normal WBWA");
}

static void test_range_across_pgd_boundary(void **state)
{
	struct pt_walk w;

	(void)state;
	map(0xfe1ff000, 0x10000000, 0x2000, MT_MEMORY_RW);
	assert_int_equal(*l1(0xfe000000) & 3, PMD_TYPE_TABLE);
	assert_int_equal(*l1(0xfe200000) & 3, PMD_TYPE_TABLE);
	assert_int_not_equal(*l1(0xfe000000) & PAGE_MASK, *l1(0xfe200000) & PAGE_MASK);
	pgtable_walk(init_mm_pgd, 0xfe200004, &w);
	assert_int_equal(w.pa, 0x10001004);
	/* mixed: a 2 MiB slice that is aligned still gets sections */
	map(0xfe400000, 0x10400000, 0x201000, MT_MEMORY_RW);
	assert_int_equal(*l1(0xfe400000) & 3, PMD_TYPE_SECT);
	assert_int_equal(*l1(0xfe600000) & 3, PMD_TYPE_TABLE);
}

static void test_refusals(void **state)
{
	int before;

	(void)state;
	before = mb_log_count();
	map(0x10000000, 0x10000000, SZ_1M, MT_MEMORY_RW);
	assert_int_equal(*l1(0x10000000), 0);
	assert_true(strstr(mb_log(before), "BUG: not creating mapping for 0x10000000 at 0x10000000 in user region"));
	before = mb_log_count();
	map(0xfe000000, 0x00001000, SZ_1M, MT_ROM); /* no prot_l1, not section aligned */
	assert_int_equal(*l1(0xfe000000), 0);
	assert_true(strstr(mb_log(before), "can not be mapped using pages, ignoring."));
	before = mb_log_count();
	map(PAGE_OFFSET + 0x100000, 0x3f000000, SZ_1M, MT_DEVICE); /* device in lowmem */
	assert_true(strstr(mb_log(before), "out of vmalloc space"));
}

static void test_iotable_records_static_vm(void **state)
{
	struct map_desc io[] = {{0xfe000000, 0x3f000, SZ_16M, MT_DEVICE}};

	(void)state;
	iotable_init(io, 1);
	assert_int_equal(nr_static_vms, 1);
	assert_non_null(static_vmlist);
	assert_null(static_vmlist->next);
	assert_int_equal(static_vmlist->phys, 0x3f000000);
	assert_int_equal(static_vmlist->size, SZ_16M);
	assert_int_equal(*l1(0xfef00000), 0x3ff00000 | 0x11452);
}

/* ---- walker ---- */

static void test_walk_sections_supersections_large_pages(void **state)
{
	struct pt_walk w;
	u32 *tbl;

	(void)state;
	pgtable_walk(init_mm_pgd, 0x12345678, &w);
	assert_int_equal(w.kind, PT_FAULT_L1);
	assert_int_equal(w.pgd_index, 0x12345678 >> 21);
	assert_int_equal(w.l1_index, 0x123);
	map(PAGE_OFFSET, 0, SZ_2M, MT_MEMORY_RWX);
	pgtable_walk(init_mm_pgd, PAGE_OFFSET + 0x1abcde, &w);
	assert_int_equal(w.kind, PT_SECTION);
	assert_int_equal(w.pa, 0x1abcde);
	assert_true(w.perm.kr && w.perm.kw && w.perm.kx && !w.perm.ur);
	assert_true(w.s && !w.xn && w.tex == 1 && w.c && w.b);
	assert_string_equal(mem_type_of_sect(w.pmd), "MT_MEMORY_RWX");
	/* hand-made supersection (16 entries) and a large page */
	for (int i = 0; i < 16; i++)
		*l1(0xe0000000 + i * SZ_1M) = 0x30000000 | PMD_SECT_SUPER | 0x1140e;
	pgtable_walk(init_mm_pgd, 0xe0abcdef, &w);
	assert_int_equal(w.kind, PT_SUPERSECTION);
	assert_int_equal(w.pa, 0x30abcdef);
	tbl = memblock_alloc(4096, 4096);
	*l1(0xe1000000) = __pa(tbl) + 2048 + PMD_TYPE_TABLE;
	tbl[512 + 0x10] = 0x40010000 | PTE_TYPE_LARGE | PTE_EXT_AP0 | (1 << 15); /* XN */
	pgtable_walk(init_mm_pgd, 0xe1010123, &w);
	assert_int_equal(w.kind, PT_LARGE_PAGE);
	assert_int_equal(w.pa, 0x40010123);
	assert_true(w.xn && !w.perm.kx && w.perm.kw && w.perm.kr && !w.perm.ur); /* AP 0:01 */
}

static void test_decode_perm_table(void **state)
{
	struct pt_perm p;

	(void)state;
	p = pt_decode_perm(1, false, false);
	assert_true(p.kr && p.kw && p.kx && !p.ur);
	p = pt_decode_perm(5, false, false);
	assert_true(p.kr && !p.kw && p.kx);
	p = pt_decode_perm(7, true, false);
	assert_true(p.kr && p.ur && !p.uw && !p.kx && !p.ux);
	p = pt_decode_perm(3, false, true);
	assert_true(p.uw && !p.kx && p.ux);
	p = pt_decode_perm(0, false, false);
	assert_false(p.kr || p.ur);
}

/* Random non-overlapping mappings: the walker finds the PA the builder was asked for. */
static void test_walker_agrees_with_builder(void **state)
{
	static const unsigned int types[] = {MT_MEMORY_RW, MT_MEMORY_RWX, MT_DEVICE,
					     MT_MEMORY_DMA_READY, MT_MEMORY_RO};
	struct { unsigned long va, len; phys_addr_t pa; unsigned int type; } m[40];
	unsigned int seed = 12345;
	unsigned long va = 0xf0000000;

	(void)state;
	for (int i = 0; i < 40; i++) {
		seed = seed * 1103515245 + 12345;
		m[i].len = ((seed >> 8) % 5 == 0) ? SZ_2M : (((seed >> 12) % 600) + 1) * PAGE_SIZE;
		m[i].type = types[(seed >> 4) % ARRAY_SIZE(types)];
		m[i].pa = ((seed >> 3) % 2) ? (0x20000000 + i * SZ_4M) : (0x20000000 + i * SZ_4M + 0x5000);
		va = round_up(va, (m[i].len == SZ_2M) ? SZ_2M : PAGE_SIZE);
		m[i].va = va;
		va += m[i].len + PMD_SIZE; /* a gap: no two mappings share a pgd pair */
		va = round_up(va, PMD_SIZE);
		map(m[i].va, m[i].pa, m[i].len, m[i].type);
	}
	for (int i = 0; i < 40; i++) {
		for (unsigned long off = 0; off < m[i].len; off += m[i].len / 7 + 4) {
			struct pt_walk w;
			const struct mem_type *t = get_mem_type(m[i].type);

			pgtable_walk(init_mm_pgd, m[i].va + off, &w);
			assert_true(w.mapped);
			assert_int_equal(w.pa, m[i].pa + off);
			assert_int_equal(w.domain, t->domain);
			assert_int_equal(w.xn, !!(t->prot_pte & L_PTE_XN));
			assert_int_equal(w.perm.kw, !(t->prot_pte & L_PTE_RDONLY));
			if (w.kind == PT_SECTION)
				assert_true(t->prot_sect && !(m[i].pa & ~SECTION_MASK));
			else
				assert_int_equal((u32)w.linux_pte & ~PAGE_MASK, t->prot_pte);
		}
		{
			struct pt_walk w;

			pgtable_walk(init_mm_pgd, m[i].va + m[i].len, &w);
			assert_false(w.mapped); /* one past the end */
		}
	}
}

/* ---- ptdump ---- */

static char dump[16384];
static size_t dump_len;

static int dump_out(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvscnprintf(dump + dump_len, sizeof(dump) - dump_len, fmt, ap);
	va_end(ap);
	dump_len += n;
	return n;
}

static void test_ptdump_format(void **state)
{
	unsigned long wx;

	(void)state;
	dump_len = 0;
	map(PAGE_OFFSET, 0, SZ_1M, MT_MEMORY_RW);
	map(PAGE_OFFSET + SZ_1M, SZ_1M, SZ_1M, MT_MEMORY_RO);
	map(PAGE_OFFSET + SZ_2M, SZ_2M, 0x6000, MT_MEMORY_DMA_READY);
	map(0xffeff000, 0x3f201000, 0x1000, MT_DEVICE);
	map(0xffff0000, 0x3000000, 0x1000, MT_HIGH_VECTORS);
	wx = ptdump_walk(init_mm_pgd, dump_out);
	assert_int_equal(wx, 0);
	if (!strstr(dump, "---[ Modules ]---\n---[ Kernel Mapping ]---\n"))
		fail_msg("markers:\n%s", dump);
	char l1[128], l2[128], l3[128];
	snprintf(l1, sizeof(l1), "0x%08lx-0x%08lx           1M PGD KERNEL      RW NX SHD\n",
		 (unsigned long)PAGE_OFFSET, (unsigned long)PAGE_OFFSET + SZ_1M);
	snprintf(l2, sizeof(l2), "0x%08lx-0x%08lx           1M PGD KERNEL      ro NX SHD\n",
		 (unsigned long)PAGE_OFFSET + SZ_1M, (unsigned long)PAGE_OFFSET + SZ_2M);
	snprintf(l3, sizeof(l3),
		 "0x%08lx-0x%08lx          24K PTE KERNEL      RW NX SHD MEM/CACHED/WBWA\n",
		 (unsigned long)PAGE_OFFSET + SZ_2M, (unsigned long)PAGE_OFFSET + SZ_2M + 0x6000);
	if (!strstr(dump, l1) || !strstr(dump, l2) || !strstr(dump, l3))
		fail_msg("got:\n%s", dump);
	if (!strstr(dump, "---[ Fixmap Area ]---\n0xffeff000-0xfff00000           4K PTE IO          RW NX SHD DEV/SHARED\n"))
		fail_msg("fixmap:\n%s", dump);
	if (!strstr(dump, "---[ Vectors ]---\n0xffff0000-0xffff1000           4K PTE IO      USR ro x  SHD MEM/CACHED/WBWA\n---[ Vectors End ]---\n"))
		fail_msg("vectors:\n%s", dump);
	assert_true(ptdump_check_wx(init_mm_pgd));
	assert_true(strstr(mb_log(mb_log_count() - 1), "Checked W+X mappings: passed, no W+X pages found"));
}

static void test_wx_audit_counts_offenders(void **state)
{
	(void)state;
	map(PAGE_OFFSET, 0, SZ_2M, MT_MEMORY_RWX);
	map(0xfe000000, 0x01000000, 0x3000, MT_MEMORY_RWX);
	dump_len = 0;
	assert_int_equal(ptdump_walk(init_mm_pgd, dump_out), 512 + 3);
	assert_false(ptdump_check_wx(init_mm_pgd));
	assert_true(strstr(mb_log(mb_log_count() - 1), "Checked W+X mappings: FAILED, 515 W+X pages found"));
}

static void test_layout_constants(void **state)
{
	(void)state;
	assert_int_equal(FIXADDR_TOP, 0xffeff000);
	assert_int_equal(__fix_to_virt(FIX_EARLYCON_MEM_BASE), 0xffeff000);
	assert_int_equal(FIX_KMAP_END, 16 * CONFIG_NR_CPUS);
	assert_int_equal(FIX_BTMAP_BEGIN, 224);
	assert_int_equal(MODULES_VADDR, (unsigned long)PAGE_OFFSET - SZ_16M);
	assert_int_equal(pgd_index(0xffff0000), 2047);
	assert_int_equal(pte_index(0xffff0000), 496);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_mem_types_match_linux, setup),
		cmocka_unit_test_setup(test_pte_to_hw_needs_young_valid, setup),
		cmocka_unit_test_setup(test_sections_when_aligned, setup),
		cmocka_unit_test_setup(test_odd_section_only_second_entry, setup),
		cmocka_unit_test_setup(test_pages_when_pa_unaligned, setup),
		cmocka_unit_test_setup(test_odd_mib_pages_use_second_hw_table, setup),
		cmocka_unit_test_setup(test_dma_ready_always_pages, setup),
		cmocka_unit_test_setup(test_range_across_pgd_boundary, setup),
		cmocka_unit_test_setup(test_refusals, setup),
		cmocka_unit_test_setup(test_iotable_records_static_vm, setup),
		cmocka_unit_test_setup(test_walk_sections_supersections_large_pages, setup),
		cmocka_unit_test_setup(test_decode_perm_table, setup),
		cmocka_unit_test_setup(test_walker_agrees_with_builder, setup),
		cmocka_unit_test_setup(test_ptdump_format, setup),
		cmocka_unit_test_setup(test_wx_audit_counts_offenders, setup),
		cmocka_unit_test_setup(test_layout_constants, setup),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
