/*
 * intc.c - the Pi 2's two interrupt controllers and the IRQ dispatch.
 *
 *   core n's IRQ line <- BCM2836 local controller (0x40000060 + 4n: pending sources)
 *                            bit 3  virtual timer (CNTV)
 *                            bit 4+ mailboxes 0-3 (IPIs)
 *                            bit 8  "GPU interrupt": one of the BCM2835 controller's
 *                                   <- BCM2835 ARM interrupt controller (0x3f00b200)
 *                                      pending 2 bit 25 = IRQ 57, the PL011 UART
 * GPU interrupts are routed to core 0 (the reset default of 0x4000000c).
 */
#include <linux/kernel.h>
#include <linux/printk.h>
#include <asm/io.h>
#include <asm/mach.h>
#include <asm/smp.h>
#include <linux/percpu.h>

#define ARMCTRL_BASE IO_ADDRESS(0x3f00b200)
#define ARMCTRL_PENDING2 0x08
#define ARMCTRL_ENABLE2 0x14
#define ARMCTRL_DISABLE1 0x1c
#define ARMCTRL_DISABLE2 0x20
#define ARMCTRL_DISABLE_BASIC 0x24
#define IRQ_UART_BIT (1 << (57 - 32))

#define LOCAL_BASE IO_ADDRESS(0x40000000)
#define LOCAL_GPU_ROUTING 0x0c
#define LOCAL_IRQ_PENDING(cpu) (0x60 + 4 * (cpu))
#define LOCAL_IRQ_CNTV (1 << 3)
#define LOCAL_IRQ_MAILBOX0 (1 << 4)
#define LOCAL_IRQ_GPU (1 << 8)

DEFINE_PER_CPU(unsigned long, irq_count); /* IRQ exceptions taken by this CPU */

void bcm2836_init_irq(void)
{
	writel(~0u, ARMCTRL_BASE + ARMCTRL_DISABLE1);
	writel(~0u, ARMCTRL_BASE + ARMCTRL_DISABLE2);
	writel(~0u, ARMCTRL_BASE + ARMCTRL_DISABLE_BASIC);
	writel(0, LOCAL_BASE + LOCAL_GPU_ROUTING); /* GPU IRQs to core 0 */
	writel(IRQ_UART_BIT, ARMCTRL_BASE + ARMCTRL_ENABLE2);
}

/* One IRQ exception: find the source(s) and call the handler. */
void bcm2836_handle_irq(void)
{
	unsigned int cpu = smp_processor_id();
	u32 local = readl(LOCAL_BASE + LOCAL_IRQ_PENDING(cpu));

	this_cpu_inc(irq_count);
	if (local & LOCAL_IRQ_CNTV)
		arch_timer_handler();
	if (local & LOCAL_IRQ_MAILBOX0)
		bcm2836_handle_ipi();
	if (local & LOCAL_IRQ_GPU) {
		u32 pend2 = readl(ARMCTRL_BASE + ARMCTRL_PENDING2);

		if (pend2 & IRQ_UART_BIT)
			pl011_handle_irq();
		else
			pr_warn("irq: unexpected GPU interrupt, pending2 %08x\n", pend2);
	}
}
