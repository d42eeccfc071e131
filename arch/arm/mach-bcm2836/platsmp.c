/*
 * platsmp.c - starting CPUs 1-3 of the BCM2836 (machine_desc->smp, board.c; Linux's
 * arch/arm/mach-bcm/platsmp.c, bcm2836_smp_ops).
 *
 * Where it sits: smp_init (arch/arm/kernel/smp.c) fills secondary_data and calls
 * smp_boot_secondary for each CPU. Each parked core (QEMU's boot stub, or the Pi firmware's
 * spin loop) waits in wfe for a non-zero value in its local mailbox 3, then jumps there with
 * the MMU off: we write the physical address of head.S's secondary_startup and sev.
 */
#include <linux/kernel.h>
#include <asm/io.h>
#include <asm/memory.h>
#include <asm/smp.h>
#include <mach/platform.h>

#include "bcm2836.h"

#define LOCAL_MAILBOX3_SET(cpu) IO_ADDRESS(0x4000008c + 0x10 * (cpu))

/* Release @cpu to secondary_startup; smp.c waits for it to come online. */
static int bcm2836_boot_secondary(unsigned int cpu)
{
	writel(__pa(secondary_startup), LOCAL_MAILBOX3_SET(cpu));
	dsb();
	sev();
	return 0;
}

const struct smp_operations bcm2836_smp_ops = {
	.smp_boot_secondary = bcm2836_boot_secondary,
};
