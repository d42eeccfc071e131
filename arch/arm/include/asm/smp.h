/*
 * asm/smp.h - which CPU am I, which CPUs run, and cross-CPU calls (arch/arm/kernel/smp.c).
 *
 * The Pi 2's four cores: MPIDR 0x80000f00..0x80000f03 (cluster 0xf, cpu 0-3). CPU 0 boots
 * the kernel; smp_init releases 1-3 through machine_desc->smp (struct smp_operations, Linux's
 * asm/smp.h); IPIs travel through the interrupt controller's sender (set_smp_cross_call).
 */
#ifndef _ASM_SMP_H
#define _ASM_SMP_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <asm/cp15.h>

#define NR_CPUS CONFIG_NR_CPUS
#define THREAD_SIZE 8192

enum ipi_msg_type {
	IPI_WAKEUP,
	IPI_TIMER,
	IPI_RESCHEDULE,
	IPI_CALL_FUNC,
	IPI_CPU_STOP,
	NR_IPI
};

static inline unsigned int smp_processor_id(void)
{
	return read_mpidr() & 3;
}

extern volatile unsigned long cpu_online_bits;
static inline bool cpu_online(unsigned int cpu)
{
	return cpu < NR_CPUS && (cpu_online_bits & (1UL << cpu));
}
unsigned int num_online_cpus(void);

struct cpu_info {
	u32 mpidr;
	u32 entry_mode; /* CPSR mode the CPU arrived in: SVC (0x13) or HYP (0x1a) */
};
extern struct cpu_info cpu_info[NR_CPUS];
/* Per-CPU IPI counters (Linux's irq_stat.ipi_irqs), read with per_cpu(ipi_count, cpu)[n]. */
#include <linux/percpu.h>
DECLARE_PER_CPU(unsigned long[NR_IPI], ipi_count);
/* CPU 0's per-CPU offset into TPIDRPRW, once setup_per_cpu_areas has them. */
void smp_prepare_boot_cpu(void);

void smp_prepare_cpus(void);
void smp_init(void);
void handle_IPI(unsigned int ipinr);
void smp_send_ipi(unsigned int cpu, enum ipi_msg_type ipi);
/* Stop every other CPU: it masks IRQs, stops its tick, goes offline and waits in wfi — or,
 * if park_pa is not 0, jumps to that identity-mapped address (the hvc reboot's spin table). */
void smp_send_stop(unsigned long park_pa);
/* Called by panic() on a CPU that finds another CPU already in panic: offline, stop here. */
void __noreturn panic_smp_self_stop(void);
const char *ipi_name(unsigned int ipinr);

/* How a board starts its secondary CPUs (Linux's struct smp_operations, the part pimm uses). */
struct smp_operations {
	/* Before any secondary starts (may be NULL). */
	void (*smp_prepare_cpus)(unsigned int max_cpus);
	/* Release @cpu to head.S's secondary_startup; 0 or an error. */
	int (*smp_boot_secondary)(unsigned int cpu);
};
/* Use @ops to start the secondaries (setup_arch, from machine_desc->smp; Linux's smp_set_ops). */
void smp_set_ops(const struct smp_operations *ops);
/* The interrupt controller's way to raise IPI @ipi on @cpu (Linux's set_smp_cross_call). */
void set_smp_cross_call(void (*fn)(unsigned int cpu, unsigned int ipi));

/* head.S: where a released secondary CPU starts, with the MMU off (a physical address). */
extern char secondary_startup[];
/* C entry of CPUs 1-3, from head.S, in the mode the CPU arrived in. */
void __noreturn secondary_start_kernel(u32 entry_mode);

typedef void (*smp_call_func_t)(void *info);
/* Run func(info) on cpu (in its IPI handler, IRQs off); wait for it if asked. 0 or -ENXIO. */
int smp_call_function_single(unsigned int cpu, smp_call_func_t func, void *info, int wait);
/* Run func(info) on every other online CPU, all at once; wait for all if asked. */
void smp_call_function(smp_call_func_t func, void *info, int wait);

#endif
