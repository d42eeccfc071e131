/*
 * hyp-reentry.S - boot the kernel again, entering in HYP mode as a real Pi's firmware does:
 * the way the HYP path of head.S gets tested under QEMU (shell command `hvc`).
 *
 * Under QEMU raspi2b, `hvc` from non-secure SVC traps to HYP at HVBAR (0) + 0x14, where
 * QEMU's boot stub jumps to the kernel entry, PA 0x10000, keeping r0-r2. So before the hvc we
 * put a fresh kernel image back at 0x10000: the text, rodata and init parts of the running
 * image (unchanged since boot) plus the pristine copy of .data that head.S saved at boot.
 * That copy overlaps the running kernel, so it runs from this small position-independent
 * trampoline, copied to PA 0x1000 and entered through an identity mapping with the MMU off.
 *
 *   hyp_reentry_tramp(r0 = bytes of _text.._sdata, r1 = bytes of .data,
 *                     r2 = DTB physical address, r3 = PA of the pristine .data copy)
 */
	.arch	armv7-a
	.arch_extension virt
	.arm
	.text
	.align	5
	.globl	hyp_reentry_tramp, hyp_reentry_tramp_end
hyp_reentry_tramp:
	mov	r4, r0
	mov	r5, r1
	mov	r6, r2
	mov	r7, r3
	mrc	p15, 0, r0, c1, c0, 0		@ SCTLR
	bic	r0, r0, #0x5			@ MMU and D-cache off
	bic	r0, r0, #0x1000			@ I-cache off
	mcr	p15, 0, r0, c1, c0, 0
	isb
	mov	r0, #0x8000			@ running image: text .. _sdata, at 0x8000
	add	r1, r0, r4			@ source end
	add	r2, r1, #0x8000			@ destination end (image at 0x10000)
1:	ldr	r3, [r1, #-4]!			@ backward: the destination is above the source
	str	r3, [r2, #-4]!
	cmp	r1, r0
	bhi	1b
	add	r2, r4, #0x10000		@ .data goes right after, from the pristine copy
	add	r1, r7, r5
2:	cmp	r7, r1
	ldrlo	r3, [r7], #4
	strlo	r3, [r2], #4
	blo	2b
	mov	r0, #0
	movw	r1, #0xc42			@ machine type, as QEMU's loader passes it
	mov	r2, r6				@ the DTB
	dsb
	isb
	hvc	#0				@ QEMU: HYP vector -> boot stub -> PA 0x10000
3:	wfi
	b	3b

/*
 * hyp_park_cpu: where the other CPUs wait meanwhile (entered through the identity mapping,
 * IRQs off). MMU off, then the firmware's spin-table protocol: sleep until mailbox 3 of this
 * core holds an address, clear it, jump there. The rebooted kernel's smp_init finds them so.
 */
	.globl	hyp_park_cpu
hyp_park_cpu:
	mrc	p15, 0, r0, c1, c0, 0
	bic	r0, r0, #0x5
	bic	r0, r0, #0x1000
	mcr	p15, 0, r0, c1, c0, 0
	isb
	mrc	p15, 0, r0, c0, c0, 5		@ MPIDR
	and	r0, r0, #3
	ldr	r1, .Lmbox3_clr
	add	r1, r1, r0, lsl #4		@ this core's mailbox 3 read/clear register
4:	wfe
	ldr	r2, [r1]
	cmp	r2, #0
	beq	4b
	str	r2, [r1]			@ write-1s-to-clear
	bx	r2
.Lmbox3_clr:
	.word	0x400000cc
hyp_reentry_tramp_end:

/*
 * Clean and invalidate every data/unified cache level by set/way (up to the level of
 * coherency in CLIDR), so memory holds what the caches held before the MMU goes off.
 */
	.globl	hyp_flush_dcache_all
hyp_flush_dcache_all:
	push	{r4 - r11, lr}
	dmb
	mrc	p15, 1, r0, c0, c0, 1		@ CLIDR
	ands	r3, r0, #0x07000000		@ LoC
	mov	r3, r3, lsr #23			@ LoC * 2
	beq	5f
	mov	r10, #0				@ r10 = level * 2
1:	add	r2, r10, r10, lsr #1		@ level * 3
	mov	r1, r0, lsr r2
	and	r1, r1, #7			@ cache type at this level
	cmp	r1, #2
	blt	4f				@ no data cache here
	mcr	p15, 2, r10, c0, c0, 0		@ CSSELR
	isb
	mrc	p15, 1, r1, c0, c0, 0		@ CCSIDR
	and	r2, r1, #7
	add	r2, r2, #4			@ log2(line bytes)
	movw	r4, #0x3ff
	ands	r4, r4, r1, lsr #3		@ ways - 1
	clz	r5, r4				@ way shift
	movw	r7, #0x7fff
	ands	r7, r7, r1, lsr #13		@ sets - 1
2:	mov	r9, r4				@ way loop
3:	orr	r11, r10, r9, lsl r5
	orr	r11, r11, r7, lsl r2
	mcr	p15, 0, r11, c7, c14, 2		@ DCCISW
	subs	r9, r9, #1
	bge	3b
	subs	r7, r7, #1
	bge	2b
4:	add	r10, r10, #2
	cmp	r3, r10
	bgt	1b
5:	mov	r10, #0
	mcr	p15, 2, r10, c0, c0, 0
	dsb
	isb
	pop	{r4 - r11, pc}
