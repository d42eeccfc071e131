/*
 * io.c - the Pi 2's static device mapping, set up in setup_arch before any driver touches a
 * register (Linux's mdesc->map_io). Writes 1 MiB section entries into swapper_pg_dir:
 *
 *   VA IO_PERIPH_VIRT .. +16 MiB  ->  PA 0x3f000000  (UART, interrupt controller, timers, PM)
 *   VA IO_LOCAL_VIRT  .. +1 MiB   ->  PA 0x40000000  (per-core mailboxes, local interrupts)
 *
 * Device memory: strongly ordered, never executable, kernel read/write, domain IO.
 */
#include <linux/kernel.h>
#include <asm/io.h>
#include <asm/mach.h>
#include <asm/memory.h>
#include <asm/pgtable-2level-hwdef.h>

#define IO_SECT_FLAGS (PMD_TYPE_SECT | PMD_SECT_AP_WRITE | PMD_SECT_XN | PMD_DOMAIN(DOMAIN_IO))

extern u32 swapper_pg_dir[4096];

/* Map [va, va+size) to pa with device sections, then drop any stale TLB entries. */
static void map_io_sections(unsigned long va, phys_addr_t pa, unsigned long size)
{
	for (unsigned long off = 0; off < size; off += SECTION_SIZE)
		swapper_pg_dir[(va + off) >> SECTION_SHIFT] = (pa + off) | IO_SECT_FLAGS;
	dsb();
	__asm__ __volatile__("mcr p15, 0, %0, c8, c7, 0" ::"r"(0) : "memory"); /* TLBIALL */
	dsb();
	isb();
}

void bcm2836_map_io(void)
{
	map_io_sections(IO_PERIPH_VIRT, IO_PERIPH_PHYS, IO_PERIPH_SIZE);
	map_io_sections(IO_LOCAL_VIRT, IO_LOCAL_PHYS, IO_LOCAL_SIZE);
}
