/*
 * support_pcpu.c - the percpu suite's template and boot state.
 *
 * The template: on the target the linker script puts .data..percpu between __per_cpu_start
 * and __per_cpu_end (__per_cpu_load = __per_cpu_start, not XIP). Here __per_cpu_start is an
 * array of PCPU_TEST_STATIC bytes with known contents, 64-byte aligned as in the linker
 * script, and the two other symbols are defined next to it in assembly, so that
 * __per_cpu_end - __per_cpu_start is the static size percpu.c reads.
 */
#include <stdlib.h>
#include <string.h>

#include "support_pcpu.h"

char __per_cpu_start[PCPU_TEST_STATIC ? PCPU_TEST_STATIC : 1] __attribute__((aligned(64)));

#define PCPU_STR_(x) #x
#define PCPU_STR(x)  PCPU_STR_(x)
__asm__(".globl __per_cpu_end\n\t.set __per_cpu_end, __per_cpu_start + " PCPU_STR(
	PCPU_TEST_STATIC) "\n\t.globl __per_cpu_load\n\t.set __per_cpu_load, __per_cpu_start\n");

__attribute__((constructor)) static void pcpu_template_init(void)
{
	const size_t n = PCPU_TEST_STATIC;

	for (size_t i = 0; i < n; i++)
		__per_cpu_start[i] = (char)pcpu_template_byte(i);
}

void pcpu_layout(void)
{
	mb_reset();
	memblock_add(0, PCPU_RAM_END);
	memblock_reserve(0, 0x1000);
	memblock_reserve(PCPU_KERNEL, PCPU_KERNEL_SIZE);
	memblock_set_current_limit(PCPU_LIMIT);
	memset(mb_ram + PCPU_LIMIT - SZ_1M * 2, 0xaa, SZ_1M * 2);
	memset(&pcpu_chunk, 0, sizeof(pcpu_chunk));
	memset(__per_cpu_offset, 0, sizeof(__per_cpu_offset));
}

void pcpu_boot(void)
{
	pcpu_layout();
	setup_per_cpu_areas();
}

int pcpu_boot_setup(void **state)
{
	(void)state;
	pcpu_boot();
	return 0;
}

const char *pcpu_log_text(void)
{
	return mb_log_text();
}
