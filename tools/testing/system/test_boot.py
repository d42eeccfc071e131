#!/usr/bin/env python3
"""Boot, the console shell and its general commands, faults, boot protocol cases."""
import os
import re
import shutil
import subprocess
import tempfile
import time

from systest import boot, case, expect_error, pimm, run

MACHINE_WARNING = "pimm: no machine matches the root compatible"  # Linux is silent


def test_dtb(name):
    """build/dts/tests/NAME.dtb, built if needed."""
    bdir = pimm.ensure_built()
    rel = os.path.join("dts", "tests", name + ".dtb")
    if not os.path.exists(os.path.join(bdir, rel)):
        subprocess.run(["ninja", "-C", bdir, rel], check=True, capture_output=True)
    return os.path.join(bdir, rel)


@case
def boots_to_prompt_with_linux_lines():
    m = boot()
    log = m.boot_log
    for pat in [r"\[    0\.000000\] Booting pimm on physical CPU 0xf00",
                r"CPU: ARMv7 Processor \[410fc075\] revision 5 \(ARMv7\), cr=[0-9a-f]{8}",
                r"OF: fdt: Machine model: Raspberry Pi 2 Model B",
                r"Kernel command line: ",
                r"Boot: image loaded at 0x00010000, moved to 0x00008000",
                r"CPU: All CPU\(s\) started in SVC mode\."]:
        assert re.search(pat, log), f"missing {pat!r} in boot log"
    stamps = [float(s) for s in re.findall(r"^\[ *(\d+\.\d{6})\] ", log, re.M)]
    assert stamps == sorted(stamps), "timestamps go backwards"
    assert m.poweroff() == 0


@case
def poweroff_exits_zero():
    m = boot()
    assert m.poweroff() == 0


@case
def help_lists_every_command_and_usage():
    m = boot()
    out = m.cmd("help")
    for c in ["help", "version", "dmesg", "cmdline", "uptime", "peek", "poke", "poweroff", "reboot"]:
        assert re.search(rf"^  {c}\b", out, re.M), f"help does not list {c}"
    names = re.findall(r"^  ([a-z][\w-]*)", out, re.M)
    assert names == sorted(names) and len(names) >= 20, names
    assert "usage: peek ADDR [N]" in m.cmd("help peek")
    expect_error(m, "help nosuchcmd", "no such command")
    expect_error(m, "help a b")


@case
def unknown_command_and_bad_lines():
    m = boot()
    out = m.cmd("frobnicate 1 2")
    assert out.strip() == "frobnicate: command not found (try 'help')", out
    assert m.cmd("") == ""
    assert "unterminated quote" in m.cmd('peek "0x80008000')
    assert "too many arguments" in m.cmd("help " + " ".join(["x"] * 20))
    assert "version" in m.cmd("version")


@case
def version_cmdline_uptime():
    m = boot(append="loglevel=7 foo=bar baz")
    assert m.cmd("version").startswith("pimm version ")
    assert m.cmd("cmdline").strip() == "loglevel=7 foo=bar baz"
    assert 'Unknown kernel command line parameters "foo=bar baz", will be passed to user space.' \
        in m.boot_log
    u1 = float(re.search(r"up (\d+\.\d+) s", m.cmd("uptime")).group(1))
    time.sleep(0.3)
    out = m.cmd("uptime")
    u2 = float(re.search(r"up (\d+\.\d+) s", out).group(1))
    assert u2 > u1, (u1, u2)
    hz = int(re.search(r"at (\d+) Hz", out).group(1))
    assert hz == 62500000, "QEMU's CNTFRQ is 62.5 MHz"
    for c in ["version x", "cmdline x", "uptime x", "dmesg x", "poweroff x", "reboot x"]:
        expect_error(m, c)


@case
def dmesg_replays_the_boot_log():
    m = boot()
    out = m.cmd("dmesg")
    assert "Booting pimm on physical CPU 0xf00" in out
    assert "Kernel command line:" in out
    assert out.count("Booting pimm") == 1
    # a record of several lines: every line has its timestamp and keeps its indentation, on
    # the console as in dmesg (the layout block)
    lines = re.findall(r"^(\[ *\d+\.\d{6}\] (    vector  : |      \.text : ).*)$", m.boot_log, re.M)
    assert len(lines) == 2, m.boot_log[:4000]
    for line, _ in lines:
        assert re.search("^" + re.escape(line) + "$", out, re.M), (line, out[:3000])


@case
def quiet_hides_info_but_dmesg_keeps_it():
    m = boot(append="quiet")
    # lines printed before the early parameters are parsed still show, as with Linux's earlycon
    assert "arch_timer:" not in m.boot_log and "Kernel command line" not in m.boot_log
    out = m.cmd("dmesg")
    assert "arch_timer:" in out and "Kernel command line: quiet" in out


@case
def loglevel_and_ignore_loglevel():
    m = boot(append="loglevel=4")
    assert "arch_timer:" not in m.boot_log and "arch_timer:" in m.cmd("dmesg")
    m.close()
    m = boot(append="quiet ignore_loglevel")
    assert "arch_timer:" in m.boot_log, "ignore_loglevel prints every level"
    m.close()
    m = boot(append="loglevel=zz")
    assert "Malformed early option 'loglevel'" in m.boot_log  # Linux's do_early_param
    assert "arch_timer:" in m.boot_log


@case
def peek_poke_and_their_bad_input():
    m = boot()
    out = m.cmd("peek 0x80008024")
    assert re.match(r"0x80008024: 016f2818\n", out), out  # the zImage magic in our header
    out = m.cmd("peek 0x80008000 6")
    assert len(out.strip().splitlines()) == 2
    assert m.cmd("poke 0x80300000 0x12345678").strip() == "0x80300000: 12345678"
    assert m.cmd("peek 0x80300000").startswith("0x80300000: 12345678")
    assert m.cmd("poke 0x80300000 4K").strip() == "0x80300000: 00001000"
    expect_error(m, "peek", )
    expect_error(m, "peek zzz", "bad address")
    expect_error(m, "peek 0x80008001", "not word aligned")
    expect_error(m, "peek 0x100000000", "out of range")
    expect_error(m, "peek 99999999999999999999999", "out of range")
    expect_error(m, "peek 0x80008000 0", "count")
    expect_error(m, "peek 0x80008000 5000", "count")
    expect_error(m, "peek 0xfffffffc 2", "runs past")
    expect_error(m, "poke 0x80300000", )
    expect_error(m, "poke 0x80300000 12G", "out of range")
    assert m.cmd("peek 0x80300000").startswith("0x80300000: 00001000"), "bad poke changed memory"


@case
def peek_of_unmapped_address_is_a_reported_fault():
    m = boot()
    out = expect_error(m, "peek 0x10000000", "section translation fault", "DFSR 0x005",
                       "DFAR 0x10000000")
    out = expect_error(m, "poke 0x10000000 1", "section translation fault", "DFSR 0x805")
    assert "Oops" not in m.cmd("dmesg"), "a fixed-up fault must not oops"
    assert m.poweroff() == 0


@case
def tab_completion_history_and_line_editing():
    m = boot()
    out = m.cmd("vers\tx\x7f")  # tab completes "version ", x then backspace
    assert out.startswith("pimm version"), out
    m.send("\x1b[A\n")  # up arrow: the last line again
    m.wait_for(r"pimm version.*\n.*pimm> ")
    out = m.cmd("garbage\x15version")  # Ctrl-U clears the line
    assert out.startswith("pimm version"), out
    m.send("junk\x03")  # Ctrl-C abandons the line
    m.wait_for(r"\^C\npimm> ")
    out = m.cmd("p\t")  # ambiguous: lists candidates
    assert "peek" in out and "poke" in out and "poweroff" in out, out


@case
def crlf_and_cr_line_endings():
    m = boot()
    m.send("version\r\n")
    m.wait_for(r"pimm version.*\npimm> ")
    m.send("version\r")
    m.wait_for(r"pimm version.*\npimm> ")
    out = m.cmd("cmdline")
    assert "command not found" not in out


@case
def reboot_comes_back():
    m = boot()
    m.send("reboot\n")
    m.wait_for(r"Restarting system")
    m.wait_for(r"Booting pimm on physical CPU", 15)
    m.wait_for(r"pimm> ", 15)
    assert m.poweroff() == 0


@case
def hyp_entry_through_hvc():
    """QEMU enters in SVC; `hvc` re-enters the kernel entry in HYP: head.S must drop to SVC."""
    m = boot()
    assert "started in SVC mode" in m.boot_log
    m.send("hvc\n")
    m.wait_for(r"Rebooting through hvc")
    m.wait_for(r"Booting pimm on physical CPU 0xf00", 15)
    m.wait_for(r"CPU: WARNING: CPU\(s\) started in wrong/inconsistent modes \(primary CPU mode 0x1a\)", 15)
    m.wait_for(r"pimm> ", 15)
    assert m.cmd("version").startswith("pimm version")
    expect_error(m, "hvc", "entered in HYP mode")
    expect_error(m, "hvc x")
    assert m.poweroff() == 0


@case
def atags_without_dtb_gets_a_clear_error():
    m = boot(dtb="none", wait_prompt=False)
    m.wait_for(r"Error: invalid dtb and unrecognized/unsupported machine ID")
    m.wait_for(r"r2=0x00000100 does not point to a flattened device tree")
    m.wait_for(r"ATAGS are not supported")


@case
def every_kind_of_kernel_fault_is_reported_and_survived():
    m = boot()
    out = m.cmd("crash exec 0x10000000")   # prefetch abort
    assert "Unable to handle kernel paging request at virtual address 10000000 when execute" in out
    assert "section translation fault (IFSR 0x005)" in out and "PC is at 0x10000000" in out, out
    out = m.cmd("crash write 0x80100000")  # kernel text is read-only
    assert "when write" in out and "section permission fault (DFSR 0x80d)" in out, out
    assert "Internal error: Oops: 80d [#2] SMP ARM" in out, out
    out = m.cmd("crash undef")
    assert "Internal error: Oops - undefined instruction: 0 [#3] SMP ARM" in out, out
    assert re.search(r"PC is at cmd_crash\+0x[0-9a-f]+/0x[0-9a-f]+", out), out
    expect_error(m, "crash bogus", "unknown kind")
    expect_error(m, "crash read", "needs an ADDR")
    expect_error(m, "crash read zz", "bad address")
    expect_error(m, "crash")
    assert m.poweroff() == 0


@case
def kernel_oops_in_a_command_recovers_to_the_shell():
    m = boot()
    out = m.cmd("crash null")
    assert "Unable to handle kernel NULL pointer dereference at virtual address 00000000" in out \
        or "Unable to handle kernel NULL pointer dereference at virtual address 00000000" in m.cmd("dmesg"), out
    assert "version" in m.cmd("version")


@case
def unknown_board_boots_on_bcm2836_with_one_warning():
    """A root compatible naming no known board: one warning line naming the list, before the
    model line, then the whole boot on the one machine (IRQs, timer, CPUs, console input)."""
    m = boot(dtb=test_dtb("unknown-board"))
    log = m.boot_log
    warn = re.findall(r"^\[ *\d+\.\d{6}\] (" + re.escape(MACHINE_WARNING) + r".*)$", log, re.M)
    assert warn == [MACHINE_WARNING + ' ["acme,unknown-board", "acme,unknown-soc"], booting as '
                    "BCM2836"], warn
    assert log.index(MACHINE_WARNING) < log.index("OF: fdt: Machine model: Unknown board (test)")
    assert "smp: Brought up 1 node, 4 CPUs" in log, log
    assert "4 of 4 CPUs online" in m.cmd("cpus")
    assert re.search(r"up \d+\.\d{6} s \(counter \d+ at [1-9]\d* Hz\)", m.cmd("uptime"))
    assert m.poweroff() == 0


@case
def known_boards_boot_without_the_machine_warning():
    """"brcm,bcm2836" anywhere in the root compatible, in any case, picks BCM2836 silently; so
    does the default tree (the SoC second, after the board)."""
    for dtb in (None, test_dtb("known-board-case")):
        m = boot(dtb=dtb)
        assert MACHINE_WARNING not in m.boot_log, m.boot_log
        assert "smp: Brought up 1 node, 4 CPUs" in m.boot_log
        assert m.poweroff() == 0


@case
def console_handover_prints_each_line_once():
    """The early console shows the lines logged before it registered; the real console that
    replaces it shows no replay: every boot line appears exactly once, in order."""
    m = boot()
    log = m.boot_log
    lines = re.findall(r"^\[ *\d+\.\d{6}\] .*$", log, re.M)
    assert lines[0].endswith("Booting pimm on physical CPU 0xf00"), lines[:3]
    assert len(lines) == len(set(lines)), [l for l in lines if lines.count(l) > 1]
    assert log.count("pimm version ") == 1 and log.count("Checked W+X mappings") == 1, log
    # the dmesg replay shows the same lines as the console did (nothing lost in the hand-over)
    out = m.cmd("dmesg")
    dmesg = iter(re.findall(r"^\[ *\d+\.\d{6}\] .*$", out, re.M))
    missing = [l for l in lines if not any(d == l for d in dmesg)]  # in order; debug lines skipped
    assert not missing, missing[:3]
    assert m.poweroff() == 0


# ---- the early console writes through the fixmap (Linux's earlycon_map) -----------------------

EARLY_UART_VIRT = 0xFE201000   # head.S's UART section, in the static I/O map
EARLY_UART_PHYS = 0x3F201000
FIXMAP_EARLYCON = 0xFFEFF000   # fix_to_virt(FIX_EARLYCON_MEM_BASE)


def gdb_batch(m, sock, *cmds, timeout=60):
    """gdb-multiarch -batch on machine m's gdb socket (the booted kernel.elf's symbols): run
    cmds, then detach (which lets the guest run on). Returns the values printed (`p` -> [$1,
    $2...]); a gdb that never gets there (a hang before the breakpoint) fails with the console."""
    args = ["gdb-multiarch", "-batch", "-nx", m.elf,
            "-ex", "set confirm off", "-ex", "set pagination off", "-ex", f"target remote {sock}"]
    for c in list(cmds) + ["detach"]:
        args += ["-ex", c]
    try:
        out = subprocess.run(args, capture_output=True, text=True, timeout=timeout).stdout
    except subprocess.TimeoutExpired:
        raise AssertionError("gdb timed out; console tail:\n" + m.buf[-2000:]) from None
    assert "detached" in out, "gdb did not detach:\n" + out[-3000:]
    return re.findall(r"^\$\d+ = (.*)$", out, re.M)


def stopped_at_map_io(m, sock):
    """Run machine m (paused at reset) to machine_desc->map_io; there, read the UART's pmd pair
    and the early console's registers' addresses; then let it go on."""
    l1 = EARLY_UART_VIRT >> 20
    return gdb_batch(m, sock, "break bcm2836_map_io", "continue",
                     f"p/x ((unsigned int *)init_mm_pgd)[{l1}]",
                     f"p/x ((unsigned int *)init_mm_pgd)[{l1 + 1}]",
                     "p/x early_console_dev.membase",
                     "p/x early_console_dev.mapbase",
                     "p pl011_early_console.flags & 4",  # CON_ENABLED: still the console
                     "delete")


@case
def early_console_prints_through_the_fixmap_while_vmalloc_space_is_clear():
    """paging_init's devicemaps_init clears all of vmalloc space, head.S's UART section with it,
    before map_io re-creates the static I/O map (Linux's devicemaps_init); memblock=debug prints
    in between (iotable_init's allocation), and those lines still reach the terminal, because
    the early console writes through its fixmap slot (Linux's earlycon_map), which
    early_fixmap_shutdown kept. Stopped at machine_desc->map_io through the gdb stub: the UART's
    pmd pair is empty and the console's registers are at the fixmap slot; then the boot goes
    on to the prompt, and after it the slot still walks to the UART."""
    tmp = tempfile.mkdtemp(prefix="pimm-earlycon-")  # the socket's path must precede QEMU
    sock = os.path.join(tmp, "gdb.sock")
    try:
        m = boot(append="memblock=debug", wait_prompt=False,
                 extra=["-gdb", f"unix:{sock},server,nowait", "-S"])
        end = time.monotonic() + 20
        while not os.path.exists(sock):
            assert time.monotonic() < end, "no gdb socket"
            time.sleep(0.05)
        vals = stopped_at_map_io(m, sock)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    assert vals[:5] == ["0x0", "0x0", hex(FIXMAP_EARLYCON), hex(EARLY_UART_PHYS), "4"], vals
    m.wait_for(r"pimm> ", 30)
    log = m.buf
    # map_io's own line (its iotable_init allocates the board's 2 static_vm records, 80 bytes),
    # printed while the section was gone, reached the terminal once, in its place
    mapio = re.findall(r"^\[ *\d+\.\d{6}\] memblock_alloc_try_nid: (\d+) bytes .* iotable_init\+",
                       log, re.M)
    assert mapio and mapio[-1] == "80" and log.count(" 80 bytes align=0x4 ") == 1, mapio
    assert log.rindex("iotable_init+") < log.index("Zone ranges:"), log[:3000]
    lines = re.findall(r"^\[ *\d+\.\d{6}\] .*$", log, re.M)
    assert lines[0].endswith("Booting pimm on physical CPU 0xf00"), lines[:3]
    assert log.count("CPU: ARMv7 Processor") == 1 and log.count("Checked W+X mappings") == 1
    out = m.cmd(f"walk {FIXMAP_EARLYCON:#x}")
    assert re.search(rf"^  PA 0x{EARLY_UART_PHYS:08x}$", out, re.M) and "(agrees)" in out, out
    assert m.poweroff() == 0


if __name__ == "__main__":
    run()
