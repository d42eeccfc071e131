/*
 * asm/mach.h - what the board code (arch/arm/mach-bcm2836) provides to the rest of the kernel.
 */
#ifndef _ASM_MACH_H
#define _ASM_MACH_H

#include <linux/compiler.h>
#include <linux/types.h>

/* io.c */
void bcm2836_map_io(void);
/* uart.c: PL011 console */
void pl011_init(void);
void pl011_putc(char c);
void pl011_write(const char *s, size_t n);
int pl011_getc(void);          /* next received byte or -1 */
unsigned int pl011_getc_pending(void);
void pl011_enable_rx_irq(void);
void pl011_handle_irq(void);
/* intc.c */
void bcm2836_init_irq(void);
void bcm2836_handle_irq(void);
#include <linux/percpu.h>
DECLARE_PER_CPU(unsigned long, irq_count);
/* timer.c: ARM generic timer as the clock source */
void arch_timer_init(void);
u32 arch_timer_rate(void);
u64 arch_counter_get(void);
u64 local_clock(void);         /* ns since the counter started (0 until time_init) */
#define HZ 100
extern volatile unsigned long jiffies;
DECLARE_PER_CPU(unsigned long, tick_count);
void arch_timer_starting_cpu(void); /* this CPU's tick */
void arch_timer_handler(void);
void bcm2836_handle_ipi(void);
/* power.c */
void __noreturn machine_power_off(void);
void __noreturn machine_restart(void);
void __noreturn machine_halt(void);
bool semihosting_exit(int status);
int machine_reboot_hyp(void);  /* QEMU: reboot entering in HYP (shell `hvc`) */
u32 boot_cpu_mode(void);       /* CPSR mode the kernel was entered in */

#endif
