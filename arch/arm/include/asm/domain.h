/*
 * asm/domain.h - the four ARM MMU domains Linux uses and the DACR value pimm runs with.
 *
 * Every L1 descriptor carries a 4-bit domain number (bits 8:5). The Domain Access Control
 * Register (DACR) gives each of the 16 domains 2 bits:
 *
 *   DACR  31 ..  8 | 7   6 | 5   4 | 3   2 | 1   0
 *        unused    |vectors|  io   | user  |kernel     00 no access: every access faults
 *                  |  (3)  |  (2)  |  (1)  |  (0)      01 client:    AP bits are checked
 *                                                      11 manager:   AP bits are ignored
 *
 * Linux with CPU_SW_DOMAIN_PAN keeps the user domain at "no access" while in the kernel, so a
 * stray kernel access to user memory is a domain fault. head.S loads DACR_INIT.
 */
#ifndef _ASM_DOMAIN_H
#define _ASM_DOMAIN_H

#define DOMAIN_KERNEL 0
#define DOMAIN_USER 1
#define DOMAIN_IO 2
#define DOMAIN_VECTORS 3

#define DOMAIN_NOACCESS 0
#define DOMAIN_CLIENT 1
#define DOMAIN_MANAGER 3

#define domain_val(dom, type) ((type) << (2 * (dom)))
/* The access type a DACR value gives domain @dom (DOMAIN_NOACCESS ... DOMAIN_MANAGER). */
#define domain_type(dacr, dom) (((dacr) >> (2 * (dom))) & 3)

#ifndef __ASSEMBLER__
/* The one decoder of an access type: "no access", "client", "reserved" (2), "manager". */
static inline const char *domain_type_name(unsigned int type)
{
	static const char *const names[4] = {"no access", "client", "reserved", "manager"};

	return names[type & 3];
}
#endif

#define DACR_INIT                                                                                  \
	(domain_val(DOMAIN_USER, DOMAIN_NOACCESS) | domain_val(DOMAIN_KERNEL, DOMAIN_CLIENT) |     \
	 domain_val(DOMAIN_IO, DOMAIN_CLIENT) | domain_val(DOMAIN_VECTORS, DOMAIN_CLIENT))

#endif
