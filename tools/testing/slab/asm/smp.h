/*
 * Host stand-in for arch/arm/include/asm/smp.h in the slab suite: the mm suite's stub (CPUs
 * online, the switchable current CPU), plus smp_call_function, which support_slab.c runs
 * on every other online CPU in turn (set_cpu), as the IPIs would.
 */
#ifndef SLAB_TEST_ASM_SMP_H
#define SLAB_TEST_ASM_SMP_H

#include_next <asm/smp.h>

typedef void (*smp_call_func_t)(void *info);

/* Run func(info) on every online CPU but this one; wait is ignored (always waits). */
void smp_call_function(smp_call_func_t func, void *info, int wait);
/* How many times smp_call_function ran (tests check that a path used it). */
extern unsigned int slab_test_ipis;

#endif
