/*
 * memblock.h - the boot-time memory manager (kernel/mm/memblock.c), Linux 6.1's API.
 *
 * memblock knows two lists of physical ranges, kept sorted and merged:
 *
 *   memblock.memory    what RAM exists (from the device tree's /memory nodes)
 *   memblock.reserved  what of it is taken (kernel, page tables, DTB, initrd, CMA, ...)
 *
 *   memory:   [=================================== bank 0 ===================================]
 *   reserved:     [pgd][ kernel ]            [DTB]                 [ CMA ][ mem_map ]
 *   free:     [..]           [...............]   [.................]              [........]
 *
 * It lives from setup_arch until the buddy allocator takes over (memblock_free_all), and, as
 * on ARM (ARCH_KEEP_MEMBLOCK), stays readable afterwards for the shell.
 */
#ifndef _LINUX_MEMBLOCK_H
#define _LINUX_MEMBLOCK_H

#include <limits.h> /* ULLONG_MAX, the iterators' end marker */
#include <linux/compiler.h>
#include <linux/types.h>

#define INIT_MEMBLOCK_REGIONS 128
#define INIT_MEMBLOCK_RESERVED_REGIONS INIT_MEMBLOCK_REGIONS

enum memblock_flags {
	MEMBLOCK_NONE = 0x0,           /* no special request */
	MEMBLOCK_HOTPLUG = 0x1,        /* hotpluggable region */
	MEMBLOCK_MIRROR = 0x2,         /* mirrored region */
	MEMBLOCK_NOMAP = 0x4,          /* don't add to the kernel direct mapping */
	MEMBLOCK_DRIVER_MANAGED = 0x8, /* always detected via a driver */
};

struct memblock_region {
	phys_addr_t base;
	phys_addr_t size;
	enum memblock_flags flags;
};

struct memblock_type {
	unsigned long cnt;
	unsigned long max;
	phys_addr_t total_size;
	struct memblock_region *regions;
	char *name;
};

struct memblock {
	bool bottom_up; /* is bottom up direction? */
	phys_addr_t current_limit;
	struct memblock_type memory;
	struct memblock_type reserved;
};

extern struct memblock memblock;
extern int memblock_debug;

#define MEMBLOCK_ALLOC_ANYWHERE (~(phys_addr_t)0)
#define MEMBLOCK_ALLOC_ACCESSIBLE 0
#define MEMBLOCK_ALLOC_NOLEAKTRACE 1
#define MEMBLOCK_LOW_LIMIT 0
#define NUMA_NO_NODE (-1)
#define MAX_NUMNODES 1

int memblock_add(phys_addr_t base, phys_addr_t size);
int memblock_add_node(phys_addr_t base, phys_addr_t size, int nid, enum memblock_flags flags);
int memblock_remove(phys_addr_t base, phys_addr_t size);
int memblock_reserve(phys_addr_t base, phys_addr_t size);
int memblock_phys_free(phys_addr_t base, phys_addr_t size);
void memblock_free(void *ptr, size_t size);
int memblock_mark_nomap(phys_addr_t base, phys_addr_t size);
int memblock_clear_nomap(phys_addr_t base, phys_addr_t size);
int memblock_mark_hotplug(phys_addr_t base, phys_addr_t size);
int memblock_clear_hotplug(phys_addr_t base, phys_addr_t size);
int memblock_mark_mirror(phys_addr_t base, phys_addr_t size);
/* Does any region of type intersect [base, base+size)? */
bool memblock_overlaps_region(struct memblock_type *type, phys_addr_t base, phys_addr_t size);

/* mem=: keep the first limit bytes of memory, drop the rest (and reservations above). */
void memblock_enforce_memory_limit(phys_addr_t limit);
/* Keep only [base, base+size) of memory (NOMAP regions excepted) and of the reservations. */
void memblock_cap_memory_range(phys_addr_t base, phys_addr_t size);
/* memblock_cap_memory_range(0, end of the first limit bytes of memory). */
void memblock_mem_limit_remove_map(phys_addr_t limit);
/* Round every memory region inwards to align; drop regions left empty. */
void memblock_trim_memory(phys_addr_t align);

void memblock_allow_resize(void);
void memblock_set_bottom_up(bool enable);
bool memblock_bottom_up(void);
void memblock_set_current_limit(phys_addr_t limit);
phys_addr_t memblock_get_current_limit(void);

phys_addr_t memblock_phys_alloc_range(phys_addr_t size, phys_addr_t align, phys_addr_t start,
				      phys_addr_t end);
phys_addr_t memblock_alloc_range_nid(phys_addr_t size, phys_addr_t align, phys_addr_t start,
				     phys_addr_t end, int nid, bool exact_nid);
phys_addr_t memblock_phys_alloc(phys_addr_t size, phys_addr_t align);
void *memblock_alloc_try_nid(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
			     phys_addr_t max_addr, int nid);
void *memblock_alloc_try_nid_raw(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
				 phys_addr_t max_addr, int nid);
void *memblock_alloc(phys_addr_t size, phys_addr_t align);
void *memblock_alloc_raw(phys_addr_t size, phys_addr_t align);
void *memblock_alloc_from(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr);
void *memblock_alloc_node(phys_addr_t size, phys_addr_t align, int nid);
phys_addr_t memblock_phys_alloc_try_nid(phys_addr_t size, phys_addr_t align, int nid);
void *memblock_alloc_exact_nid_raw(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
				   phys_addr_t max_addr, int nid);
#ifndef ARCH_LOW_ADDRESS_LIMIT
#define ARCH_LOW_ADDRESS_LIMIT 0xffffffffUL
#endif
void *memblock_alloc_low(phys_addr_t size, phys_addr_t align);

/*
 * The hand-over to the buddy allocator (kernel/mm/memblock_free_all.c, Linux's mm/memblock.c):
 * PG_reserved on reserved and NOMAP pages, every free lowmem range freed in the largest
 * naturally aligned blocks; returns nothing, totalram_pages grows by the pages freed.
 */
void memblock_free_all(void);
/* managed_pages = 0 in every zone (once): the hand-over counts them again. */
void reset_all_zones_managed_pages(void);
struct pglist_data;
void reset_node_managed_pages(struct pglist_data *pgdat);
/* After the hand-over: give reserved [base, base+size) to the buddy allocator page by page. */
void memblock_free_late(phys_addr_t base, phys_addr_t size);
phys_addr_t memblock_find_in_range(phys_addr_t start, phys_addr_t end, phys_addr_t size,
				   phys_addr_t align);

phys_addr_t memblock_phys_mem_size(void);
phys_addr_t memblock_reserved_size(void);
phys_addr_t memblock_start_of_DRAM(void);
phys_addr_t memblock_end_of_DRAM(void);
bool memblock_is_memory(phys_addr_t addr);
bool memblock_is_map_memory(phys_addr_t addr);
bool memblock_is_region_memory(phys_addr_t base, phys_addr_t size);
bool memblock_is_reserved(phys_addr_t addr);
bool memblock_is_region_reserved(phys_addr_t base, phys_addr_t size);
void memblock_dump_all(void);
void __memblock_dump_all(void);
/*
 * mm-check: both types sorted by base, disjoint, merged, no zero-size region but the lone
 * dummy, total_size the sum, cnt <= max, NOMAP only in memory. Each violation goes to report()
 * as one line (no newline); returns how many there were.
 */
int memblock_check(void (*report)(const char *fmt, ...) __printf(1, 2));

/* Iterators (Linux's __next_mem_range / __next_mem_pfn_range): u64 index i carries the state. */
void __next_mem_range(u64 *idx, int nid, enum memblock_flags flags, struct memblock_type *type_a,
		      struct memblock_type *type_b, phys_addr_t *out_start, phys_addr_t *out_end,
		      int *out_nid);
void __next_mem_range_rev(u64 *idx, int nid, enum memblock_flags flags,
			  struct memblock_type *type_a, struct memblock_type *type_b,
			  phys_addr_t *out_start, phys_addr_t *out_end, int *out_nid);
void __next_mem_pfn_range(int *idx, int nid, unsigned long *out_start_pfn,
			  unsigned long *out_end_pfn, int *out_nid);

#define for_each_mem_range(i, p_start, p_end)                                                      \
	for (i = 0, __next_mem_range(&i, NUMA_NO_NODE, MEMBLOCK_HOTPLUG | MEMBLOCK_DRIVER_MANAGED,              \
				     &memblock.memory, NULL,                                       \
				     p_start, p_end, NULL);                                        \
	     i != (u64)ULLONG_MAX;                                                                 \
	     __next_mem_range(&i, NUMA_NO_NODE, MEMBLOCK_HOTPLUG | MEMBLOCK_DRIVER_MANAGED,         \
			      &memblock.memory, NULL, p_start, p_end, NULL))

/* Memory ranges, high to low. */
#define for_each_mem_range_rev(i, p_start, p_end)                                                  \
	for (i = (u64)ULLONG_MAX,                                                                  \
	    __next_mem_range_rev(&i, NUMA_NO_NODE, MEMBLOCK_HOTPLUG | MEMBLOCK_DRIVER_MANAGED,     \
				 &memblock.memory, NULL, p_start, p_end, NULL);                    \
	     i != (u64)ULLONG_MAX;                                                                 \
	     __next_mem_range_rev(&i, NUMA_NO_NODE, MEMBLOCK_HOTPLUG | MEMBLOCK_DRIVER_MANAGED,     \
				  &memblock.memory, NULL, p_start, p_end, NULL))

/* Reserved ranges, low to high. */
#define for_each_reserved_mem_range(i, p_start, p_end)                                             \
	for (i = 0, __next_mem_range(&i, NUMA_NO_NODE, MEMBLOCK_NONE, &memblock.reserved, NULL,     \
				     p_start, p_end, NULL);                                        \
	     i != (u64)ULLONG_MAX;                                                                 \
	     __next_mem_range(&i, NUMA_NO_NODE, MEMBLOCK_NONE, &memblock.reserved, NULL, p_start,   \
			      p_end, NULL))

/* Free ranges: memory minus reserved, NOMAP skipped, low to high. */
#define for_each_free_mem_range(i, nid, flags, p_start, p_end, p_nid)                              \
	for (i = 0, __next_mem_range(&i, nid, flags, &memblock.memory, &memblock.reserved,          \
				     p_start, p_end, p_nid);                                       \
	     i != (u64)ULLONG_MAX;                                                                 \
	     __next_mem_range(&i, nid, flags, &memblock.memory, &memblock.reserved, p_start, p_end, \
			      p_nid))

#define for_each_free_mem_range_reverse(i, nid, flags, p_start, p_end, p_nid)                      \
	for (i = (u64)ULLONG_MAX, __next_mem_range_rev(&i, nid, flags, &memblock.memory,            \
						     &memblock.reserved, p_start, p_end, p_nid);   \
	     i != (u64)ULLONG_MAX;                                                                 \
	     __next_mem_range_rev(&i, nid, flags, &memblock.memory, &memblock.reserved, p_start,    \
				  p_end, p_nid))

#define for_each_mem_pfn_range(i, nid, p_start, p_end, p_nid)                                      \
	for (i = -1, __next_mem_pfn_range(&i, nid, p_start, p_end, p_nid); i >= 0;                  \
	     __next_mem_pfn_range(&i, nid, p_start, p_end, p_nid))

#define for_each_memblock_type(i, memblock_type, rgn)                                              \
	for (i = 0, rgn = &memblock_type->regions[0]; i < memblock_type->cnt;                      \
	     i++, rgn = &memblock_type->regions[i])

#define for_each_mem_region(region)                                                                \
	for (region = memblock.memory.regions;                                                     \
	     region < (memblock.memory.regions + memblock.memory.cnt); region++)

#define for_each_reserved_mem_region(region)                                                       \
	for (region = memblock.reserved.regions;                                                   \
	     region < (memblock.reserved.regions + memblock.reserved.cnt); region++)

static inline bool memblock_is_nomap(const struct memblock_region *m)
{
	return m->flags & MEMBLOCK_NOMAP;
}

static inline bool memblock_is_hotpluggable(const struct memblock_region *m)
{
	return m->flags & MEMBLOCK_HOTPLUG;
}

static inline bool memblock_is_mirror(const struct memblock_region *m)
{
	return m->flags & MEMBLOCK_MIRROR;
}

static inline bool memblock_is_driver_managed(const struct memblock_region *m)
{
	return m->flags & MEMBLOCK_DRIVER_MANAGED;
}

/* First and end pfn of the whole pages of a memory region (partial pages excluded), and of
 * every page a reserved region touches (macros: PFN_UP/PFN_DOWN come from linux/pfn.h). */
#define memblock_region_memory_base_pfn(reg) ((unsigned long)PFN_UP((reg)->base))
#define memblock_region_memory_end_pfn(reg) ((unsigned long)PFN_DOWN((reg)->base + (reg)->size))
#define memblock_region_reserved_base_pfn(reg) ((unsigned long)PFN_DOWN((reg)->base))
#define memblock_region_reserved_end_pfn(reg) ((unsigned long)PFN_UP((reg)->base + (reg)->size))

#endif
