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

/* With TEX remap (SCTLR.TRE) TEX[0]:C:B index PRRR/NMRR; Linux's section memory types: */
#define PMD_SECT_UNCACHED (0)
#define PMD_SECT_WBWA (PMD_SECT_TEX(1) | PMD_SECT_C | PMD_SECT_B) /* index 7: normal WBWA */
#define PMD_FLAGS_SMP (PMD_SECT_WBWA | PMD_SECT_S)

#define SECTION_SHIFT 20
#define SECTION_SIZE (1UL << SECTION_SHIFT)
#define SECTION_MASK (~(SECTION_SIZE - 1))

/* Domains (asm/domain.h): kernel 0, user 1, io 2, vectors 3; DACR 2 bits each. */
#define DOMAIN_KERNEL 0
#define DOMAIN_USER 1
#define DOMAIN_IO 2
#define DOMAIN_VECTORS 3
#define DOMAIN_NOACCESS 0
#define DOMAIN_CLIENT 1
#define DOMAIN_MANAGER 3
#define domain_val(dom, type) ((type) << (2 * (dom)))
/* Linux with CPU_SW_DOMAIN_PAN: kernel, io and vectors client (AP checked), user no access. */
#define DACR_INIT                                                                                  \
	(domain_val(DOMAIN_USER, DOMAIN_NOACCESS) | domain_val(DOMAIN_KERNEL, DOMAIN_CLIENT) |     \
	 domain_val(DOMAIN_IO, DOMAIN_CLIENT) | domain_val(DOMAIN_VECTORS, DOMAIN_CLIENT))

/* TTBR0/1 attributes for table walks on SMP v7: inner WBWA, shareable, outer WBWA. */
#define TTB_S (1 << 1)
#define TTB_RGN_OC_WBWA (1 << 3)
#define TTB_NOS (1 << 5)
#define TTB_IRGN_WBWA (1 << 6)
#define TTB_FLAGS_SMP (TTB_IRGN_WBWA | TTB_S | TTB_NOS | TTB_RGN_OC_WBWA)

/* TEX remap registers as Linux's proc-v7-2level.S programs them. */
#define PRRR_VALUE 0xff0a81a8
#define NMRR_VALUE 0x40e040e0

#endif
