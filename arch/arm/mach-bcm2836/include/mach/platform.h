/*
 * mach/platform.h - where the BCM2836's devices are, physically and in the static I/O map
 * (in the style of Linux's older ARM boards, whose include/mach/ headers held them; Linux 6.1
 * reads these addresses from the device tree instead).
 *
 *   PA 0x3f000000-0x3fffffff  BCM2835 peripherals  ->  VA IO_PERIPH_VIRT (16 MiB, sections)
 *   PA 0x40000000-0x400fffff  BCM2836 local (per-core) peripherals -> VA IO_LOCAL_VIRT
 *
 * Used by the board code (arch/arm/mach-bcm2836/) and, for the early console only, by head.S
 * through asm/memory.h (head.S maps EARLY_UART_PHYS's section at EARLY_UART_VIRT, its place in
 * the static I/O map that map_io re-creates in paging_init).
 */
#ifndef _MACH_PLATFORM_H
#define _MACH_PLATFORM_H

#define IO_PERIPH_PHYS 0x3f000000
#define IO_PERIPH_SIZE 0x01000000
#define IO_PERIPH_VIRT 0xfe000000
#define IO_LOCAL_PHYS 0x40000000
#define IO_LOCAL_SIZE 0x00100000
#define IO_LOCAL_VIRT 0xff000000

/* A device register's virtual address in the static I/O map (arch/arm/mach-bcm2836/io.c). */
#define IO_ADDRESS(pa)                                                                             \
	((pa) >= IO_LOCAL_PHYS ? (pa)-IO_LOCAL_PHYS + IO_LOCAL_VIRT : (pa)-IO_PERIPH_PHYS + IO_PERIPH_VIRT)

/* The PL011 UART0: the early console and the console (arch/arm/mach-bcm2836/uart.c). */
#define EARLY_UART_PHYS 0x3f201000
#define EARLY_UART_VIRT 0xfe201000 /* = IO_ADDRESS(EARLY_UART_PHYS) */

/* Physical ranges that are not RAM, for the shell's `whatis`/`page` (pimm's addition). */
#define VC_MEM_PHYS 0x3c000000     /* the VideoCore's top 64 MiB of the 1 GiB */
#define LOCAL_PERIPH_END 0x40040000

#endif
