/*
 * percpu.c - per-CPU areas (Linux's mm/percpu.c, first chunk only).
 * Until setup_per_cpu_areas runs, every offset is 0: all CPUs see the template.
 */
#include <linux/kernel.h>
#include <linux/percpu.h>

unsigned long __per_cpu_offset[CONFIG_NR_CPUS];
