/*
 * asm/pgtable-2level-hwdef.h - bits of the ARMv7 short-descriptor hardware tables
 * (ARM ARM B3.5), named as Linux names them.
 *
 * First-level (L1) section descriptor, 1 MiB:
 *
 *   31        20 19 18 17 16 15 14 12 11 10 9 8    5 4  3 2 1 0
 *  +------------+--+--+--+--+---+-----+-----+-+------+--+-+-+---+
 *  | base[31:20]|NS| 0|nG| S|APX| TEX | AP  |-|domain|XN|C|B|1 0|
 *  +------------+--+--+--+--+---+-----+-----+-+------+--+-+-+---+
 *
 * First-level page-table descriptor (points at a 1 KiB L2 table):
 *
 *   31                   10 9 8    5 4 3  2   1 0
 *  +-----------------------+-+------+-+--+---+---+
 *  | L2 table base [31:10] |-|domain|-|NS|PXN|0 1|
 *  +-----------------------+-+------+-+--+---+---+
 *
 * Second-level (L2) small-page descriptor, 4 KiB (what the MMU reads; Linux's own bits live
 * in the software table 2 KiB below it, see asm/pgtable-2level.h):
 *
 *   31              12 11 10  9  8  6 5   4  3 2 1 0
 *  +------------------+--+--+---+-----+-----+-+-+-+--+
 *  | page base [31:12]|nG| S|APX| TEX | AP  |C|B|1|XN|
 *  +------------------+--+--+---+-----+-----+-+-+-+--+
 *
 * AP encodings used (APX:AP[1:0], SCTLR.AFE = 0):  0:01 kernel RW   1:01 kernel RO
 *                                                  0:11 all RW      1:10 / 1:11 all RO
 * With TEX remap (SCTLR.TRE = 1) TEX[0]:C:B is a 3-bit index into PRRR/NMRR (see below).
 */
#ifndef _ASM_PGTABLE_2LEVEL_HWDEF_H
#define _ASM_PGTABLE_2LEVEL_HWDEF_H

#define PMD_TYPE_MASK (3 << 0)
#define PMD_TYPE_FAULT (0 << 0)
#define PMD_TYPE_TABLE (1 << 0)
#define PMD_TYPE_SECT (2 << 0)
#define PMD_PXNTABLE (1 << 2)
#define PMD_BIT4 (1 << 4)
#define PMD_DOMAIN_SHIFT 5
#define PMD_DOMAIN_MASK (0xf << PMD_DOMAIN_SHIFT)
#define PMD_DOMAIN(x) ((x) << PMD_DOMAIN_SHIFT)

#define PMD_SECT_B (1 << 2)
#define PMD_SECT_C (1 << 3)
#define PMD_SECT_XN (1 << 4)
#define PMD_SECT_AP_WRITE (1 << 10)
#define PMD_SECT_AP_READ (1 << 11)
#define PMD_SECT_TEX_SHIFT 12
#define PMD_SECT_TEX(x) ((x) << PMD_SECT_TEX_SHIFT)
#define PMD_SECT_APX (1 << 15)
#define PMD_SECT_S (1 << 16)
#define PMD_SECT_nG (1 << 17)
#define PMD_SECT_SUPER (1 << 18)
#define PMD_SECT_AF 0 /* no access flag without SCTLR.AFE */
#define PMD_SECT_PXN (1 << 0) /* privileged execute-never (section; LPAE-capable cores) */
#define PMD_SECT_TEX_MASK (7 << PMD_SECT_TEX_SHIFT)
#define PMD_SECT_AP_MASK (PMD_SECT_APX | PMD_SECT_AP_WRITE | PMD_SECT_AP_READ)
#define PMD_SECT_BASE_MASK 0xfff00000u
#define PMD_SUPERSECT_BASE_MASK 0xff000000u
#define PMD_TABLE_BASE_MASK 0xfffffc00u
#define PMD_SECT_BUFFERABLE PMD_SECT_B
#define PMD_SECT_CACHEABLE PMD_SECT_C
#define PMD_SECT_WB (PMD_SECT_C | PMD_SECT_B)

/* With TEX remap (SCTLR.TRE) TEX[0]:C:B index PRRR/NMRR; Linux's section memory types: */
#define PMD_SECT_UNCACHED (0)
#define PMD_SECT_WBWA (PMD_SECT_TEX(1) | PMD_SECT_C | PMD_SECT_B) /* index 7: normal WBWA */
#define PMD_FLAGS_SMP (PMD_SECT_WBWA | PMD_SECT_S)

/* L2 small-page descriptor bits (hardware table). */
#define PTE_TYPE_MASK (3 << 0)
#define PTE_TYPE_FAULT (0 << 0)
#define PTE_TYPE_LARGE (1 << 0)
#define PTE_TYPE_SMALL (2 << 0)
#define PTE_EXT_XN (1 << 0) /* small page: bit 0 is XN, bit 1 the type */
#define PTE_BUFFERABLE (1 << 2)
#define PTE_CACHEABLE (1 << 3)
#define PTE_EXT_AP0 (1 << 4)
#define PTE_EXT_AP1 (1 << 5)
#define PTE_EXT_TEX_SHIFT 6
#define PTE_EXT_TEX(x) ((x) << PTE_EXT_TEX_SHIFT)
#define PTE_EXT_TEX_MASK (7 << PTE_EXT_TEX_SHIFT)
#define PTE_EXT_APX (1 << 9)
#define PTE_EXT_SHARED (1 << 10)
#define PTE_EXT_NG (1 << 11)
#define PTE_SMALL_BASE_MASK 0xfffff000u

#define SECTION_SHIFT 20
#define SECTION_SIZE (1UL << SECTION_SHIFT)
#define SECTION_MASK (~(SECTION_SIZE - 1))
#define SUPERSECTION_SHIFT 24
#define SUPERSECTION_SIZE (1UL << SUPERSECTION_SHIFT)

#include <asm/domain.h>

/* TTBR0/1 attributes for table walks on SMP v7: inner WBWA, shareable, outer WBWA. */
#define TTB_S (1 << 1)
#define TTB_RGN_OC_WBWA (1 << 3)
#define TTB_NOS (1 << 5)
#define TTB_IRGN_WBWA (1 << 6)
#define TTB_FLAGS_SMP (TTB_IRGN_WBWA | TTB_S | TTB_NOS | TTB_RGN_OC_WBWA)

/*
 * TEX remap registers as Linux's proc-v7-2level.S programs them. Index n = TEX[0]:C:B.
 *
 *   n | PRRR type           | NMRR inner / outer | Linux memory type (L_PTE_MT_*)
 *  ---+---------------------+--------------------+--------------------------------------
 *   0 | strongly ordered    |  -                 | UNCACHED
 *   1 | normal              | non-cacheable      | BUFFERABLE (write-combining)
 *   2 | normal              | write-through      | WRITETHROUGH
 *   3 | normal              | write-back         | WRITEBACK
 *   4 | device              |  -                 | DEV_SHARED / DEV_NONSHARED
 *   7 | normal              | write-back w-alloc | WRITEALLOC (all kernel memory)
 *  PRRR also: DS1 = 1 (device with S=1 is shareable), NS1 = 1 (normal with S=1 is shareable),
 *  NOS = 1 (shareable means inner shareable).
 */
#define PRRR_VALUE 0xff0a81a8
#define NMRR_VALUE 0x40e040e0

#endif
