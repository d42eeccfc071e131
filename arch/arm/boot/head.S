/*
 * head.S - the kernel's entry: the first code that runs, with the MMU off.
 *
 * Boot protocol (docs/design.md#boot-protocol), the same as Linux's for a zImage:
 *   r0 = 0, r1 = machine type, r2 = physical address of the device tree (DTB)
 *   entered in SVC or HYP mode, MMU and D-cache off, wherever the loader put the image:
 *   PA 0x10000 (QEMU -kernel), 0x8000 (Pi firmware), anywhere (U-Boot bootz).
 *
 * Steps:  drop HYP -> SVC | park secondary cores | check r2 is a DTB (ATAGS get a clear
 * message) lying clear of the kernel's memory | copy the image to PA 0x8000 if it runs
 * elsewhere (from a relocated copy of this head) | build the initial L1
 * table swapper_pg_dir at PA 0x4000 | set up the CPU (TEX remap, domains, TTBRs) | MMU on |
 * jump to the kernel's virtual address, zero .bss, call start_kernel().
 *
 * Initial page table (1 MiB sections only):
 *   VA 0x00000000 (identity, for the instruction that turns the MMU on) -> PA 0
 *   VA PAGE_OFFSET .. + kernel size (rounded to 1 MiB)                  -> PA 0 ..
 *   VA FDT_FIXED_BASE, 2 MiB (the DTB, read via the fixed mapping)      -> PA r2 & ~1MiB
 *   VA EARLY_UART_VIRT's section (the early console, in the static I/O map) -> PA 0x3f200000
 */
#include <asm/memory.h>
#include <asm/ptrace.h>
#include <asm/cp15.h>
#include <asm/pgtable-2level-hwdef.h>

#define FDT_TOTALSIZE_OFF 4	/* struct fdt_header: magic, totalsize, ... (big-endian) */
#define UART_DR 0x00
#define UART_FR 0x18
#define UART_FR_TXFF (1 << 5)

/* Kernel memory: section, AP RW (kernel and user, as Linux's head.S), normal WBWA shared. */
#define KERNEL_SECT_FLAGS (PMD_TYPE_SECT | PMD_SECT_AP_WRITE | PMD_SECT_AP_READ | PMD_FLAGS_SMP)
/* Device: section, kernel RW, never executable, strongly ordered (index 0), domain IO. */
#define IO_SECT_FLAGS (PMD_TYPE_SECT | PMD_SECT_AP_WRITE | PMD_SECT_XN | PMD_DOMAIN(DOMAIN_IO))

/*
 * hyp_to_svc: record the entry mode in r11; if it is HYP, let PL1 use the generic timer
 * (CNTHCTL, CNTVOFF = 0) and eret into SVC with every interrupt masked. Clobbers r4.
 */
	.macro	hyp_to_svc
	mrs	r11, cpsr
	and	r11, r11, #MODE_MASK
	cmp	r11, #HYP_MODE
	bne	1f
	mrc	p15, 4, r4, c14, c1, 0		@ CNTHCTL
	orr	r4, r4, #3			@ PL1PCEN | PL1PCTEN
	mcr	p15, 4, r4, c14, c1, 0
	mov	r4, #0
	mcrr	p15, 4, r4, r4, c14		@ CNTVOFF = 0
	mov	r4, #(SVC_MODE | PSR_A_BIT | PSR_I_BIT | PSR_F_BIT)
	msr	spsr_cxsf, r4			@ SPSR_hyp ('msr spsr_hyp' is UNDEF from HYP)
	adr	r4, 1f
	msr	elr_hyp, r4
	isb
	eret
1:	cpsid	aif, #SVC_MODE
	.endm

/* icache_new_code: instructions were just written (MMU off): forget stale I-cache lines and
 * branch predictions before running them. */
	.macro	icache_new_code
	mcr	p15, 0, r0, c7, c5, 0		@ ICIALLU
	mcr	p15, 0, r0, c7, c5, 6		@ BPIALL
	dsb
	isb
	.endm

	.arch	armv7-a
	.arch_extension virt
	.arch_extension sec
	.section ".head.text", "ax"
	.arm

	/* the initial L1 table's virtual address (Linux: .equ swapper_pg_dir in head.S) */
	.globl	swapper_pg_dir
	.equ	swapper_pg_dir, PAGE_OFFSET + SWAPPER_PG_DIR_PHYS - PHYS_OFFSET

	.globl	_head
_head:
	/* zImage header: U-Boot's bootz and other loaders find these at fixed offsets. */
	b	stext				@ 0x00: branch to the real entry
	.rept	8
	mov	r0, r0				@ 0x04-0x20: nops, as Linux's zImage
	.endr
	.word	0x016f2818			@ 0x24: zImage magic
	.word	0				@ 0x28: start address (0: position independent)
	.word	_image_size			@ 0x2c: end address (= image size)
	.word	0x04030201			@ 0x30: endianness flag (little-endian)

	.globl	stext
stext:
	mov	r9, r1				@ r9  = machine type
	mov	r10, r2				@ r10 = DTB physical address
	/* 1. HYP -> SVC (r11 = the mode we were entered in) */
	hyp_to_svc

	/* 2. Only CPU 0 boots the kernel; the others wait here until the SMP code calls. */
	mrc	p15, 0, r4, c0, c0, 5		@ MPIDR
	ands	r4, r4, #3
	bne	secondary_park

	/*
	 * 3. r2 must point at a flattened device tree: pimm does not speak ATAGS. Checked before
	 * anything is copied (the copy and the page table could overwrite it), over its whole
	 * totalsize: no byte of it may lie in the kernel's memory, SWAPPER_PG_DIR_PHYS.._end
	 * (the initial page table, the image at 0x8000, .bss). Linux's zImage decompressor
	 * (arch/arm/boot/compressed/head.S) likewise checks its destination against the DTB.
	 */
	tst	r10, #3
	bne	bad_dtb
	cmp	r10, #0
	beq	bad_dtb
	ldr	r4, [r10]
	ldr	r5, =0xedfe0dd0			@ 0xd00dfeed, big-endian in memory
	cmp	r4, r5
	bne	bad_dtb
	ldr	r4, [r10, #FDT_TOTALSIZE_OFF]
	rev	r4, r4				@ totalsize (big-endian)
	adds	r4, r10, r4			@ r4 = end of the DTB
	mvncs	r4, #0				@ (past 4 GiB: up to the top)
	ldr	r5, =(_end - PAGE_OFFSET)
	cmp	r10, r5
	bhs	4f				@ starts at or above _end: clear
	ldr	r5, =SWAPPER_PG_DIR_PHYS
	cmp	r4, r5
	bhi	dtb_overlaps			@ ends above SWAPPER_PG_DIR_PHYS: overlaps
4:
	/*
	 * 4. Run at PA 0x8000: copy the image there if it was loaded elsewhere. The copy loop
	 * lives in this head, which the copy overwrites whenever source and destination overlap
	 * (a load gap smaller than the image, in either direction). So, as Linux's decompressor
	 * relocates itself out of the way first, copy the head to a scratch place that neither
	 * the source nor the destination touches, copy the image from there, then jump into the
	 * copy at 0x8000:
	 *   loaded above 0x8000: scratch = SWAPPER_PG_DIR_PHYS (the page table is built later);
	 *   loaded below 0x8000: scratch = the destination's .bss right after the copied image
	 *                        (the source ends below it; __mmap_switched zeroes it later).
	 * Any 4-byte aligned load address works; the DTB was checked above against both places.
	 */
	adr	r4, _head			@ r4 = where we run
	mov	r8, r4				@ r8 = load address, reported later
	ldr	r5, =KERNEL_PHYS_START		@ r5 = where we must run
	ldr	r6, =_image_size
	cmp	r4, r5
	beq	3f
	ldrhi	r5, =SWAPPER_PG_DIR_PHYS	@ r5 = scratch
	addlo	r5, r5, r6
	addlo	r5, r5, #7
	biclo	r5, r5, #7
	ldr	r6, .Lhead_size
	bl	copy_forward			@ head -> scratch (disjoint from the source)
	icache_new_code
	adr	r0, 7f
	sub	r0, r0, r4
	add	r0, r0, r5
	bx	r0				@ continue in the scratch head
7:	ldr	r5, =KERNEL_PHYS_START
	ldr	r6, =_image_size
	cmp	r4, r5
	blhi	copy_forward			@ moving down: front to back
	bllo	copy_backward			@ moving up: back to front
	icache_new_code
	adr	r6, 3f
	adr	r0, _head			@ where this code runs now (the scratch head)
	sub	r6, r6, r0
	add	r6, r6, r5
	bx	r6				@ continue in the copy at 0x8000
3:
	bl	__create_page_tables
	bl	__v7_setup
	ldr	r13, =__mmap_switched		@ virtual address to continue at
	b	__turn_mmu_on
.Lhead_size:
	.word	__head_end - _head
	.ltorg

/* Copy r6 bytes from r4 to r5, front to back: safe when r5 < r4 or the two do not overlap.
 * No stack yet: uses r0-r3, r7 only, keeps r4-r6. */
copy_forward:
	mov	r2, r4
	mov	r3, r5
	add	r7, r4, r6
1:	ldmia	r2!, {r0, r1}
	stmia	r3!, {r0, r1}
	cmp	r2, r7
	blo	1b
	mov	pc, lr

/* Copy r6 bytes from r4 up to r5 (r5 > r4), from the end down. Uses r0-r3, r7. */
copy_backward:
	add	r7, r6, #7
	bic	r7, r7, #7
	add	r2, r4, r7
	add	r3, r5, r7
1:	ldmdb	r2!, {r0, r1}
	stmdb	r3!, {r0, r1}
	cmp	r2, r4
	bhi	1b
	mov	pc, lr

/* Build swapper_pg_dir (see the table at the top of this file). */
__create_page_tables:
	ldr	r4, =SWAPPER_PG_DIR_PHYS
	mov	r0, r4
	add	r1, r4, #PG_DIR_SIZE
	mov	r2, #0
	mov	r3, #0
	mov	r5, #0
	mov	r6, #0
1:	stmia	r0!, {r2, r3, r5, r6}		@ clear all 4096 entries
	cmp	r0, r1
	blo	1b

	ldr	r7, =KERNEL_SECT_FLAGS
	/* identity section holding __turn_mmu_on (in .text, so by its PA) */
	ldr	r0, =(__turn_mmu_on - PAGE_OFFSET + PHYS_OFFSET)
	mov	r0, r0, lsr #SECTION_SHIFT
	orr	r3, r7, r0, lsl #SECTION_SHIFT
	str	r3, [r4, r0, lsl #2]

	/* kernel: PAGE_OFFSET.. -> PHYS_OFFSET.., up to _end rounded up to 1 MiB */
	ldr	r0, =(PAGE_OFFSET >> (SECTION_SHIFT - 2))
	add	r0, r4, r0			@ first entry
	ldr	r6, =(_end - 1)
	ldr	r1, =(PAGE_OFFSET >> SECTION_SHIFT)
	rsb	r6, r1, r6, lsr #SECTION_SHIFT	@ last section index relative to PAGE_OFFSET
	add	r6, r0, r6, lsl #2		@ last entry
	ldr	r3, =PHYS_OFFSET
	orr	r3, r3, r7
2:	str	r3, [r0], #4
	add	r3, r3, #SECTION_SIZE
	cmp	r0, r6
	bls	2b

	/* DTB: two sections at FDT_FIXED_BASE */
	ldr	r0, =(FDT_FIXED_BASE >> (SECTION_SHIFT - 2))
	add	r0, r4, r0
	mov	r3, r10, lsr #SECTION_SHIFT
	orr	r3, r7, r3, lsl #SECTION_SHIFT
	orr	r3, r3, #PMD_SECT_XN
	str	r3, [r0], #4
	add	r3, r3, #SECTION_SIZE
	str	r3, [r0]

	/* early console: the UART's section */
	ldr	r0, =(EARLY_UART_VIRT >> SECTION_SHIFT)
	ldr	r3, =((EARLY_UART_PHYS & SECTION_MASK) | IO_SECT_FLAGS)
	str	r3, [r4, r0, lsl #2]
	mov	pc, lr
	.ltorg

/*
 * What the secondary CPUs run with the MMU off, long after the boot: __v7_setup,
 * v7_invalidate_l1 and __turn_mmu_on (and secondary_startup below). They live in .text, as in
 * Linux, not in the head: memblock reserves the image from _stext, so the pages of the head
 * below it are free memory by the time the secondaries start. The boot CPU reaches them with
 * PC-relative branches (the image runs at PA TEXT_OFFSET, so the distances hold).
 */
	.text
	.arm
/* CPU set-up before the MMU goes on (Linux's __v7_setup): coherency, caches, TLBs, TEX remap. */
	.globl	__v7_setup
__v7_setup:
	mrc	p15, 0, r0, c1, c0, 1		@ ACTLR
	tst	r0, #ACTLR_SMP
	orreq	r0, r0, #ACTLR_SMP		@ join coherency before caches go on
	mcreq	p15, 0, r0, c1, c0, 1
	mov	r12, lr
	bl	v7_invalidate_l1
	mov	lr, r12
	mov	r0, #0
	mcr	p15, 0, r0, c8, c7, 0		@ TLBIALL
	mcr	p15, 0, r0, c7, c5, 0		@ ICIALLU
	mcr	p15, 0, r0, c7, c5, 6		@ BPIALL
	dsb
	mcr	p15, 0, r0, c2, c0, 2		@ TTBCR = 0: TTBR0 translates everything
	ldr	r0, =(SWAPPER_PG_DIR_PHYS | TTB_FLAGS_SMP)
	mcr	p15, 0, r0, c2, c0, 0		@ TTBR0
	mcr	p15, 0, r0, c2, c0, 1		@ TTBR1
	ldr	r0, =DACR_INIT
	mcr	p15, 0, r0, c3, c0, 0		@ DACR
	ldr	r0, =PRRR_VALUE
	mcr	p15, 0, r0, c10, c2, 0		@ PRRR
	ldr	r0, =NMRR_VALUE
	mcr	p15, 0, r0, c10, c2, 1		@ NMRR
	mrc	p15, 0, r0, c1, c0, 0		@ SCTLR
	ldr	r1, =(CR_A | CR_V | CR_EE | CR_AFE | CR_TE)
	bic	r0, r0, r1
	ldr	r1, =(CR_M | CR_C | CR_Z | CR_I | CR_TRE)
	orr	r0, r0, r1			@ returned in r0 for __turn_mmu_on
	mov	pc, lr
	.ltorg

/* Invalidate the L1 data cache by set/way (its contents are unknown at reset). */
v7_invalidate_l1:
	mov	r0, #0
	mcr	p15, 2, r0, c0, c0, 0		@ CSSELR: L1 data cache
	isb
	mrc	p15, 1, r0, c0, c0, 0		@ CCSIDR
	ubfx	r1, r0, #13, #15		@ number of sets - 1
	ubfx	r2, r0, #3, #10			@ number of ways - 1
	and	r3, r0, #7
	add	r3, r3, #4			@ log2(line length in bytes)
	clz	r5, r2				@ shift of the way field
	mov	r6, r2
1:	mov	r7, r1				@ for each way
2:	mov	r0, r6, lsl r5			@ for each set
	orr	r0, r0, r7, lsl r3
	mcr	p15, 0, r0, c7, c6, 2		@ DCISW
	subs	r7, r7, #1
	bge	2b
	subs	r6, r6, #1
	bge	1b
	dsb
	isb
	mov	pc, lr

/* Turn the MMU on (r0 = SCTLR value) and jump to r13 (a virtual address). */
	.align	5
	.globl	__turn_mmu_on
__turn_mmu_on:
	mcr	p15, 0, r0, c1, c0, 0		@ SCTLR
	isb
	mov	r3, r3
	mov	pc, r13

	.section ".head.text", "ax"
	.arm
/* ATAGS or garbage in r2: say so on the UART (MMU off: physical address) and stop. */
bad_dtb:
	adrl	r0, msg_bad_dtb
	bl	early_puts_phys
	mov	r0, r10
	bl	early_puthex_phys
	adrl	r0, msg_bad_dtb2
	bl	early_puts_phys
	b	halt
/* The DTB (r10 .. r4) overlaps SWAPPER_PG_DIR_PHYS.._end: say where, and stop. */
dtb_overlaps:
	mov	r5, r4
	adrl	r0, msg_dtb_overlaps
	bl	early_puts_phys
	mov	r0, r10
	bl	early_puthex_phys
	adrl	r0, msg_dtb_overlaps1
	bl	early_puts_phys
	mov	r0, r5
	bl	early_puthex_phys
	adrl	r0, msg_dtb_overlaps2
	bl	early_puts_phys
	ldr	r0, =(_end - PAGE_OFFSET)
	bl	early_puthex_phys
	adrl	r0, msg_dtb_overlaps3
	bl	early_puts_phys
halt:	wfi
	b	halt

/* Print the NUL-terminated string at r0 on the PL011 (polled). Clobbers r0-r2. */
early_puts_phys:
	ldr	r1, =EARLY_UART_PHYS
1:	ldrb	r2, [r0], #1
	cmp	r2, #0
	moveq	pc, lr
2:	ldr	r3, [r1, #UART_FR]
	tst	r3, #UART_FR_TXFF
	bne	2b
	str	r2, [r1, #UART_DR]
	b	1b

/* Print r0 as 0x%08x on the PL011. Clobbers r0-r4. */
early_puthex_phys:
	ldr	r1, =EARLY_UART_PHYS
	mov	r4, #28
	mov	r2, #'0'
	str	r2, [r1, #UART_DR]
	mov	r2, #'x'
	str	r2, [r1, #UART_DR]
1:	mov	r2, r0, lsr r4
	and	r2, r2, #0xf
	cmp	r2, #10
	addlo	r2, r2, #'0'
	addhs	r2, r2, #('a' - 10)
2:	ldr	r3, [r1, #UART_FR]
	tst	r3, #UART_FR_TXFF
	bne	2b
	str	r2, [r1, #UART_DR]
	subs	r4, r4, #4
	bge	1b
	mov	pc, lr
	.ltorg

msg_bad_dtb:
	.asciz	"\r\nError: invalid dtb and unrecognized/unsupported machine ID\r\n  r2="
msg_bad_dtb2:
	.asciz	" does not point to a flattened device tree (magic 0xd00dfeed).\r\n  pimm needs a DTB, ATAGS are not supported: boot QEMU with -dtb FILE, a Pi with device_tree= in config.txt.\r\n"
msg_dtb_overlaps:
	.asciz	"\r\nError: the device tree at "
msg_dtb_overlaps1:
	.asciz	".."
msg_dtb_overlaps2:
	.asciz	" overlaps the kernel's memory (initial page table, image, .bss: PA 0x00004000.."
msg_dtb_overlaps3:
	.asciz	"): load it higher.\r\n"
	.align	2

	.globl	__head_end
__head_end:

/*
 * Secondary cores entered here at boot (ELF boots start all four at the entry): wait for an
 * event. The SMP bring-up (arch/arm/kernel/smp.c) releases them through their mailbox 3,
 * with secondary_startup as the entry (QEMU's stub and the Pi firmware both do this).
 */
secondary_park:
	wfe
	b	secondary_park

/*
 * secondary_startup: CPUs 1-3 arrive here (PA, MMU off, SVC or HYP) when boot_secondary
 * writes this address to their mailbox. Same CPU set-up as the boot CPU, but the MMU is
 * turned on with idmap_pgd (swapper_pg_dir's kernel mappings + the identity section of
 * __turn_mmu_on), read from secondary_data; __secondary_switched then moves to swapper.
 */
	.text
	.arm
	.globl	secondary_startup
secondary_startup:
	hyp_to_svc				@ r11 = entry mode, passed on to C
	bl	__v7_setup			@ r0 = SCTLR value to use
	ldr	r4, =secondary_data
	ldr	r5, =PAGE_OFFSET
	sub	r4, r4, r5			@ PA of secondary_data (PHYS_OFFSET 0)
	ldr	r5, [r4]			@ secondary_data.pgdir: idmap
	mcr	p15, 0, r5, c2, c0, 0		@ TTBR0
	ldr	r13, =__secondary_switched
	b	__turn_mmu_on
	.ltorg

/* ---- from here on we run at virtual addresses ---- */
	.text
	.arm
__mmap_switched:
	ldr	sp, =init_thread_stack_top
	ldr	r0, =__bss_start
	ldr	r1, =__bss_stop
	mov	r2, #0
1:	cmp	r0, r1
	strlo	r2, [r0], #4
	blo	1b
	ldr	r0, =_sdata			@ keep .data as loaded: `hvc` reboots from it
	ldr	r1, =_edata
	ldr	r2, =__data_pristine
2:	cmp	r0, r1
	ldrlo	r3, [r0], #4
	strlo	r3, [r2], #4
	blo	2b
	ldr	r0, =__atags_pointer
	str	r10, [r0]
	ldr	r0, =__machine_arch_type
	str	r9, [r0]
	ldr	r0, =__boot_cpu_mode
	str	r11, [r0]
	ldr	r0, =__image_load_addr
	str	r8, [r0]
	bl	cpu_init			@ exception-mode stacks
	ldr	r0, =__vectors_start
	mcr	p15, 0, r0, c12, c0, 0		@ VBAR: faults are reported from here on
	isb
	mov	fp, #0
	b	start_kernel
	.ltorg

/* A secondary CPU at its virtual address: switch to swapper_pg_dir, take its stack, go to C. */
__secondary_switched:
	ldr	r4, =secondary_data
	ldr	r5, [r4, #4]			@ secondary_data.swapper (TTBR value)
	mcr	p15, 0, r5, c2, c0, 0		@ TTBR0 = swapper_pg_dir
	mov	r5, #0
	mcr	p15, 0, r5, c8, c7, 0		@ TLBIALL: forget the identity section
	dsb
	isb
	ldr	sp, [r4, #8]			@ secondary_data.stack
	mov	r0, r11				@ entry mode (r11 is fp: read it first)
	mov	fp, #0
	b	secondary_start_kernel
	.ltorg

	.data
	.align	2
	.globl	__atags_pointer, __machine_arch_type, __boot_cpu_mode, __image_load_addr
__atags_pointer:	.word 0		@ PA of the DTB (r2 at entry)
__machine_arch_type:	.word 0		@ r1 at entry
__boot_cpu_mode:	.word 0		@ CPSR mode at entry (0x13 SVC, 0x1a HYP)
__image_load_addr:	.word 0		@ PA the loader put the image at

	.bss
	.align	12
	.globl	init_thread_stack, init_thread_stack_top
init_thread_stack:
	.space	8192
init_thread_stack_top:
