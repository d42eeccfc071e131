/*
 * kernel/mm/vmalloc.c - vmap areas of the kernel's virtual address space: Linux 6.1's
 * mm/vmalloc.c (vmalloc, vzalloc, vfree, vmap, vunmap, get_vm_area, the area lists).
 *
 * Where it sits in the boot pipeline (docs/pipeline.md#vmalloc-and-ioremap): mm_init ->
 * kmem_cache_init -> vmalloc_init. vmalloc_init imports the static mappings paging_init
 * recorded (static_vmlist: iotable_init's device map and CMA remaps, fill_pmd_gaps' holes) as
 * busy areas without guard pages and makes the free space around them. From then on:
 *
 *   vmalloc / vzalloc(size)            -> __vmalloc_node_range(VMALLOC_START, VMALLOC_END)
 *     __get_vm_area_node               vm_struct (kzalloc), guard page, VM_IOREMAP alignment
 *       alloc_vmap_area                lowest-address first fit in the free list, under
 *         find_vmap_lowest_match       vmap_area_lock + free_vmap_area_lock
 *         adjust_va_to_fit_type        FL / LE / RE / NE split of the free range
 *         insert_vmap_area             busy list, address order
 *     __vmalloc_area_node              pages one by one from alloc_pages (highmem allowed),
 *       vmap_pages_range                 each mapped by arch_vmap_set_pte (asm/vmalloc.h)
 *   vfree / vunmap(addr)               -> remove_vm_area: detach vm (va->vm = NULL), clear
 *                                         the PTEs, flush the TLB, then free_vmap_area merges
 *                                         the range back into the free list (eager purge:
 *                                         Linux defers this "lazy" step; see docs)
 *   ioremap (arch/arm/mm/ioremap.c)    -> get_vm_area_caller(VM_IOREMAP) + arch_vmap_set_pte
 *
 * The data structure. Linux 6.1 keeps the free space in an augmented rb-tree ordered by
 * address whose nodes carry subtree_max_size, so that the lowest fitting range is found in
 * O(log n). pimm keeps the same ranges in an address-ordered doubly linked list and scans it
 * from the bottom: the first range that fits is the lowest one, the result Linux's tree
 * search gives. Busy areas sit on a second address-ordered list (Linux: vmap_area_root +
 * vmap_area_list). Together they tile [1, ULONG_MAX) exactly:
 *
 *   address  1       b2000000   b4000000      bc800000        bc802000     ff100000   ff200000  ~0
 *   busy             [CMA remap )               [vmalloc + guard)            [pmd gap  )
 *   free     [.......)          [..............)                [... ... ...)          [........)
 *
 * Locks: vmap_area_lock (busy list) is always taken before free_vmap_area_lock (free list),
 * and both are held from carving a range to inserting it, and from unlinking it to merging
 * it back, so that `mm-check` on another CPU always sees the two lists tile the space.
 * vmap_area objects come from kmalloc (allocated before the locks are taken, as Linux's
 * preload), page tables are edited outside the locks (each area's PTEs belong to it alone).
 */
#include <errno.h>
#include <string.h>

#include <linux/bug.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <asm/mach/map.h>
#include <asm/pgtable.h>
#include <asm/vmalloc.h>
#include <pimm/lab.h>

static DEFINE_SPINLOCK(vmap_area_lock);

/* Pages vmalloc holds (Linux's nr_vmalloc_pages: /proc/meminfo's VmallocUsed). */
static unsigned long nr_vmalloc_pages;

/* See vmalloc.h. */
unsigned long vmalloc_nr_pages(void)
{
	return __atomic_load_n(&nr_vmalloc_pages, __ATOMIC_RELAXED);
}
static DEFINE_SPINLOCK(free_vmap_area_lock);
static LIST_HEAD(vmap_area_list);      /* busy areas, address order */
static LIST_HEAD(free_vmap_area_list); /* free ranges, address order, never adjacent */
static bool vmap_initialized;

/* Linux's vmap_init_free_space bounds: everything but address 0 and the last byte. */
#define VMAP_START 1UL
#define VMAP_END (~0UL)

/* Linux's is_vmalloc_addr. */
bool is_vmalloc_addr(const void *addr)
{
	unsigned long a = (unsigned long)addr;

	return a >= VMALLOC_START && a < VMALLOC_END;
}

/* ceil(log2(size)) (Linux's get_count_order_long); size > 0. */
static int count_order(unsigned long size)
{
	int order = (int)(8 * sizeof(long)) - 1 - __builtin_clzl(size);

	return (size & (size - 1)) ? order + 1 : order;
}

/* ---- the free list ----------------------------------------------------------------------- */

/*
 * Lowest-address free range that holds size bytes at align inside [vstart, vend)
 * (Linux's find_vmap_lowest_match); its start in *addr. Caller holds free_vmap_area_lock.
 */
static struct vmap_area *find_vmap_lowest_match(unsigned long size, unsigned long align,
						unsigned long vstart, unsigned long vend,
						unsigned long *addr)
{
	struct vmap_area *va;

	/* LAB9 BEGIN */
	list_for_each_entry(va, &free_vmap_area_list, list) {
		unsigned long start = max(va->va_start, vstart);
		unsigned long end = min(va->va_end, vend);

		if (va->va_start >= vend)
			break;
		if (start >= end)
			continue;
		start = ALIGN(start, align);
		if (start < va->va_start || start >= end) /* wrapped or past the end */
			continue;
		if (end - start >= size) {
			*addr = start;
			return va;
		}
	}
	return NULL;
	/* LAB9 TODO
	lab_todo(9, "vmalloc", "find_vmap_lowest_match");
	// Until it is written, areas come from the top: the highest free range that fits.
	struct vmap_area *found = NULL;

	list_for_each_entry(va, &free_vmap_area_list, list) {
		unsigned long start = max(va->va_start, vstart);
		unsigned long end = min(va->va_end, vend);

		if (start >= end || end - start < size)
			continue;
		end = (end - size) & ~(align - 1);
		if (end >= start) {
			*addr = end;
			found = va;
		}
	}
	return found;
	*/
	/* LAB9 END */
}

/*
 * Take [start, start + size) out of free range va (Linux's adjust_va_to_fit_type): the whole
 * range (FL), its left edge (LE), its right edge (RE), or its middle (NE: spare becomes the
 * left part; *spare is cleared when used). Caller holds free_vmap_area_lock.
 */
static void adjust_va_to_fit_type(struct vmap_area *va, unsigned long start, unsigned long size,
				  struct vmap_area **spare)
{
	unsigned long end = start + size;
	struct vmap_area *lva;

	if (va->va_start == start && va->va_end == end) { /* FL_FIT_TYPE */
		list_del(&va->list);
		kfree(va);
	} else if (va->va_start == start) { /* LE_FIT_TYPE */
		va->va_start = end;
	} else if (va->va_end == end) { /* RE_FIT_TYPE */
		va->va_end = start;
	} else { /* NE_FIT_TYPE: [va_start, start) stays free in the spare node */
		lva = *spare;
		*spare = NULL;
		lva->va_start = va->va_start;
		lva->va_end = start;
		lva->vm = NULL;
		list_add_tail(&lva->list, &va->list);
		va->va_start = end;
	}
}

/*
 * Give [va_start, va_end) of va back to the free list, merging with the neighbours (Linux's
 * merge_or_add_vmap_area); va itself is reused or freed. Caller holds free_vmap_area_lock.
 */
static void merge_or_add_vmap_area(struct vmap_area *va)
{
	struct vmap_area *next, *prev = NULL;
	struct list_head *pos = &free_vmap_area_list;

	list_for_each_entry(next, &free_vmap_area_list, list) {
		if (next->va_start >= va->va_end)
			break;
		prev = next;
	}
	pos = prev ? &prev->list : &free_vmap_area_list;
	/* LAB9 BEGIN */
	next = list_entry(pos->next, struct vmap_area, list);
	if (pos->next != &free_vmap_area_list && next->va_start == va->va_end) {
		next->va_start = va->va_start;
		kfree(va);
		va = next;
		if (prev && prev->va_end == va->va_start) {
			prev->va_end = va->va_end;
			list_del(&va->list);
			kfree(va);
		}
		return;
	}
	if (prev && prev->va_end == va->va_start) {
		prev->va_end = va->va_end;
		kfree(va);
		return;
	}
	va->vm = NULL;
	list_add(&va->list, pos);
	/* LAB9 TODO
	lab_todo(9, "vmalloc", "merge_or_add_vmap_area");
	// Until it is written, the range is added as a free range of its own, never merged.
	(void)next;
	va->vm = NULL;
	list_add(&va->list, pos);
	*/
	/* LAB9 END */
}

/* ---- the busy list ----------------------------------------------------------------------- */

/* Link va into the busy list in address order (Linux's insert_vmap_area). vmap_area_lock. */
static void insert_vmap_area(struct vmap_area *va)
{
	struct vmap_area *pos;

	list_for_each_entry_reverse(pos, &vmap_area_list, list)
		if (pos->va_start < va->va_start)
			break;
	list_add(&va->list, &pos->list);
}

/* The busy area containing addr (Linux's __find_vmap_area). Caller holds vmap_area_lock. */
static struct vmap_area *__find_vmap_area(unsigned long addr)
{
	struct vmap_area *va;

	list_for_each_entry(va, &vmap_area_list, list) {
		if (va->va_start > addr)
			break;
		if (addr < va->va_end)
			return va;
	}
	return NULL;
}

struct vmap_area *find_vmap_area(unsigned long addr)
{
	struct vmap_area *va;
	unsigned long flags;

	spin_lock_irqsave(&vmap_area_lock, flags);
	va = __find_vmap_area(addr);
	spin_unlock_irqrestore(&vmap_area_lock, flags);
	return va;
}

/* ---- allocating and freeing areas -------------------------------------------------------- */

/*
 * A busy area of size bytes (page multiple, guard included) at align in [vstart, vend),
 * lowest address first, its vm set to vm (Linux's alloc_vmap_area + setup_vmalloc_vm);
 * ERR_PTR-style NULL on failure ("vmap allocation ... failed" unless __GFP_NOWARN).
 */
static struct vmap_area *alloc_vmap_area(unsigned long size, unsigned long align,
					 unsigned long vstart, unsigned long vend,
					 struct vm_struct *vm, gfp_t gfp)
{
	struct vmap_area *va, *spare, *free;
	unsigned long addr = 0, flags;

	if (WARN_ON(!size || (size & ~PAGE_MASK) || !align || (align & (align - 1))))
		return NULL;
	va = kmalloc(sizeof(*va), gfp & ~(__GFP_HIGHMEM | __GFP_ZERO));
	spare = kmalloc(sizeof(*spare), gfp & ~(__GFP_HIGHMEM | __GFP_ZERO));
	if (!va || !spare)
		goto fail;
	spin_lock_irqsave(&vmap_area_lock, flags);
	spin_lock(&free_vmap_area_lock);
	free = find_vmap_lowest_match(size, align, vstart, vend, &addr);
	if (free) {
		adjust_va_to_fit_type(free, addr, size, &spare);
		va->va_start = addr;
		va->va_end = addr + size;
		va->vm = vm;
		vm->addr = (void *)addr;
		vm->size = size;
		insert_vmap_area(va);
	}
	spin_unlock(&free_vmap_area_lock);
	spin_unlock_irqrestore(&vmap_area_lock, flags);
	kfree(spare);
	if (free)
		return va;
	if (!(gfp & __GFP_NOWARN))
		pr_warn("vmap allocation for size %lu failed: use vmalloc=<size> to increase size\n",
			size);
	spare = NULL;
fail:
	kfree(va);
	kfree(spare);
	return NULL;
}

/* Unlink busy area va and merge its range into the free list (Linux's free_vmap_area). */
static void free_vmap_area(struct vmap_area *va)
{
	unsigned long flags;

	spin_lock_irqsave(&vmap_area_lock, flags);
	spin_lock(&free_vmap_area_lock);
	list_del(&va->list);
	merge_or_add_vmap_area(va);
	spin_unlock(&free_vmap_area_lock);
	spin_unlock_irqrestore(&vmap_area_lock, flags);
}

/* A vm_struct over a fresh area (Linux's __get_vm_area_node); NULL on failure. */
static struct vm_struct *__get_vm_area_node(unsigned long size, unsigned long align,
					    unsigned long flags, unsigned long start,
					    unsigned long end, gfp_t gfp, const void *caller)
{
	struct vm_struct *area;

	if (!vmap_initialized || !size)
		return NULL;
	size = PAGE_ALIGN(size);
	if (!size) /* wrapped */
		return NULL;
	if (flags & VM_IOREMAP)
		align = 1UL << clamp(count_order(size), PAGE_SHIFT, IOREMAP_MAX_ORDER);
	area = kzalloc(sizeof(*area), gfp & ~(__GFP_HIGHMEM | __GFP_ZERO));
	if (!area)
		return NULL;
	if (!(flags & VM_NO_GUARD)) {
		if (size + PAGE_SIZE < size)
			goto fail;
		size += PAGE_SIZE;
	}
	area->flags = flags;
	area->caller = caller;
	if (!alloc_vmap_area(size, align, start, end, area, gfp))
		goto fail;
	return area;
fail:
	kfree(area);
	return NULL;
}

struct vm_struct *__get_vm_area_caller(unsigned long size, unsigned long flags,
				       unsigned long align, unsigned long start,
				       unsigned long end, const void *caller)
{
	return __get_vm_area_node(size, align, flags, start, end, GFP_KERNEL, caller);
}

struct vm_struct *get_vm_area_caller(unsigned long size, unsigned long flags, const void *caller)
{
	return __get_vm_area_node(size, 1, flags, VMALLOC_START, VMALLOC_END, GFP_KERNEL, caller);
}

struct vm_struct *find_vm_area(const void *addr)
{
	struct vmap_area *va = find_vmap_area((unsigned long)addr);

	return va ? va->vm : NULL;
}

/* The area's size without its guard page (Linux's get_vm_area_size). */
static unsigned long get_vm_area_size(const struct vm_struct *vm)
{
	return (vm->flags & VM_NO_GUARD) ? vm->size : vm->size - PAGE_SIZE;
}

/* Clear the PTEs of [start, end) and flush them from every TLB (vunmap_range). */
static void vunmap_range(unsigned long start, unsigned long end)
{
	for (unsigned long a = start; a < end; a += PAGE_SIZE)
		arch_vunmap_clear_pte(a);
	arch_vunmap_flush(start, end);
}

/*
 * Detach the area starting at addr, unmap it and free its range; its vm_struct, or NULL (and
 * a warning) if addr starts no live area or a static mapping (Linux's remove_vm_area).
 */
struct vm_struct *remove_vm_area(const void *addr)
{
	unsigned long a = (unsigned long)addr, flags;
	struct vm_struct *vm = NULL;
	struct vmap_area *va;

	spin_lock_irqsave(&vmap_area_lock, flags);
	va = __find_vmap_area(a);
	if (va && va->va_start == a && va->vm &&
	    !(va->vm->flags & (VM_ARM_STATIC_MAPPING | VM_ARM_EMPTY_MAPPING))) {
		vm = va->vm;
		va->vm = NULL; /* vmallocinfo: a "vm_map_ram" line until free_vmap_area */
	}
	spin_unlock_irqrestore(&vmap_area_lock, flags);
	if (!vm)
		return NULL;
	vunmap_range(a, a + get_vm_area_size(vm));
	free_vmap_area(va);
	return vm;
}

/* Free a pages[] array: vmalloc'ed when it was larger than a page (Linux's kvfree). */
static void free_pages_array(struct page **pages)
{
	if (is_vmalloc_addr(pages))
		vfree(pages);
	else
		kfree(pages);
}

/* Remove the area at addr; with deallocate_pages also give its pages back (Linux's __vunmap). */
static void __vunmap(const void *addr, bool deallocate_pages)
{
	struct vm_struct *area;

	if (!addr)
		return;
	if (WARN_ON((unsigned long)addr & ~PAGE_MASK))
		return;
	area = remove_vm_area(addr);
	if (!area) {
		pr_warn("Trying to vfree() nonexistent vm area (%p)\n", addr);
		return;
	}
	if (deallocate_pages) {
		for (unsigned int i = 0; i < area->nr_pages; i++)
			__free_pages(area->pages[i], 0);
		__atomic_sub_fetch(&nr_vmalloc_pages, area->nr_pages, __ATOMIC_RELAXED);
		if (area->pages)
			free_pages_array(area->pages);
	}
	kfree(area);
}

void vfree(const void *addr)
{
	__vunmap(addr, true);
}

void vunmap(const void *addr)
{
	__vunmap(addr, false);
}

/* ---- mapping pages ----------------------------------------------------------------------- */

/* Map pages[0..n) at addr with prot (Linux's vmap_pages_range); 0 or -ENOMEM. */
static int vmap_pages_range(unsigned long addr, struct page **pages, unsigned int n, u32 prot)
{
	for (unsigned int i = 0; i < n; i++)
		if (arch_vmap_set_pte(addr + i * PAGE_SIZE, page_to_pfn(pages[i]), prot))
			return -ENOMEM;
	return 0;
}

void clear_vm_uninitialized_flag(struct vm_struct *vm)
{
	unsigned long flags;

	spin_lock_irqsave(&vmap_area_lock, flags);
	vm->flags &= ~VM_UNINITIALIZED;
	spin_unlock_irqrestore(&vmap_area_lock, flags);
}

/*
 * Fill area with pages one by one and map them (Linux's __vmalloc_area_node); the pages[]
 * array comes from kmalloc, or from vmalloc itself when larger than a page, as in Linux.
 */
static void *__vmalloc_area_node(struct vm_struct *area, gfp_t gfp, u32 prot)
{
	unsigned int nr = get_vm_area_size(area) >> PAGE_SHIFT;
	unsigned long array_size = (unsigned long)nr * sizeof(struct page *);
	gfp_t nested = (gfp & ~(__GFP_HIGHMEM | __GFP_ZERO)) | __GFP_ZERO;
	unsigned long addr = (unsigned long)area->addr;

	if (array_size > PAGE_SIZE)
		area->pages = __vmalloc_node_range(array_size, 1, VMALLOC_START, VMALLOC_END,
						   nested, PAGE_KERNEL, 0, area->caller);
	else
		area->pages = kmalloc(array_size, nested);
	if (!area->pages) {
		pr_warn("vmalloc error: size %lu, page array size %lu allocation failed\n",
			nr * PAGE_SIZE, array_size);
		goto fail;
	}
	while (area->nr_pages < nr) {
		struct page *page = alloc_pages(gfp | __GFP_NOWARN, 0);

		if (!page)
			break;
		area->pages[area->nr_pages++] = page;
	}
	/* counted whatever came: __vunmap subtracts them again, on the failure path too */
	__atomic_add_fetch(&nr_vmalloc_pages, area->nr_pages, __ATOMIC_RELAXED);
	if (area->nr_pages != nr) { /* the size printed is what was obtained, as 6.1 */
		if (!(gfp & __GFP_NOWARN))
			pr_warn("vmalloc error: size %lu, failed to allocate pages\n",
				(unsigned long)area->nr_pages * PAGE_SIZE);
		goto fail;
	}
	if (vmap_pages_range(addr, area->pages, nr, prot)) {
		pr_warn("vmalloc error: size %lu, failed to map pages\n",
			(unsigned long)area->nr_pages * PAGE_SIZE);
		goto fail;
	}
	return area->addr;
fail:
	vfree(area->addr);
	return NULL;
}

void *__vmalloc_node_range(unsigned long size, unsigned long align, unsigned long start,
			   unsigned long end, gfp_t gfp, u32 prot, unsigned long vm_flags,
			   const void *caller)
{
	unsigned long real_size = PAGE_ALIGN(size);
	struct vm_struct *area;
	void *addr;

	if (!size || !real_size || (real_size >> PAGE_SHIFT) > totalram_pages()) {
		if (!(gfp & __GFP_NOWARN))
			pr_warn("vmalloc error: size %lu, exceeds total pages\n", real_size);
		return NULL;
	}
	area = __get_vm_area_node(real_size, align, VM_ALLOC | VM_UNINITIALIZED | vm_flags, start,
				  end, gfp, caller);
	if (!area) {
		if (!(gfp & __GFP_NOWARN))
			pr_warn("vmalloc error: size %lu, vm_struct allocation failed\n", real_size);
		return NULL;
	}
	addr = __vmalloc_area_node(area, gfp, prot);
	if (addr)
		clear_vm_uninitialized_flag(area);
	return addr;
}

noinline void *vmalloc(unsigned long size)
{
	return __vmalloc_node_range(size, 1, VMALLOC_START, VMALLOC_END,
				    GFP_KERNEL | __GFP_HIGHMEM, PAGE_KERNEL, 0,
				    __builtin_return_address(0));
}

noinline void *vzalloc(unsigned long size)
{
	return __vmalloc_node_range(size, 1, VMALLOC_START, VMALLOC_END,
				    GFP_KERNEL | __GFP_HIGHMEM | __GFP_ZERO, PAGE_KERNEL, 0,
				    __builtin_return_address(0));
}

noinline void *vmap(struct page **pages, unsigned int count, unsigned long flags, u32 prot)
{
	struct vm_struct *area;

	if (!count || count > totalram_pages())
		return NULL;
	area = get_vm_area_caller((unsigned long)count << PAGE_SHIFT, flags | VM_UNINITIALIZED,
				  __builtin_return_address(0));
	if (!area)
		return NULL;
	if (vmap_pages_range((unsigned long)area->addr, pages, count, prot)) {
		vunmap(area->addr);
		return NULL;
	}
	clear_vm_uninitialized_flag(area);
	return area->addr;
}

/* ---- boot: importing the static mappings ------------------------------------------------- */

/* A busy area for one static_vmlist record (no guard page), as Linux imports vmlist. */
static void __init import_static_vm(const struct static_vm *svm)
{
	struct vm_struct *vm = kzalloc(sizeof(*vm), GFP_KERNEL);
	struct vmap_area *va = kzalloc(sizeof(*va), GFP_KERNEL);

	if (!vm || !va)
		panic("%s: out of memory for the static areas\n", __func__);
	vm->addr = (void *)svm->addr;
	vm->size = svm->size;
	vm->phys_addr = svm->phys;
	vm->caller_name = svm->caller;
	if (svm->type == STATIC_VM_EMPTY)
		vm->flags = VM_IOREMAP | VM_ARM_EMPTY_MAPPING;
	else
		vm->flags = VM_IOREMAP | VM_ARM_STATIC_MAPPING | VM_ARM_MTYPE(svm->type);
	va->va_start = svm->addr;
	va->va_end = svm->addr + svm->size;
	va->vm = vm;
	insert_vmap_area(va);
}

/* Free ranges for every gap between busy areas in [VMAP_START, VMAP_END) (Linux's
 * vmap_init_free_space). */
static void __init vmap_init_free_space(void)
{
	unsigned long start = VMAP_START;
	struct vmap_area *busy, *free;

	list_for_each_entry(busy, &vmap_area_list, list) {
		if (busy->va_start > start) {
			free = kzalloc(sizeof(*free), GFP_KERNEL);
			if (!free)
				panic("%s: out of memory\n", __func__);
			free->va_start = start;
			free->va_end = busy->va_start;
			list_add_tail(&free->list, &free_vmap_area_list);
		}
		start = max(start, busy->va_end);
	}
	if (start < VMAP_END) {
		free = kzalloc(sizeof(*free), GFP_KERNEL);
		if (!free)
			panic("%s: out of memory\n", __func__);
		free->va_start = start;
		free->va_end = VMAP_END;
		list_add_tail(&free->list, &free_vmap_area_list);
	}
}

/* Linux's vmalloc_init: the static areas become busy areas, the rest free space. */
void __init vmalloc_init(void)
{
	for (const struct static_vm *svm = static_vmlist; svm; svm = svm->next)
		import_static_vm(svm);
	vmap_init_free_space();
	vmap_initialized = true;
}

/* ---- the shell's view -------------------------------------------------------------------- */

void vmalloc_for_each_area(void (*fn)(const struct vmap_area *va, void *arg), void *arg)
{
	struct vmap_area *va;
	unsigned long flags;

	spin_lock_irqsave(&vmap_area_lock, flags);
	list_for_each_entry(va, &vmap_area_list, list)
		fn(va, arg);
	spin_unlock_irqrestore(&vmap_area_lock, flags);
}

bool vmalloc_free_range(unsigned long addr, unsigned long *start, unsigned long *end)
{
	struct vmap_area *va;
	unsigned long flags;
	bool found = false;

	spin_lock_irqsave(&free_vmap_area_lock, flags);
	list_for_each_entry(va, &free_vmap_area_list, list) {
		if (addr >= va->va_start && addr < va->va_end) {
			*start = va->va_start;
			*end = va->va_end;
			found = true;
			break;
		}
	}
	spin_unlock_irqrestore(&free_vmap_area_lock, flags);
	return found;
}

void vmalloc_counts(unsigned long *nr_busy, unsigned long *nr_free, unsigned long *free_bytes)
{
	struct vmap_area *va;
	unsigned long flags;

	*nr_busy = *nr_free = *free_bytes = 0;
	spin_lock_irqsave(&vmap_area_lock, flags);
	spin_lock(&free_vmap_area_lock);
	list_for_each_entry(va, &vmap_area_list, list)
		(*nr_busy)++;
	list_for_each_entry(va, &free_vmap_area_list, list) {
		unsigned long s = max(va->va_start, (unsigned long)VMALLOC_START);
		unsigned long e = min(va->va_end, (unsigned long)VMALLOC_END);

		(*nr_free)++;
		if (s < e)
			*free_bytes += e - s;
	}
	spin_unlock(&free_vmap_area_lock);
	spin_unlock_irqrestore(&vmap_area_lock, flags);
}

/* ---- mm-check ---------------------------------------------------------------------------- */

typedef void (*vm_report_fn)(const char *fmt, ...) __printf(1, 2);

/* The PTEs of one set-up area: its pages (or its physical range) mapped, the guard empty. */
static int check_area_ptes(const struct vmap_area *va, vm_report_fn report)
{
	const struct vm_struct *vm = va->vm;
	unsigned long n = get_vm_area_size(vm) >> PAGE_SHIFT;
	int bad = 0;

	for (unsigned long i = 0; i < n && !bad; i++) {
		unsigned long a = va->va_start + i * PAGE_SIZE;
		u32 pte = arch_vmap_get_pte(a);
		unsigned long want;

		if (vm->flags & VM_ALLOC) {
			if (i >= vm->nr_pages || page_ref_count(vm->pages[i]) < 1) {
				report("vmalloc: area %#lx page %lu missing or unreferenced", va->va_start, i);
				return 1;
			}
			want = page_to_pfn(vm->pages[i]);
		} else if (vm->flags & VM_IOREMAP) {
			want = __phys_to_pfn(vm->phys_addr) + i;
		} else {
			want = pte ? pte_pfn(pte) : ~0UL; /* vmap: any page, but mapped */
		}
		if (!pte || pte_pfn(pte) != want)
			report("vmalloc: area %#lx: PTE of %#lx is %#x, not pfn %#lx", va->va_start, a,
			       pte, want), bad++;
	}
	if (!(vm->flags & VM_NO_GUARD) && arch_vmap_get_pte(va->va_end - PAGE_SIZE))
		report("vmalloc: area %#lx: guard page %#lx is mapped", va->va_start,
		       va->va_end - PAGE_SIZE), bad++;
	return bad;
}

/* One busy area: inside the range (static ones anywhere), sane vm, PTEs when set up. */
static int check_busy_area(const struct vmap_area *va, vm_report_fn report)
{
	const struct vm_struct *vm = va->vm;

	if (!vm) /* being freed: its PTEs are going away */
		return 0;
	if ((unsigned long)vm->addr != va->va_start || vm->size != va->va_end - va->va_start) {
		report("vmalloc: area %#lx-%#lx: vm_struct says %p+%#lx", va->va_start, va->va_end,
		       vm->addr, vm->size);
		return 1;
	}
	if (vm->flags & (VM_ARM_STATIC_MAPPING | VM_ARM_EMPTY_MAPPING))
		return 0;
	if (va->va_start < VMALLOC_START || va->va_end > VMALLOC_END) {
		report("vmalloc: area %#lx-%#lx outside [%#lx, %#lx)", va->va_start, va->va_end,
		       (unsigned long)VMALLOC_START, (unsigned long)VMALLOC_END);
		return 1;
	}
	if (vm->flags & VM_UNINITIALIZED)
		return 0;
	return check_area_ptes(va, report);
}

/* Walk both lists together: each sorted, disjoint, page aligned, and together [1, ~0). */
static int check_tiling(vm_report_fn report, unsigned long *nr_busy, unsigned long *nr_free)
{
	struct list_head *b = vmap_area_list.next, *f = free_vmap_area_list.next;
	unsigned long at = VMAP_START;
	bool last_free = false;
	int bad = 0;

	while (b != &vmap_area_list || f != &free_vmap_area_list) {
		struct vmap_area *vb = list_entry(b, struct vmap_area, list);
		struct vmap_area *vf = list_entry(f, struct vmap_area, list);
		bool take_free = b == &vmap_area_list ||
				 (f != &free_vmap_area_list && vf->va_start < vb->va_start);
		struct vmap_area *va = take_free ? vf : vb;

		if (va->va_start != at || va->va_end <= va->va_start ||
		    ((va->va_end & ~PAGE_MASK) && va->va_end != VMAP_END)) {
			report("vmalloc: %s range %#lx-%#lx where %#lx was expected",
			       take_free ? "free" : "busy", va->va_start, va->va_end, at);
			return bad + 1;
		}
		if (take_free && last_free)
			report("vmalloc: free ranges not merged at %#lx", va->va_start), bad++;
		last_free = take_free;
		at = va->va_end;
		if (take_free)
			f = f->next, (*nr_free)++;
		else
			bad += check_busy_area(vb, report), b = b->next, (*nr_busy)++;
	}
	if (at != VMAP_END)
		report("vmalloc: the lists end at %#lx, not %#lx", at, VMAP_END), bad++;
	return bad;
}

int vmalloc_check(vm_report_fn report, unsigned long *nr_busy, unsigned long *nr_free)
{
	unsigned long flags;
	int bad;

	*nr_busy = *nr_free = 0;
	if (!vmap_initialized)
		return 0;
	spin_lock_irqsave(&vmap_area_lock, flags);
	spin_lock(&free_vmap_area_lock);
	bad = check_tiling(report, nr_busy, nr_free);
	spin_unlock(&free_vmap_area_lock);
	spin_unlock_irqrestore(&vmap_area_lock, flags);
	return bad;
}
