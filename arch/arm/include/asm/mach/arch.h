/*
 * asm/mach/arch.h - struct machine_desc: everything the generic ARM code needs from a board
 * (Linux's arch/arm/include/asm/mach/arch.h).
 *
 * Where it sits in the boot pipeline:
 *
 *   setup_arch -> setup_machine_fdt     picks the machine_desc whose dt_compat matches the
 *                                       DTB's root "compatible" (arch/arm/kernel/devtree.c)
 *     setup_arch                        machine_desc->init_early (pimm: sets pm_power_off)
 *     paging_init -> devicemaps_init    machine_desc->map_io (the static I/O map)
 *   start_kernel -> init_IRQ            machine_desc->init_irq, handle_irq (arch/arm/kernel/irq.c)
 *                -> time_init           machine_desc->init_time (arch/arm/kernel/time.c)
 *                -> smp_prepare_cpus,   machine_desc->smp (struct smp_operations, asm/smp.h)
 *                   smp_init
 *                -> customize_machine   machine_desc->init_machine (Linux: an arch_initcall)
 *   machine_restart                     machine_desc->restart (arch/arm/kernel/reboot.c)
 *
 * A board file describes itself between DT_MACHINE_START and MACHINE_END; the records land in
 * the linker section .arch.info.init, between __arch_info_begin and __arch_info_end
 * (arch/arm/kernel/vmlinux.lds.in), as in Linux.
 */
#ifndef _ASM_MACH_ARCH_H
#define _ASM_MACH_ARCH_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/ioport.h>
#include <linux/reboot.h>

struct pt_regs;
struct smp_operations;

struct machine_desc {
	const char *name;			/* the board's name (Linux prints it on no match) */
	const char *const *dt_compat;		/* NULL-terminated root "compatible" strings */
	const struct smp_operations *smp;	/* how to start the other CPUs */
	void (*init_early)(void);		/* end of setup_arch */
	void (*map_io)(void);			/* paging_init's devicemaps_init: static I/O map */
	void (*init_irq)(void);			/* init_IRQ: the interrupt controllers */
	void (*init_time)(void);		/* time_init: the clock source and the tick */
	void (*init_machine)(void);		/* customize_machine: the board's devices */
	void (*handle_irq)(struct pt_regs *);	/* one IRQ exception (Linux: set_handle_irq) */
	void (*restart)(enum reboot_mode, const char *);
	/* pimm's addition: what lies outside RAM, ending with a NULL name (Linux: /proc/iomem) */
	const struct resource *iomem;
};

/* The machine setup_machine_fdt chose (never NULL after it returns). */
extern const struct machine_desc *machine_desc;

/* The records DT_MACHINE_START puts in .arch.info.init (vmlinux.lds.in). */
extern const struct machine_desc __arch_info_begin[], __arch_info_end[];

/* Open a board description: DT_MACHINE_START(_tag, "Name") .field = ..., MACHINE_END. */
#define DT_MACHINE_START(_name, _namestr)                                                          \
	static const struct machine_desc __mach_desc_##_name __used                               \
		__attribute__((__section__(".arch.info.init"), __aligned__(4))) = {                \
		.name = _namestr,

#define MACHINE_END };

#endif
