/*
 * asm/io.h - device register access (readl/writel with the barriers Linux's have) and the
 * barrier and wait instructions (Linux's arch/arm/include/asm/io.h and barrier.h).
 *
 * Where the devices are is the board's business: the BCM2836's static I/O map is in
 * arch/arm/mach-bcm2836/include/mach/platform.h.
 */
#ifndef _ASM_IO_H
#define _ASM_IO_H

#include <linux/types.h>
#include <asm/memory.h>

#define dsb() __asm__ __volatile__("dsb" ::: "memory")
#define dmb() __asm__ __volatile__("dmb" ::: "memory")
#define isb() __asm__ __volatile__("isb" ::: "memory")
#define sev() __asm__ __volatile__("sev" ::: "memory")
#define wfi() __asm__ __volatile__("wfi" ::: "memory")
#define wfe() __asm__ __volatile__("wfe" ::: "memory")

static inline u32 readl_relaxed(unsigned long addr)
{
	return *(const volatile u32 *)addr;
}

static inline void writel_relaxed(u32 v, unsigned long addr)
{
	*(volatile u32 *)addr = v;
}

/* Ordered against normal memory as Linux's readl/writel (rmb after, wmb before). */
static inline u32 readl(unsigned long addr)
{
	u32 v = readl_relaxed(addr);
	dmb();
	return v;
}

static inline void writel(u32 v, unsigned long addr)
{
	dsb();
	writel_relaxed(v, addr);
}

#endif
