/*
 * asm/sections.h - the kernel image's section boundaries, defined by the linker script
 * (arch/arm/kernel/vmlinux.lds.in). Virtual addresses; __pa() gives the physical ones.
 *
 *   _text       start of the image (.head.text, head.S)       PA 0x8000 (TEXT_OFFSET)
 *   _stext      start of .text (1 MiB aligned)                 <- arm_memblock_init reserves
 *   _etext      end of .text                                      [__pa(_stext), __pa(_end))
 *   __init_begin .. __init_end   .init.*, per-cpu template (freed after boot)
 *   _sdata .. _edata             .data
 *   __bss_start .. __bss_stop    .bss
 *   _end        end of the image
 */
#ifndef _ASM_SECTIONS_H
#define _ASM_SECTIONS_H

extern char _text[], _stext[], _etext[];
extern char __init_begin[], __init_end[];
extern char __start_rodata[], __end_rodata[];
extern char _sinittext[], _einittext[];
extern char _sdata[], _edata[];
extern char __bss_start[], __bss_stop[];
extern char _end[];
/* entry.S's vector page; head.S's MMU-on code (identity-mapped for secondary CPUs). */
extern char __vectors_start[], __vectors_end[];
extern char __turn_mmu_on[];
/* the static keys' sites (include/linux/jump_label.h), in .data */
extern char __start___jump_table[], __stop___jump_table[];

#endif
