#!/usr/bin/env python3
"""Boot and oops robustness: load addresses and DTB placement (arch/arm/boot/head.S), an oops
inside `on CPU COMMAND` (kernel/shell/shell.c's run_cmd), and panic() stopping the other CPUs
(kernel/panic.c, smp_send_stop in arch/arm/kernel/smp.c).

Load addresses and DTB placements QEMU's -kernel/-dtb cannot produce are made through its gdb
stub (pimm.Machine's overwrite=): before the first instruction, the image is written at the
load address under test, a DTB file (if any) at its address, and a 7-word boot stub at PA 0,
where CPU 0 starts. The stub does what QEMU's own one does (Linux's boot protocol, as
documented in Linux's Documentation/arm/booting.rst): r0 = 0, r1 = machine type, r2 = the DTB,
then jump to the image. The boot log's "Boot: image loaded at ..." line proves which address
was entered. QEMU's secondary-CPU stub at 0x300 is left alone (no load address here covers it).
"""
import os
import re
import struct
import subprocess
import tempfile
import time

from systest import boot, case, run  # (systest puts pimm on sys.path)
import pimm  # noqa: E402

KERNEL_PHYS_START = 0x8000
SWAPPER_PG_DIR_PHYS = 0x4000
QEMU_DTB_PA = 0x08000000       # where QEMU puts the (edited) DTB without -initrd
RASPI2_MACHINE = 0xc43         # the machine type QEMU's raspi2b passes in r1
TS = re.compile(r"^\[ *\d+\.\d{6}\] ", re.M)

_tmp = tempfile.mkdtemp(prefix="pimm-robust-")


def elf_symbols(bdir, *names):
    out = subprocess.run(["arm-none-eabi-nm", os.path.join(bdir, "kernel.elf")], check=True,
                         capture_output=True, text=True).stdout
    syms = {l.split()[2]: int(l.split()[0], 16) for l in out.splitlines() if len(l.split()) == 3}
    return [syms[n] for n in names]


def kernel_end_pa():
    """PA of _end (PHYS_OFFSET 0: PA = VA - PAGE_OFFSET = VA - _head + 0x8000)."""
    end, head = elf_symbols(pimm.build_dir_for(), "_end", "_head")
    return end - head + KERNEL_PHYS_START


def write_file(name, data):
    path = os.path.join(_tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def boot_stub(entry, dtb_pa):
    """ARM code for PA 0: mov r0, #0; ldr r1, =machine; ldr r2, =dtb; ldr pc, =entry."""
    return struct.pack("<7I", 0xe3a00000, 0xe59f1004, 0xe59f2004, 0xe59ff004,
                       RASPI2_MACHINE, dtb_pa, entry)


def lab_dtb(totalsize=None):
    """The default board DTB as built (not QEMU's edited copy), its header's totalsize
    optionally raised (zero padding: a legal blob that reaches further)."""
    with open(os.path.join(pimm.build_dir_for(), "dts", "rpi2b-lab.dtb"), "rb") as f:
        blob = bytearray(f.read())
    if totalsize:
        blob[4:8] = struct.pack(">I", totalsize)
        blob += bytes(totalsize - len(blob))
    return bytes(blob)


def boot_loaded_at(load, dtb_pa=QEMU_DTB_PA, dtb=None, wait_prompt=True):
    """Boot with the image entered at PA load (and a DTB written at dtb_pa, if given)."""
    bdir = pimm.ensure_built()
    tag = f"{load:x}-{dtb_pa:x}"
    ow = [(write_file(f"stub-{tag}.bin", boot_stub(load, dtb_pa)), 0),
          (os.path.join(bdir, "kernel7.img"), load)]
    if dtb is not None:
        ow.append((write_file(f"dtb-{tag}.dtb", dtb), dtb_pa))
    return boot(overwrite=ow, wait_prompt=wait_prompt)


def log_lines(text):
    """The console text without timestamps, the version line (build time) and the Boot line."""
    text = TS.sub("", text)
    return [l for l in text.splitlines()
            if not l.startswith("pimm version ") and not l.startswith("Boot: image loaded")]


def assert_boots_like_qemu_load(load):
    ref = boot()
    ref_log = log_lines(ref.boot_log)
    assert ref.poweroff() == 0
    m = boot_loaded_at(load)
    assert f"Boot: image loaded at 0x{load:08x}, moved to 0x00008000" in m.boot_log, \
        "the stub did not enter the image at the address under test"
    assert log_lines(m.boot_log) == ref_log, "boot log differs from the boot at QEMU's address"
    assert "4 of 4 CPUs online" in m.cmd("cpus")
    out = m.cmd("mm-check")
    assert re.search(r"\d+ checks, 0 violations", out), out
    assert m.poweroff() == 0


# ---- head.S: any legal load address works ----------------------------------------------------

@case
def loaded_0x100_below_0x8000_boots():
    # gap 0x100: the upward copy used to overwrite its own loop and hang without a word
    assert_boots_like_qemu_load(0x7f00)


@case
def loaded_0x180_below_0x8000_boots():
    # gap 0x180: the copy used to survive corrupted and report a false "invalid dtb"
    assert_boots_like_qemu_load(0x7e80)


@case
def loaded_far_below_0x8000_boots():
    assert_boots_like_qemu_load(0x1000)


@case
def loaded_8_bytes_above_0x8000_boots():
    # a gap smaller than the head: used to stop with "image loaded at ... lies inside"
    assert_boots_like_qemu_load(0x8008)


@case
def loaded_just_above_0x8000_boots():
    assert_boots_like_qemu_load(0x8100)


@case
def loaded_far_above_boots():
    assert_boots_like_qemu_load(0x01000000)


@case
def loaded_at_qemu_address_through_the_stub_boots():
    assert_boots_like_qemu_load(0x10000)


# ---- head.S: the DTB is checked, whole, before anything is copied ----------------------------

def assert_dtb_refused(load, dtb_pa, dtb):
    end = kernel_end_pa()
    m = boot_loaded_at(load, dtb_pa, dtb, wait_prompt=False)
    m.wait_for(re.escape(
        f"Error: the device tree at 0x{dtb_pa:08x}..0x{dtb_pa + len(dtb):08x} overlaps the "
        f"kernel's memory (initial page table, image, .bss: PA 0x{SWAPPER_PG_DIR_PHYS:08x}.."
        f"0x{end:08x}): load it higher."), 10)
    assert "Booting pimm" not in m.buf and "invalid dtb" not in m.buf, m.buf


@case
def dtb_whose_tail_the_copy_would_overwrite_is_refused():
    # starts below the page table, ends inside the image's destination: the start alone passed
    assert_dtb_refused(0x10000, 0x3000, lab_dtb(totalsize=0x6000))
    # loaded below 0x8000: the DTB ends where the image starts (whose copy moves up over it)
    assert_dtb_refused(0x7f00, 0x1000, lab_dtb(totalsize=0x6f00))


@case
def dtb_whose_tail_reaches_the_page_table_is_refused():
    dtb = lab_dtb()
    assert_dtb_refused(0x10000, SWAPPER_PG_DIR_PHYS - 0x100, dtb)


@case
def dtb_inside_the_kernel_is_refused():
    dtb = lab_dtb()
    assert_dtb_refused(0x10000, 0x6000, dtb)                     # the page table
    assert_dtb_refused(0x10000, (kernel_end_pa() - 0x100) & ~7, dtb)  # .bss


@case
def dtb_just_clear_of_the_kernel_boots():
    dtb = lab_dtb()
    below = (SWAPPER_PG_DIR_PHYS - len(dtb)) & ~7                # ends at or before 0x4000
    above = (kernel_end_pa() + 7) & ~7                          # starts at or after _end
    for load, pa in ((0x10000, below), (0x7f00, below), (0x10000, above), (0x7f00, above)):
        m = boot_loaded_at(load, pa, dtb)
        assert "Machine model: Raspberry Pi 2 Model B" in m.boot_log, (load, pa)
        assert m.poweroff() == 0



# ---- gdb on a running kernel -----------------------------------------------------------------

def boot_with_gdb():
    """A normal boot (QEMU's load address and DTB) whose gdb stub stays open: the stub at PA 0
    is the only thing written, so the gdb socket exists (pimm.Machine opens it for overwrite=)."""
    return boot_loaded_at(0x10000, wait_prompt=True)


def gdb(m, setup=(), trigger=None, after=(), timeout=60):
    """Attach gdb-multiarch (kernel.elf's symbols) to the running guest: run the setup commands
    (breakpoints...), then, if trigger is given, `continue` and call trigger() (which types the
    command that reaches the breakpoint) once gdb is ready, then run the after commands and
    detach. Returns the values printed (`p` -> [$1, $2, ...] as strings)."""
    sock = os.path.join(m.tmp, "gdb.sock")  # pimm.Machine's gdb socket for overwrite=
    ready = os.path.join(m.tmp, "gdb-ready")
    args = ["gdb-multiarch", "-batch", "-nx", os.path.join(pimm.build_dir_for(), "kernel.elf"),
            "-ex", "set confirm off", "-ex", "set pagination off", "-ex", f"target remote {sock}"]
    for c in setup:
        args += ["-ex", c]
    if trigger:
        args += ["-ex", f"shell touch {ready}", "-ex", "continue"]
    for c in after:
        args += ["-ex", c]
    args += ["-ex", "detach"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        if trigger:
            end = time.monotonic() + timeout
            while not os.path.exists(ready):
                assert proc.poll() is None, "gdb ended early:\n" + proc.stdout.read()
                assert time.monotonic() < end, "gdb did not attach"
                time.sleep(0.05)
            trigger()
        out, _ = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "detached" in out, "gdb did not detach:\n" + out[-3000:]
    return re.findall(r"^\$\d+ = (.*)$", out, re.M)


PSR_I_BIT = 0x80
MODE_MASK, SVC_MODE = 0x1f, 0x13


def cpu_counts(m):
    """`cpus` -> {cpu: (irqs, ticks, callfn)}."""
    out = m.cmd("cpus")
    return {int(r[0]): (int(r[1]), int(r[2]), int(r[3])) for r in
            re.findall(r"^ +(\d)  80000f0\d .* (\d+) +(\d+) +(\d+)  [0-9a-f]{8}$", out, re.M)}


# ---- an oops inside `on CPU COMMAND` ---------------------------------------------------------

@case
def oops_in_ipi_handler_leaves_irqs_as_they_were():
    # the recovery runs inside CPU 1's IPI handler: it must not turn IRQs on there
    m = boot_with_gdb()
    cpsr, = gdb(m, setup=["break on_cpu_run"], trigger=lambda: m.send("on 1 crash null\n"),
                after=["finish", "p/x $cpsr", "delete"])
    m.wait_for(re.escape(pimm.PROMPT), 30)
    assert "crash: stopped by a kernel oops" in m.buf
    cpsr = int(cpsr, 16)
    assert cpsr & MODE_MASK == SVC_MODE, hex(cpsr)
    assert cpsr & PSR_I_BIT, f"IRQs on inside CPU 1's IPI handler after the oops: cpsr {cpsr:#x}"


@case
def cpu_survives_repeated_oopses_in_its_ipi_handler():
    m = boot()
    before = cpu_counts(m)
    for _ in range(4):
        out = m.cmd("on 1 crash null")
        assert "Unable to handle kernel NULL pointer dereference" in out, out
        assert "IRQs off" in out, "the oops report: IRQs are off in an IPI handler"
        assert "crash: stopped by a kernel oops" in out, out
        assert m.cmd("on 1 version").startswith("pimm version"), "CPU 1 stopped answering"
    time.sleep(0.2)
    after = cpu_counts(m)
    assert after[1][1] > before[1][1], f"CPU 1 stopped ticking: {before} -> {after}"
    assert after[1][2] >= before[1][2] + 8, f"CPU 1's function-call IPIs: {before} -> {after}"
    out = m.cmd("on 1 cpus")  # CPU 1 calls the others from its handler
    assert "4 of 4 CPUs online" in out, out
    assert m.poweroff() == 0


@case
def on_0_keeps_the_outer_recovery_point():
    m = boot_with_gdb()
    # inside `on 0 crash null`, once the inner command has recovered: the outer `on`'s
    # recovery point is back, and IRQs are still off (smp_call_function_single to itself)
    rec, cpsr = gdb(m, setup=["break on_cpu_run"], trigger=lambda: m.send("on 0 crash null\n"),
                    after=["finish", "p/x oops_recovery[0]", "p/x $cpsr", "delete"])
    m.wait_for(re.escape(pimm.PROMPT), 30)
    assert int(rec, 16) != 0, "the inner command cleared the outer `on`'s recovery point"
    assert int(cpsr, 16) & PSR_I_BIT, f"IRQs on inside local_irq_save: cpsr {cpsr}"
    out = m.cmd("crash null")
    assert "crash: stopped by a kernel oops" in out, out
    out = m.cmd("on 0 on 0 crash null")
    assert "on: 'on' cannot be nested" in out, out
    assert m.cmd("on 0 version").startswith("pimm version")
    rec, = gdb(m, after=["p/x oops_recovery[0]"])  # at the prompt, no command: none
    assert int(rec, 16) == 0, rec
    assert m.cmd("version").startswith("pimm version")
    assert m.poweroff() == 0


# ---- panic() stops the other CPUs ------------------------------------------------------------

PANIC_MSG_VA = 0x80001000  # a free lowmem byte range (PA 0x1000) for panic()'s message


def panic_through_gdb(m, msg="gdb-panicked", extra=(), cpu_threads=(1,)):
    """Make the given CPUs (gdb threads: CPU n is thread n + 1) call panic(msg) now: SVC mode,
    IRQs off, a fresh stack (CPU 0's boot stack; others their own sp), pc = panic."""
    cmds = list(extra) + [f'set {{char[{len(msg) + 1}]}}{PANIC_MSG_VA:#x} = "{msg}"']
    for t in cpu_threads:
        cmds += [f"thread {t}", "set $cpsr = 0x1d3"]
        if t == 1:
            cmds += ["set $sp = &init_thread_stack_top"]
        cmds += [f"set $r0 = {PANIC_MSG_VA:#x}", "set $pc = panic"]
    gdb(m, setup=cmds)


def cpu_states(m):
    """QEMU monitor `info registers -a` -> {cpu: (pc, psr)}."""
    text = m.monitor("info registers -a")
    states = {}
    for cpu, body in re.findall(r"CPU#(\d+)\n(.*?)(?=CPU#|\Z)", text, re.S):
        pc = int(re.search(r"R15=([0-9a-f]{8})", body).group(1), 16)
        psr = int(re.search(r"PSR=([0-9a-f]{8})", body).group(1), 16)
        states[int(cpu)] = (pc, psr)
    return states


@case
def panic_stops_the_other_cpus():
    m = boot_with_gdb()
    panic_through_gdb(m)
    m.wait_for(r"Kernel panic - not syncing: gdb-panicked\n", 30)
    m.wait_for(re.escape("---[ end Kernel panic - not syncing: gdb-panicked ]---"), 30)
    for cpu in (1, 2, 3):
        assert m.buf.count(f"CPU{cpu}: stopping\n") == 1, m.buf[-1500:]
    assert "failed to stop" not in m.buf
    start, size = (int(x, 16) for x in subprocess.run(
        ["arm-none-eabi-nm", "-S", os.path.join(pimm.build_dir_for(), "kernel.elf")],
        check=True, capture_output=True, text=True).stdout.split("handle_IPI")[0]
        .splitlines()[-1].split()[:2])
    time.sleep(0.2)
    states = cpu_states(m)
    for cpu in (1, 2, 3):
        pc, psr = states[cpu]
        assert psr & PSR_I_BIT and psr & MODE_MASK == SVC_MODE, f"CPU{cpu}: psr {psr:#x}"
        assert start <= pc < start + size, f"CPU{cpu} not parked in IPI_CPU_STOP: pc {pc:#x}"
    assert states[0][1] & PSR_I_BIT, "the panicking CPU has IRQs off"
    assert cpu_states(m)[1][0] == states[1][0], "CPU 1 still runs"


@case
def panic_reports_a_cpu_that_does_not_stop():
    m = boot_with_gdb()
    # CPU 1 with IRQs masked never takes IPI_CPU_STOP: smp_send_stop gives up, Linux's line
    panic_through_gdb(m, extra=["thread 2", "set $cpsr = $cpsr | 0x80"])
    m.wait_for(r"Kernel panic - not syncing: gdb-panicked\n", 30)
    m.wait_for(r"SMP: failed to stop secondary CPUs\n", 30)
    m.wait_for(re.escape("---[ end Kernel panic - not syncing: gdb-panicked ]---"), 30)
    assert "CPU1: stopping" not in m.buf
    for cpu in (2, 3):
        assert f"CPU{cpu}: stopping" in m.buf, m.buf[-1500:]


@case
def only_one_cpu_panics():
    m = boot_with_gdb()
    # CPUs 0 and 1 call panic() at the same moment: one reports, the other stops itself
    panic_through_gdb(m, cpu_threads=(1, 2))
    m.wait_for(re.escape("---[ end Kernel panic - not syncing: gdb-panicked ]---"), 30)
    time.sleep(0.5)
    assert m.buf.count("Kernel panic - not syncing: gdb-panicked\n") == 1, m.buf[-1500:]
    assert "failed to stop" not in m.buf, m.buf[-1500:]
    stopping = re.findall(r"CPU(\d): stopping", m.buf)
    assert sorted(stopping) == ["2", "3"], stopping


if __name__ == "__main__":
    run()
