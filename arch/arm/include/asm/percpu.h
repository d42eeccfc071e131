/*
 * asm/percpu.h - where this CPU's per-CPU area is: ARM keeps the offset of the running CPU's
 * unit in TPIDRPRW (a CP15 register only privileged code can read), as Linux does.
 */
#ifndef _ASM_PERCPU_H
#define _ASM_PERCPU_H

#include <asm/cp15.h>

extern unsigned long __per_cpu_offset[CONFIG_NR_CPUS];

static inline void set_my_cpu_offset(unsigned long off)
{
	write_tpidrprw(off);
}

static inline unsigned long __my_cpu_offset(void)
{
	return read_tpidrprw();
}

#endif
