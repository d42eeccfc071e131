/*
 * io.c - the Pi 2's static device mapping (machine_desc->map_io, board.c), called by
 * paging_init's devicemaps_init after it has cleared vmalloc space. Two iotable entries,
 * mapped with 1 MiB MT_DEVICE sections by create_mapping (arch/arm/mm/mapping.c):
 *
 *   VA IO_PERIPH_VIRT 0xfe000000 .. +16 MiB  ->  PA 0x3f000000  (UART, intc, timers, PM)
 *   VA IO_LOCAL_VIRT  0xff000000 .. +1 MiB   ->  PA 0x40000000  (mailboxes, local intc)
 *
 * MT_DEVICE: shareable device (TEX remap index 4), never executable, kernel read/write,
 * domain IO. Until this runs the console prints through head.S's UART section, which sits at
 * the same virtual address (IO_ADDRESS), so drivers never notice the switch.
 */
#include <linux/kernel.h>
#include <asm/mach/map.h>
#include <asm/pgtable.h>
#include <mach/platform.h>

#include "bcm2836.h"

static struct map_desc bcm2836_io_desc[] = {
	{IO_PERIPH_VIRT, __phys_to_pfn(IO_PERIPH_PHYS), IO_PERIPH_SIZE, MT_DEVICE},
	{IO_LOCAL_VIRT, __phys_to_pfn(IO_LOCAL_PHYS), IO_LOCAL_SIZE, MT_DEVICE},
};

void bcm2836_map_io(void)
{
	iotable_init(bcm2836_io_desc, ARRAY_SIZE(bcm2836_io_desc));
}
