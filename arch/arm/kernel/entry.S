/*
 * entry.S - exception vectors and the entry/exit paths of kernel-mode exceptions.
 *
 * The vector table is 8 `ldr pc` instructions reading the handler addresses from a literal
 * table right after it, so the page can be copied anywhere (VBAR now, the 0xffff0000 vectors
 * page later) and still work.
 *
 * Every exception that arrives from SVC mode is handled the way Linux's __*_svc paths do:
 * the exception mode's 3-word stack (set up per CPU by cpu_init) holds r0, the return address
 * and the SPSR just long enough to switch to SVC mode, where a full struct pt_regs is built on
 * the interrupted SVC stack and a C handler is called with it:
 *
 *   exception mode stack:  [r0][lr - adj][spsr]  --->  SVC stack:  struct pt_regs (72 bytes)
 *
 * Returning restores every register and the CPSR from the frame (ldm ... ^).
 */
#include <asm/ptrace.h>

	.arch	armv7-a
	.arm

	.section ".exception.text", "ax"
	.align	5
	.globl	__vectors_start, __vectors_end
__vectors_start:
	ldr	pc, .Lvec_reset
	ldr	pc, .Lvec_und
	ldr	pc, .Lvec_swi
	ldr	pc, .Lvec_pabt
	ldr	pc, .Lvec_dabt
	ldr	pc, .Lvec_addrexcptn
	ldr	pc, .Lvec_irq
	ldr	pc, .Lvec_fiq
.Lvec_reset:		.word	vector_rst
.Lvec_und:		.word	vector_und
.Lvec_swi:		.word	vector_swi
.Lvec_pabt:		.word	vector_pabt
.Lvec_dabt:		.word	vector_dabt
.Lvec_addrexcptn:	.word	vector_rst
.Lvec_irq:		.word	vector_irq
.Lvec_fiq:		.word	vector_fiq
__vectors_end:

/*
 * vector_stub name, correction, handler: save r0, lr - correction and spsr on this mode's
 * small stack, switch to SVC with IRQs off, and build pt_regs there (svc_entry).
 */
	.macro	vector_stub, name, correction, handler, type
vector_\name:
	.if	\correction
	sub	lr, lr, #\correction
	.endif
	stmia	sp, {r0, lr}			@ r0, return address
	mrs	lr, spsr
	str	lr, [sp, #8]			@ spsr of the exception
	mov	r0, sp
	msr	cpsr_c, #(SVC_MODE | PSR_I_BIT | PSR_F_BIT)
	sub	sp, sp, #S_FRAME_SIZE
	stmib	sp, {r1 - r12}
	ldmia	r0, {r3 - r5}			@ r3 = r0, r4 = pc, r5 = cpsr of the interrupted code
	add	r7, sp, #S_FRAME_SIZE		@ the interrupted sp (SVC)
	mvn	r6, #0
	str	r3, [sp]
	add	r2, sp, #S_SP
	stmia	r2, {r7, lr}			@ sp, lr (SVC's: exceptions come from SVC)
	str	r4, [sp, #S_PC]
	str	r5, [sp, #S_PSR]
	str	r6, [sp, #S_OLD_R0]
	mov	r0, sp				@ struct pt_regs *
	mov	r1, #\type
	bl	\handler
	b	ret_from_exception
	.endm

	vector_stub	und, 4, do_undefinstr, 1
	vector_stub	pabt, 4, do_PrefetchAbort, 3
	vector_stub	dabt, 8, do_DataAbort, 4
	vector_stub	irq, 4, do_IRQ, 6
	vector_stub	fiq, 4, do_bad_mode, 7

/* Restore the frame at sp and return to the interrupted code (SVC mode). */
	.globl	ret_from_exception
ret_from_exception:
	ldr	r0, [sp, #S_PSR]
	msr	spsr_cxsf, r0
	ldmia	sp, {r0 - pc}^

vector_rst:
	mov	r0, #0
	b	do_reset_vector

/*
 * SVC (swi) arrives in SVC mode already, with lr_svc = the return address. The only SVC the
 * kernel issues is the semihosting call 0x123456 (poweroff under QEMU -semihosting): when no
 * debugger/emulator intercepts it we get here and report failure in r0 (-1).
 */
vector_swi:
	mvn	r0, #0
	movs	pc, lr
