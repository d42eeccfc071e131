/*
 * linux/kmsg_dump.h - reading the kernel log buffer back (Linux's kmsg_dump_get_line walks it
 * line by line the same way); kernel/printk.c keeps the buffer, the shell's `dmesg` reads it.
 */
#ifndef _LINUX_KMSG_DUMP_H
#define _LINUX_KMSG_DUMP_H

#include <linux/types.h>

/*
 * Call out() for each line of the log, oldest first, without the stored level byte; lines
 * whose level is above max_level are skipped.
 */
void log_buf_for_each_line(void (*out)(const char *line, size_t len), int max_level);

#endif
