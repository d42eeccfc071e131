/*
 * uart.c - the PL011 UART0 (PA 0x3f201000) as the board's two consoles (linux/console.h;
 * Linux's drivers/tty/serial/amba-pl011.c: pl011_early_write and the ttyAMA console):
 *
 *   "pl11" (CON_BOOT)   the early console setup_arch registers (EARLYCON_DECLARE below):
 *                       polled output through the firmware's (or QEMU's) UART set-up, no input;
 *                       it writes wherever its earlycon_device's membase says: head.S's UART
 *                       section for the first lines, then the fixmap slot FIX_EARLYCON_MEM_BASE
 *                       (Linux's pl011_early_write through earlycon_map's mapping), which stays
 *                       mapped while paging_init clears and rebuilds the static I/O map
 *   "ttyAMA0"           the real console, registered by customize_machine (board.c): programs
 *                       the UART, polled output, interrupt-driven input into a ring buffer that
 *                       the shell reads (console_getc); it uses the static I/O map (io.c),
 *                       which exists by then
 * On QEMU the UART works without set-up; on a real Pi 2 the pins and baud rate must be set
 * (GPIO14/15 to ALT0, 115200 8N1 from the 48 MHz UART clock), which pl011_init does.
 */
#include <linux/console.h>
#include <linux/kernel.h>
#include <asm/io.h>
#include <mach/platform.h>

#include "bcm2836.h"

#define UART_BASE IO_ADDRESS(EARLY_UART_PHYS)
#define UART_DR 0x00
#define UART_FR 0x18
#define UART_IBRD 0x24
#define UART_FBRD 0x28
#define UART_LCRH 0x2c
#define UART_CR 0x30
#define UART_IMSC 0x38
#define UART_ICR 0x44
#define UART_FR_RXFE (1 << 4) /* receive FIFO empty */
#define UART_FR_TXFF (1 << 5) /* transmit FIFO full */
#define UART_FR_BUSY (1 << 3)
#define UART_LCRH_WLEN8 0x60 /* 8 data bits */
#define UART_LCRH_FEN 0x10   /* FIFOs on */
#define UART_CR_EN_TX_RX 0x301   /* UARTEN | TXE | RXE */
#define UART_INT_RX (1 << 4)
#define UART_INT_RT (1 << 6)

#define GPIO_BASE IO_ADDRESS(0x3f200000)
#define GPFSEL1 0x04
#define GPPUD 0x94
#define GPPUDCLK0 0x98

#define RX_RING 1024 /* power of two */
static char rx_ring[RX_RING];
static volatile unsigned int rx_head, rx_tail; /* head: written by the IRQ, tail: by readers */

static void delay_cycles(int n)
{
	while (n-- > 0)
		__asm__ __volatile__("nop");
}

static void pl011_rx_drain(void);

/*
 * Real hardware: GPIO14/15 to ALT0, no pulls, 115200 baud. Harmless on QEMU. Bytes already
 * received (typed or piped before boot got here) are kept: reprogramming flushes the FIFO.
 */
static void pl011_init(void)
{
	u32 sel;

	while (readl(UART_BASE + UART_FR) & UART_FR_BUSY)
		;
	writel(0x7ff, UART_BASE + UART_ICR); /* clear before draining, never after: see below */
	pl011_rx_drain();
	writel(0, UART_BASE + UART_CR);
	sel = readl(GPIO_BASE + GPFSEL1);
	sel &= ~((7 << 12) | (7 << 15));
	sel |= (4 << 12) | (4 << 15); /* ALT0 for GPIO14 (TXD0) and GPIO15 (RXD0) */
	writel(sel, GPIO_BASE + GPFSEL1);
	writel(0, GPIO_BASE + GPPUD);
	delay_cycles(150);
	writel((1 << 14) | (1 << 15), GPIO_BASE + GPPUDCLK0);
	delay_cycles(150);
	writel(0, GPIO_BASE + GPPUDCLK0);
	writel(26, UART_BASE + UART_IBRD); /* 48 MHz / (16 * 115200) = 26.04 */
	writel(3, UART_BASE + UART_FBRD);
	/* Keep FEN as found: toggling it flushes the FIFOs, and with them what was typed. */
	writel(UART_LCRH_WLEN8 | (readl(UART_BASE + UART_LCRH) & UART_LCRH_FEN),
	       UART_BASE + UART_LCRH);
	writel(UART_CR_EN_TX_RX, UART_BASE + UART_CR);
	/*
	 * A byte that arrived since the first drain has its RX interrupt pending (nothing cleared
	 * it), and init_IRQ unmasks it; drain once more anyway so the shell sees it at once.
	 */
	pl011_rx_drain();
}

/* One byte to the UART whose registers are mapped at @base, when its FIFO has room. */
static void pl011_putc(unsigned long base, char c)
{
	while (readl_relaxed(base + UART_FR) & UART_FR_TXFF)
		;
	writel_relaxed((u8)c, base + UART_DR);
}

/* n bytes to the UART at @base, turning "\n" into "\r\n" for terminals. */
static void pl011_write(unsigned long base, const char *s, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		if (s[i] == '\n')
			pl011_putc(base, '\r');
		pl011_putc(base, s[i]);
	}
}

/* The early console's write (Linux's pl011_early_write): through the earlycon device's membase. */
static void pl011_early_write(struct console *con, const char *s, unsigned int n)
{
	const struct earlycon_device *dev = con->data;

	pl011_write(dev->membase, s, n);
}

/* ttyAMA0's write: through the static I/O map. */
static void pl011_console_write(struct console *con, const char *s, unsigned int n)
{
	(void)con;
	pl011_write(UART_BASE, s, n);
}

/* Drain the receive FIFO into the ring (IRQ context, or polled before IRQs are on). */
static void pl011_rx_drain(void)
{
	while (!(readl_relaxed(UART_BASE + UART_FR) & UART_FR_RXFE)) {
		char c = (char)readl_relaxed(UART_BASE + UART_DR);

		if (rx_head - rx_tail < RX_RING) {
			rx_ring[rx_head % RX_RING] = c;
			dmb();
			rx_head++;
		}
	}
}

/* Acknowledge first, then drain: a byte landing after the drain raises a fresh interrupt
 * instead of being acknowledged unseen (and the shell waiting for it forever). */
void pl011_handle_irq(void)
{
	writel_relaxed(UART_INT_RX | UART_INT_RT, UART_BASE + UART_ICR);
	pl011_rx_drain();
}

/* Next received byte, or -1 if none is waiting. */
static int pl011_console_getc(struct console *con)
{
	int c;

	(void)con;
	if (rx_tail == rx_head)
		return -1;
	c = (unsigned char)rx_ring[rx_tail % RX_RING];
	dmb();
	rx_tail++;
	return c;
}

/* How many received bytes wait in the ring. */
static unsigned int pl011_console_pending(struct console *con)
{
	(void)con;
	return rx_head - rx_tail;
}

static struct console pl011_early_console = {
	.name = "pl11",
	.write = pl011_early_write,
	.flags = CON_BOOT | CON_PRINTBUFFER,
	.index = -1,
};
EARLYCON_DECLARE(pl011, EARLY_UART_PHYS, EARLY_UART_VIRT, &pl011_early_console);

static struct console pl011_console = {
	.name = "ttyAMA",
	.write = pl011_console_write,
	.getc = pl011_console_getc,
	.pending = pl011_console_pending,
	.flags = CON_PRINTBUFFER,
	.index = 0,
};

/* Program the UART, take receive interrupts, and replace the early console with ttyAMA0. */
void pl011_console_init(void)
{
	pl011_init();
	writel(UART_INT_RX | UART_INT_RT, UART_BASE + UART_IMSC);
	register_console(&pl011_console);
}
