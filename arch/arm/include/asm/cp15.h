/*
 * asm/cp15.h - System Control Register bits and CP15 accessors (ARMv7-A; Linux's
 * arch/arm/include/asm/cp15.h). Code outside arch/arm/ reads and writes the coprocessor only
 * through these.
 */
#ifndef _ASM_CP15_H
#define _ASM_CP15_H

#define CR_M (1 << 0)   /* MMU enable */
#define CR_A (1 << 1)   /* alignment fault checking */
#define CR_C (1 << 2)   /* data cache enable */
#define CR_Z (1 << 11)  /* branch prediction */
#define CR_I (1 << 12)  /* instruction cache enable */
#define CR_V (1 << 13)  /* high vectors at 0xffff0000 */
#define CR_EE (1 << 25) /* big-endian exceptions */
#define CR_TRE (1 << 28) /* TEX remap */
#define CR_AFE (1 << 29) /* access flag enable */
#define CR_TE (1 << 30) /* Thumb exceptions */

#define ACTLR_SMP (1 << 6) /* Cortex-A7: take part in coherency */

#define MPIDR_HWID_BITMASK 0xffffff /* affinity levels 0-2 (Linux's asm/cputype.h) */
#define PAR_F (1 << 0)              /* PAR: the translation faulted */

#ifndef __ASSEMBLER__
#include <linux/types.h>

#define __read_cp15(op1, crn, crm, op2)                                                            \
	({                                                                                         \
		u32 __v;                                                                           \
		__asm__ __volatile__("mrc p15, " #op1 ", %0, " #crn ", " #crm ", " #op2           \
				     : "=r"(__v));                                                 \
		__v;                                                                               \
	})
#define __write_cp15(v, op1, crn, crm, op2)                                                        \
	__asm__ __volatile__("mcr p15, " #op1 ", %0, " #crn ", " #crm ", " #op2 ::"r"((u32)(v))   \
			     : "memory")

static inline u32 read_midr(void) { return __read_cp15(0, c0, c0, 0); }
static inline u32 read_mpidr(void) { return __read_cp15(0, c0, c0, 5); }
static inline u32 get_cr(void) { return __read_cp15(0, c1, c0, 0); }
static inline u32 read_dfsr(void) { return __read_cp15(0, c5, c0, 0); }
static inline u32 read_ifsr(void) { return __read_cp15(0, c5, c0, 1); }
static inline u32 read_dfar(void) { return __read_cp15(0, c6, c0, 0); }
static inline u32 read_ifar(void) { return __read_cp15(0, c6, c0, 2); }
static inline u32 read_ttbr0(void) { return __read_cp15(0, c2, c0, 0); }
static inline u32 read_dacr(void) { return __read_cp15(0, c3, c0, 0); }
static inline u32 read_cntfrq(void) { return __read_cp15(0, c14, c0, 0); }
static inline u32 read_par(void) { return __read_cp15(0, c7, c4, 0); }
/* Ask the MMU to translate @va as a privileged read (ATS1CPR) or write (ATS1CPW) into PAR;
 * an isb is needed before read_par sees the result. */
static inline void write_ats1cpr(u32 va) { __write_cp15(va, 0, c7, c8, 0); }
static inline void write_ats1cpw(u32 va) { __write_cp15(va, 0, c7, c8, 1); }
static inline void write_vbar(u32 v) { __write_cp15(v, 0, c12, c0, 0); }
static inline u32 read_tpidrprw(void) { return __read_cp15(0, c13, c0, 4); }
static inline void write_tpidrprw(u32 v) { __write_cp15(v, 0, c13, c0, 4); }

static inline u64 read_cntvct(void)
{
	u32 lo, hi;
	__asm__ __volatile__("isb; mrrc p15, 1, %0, %1, c14" : "=r"(lo), "=r"(hi));
	return ((u64)hi << 32) | lo;
}
#endif

#endif
