/*
 * jump_label.c - static keys turned on and off (include/linux/jump_label.h); Linux's
 * kernel/jump_label.c for keys that start false, without its sorted tables and modules:
 * pimm's one table is the image's __jump_table, scanned whole (a few dozen sites).
 *
 * Where it sits: jump_label_init runs in start_kernel (Linux's place: after "Kernel command
 * line", before parse_early_param), while CPU 0 runs alone, and checks every site. Keys are
 * turned on and off after boot: the state stream's key when a host asks for a snapshot or
 * says quiet (kernel/mm/mm_stream.c).
 *
 *   static_key_enable(key)                          static_key_disable(key): the same, NOP
 *     jump_label_update(key, JUMP_LABEL_JMP)          under jump_label_lock
 *       each __jump_table entry whose key is key
 *         arch_jump_label_transform(entry, JMP)       arch/arm/kernel/patch.c: B target
 *           __patch_text(code, insn)                  arch/arm/kernel/patch.c
 *     jump_label_sync_cpus                            every other CPU runs an ISB (IPI, waited)
 *
 * The other CPUs keep running while a site changes: ARMv7 allows an instruction to be
 * rewritten while another core may execute it when both the old and the new one are a B or a
 * NOP (ARM ARM, "Concurrent modification and execution of instructions"). The ISB on each CPU
 * is what makes "every CPU takes the new path" true when static_key_enable returns (Linux's
 * ARM patch_text stops the machine instead).
 */
#include <linux/bug.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/jump_label.h>
#include <linux/printk.h>
#include <linux/spinlock.h>
#include <asm/io.h> /* isb */
#include <asm/sections.h>
#include <asm/smp.h>

static DEFINE_SPINLOCK(jump_label_lock);

BUILD_BUG_ON(sizeof(struct jump_entry) != 12); /* .word code, target, key */

/* The image's sites: [__start___jump_table, __stop___jump_table). */
static struct jump_entry *jump_table_begin(void)
{
	return (struct jump_entry *)__start___jump_table;
}

static struct jump_entry *jump_table_end(void)
{
	return (struct jump_entry *)__stop___jump_table;
}

/* True when addr is an instruction of the kernel's text. */
static bool in_kernel_text(u32 addr)
{
	return addr >= (u32)_stext && addr < (u32)_etext && !(addr & 3);
}

/*
 * Contract: every site is a word-aligned NOP in .text jumping to .text (all keys start
 * false). A bad entry is reported and left alone (its key will not patch it). CPU 0, alone.
 */
void __init jump_label_init(void)
{
	unsigned int bad = 0;

	for (struct jump_entry *e = jump_table_begin(); e < jump_table_end(); e++) {
		if (!in_kernel_text(e->code) || !in_kernel_text(e->target) ||
		    *(const u32 *)e->code != ARM_INSN_NOP) {
			pr_err("jump_label: bad site %pS (code %#x target %#x)\n", (void *)e->code,
			       e->code, e->target);
			e->key = 0; /* matches no key: never patched */
			bad++;
		}
	}
	WARN_ON_ONCE(bad);
}

/* An empty function run on each other CPU: taking the IPI and returning from it is a
 * context synchronization (exception entry and return), as an ISB; isb() makes it explicit. */
static void jump_label_sync_cpu(void *info)
{
	(void)info;
	isb();
}

/* Contract: every other online CPU has synchronized its instruction stream. */
static void jump_label_sync_cpus(void)
{
	smp_call_function(jump_label_sync_cpu, NULL, 1);
}

/* Contract: every site of key does type; returns how many sites that is. */
static unsigned int jump_label_update(struct static_key *key, enum jump_label_type type)
{
	unsigned int n = 0;

	for (struct jump_entry *e = jump_table_begin(); e < jump_table_end(); e++) {
		if (e->key != (u32)key)
			continue;
		arch_jump_label_transform(e, type);
		n++;
	}
	return n;
}

/* Contract: set key to on (1) or off (0), patching its sites when that changes it. */
static void static_key_set(struct static_key *key, int on)
{
	bool changed;

	spin_lock(&jump_label_lock);
	changed = key->enabled != on;
	if (changed) {
		jump_label_update(key, on ? JUMP_LABEL_JMP : JUMP_LABEL_NOP);
		WRITE_ONCE(key->enabled, on);
	}
	spin_unlock(&jump_label_lock);
	if (changed)
		jump_label_sync_cpus();
}

void static_key_enable(struct static_key *key)
{
	static_key_set(key, 1);
}

void static_key_disable(struct static_key *key)
{
	static_key_set(key, 0);
}
