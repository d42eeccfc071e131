/*
 * Host-test stand-in for arch/arm/include/asm/percpu.h: no TPIDRPRW; this CPU is
 * mm_current_cpu (asm/smp.h, 0 by default). support_mm.c gives each CPU its own offset, so
 * per_cpu_ptr and this_cpu_ptr reach distinct copies.
 */
#ifndef _ASM_PERCPU_H
#define _ASM_PERCPU_H

extern unsigned long __per_cpu_offset[CONFIG_NR_CPUS];
__attribute__((weak)) unsigned int mm_current_cpu;

static inline unsigned long __my_cpu_offset(void)
{
	return __per_cpu_offset[mm_current_cpu];
}

#endif
