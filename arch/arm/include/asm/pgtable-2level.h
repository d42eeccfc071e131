/*
 * asm/pgtable-2level.h - Linux's view of the ARM short-descriptor tables (no LPAE): how the
 * 4096-entry hardware L1 table becomes 2048 pgd entries, where a PTE page keeps its Linux and
 * hardware halves, and the Linux (software) PTE bits.
 *
 * The L1 table (swapper_pg_dir, 16 KiB at PA 0x4000):
 *
 *            pgd index = VA >> 21                 one pgd entry = 8 bytes = 2 MiB of VA
 *   +-----------------------+
 *   | pmd[0]  VA 0x00000000 |  pgd 0      each pmd is one 1 MiB hardware L1 descriptor:
 *   | pmd[1]  VA 0x00100000 |             fault (0), section (...10) or table (...01)
 *   +-----------------------+
 *   | pmd[0]  VA 0x00200000 |  pgd 1
 *   | pmd[1]  VA 0x00300000 |
 *   +-----------------------+
 *   |          ...          |
 *   +-----------------------+
 *   | pmd[0]  VA 0xffe00000 |  pgd 2047
 *   | pmd[1]  VA 0xfff00000 |
 *   +-----------------------+
 *
 * A PTE page (one 4 KiB page, allocated when a 2 MiB pgd entry needs 4 KiB mappings):
 *
 *   +0     Linux pt 0: 256 x pte_t   VA pgd + 0 .. 1 MiB      (L_PTE_* bits, software only)
 *   +1024  Linux pt 1: 256 x pte_t   VA pgd + 1 .. 2 MiB
 *   +2048  h/w pt 0:   256 x u32     <- pmd[0] = PA(page) + 2048 | prot_l1
 *   +3072  h/w pt 1:   256 x u32     <- pmd[1] = PA(page) + 3072 | prot_l1
 *
 *   pte index = (VA >> 12) & 511: the Linux entry at page + 4 * index, its hardware twin
 *   PTE_HWTABLE_OFF (2048) bytes further. Linux keeps the bits the MMU lacks (young, dirty,
 *   user...) in the software copy; cpu_v7_set_pte_ext (pte_to_hw below) derives the hardware
 *   one from it.
 *
 * Linux PTE (software) bits:
 *
 *   31             12 11   10   9   8    7     6    5    2   1     0
 *  +-----------------+----+----+--+----+------+-----+------+-----+-------+
 *  |  page frame     |NONE|SHRD|XN|USER|RDONLY|DIRTY|  MT  |YOUNG|PRESENT|
 *  +-----------------+----+----+--+----+------+-----+------+-----+-------+
 */
#ifndef _ASM_PGTABLE_2LEVEL_H
#define _ASM_PGTABLE_2LEVEL_H

#include <asm/pgtable-2level-hwdef.h>
#include <asm/pgtable-2level-types.h>

#define PTRS_PER_PTE 512
#define PTRS_PER_PMD 1
#define PTRS_PER_PGD 2048

#define PTE_HWTABLE_PTRS (PTRS_PER_PTE)
#define PTE_HWTABLE_OFF (PTE_HWTABLE_PTRS * sizeof(pte_t))
#define PTE_HWTABLE_SIZE (PTRS_PER_PTE * sizeof(u32))

#define PMD_SHIFT 21
#define PGDIR_SHIFT 21
#define PMD_SIZE (1UL << PMD_SHIFT)
#define PMD_MASK (~(PMD_SIZE - 1))
#define PGDIR_SIZE (1UL << PGDIR_SHIFT)
#define PGDIR_MASK (~(PGDIR_SIZE - 1))

/* Linux PTE bits (software table). */
#define L_PTE_VALID (1 << 0)
#define L_PTE_PRESENT (1 << 0)
#define L_PTE_YOUNG (1 << 1)
#define L_PTE_DIRTY (1 << 6)
#define L_PTE_RDONLY (1 << 7)
#define L_PTE_USER (1 << 8)
#define L_PTE_XN (1 << 9)
#define L_PTE_SHARED (1 << 10)
#define L_PTE_NONE (1 << 11)

/* Memory type, bits 5:2 (bit 2 = B, bit 3 = C, bit 4 = TEX[0] in the hardware PTE). */
#define L_PTE_MT_SHIFT 2
#define L_PTE_MT_MASK (0xf << L_PTE_MT_SHIFT)
#define L_PTE_MT_UNCACHED (0x00 << L_PTE_MT_SHIFT)
#define L_PTE_MT_BUFFERABLE (0x01 << L_PTE_MT_SHIFT)
#define L_PTE_MT_WRITETHROUGH (0x02 << L_PTE_MT_SHIFT)
#define L_PTE_MT_WRITEBACK (0x03 << L_PTE_MT_SHIFT)
#define L_PTE_MT_MINICACHE (0x06 << L_PTE_MT_SHIFT)
#define L_PTE_MT_WRITEALLOC (0x07 << L_PTE_MT_SHIFT)
#define L_PTE_MT_DEV_SHARED (0x04 << L_PTE_MT_SHIFT)
#define L_PTE_MT_DEV_NONSHARED (0x0c << L_PTE_MT_SHIFT)
#define L_PTE_MT_DEV_WC (0x09 << L_PTE_MT_SHIFT)
#define L_PTE_MT_DEV_CACHED (0x0b << L_PTE_MT_SHIFT)
#define L_PTE_MT_VECTORS (0x0f << L_PTE_MT_SHIFT)

/* Bits of the Linux PTE that cpu_v7_set_pte_ext clears before adding the hardware ones. */
#define L_PTE_HW_CLEAR_MASK (0x3f0 | PTE_TYPE_MASK)

/*
 * The hardware small-page descriptor for a Linux PTE (Linux's cpu_v7_set_pte_ext without the
 * store): keep B, C, S and the frame; AP0 and type always; TEX[0] from MT bit 4; APX when
 * read-only or clean; AP1 for user; XN. A PTE that is not young+valid (or is PROT_NONE) gets 0,
 * so the first access faults.
 */
static inline u32 pte_to_hw(pteval_t pte, u32 ext)
{
	u32 hw = (pte & ~(u32)L_PTE_HW_CLEAR_MASK) | ext | PTE_EXT_AP0 | PTE_TYPE_SMALL;

	if (pte & (1 << 4))
		hw |= PTE_EXT_TEX(1);
	if ((pte & L_PTE_RDONLY) || !(pte & L_PTE_DIRTY))
		hw |= PTE_EXT_APX;
	if (pte & L_PTE_USER)
		hw |= PTE_EXT_AP1;
	if (pte & L_PTE_XN)
		hw |= PTE_EXT_XN;
	if (!(pte & L_PTE_YOUNG) || !(pte & L_PTE_VALID) || (pte & L_PTE_NONE))
		hw = 0;
	return hw;
}

#endif
