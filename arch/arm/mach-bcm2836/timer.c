/*
 * timer.c - the ARM generic timer as the clock source (Linux's arm_arch_timer): the virtual
 * counter CNTVCT runs at CNTFRQ Hz from reset (62.5 MHz on QEMU, 19.2 MHz on a Pi 2: read,
 * never assumed). printk timestamps and `uptime` come from it.
 */
#include <linux/kernel.h>
#include <linux/printk.h>
#include <asm/cp15.h>
#include <asm/io.h>
#include <asm/mach.h>
#include <asm/smp.h>
#include <linux/percpu.h>

#define LOCAL_TIMER_INT_CONTROL(cpu) (IO_LOCAL_VIRT + 0x40 + 4 * (cpu))
#define LOCAL_INT_CNTVIRQ (1 << 3)
#define CNTV_CTL_ENABLE (1 << 0)

static u32 timer_rate;
volatile unsigned long jiffies;
DEFINE_PER_CPU(unsigned long, tick_count); /* timer ticks on this CPU */

static void write_cntv_cval(u64 v)
{
	__asm__ __volatile__("mcrr p15, 3, %Q0, %R0, c14\n\tisb" ::"r"(v));
}

/* Start this CPU's periodic tick (HZ) on the virtual timer, routed to its IRQ line. */
void arch_timer_starting_cpu(void)
{
	unsigned int cpu = smp_processor_id();

	write_cntv_cval(read_cntvct() + timer_rate / HZ);
	__write_cp15(CNTV_CTL_ENABLE, 0, c14, c3, 1); /* CNTV_CTL: enabled, not masked */
	writel(readl(LOCAL_TIMER_INT_CONTROL(cpu)) | LOCAL_INT_CNTVIRQ,
	       LOCAL_TIMER_INT_CONTROL(cpu));
}

/* The tick: next deadline one period later; CPU 0 keeps jiffies. */
void arch_timer_handler(void)
{
	unsigned int cpu = smp_processor_id();
	u64 cval;

	__asm__ __volatile__("mrrc p15, 3, %Q0, %R0, c14" : "=r"(cval));
	cval += timer_rate / HZ;
	if (cval < read_cntvct()) /* fell behind (e.g. a long IRQs-off stretch): skip ahead */
		cval = read_cntvct() + timer_rate / HZ;
	write_cntv_cval(cval);
	this_cpu_inc(tick_count);
	if (cpu == 0)
		jiffies++;
}

void arch_timer_init(void)
{
	timer_rate = read_cntfrq();
	if (!timer_rate) {
		pr_warn("arch_timer: CNTFRQ is 0 (firmware did not set it), assuming 19.2 MHz\n");
		timer_rate = 19200000;
	}
	pr_info("arch_timer: cp15 timer(s) running at %u.%02uMHz (virt).\n", timer_rate / 1000000,
		(timer_rate / 10000) % 100);
}

u32 arch_timer_rate(void)
{
	return timer_rate;
}

u64 arch_counter_get(void)
{
	return read_cntvct();
}

/* Nanoseconds since the counter started; 0 before arch_timer_init, as Linux's sched_clock. */
u64 local_clock(void)
{
	u64 cyc;

	if (!timer_rate)
		return 0;
	cyc = read_cntvct();
	return (cyc / timer_rate) * 1000000000ull + (cyc % timer_rate) * 1000000000ull / timer_rate;
}
