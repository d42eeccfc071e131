/*
 * support_mm.c - host stand-ins for the mm suite: per-CPU areas (each CPU's unit is a copy of
 * this executable's .data..percpu section plus room for alloc_percpu, as setup_per_cpu_areas
 * lays them out), the online-CPU count, layouts and the bootmem_init steps.
 */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "support_mm.h"
#include <linux/percpu.h>

unsigned int mm_online_cpus = 1;
unsigned long __per_cpu_offset[CONFIG_NR_CPUS];

#define MM_PCPU_DYN (64 * 1024)
#define MM_LAYOUT_RESERVED_END 0x8000 /* mm_layout reserves below this, never touched */

static char *pcpu_template;
static char *pcpu_units[CONFIG_NR_CPUS]; /* (kept: LeakSanitizer) */
static size_t pcpu_static, pcpu_dyn_used;

/* Units of static + dynamic bytes per CPU; __per_cpu_offset[cpu] = unit - template. */
__attribute__((constructor)) static void mm_setup_per_cpu_areas(void)
{
	char *sec = __start_mm_percpu;
	size_t size = (size_t)(__stop_mm_percpu - __start_mm_percpu);
	unsigned int cpu;

	pcpu_template = sec;
	pcpu_static = size;
	for (cpu = 0; cpu < CONFIG_NR_CPUS; cpu++) {
		char *unit = memalign(64, round_up(size + MM_PCPU_DYN, 64)); /* newlib: no aligned_alloc */

		pcpu_units[cpu] = unit;
		memcpy(unit, sec, size);
		__per_cpu_offset[cpu] = (unsigned long)(unit - pcpu_template);
	}
}

/* A bump allocator in the dynamic part of every unit; returns the template-relative pointer. */
void *__alloc_percpu(size_t size, size_t align)
{
	size_t off = round_up(pcpu_static + pcpu_dyn_used, align);
	unsigned int cpu;

	if (off + size > pcpu_static + MM_PCPU_DYN)
		return NULL;
	pcpu_dyn_used = off + size - pcpu_static;
	for (cpu = 0; cpu < CONFIG_NR_CPUS; cpu++)
		memset(pcpu_template + __per_cpu_offset[cpu] + off, 0, size);
	return pcpu_template + off;
}

void mm_layout(const struct mm_region *mem, int n, phys_addr_t lowmem_limit)
{
	phys_addr_t top = 0;
	int i;

	/* memblock allocates top-down from the highest RAM below the lowmem limit */
	for (i = 0; i < n; i++)
		if (!(mem[i].flags & MEMBLOCK_NOMAP) && mem[i].base < lowmem_limit)
			top = max_t(phys_addr_t, top, min_t(phys_addr_t, lowmem_limit,
							    mem[i].base + mem[i].size));
	mb_ram_place(top > MB_RAM_WINDOW ? top - MB_RAM_WINDOW : 0);
	mb_reset();
	for (i = 0; i < n; i++) {
		memblock_add(mem[i].base, mem[i].size);
		if (mem[i].flags & MEMBLOCK_NOMAP)
			memblock_mark_nomap(mem[i].base, mem[i].size);
	}
	memblock_reserve(0, 0x1000);    /* as the Pi's /memreserve/ */
	memblock_reserve(0x4000, MM_LAYOUT_RESERVED_END - 0x4000); /* swapper_pg_dir */
	memblock_set_current_limit(lowmem_limit);
	mm_online_cpus = 1;
}

void mm_bootmem_init(void)
{
	unsigned long max_zone_pfn[MAX_NR_ZONES] = {0};

	max_low_pfn = PFN_DOWN(memblock_get_current_limit());
	min_low_pfn = PFN_UP(memblock_start_of_DRAM());
	max_pfn = PFN_DOWN(memblock_end_of_DRAM());
	max_zone_pfn[ZONE_NORMAL] = max_low_pfn;
#ifdef CONFIG_HIGHMEM
	max_zone_pfn[ZONE_HIGHMEM] = max_pfn;
#endif
	free_area_init(max_zone_pfn);
	/* what memblock handed out (above mm_layout's own reservations) was really backed */
	for (unsigned long i = 0; i < memblock.reserved.cnt; i++)
		if (memblock.reserved.regions[i].base >= MM_LAYOUT_RESERVED_END)
			mb_ram_check(memblock.reserved.regions[i].base,
				     memblock.reserved.regions[i].size, "memblock allocation");
}

const char *mm_log_text(void)
{
	return mb_log_text();
}

void mm_assert_log(const char *needle)
{
	const char *log = mm_log_text();

	if (!strstr(log, needle))
		fail_msg("log lacks:\n%s\n--- log:\n%s", needle, log);
}
