/*
 * Host-test stand-in for arch/arm/include/asm/sections.h: the kernel image's bounds are
 * variables the test sets (virtual addresses in the kernel's linear map, as the linker script
 * would give), so arm_memblock_init reserves a realistic [__pa(_stext), __pa(_end)).
 */
#ifndef _ASM_SECTIONS_H
#define _ASM_SECTIONS_H

extern char *of_test_text, *of_test_stext, *of_test_end;
#define _text of_test_text
#define _stext of_test_stext
#define _end of_test_end

#endif
