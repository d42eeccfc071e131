/*
 * free_area.c - the "of" suite's stand-in for kernel/mm/mm_init.c: the pfn limits and a
 * free_area_init that records the zone ends arch/arm/mm/init.c's bootmem_init hands it, so
 * that test_params can check find_limits and zone_sizes_init without building the zones.
 */
#include <linux/mm.h>
#include <linux/mmzone.h>

#include "../../../arch/arm/mm/mm.h"
#include "free_area.h"

unsigned long min_low_pfn, max_low_pfn, max_pfn;
struct of_free_area_call of_free_area_call;

void free_area_init(unsigned long *max_zone_pfn)
{
	of_free_area_call.calls++;
	of_free_area_call.normal_end = max_zone_pfn[ZONE_NORMAL];
#ifdef CONFIG_HIGHMEM
	of_free_area_call.highmem_end = max_zone_pfn[ZONE_HIGHMEM];
#else
	of_free_area_call.highmem_end = 0;
#endif
}

void of_bootmem_init(void)
{
	of_free_area_call.calls = 0;
	bootmem_init();
	of_free_area_call.min_low_pfn = min_low_pfn;
	of_free_area_call.max_low_pfn = max_low_pfn;
	of_free_area_call.max_pfn = max_pfn;
}
