/*
 * sched_clock.c - the kernel's nanosecond clock (linux/sched_clock.h; Linux's
 * kernel/time/sched_clock.c, without its epoch/wrap machinery: pimm's counter is 56 bits wide
 * and does not wrap in the lifetime of a boot).
 *
 * Where it sits: time_init -> the board's init_time registers the counter; until then
 * sched_clock reads 0, so the boot's first lines are stamped [    0.000000] as in Linux.
 */
#include <linux/kernel.h>
#include <linux/sched_clock.h>

#define NSEC_PER_SEC 1000000000ull

static u64 (*clock_read)(void);
static unsigned long clock_rate;

void sched_clock_register(u64 (*read)(void), int bits, unsigned long rate)
{
	(void)bits;
	clock_rate = rate;
	clock_read = read;
}

u64 sched_clock_cycles(void)
{
	return clock_read ? clock_read() : 0;
}

unsigned long sched_clock_rate(void)
{
	return clock_read ? clock_rate : 0;
}

u64 sched_clock(void)
{
	u64 cyc;

	if (!clock_read || !clock_rate)
		return 0;
	cyc = clock_read();
	return (cyc / clock_rate) * NSEC_PER_SEC + (cyc % clock_rate) * NSEC_PER_SEC / clock_rate;
}
