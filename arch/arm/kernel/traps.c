/*
 * traps.c - what happens when the CPU takes an exception: data and prefetch aborts, undefined
 * instructions, and the fatal ones. Called from the entry stubs in entry.S with a pt_regs frame.
 *
 * Three outcomes, from mildest to worst:
 *   1. the faulting instruction has an exception-table fixup (get_kernel_nofault32 & co):
 *      remember the fault, resume at the fixup, which returns -EFAULT;
 *   2. the fault happened inside a shell command: print Linux's oops report and unwind to the
 *      command's recovery point (run_cmd in kernel/shell/shell.c, which puts back the interrupt
 *      state and any enclosing command's point), the kernel keeps running;
 *   3. otherwise: the oops report, then panic("Fatal exception").
 * Fault status codes are decoded with the names Linux uses (arch/arm/mm/fsr-2level.c).
 */
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/bug.h>
#include <string.h>
#include <asm/cacheflush.h>
#include <asm/cp15.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include <asm/setup.h>
#include <asm/ptrace.h>
#include <asm/sections.h>
#include <asm/uaccess.h>
#include <asm/traps.h>
#include <pimm/kallsyms.h>

#define FSR_WRITE (1 << 11)
#define FSR_FS4 (1 << 10)
#define FSR_FS3_0 (15)
#define FSR_LNX_PF (1u << 31) /* ours: the fsr is an IFSR (prefetch abort) */

static const char *const fsr_names[32] = {
	"vector exception", "alignment exception", "terminal exception", "alignment exception",
	"external abort on linefetch", "section translation fault", "external abort on linefetch",
	"page translation fault", "external abort on non-linefetch", "section domain fault",
	"external abort on non-linefetch", "page domain fault", "external abort on translation",
	"section permission fault", "external abort on translation", "page permission fault",
	[20] = "lock abort", [22] = "imprecise external abort", [24] = "dcache parity error",
};

static const char *const ifsr_names[32] = {
	[2] = "debug event", [3] = "section access flag fault", [5] = "section translation fault",
	[6] = "page access flag fault", [7] = "page translation fault",
	[8] = "external abort on non-linefetch", [9] = "section domain fault",
	[11] = "page domain fault", [12] = "external abort on translation",
	[13] = "section permission fault", [14] = "external abort on translation",
	[15] = "page permission fault",
};

static struct fixup_fault fixup_faults[CONFIG_NR_CPUS];
static int die_counter;
jmp_buf *oops_recovery[CONFIG_NR_CPUS];

/* The 5-bit fault status of a short-descriptor DFSR/IFSR. */
static inline int fsr_fs(u32 fsr)
{
	return (fsr & FSR_FS3_0) | (fsr & FSR_FS4) >> 6;
}

/* Linux's name for a fault status ("section translation fault"...). */
const char *fsr_name(u32 fsr, bool prefetch)
{
	static char unknown[CONFIG_NR_CPUS][16];
	int fs = fsr_fs(fsr);
	const char *name = prefetch ? ifsr_names[fs] : fsr_names[fs];

	if (name)
		return name;
	ksnprintf(unknown[smp_processor_id()], sizeof(unknown[0]), "unknown %d", fs);
	return unknown[smp_processor_id()];
}

const char *processor_mode_name(unsigned int mode)
{
	switch (mode & MODE_MASK) {
	case USR_MODE: return "USER_32";
	case FIQ_MODE: return "FIQ_32";
	case IRQ_MODE: return "IRQ_32";
	case SVC_MODE: return "SVC_32";
	case MON_MODE: return "MON_32";
	case ABT_MODE: return "ABT_32";
	case HYP_MODE: return "HYP_32";
	case UND_MODE: return "UND_32";
	case SYSTEM_MODE: return "SYS_32";
	default: return "UK_32";
	}
}

const struct fixup_fault *last_fixup_fault(void)
{
	return &fixup_faults[smp_processor_id()];
}

/* The __ex_table entry for the instruction at addr, or NULL. */
const struct exception_table_entry *search_exception_tables(unsigned long addr)
{
	const struct exception_table_entry *e;

	for (e = __start___ex_table; e < __stop___ex_table; e++)
		if (e->insn == addr)
			return e;
	return NULL;
}

/* Resume at the fixup if the faulting instruction has one; true if it did. */
static bool fixup_exception(struct pt_regs *regs, u32 fsr, u32 far, bool prefetch)
{
	const struct exception_table_entry *e = search_exception_tables(regs->ARM_pc);
	struct fixup_fault *f = &fixup_faults[smp_processor_id()];

	if (!e)
		return false;
	f->fsr = fsr;
	f->far = far;
	f->prefetch = prefetch;
	regs->ARM_pc = e->fixup;
	return true;
}

/* Linux's __show_regs: where it happened and every register. */
void show_regs(const struct pt_regs *regs)
{
	unsigned long flags = regs->ARM_cpsr;
	char sym[KSYM_NAME_LEN + 32];

	sprint_symbol(sym, sizeof(sym), regs->ARM_pc);
	pr_emerg("PC is at %s\n", sym);
	sprint_symbol(sym, sizeof(sym), regs->ARM_lr);
	pr_emerg("LR is at %s\n", sym);
	pr_emerg("pc : [<%08lx>]    lr : [<%08lx>]    psr: %08lx\n", regs->ARM_pc, regs->ARM_lr,
		 flags);
	pr_emerg("sp : %08lx  ip : %08lx  fp : %08lx\n", regs->ARM_sp, regs->uregs[12],
		 regs->uregs[11]);
	pr_emerg("r10: %08lx  r9 : %08lx  r8 : %08lx\n", regs->uregs[10], regs->uregs[9],
		 regs->uregs[8]);
	pr_emerg("r7 : %08lx  r6 : %08lx  r5 : %08lx  r4 : %08lx\n", regs->uregs[7],
		 regs->uregs[6], regs->uregs[5], regs->uregs[4]);
	pr_emerg("r3 : %08lx  r2 : %08lx  r1 : %08lx  r0 : %08lx\n", regs->uregs[3],
		 regs->uregs[2], regs->uregs[1], regs->uregs[0]);
	pr_emerg("Flags: %c%c%c%c  IRQs o%s  FIQs o%s  Mode %s  ISA %s  Segment none\n",
		 flags & (1u << 31) ? 'N' : 'n', flags & (1 << 30) ? 'Z' : 'z',
		 flags & (1 << 29) ? 'C' : 'c', flags & (1 << 28) ? 'V' : 'v',
		 flags & PSR_I_BIT ? "ff" : "n", flags & PSR_F_BIT ? "ff" : "n",
		 processor_mode_name(flags), flags & PSR_T_BIT ? "Thumb" : "ARM");
	pr_emerg("Control: %08x  Table: %08x  DAC: %08x\n", get_cr(), read_ttbr0(), read_dacr());
}

/*
 * An oops: print the report, then either unwind to the shell (if a shell command was running
 * on this CPU) or stop the kernel.
 */
void die(const char *str, struct pt_regs *regs, u32 err)
{
	jmp_buf *recover = oops_recovery[smp_processor_id()];

	pr_emerg("Internal error: %s: %x [#%d] SMP ARM\n", str, err, ++die_counter);
	show_regs(regs);
	if (recover && processor_mode(regs) == SVC_MODE) {
		pr_emerg("---[ end trace: recovered to the shell ]---\n");
		oops_recovery[smp_processor_id()] = NULL;
		longjmp(*recover, 1);
	}
	panic("Fatal exception");
}

/*
 * Linux's show_pte: the kernel table entries for addr on one line, "[addr] *pgd=first entry of
 * the pair" then, when that is a page table in lowmem, the Linux and hardware PTEs.
 */
static void show_pte(u32 addr)
{
	pmd_t *pmd = pmd_off_k(addr);
	pte_t *pte;

	pr_alert("[%08x] *pgd=%08x", addr, pmd[0]);
	if (pmd_none(pmd[0]) || pmd_bad(pmd[0]) ||
	    (pmd[0] & PAGE_MASK) >= arm_lowmem_limit) {
		if (pmd_bad(pmd[0]))
			pr_cont("(bad)");
		pr_cont("\n");
		return;
	}
	pte = pte_offset_kernel(pmd, addr);
	pr_cont(", *pte=%08x, *ppte=%08x\n", pte[0], pte[PTE_HWTABLE_PTRS]);
}

/* Linux's __do_kernel_fault message for an abort nobody fixed up. */
static void kernel_fault(u32 addr, u32 fsr, bool prefetch, struct pt_regs *regs)
{
	pr_alert("8<--- cut here ---\n");
	pr_alert("Unable to handle kernel %s at virtual address %08x when %s\n",
		 addr < PAGE_SIZE ? "NULL pointer dereference" : "paging request", addr,
		 prefetch ? "execute" : (fsr & FSR_WRITE) ? "write" : "read");
	pr_alert("[%08x] %s (%s 0x%03x)\n", addr, fsr_name(fsr, prefetch),
		 prefetch ? "IFSR" : "DFSR", fsr);
	show_pte(addr);
	die("Oops", regs, (fsr_fs(fsr) & 0x1f) | (fsr & FSR_WRITE));
}

/* Data abort from kernel mode: DFAR holds the address, DFSR why. */
void do_DataAbort(struct pt_regs *regs)
{
	u32 fsr = read_dfsr(), far = read_dfar();

	if (fixup_exception(regs, fsr, far, false))
		return;
	kernel_fault(far, fsr, false, regs);
}

/* Prefetch abort: the kernel tried to execute from IFAR. */
void do_PrefetchAbort(struct pt_regs *regs)
{
	u32 fsr = read_ifsr(), far = read_ifar();

	if (fixup_exception(regs, fsr, far, true))
		return;
	kernel_fault(far, fsr, true, regs);
}

/* Undefined instruction in the kernel: always an oops. */
void do_undefinstr(struct pt_regs *regs)
{
	if (fixup_exception(regs, 0, regs->ARM_pc, false))
		return;
	pr_alert("Internal error: undefined instruction %08lx at pc %08lx\n",
		 *(unsigned long *)regs->ARM_pc, regs->ARM_pc);
	die("Oops - undefined instruction", regs, 0);
}

/* FIQ and other exceptions pimm never enables. */
void do_bad_mode(struct pt_regs *regs)
{
	pr_crit("Bad mode in %s handler detected\n", processor_mode_name(regs->ARM_cpsr));
	die("Oops - bad mode", regs, 0);
}

void do_reset_vector(void)
{
	panic("do_reset_vector: jumped through the reset vector (a NULL function pointer?)");
}

/*
 * paging_init's devicemaps_init: fill the vectors page (mapped at 0xffff0000) with a copy of
 * entry.S's table - 8 "ldr pc" + their literal handler addresses, position independent - and
 * the stubs page (0xffff1000) with the literal table alone (pimm's vector stubs call C with
 * relative branches and stay in kernel text). The rest is poisoned with an undefined
 * instruction, as Linux does.
 *
 *   0xffff0000  ldr pc, [pc, #24] x 8 | 8 handler addresses | 0xe7fddef1 ...
 *   0xffff1000  8 handler addresses   | 0xe7fddef1 ...
 */
void __init early_trap_init_vectors(void *vectors)
{
	size_t len = __vectors_end - __vectors_start;
	u32 *v = vectors;

	for (unsigned int i = 0; i < 2 * PAGE_SIZE / 4; i++)
		v[i] = 0xe7fddef1;
	memcpy(vectors, __vectors_start, len);
	memcpy((char *)vectors + PAGE_SIZE, __vectors_start + len / 2, len / 2);
	flush_icache_range((unsigned long)vectors, (unsigned long)vectors + 2 * PAGE_SIZE);
}

/* Point VBAR at the vector table (the high-vectors page replaces this in paging_init). */
void __init early_trap_init(void)
{
	write_vbar((u32)__vectors_start);
	__asm__ __volatile__("isb");
}
