/*
 * asm/io.h - device register access (readl/writel with the barriers Linux's have) and the
 * Pi 2's static I/O mapping.
 *
 *   PA 0x3f000000-0x3fffffff  BCM2835 peripherals  ->  VA IO_PERIPH_VIRT (16 MiB, sections)
 *   PA 0x40000000-0x400fffff  BCM2836 local (per-core) peripherals -> VA IO_LOCAL_VIRT
 *
 * The mapping sits at the top of the vmalloc area, below the DTB's fixed mapping, the way
 * Linux's static iotable mappings do; head.S maps only the UART's section of it early.
 */
#ifndef _ASM_IO_H
#define _ASM_IO_H

#include <linux/types.h>
#include <asm/memory.h>

#define IO_PERIPH_PHYS 0x3f000000
#define IO_PERIPH_SIZE 0x01000000
#define IO_PERIPH_VIRT 0xfe000000
#define IO_LOCAL_PHYS 0x40000000
#define IO_LOCAL_SIZE 0x00100000
#define IO_LOCAL_VIRT 0xff000000

#define IO_ADDRESS(pa)                                                                             \
	((pa) >= IO_LOCAL_PHYS ? (pa)-IO_LOCAL_PHYS + IO_LOCAL_VIRT : (pa)-IO_PERIPH_PHYS + IO_PERIPH_VIRT)

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
