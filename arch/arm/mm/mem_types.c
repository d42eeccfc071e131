/*
 * arch/arm/mm/mem_types.c - the memory types every kernel mapping is made of (Linux's
 * mem_types[] and build_mem_type_table in arch/arm/mm/mmu.c).
 *
 * Where it sits in the boot pipeline: setup_arch -> early_mm_init -> build_mem_type_table,
 * after parse_early_param and before paging_init, whose create_mapping calls pick a type per
 * mapping. The table starts with what every ARM CPU gets and is then finished for ours:
 *
 *   base (any ARM)            + ARMv7, TEX remap on   + SMP (shared)     + domain
 *   device: XN pages, AP_W    XN, TEX[0]=1 (index 4) WC, CACHED: SHARED/S IO
 *   memory: P|Y|D, AP_W       MT_WRITEALLOC / WBWA,   L_PTE_SHARED / S   KERNEL
 *                             XN on RW/RO sections
 *   vectors: RDONLY           MT_WRITEALLOC           L_PTE_SHARED       VECTORS
 *   RO / ROM sections         APX (kernel read-only)
 *
 * The finished values are checked against Linux's by tools/testing/pgtable
 * (docs/pipeline.md#memory-types).
 */
#include <linux/kernel.h>
#include <asm/pgtable.h>
#include "mm.h"

#define PROT_PTE_DEVICE (L_PTE_PRESENT | L_PTE_YOUNG | L_PTE_DIRTY | L_PTE_XN)
#define PROT_SECT_DEVICE (PMD_TYPE_SECT | PMD_SECT_AP_WRITE)
#define PROT_PTE_MEMORY (L_PTE_PRESENT | L_PTE_YOUNG | L_PTE_DIRTY)

const char *cache_policy_name = "writealloc";

/* What every ARM gets before build_mem_type_table refines it for this CPU. */
static const struct mem_type mem_types_base[MT_NR_TYPES] = {
	[MT_DEVICE] = {PROT_PTE_DEVICE | L_PTE_MT_DEV_SHARED | L_PTE_SHARED, PMD_TYPE_TABLE,
		       PROT_SECT_DEVICE | PMD_SECT_S, DOMAIN_IO},
	[MT_DEVICE_NONSHARED] = {PROT_PTE_DEVICE | L_PTE_MT_DEV_NONSHARED, PMD_TYPE_TABLE,
				 PROT_SECT_DEVICE, DOMAIN_IO},
	[MT_DEVICE_CACHED] = {PROT_PTE_DEVICE | L_PTE_MT_DEV_CACHED, PMD_TYPE_TABLE,
			      PROT_SECT_DEVICE | PMD_SECT_WB, DOMAIN_IO},
	[MT_DEVICE_WC] = {PROT_PTE_DEVICE | L_PTE_MT_DEV_WC, PMD_TYPE_TABLE, PROT_SECT_DEVICE,
			  DOMAIN_IO},
	[MT_LOW_VECTORS] = {PROT_PTE_MEMORY | L_PTE_RDONLY, PMD_TYPE_TABLE, 0, DOMAIN_VECTORS},
	[MT_HIGH_VECTORS] = {PROT_PTE_MEMORY | L_PTE_USER | L_PTE_RDONLY, PMD_TYPE_TABLE, 0,
			     DOMAIN_VECTORS},
	[MT_MEMORY_RWX] = {PROT_PTE_MEMORY, PMD_TYPE_TABLE, PMD_TYPE_SECT | PMD_SECT_AP_WRITE,
			   DOMAIN_KERNEL},
	[MT_MEMORY_RW] = {PROT_PTE_MEMORY | L_PTE_XN, PMD_TYPE_TABLE,
			  PMD_TYPE_SECT | PMD_SECT_AP_WRITE, DOMAIN_KERNEL},
	[MT_MEMORY_RO] = {PROT_PTE_MEMORY | L_PTE_XN | L_PTE_RDONLY, PMD_TYPE_TABLE, PMD_TYPE_SECT,
			  DOMAIN_KERNEL},
	[MT_ROM] = {0, 0, PMD_TYPE_SECT, DOMAIN_KERNEL},
	[MT_MEMORY_DMA_READY] = {PROT_PTE_MEMORY | L_PTE_XN, PMD_TYPE_TABLE, 0, DOMAIN_KERNEL},
};

struct mem_type mem_types[MT_NR_TYPES];

static const char *const mem_type_names[MT_NR_TYPES] = {
	"MT_DEVICE", "MT_DEVICE_NONSHARED", "MT_DEVICE_CACHED", "MT_DEVICE_WC", "MT_UNCACHED",
	"MT_CACHECLEAN", "MT_MINICLEAN", "MT_LOW_VECTORS", "MT_HIGH_VECTORS", "MT_MEMORY_RWX",
	"MT_MEMORY_RW", "MT_MEMORY_RO", "MT_ROM", "MT_MEMORY_RWX_NONCACHED", "MT_MEMORY_RW_DTCM",
	"MT_MEMORY_RWX_ITCM", "MT_MEMORY_RW_SO", "MT_MEMORY_DMA_READY",
};

const struct mem_type *get_mem_type(unsigned int type)
{
	return type < MT_NR_TYPES ? &mem_types[type] : NULL;
}

const char *mem_type_name(unsigned int type)
{
	return type < MT_NR_TYPES ? mem_type_names[type] : "MT_?";
}

/* ARMv6+: devices and RW/RO memory never execute; with TEX remap, device sections use
 * index 4 (TEX[0]). */
static void v7_device_types(void)
{
	for (int t = MT_DEVICE; t <= MT_DEVICE_WC; t++)
		mem_types[t].prot_sect |= PMD_SECT_XN;
	mem_types[MT_MEMORY_RW].prot_sect |= PMD_SECT_XN;
	mem_types[MT_MEMORY_RO].prot_sect |= PMD_SECT_XN;
	mem_types[MT_DEVICE].prot_sect |= PMD_SECT_TEX(1);
	mem_types[MT_DEVICE_NONSHARED].prot_sect |= PMD_SECT_TEX(1);
	mem_types[MT_DEVICE_WC].prot_sect |= PMD_SECT_BUFFERABLE;
	/* SMP (the boot sections carry S): write-combined and cached device memory is shared too */
	for (int t = MT_DEVICE_CACHED; t <= MT_DEVICE_WC; t++) {
		mem_types[t].prot_sect |= PMD_SECT_S;
		mem_types[t].prot_pte |= L_PTE_SHARED;
	}
}

/* Normal memory: write-back write-allocate (TEX remap index 7), shared on SMP. */
static void v7_memory_types(void)
{
	static const int memory[] = {MT_MEMORY_RWX, MT_MEMORY_RW, MT_MEMORY_RO,
				     MT_MEMORY_DMA_READY, MT_LOW_VECTORS, MT_HIGH_VECTORS};

	for (unsigned int i = 0; i < ARRAY_SIZE(memory); i++) {
		struct mem_type *t = &mem_types[memory[i]];

		t->prot_pte |= L_PTE_MT_WRITEALLOC | L_PTE_SHARED;
		if (t->prot_sect)
			t->prot_sect |= PMD_SECT_WBWA | PMD_SECT_S;
	}
	/* read-only sections: APX with AP = 01 is "kernel read-only, user no access" */
	mem_types[MT_MEMORY_RO].prot_sect |= PMD_SECT_APX | PMD_SECT_AP_WRITE;
	mem_types[MT_ROM].prot_sect |= PMD_SECT_APX | PMD_SECT_AP_WRITE | PMD_SECT_WBWA;
}

void build_mem_type_table(void)
{
	for (int t = 0; t < MT_NR_TYPES; t++)
		mem_types[t] = mem_types_base[t];
	v7_device_types();
	v7_memory_types();
	for (int t = 0; t < MT_NR_TYPES; t++) {
		if (mem_types[t].prot_l1)
			mem_types[t].prot_l1 |= PMD_DOMAIN(mem_types[t].domain);
		if (mem_types[t].prot_sect)
			mem_types[t].prot_sect |= PMD_DOMAIN(mem_types[t].domain);
	}
}
