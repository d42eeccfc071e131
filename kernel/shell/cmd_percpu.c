/*
 * percpu.c - `percpu`: the first chunk's units and parts, and the per-CPU variables of every
 * CPU, read through per_cpu_ptr (and this CPU's through this_cpu_ptr: try `on 2 percpu`).
 */
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <asm/mach.h>
#include <asm/memory.h>
#include <asm/smp.h>
#include <pimm/shell.h>

struct percpu_counter_show {
	const char *name;
	unsigned long *var; /* the template address: per_cpu_ptr() moves it to a unit */
};

static const struct percpu_counter_show shown[] = {
	{"irq_count", &irq_count},
	{"tick_count", &tick_count},
	{"ipi_count[CALL_FUNC]", &ipi_count[IPI_CALL_FUNC]},
	{"ipi_count[CPU_STOP]", &ipi_count[IPI_CPU_STOP]},
};

static int cmd_percpu(int argc, char **argv)
{
	const struct pcpu_first_chunk *c = &pcpu_chunk;
	const struct pcpu_alloc_info *ai = &c->ai;
	unsigned int cpu, me = smp_processor_id();

	if (argc != 1)
		return shell_usage(argv[0]);
	if (!c->base_addr)
		return shell_error(argv[0], "per-CPU areas are not set up");
	shprintf("first chunk: %u units of %zu bytes at 0x%08lx (PA 0x%08x), %zu pages/cpu\n",
		 ai->nr_units, ai->unit_size, (unsigned long)c->base_addr, __pa(c->base_addr),
		 (size_t)(ai->size_sum / PAGE_SIZE));
	shprintf("  static   [0x%05x-0x%05zx) %6zu bytes  template __per_cpu_start 0x%08lx\n", 0,
		 ai->static_size, ai->static_size, (unsigned long)__per_cpu_start);
	shprintf("  reserved [0x%05zx-0x%05zx) %6zu bytes\n", ai->static_size,
		 ai->static_size + ai->reserved_size, ai->reserved_size);
	shprintf("  dynamic  [0x%05zx-0x%05zx) %6zu bytes  %u allocations, %zu bytes in use\n",
		 ai->static_size + ai->reserved_size, ai->size_sum, ai->dyn_size, c->nr_allocs,
		 c->used_bytes);
	shprintf("unit  cpu  address     __per_cpu_offset\n");
	for (cpu = 0; cpu < ai->nr_units; cpu++)
		shprintf("%4u  %3u  0x%08lx  0x%08lx%s\n", cpu, cpu,
			 (unsigned long)c->base_addr + cpu * ai->unit_size, __per_cpu_offset[cpu],
			 cpu_online(cpu) ? "" : "  (offline)");
	shprintf("%-22s", "variable");
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		shprintf("      cpu%u", cpu);
	shprintf("\n");
	for (size_t i = 0; i < ARRAY_SIZE(shown); i++) {
		shprintf("%-22s", shown[i].name);
		for (cpu = 0; cpu < NR_CPUS; cpu++)
			shprintf("%10lu", *per_cpu_ptr(shown[i].var, cpu));
		shprintf("\n");
	}
	shprintf("this CPU: %u, TPIDRPRW 0x%08lx, this_cpu_ptr(&irq_count) = 0x%08lx -> %lu\n", me,
		 __my_cpu_offset(), (unsigned long)this_cpu_ptr(&irq_count),
		 this_cpu_read(irq_count));
	return 0;
}
SHELL_CMD("percpu", cmd_percpu, "percpu",
	  "per-CPU areas: units, static/reserved/dynamic parts, per-CPU variables of every CPU");
