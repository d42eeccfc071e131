/*
 * linux/jump_label.h - static keys: a test of a rarely-true condition that costs one NOP
 * while the condition is false, and becomes a jump when it is turned on. Linux's
 * include/linux/jump_label.h (DEFINE_STATIC_KEY_FALSE, static_branch_unlikely,
 * static_branch_enable/disable), for keys that start false; the patching is
 * kernel/jump_label.c, the instructions are the arch's (asm/jump_label.h).
 *
 * pimm uses it where a hook must cost nothing while nobody listens: the state stream's hooks
 * in the buddy allocator (include/pimm/mm_stream.h), as Linux's tracepoints do.
 *
 *   if (static_branch_unlikely(&key))       key off:   1:  nop              (falls through)
 *           rare();                          key on:    1:  b    rare_path
 *
 * Each site leaves a struct jump_entry in the __jump_table section (the linker script
 * collects them between __start___jump_table and __stop___jump_table):
 *
 *   +---------------------+---------------------+---------------------+
 *   | code: the NOP's VA  | target: rare path   | key: &key           |  12 bytes
 *   +---------------------+---------------------+---------------------+
 *
 * static_branch_enable(&key) rewrites every site of key from NOP to B; _disable back.
 */
#ifndef _LINUX_JUMP_LABEL_H
#define _LINUX_JUMP_LABEL_H

#include <linux/compiler.h>
#include <linux/types.h>

struct static_key {
	int enabled; /* 0 or 1: what the sites currently do */
};

/* A key that starts false (its sites are NOPs in the image). */
struct static_key_false {
	struct static_key key;
};

struct jump_entry {
	u32 code; /* VA of the patched instruction */
	u32 target; /* VA it jumps to when the key is on */
	u32 key; /* &key */
};

enum jump_label_type {
	JUMP_LABEL_NOP = 0,
	JUMP_LABEL_JMP,
};

#define STATIC_KEY_FALSE_INIT { .key = { .enabled = 0 } }
#define DEFINE_STATIC_KEY_FALSE(name) struct static_key_false name = STATIC_KEY_FALSE_INIT
#define DECLARE_STATIC_KEY_FALSE(name) extern struct static_key_false name

#include <asm/jump_label.h>

/* True when the key is on (a plain read: for slow paths, not for the sites themselves). */
static inline bool static_key_enabled(const struct static_key *key)
{
	return READ_ONCE(key->enabled) > 0;
}

/* Check the image's sites (start_kernel, CPU 0 alone). */
void jump_label_init(void);
/* Turn key on: every site jumps, on every CPU, before this returns. */
void static_key_enable(struct static_key *key);
/* Turn key off: every site is a NOP again, on every CPU, before this returns. */
void static_key_disable(struct static_key *key);

/* The site: false (one NOP) while x is off. x: a struct static_key_false. */
#define static_branch_unlikely(x) unlikely(arch_static_branch(&(x)->key))
#define static_branch_enable(x) static_key_enable(&(x)->key)
#define static_branch_disable(x) static_key_disable(&(x)->key)

#endif
