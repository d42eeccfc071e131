/*
 * asm/jump_label.h - the ARM instructions of a static key's site (Linux's
 * arch/arm/include/asm/jump_label.h): one NOP in the code, and a __jump_table entry that
 * names it, the label to jump to, and the key (include/linux/jump_label.h). Included through
 * linux/jump_label.h only. Host suites supply their own version (a plain read of the key)
 * first on the include path.
 */
#ifndef _ASM_ARM_JUMP_LABEL_H
#define _ASM_ARM_JUMP_LABEL_H

#define JUMP_LABEL_NOP_SIZE 4
#define ARM_INSN_NOP 0xe320f000   /* NOP (the ARMv7 hint), what "nop" assembles to */
#define ARM_INSN_B 0xea000000     /* B, cond AL: imm24 = (target - (pc + 8)) >> 2 */
#define ARM_INSN_B_IMM_MASK 0x00ffffff

/*
 * The site: falls through (false) while the NOP is there; once kernel/jump_label.c has made
 * it a B to l_yes, returns true. The asm has no outputs: the compiler keeps both paths.
 */
static __always_inline bool arch_static_branch(struct static_key *key)
{
	__asm__ goto("1:\n\t"
		     "nop\n\t"
		     ".pushsection __jump_table, \"aw\"\n\t"
		     ".word 1b, %l[l_yes], %c0\n\t"
		     ".popsection"
		     : : "i"(key) : : l_yes);
	return false;
l_yes:
	return true;
}

/* Rewrite entry's instruction: a NOP, or a B to its target (arch/arm/kernel/patch.c). */
void arch_jump_label_transform(const struct jump_entry *entry, enum jump_label_type type);

#endif
