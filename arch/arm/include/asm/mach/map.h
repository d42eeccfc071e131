/*
 * asm/mach/map.h - static mappings: struct map_desc and the memory types (Linux's
 * asm/mach/map.h). paging_init and the board's map_io (arch/arm/mach-bcm2836/io.c) describe
 * each mapping as {virtual, pfn, length, type} and hand it to create_mapping/iotable_init.
 */
#ifndef _ASM_MACH_MAP_H
#define _ASM_MACH_MAP_H

#include <linux/types.h>

struct map_desc {
	unsigned long virtual;
	unsigned long pfn;
	unsigned long length;
	unsigned int type;
};

/* Indices into mem_types[] (arch/arm/mm/mem_types.c), Linux's numbering. */
enum {
	MT_DEVICE = 0,
	MT_DEVICE_NONSHARED,
	MT_DEVICE_CACHED,
	MT_DEVICE_WC,
	MT_UNCACHED,
	MT_CACHECLEAN,
	MT_MINICLEAN,
	MT_LOW_VECTORS,
	MT_HIGH_VECTORS,
	MT_MEMORY_RWX,
	MT_MEMORY_RW,
	MT_MEMORY_RO,
	MT_ROM,
	MT_MEMORY_RWX_NONCACHED,
	MT_MEMORY_RW_DTCM,
	MT_MEMORY_RWX_ITCM,
	MT_MEMORY_RW_SO,
	MT_MEMORY_DMA_READY,
	MT_NR_TYPES
};

/* Map each descriptor (create_mapping) and remember it as a static vm area. */
void iotable_init(struct map_desc *io_desc, int nr);
/* Map one descriptor into the kernel's table, sections where possible, else 4 KiB pages. */
void create_mapping(struct map_desc *md);

/* The static areas iotable_init created (Linux's static_vmlist: /proc/vmallocinfo shows them). */
struct static_vm {
	unsigned long addr, size;
	phys_addr_t phys;
	unsigned int type;
	const char *caller;
	struct static_vm *next; /* static_vmlist, sorted by addr */
};
/* What Linux allocates per record: sizeof(struct static_vm) = vm_struct (32) + list_head (8). */
#define STATIC_VM_LINUX_SIZE 40
#define STATIC_VM_LINUX_ALIGN 4 /* __alignof__(struct static_vm) */
/* The type of a hole vm_reserve_area_early records (fill_pmd_gaps): nothing is mapped. */
#define STATIC_VM_EMPTY MT_NR_TYPES
extern struct static_vm *static_vmlist;
extern int nr_static_vms;
/* The static area containing vaddr, or NULL (Linux: find_static_vm_vaddr, arch/arm/mm/ioremap.c). */
const struct static_vm *find_static_vm_vaddr(unsigned long vaddr);
/* Link a record into static_vmlist in address order (arch/arm/mm/mapping.c). */
void add_static_vm_early(struct static_vm *svm);
/* "MT_MEMORY_RW" ... for a memory type index (arch/arm/mm/mem_types.c). */
const char *mem_type_name(unsigned int type);

#endif
