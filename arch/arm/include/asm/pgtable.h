/*
 * asm/pgtable.h - the kernel's page tables as Linux's ARM code sees them: the virtual layout
 * around lowmem, and the accessors that turn a VA into its pgd/pmd/pte slots.
 *
 * Where it sits: head.S builds swapper_pg_dir (1 MiB sections only); setup_arch ->
 * paging_init (arch/arm/mm/mmu.c) rebuilds it with create_mapping; `walk`, `ptdump` and the
 * fault reports read it back through these helpers. Layout (docs/design.md#virtual-memory-map):
 *
 *   TASK_SIZE = MODULES_VADDR = PAGE_OFFSET - 16 MiB    user space ends, modules start
 *   PKMAP_BASE = PAGE_OFFSET - 2 MiB                    persistent kmaps (asm/highmem.h)
 *   PAGE_OFFSET .. high_memory                          lowmem, linear
 *   VMALLOC_START = ALIGN(high_memory + 8 MiB, 8 MiB) .. VMALLOC_END = 0xff800000
 *   FDT_FIXED_BASE 0xff800000, fixmap 0xffc80000..0xfff00000, vectors 0xffff0000
 *
 * Table slots for a VA (see asm/pgtable-2level.h for the figure):
 *   pgd_offset_k(va) = &pgd[va >> 21]          (a pair of hardware L1 entries)
 *   pmd_off_k(va)    = the pair's first entry   (Linux folds the pmd; odd MiB uses +1)
 *   pte_offset_kernel(pmd, va) = Linux PTE (va >> 12) & 511 of the table pmd points to
 */
#ifndef _ASM_PGTABLE_H
#define _ASM_PGTABLE_H

#include <linux/kernel.h>
#include <asm/memory.h>
#include <asm/page.h>
#include <asm/pgtable-2level.h>

#ifndef VMALLOC_OFFSET
#define VMALLOC_OFFSET (8 * 1024 * 1024)
#endif
#define VMALLOC_START                                                                              \
	((((unsigned long)high_memory + VMALLOC_OFFSET) & ~(unsigned long)(VMALLOC_OFFSET - 1)))

#define TASK_SIZE ((unsigned long)PAGE_OFFSET - SZ_16M)
#define MODULES_VADDR ((unsigned long)PAGE_OFFSET - SZ_16M)
#ifdef CONFIG_HIGHMEM
#define MODULES_END ((unsigned long)PAGE_OFFSET - PMD_SIZE)
#else
#define MODULES_END ((unsigned long)PAGE_OFFSET)
#endif
#define VECTORS_BASE 0xffff0000UL
#define FIRST_USER_ADDRESS PAGE_SIZE

/* The L1 table head.S builds at SWAPPER_PG_DIR_PHYS (asm/memory.h), as 4096 hardware entries. */
extern u32 swapper_pg_dir[PG_DIR_SIZE / 4];
/* The kernel's L1 table (Linux: init_mm.pgd = swapper_pg_dir); host tests point it at
 * simulated RAM. */
extern pgd_t *init_mm_pgd;

#define pgd_index(addr) ((unsigned long)(addr) >> PGDIR_SHIFT)
#define pgd_offset_pgd(pgd, addr) ((pgd) + pgd_index(addr))
#define pgd_offset_k(addr) pgd_offset_pgd(init_mm_pgd, addr)
#define pte_index(addr) (((unsigned long)(addr) >> PAGE_SHIFT) & (PTRS_PER_PTE - 1))
#define pgd_addr_end(addr, end)                                                                    \
	({                                                                                         \
		unsigned long __b = ((addr) + PGDIR_SIZE) & PGDIR_MASK;                            \
		(__b - 1 < (end)-1) ? __b : (end);                                                 \
	})

/* First L1 entry of the pmd pair covering addr. */
static inline pmd_t *pmd_off_k(unsigned long addr)
{
	return (pmd_t *)pgd_offset_k(addr);
}

static inline bool pmd_none(pmd_t pmd) { return !pmd_val(pmd); }
static inline bool pmd_table(pmd_t pmd) { return (pmd & PMD_TYPE_MASK) == PMD_TYPE_TABLE; }
/* Linux's 2-level pmd_bad: a section (bit 1) is "bad" for a pte walk. */
static inline bool pmd_bad(pmd_t pmd) { return pmd & 2; }
static inline bool pmd_sect(pmd_t pmd) { return (pmd & PMD_TYPE_MASK) == PMD_TYPE_SECT; }

/* Linux-table (software) view of the PTE page a table pmd points to. */
static inline pte_t *pmd_page_vaddr(pmd_t pmd)
{
	return (pte_t *)__va(pmd_val(pmd) & PAGE_MASK);
}

static inline pte_t *pte_offset_kernel(pmd_t *pmd, unsigned long addr)
{
	return pmd_page_vaddr(*pmd) + pte_index(addr);
}

#define __phys_to_pfn(p) ((unsigned long)((p) >> PAGE_SHIFT))
#define __pfn_to_phys(p) ((phys_addr_t)(p) << PAGE_SHIFT)
#define pfn_pte(pfn, prot) ((pte_t)(((pfn) << PAGE_SHIFT) | pgprot_val(prot)))
#define pte_pfn(pte) ((unsigned long)(pte_val(pte) >> PAGE_SHIFT))
#define pte_none(pte) (!pte_val(pte))

/* Page protections used by the kernel (Linux's pgprot_kernel and PAGE_KERNEL, asm/pgtable.h). */
#define _L_PTE_DEFAULT (L_PTE_PRESENT | L_PTE_YOUNG)
#define PAGE_KERNEL_BASE (_L_PTE_DEFAULT | L_PTE_DIRTY | L_PTE_MT_WRITEALLOC | L_PTE_SHARED)
#define PAGE_KERNEL (PAGE_KERNEL_BASE | L_PTE_XN)
#define PAGE_KERNEL_EXEC PAGE_KERNEL_BASE
/*
 * Coherent DMA buffers (Linux's pgprot_dmacoherent with CONFIG_ARM_DMA_MEM_BUFFERABLE, the v7
 * default): the memory type becomes BUFFERABLE (Normal, non-cacheable) and never executable.
 */
#define pgprot_dmacoherent(prot) \
	__pgprot((pgprot_val(prot) & ~L_PTE_MT_MASK) | L_PTE_MT_BUFFERABLE | L_PTE_XN)
#define _PAGE_KERNEL_TABLE (PMD_TYPE_TABLE | PMD_BIT4 | PMD_DOMAIN(DOMAIN_KERNEL))

/* Boot entry points (arch/arm/mm/mmu.c, mem_types.c, rodata.c). */
void paging_init(void);
void build_mem_type_table(void);
extern const char *cache_policy_name;
void print_vm_layout(void);

/* The kernel's virtual areas, bottom up (the `Virtual kernel memory layout:` block). */
enum kernel_va_area {
	VA_USER,	/* below MODULES_VADDR */
	VA_MODULES,	/* MODULES_VADDR .. PKMAP_BASE */
	VA_PKMAP,	/* PKMAP_BASE .. PAGE_OFFSET: persistent kmaps */
	VA_LOWMEM,	/* PAGE_OFFSET .. high_memory: the linear map */
	VA_VMALLOC,	/* VMALLOC_START .. VMALLOC_END */
	VA_DTB,		/* FDT_FIXED_BASE, 2 MiB: the boot DTB, read-only */
	VA_FIXMAP,	/* FIXADDR_START .. FIXADDR_END */
	VA_VECTORS,	/* the vectors page at 0xffff0000 */
	VA_STUBS,	/* the stubs page after it */
	VA_NONE,	/* kernel space between the areas */
};
/* Which area @va lies in (arch/arm/mm/mmu.c: the one classifier of kernel addresses). */
enum kernel_va_area kernel_va_area(unsigned long va);
/* A name for an area as `whatis` prints it ("lowmem (linear map)", "vmalloc area", ...). */
const char *kernel_va_area_name(enum kernel_va_area area);
int vm_layout_format(char *buf, size_t size);
extern pmd_t *top_pmd;
extern void *vectors_page;
extern u64 paging_init_ticks;

BUILD_BUG_ON(PTRS_PER_PGD * 2 * 4 != 16384);          /* 2048 pairs = the 16 KiB L1 table */
BUILD_BUG_ON(PGDIR_SIZE != 2 * SECTION_SIZE);         /* a pgd entry is two sections */
BUILD_BUG_ON(PTE_HWTABLE_OFF + PTE_HWTABLE_SIZE != PAGE_SIZE); /* a PTE page is one page */
BUILD_BUG_ON(PTRS_PER_PTE * PAGE_SIZE != PMD_SIZE);   /* one PTE page maps one pgd entry */
BUILD_BUG_ON(PAGE_KERNEL != 0x65f || PAGE_KERNEL_EXEC != 0x45f || _PAGE_KERNEL_TABLE != 0x11);

#endif
