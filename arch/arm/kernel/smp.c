/*
 * smp.c - bringing up CPUs 1-3 and talking to them (Linux's arch/arm/kernel/smp.c). The board
 * supplies the two hardware-specific parts: how to release a CPU (machine_desc->smp, struct
 * smp_operations; arch/arm/mach-bcm2836/platsmp.c) and how to raise an IPI (the interrupt
 * controller's set_smp_cross_call; arch/arm/mach-bcm2836/intc.c).
 *
 *   kernel_init (ours: start_kernel, after time_init)
 *     smp_prepare_cpus    CPU0's topology line, idmap_pgd, smp_ops.smp_prepare_cpus
 *     smp_init            "smp: Bringing up secondary CPUs ..."
 *       __cpu_up          secondary_data = {idmap, swapper, stack}; smp_ops.smp_boot_secondary
 *                         (the board jumps the CPU to head.S's secondary_startup); wait
 *                           -> secondary_start_kernel on that CPU: mode stacks, per-CPU
 *                              offset (TPIDRPRW), topology line, notify_cpu_starting (its IPIs
 *                              and tick), online, idle in wfi
 *     smp_cpus_done       "smp: Brought up 1 node, 4 CPUs", BogoMIPS, hyp_mode_check
 *
 * Cross-CPU calls: one call slot per target CPU; the caller fills it, raises IPI_CALL_FUNC on
 * the target, and (if it waits) sleeps in wfe until the target clears `pending`.
 */
#include <errno.h>
#include <string.h>
#include <linux/cpuhotplug.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/printk.h>
#include <linux/sched_clock.h>
#include <linux/spinlock.h>
#include <asm/arch_timer.h>
#include <asm/cp15.h>
#include <asm/io.h>
#include <asm/irqflags.h>
#include <asm/memory.h>
#include <linux/percpu.h>
#include <asm/pgtable.h>
#include <asm/pgtable-2level-hwdef.h>
#include <asm/ptrace.h>
#include <asm/sections.h>
#include <asm/setup.h>
#include <asm/smp.h>
#include <asm/virt.h>

/* Linux waits 1 s; an emulated CPU on a loaded host can need longer to be scheduled. */
#define BOOT_TIMEOUT_NS 5000000000ull
/* smp_send_stop's wait: Linux's is 1 s too, longer here for the same reason. */
#define STOP_TIMEOUT_NS 5000000000ull

/* Read by head.S with the MMU off: keep the layout (pgdir +0, swapper +4, stack +8). */
struct secondary_data {
	u32 pgdir;
	u32 swapper;
	u32 stack;
} secondary_data;

volatile unsigned long cpu_online_bits;
struct cpu_info cpu_info[NR_CPUS];
DEFINE_PER_CPU(unsigned long[NR_IPI], ipi_count);
static u32 idmap_pgd[4096] __aligned(16384);
static u32 boot_sctlr; /* CPU 0's SCTLR when it released the others */
static u8 cpu_stacks[NR_CPUS][THREAD_SIZE] __aligned(8);

struct call_single_data {
	smp_call_func_t func;
	void *info;
	volatile int pending;
};
static struct call_single_data csd[NR_CPUS];
static DEFINE_SPINLOCK(csd_lock);

static const struct smp_operations *smp_ops;
static void (*smp_cross_call)(unsigned int cpu, unsigned int ipi);

void __init smp_set_ops(const struct smp_operations *ops)
{
	smp_ops = ops;
}

void set_smp_cross_call(void (*fn)(unsigned int cpu, unsigned int ipi))
{
	smp_cross_call = fn;
}

unsigned int num_online_cpus(void)
{
	return __builtin_popcountl(cpu_online_bits);
}

const char *ipi_name(unsigned int ipinr)
{
	static const char *const names[NR_IPI] = {"CPU wakeup interrupts", "Timer broadcast interrupts",
						  "Rescheduling interrupts", "Function call interrupts",
						  "CPU stop interrupts"};
	return ipinr < NR_IPI ? names[ipinr] : "unknown";
}

/* Linux's store_cpu_topology line for this CPU. */
static void store_cpu_topology(unsigned int cpu)
{
	u32 mpidr = read_mpidr();

	cpu_info[cpu].mpidr = mpidr;
	pr_info("CPU%u: thread %d, cpu %u, socket %u, mpidr %x\n", cpu, -1, mpidr & 0xff,
		(mpidr >> 8) & 0xff, mpidr);
}

/* Clean a range to memory: CPUs starting with their caches off read it from there. */
static void clean_dcache_range(void *start, size_t size)
{
	unsigned long a = (unsigned long)start & ~(L1_CACHE_BYTES - 1UL);

	for (; a < (unsigned long)start + size; a += L1_CACHE_BYTES)
		__asm__ __volatile__("mcr p15, 0, %0, c7, c10, 1" ::"r"(a) : "memory"); /* DCCMVAC */
	dsb();
}

void __init smp_prepare_boot_cpu(void)
{
	set_my_cpu_offset(__per_cpu_offset[smp_processor_id()]);
}

void __init smp_prepare_cpus(void)
{
	u32 sect = __pa(__turn_mmu_on) >> SECTION_SHIFT;

	cpu_info[0].entry_mode = __boot_cpu_mode;
	cpu_online_bits = 1;
	boot_sctlr = get_cr();
	store_cpu_topology(0);
	/* idmap_pgd: the kernel's mappings plus the identity section that turns the MMU on */
	memcpy(idmap_pgd, swapper_pg_dir, sizeof(idmap_pgd));
	idmap_pgd[sect] = (sect << SECTION_SHIFT) | PMD_TYPE_SECT | PMD_SECT_AP_WRITE |
			  PMD_SECT_AP_READ | PMD_FLAGS_SMP;
	clean_dcache_range(idmap_pgd, sizeof(idmap_pgd));
	if (smp_ops && smp_ops->smp_prepare_cpus)
		smp_ops->smp_prepare_cpus(NR_CPUS);
}

/* Release one CPU through the board and wait (at most BOOT_TIMEOUT_NS) for it to come online. */
static int __cpu_up(unsigned int cpu)
{
	u64 until;
	int err;

	secondary_data.pgdir = __pa(idmap_pgd);
	secondary_data.swapper = __pa(swapper_pg_dir) | TTB_FLAGS_SMP;
	secondary_data.stack = (u32)(cpu_stacks[cpu] + THREAD_SIZE);
	clean_dcache_range(&secondary_data, sizeof(secondary_data));
	if (!smp_ops || !smp_ops->smp_boot_secondary)
		return -ENOSYS;
	err = smp_ops->smp_boot_secondary(cpu);
	if (err)
		return err;
	until = local_clock() + BOOT_TIMEOUT_NS;
	while (!cpu_online(cpu)) {
		if (local_clock() > until) {
			pr_crit("CPU%u: failed to come online\n", cpu);
			return -EIO;
		}
		wfe();
	}
	return 0;
}

/* First C code of CPUs 1-3 (from head.S's __secondary_switched). */
void __noreturn secondary_start_kernel(u32 entry_mode)
{
	unsigned int cpu = smp_processor_id();

	cpu_init();
	/* the boot CPU's vector choice: SCTLR.V (high vectors page) since devicemaps_init */
	__write_cp15((get_cr() & ~CR_V) | (boot_sctlr & CR_V), 0, c1, c0, 0);
	write_vbar((u32)__vectors_start); /* used only while SCTLR.V is clear */
	isb();
	write_tpidrprw(__per_cpu_offset[cpu]);
	cpu_info[cpu].entry_mode = entry_mode;
	if (entry_mode != __boot_cpu_mode)
		boot_cpu_mode_mismatch = true;
	store_cpu_topology(cpu);
	notify_cpu_starting(cpu); /* its IPIs and its tick */
	dmb();
	__atomic_or_fetch(&cpu_online_bits, 1UL << cpu, __ATOMIC_SEQ_CST);
	dsb();
	sev();
	local_irq_enable();
	for (;;)
		wfi(); /* cpu_idle: woken by IPIs and the tick */
}

void __init smp_init(void)
{
	unsigned int cpu, n;
	u64 bogosum;

	pr_info("smp: Bringing up secondary CPUs ...\n");
	for (cpu = 1; cpu < NR_CPUS; cpu++)
		__cpu_up(cpu);
	n = num_online_cpus();
	pr_info("smp: Brought up 1 node, %u CPU%s\n", n, n > 1 ? "s" : "");
	/* Linux's smp_cpus_done: loops per jiffy summed over the CPUs (lpj_fine each, timer-based) */
	bogosum = (u64)lpj_fine * n;
	pr_info("SMP: Total of %u processors activated (%lu.%02lu BogoMIPS).\n", n,
		(unsigned long)(bogosum / (500000 / HZ)), (unsigned long)(bogosum / (5000 / HZ) % 100));
	hyp_mode_check();
}

void smp_send_ipi(unsigned int cpu, enum ipi_msg_type ipi)
{
	smp_cross_call(cpu, ipi);
}

static unsigned long stop_park_pa;

/*
 * IPI_CPU_STOP (Linux's ipi_cpu_stop): leave for good - panic, or the hvc reboot. Interrupts
 * off, tick off, offline, then wait in wfi; or, for the reboot, jump to its identity-mapped
 * parking code. "CPU%u: stopping" as Linux prints it while the system runs (not on a restart;
 * Linux follows it with dump_stack(), which pimm does not have).
 */
static void __noreturn ipi_cpu_stop(void)
{
	unsigned int cpu = smp_processor_id();

	local_irq_disable();
	if (!stop_park_pa)
		pr_crit("CPU%u: stopping\n", cpu);
	write_cntv_ctl(0); /* tick off */
	__atomic_and_fetch(&cpu_online_bits, ~(1UL << cpu), __ATOMIC_SEQ_CST);
	dsb();
	sev();
	if (stop_park_pa)
		((void (*)(void))stop_park_pa)();
	for (;;)
		wfi();
}

/*
 * Linux's smp_send_stop: IPI_CPU_STOP to every other online CPU, then wait, bounded, until
 * they are offline. park_pa: 0 (panic), or the reboot's parking code (see ipi_cpu_stop).
 */
void smp_send_stop(unsigned long park_pa)
{
	unsigned int cpu, self = smp_processor_id();
	u64 until = local_clock() + STOP_TIMEOUT_NS;

	stop_park_pa = park_pa;
	dsb();
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		if (cpu != self && cpu_online(cpu))
			smp_send_ipi(cpu, IPI_CPU_STOP);
	while (cpu_online_bits & ~(1UL << self))
		if (local_clock() > until) {
			pr_warn("SMP: failed to stop secondary CPUs\n");
			break;
		}
}

/* A CPU entering panic() while another one is in it: go offline and stop (Linux's ARM
 * panic_smp_self_stop), so that the panicking CPU's smp_send_stop does not wait for it. */
void __noreturn panic_smp_self_stop(void)
{
	local_irq_disable();
	__atomic_and_fetch(&cpu_online_bits, ~(1UL << smp_processor_id()), __ATOMIC_SEQ_CST);
	dsb();
	sev();
	for (;;)
		wfi();
}

void handle_IPI(unsigned int ipinr)
{
	unsigned int cpu = smp_processor_id();
	struct call_single_data *d = &csd[cpu];

	if (ipinr < NR_IPI)
		this_cpu_ptr(&ipi_count)[0][ipinr]++;
	if (ipinr == IPI_CPU_STOP)
		ipi_cpu_stop();
	if (ipinr == IPI_CALL_FUNC && d->pending) {
		d->func(d->info);
		dmb();
		d->pending = 0;
		dsb();
		sev();
	}
}

/* Queue func on each CPU in mask (not this one), ring them, optionally wait for all. */
static void smp_call_function_many(unsigned long mask, smp_call_func_t func, void *info, int wait)
{
	unsigned long flags;
	unsigned int cpu;

	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		if (!(mask & (1UL << cpu)))
			continue;
		for (;;) { /* the target's slot may still be busy with an earlier call */
			spin_lock_irqsave(&csd_lock, flags);
			if (!csd[cpu].pending)
				break;
			spin_unlock_irqrestore(&csd_lock, flags);
			wfe();
		}
		csd[cpu].func = func;
		csd[cpu].info = info;
		csd[cpu].pending = 1;
		spin_unlock_irqrestore(&csd_lock, flags);
		smp_send_ipi(cpu, IPI_CALL_FUNC);
	}
	for (cpu = 0; wait && cpu < NR_CPUS; cpu++)
		while ((mask & (1UL << cpu)) && csd[cpu].pending)
			wfe();
}

int smp_call_function_single(unsigned int cpu, smp_call_func_t func, void *info, int wait)
{
	unsigned long flags;

	if (!cpu_online(cpu))
		return -ENXIO;
	if (cpu == smp_processor_id()) {
		local_irq_save(flags);
		func(info);
		local_irq_restore(flags);
		return 0;
	}
	smp_call_function_many(1UL << cpu, func, info, wait);
	return 0;
}

void smp_call_function(smp_call_func_t func, void *info, int wait)
{
	smp_call_function_many(cpu_online_bits & ~(1UL << smp_processor_id()), func, info, wait);
}
