/*
 * allocs.h - what the shell's buddy-allocator commands share (kernel/shell/cmd_buddy.c,
 * cmd_torture.c, cmd_mm.c). The allocator itself is kernel/mm/page_buddy.c and page_pcp.c;
 * these are views of its state, taken under its locks, for the last stage of the boot
 * pipeline (the shell, after mem_init handed memory to the buddy allocator).
 */
#ifndef _PIMM_ALLOCS_H
#define _PIMM_ALLOCS_H

#include <linux/mmzone.h>
#include <linux/types.h>

/* The populated zone called name (case-insensitive), or NULL. */
struct zone *zone_by_name(const char *name);

/*
 * Where a pfn stands in the allocator: head/order of the free buddy block holding it
 * (in_buddy), or the CPU whose per-CPU list holds it (pcp_cpu >= 0), with the list's
 * migratetype. Neither: allocated, reserved or unmanaged.
 */
struct pfn_state {
	bool in_buddy;
	int pcp_cpu;           /* -1: on no per-CPU list */
	unsigned long head;    /* first pfn of the free block holding pfn */
	unsigned int order;    /* its order */
	int list_mt;           /* the free list (or pcp list) migratetype it sits on, -1 unknown */
};

/* Fill st for pfn (zone locks taken, briefly); true if the page is free in the allocator. */
bool pfn_allocator_state(unsigned long pfn, struct pfn_state *st);

/*
 * A fingerprint of every free block of every populated zone (pfn and order), with the free
 * block count per order and the pageblocks of each migratetype, for torture's "the free lists
 * equal the state before".
 */
struct free_fingerprint {
	unsigned long blocks[MAX_ORDER];
	unsigned long long sum;  /* of a mix of (pfn, order) over every free block */
	unsigned long xor;
	unsigned long free_pages;
	unsigned long pageblocks[MIGRATE_TYPES];
};

/* Take the fingerprint (each zone under its lock). */
void free_fingerprint(struct free_fingerprint *fp);

#endif
