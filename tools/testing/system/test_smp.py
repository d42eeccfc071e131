#!/usr/bin/env python3
"""SMP: CPUs 1-3 brought up, IPIs, `cpus`, `on CPU COMMAND`."""
import os
import re
import subprocess

from systest import boot, case, expect_error, run


def elf_symbols(bdir, *names):
    out = subprocess.run(["arm-none-eabi-nm", os.path.join(bdir, "kernel.elf")], check=True,
                         capture_output=True, text=True).stdout
    syms = {l.split()[2]: int(l.split()[0], 16) for l in out.splitlines() if len(l.split()) == 3}
    return [syms[n] for n in names]


@case
def four_cpus_come_up_with_linux_lines():
    m = boot()
    log = m.boot_log
    for cpu in range(4):
        assert f"CPU{cpu}: thread -1, cpu {cpu}, socket 15, mpidr 80000f0{cpu}" in log, cpu
    assert "smp: Bringing up secondary CPUs ..." in log
    assert "smp: Brought up 1 node, 4 CPUs" in log
    assert "SMP: Total of 4 processors activated (500.00 BogoMIPS)." in log  # 62.5 MHz timer
    assert m.poweroff() == 0


@case
def secondary_entry_code_lies_in_reserved_text():
    """CPUs 1-3 start long after memblock_free_all: what they run with the MMU off
    (secondary_startup, __v7_setup, __turn_mmu_on) must be in [_stext, _etext), which memblock
    reserves, not in the head below _stext, whose pages the buddy allocator hands out."""
    m = boot()
    text, stext, etext, *code = elf_symbols(m.boot_dir, "_text", "_stext", "_etext",
                                            "secondary_startup", "__v7_setup", "__turn_mmu_on")
    assert all(stext <= a < etext for a in code), [hex(a) for a in code]
    out = m.cmd(f"whatis {code[0] - text + 0x8000:#x}")  # _text is loaded at PA 0x8000
    assert re.search(r"memblock.reserved\[\d+\]: .* owner: kernel", out), out
    assert "allocator: reserved (PG_reserved" in out, out
    assert m.poweroff() == 0


@case
def cpus_lists_each_cpu_from_itself():
    m = boot()
    out = m.cmd("cpus")
    rows = re.findall(r"^ +(\d)  (80000f0\d)  (\w+) +(\w+) +0x([0-9a-f]{8})", out, re.M)
    assert [r[0] for r in rows] == ["0", "1", "2", "3"], out
    for cpu, mpidr, entry, now, _ in rows:
        assert mpidr == f"80000f0{cpu}" and entry == "SVC" and now == "SVC", out
    assert "4 of 4 CPUs online" in out
    sctlr = re.findall(r" ([0-9a-f]{8})$", out, re.M)
    assert len(sctlr) == 4 and len(set(sctlr)) == 1, f"CPUs differ in SCTLR: {sctlr}"
    assert int(sctlr[0], 16) & (1 << 13), "SCTLR.V: the high vectors page at 0xffff0000"
    expect_error(m, "cpus 1")


@case
def on_runs_a_command_on_that_cpu():
    m = boot()
    before = m.cmd("cpus")
    callfn = {r[0]: int(r[1]) for r in re.findall(r"^ +(\d)  .* (\d+)  [0-9a-f]{8}$", before, re.M)}
    m.cmd("on 2 version")
    after = m.cmd("cpus")
    callfn2 = {r[0]: int(r[1]) for r in re.findall(r"^ +(\d)  .* (\d+)  [0-9a-f]{8}$", after, re.M)}
    assert callfn2["2"] > callfn["2"], (before, after)  # CPU 2 took function-call IPIs
    out = m.cmd("on 3 peek 0x10000000")
    assert "section translation fault" in out
    out = m.cmd("on 1 crash null")
    assert "Unable to handle kernel NULL pointer dereference at virtual address 00000000" in out
    assert "stopped by a kernel oops" in out
    assert m.cmd("on 1 version").startswith("pimm version"), "CPU 1 did not survive its oops"
    assert m.cmd("on 0 version").startswith("pimm version")


@case
def on_refuses_bad_cpus_and_commands():
    m = boot()
    expect_error(m, "on 4 version", "no CPU 4")
    expect_error(m, "on 99999999999 version", "out of range")
    expect_error(m, "on x version", "bad CPU number")
    expect_error(m, "on 1 nosuch", "command not found")
    expect_error(m, "on 1 on 2 version", "cannot be nested")
    expect_error(m, "on 1")
    expect_error(m, "on")
    assert m.cmd("on 2 hvc").strip() == "hvc: runs on CPU 0 only (QEMU re-enters the boot CPU)"
    assert "4 of 4 CPUs online" in m.cmd("cpus")


@case
def hvc_reboot_parks_and_brings_cpus_up_again():
    """After `hvc` CPU 0 re-enters in HYP; CPUs 1-3 wait in the spin table the old kernel left
    (in SVC), so Linux's mode-mismatch warning is the right report."""
    m = boot()
    m.send("hvc\n")
    m.wait_for(r"Rebooting through hvc")
    m.wait_for(r"smp: Brought up 1 node, 4 CPUs", 15)
    m.wait_for(r"CPU: WARNING: CPU\(s\) started in wrong/inconsistent modes \(primary CPU mode 0x1a\)", 5)
    m.wait_for(r"pimm> ", 5)
    out = m.cmd("cpus")
    assert re.search(r"^ +0  80000f00  HYP   SVC", out, re.M), out
    assert len(re.findall(r"^ +[123]  80000f0[123]  SVC   SVC", out, re.M)) == 3, out
    assert m.poweroff() == 0


@case
def smp_and_percpu_in_the_3g_split():
    m = boot(options=["-Dvmsplit=3G"])
    assert "smp: Brought up 1 node, 4 CPUs" in m.boot_log
    assert re.search(r"HighMem  \[mem 0x0000000030000000-0x000000003bffffff\]", m.boot_log)
    out = m.cmd("on 3 percpu")
    tp = re.search(r"this CPU: 3, TPIDRPRW 0x([0-9a-f]{8}), this_cpu_ptr\(&irq_count\) = "
                   r"0x([0-9a-f]{8})", out)
    assert tp, out
    assert 0xc0000000 <= int(tp.group(2), 16) < 0xf0000000, "the unit lies in 3G lowmem"
    assert "4 of 4 CPUs online" in m.cmd("cpus")
    assert m.poweroff() == 0


@case
def percpu_first_chunk_sized_as_linux():
    m = boot()
    start, end = elf_symbols(m.boot_dir, "__per_cpu_start", "__per_cpu_end")
    s = end - start
    size_sum = (s + 8192 + 20480 + 4095) // 4096 * 4096   # PFN_ALIGN(s + r + max(d, 12K))
    unit = max(size_sum, 32768)
    line = f"percpu: Embedded {size_sum // 4096} pages/cpu s{s} r8192 d{size_sum - s - 8192} u{unit}"
    assert line in m.boot_log, (line, m.boot_log)
    out = m.cmd("percpu")
    units = re.findall(r"^ +(\d)  +(\d)  0x([0-9a-f]{8})  0x([0-9a-f]{8})$", out, re.M)
    assert len(units) == 4, out
    bases = [int(u[2], 16) for u in units]
    offs = [int(u[3], 16) for u in units]
    assert all(b2 - b1 == unit for b1, b2 in zip(bases, bases[1:])), out
    assert all(b - o == start for b, o in zip(bases, offs)), "offset = unit - __per_cpu_start"
    for cpu in range(4):
        mine = m.cmd(f"on {cpu} percpu")
        tp = re.search(r"this CPU: (\d), TPIDRPRW 0x([0-9a-f]{8})", mine)
        assert tp and int(tp.group(1)) == cpu and int(tp.group(2), 16) == offs[cpu], mine
    # every CPU takes its own ticks: the counters differ per unit
    ticks = re.search(r"^tick_count +(\d+) +(\d+) +(\d+) +(\d+)$", m.cmd("percpu"), re.M)
    assert ticks and all(int(t) > 0 for t in ticks.groups()), out
    expect_error(m, "percpu x")


if __name__ == "__main__":
    run()
