/*
 * Host-test stand-in for arch/arm/include/asm/smp.h: CONFIG_NR_CPUS possible CPUs, of which
 * the first mm_online_cpus are online (support_mm.c; tests change it). The "current" CPU is
 * mm_current_cpu (0 unless a test switches it to exercise another CPU's pageset).
 */
#ifndef _ASM_SMP_H
#define _ASM_SMP_H

#include <linux/types.h>

#define NR_CPUS CONFIG_NR_CPUS

extern unsigned int mm_online_cpus;
/* (weak: defined by every user of this header, merged by the linker) */
__attribute__((weak)) unsigned int mm_current_cpu;

static inline bool cpu_online(unsigned int cpu)
{
	return cpu < mm_online_cpus;
}

static inline unsigned int num_online_cpus(void)
{
	return mm_online_cpus;
}

static inline unsigned int smp_processor_id(void)
{
	return mm_current_cpu;
}

#endif
