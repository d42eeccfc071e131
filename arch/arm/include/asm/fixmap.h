/*
 * asm/fixmap.h - compile-time virtual addresses for temporary or early mappings (Linux 6.1).
 *
 *   FIXADDR_START 0xffc80000 ................................ FIXADDR_END 0xfff00000
 *                     slot N  ...  slot 1  slot 0 = FIXADDR_TOP 0xffeff000
 *   virt(idx) = FIXADDR_TOP - idx * 4 KiB   (slots grow downwards)
 *
 *   slot 0          FIX_EARLYCON_MEM_BASE (permanent: survives early_fixmap_shutdown)
 *   1 .. 64         FIX_KMAP_BEGIN..END: kmap_atomic, 16 per CPU
 *   65, 66          FIX_TEXT_POKE0/1
 *   1 .. 224        early_ioremap's FIX_BTMAP slots (shared with the kmap range, boot only)
 *
 * Early (setup_arch -> early_fixmap_init) the slots of FIXADDR_TOP's 2 MiB pmd are backed by
 * the static bm_pte table; paging_init's early_fixmap_shutdown drops it and re-creates the
 * permanent device slots with create_mapping.
 */
#ifndef _ASM_FIXMAP_H
#define _ASM_FIXMAP_H

#include <asm/pgtable.h>

#define FIXADDR_START 0xffc80000UL
#define FIXADDR_END 0xfff00000UL
#define FIXADDR_TOP (FIXADDR_END - PAGE_SIZE)

#define KM_MAX_IDX 16
#define NR_FIX_BTMAPS 32
#define FIX_BTMAPS_SLOTS 7
#define TOTAL_FIX_BTMAPS (NR_FIX_BTMAPS * FIX_BTMAPS_SLOTS)

enum fixed_addresses {
	FIX_EARLYCON_MEM_BASE,
	__end_of_permanent_fixed_addresses,
	FIX_KMAP_BEGIN = __end_of_permanent_fixed_addresses,
	FIX_KMAP_END = FIX_KMAP_BEGIN + (KM_MAX_IDX * CONFIG_NR_CPUS) - 1,
	FIX_TEXT_POKE0,
	FIX_TEXT_POKE1,
	__end_of_fixmap_region,
	FIX_BTMAP_END = __end_of_permanent_fixed_addresses,
	FIX_BTMAP_BEGIN = FIX_BTMAP_END + TOTAL_FIX_BTMAPS - 1,
	__end_of_early_ioremap_region
};

#define __fix_to_virt(x) (FIXADDR_TOP - ((unsigned long)(x) << PAGE_SHIFT))
#define __virt_to_fix(x) ((FIXADDR_TOP - ((x)&PAGE_MASK)) >> PAGE_SHIFT)
#define fix_to_virt(x) __fix_to_virt(x)

#define FIXMAP_PAGE_IO (L_PTE_YOUNG | L_PTE_PRESENT | L_PTE_XN | L_PTE_DIRTY | L_PTE_MT_DEV_SHARED | L_PTE_SHARED)
#define FIXMAP_PAGE_NORMAL (PAGE_KERNEL_BASE | L_PTE_XN)

BUILD_BUG_ON(FIXMAP_PAGE_IO != 0x653);
BUILD_BUG_ON(__fix_to_virt(__end_of_fixmap_region) <= FIXADDR_START);
/* every early slot must live in the pmd bm_pte covers */
BUILD_BUG_ON((__fix_to_virt(__end_of_early_ioremap_region) & PMD_MASK) !=
	     (FIXADDR_TOP & PMD_MASK));

void early_fixmap_init(void);
void early_fixmap_shutdown(void);
/* Map (prot != 0) or unmap (prot == 0) fixmap slot idx to phys. */
void __set_fixmap(enum fixed_addresses idx, phys_addr_t phys, pgprot_t prot);

#endif
