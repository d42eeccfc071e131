/*
 * Host-test refinement of the shared asm/memory.h (tools/testing/shared/include, included
 * next; simulated RAM: PA lives at mb_ram + PA): adds the kernel's virtual layout constants,
 * the real ones (PAGE_OFFSET from the build's split). Page tables store physical addresses only, so the
 * builder and walker run unchanged.
 */
#ifndef PGTABLE_TEST_ASM_MEMORY_H
#define PGTABLE_TEST_ASM_MEMORY_H

#include_next <asm/memory.h>

#define PAGE_OFFSET CONFIG_PAGE_OFFSET
#define KERNEL_PHYS_START (PHYS_OFFSET + TEXT_OFFSET)
#define PG_DIR_SIZE 0x4000
#define SWAPPER_PG_DIR_PHYS (KERNEL_PHYS_START - PG_DIR_SIZE)
#define FDT_FIXED_BASE 0xff800000
#define FDT_FIXED_SIZE 0x00200000
#define VMALLOC_END FDT_FIXED_BASE
#define EARLY_UART_PHYS 0x3f201000

#endif
