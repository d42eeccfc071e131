/*
 * linux/ioport.h - named ranges of the physical address space (Linux's struct resource, as
 * /proc/iomem lists them). The board describes what lies outside RAM
 * (machine_desc->iomem, asm/mach/arch.h); the shell's `whatis` names a physical address by it.
 */
#ifndef _LINUX_IOPORT_H
#define _LINUX_IOPORT_H

#include <linux/types.h>

struct resource {
	phys_addr_t start;
	phys_addr_t end; /* inclusive, as Linux's */
	const char *name;
};

#endif
