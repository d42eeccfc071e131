/*
 * percpu.h - per-CPU variables (Linux's API; kernel/mm/percpu.c sets up the areas).
 *
 * DEFINE_PER_CPU(type, name) puts one copy of `name` in the .data..percpu section: the
 * template. setup_per_cpu_areas gives each CPU a unit holding its own copy, and records how
 * far that unit lies from the template in __per_cpu_offset[cpu]:
 *
 *   template  __per_cpu_start [ name ... ] __per_cpu_end       (init memory, the link address)
 *   unit 0    [ name ... | reserved | dynamic ]  = template + __per_cpu_offset[0]
 *   unit 1    [ name ... | reserved | dynamic ]  = template + __per_cpu_offset[1]  ...
 *
 *   per_cpu_ptr(&name, cpu) = &name + __per_cpu_offset[cpu]
 *   this_cpu_ptr(&name)     = &name + TPIDRPRW (this CPU's offset)
 */
#ifndef _LINUX_PERCPU_H
#define _LINUX_PERCPU_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <asm/percpu.h>

#define DEFINE_PER_CPU(type, name) __section(".data..percpu") __typeof__(type) name
#define DECLARE_PER_CPU(type, name) extern __section(".data..percpu") __typeof__(type) name

#define SHIFT_PERCPU_PTR(ptr, off) ((__typeof__(ptr))((unsigned long)(ptr) + (off)))
#define per_cpu_ptr(ptr, cpu) SHIFT_PERCPU_PTR(ptr, __per_cpu_offset[cpu])
#define this_cpu_ptr(ptr) SHIFT_PERCPU_PTR(ptr, __my_cpu_offset())
#define per_cpu(var, cpu) (*per_cpu_ptr(&(var), cpu))
#define this_cpu_read(var) (*this_cpu_ptr(&(var)))
#define this_cpu_inc(var) ((*this_cpu_ptr(&(var)))++)
#define this_cpu_add(var, n) ((*this_cpu_ptr(&(var))) += (n))

extern char __per_cpu_start[], __per_cpu_end[], __per_cpu_load[];

#define BITS_PER_LONG (8 * sizeof(unsigned long))
#define BITS_TO_LONGS(n) (((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)

/* How the first chunk is cut (Linux's struct pcpu_alloc_info, one group). */
struct pcpu_alloc_info {
	size_t static_size, reserved_size, dyn_size;
	size_t unit_size, atom_size, alloc_size, size_sum;
	unsigned int nr_units;
};

/* The first (and in pimm only) chunk: its units and the dynamic allocator's maps. */
struct pcpu_first_chunk {
	struct pcpu_alloc_info ai;
	void *base_addr;            /* unit 0 (pcpu_base_addr) */
	unsigned long *alloc_map;   /* bit per 4 bytes of reserved+dynamic: in use */
	unsigned long *bound_map;   /* bit per 4 bytes: an allocation starts (or ends) here */
	size_t nr_map_bits;
	unsigned int nr_allocs;
	size_t used_bytes;
};
extern struct pcpu_first_chunk pcpu_chunk;

void pcpu_build_alloc_info(struct pcpu_alloc_info *ai, size_t static_size, size_t reserved,
			   size_t dyn, unsigned int nr_cpus);
void setup_per_cpu_areas(void);
void *__alloc_percpu(size_t size, size_t align);
#define alloc_percpu(type) ((type *)__alloc_percpu(sizeof(type), __alignof__(type)))
void free_percpu(void *ptr);
/*
 * mm-check: the reserved part fully allocated, alloc/bound maps agreeing with each other and
 * with nr_allocs and used_bytes, __per_cpu_offset[cpu] = unit address - __per_cpu_start.
 * One report() line per violation; returns how many. Call only once the chunk exists.
 */
int percpu_check(void (*report)(const char *fmt, ...) __printf(1, 2));

#endif
