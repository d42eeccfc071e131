/*
 * test_vmalloc.c - the real kernel/mm/vmalloc.c on a simulated vmalloc range (the 2G split's:
 * high_memory 0xbc000000, so [0xbc800000, 0xff800000)) with the static areas pimm's boot
 * records: a CMA remap in lowmem, the two device mappings and the pmd gap after them.
 *
 *   0xb2000000 CMA remap | ... | 0xbc800000 vmalloc ... 0xfe000000 IO 16M | IO 1M | gap 1M |
 *
 * vmalloc_init runs once (its lists are static); every test leaves the lists as it found
 * them, which the teardown checks (vmalloc_check clean, same counts). The random test
 * compares every placement with a page-bitmap model of lowest-address first fit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "support_vmalloc.h"

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <asm/mach/map.h>
#include <asm/pgtable.h>

#define VSTART 0xbc800000UL
#define PG 4096UL

static unsigned long base_busy, base_free, base_bytes;
static int violations;

static void count_report(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	violations++;
}

static int check(void)
{
	unsigned long b, f;

	violations = 0;
	return vmalloc_check(count_report, &b, &f);
}

static int group_setup(void **state)
{
	(void)state;
	sim_reset(0xbc000000UL);
	sim_add_static(0xb2000000, 0x02000000, 0x32000000, MT_MEMORY_DMA_READY, "iotable_init");
	sim_add_static(0xfe000000, 0x01000000, 0x3f000000, MT_DEVICE, "iotable_init");
	sim_add_static(0xff000000, 0x00100000, 0x40000000, MT_DEVICE, "iotable_init");
	sim_add_static(0xff100000, 0x00100000, 0, STATIC_VM_EMPTY, "pmd_empty_section_gap");
	vmalloc_init();
	vmalloc_counts(&base_busy, &base_free, &base_bytes);
	return 0;
}

/* Every test ends with the lists as vmalloc_init left them and no page held. */
static int test_teardown(void **state)
{
	unsigned long b, f, bytes;

	(void)state;
	vmalloc_counts(&b, &f, &bytes);
	assert_int_equal(check(), 0);
	assert_int_equal(b, base_busy);
	assert_int_equal(f, base_free);
	assert_int_equal(bytes, base_bytes);
	assert_int_equal(sim_pages_live, 0);
	sim_page_fail_after = sim_pte_fail_after = -1;
	return 0;
}

static void test_static_imported(void **state)
{
	struct vm_struct *vm = find_vm_area((void *)0xfe001000);
	unsigned long s, e;

	(void)state;
	assert_int_equal(base_busy, 4);
	assert_int_equal(base_free, 3); /* below the CMA remap, middle, above the gap */
	assert_int_equal(base_bytes, 0xfe000000 - VSTART + (0xff800000 - 0xff200000));
	assert_non_null(vm);
	assert_int_equal((unsigned long)vm->addr, 0xfe000000);
	assert_int_equal(vm->size, 0x01000000); /* no guard page */
	assert_true(vm->flags & VM_ARM_STATIC_MAPPING);
	assert_int_equal(vm->phys_addr, 0x3f000000);
	assert_true(find_vm_area((void *)0xff180000)->flags & VM_ARM_EMPTY_MAPPING);
	assert_true(vmalloc_free_range(0xfd000000, &s, &e));
	assert_int_equal(s, 0xb4000000);
	assert_int_equal(e, 0xfe000000);
	/* static areas are never freed */
	vfree((void *)0xfe000000);
	vunmap((void *)0xff100000);
	assert_non_null(find_vm_area((void *)0xfe000000));
	assert_non_null(find_vm_area((void *)0xff100000));
}

static void test_first_fit_guard(void **state)
{
	char *a = vmalloc(1), *b = vmalloc(5000);
	struct vm_struct *va = find_vm_area(a), *vb = find_vm_area(b);

	(void)state;
	assert_int_equal((unsigned long)a, VSTART);
	assert_int_equal(va->size, 2 * PG); /* one page + guard */
	assert_int_equal((unsigned long)b, VSTART + 2 * PG);
	assert_int_equal(vb->size, 3 * PG);
	assert_int_equal(vb->nr_pages, 2);
	assert_true(vb->flags & VM_ALLOC);
	assert_false(vb->flags & VM_UNINITIALIZED);
	assert_true(sim_last_gfp & __GFP_HIGHMEM);
	for (unsigned int i = 0; i < 2; i++)
		assert_int_equal(sim_pte_of((unsigned long)b + i * PG),
				 (page_to_pfn(vb->pages[i]) << 12) | PAGE_KERNEL);
	assert_int_equal(sim_pte_of((unsigned long)b + 2 * PG), 0); /* guard */
	assert_ptr_equal(find_vm_area(b + 2 * PG + 5), vb);         /* guard belongs to it */
	assert_int_equal(check(), 0);
	vfree(a);
	assert_int_equal(sim_pte_of((unsigned long)a), 0);
	a = vzalloc(PG); /* back in the lowest hole */
	assert_int_equal((unsigned long)a, VSTART);
	assert_true(sim_last_gfp & __GFP_ZERO);
	vfree(a);
	vfree(b);
}

static void test_fragmentation_coalescing(void **state)
{
	void *p[10], *q, *r;
	unsigned long b, f, bytes;

	(void)state;
	for (int i = 0; i < 10; i++) {
		p[i] = vmalloc(PG);
		assert_int_equal((unsigned long)p[i], VSTART + i * 2 * PG);
	}
	for (int i = 1; i < 10; i += 2)
		vfree(p[i]); /* holes of two pages at 1, 3, 5, 7; the last merges with the tail */
	vmalloc_counts(&b, &f, &bytes);
	assert_int_equal(f, base_free + 1 + 4); /* + the range below p[0] */
	q = vmalloc(PG); /* fits the first hole */
	assert_ptr_equal(q, p[1]);
	r = vmalloc(2 * PG); /* three pages: no hole fits, after p[8] */
	assert_int_equal((unsigned long)r, VSTART + 9 * 2 * PG);
	assert_int_equal(check(), 0);
	vfree(q);
	vfree(r);
	for (int i = 0; i < 10; i += 2)
		vfree(p[i]);
	vmalloc_counts(&b, &f, &bytes);
	assert_int_equal(f, base_free); /* all merged back */
}

static void test_ioremap_alignment(void **state)
{
	static const struct { unsigned long size, align; } cases[] = {
		{PG, PG}, {3 * PG, 4 * PG}, {64 * 1024, 64 * 1024}, {300 * 1024, 512 * 1024},
		{1UL << 20, 512 * 1024}, {4UL << 20, 512 * 1024},
	};
	void *pad = vmalloc(PG); /* the next free address is two pages in: misaligned */

	(void)state;
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vm_struct *vm = get_vm_area_caller(cases[i].size, VM_IOREMAP | VM_UNINITIALIZED, NULL);

		assert_non_null(vm);
		assert_int_equal((unsigned long)vm->addr % cases[i].align, 0);
		assert_true((unsigned long)vm->addr >= VSTART + 2 * PG);
		assert_int_equal(vm->size, cases[i].size + PG);
		assert_int_equal(check(), 0);
		vunmap(vm->addr);
	}
	vfree(pad);
}

static void test_exhaustion(void **state)
{
	unsigned long s = VSTART + 0x100000, e = s + 16 * PG;
	struct vm_struct *vm[8], *more;

	(void)state;
	for (int i = 0; i < 8; i++) {
		vm[i] = __get_vm_area_caller(PG, VM_MAP | VM_UNINITIALIZED, 1, s, e, NULL);
		assert_non_null(vm[i]);
		assert_int_equal((unsigned long)vm[i]->addr, s + i * 2 * PG);
	}
	mb_log_clear();
	more = __get_vm_area_caller(PG, VM_MAP | VM_UNINITIALIZED, 1, s, e, NULL);
	assert_null(more);
	/* Linux's mm/vmalloc.c has no pr_fmt: the line starts with the message itself */
	assert_non_null(strstr(mb_log_text(), "vmap allocation for size 8192 failed: use "
					      "vmalloc=<size> to increase size"));
	assert_null(strstr(mb_log_text(), "vmalloc: "));
	vunmap(vm[3]->addr);
	more = __get_vm_area_caller(PG, VM_MAP | VM_UNINITIALIZED, 1, s, e, NULL);
	assert_ptr_equal(more->addr, (void *)(s + 3 * 2 * PG));
	vunmap(more->addr);
	for (int i = 0; i < 8; i++)
		if (i != 3)
			vunmap(vm[i]->addr);
	/* too big for the whole range, and larger than RAM */
	assert_null(__get_vm_area_caller(64 * PG, VM_MAP | VM_UNINITIALIZED, 1, s, e, NULL));
	assert_null(vmalloc((SIM_PAGES + 1) * PG));
}

/* The failures undo everything; the size printed is what was obtained (area->nr_pages). */
static void test_failures_clean_up(void **state)
{
	(void)state;
	mb_log_clear();
	sim_page_fail_after = 3; /* the fourth page fails */
	assert_null(vmalloc(8 * PG));
	sim_page_fail_after = -1;
	assert_non_null(strstr(mb_log_text(), "vmalloc error: size 12288, failed to allocate pages"));
	assert_int_equal(vmalloc_nr_pages(), 0);
	mb_log_clear();
	sim_pte_fail_after = 5;  /* the sixth PTE fails */
	assert_null(vmalloc(8 * PG));
	sim_pte_fail_after = -1;
	assert_non_null(strstr(mb_log_text(), "vmalloc error: size 32768, failed to map pages"));
	assert_int_equal(vmalloc_nr_pages(), 0);
	/* large area: its pages[] array (2048 pointers) would be vmalloc'ed itself; with no pages
	 * at all the nested vmalloc fails first, and everything is undone */
	sim_page_fail_after = 0;
	assert_null(vmalloc(2048 * PG));
	sim_page_fail_after = -1;
	assert_int_equal(vmalloc_nr_pages(), 0);
}

/* nr_vmalloc_pages (meminfo's VmallocUsed): the pages, not the guard page; vmap not counted. */
static void test_nr_vmalloc_pages(void **state)
{
	void *a, *b;

	(void)state;
	assert_int_equal(vmalloc_nr_pages(), 0);
	a = vmalloc(5 * PG);
	assert_non_null(a);
	assert_int_equal(vmalloc_nr_pages(), 5);
	/* the largest whose pages[] array (8-byte host pointers) is kmalloc'ed: the host cannot
	 * write a vmalloc'ed one, its addresses are simulated */
	b = vmalloc(512 * PG);
	assert_non_null(b);
	assert_int_equal(vmalloc_nr_pages(), 5 + 512);
	vfree(a);
	assert_int_equal(vmalloc_nr_pages(), 512);
	vfree(b);
	assert_int_equal(vmalloc_nr_pages(), 0);
}

static void test_vmap(void **state)
{
	struct page *pages[3] = {alloc_pages(GFP_KERNEL, 0), alloc_pages(GFP_KERNEL, 0),
				 alloc_pages(GFP_KERNEL, 0)};
	void *v = vmap(pages, 3, VM_MAP, PAGE_KERNEL);
	struct vm_struct *vm = find_vm_area(v);

	(void)state;
	assert_non_null(v);
	assert_true(vm->flags & VM_MAP);
	assert_int_equal(vm->nr_pages, 0);
	assert_int_equal(sim_pte_of((unsigned long)v + PG) >> 12, page_to_pfn(pages[1]));
	assert_int_equal(check(), 0);
	vunmap(v);
	assert_int_equal(sim_pte_of((unsigned long)v + PG), 0);
	assert_int_equal(sim_pages_live, 3); /* vunmap leaves the pages */
	for (int i = 0; i < 3; i++)
		__free_pages(pages[i], 0);
}

/* The model: pages of [s, s + MODEL_PAGES) busy (guard included). */
#define MODEL_PAGES 512
static unsigned char model[MODEL_PAGES];

/* Lowest page index where n pages at alignment a (pages) are free, or -1. */
static long model_fit(unsigned long s, unsigned long n, unsigned long a)
{
	for (unsigned long i = 0; i + n <= MODEL_PAGES; i++) {
		unsigned long j;

		if (((s >> 12) + i) % a)
			continue;
		for (j = 0; j < n && !model[i + j]; j++)
			;
		if (j == n)
			return (long)i;
	}
	return -1;
}

static void test_random_vs_model(void **state)
{
	unsigned long s = VSTART + 0x200000, e = s + MODEL_PAGES * PG;
	struct vm_struct *live[64];
	unsigned int nr = 0, seed = getenv("VMALLOC_SEED") ? atoi(getenv("VMALLOC_SEED")) : 12345;

	(void)state;
	srand(seed);
	memset(model, 0, sizeof(model));
	for (int op = 0; op < 4000; op++) {
		if (nr < 64 && (nr == 0 || rand() % 100 < 55)) {
			unsigned long n = 1 + rand() % 24, a = 1UL << (rand() % 4);
			long want = model_fit(s, n + 1, a);
			struct vm_struct *vm = __get_vm_area_caller(n * PG, VM_MAP | VM_UNINITIALIZED,
								    a * PG, s, e, NULL);

			if (want < 0) {
				assert_null(vm);
				continue;
			}
			assert_non_null(vm);
			assert_int_equal((unsigned long)vm->addr, s + want * PG);
			memset(model + want, 1, n + 1);
			live[nr++] = vm;
		} else {
			unsigned int i = rand() % nr;
			unsigned long first = ((unsigned long)live[i]->addr - s) / PG;

			memset(model + first, 0, live[i]->size / PG);
			vunmap(live[i]->addr);
			live[i] = live[--nr];
		}
		if (op % 50 == 0)
			assert_int_equal(check(), 0);
	}
	while (nr)
		vunmap(live[--nr]->addr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_static_imported, test_teardown),
		cmocka_unit_test_teardown(test_first_fit_guard, test_teardown),
		cmocka_unit_test_teardown(test_fragmentation_coalescing, test_teardown),
		cmocka_unit_test_teardown(test_ioremap_alignment, test_teardown),
		cmocka_unit_test_teardown(test_exhaustion, test_teardown),
		cmocka_unit_test_teardown(test_failures_clean_up, test_teardown),
		cmocka_unit_test_teardown(test_nr_vmalloc_pages, test_teardown),
		cmocka_unit_test_teardown(test_vmap, test_teardown),
		cmocka_unit_test_teardown(test_random_vs_model, test_teardown),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
