/*
 * types.h - the fixed-width and kernel types every part of pimm shares
 * (kernel, lib, and the host-side unit tests that compile the same sources).
 */
#ifndef _LINUX_TYPES_H
#define _LINUX_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Spelt as Linux spells them, not as <stdint.h>: newlib's uint32_t is `unsigned long` on
 * arm-none-eabi, and u32 must print with %x / %u on the target and the host alike.
 */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef signed short s16;
typedef signed int s32;
typedef signed long long s64;

/* ARMv7 without LPAE: physical addresses are 32 bits, as in Linux's arm32 config. */
typedef u32 phys_addr_t;
typedef u32 dma_addr_t;
typedef u32 pfn_t_raw;

typedef unsigned int gfp_t;

#endif
