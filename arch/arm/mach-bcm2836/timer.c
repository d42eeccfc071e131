/*
 * timer.c - the ARM generic timer as clock source and tick (machine_desc->init_time, board.c;
 * Linux's drivers/clocksource/arm_arch_timer.c): the virtual counter CNTVCT runs at CNTFRQ Hz
 * from reset (62.5 MHz on QEMU, 19.2 MHz on a Pi 2: read, never assumed).
 *
 * Where it sits: time_init (arch/arm/kernel/time.c) calls arch_timer_init, which registers the
 * counter as sched_clock (printk timestamps and `uptime` come from it), sets the delay loop's
 * lpj_fine, and registers the CPU-starting callback that starts each CPU's periodic tick (CPU
 * 0's at once, CPUs 1-3 from secondary_start_kernel). Each CPU's virtual timer interrupt is
 * routed to it by the BCM2836 local controller.
 */
#include <linux/cpuhotplug.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/sched_clock.h>
#include <asm/arch_timer.h>
#include <asm/io.h>
#include <mach/platform.h>
#include <pimm/diag.h>

#include "bcm2836.h"

#define LOCAL_TIMER_INT_CONTROL(cpu) IO_ADDRESS(0x40000040 + 4 * (cpu))
#define LOCAL_INT_CNTVIRQ (1 << 3)
#define CNTFRQ_FALLBACK 19200000 /* a Pi 2's crystal, if the firmware left CNTFRQ at 0 */

static u32 timer_rate;

/* CPU-starting callback: this CPU's periodic tick (HZ) on the virtual timer, to its IRQ line. */
static int arch_timer_starting_cpu(unsigned int cpu)
{
	write_cntv_cval(read_cntvct() + timer_rate / HZ);
	write_cntv_ctl(CNTV_CTL_ENABLE); /* enabled, not masked */
	writel(readl(LOCAL_TIMER_INT_CONTROL(cpu)) | LOCAL_INT_CNTVIRQ,
	       LOCAL_TIMER_INT_CONTROL(cpu));
	return 0;
}

/* The timer interrupt: next deadline one period later, then the tick. */
void arch_timer_handler(void)
{
	u64 cval = read_cntv_cval() + timer_rate / HZ;

	if (cval < read_cntvct()) /* fell behind (e.g. a long IRQs-off stretch): skip ahead */
		cval = read_cntvct() + timer_rate / HZ;
	write_cntv_cval(cval);
	tick_handle_periodic();
}

static u64 arch_counter_get_cntvct(void)
{
	return read_cntvct();
}

/* machine_desc->init_time: the rate, the clock, the delay calibration, the ticks. */
void arch_timer_init(void)
{
	timer_rate = read_cntfrq();
	if (!timer_rate) {
		pimm_warn("arch_timer: CNTFRQ is 0 (firmware did not set it), assuming 19.2 MHz\n");
		timer_rate = CNTFRQ_FALLBACK;
	}
	pr_info("arch_timer: cp15 timer(s) running at %u.%02uMHz (virt).\n", timer_rate / 1000000,
		(timer_rate / 10000) % 100);
	sched_clock_register(arch_counter_get_cntvct, 56, timer_rate);
	lpj_fine = timer_rate / HZ;
	cpuhp_setup_state(CPUHP_AP_ARM_ARCH_TIMER_STARTING, "clockevents/arm/arch_timer:starting",
			  arch_timer_starting_cpu, NULL);
}
