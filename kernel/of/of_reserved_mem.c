/*
 * kernel/of/of_reserved_mem.c - /reserved-memory regions after the scan: Linux 6.1's
 * drivers/of/of_reserved_mem.c (and the DMA-coherent init function of kernel/dma/coherent.c).
 *
 * Where it sits in the boot pipeline (docs/pipeline.md#reserved-memory-and-cma):
 *
 *   arm_memblock_init -> early_init_fdt_scan_reserved_mem (kernel/of/fdt.c)
 *     fdt_scan_reserved_mem          saves each region: fdt_reserved_mem_save_node
 *     fdt_init_reserved_mem
 *       __rmem_check_for_overlap     heapsort by (base, size), "OVERLAP DETECTED!"
 *       for each region, in sorted order (dynamic ones sort first, as (0, 0)):
 *         __reserved_mem_alloc_size  dynamic: size/alignment/alloc-ranges, top-down
 *         __reserved_mem_init_node   reservedmem_of_table: CMA (rmem_cma_setup, mm/cma.c),
 *                                    then DMA-coherent (rmem_dma_setup, here)
 *
 * The sort is lib/sort.c's, Linux's heapsort, element for element: dynamic regions compare
 * equal, so the order they are allocated in (and hence their addresses) is whatever that
 * unstable sort leaves, e.g. framebuffer before jpegbuffer in docs/pipeline.md#the-ast2500-example.
 */
#define pr_fmt(fmt) "OF: reserved mem: " fmt

#include <errno.h>
#include <string.h>

#include <asm/page.h>
#include <linux/cma.h>
#include <linux/kernel.h>
#include <linux/memblock.h>
#include <linux/of_fdt.h>
#include <linux/of_reserved_mem.h>
#include <linux/printk.h>
#include <linux/sort.h>
#include <pimm/fdt.h>
#include <pimm/lab.h>

struct reserved_mem reserved_mem[MAX_RESERVED_REGIONS];
int reserved_mem_count;

/* Linux's __reservedmem_of_table in link order: contiguous.c before coherent.c. */
const struct reservedmem_of_entry reservedmem_of_table[] = {
	{"shared-dma-pool", rmem_cma_setup, "CMA"},
	{"shared-dma-pool", rmem_dma_setup, "DMA-coherent"},
};
const int reservedmem_of_table_size = ARRAY_SIZE(reservedmem_of_table);

static const void *rmem_prop(unsigned long node, const char *name, int *lenp)
{
	return dt_getprop(initial_boot_params, (int)node, name, lenp);
}

/* Append one region to reserved_mem[]; "not enough space" when the table is full. */
void fdt_reserved_mem_save_node(int node, const char *uname, phys_addr_t base, phys_addr_t size)
{
	struct reserved_mem *rmem;

	if (reserved_mem_count == ARRAY_SIZE(reserved_mem)) {
		pr_err("not enough space for all defined regions.\n");
		return;
	}
	rmem = &reserved_mem[reserved_mem_count++];
	memset(rmem, 0, sizeof(*rmem));
	rmem->fdt_node = (unsigned long)node;
	rmem->name = uname;
	rmem->base = base;
	rmem->size = size;
}

/* Allocate top-down in [start, end) (end 0: anywhere), then no-map it if asked; 0/-errno. */
int early_init_dt_alloc_reserved_memory_arch(phys_addr_t size, phys_addr_t align,
					     phys_addr_t start, phys_addr_t end, bool nomap,
					     phys_addr_t *res_base)
{
	phys_addr_t base;
	int err = 0;

	end = !end ? MEMBLOCK_ALLOC_ANYWHERE : end;
	align = !align ? SMP_CACHE_BYTES : align;
	base = memblock_phys_alloc_range(size, align, start, end);
	if (!base)
		return -ENOMEM;
	*res_base = base;
	if (nomap) {
		err = memblock_mark_nomap(base, size);
		if (err)
			memblock_phys_free(base, size);
	}
	return err;
}

/* Read size and alignment of a dynamic node; 0 or -EINVAL (with Linux's messages). */
static int rmem_read_size_align(int node, const char *uname, phys_addr_t *size,
				phys_addr_t *align)
{
	const u32 *prop;
	int len;

	prop = rmem_prop(node, "size", &len);
	if (!prop)
		return -EINVAL;
	if (len != dt_root_size_cells * 4) {
		pr_err("invalid size property in '%s' node.\n", uname);
		return -EINVAL;
	}
	*size = (phys_addr_t)dt_mem_next_cell(dt_root_size_cells, &prop);

	*align = 0;
	prop = rmem_prop(node, "alignment", &len);
	if (prop) {
		if (len != dt_root_addr_cells * 4) {
			pr_err("invalid alignment property in '%s' node.\n", uname);
			return -EINVAL;
		}
		*align = (phys_addr_t)dt_mem_next_cell(dt_root_addr_cells, &prop);
	}
	return 0;
}

/* LAB2 BEGIN */
/* Try each alloc-ranges window in order (base stays 0 if none fits); -EINVAL if malformed. */
static int rmem_alloc_in_ranges(int node, const char *uname, phys_addr_t size,
				phys_addr_t align, bool nomap, phys_addr_t *base)
{
	int t_len = (dt_root_addr_cells + dt_root_size_cells) * 4;
	const u32 *prop;
	int len;

	prop = rmem_prop(node, "alloc-ranges", &len);
	if (len % t_len != 0) {
		pr_err("invalid alloc-ranges property in '%s', skipping node.\n", uname);
		return -EINVAL;
	}
	*base = 0;
	while (len > 0) {
		phys_addr_t start = (phys_addr_t)dt_mem_next_cell(dt_root_addr_cells, &prop);
		phys_addr_t end = start + (phys_addr_t)dt_mem_next_cell(dt_root_size_cells, &prop);

		if (early_init_dt_alloc_reserved_memory_arch(size, align, start, end, nomap,
							     base) == 0) {
			pr_debug("allocated memory for '%s' node: base %pa, size %lu MiB\n", uname,
				 base, (unsigned long)(size / SZ_1M));
			break;
		}
		len -= t_len;
	}
	return 0;
}

/* Place one dynamic region (size, alignment, alloc-ranges, no-map, CMA alignment); 0/-errno. */
int __reserved_mem_alloc_size(int node, const char *uname, phys_addr_t *res_base,
			      phys_addr_t *res_size)
{
	phys_addr_t base = 0, align, size;
	bool nomap;
	int err;

	err = rmem_read_size_align(node, uname, &size, &align);
	if (err)
		return err;
	nomap = rmem_prop(node, "no-map", NULL) != NULL;

	/* A CMA pool must cover whole pageblocks. */
	if (dt_node_is_compatible(initial_boot_params, node, "shared-dma-pool") &&
	    rmem_prop(node, "reusable", NULL) && !nomap)
		align = max_t(phys_addr_t, align, CMA_MIN_ALIGNMENT_BYTES);

	if (rmem_prop(node, "alloc-ranges", NULL)) {
		err = rmem_alloc_in_ranges(node, uname, size, align, nomap, &base);
		if (err)
			return err;
	} else if (early_init_dt_alloc_reserved_memory_arch(size, align, 0, 0, nomap, &base) == 0) {
		pr_debug("allocated memory for '%s' node: base %pa, size %lu MiB\n", uname, &base,
			 (unsigned long)(size / SZ_1M));
	}

	if (base == 0) {
		pr_err("failed to allocate memory for node '%s': size %lu MiB\n", uname,
		       (unsigned long)(size / SZ_1M));
		return -ENOMEM;
	}
	*res_base = base;
	*res_size = size;
	return 0;
}
/* LAB2 TODO
// Place one dynamic region (size, alignment, alloc-ranges, no-map, CMA alignment); 0/-errno.
int __reserved_mem_alloc_size(int node, const char *uname, phys_addr_t *res_base,
			      phys_addr_t *res_size)
{
	phys_addr_t size, align;
	int err;

	lab_todo(2, "of", "__reserved_mem_alloc_size");
	// Until it is written, no dynamic region gets a place.
	err = rmem_read_size_align(node, uname, &size, &align);
	if (err)
		return err;
	(void)res_base;
	(void)res_size;
	pr_err("failed to allocate memory for node '%s': size %lu MiB\n", uname,
	       (unsigned long)(size / SZ_1M));
	return -ENOMEM;
}
*/
/* LAB2 END */

/* Run the table's init functions whose compatible the node has; the first 0 wins. */
static int __reserved_mem_init_node(struct reserved_mem *rmem)
{
	int i, ret = -ENOENT;

	for (i = 0; i < reservedmem_of_table_size; i++) {
		const struct reservedmem_of_entry *e = &reservedmem_of_table[i];

		if (!dt_node_is_compatible(initial_boot_params, (int)rmem->fdt_node, e->compatible))
			continue;
		ret = e->init(rmem);
		if (ret == 0) {
			pr_info("initialized node %s, compatible id %s\n", rmem->name, e->compatible);
			break;
		}
	}
	return ret;
}

/* Linux's __rmem_cmp: by base, then size; dynamic entries (0, 0) compare equal. */
static int __rmem_cmp(const void *a, const void *b)
{
	const struct reserved_mem *ra = a, *rb = b;

	if (ra->base < rb->base)
		return -1;
	if (ra->base > rb->base)
		return 1;
	if (ra->size < rb->size)
		return -1;
	if (ra->size > rb->size)
		return 1;
	return 0;
}

/* Sort @v[0..num) as __rmem_check_for_overlap does: lib/sort.c's heapsort by __rmem_cmp
 * (not stable: the order of equal, dynamic entries is Linux's observable behaviour). */
void rmem_sort(struct reserved_mem *v, size_t num)
{
	sort(v, num, sizeof(*v), __rmem_cmp, NULL);
}

/* Sort reserved_mem[] and report every neighbour pair that overlaps. */
static void __rmem_check_for_overlap(void)
{
	int i;

	if (reserved_mem_count < 2)
		return;
	rmem_sort(reserved_mem, reserved_mem_count);
	for (i = 0; i < reserved_mem_count - 1; i++) {
		struct reserved_mem *this = &reserved_mem[i], *next = &reserved_mem[i + 1];
		phys_addr_t this_end = this->base + this->size, next_end = next->base + next->size;

		if (this->base + this->size > next->base)
			pr_err("OVERLAP DETECTED!\n%s (%pa--%pa) overlaps with %s (%pa--%pa)\n",
			       this->name, &this->base, &this_end, next->name, &next->base,
			       &next_end);
	}
}

/* Initialise one (sorted) region: phandle, allocation if dynamic, init function. */
static void fdt_init_one_reserved_mem(struct reserved_mem *rmem)
{
	bool nomap = rmem_prop(rmem->fdt_node, "no-map", NULL) != NULL;
	const void *prop;
	int len, err = 0;

	prop = rmem_prop(rmem->fdt_node, "phandle", &len);
	if (!prop)
		prop = rmem_prop(rmem->fdt_node, "linux,phandle", &len);
	if (prop && (len == 4 || len == 8))
		rmem->phandle = (unsigned long)dt_read_number(prop, len / 4);

	if (rmem->size == 0)
		err = __reserved_mem_alloc_size((int)rmem->fdt_node, rmem->name, &rmem->base,
						&rmem->size);
	if (err)
		return;
	err = __reserved_mem_init_node(rmem);
	if (err != 0 && err != -ENOENT) {
		pr_info("node %s compatible matching fail\n", rmem->name);
		rmem->released = true;
		if (nomap)
			memblock_clear_nomap(rmem->base, rmem->size);
		else
			memblock_phys_free(rmem->base, rmem->size);
	}
}

/* Sort, report overlaps, then place and initialise every saved region in sorted order. */
void fdt_init_reserved_mem(void)
{
	int i;

	__rmem_check_for_overlap();
	for (i = 0; i < reserved_mem_count; i++)
		fdt_init_one_reserved_mem(&reserved_mem[i]);
}

/* The saved region containing @addr (empty, failed or released regions never match), or NULL. */
struct reserved_mem *of_reserved_mem_find(phys_addr_t addr)
{
	int i;

	for (i = 0; i < reserved_mem_count; i++) {
		struct reserved_mem *r = &reserved_mem[i];

		if (r->size && !r->released && !r->failed && addr >= r->base && addr - r->base < r->size)
			return r;
	}
	return NULL;
}

/*
 * Linux's kernel/dma/coherent.c: a shared-dma-pool that is not reusable becomes a per-device
 * coherent pool; on ARM it must be no-map (it is later ioremapped with other attributes). Its
 * printed lines carry no prefix.
 */
int rmem_dma_setup(struct reserved_mem *rmem)
{
	if (rmem_prop(rmem->fdt_node, "reusable", NULL))
		return -EINVAL;
	if (!rmem_prop(rmem->fdt_node, "no-map", NULL)) {
		printk(KERN_ERR "Reserved memory: regions without no-map are not yet supported\n");
		return -EINVAL;
	}
	rmem->ops = &rmem_dma_ops; /* kernel/dma/coherent.c binds it to its device later */
	printk(KERN_INFO "Reserved memory: created DMA memory pool at %pa, size %ld MiB\n",
	       &rmem->base, (long)(rmem->size / SZ_1M));
	return 0;
}
