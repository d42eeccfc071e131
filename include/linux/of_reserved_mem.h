/*
 * of_reserved_mem.h - /reserved-memory regions (kernel/of/of_reserved_mem.c), Linux 6.1's
 * drivers/of/of_reserved_mem.c.
 *
 * Where it sits: early_init_fdt_scan_reserved_mem (kernel/of/fdt.c) saves each child of
 * /reserved-memory here while it scans; fdt_init_reserved_mem then sorts the table, reports
 * overlaps, allocates the dynamic regions (size/alignment/alloc-ranges) and runs the matching
 * init function (CMA: rmem_cma_setup in kernel/mm/cma.c, DMA-coherent: rmem_dma_setup).
 *
 *   reserved_mem[]:  { name, fdt_node, base, size }   static: base/size from reg
 *                                                     dynamic: 0/0 until allocated
 */
#ifndef _LINUX_OF_RESERVED_MEM_H
#define _LINUX_OF_RESERVED_MEM_H

#include <linux/types.h>

#define MAX_RESERVED_REGIONS 64

struct reserved_mem;

struct reserved_mem_ops {
	int (*device_init)(struct reserved_mem *rmem, void *dev);
	void (*device_release)(struct reserved_mem *rmem, void *dev);
};

struct reserved_mem {
	const char *name;       /* node name with unit address, e.g. "framebuffer@3b000000" */
	unsigned long fdt_node; /* structure offset of the node in initial_boot_params */
	unsigned long phandle;
	const struct reserved_mem_ops *ops;
	phys_addr_t base;
	phys_addr_t size;
	void *priv;
	bool released; /* pimm: its init function failed and the region was given back */
	bool failed;   /* pimm: memblock refused its reg (e.g. no-map over a reservation:
			* -EBUSY); Linux keeps the entry, but it reserves nothing */
};

/* An entry of Linux's __reservedmem_of_table: compatible string and init function. */
typedef int (*reservedmem_of_init_fn)(struct reserved_mem *rmem);
struct reservedmem_of_entry {
	const char *compatible;
	reservedmem_of_init_fn init;
	const char *what; /* "CMA" or "DMA-coherent", for the shell */
};

/* The table of regions (Linux keeps it static; pimm exports it for the shell). */
extern struct reserved_mem reserved_mem[MAX_RESERVED_REGIONS];
extern int reserved_mem_count;

/* Save one region found by the scan; "not enough space for all defined regions." when full. */
void fdt_reserved_mem_save_node(int node, const char *uname, phys_addr_t base, phys_addr_t size);
/* Sort, report overlaps, allocate dynamic regions, run init functions. */
void fdt_init_reserved_mem(void);
/* lib/sort.c's heapsort of reserved_mem entries by (base, size): Linux's exact (unstable) order. */
void rmem_sort(struct reserved_mem *v, size_t num);
/* Allocate one dynamic region from its size/alignment/alloc-ranges; 0 or -errno. */
int __reserved_mem_alloc_size(int node, const char *uname, phys_addr_t *res_base,
			      phys_addr_t *res_size);
/* memblock_phys_alloc_range (top-down) then no-map; 0 or -ENOMEM. */
int early_init_dt_alloc_reserved_memory_arch(phys_addr_t size, phys_addr_t align,
					     phys_addr_t start, phys_addr_t end, bool nomap,
					     phys_addr_t *res_base);
/* The region whose [base, base+size) contains addr, or NULL (for the shell's owner column). */
struct reserved_mem *of_reserved_mem_find(phys_addr_t addr);

/* Init functions, in table order (CMA before DMA-coherent, as Linux's link order). */
int rmem_cma_setup(struct reserved_mem *rmem);
int rmem_dma_setup(struct reserved_mem *rmem);
/* What rmem_dma_setup gives each DMA-coherent pool: binding to a device (kernel/dma/coherent.c). */
extern const struct reserved_mem_ops rmem_dma_ops;
/* What rmem_cma_setup gives each CMA pool: dev->cma_area (kernel/dma/contiguous.c). */
extern const struct reserved_mem_ops rmem_cma_ops;
extern const struct reservedmem_of_entry reservedmem_of_table[];
extern const int reservedmem_of_table_size;

#endif
