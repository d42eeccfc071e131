/*
 * support_vmalloc.c - the stand-ins kernel/mm/vmalloc.c links against in the vmalloc host
 * suite (see support_vmalloc.h): asm/vmalloc.h's hooks on sim_pte[], alloc_pages/__free_pages
 * on sim_pages[], kmalloc/kfree on calloc/free, static_vmlist.
 */
#include <stdlib.h>
#include <string.h>

#include "support_vmalloc.h"

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <asm/mach/map.h>
#include <asm/vmalloc.h>

#define SIM_VA_PAGES ((0x100000000UL - SIM_VA_BASE) >> 12)

static struct page sim_pages[SIM_PAGES];
static u32 sim_pte[SIM_VA_PAGES];
static struct static_vm sim_static[8];
static int sim_nr_static;

struct page *mem_map = sim_pages;
long _totalram_pages = SIM_PAGES, _totalhigh_pages;
struct static_vm *static_vmlist;
void *high_memory;
int nr_static_vms;
unsigned long sim_pages_live, sim_flushes;
long sim_page_fail_after = -1, sim_pte_fail_after = -1;
gfp_t sim_last_gfp;

void sim_reset(unsigned long high_mem)
{
	memset(sim_pages, 0, sizeof(sim_pages));
	memset(sim_pte, 0, sizeof(sim_pte));
	sim_pages_live = sim_flushes = 0;
	sim_page_fail_after = sim_pte_fail_after = -1;
	static_vmlist = NULL;
	sim_nr_static = nr_static_vms = 0;
	high_memory = (void *)high_mem;
}

void sim_add_static(unsigned long addr, unsigned long size, phys_addr_t phys, unsigned int type,
		    const char *caller)
{
	struct static_vm *svm = &sim_static[sim_nr_static++], **p = &static_vmlist;

	*svm = (struct static_vm){addr, size, phys, type, caller, NULL};
	while (*p)
		p = &(*p)->next;
	*p = svm;
	nr_static_vms++;
}

u32 sim_pte_of(unsigned long va)
{
	return sim_pte[(va - SIM_VA_BASE) >> 12];
}

/* A page nobody holds (refcount 0), searched from a rotating point so pfns scatter. */
struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	static unsigned long next = 7;

	sim_last_gfp = gfp;
	if (order || sim_page_fail_after == 0)
		return NULL;
	if (sim_page_fail_after > 0)
		sim_page_fail_after--;
	for (unsigned long n = 0; n < SIM_PAGES; n++) {
		struct page *page = &sim_pages[(next + n * 37) % SIM_PAGES];

		if (!page->_refcount.counter) {
			page->_refcount.counter = 1;
			next = (next + n * 37 + 11) % SIM_PAGES;
			sim_pages_live++;
			return page;
		}
	}
	return NULL;
}

void __free_pages(struct page *page, unsigned int order)
{
	if (order || page->_refcount.counter != 1)
		abort();
	page->_refcount.counter = 0;
	sim_pages_live--;
}

void *kmalloc(size_t size, gfp_t flags)
{
	(void)flags;
	return size ? calloc(1, size) : ZERO_SIZE_PTR;
}

void kfree(const void *objp)
{
	if (!ZERO_OR_NULL_PTR(objp))
		free((void *)objp);
}

int arch_vmap_set_pte(unsigned long addr, unsigned long pfn, u32 prot)
{
	u32 *pte = &sim_pte[(addr - SIM_VA_BASE) >> 12];

	if (addr < SIM_VA_BASE || (addr & 0xfff) || *pte)
		abort(); /* outside the kernel half, unaligned, or mapped twice */
	if (sim_pte_fail_after == 0)
		return -1;
	if (sim_pte_fail_after > 0)
		sim_pte_fail_after--;
	*pte = (u32)(pfn << 12) | prot;
	return 0;
}

void arch_vunmap_clear_pte(unsigned long addr)
{
	sim_pte[(addr - SIM_VA_BASE) >> 12] = 0;
}

u32 arch_vmap_get_pte(unsigned long addr)
{
	return sim_pte_of(addr);
}

void arch_vunmap_flush(unsigned long start, unsigned long end)
{
	if (start >= end)
		abort();
	sim_flushes++;
}
