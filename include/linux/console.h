/*
 * linux/console.h - where kernel output goes (Linux's include/linux/console.h): drivers
 * register a struct console, and printk (kernel/printk.c) writes every log line to the enabled
 * consoles.
 *
 * The hand-over, as Linux does it:
 *   setup_arch          the board's early console (CON_BOOT | CON_PRINTBUFFER) registers
 *                       (Linux: earlycon) and gets the log so far replayed: the lines printed
 *                       since start_kernel began, while no console existed. It writes through
 *                       head.S's mapping of the UART until setup_arch maps the UART's page at
 *                       the fixmap's FIX_EARLYCON_MEM_BASE (Linux's earlycon_map), then
 *                       through that slot, which paging_init keeps (early_fixmap_shutdown)
 *   customize_machine   the real console registers; because a boot console already showed
 *                       the log, it gets no replay (CON_PRINTBUFFER dropped), and the boot
 *                       consoles are unregistered: every line reaches the terminal once
 *
 * Input is not part of Linux's struct console (Linux reads the terminal through its tty
 * driver). pimm's shell reads through two fields of its own, getc and pending, on the preferred
 * console (CON_CONSDEV): console_getc and console_pending below.
 */
#ifndef _LINUX_CONSOLE_H
#define _LINUX_CONSOLE_H

#include <linux/types.h>

#define CON_PRINTBUFFER (1 << 0) /* replay the log buffer when registered */
#define CON_CONSDEV (1 << 1)     /* the preferred console: the shell's terminal */
#define CON_ENABLED (1 << 2)     /* printk writes to it */
#define CON_BOOT (1 << 3)        /* an early console, replaced by the first real one */

struct console {
	char name[16];
	/* Write @count bytes ("\n" as the terminal needs it) with IRQs off. */
	void (*write)(struct console *con, const char *s, unsigned int count);
	/* pimm's additions for input: next received byte or -1; bytes waiting. */
	int (*getc)(struct console *con);
	unsigned int (*pending)(struct console *con);
	short flags;
	short index;
	void *data; /* the driver's: an early console's struct earlycon_device */
	struct console *next;
};

/*
 * An early console a board offers (Linux's struct earlycon_id and EARLYCON_DECLARE, in
 * linux/serial_core.h): setup_arch registers the first one. @phys is the UART's physical
 * address; @head_virt where head.S maps it for the first lines (pimm's: Linux's earlycon
 * starts only once its fixmap slot is mapped, see setup_earlycon in arch/arm/kernel/setup.c).
 */
struct earlycon_id {
	const char *name;
	phys_addr_t phys;
	unsigned long head_virt;
	struct console *con;
};
extern const struct earlycon_id __earlycon_table[], __earlycon_table_end[];
#define EARLYCON_DECLARE(_name, _phys, _head_virt, _con)                                           \
	static const struct earlycon_id __earlycon_##_name __attribute__((__used__,                \
		__section__("__earlycon_table"), __aligned__(4))) = {#_name, _phys, _head_virt, _con}

/*
 * The registered early console's device (Linux's struct earlycon_device, whose port holds
 * mapbase and membase): the console's @data points here, and its write goes to @membase,
 * which earlycon_map moves from head.S's mapping to the fixmap slot.
 */
struct earlycon_device {
	struct console *con;
	phys_addr_t mapbase;   /* the UART's registers, physical */
	unsigned long membase; /* ... and where the console reaches them now */
};

/* Add @con to the consoles (printk writes to it from now on); see the hand-over above. */
void register_console(struct console *con);
/* Remove @con; 0, or -ENODEV if it was not registered. */
int unregister_console(struct console *con);
/* The first registered console, then each next (Linux's for_each_console). */
extern struct console *console_drivers;
#define for_each_console(con) for (con = console_drivers; con; con = con->next)

/* Write raw bytes (no log, no timestamp) to the preferred console: the shell, newlib's stdout. */
void console_write(const char *s, size_t n);
/* The preferred console's next received byte, or -1 (also when it has no input). */
int console_getc(void);
/* How many received bytes wait on the preferred console. */
unsigned int console_pending(void);

#endif
