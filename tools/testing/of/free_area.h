/*
 * free_area.h - the "of" suite's run of bootmem_init (free_area.c) and what it recorded.
 */
#ifndef OF_TEST_FREE_AREA_H
#define OF_TEST_FREE_AREA_H

struct of_free_area_call {
	int calls;
	unsigned long normal_end, highmem_end; /* max_zone_pfn[ZONE_NORMAL], [ZONE_HIGHMEM] */
	unsigned long min_low_pfn, max_low_pfn, max_pfn; /* the limits bootmem_init found */
};
extern struct of_free_area_call of_free_area_call;

/* Run arch/arm/mm/init.c's bootmem_init on the current memblock; fills of_free_area_call. */
void of_bootmem_init(void);

#endif
