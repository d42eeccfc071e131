/*
 * asm/arch_timer.h - the ARM generic timer's cp15 registers (Linux's
 * arch/arm/include/asm/arch_timer.h): the virtual counter CNTVCT and the virtual timer's
 * compare value CNTV_CVAL and control CNTV_CTL. The board's timer driver
 * (arch/arm/mach-bcm2836/timer.c) and smp.c's CPU stop use them.
 */
#ifndef _ASM_ARCH_TIMER_H
#define _ASM_ARCH_TIMER_H

#include <linux/types.h>
#include <asm/cp15.h>

#define CNTV_CTL_ENABLE (1 << 0)  /* timer on */
#define CNTV_CTL_IMASK (1 << 1)   /* interrupt masked */
#define CNTV_CTL_ISTATUS (1 << 2) /* condition met */

static inline void write_cntv_ctl(u32 v)
{
	__write_cp15(v, 0, c14, c3, 1);
}

static inline u64 read_cntv_cval(void)
{
	u64 v;

	__asm__ __volatile__("mrrc p15, 3, %Q0, %R0, c14" : "=r"(v));
	return v;
}

static inline void write_cntv_cval(u64 v)
{
	__asm__ __volatile__("mcrr p15, 3, %Q0, %R0, c14\n\tisb" ::"r"(v));
}

#endif
