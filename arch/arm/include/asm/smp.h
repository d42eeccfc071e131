/*
 * asm/smp.h - which CPU am I. Until the SMP bring-up only CPU 0 runs.
 */
#ifndef _ASM_SMP_H
#define _ASM_SMP_H

#include <asm/cp15.h>

static inline unsigned int smp_processor_id(void)
{
	return read_mpidr() & 3;
}

#endif
