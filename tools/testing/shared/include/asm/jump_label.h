/*
 * Host-test stand-in for arch/arm/include/asm/jump_label.h: a static key's site is a plain
 * read of the key (no code to patch on the host), and tools/testing/shared/support.c sets
 * the key for static_key_enable/disable. The sources under test are the same.
 */
#ifndef _ASM_ARM_JUMP_LABEL_H
#define _ASM_ARM_JUMP_LABEL_H

static inline bool arch_static_branch(struct static_key *key)
{
	return READ_ONCE(key->enabled) > 0;
}

#endif
