/*
 * aux_uart.c - the BCM2835 mini UART (the AUX block's UART1 at PA 0x3f215000; Linux's
 * drivers/tty/serial/8250/8250_bcm2835aux.c, ttyS1) as the state stream's channel
 * (include/pimm/mm_stream.h, docs/state-stream.md).
 *
 * Where it sits: customize_machine (board.c) calls aux_uart_init after the PL011 console;
 * it registers the port, which sends the stream's "hello". Output is polled; input comes
 * through the AUX interrupt (GPU IRQ 29, intc.c) into a ring that the shell reads while it
 * waits (kernel/shell/stream.c). The console never sees any of it.
 *
 *   AUX (0x3f215000)  +0x04 ENABLES   bit 0: mini UART on
 *                     +0x40 MU_IO     data (TX write / RX read)
 *                     +0x44 MU_IER    bit 0: RX interrupt
 *                     +0x4c MU_LCR    3: 8 data bits
 *                     +0x54 MU_LSR    bit 0: RX data ready, bit 5: TX can take a byte
 *                     +0x60 MU_CNTL   bit 0: RX on, bit 1: TX on
 *                     +0x68 MU_BAUD   system clock / (8 * (baud + 1))
 * On QEMU raspi2b the mini UART is the second -serial. On a real Pi 2 its pins (GPIO14/15
 * ALT5) are the PL011's: the stream would need GPIO32/33 or the PL011 given up (not done).
 */
#include <linux/kernel.h>
#include <asm/io.h>
#include <mach/platform.h>
#include <pimm/mm_stream.h>

#include "bcm2836.h"

#define AUX_BASE IO_ADDRESS(0x3f215000)
#define AUX_ENABLES 0x04
#define AUX_MU_IO 0x40
#define AUX_MU_IER 0x44
#define AUX_MU_LCR 0x4c
#define AUX_MU_LSR 0x54
#define AUX_MU_CNTL 0x60
#define AUX_MU_BAUD 0x68
#define AUX_ENABLE_UART 1        /* ENABLES: mini UART */
#define AUX_IER_RX 1             /* IER: receive interrupt */
#define AUX_LCR_8BIT 3           /* LCR: 8 data bits */
#define AUX_LSR_DATA_READY 1     /* LSR: a byte to read */
#define AUX_LSR_TX_EMPTY (1 << 5) /* LSR: the transmitter takes a byte */
#define AUX_CNTL_RX_TX 3         /* CNTL: receiver and transmitter on */
#define AUX_BAUD_115200 270      /* 250 MHz core clock / (8 * 271) */

#define RX_RING 256 /* power of two; requests are short lines */
static char rx_ring[RX_RING];
static volatile unsigned int rx_head, rx_tail; /* head: the IRQ's, tail: the reader's */

/* Write n bytes, waiting for room for each (IRQs may be off). */
static void aux_uart_write(const char *s, unsigned int n)
{
	while (n--) {
		while (!(readl(AUX_BASE + AUX_MU_LSR) & AUX_LSR_TX_EMPTY))
			;
		writel((unsigned char)*s++, AUX_BASE + AUX_MU_IO);
	}
}

/* Next received byte, or -1. */
static int aux_uart_getc(void)
{
	unsigned int tail = rx_tail;
	int c;

	if (tail == rx_head)
		return -1;
	c = (unsigned char)rx_ring[tail % RX_RING];
	rx_tail = tail + 1;
	return c;
}

/* The AUX interrupt: move every received byte into the ring (dropped when it is full). */
void aux_uart_handle_irq(void)
{
	while (readl(AUX_BASE + AUX_MU_LSR) & AUX_LSR_DATA_READY) {
		char c = (char)readl(AUX_BASE + AUX_MU_IO);

		if (rx_head - rx_tail < RX_RING) {
			rx_ring[rx_head % RX_RING] = c;
			rx_head = rx_head + 1;
		}
	}
}

/* Bytes in the ring that nobody read yet. */
static bool aux_uart_rx_pending(void)
{
	return rx_head != rx_tail;
}

static const struct mm_stream_port aux_port = {
	.name = "ttyS1 (mini UART)",
	.write = aux_uart_write,
	.getc = aux_uart_getc,
	.rx_pending = aux_uart_rx_pending,
};

/* Contract: the mini UART runs at 115200 8N1 with its receive interrupt; the stream is up. */
void aux_uart_init(void)
{
	writel(readl(AUX_BASE + AUX_ENABLES) | AUX_ENABLE_UART, AUX_BASE + AUX_ENABLES);
	writel(0, AUX_BASE + AUX_MU_CNTL);
	writel(AUX_LCR_8BIT, AUX_BASE + AUX_MU_LCR);
	writel(AUX_BAUD_115200, AUX_BASE + AUX_MU_BAUD);
	while (readl(AUX_BASE + AUX_MU_LSR) & AUX_LSR_DATA_READY) /* sent before anyone listened */
		readl(AUX_BASE + AUX_MU_IO);
	writel(AUX_IER_RX, AUX_BASE + AUX_MU_IER);
	writel(AUX_CNTL_RX_TX, AUX_BASE + AUX_MU_CNTL);
	bcm2836_enable_aux_irq();
	mm_stream_register_port(&aux_port);
}
