/*
 * intc.c - the Pi 2's two interrupt controllers, the IRQ dispatch and the IPIs
 * (machine_desc->init_irq and handle_irq, board.c; Linux's drivers/irqchip/irq-bcm2836.c and
 * irq-bcm2835.c).
 *
 *   core n's IRQ line <- BCM2836 local controller (0x40000060 + 4n: pending sources)
 *                            bit 3  virtual timer (CNTV)
 *                            bit 4  mailbox 0: the IPIs, one bit per IPI number
 *                            bit 8  "GPU interrupt": one of the BCM2835 controller's
 *                                   <- BCM2835 ARM interrupt controller (0x3f00b200)
 *                                      pending 2 bit 25 = IRQ 57, the PL011 UART
 * GPU interrupts are routed to core 0 (the reset default of 0x4000000c).
 *
 * Where it sits: init_IRQ (arch/arm/kernel/irq.c) calls bcm2836_init_irq, which also installs
 * the IPI sender for arch/arm/kernel/smp.c and a CPU-starting callback that opens each CPU's
 * mailbox interrupt as it comes up (CPU 0 at once).
 */
#include <linux/cpuhotplug.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <asm/io.h>
#include <asm/smp.h>
#include <mach/platform.h>
#include <pimm/diag.h>

#include "bcm2836.h"

#define ARMCTRL_BASE IO_ADDRESS(0x3f00b200)
#define ARMCTRL_PENDING1 0x04
#define ARMCTRL_PENDING2 0x08
#define ARMCTRL_ENABLE1 0x10
#define ARMCTRL_ENABLE2 0x14
#define ARMCTRL_DISABLE1 0x1c
#define ARMCTRL_DISABLE2 0x20
#define ARMCTRL_DISABLE_BASIC 0x24
#define IRQ_UART_BIT (1 << (57 - 32))
#define IRQ_AUX_BIT (1 << 29) /* pending 1 bit 29: the AUX block (mini UART) */

#define LOCAL_BASE IO_ADDRESS(0x40000000)
#define LOCAL_GPU_ROUTING 0x0c
#define LOCAL_MAILBOX_INT_CONTROL(cpu) (0x50 + 4 * (cpu))
#define LOCAL_MAILBOX_INT_MBOX0 (1 << 0)
#define LOCAL_IRQ_PENDING(cpu) (0x60 + 4 * (cpu))
#define LOCAL_MAILBOX0_SET(cpu) (0x80 + 0x10 * (cpu))
#define LOCAL_MAILBOX0_CLR(cpu) (0xc0 + 0x10 * (cpu))
#define LOCAL_IRQ_CNTV (1 << 3)
#define LOCAL_IRQ_MAILBOX0 (1 << 4)
#define LOCAL_IRQ_GPU (1 << 8)

/* Raise IPI @ipi on @cpu: its bit in the target's mailbox 0 (smp_cross_call). */
static void bcm2836_send_ipi(unsigned int cpu, unsigned int ipi)
{
	dsb();
	writel(1u << ipi, LOCAL_BASE + LOCAL_MAILBOX0_SET(cpu));
}

/* CPU-starting callback: take mailbox 0 interrupts (the IPIs) on this CPU. */
static int bcm2836_cpu_starting(unsigned int cpu)
{
	writel(LOCAL_MAILBOX_INT_MBOX0, LOCAL_BASE + LOCAL_MAILBOX_INT_CONTROL(cpu));
	return 0;
}

/* Everything masked, GPU interrupts to core 0, the UART's unmasked; IPIs set up. */
void bcm2836_init_irq(void)
{
	writel(~0u, ARMCTRL_BASE + ARMCTRL_DISABLE1);
	writel(~0u, ARMCTRL_BASE + ARMCTRL_DISABLE2);
	writel(~0u, ARMCTRL_BASE + ARMCTRL_DISABLE_BASIC);
	writel(0, LOCAL_BASE + LOCAL_GPU_ROUTING); /* GPU IRQs to core 0 */
	writel(IRQ_UART_BIT, ARMCTRL_BASE + ARMCTRL_ENABLE2);
	set_smp_cross_call(bcm2836_send_ipi);
	cpuhp_setup_state(CPUHP_AP_IRQ_BCM2836_STARTING, "irqchip/bcm2836:starting",
			  bcm2836_cpu_starting, NULL);
}

/* The mini UART's receive interrupt, once aux_uart_init has set it up. */
void bcm2836_enable_aux_irq(void)
{
	writel(IRQ_AUX_BIT, ARMCTRL_BASE + ARMCTRL_ENABLE1);
}

/* Mailbox 0 of this CPU: each set bit is one IPI, acknowledged before it is handled. */
static void bcm2836_handle_ipi(unsigned int cpu)
{
	u32 bits = readl(LOCAL_BASE + LOCAL_MAILBOX0_CLR(cpu));

	writel(bits, LOCAL_BASE + LOCAL_MAILBOX0_CLR(cpu));
	while (bits) {
		unsigned int ipi = __builtin_ctz(bits);

		bits &= bits - 1;
		handle_IPI(ipi);
	}
}

/* One IRQ exception: find the source(s) and call their handlers. */
void bcm2836_handle_irq(struct pt_regs *regs)
{
	unsigned int cpu = smp_processor_id();
	u32 local = readl(LOCAL_BASE + LOCAL_IRQ_PENDING(cpu));

	(void)regs;
	if (local & LOCAL_IRQ_CNTV)
		arch_timer_handler();
	if (local & LOCAL_IRQ_MAILBOX0)
		bcm2836_handle_ipi(cpu);
	if (local & LOCAL_IRQ_GPU) {
		u32 pend1 = readl(ARMCTRL_BASE + ARMCTRL_PENDING1);
		u32 pend2 = readl(ARMCTRL_BASE + ARMCTRL_PENDING2);

		if (pend2 & IRQ_UART_BIT)
			pl011_handle_irq();
		if (pend1 & IRQ_AUX_BIT)
			aux_uart_handle_irq();
		if (!(pend2 & IRQ_UART_BIT) && !(pend1 & IRQ_AUX_BIT))
			pimm_warn("unexpected GPU interrupt, pending1 %08x pending2 %08x\n", pend1,
				  pend2);
	}
}
