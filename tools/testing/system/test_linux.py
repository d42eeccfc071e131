#!/usr/bin/env python3
"""Real Linux on pimm's device tree: Debian's ARMv7 multiplatform kernel (tools/get-linux-kernel)
boots on QEMU raspi2b with dts/rpi2b-lab.dts, finds its PL011 console (the uart0 node's clocks),
and where Linux and pimm print the same boot line for that tree, they agree.

Linux is booted with `console=ttyAMA0` only, no earlycon: nothing at all is printed unless the
amba-pl011 driver probes the uart0 node and registers ttyAMA0, which then replays the whole log.
Debian's kernel has the 3G split (PAGE_OFFSET 0xC0000000), so it is compared with pimm built with
-Dvmsplit=3G. Known differences, not compared: Debian's multiplatform kernel has CONFIG_ZONE_DMA
(its first zone is called DMA and "Normal" is empty; pimm has no ZONE_DMA, the same range is
its Normal zone), its own per-CPU sizes, kernel size and so total pages, and the control register
value in the "CPU:" line. The test skips (TAP SKIP) only when the kernel cannot be fetched here
(get-linux-kernel exits 2: no root to add the armhf architecture, or no mirror); without network
the kernel can be put in build/linux-kernel/vmlinuz by hand.
"""
import os
import re
import subprocess

from systest import Skip, boot, case, run
import pimm

APPEND = "console=ttyAMA0"
_kernel = []
_linux_log = []  # one Linux boot serves every case


def linux_kernel():
    """build/linux-kernel/vmlinuz, fetched by tools/get-linux-kernel the first time."""
    if not _kernel:
        bdir = pimm.ensure_built()
        r = subprocess.run([os.path.join(pimm.ROOT, "tools", "get-linux-kernel"), bdir],
                           capture_output=True, text=True, timeout=300)
        if r.returncode == 2:
            raise Skip("no Debian kernel here: " + (r.stderr.strip().splitlines() or ["?"])[-1])
        assert r.returncode == 0, r.stdout + r.stderr
        _kernel.append(os.path.join(bdir, "linux-kernel", "vmlinuz"))
    return _kernel[0]


def lines(log):
    """The boot log's lines without their [timestamp]."""
    return [re.sub(r"^\[[ 0-9.]+\] ", "", l) for l in log.replace("\r", "").split("\n")]


def block(log, head, item):
    """The lines after the line `head` that match regex `item`, up to the first that does not."""
    ls = lines(log)
    assert head in ls, (head, log[-3000:])
    out = []
    for l in ls[ls.index(head) + 1:]:
        if not re.match(item, l):
            break
        out.append(l)
    return out


def linux_log():
    """Linux's console log on build/dts/rpi2b-lab.dtb, up to its ttyAMA0 console (booted once;
    QEMU is stopped then: Linux would go on to panic, having no root file system)."""
    if not _linux_log:
        kernel = linux_kernel()
        m = boot(kernel=kernel, dtb=os.path.join(pimm.ensure_built(), "dts", "rpi2b-lab.dtb"),
                 append=APPEND, wait_prompt=False, name="linux")
        m.wait_for(r"^\[[ 0-9.]+\] printk: console \[ttyAMA0\] enabled$", 60)
        _linux_log.append(m.output_since_boot())
        m.close()
    return _linux_log[0]


@case
def linux_boots_on_the_lab_tree_with_its_pl011_console():
    log = linux_log()
    ls = lines(log)
    assert ls[0] == "Booting Linux on physical CPU 0xf00", ls[:3]
    assert "OF: fdt: Machine model: Raspberry Pi 2 Model B" in ls, log[-3000:]
    assert f"Kernel command line: {APPEND}" in ls, log[-3000:]
    assert re.search(r"^\[[ 0-9.]+\] 3f201000\.serial: ttyAMA0 at MMIO 0x3f201000 .* is a PL011",
                     log, re.M), log[-3000:]
    assert re.search(r"^\[[ 0-9.]+\] Memory: \d+K/983040K available", log, re.M), log[-3000:]
    assert "Zone ranges:" in ls and "Early memory node ranges" in ls, log[-3000:]
    assert not re.search(r"uart-pl011: probe of .* failed", log), log[-3000:]


@case
def linux_and_pimm_agree_on_the_same_tree():
    linux = linux_log()
    pm = boot(options=["-Dvmsplit=3G"], append=APPEND)
    pimm_log = pm.boot_log
    lx, pl = lines(linux), lines(pimm_log)

    # the same lines, word for word
    same = ["OF: fdt: Machine model: Raspberry Pi 2 Model B",
            "CPU: PIPT / VIPT nonaliasing data cache, VIPT aliasing instruction cache",
            "Memory policy: Data cache writealloc",
            "Movable zone start for each node",
            "smp: Brought up 1 node, 4 CPUs"]
    for line in same:
        assert line in lx and line in pl, (line, line in lx, line in pl)
    assert lx[0].replace("Linux", "pimm") == pl[0], (lx[0], pl[0])
    cpu = r"^CPU: ARMv7 Processor \[[0-9a-f]{8}\] revision \d+ \(ARMv7\)"
    assert [re.match(cpu, l).group(0) for l in lx if re.match(cpu, l)] == \
        [re.match(cpu, l).group(0) for l in pl if re.match(cpu, l)], "CPU: lines differ"

    # reserved memory: every pool and node, in the same order
    rmem = r"^(Reserved memory: |OF: reserved mem: )"
    lx_rmem, pl_rmem = [l for l in lx if re.match(rmem, l)], [l for l in pl if re.match(rmem, l)]
    assert len(lx_rmem) == 8, lx_rmem  # four pools of rpi2b-lab.dts, two lines each
    assert lx_rmem == pl_rmem, (lx_rmem, pl_rmem)

    # memory nodes and the node's span
    node = r"^  node   0: \[mem 0x[0-9a-f]{16}-0x[0-9a-f]{16}\]$"
    lx_nodes = block(linux, "Early memory node ranges", node)
    assert len(lx_nodes) == 5, lx_nodes  # the no-map and DMA-pool holes split memory@0
    assert lx_nodes == block(pimm_log, "Early memory node ranges", node)
    init = [l for l in lx if l.startswith("Initmem setup node 0 ")]
    assert init and init == [l for l in pl if l.startswith("Initmem setup node 0 ")], init

    # zones: the same boundaries (Linux's first zone is DMA, pimm's the same range as Normal)
    zone = r"^  (\w+) +(empty|\[mem 0x[0-9a-f]{16}-0x[0-9a-f]{16}\])$"
    def spans(log):
        return [(re.match(zone, l).group(1), re.match(zone, l).group(2))
                for l in block(log, "Zone ranges:", zone)]
    lz, pz = spans(linux), spans(pimm_log)
    assert [s for _, s in lz if s != "empty"] == [s for _, s in pz if s != "empty"], (lz, pz)
    assert ("HighMem", "[mem 0x0000000030000000-0x000000003bffffff]") in lz and \
        dict(lz)["HighMem"] == dict(pz)["HighMem"], (lz, pz)


if __name__ == "__main__":
    run()
