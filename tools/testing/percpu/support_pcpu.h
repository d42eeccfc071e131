/*
 * support_pcpu.h - what the percpu host tests share (support_pcpu.c): the template section,
 * the simulated boot memory layout, a fresh setup_per_cpu_areas, and the captured log.
 */
#ifndef PCPU_TEST_SUPPORT_H
#define PCPU_TEST_SUPPORT_H

#include "support.h" /* tools/testing/shared: simulated RAM, printk capture, mb_reset */

#include <linux/percpu.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#ifndef PCPU_TEST_STATIC
#define PCPU_TEST_STATIC 144
#endif

/* The simulated Pi: RAM [0, PCPU_RAM_END), lowmem (memblock.current_limit) below PCPU_LIMIT,
 * reserved: the first page (/memreserve/) and the kernel image. */
#define PCPU_RAM_END	 0x3c000000u
#define PCPU_LIMIT	 0x30000000u
#define PCPU_KERNEL	 0x00008000u
#define PCPU_KERNEL_SIZE 0x007f8000u

/* The template byte at offset i of __per_cpu_start (known contents). */
static inline unsigned char pcpu_template_byte(size_t i)
{
	return (unsigned char)(i * 7 + 3) ^ (unsigned char)(i >> 8);
}

/* memblock as at boot before setup_per_cpu_areas; pcpu_chunk and __per_cpu_offset cleared;
 * the top 2 MiB below the limit filled with 0xaa (memblock must hand out zeroed blocks). */
void pcpu_layout(void);
/* pcpu_layout, then the real setup_per_cpu_areas. */
void pcpu_boot(void);
int pcpu_boot_setup(void **state); /* cmocka setup wrapper */

/* The captured printk output since the last mb_log_clear, levels stripped, concatenated. */
const char *pcpu_log_text(void);

#endif
