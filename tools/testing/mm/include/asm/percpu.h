/*
 * Host-test stand-in for arch/arm/include/asm/percpu.h: no TPIDRPRW; this CPU is CPU 0.
 * support_mm.c gives each CPU its own offset, so per_cpu_ptr reaches distinct copies.
 */
#ifndef _ASM_PERCPU_H
#define _ASM_PERCPU_H

extern unsigned long __per_cpu_offset[CONFIG_NR_CPUS];

static inline unsigned long __my_cpu_offset(void)
{
	return __per_cpu_offset[0];
}

#endif
