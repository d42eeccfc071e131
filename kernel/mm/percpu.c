/*
 * percpu.c - per-CPU areas: Linux's mm/percpu.c for the first chunk, embedded in lowmem.
 *
 * Where it sits: start_kernel -> setup_arch (memblock, paging_init) -> setup_per_cpu_areas
 * (here) -> smp_prepare_boot_cpu (TPIDRPRW = our offset) -> ... -> smp_init (CPUs 1-3 load
 * theirs). From then on `this_cpu_ptr(&x)` reaches each CPU's own copy of x.
 *
 * pcpu_embed_first_chunk takes one block from memblock for all CPUs, one unit per CPU:
 *
 *   pcpu_base_addr
 *   |<------------------ unit 0 ------------------>|<---- unit 1 ---- ...
 *   +----------+-------------+---------------------+----------+-----
 *   |  static  |  reserved   |       dynamic       |  static  | ...
 *   | (copy of | (modules in |  (__alloc_percpu:   |          |
 *   | template)|   Linux)    |   alloc_map, 4 B)   |          |
 *   +----------+-------------+---------------------+----------+-----
 *   0          s             s+r                   u
 *
 *   size_sum = PFN_ALIGN(s + r + max(d, 12K)), d = size_sum - s - r (absorbs the rounding),
 *   unit u = max(size_sum, 32K) rounded to the atom (a page); one group holds every CPU.
 *   __per_cpu_offset[cpu] = (pcpu_base_addr - __per_cpu_start) + cpu * u
 *
 * The dynamic part is a first-fit bitmap allocator over 4-byte units (PCPU_MIN_ALLOC_SIZE),
 * with a bound map marking where each allocation starts, as Linux's chunk allocator keeps.
 */
#include <string.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/bug.h>
#include <linux/memblock.h>
#include <linux/percpu.h>
#include <linux/pfn.h>
#include <linux/printk.h>
#include <linux/spinlock.h>
#include <asm/memory.h>
#include <asm/page.h>
#include <pimm/lab.h>
#include <pimm/vsprintf.h>

#define PERCPU_MODULE_RESERVE (8 << 10)
#define PERCPU_DYNAMIC_RESERVE (20 << 10)
#define PERCPU_DYNAMIC_EARLY_SIZE (12 << 10)
#define PCPU_MIN_UNIT_SIZE (32 << 10)
#define PCPU_MIN_ALLOC_SIZE 4
#define MAX_DMA_ADDRESS 0xffffffffUL /* no ZONE_DMA: the "above DMA" goal is out of reach */

unsigned long __per_cpu_offset[CONFIG_NR_CPUS];
struct pcpu_first_chunk pcpu_chunk;
static DEFINE_SPINLOCK(pcpu_lock);

/* Linux's pcpu_build_alloc_info for one group of nr_cpus, atom = PAGE_SIZE. */
void pcpu_build_alloc_info(struct pcpu_alloc_info *ai, size_t static_size, size_t reserved,
			   size_t dyn, unsigned int nr_cpus)
{
	/* LAB5 BEGIN */
	size_t size_sum = PFN_ALIGN(static_size + reserved + max(dyn, (size_t)PERCPU_DYNAMIC_EARLY_SIZE));

	ai->static_size = static_size;
	ai->reserved_size = reserved;
	ai->dyn_size = size_sum - static_size - reserved;
	ai->unit_size = ALIGN(max(size_sum, (size_t)PCPU_MIN_UNIT_SIZE), PAGE_SIZE);
	ai->atom_size = PAGE_SIZE;
	ai->alloc_size = ai->unit_size; /* upa = 1: one unit per allocation atom */
	ai->nr_units = nr_cpus;
	ai->size_sum = size_sum;
	/* LAB5 TODO
	lab_todo(5, "percpu", "pcpu_build_alloc_info");
	// Until it is written, the parts are taken as asked and every unit is 64 KiB.
	ai->static_size = static_size;
	ai->reserved_size = reserved;
	ai->dyn_size = dyn;
	ai->size_sum = PFN_ALIGN(static_size + reserved + dyn);
	ai->unit_size = max(ai->size_sum, (size_t)(64 << 10));
	ai->atom_size = PAGE_SIZE;
	ai->alloc_size = ai->unit_size;
	ai->nr_units = nr_cpus;
	*/
	/* LAB5 END */
}

/* Set up the chunk bookkeeping (Linux's pcpu_setup_first_chunk, one chunk). */
static void __init pcpu_setup_first_chunk(const struct pcpu_alloc_info *ai, void *base)
{
	struct pcpu_first_chunk *c = &pcpu_chunk;
	size_t bits = (ai->reserved_size + ai->dyn_size) / PCPU_MIN_ALLOC_SIZE;

	c->ai = *ai;
	c->base_addr = base;
	c->nr_map_bits = bits;
	c->alloc_map = memblock_alloc(BITS_TO_LONGS(bits) * sizeof(unsigned long), SMP_CACHE_BYTES);
	c->bound_map = memblock_alloc(BITS_TO_LONGS(bits + 1) * sizeof(unsigned long),
				      SMP_CACHE_BYTES);
	if (!c->alloc_map || !c->bound_map)
		panic("pcpu_setup_first_chunk: failed to allocate the chunk maps");
	/* the reserved part is not handed out by __alloc_percpu: mark it taken */
	for (size_t i = 0; i < ai->reserved_size / PCPU_MIN_ALLOC_SIZE; i++)
		c->alloc_map[i / BITS_PER_LONG] |= 1UL << (i % BITS_PER_LONG);
}

/* Linux's pcpu_dump_alloc_info unit line: "[group] cpu" per unit (one group here). */
static void __init pcpu_dump_units(const struct pcpu_alloc_info *ai)
{
	char line[16 + 8 * CONFIG_NR_CPUS];
	int n = ksnprintf(line, sizeof(line), "pcpu-alloc: ");

	for (unsigned int cpu = 0; cpu < ai->nr_units; cpu++)
		n += kscnprintf(line + n, sizeof(line) - n, "[0] %u ", cpu);
	printk(KERN_DEBUG "%s\n", line);
}

/* Allocate the units, copy the static template into each, set up the first chunk. */
static int __init pcpu_embed_first_chunk(size_t reserved, size_t dyn)
{
	size_t static_size = __per_cpu_end - __per_cpu_start;
	struct pcpu_alloc_info *ai;
	unsigned int cpu;
	char *base;

	ai = memblock_alloc(PAGE_SIZE, PAGE_SIZE); /* Linux: the alloc info, one page */
	if (!ai)
		return -1;
	pcpu_build_alloc_info(ai, static_size, reserved, dyn, CONFIG_NR_CPUS);
	base = memblock_alloc_from((phys_addr_t)ai->nr_units * ai->unit_size, PAGE_SIZE,
				   __pa(MAX_DMA_ADDRESS));
	if (!base) {
		memblock_free(ai, PAGE_SIZE);
		return -1;
	}
	for (cpu = 0; cpu < ai->nr_units; cpu++) {
		char *unit = base + cpu * ai->unit_size;

		memcpy(unit, __per_cpu_load, static_size);
		if (ai->unit_size > ai->size_sum) /* give back the unused tail */
			memblock_free(unit + ai->size_sum, ai->unit_size - ai->size_sum);
	}
	pr_info("percpu: Embedded %zu pages/cpu s%zu r%zu d%zu u%zu\n", PFN_DOWN(ai->size_sum),
		ai->static_size, ai->reserved_size, ai->dyn_size, ai->unit_size);
	printk(KERN_DEBUG "pcpu-alloc: s%zu r%zu d%zu u%zu alloc=%zu*%zu\n", ai->static_size,
	       ai->reserved_size, ai->dyn_size, ai->unit_size, ai->alloc_size / ai->atom_size,
	       ai->atom_size);
	pcpu_dump_units(ai);
	pcpu_setup_first_chunk(ai, base);
	memblock_free(ai, PAGE_SIZE);
	return 0;
}

/* Linux's generic setup_per_cpu_areas: embed, then record each CPU's offset. */
void __init setup_per_cpu_areas(void)
{
	unsigned long delta;
	unsigned int cpu;

	if (pcpu_embed_first_chunk(PERCPU_MODULE_RESERVE, PERCPU_DYNAMIC_RESERVE))
		panic("setup_per_cpu_areas: failed to initialize the first percpu chunk");
	/* LAB5 BEGIN */
	delta = (unsigned long)pcpu_chunk.base_addr - (unsigned long)__per_cpu_start;
	for (cpu = 0; cpu < CONFIG_NR_CPUS; cpu++)
		__per_cpu_offset[cpu] = delta + cpu * pcpu_chunk.ai.unit_size;
	/* LAB5 TODO
	lab_todo(5, "percpu", "setup_per_cpu_areas");
	// Until it is written, the units go to the CPUs last first (CPU 0 gets the last unit):
	// each CPU has a unit of its own, but not the one Linux gives it.
	delta = (unsigned long)pcpu_chunk.base_addr - (unsigned long)__per_cpu_start;
	for (cpu = 0; cpu < CONFIG_NR_CPUS; cpu++)
		__per_cpu_offset[cpu] = delta + (CONFIG_NR_CPUS - 1 - cpu) * pcpu_chunk.ai.unit_size;
	*/
	/* LAB5 END */
}

static bool map_test(const unsigned long *map, size_t bit)
{
	return map[bit / BITS_PER_LONG] & (1UL << (bit % BITS_PER_LONG));
}

static void map_set(unsigned long *map, size_t bit, bool on)
{
	if (on)
		map[bit / BITS_PER_LONG] |= 1UL << (bit % BITS_PER_LONG);
	else
		map[bit / BITS_PER_LONG] &= ~(1UL << (bit % BITS_PER_LONG));
}

/*
 * Allocate size bytes (aligned to align) in every CPU's unit; zeroed. Returns the per-CPU
 * pointer (use per_cpu_ptr/this_cpu_ptr on it) or NULL.
 */
void *__alloc_percpu(size_t size, size_t align)
{
	struct pcpu_first_chunk *c = &pcpu_chunk;
	size_t bits = DIV_ROUND_UP(size, PCPU_MIN_ALLOC_SIZE), step, start, i;
	size_t base_off = c->ai.static_size;
	unsigned long flags;
	unsigned int cpu;

	/* as Linux: power-of-two alignments up to a page */
	if (!c->base_addr || !size || size > c->ai.dyn_size || (align & (align - 1)) ||
	    align > PAGE_SIZE)
		return NULL;
	step = max(align, (size_t)PCPU_MIN_ALLOC_SIZE) / PCPU_MIN_ALLOC_SIZE;
	spin_lock_irqsave(&pcpu_lock, flags);
	for (start = 0; start + bits <= c->nr_map_bits; start++) {
		if ((base_off + start * PCPU_MIN_ALLOC_SIZE) % (step * PCPU_MIN_ALLOC_SIZE))
			continue;
		for (i = 0; i < bits && !map_test(c->alloc_map, start + i); i++)
			;
		if (i == bits)
			break;
		start += i;
	}
	if (start + bits > c->nr_map_bits) {
		spin_unlock_irqrestore(&pcpu_lock, flags);
		return NULL;
	}
	/* as Linux's pcpu_alloc_area: bounds at both ends, none inside (free leaves them) */
	for (i = 0; i < bits; i++) {
		map_set(c->alloc_map, start + i, true);
		map_set(c->bound_map, start + i, i == 0);
	}
	map_set(c->bound_map, start + bits, true);
	c->nr_allocs++;
	c->used_bytes += bits * PCPU_MIN_ALLOC_SIZE;
	VM_BUG_ON(c->used_bytes > c->ai.dyn_size); /* mm-check's percpu_check does the rest */
	spin_unlock_irqrestore(&pcpu_lock, flags);
	for (cpu = 0; cpu < c->ai.nr_units; cpu++)
		memset((char *)c->base_addr + cpu * c->ai.unit_size + base_off +
			       start * PCPU_MIN_ALLOC_SIZE,
		       0, bits * PCPU_MIN_ALLOC_SIZE);
	return __per_cpu_start + base_off + start * PCPU_MIN_ALLOC_SIZE;
}

/* Give back an allocation of __alloc_percpu (its size comes from the bound map). */
void free_percpu(void *ptr)
{
	struct pcpu_first_chunk *c = &pcpu_chunk;
	size_t off, start, end;
	unsigned long flags;

	if (!ptr)
		return;
	off = (char *)ptr - __per_cpu_start - c->ai.static_size;
	start = off / PCPU_MIN_ALLOC_SIZE;
	spin_lock_irqsave(&pcpu_lock, flags); /* the checks read the maps: under the lock */
	if ((char *)ptr < __per_cpu_start + c->ai.static_size + c->ai.reserved_size ||
	    off % PCPU_MIN_ALLOC_SIZE || start >= c->nr_map_bits || !map_test(c->bound_map, start) ||
	    !map_test(c->alloc_map, start)) {
		spin_unlock_irqrestore(&pcpu_lock, flags);
		WARN_ON_ONCE(1);
		return;
	}
	for (end = start + 1; end < c->nr_map_bits && !map_test(c->bound_map, end); end++)
		;
	/*
	 * The bounds stay (as in Linux's pcpu_free_area): bound[start] may also be the end of
	 * the allocation before this one, and the next allocation here resets them anyway.
	 */
	for (size_t i = start; i < end; i++)
		map_set(c->alloc_map, i, false);
	VM_BUG_ON(!c->nr_allocs || c->used_bytes < (end - start) * PCPU_MIN_ALLOC_SIZE);
	c->nr_allocs--;
	c->used_bytes -= (end - start) * PCPU_MIN_ALLOC_SIZE;
	spin_unlock_irqrestore(&pcpu_lock, flags);
}

/*
 * See percpu.h. Bit i of the maps covers reserved+dynamic byte 4*i: the reserved bits are all
 * allocated and carry no bounds; in the dynamic part an allocation is a run of allocated bits
 * that starts on a bound and is followed by one (the next allocation's start or a free bit).
 */
int percpu_check(void (*report)(const char *fmt, ...) __printf(1, 2))
{
	const struct pcpu_first_chunk *c = &pcpu_chunk;
	size_t rbits = c->ai.reserved_size / PCPU_MIN_ALLOC_SIZE, i, used = 0;
	unsigned int cpu, starts = 0;
	int bad = 0;

	if (c->nr_map_bits != (c->ai.reserved_size + c->ai.dyn_size) / PCPU_MIN_ALLOC_SIZE) {
		report("nr_map_bits %zu, but reserved + dynamic hold %zu", c->nr_map_bits,
		       (c->ai.reserved_size + c->ai.dyn_size) / PCPU_MIN_ALLOC_SIZE);
		return 1; /* the maps cannot be read safely */
	}
	for (i = 0; i < rbits; i++)
		if (!map_test(c->alloc_map, i)) {
			bad++, report("reserved part: alloc_map bit %zu (offset %#zx) is clear", i,
				      c->ai.static_size + i * PCPU_MIN_ALLOC_SIZE);
			break;
		}
	for (i = rbits; i < c->nr_map_bits; i++) {
		if (!map_test(c->alloc_map, i))
			continue;
		used += PCPU_MIN_ALLOC_SIZE;
		if (map_test(c->bound_map, i))
			starts++;
		else if (i == rbits || !map_test(c->alloc_map, i - 1))
			bad++, report("allocated bit %zu (offset %#zx) starts a run without a bound",
				      i, c->ai.static_size + i * PCPU_MIN_ALLOC_SIZE);
		if ((i + 1 == c->nr_map_bits || !map_test(c->alloc_map, i + 1)) &&
		    !map_test(c->bound_map, i + 1))
			bad++, report("allocation ending at bit %zu (offset %#zx) has no end bound",
				      i + 1, c->ai.static_size + (i + 1) * PCPU_MIN_ALLOC_SIZE);
	}
	if (starts != c->nr_allocs)
		bad++, report("nr_allocs %u, but the bound map starts %u allocations", c->nr_allocs,
			      starts);
	if (used != c->used_bytes)
		bad++, report("used_bytes %zu, but the alloc map holds %zu", c->used_bytes, used);
	for (cpu = 0; cpu < c->ai.nr_units && cpu < CONFIG_NR_CPUS; cpu++) {
		unsigned long want = (unsigned long)c->base_addr + cpu * c->ai.unit_size -
				     (unsigned long)__per_cpu_start;

		if (__per_cpu_offset[cpu] != want)
			bad++, report("__per_cpu_offset[%u] is %#lx, unit %u - __per_cpu_start is %#lx",
				      cpu, __per_cpu_offset[cpu], cpu, want);
	}
	return bad;
}
