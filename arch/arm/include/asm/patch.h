/*
 * asm/patch.h - rewriting one instruction of the running kernel (arch/arm/kernel/patch.c;
 * Linux's arch/arm/include/asm/patch.h).
 */
#ifndef _ASM_ARM_PATCH_H
#define _ASM_ARM_PATCH_H

#include <linux/types.h>

/* Write insn at addr (kernel text) through the fixmap; I-cache and predictors made coherent. */
void __patch_text(void *addr, u32 insn);

#endif
