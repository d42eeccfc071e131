/*
 * timer.c - the ARM generic timer as the clock source (Linux's arm_arch_timer): the virtual
 * counter CNTVCT runs at CNTFRQ Hz from reset (62.5 MHz on QEMU, 19.2 MHz on a Pi 2: read,
 * never assumed). printk timestamps and `uptime` come from it.
 */
#include <linux/kernel.h>
#include <linux/printk.h>
#include <asm/cp15.h>
#include <asm/mach.h>

static u32 timer_rate;

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
