/*
 * patch.c - rewriting one instruction of the running kernel; Linux's arch/arm/kernel/patch.c
 * (__patch_text_real), for ARM (not Thumb) instructions, and its one user, a static key's
 * site (Linux's arch/arm/kernel/jump_label.c; kept here: pimm's tree has one file per base
 * name, and kernel/jump_label.c is the generic half).
 *
 * The text is mapped read-only (mark_readonly), so the word is written through a writable
 * alias of its page in the fixmap, then pushed to where instruction fetch reads it:
 *
 *   text VA  (RO, X)  ───────┐
 *                            ├── the same physical page
 *   FIX_TEXT_POKE0 (RW, XN) ─┘   1. str insn through the alias
 *                                2. DCCMVAU on the text VA: the line reaches the point of
 *                                   unification (the D-cache is PIPT: the same line)
 *                                3. ICIALLUIS, BPIALLIS, DSB, ISB: every core's I-cache and
 *                                   branch predictor forget the old word (flush_icache_range)
 *
 * Other cores see the new word after their next context synchronization; the caller
 * arranges that (kernel/jump_label.c: jump_label_sync_cpus).
 */
#include <linux/bug.h>
#include <linux/kernel.h>
#include <linux/jump_label.h>
#include <linux/spinlock.h>
#include <asm/cacheflush.h>
#include <asm/fixmap.h>
#include <asm/memory.h>
#include <asm/patch.h>

static DEFINE_SPINLOCK(patch_lock); /* one user of FIX_TEXT_POKE0 at a time */

/* Contract: the word at addr (a kernel text VA, 4-byte aligned) is insn for every core's
 * instruction fetch on this core, and for the others after their next ISB. */
void __patch_text(void *addr, u32 insn)
{
	unsigned long flags;
	unsigned long va = (unsigned long)addr;
	u32 *alias;

	if (WARN_ON_ONCE(va & 3))
		return;
	spin_lock_irqsave(&patch_lock, flags);
	__set_fixmap(FIX_TEXT_POKE0, __pa(va) & PAGE_MASK, FIXMAP_PAGE_NORMAL);
	alias = (u32 *)(fix_to_virt(FIX_TEXT_POKE0) + (va & ~PAGE_MASK));
	WRITE_ONCE(*alias, insn);
	__set_fixmap(FIX_TEXT_POKE0, 0, 0);
	flush_icache_range(va, va + 4);
	spin_unlock_irqrestore(&patch_lock, flags);
}

/*
 * A static key's site (include/linux/jump_label.h draws it; kernel/jump_label.c decides):
 *
 *   B (ARM ARM A8.8.18, A1):  31..28 cond = 1110 (AL) | 27..24 = 1010 | 23..0 imm24
 *                             target = (address of the B) + 8 + sign_extend(imm24) * 4
 *   NOP (A8.8.119, A1):       0xe320f000
 */

/* The B at pc that jumps to target (both in the kernel's text: well within +-32 MiB). */
static u32 arm_gen_branch(u32 pc, u32 target)
{
	s32 offset = (s32)(target - (pc + 8));

	WARN_ON_ONCE(offset & 3 || offset < -(1 << 25) || offset >= (1 << 25));
	return ARM_INSN_B | (((u32)offset >> 2) & ARM_INSN_B_IMM_MASK);
}

/* Contract: entry's site is a NOP (JUMP_LABEL_NOP) or a B to its target (JUMP_LABEL_JMP). */
void arch_jump_label_transform(const struct jump_entry *entry, enum jump_label_type type)
{
	u32 insn =
		type == JUMP_LABEL_JMP ? arm_gen_branch(entry->code, entry->target) : ARM_INSN_NOP;

	__patch_text((void *)entry->code, insn);
}
