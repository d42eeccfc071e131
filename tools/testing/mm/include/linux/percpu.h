/*
 * Host-test wrapper of include/linux/percpu.h: the host linker folds .data..percpu into .data,
 * so per-CPU variables go to the section "mm_percpu" instead, whose bounds GNU ld provides as
 * __start_mm_percpu / __stop_mm_percpu (support_mm.c copies it into each CPU's unit).
 */
#ifndef MM_TEST_PERCPU_H
#define MM_TEST_PERCPU_H

#include_next <linux/percpu.h>

#undef DEFINE_PER_CPU
#undef DECLARE_PER_CPU
#define DEFINE_PER_CPU(type, name) __section("mm_percpu") __typeof__(type) name
#define DECLARE_PER_CPU(type, name) extern __section("mm_percpu") __typeof__(type) name

extern char __start_mm_percpu[], __stop_mm_percpu[];

#endif
