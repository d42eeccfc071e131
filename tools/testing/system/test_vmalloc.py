#!/usr/bin/env python3
"""The vmalloc range, live: `vmallocinfo`, `vmalloc`, `vfree`, `ioremap`, `iounmap`, `dma`,
`torture vmalloc`, `bench vmalloc`, the vmalloc lines of `whatis` and `mm-check`, in both the 2G
and the 3G split.

Expected values come from the kernel's other views, never typed in: the static mappings from
`layout` (iotable_init's records), the pmd gaps computed from them as fill_pmd_gaps does, the
pool from `dma`, the physical pages from `vmalloc`'s own report checked against `walk` (which
checks the MMU) and QEMU's page walk (monitor gva2gpa), memory contents against the monitor's
physical reads (xp). Every bad input is refused with one line, `vmallocinfo` unchanged and
mm-check clean.
"""
import re

from systest import boot, case, expect_error, memblock_regions, run

SPLITS = {"2G": (), "3G": ("-Dvmsplit=3G",)}
PMD = 2 << 20
SECTION = 1 << 20
LINE = re.compile(r"0x([0-9a-f]{8})-0x([0-9a-f]{8}) ([ \d]{7}|\d{8,})"
                  r"(?: (\w+)\+0x([0-9a-f]+)/0x([0-9a-f]+))?(?: pages=(\d+))?"
                  r"(?: phys=0x([0-9a-f]{8}))?((?: ioremap| vmalloc| vmap| user| dma-coherent"
                  r"| vpages)*)$")


def each_split(fn):
    """Register fn(split) as one case per split."""
    for split in SPLITS:
        def bound(fn=fn, split=split):
            fn(split)
        bound.__name__ = f"{fn.__name__}_{split}"
        case(bound)
    return fn


def start(split):
    return boot(options=list(SPLITS[split]))


def vmallocinfo(m):
    """[{start, end, size, caller, off, symsize, pages, phys, flags}] checking the format."""
    out = m.cmd("vmallocinfo")
    rows = []
    for line in out.splitlines():
        mo = LINE.fullmatch(line)
        assert mo, f"not /proc/vmallocinfo's format: {line!r}"
        s, e, size, caller, off, ssz, pages, phys, flags = mo.groups()
        rows.append({"start": int(s, 16), "end": int(e, 16), "size": int(size),
                     "caller": caller, "off": int(off or "0", 16), "symsize": int(ssz or "0", 16),
                     "pages": int(pages or 0), "phys": int(phys, 16) if phys else None,
                     "flags": flags.split()})
    for a, b in zip(rows, rows[1:]):
        assert a["end"] <= b["start"], f"not in address order / overlapping: {a} {b}"
    for r in rows:
        assert r["size"] == r["end"] - r["start"], r
        assert r["caller"] is None or r["off"] < r["symsize"], r
    return rows


def static_mappings(m):
    """[(va, end, phys)] of iotable_init's records, from `layout`."""
    out = m.cmd("layout")
    rows = re.findall(r"^    0x([0-9a-f]{8})-0x([0-9a-f]{8}) +\d+ +phys=0x([0-9a-f]{8}) (\w+)",
                      out, re.M)
    assert rows, out
    # (fill_pmd_gaps' holes are listed there too, with no memory type: not mappings)
    return [(int(a, 16), int(b, 16), int(p, 16)) for a, b, p, t in rows if t != "MT_"]


def vmalloc_range(m):
    mo = re.search(r"vmalloc : 0x([0-9a-f]{8}) - 0x([0-9a-f]{8})", m.cmd("layout"))
    return int(mo.group(1), 16), int(mo.group(2), 16)


def mmcheck_clean(m):
    out = m.cmd("mm-check")
    assert re.search(r"mm-check: vmalloc: ok \(\d+ busy areas", out), out
    assert re.search(r"\d+ checks, 0 violations", out), out


def qemu_pa(m, va):
    """QEMU's translation of va through the live tables, or None."""
    out = m.monitor(f"gva2gpa {va:#x}")
    mo = re.search(r"gpa: (0x[0-9a-f]+)", out)
    if mo:
        return int(mo.group(1), 16)
    assert "unmapped" in out.lower(), out
    return None


def walk_pa(m, va, pages=True):
    """The PA `walk` finds (checked against the MMU by walk itself), or None; pages: it must
    be a 4 KiB PTE (vmalloc and ioremap never use sections on SMP)."""
    out = m.cmd(f"walk {va:#x}")
    assert "DISAGREES" not in out, out
    mo = re.search(r"^  PA 0x([0-9a-f]{8})$", out, re.M)
    if mo:
        assert out.count("(agrees)") == 2, out
        assert not pages or "hw: small page" in out, out
        return int(mo.group(1), 16), out
    assert "not mapped" in out or "fault" in out, out
    return None, out


def xp(m, pa):
    return int(re.search(r": (0x[0-9a-f]{8})", m.monitor(f"xp /1wx {pa:#x}")).group(1), 16)


def peek(m, va, cpu=None):
    out = m.cmd((f"on {cpu} " if cpu is not None else "") + f"peek {va:#x}")
    return int(re.search(rf"0x{va:08x}: ([0-9a-f]{{8}})", out).group(1), 16)


def vmalloc(m, line):
    """Run a `vmalloc` line: (va, [page PAs]) from its report."""
    out = m.cmd(line)
    mo = re.match(r"vmalloc: 0x([0-9a-f]{8}), \d+ bytes.*: (\d+) pages \+ guard page, "
                  r"area 0x([0-9a-f]{8})-0x([0-9a-f]{8})", out)
    assert mo, out
    va, n = int(mo.group(1), 16), int(mo.group(2))
    pas = [int(p, 16) for p in re.findall(r"-> PA 0x([0-9a-f]{8})", out)]
    assert int(mo.group(3), 16) == va and int(mo.group(4), 16) == va + (n + 1) * 4096, out
    return va, n, pas


@each_split
def vmallocinfo_static_areas_and_pmd_gaps(split):
    m = start(split)
    rows = vmallocinfo(m)
    statics = static_mappings(m)
    for va, end, phys in statics:
        r = [x for x in rows if x["start"] == va]
        assert r and r[0]["end"] == end and r[0]["phys"] == phys, (va, rows)
        assert r[0]["caller"] == "iotable_init" and r[0]["off"] == 0, r
        assert r[0]["flags"] == ["ioremap"], r
    # fill_pmd_gaps: a static mapping ending (or starting) on an odd MiB whose other half of
    # the pmd pair no static mapping uses gets that half reserved
    gaps = []
    for va, end, _phys in statics:
        if end % PMD == SECTION and not any(s == end for s, _e, _p in statics):
            gaps.append(end)
        if va % PMD == SECTION and not any(e == va for _s, e, _p in statics):
            gaps.append(va - SECTION)
    assert gaps, statics  # the Pi's 1 MiB local-peripherals map ends on an odd MiB
    for g in gaps:
        r = [x for x in rows if x["start"] == g]
        assert r and r[0]["size"] == SECTION and r[0]["caller"] == "pmd_empty_section_gap", rows
        assert r[0]["phys"] is None and r[0]["flags"] == ["ioremap"], r
        # `layout` lists it as the reserved gap it is: no phys, no memory type
        assert re.search(rf"^    0x{g:08x}-0x{g + SECTION:08x}  +{SECTION}  reserved gap "
                         r"\(pmd_empty_section_gap: no phys, no type\)$", m.cmd("layout"), re.M)
    assert "MT_?" not in m.cmd("layout") and "phys=0x00000000" not in m.cmd("layout")
    # the coprocessor pool's memremap (ioremap_wc) area, inside the vmalloc range
    lo, hi = vmalloc_range(m)
    pool = re.search(r"pool PA 0x([0-9a-f]{8})-0x([0-9a-f]{8}) \(\d+ pages\) at 0x([0-9a-f]{8})",
                     m.cmd("dma"))
    assert pool, m.cmd("dma")
    r = [x for x in rows if x["start"] == int(pool.group(3), 16)]
    assert r and r[0]["caller"] == "memremap" and r[0]["phys"] == int(pool.group(1), 16), rows
    assert r[0]["size"] == int(pool.group(2), 16) - int(pool.group(1), 16) + 4096, r
    assert lo <= r[0]["start"] < hi, (lo, hi, r)
    assert len(rows) == len(statics) + len(gaps) + 1, rows
    mmcheck_clean(m)
    assert m.poweroff() == 0


@each_split
def vmalloc_walk_monitor_whatis_vfree(split):
    m = start(split)
    before = vmallocinfo(m)
    lo, hi = vmalloc_range(m)
    va, n, pas = vmalloc(m, "vmalloc 20000")
    assert n == 5 and len(pas) == 5 and lo <= va < hi, (va, pas)
    row = [r for r in vmallocinfo(m) if r["start"] == va][0]
    assert row["caller"] == "cmd_vmalloc" and row["pages"] == 5 and row["flags"] == ["vmalloc"]
    assert row["size"] == 6 * 4096, row
    for i, pa in enumerate(pas):
        wpa, out = walk_pa(m, va + i * 4096 + 0x10)
        assert wpa == pa + 0x10, out
        assert "MT_MEMORY_RW" in out, out
        assert qemu_pa(m, va + i * 4096) == pa
    assert walk_pa(m, va + 5 * 4096)[0] is None          # the guard page
    assert qemu_pa(m, va + 5 * 4096) is None
    out = m.cmd(f"whatis {va + 4096 + 0x123:#x}")
    assert f"vmalloc: area 0x{va:08x}-0x{va + 6 * 4096:08x} caller cmd_vmalloc+" in out, out
    assert f"page 1 of 5 -> PA 0x{pas[1] + 0x123:08x}" in out, out
    assert "guard page" in m.cmd(f"whatis {va + 5 * 4096:#x}")
    # a write through the vmalloc address lands in the physical page
    m.cmd(f"poke {va + 2 * 4096 + 8:#x} 0x5eed1234")
    assert xp(m, pas[2] + 8) == 0x5eed1234
    mmcheck_clean(m)
    assert m.cmd(f"vfree {va:#x}").startswith(f"vfree: 0x{va:08x} (20000 bytes)")
    assert walk_pa(m, va)[0] is None and qemu_pa(m, va) is None
    assert "free vmalloc space" in m.cmd(f"whatis {va:#x}")
    assert vmallocinfo(m) == before
    # vzalloc: zeroed pages
    va, n, pas = vmalloc(m, "vmalloc 8192 zero")
    assert peek(m, va) == 0 and peek(m, va + 8188) == 0
    m.cmd(f"vfree {va:#x}")
    assert vmallocinfo(m) == before
    mmcheck_clean(m)
    assert m.poweroff() == 0


@case
def vfree_flushes_other_cpus_tlb():
    """CPU 2 reads a vmalloc page (its TLB caches the PTE); vfree on CPU 0 must drop that
    entry on CPU 2 too (TLBIMVAAIS), or CPU 2 would read the old page after the reuse."""
    m = boot()
    va, _n, pas = vmalloc(m, "vmalloc 4096")
    m.cmd(f"poke {va:#x} 0xaaaa0001")
    assert peek(m, va, cpu=2) == 0xaaaa0001
    m.cmd(f"vfree {va:#x}")
    m.cmd(f"alloc 0")  # the freed page is now someone else's: the next vmalloc gets another
    va2, _n, pas2 = vmalloc(m, "vmalloc 4096")
    assert va2 == va and pas2 != pas, (va, va2, pas, pas2)  # lowest fit: same address
    m.cmd(f"poke {va:#x} 0xbbbb0002")
    assert peek(m, va, cpu=2) == 0xbbbb0002
    m.cmd(f"vfree {va:#x}")
    mmcheck_clean(m)
    assert m.poweroff() == 0


def flash_phys(m):
    """The no-map flash window of rpi2b-lab.dts (RAM without a linear mapping)."""
    flash = [b for b, _e, f, o in memblock_regions(m, "memory") if f == "NOMAP" and
             o.startswith("flash")]
    assert flash, m.cmd("memblock memory")
    return flash[0]


def intc_phys(m):
    """The ARM interrupt controller's registers: its bus address (device tree) through /soc's
    ranges."""
    out = m.cmd("fdt /soc")
    bus = int(re.search(r"interrupt-controller@[0-9a-f]+ \{\n\s+.*\n\s+reg = <0x([0-9a-f]+)",
                        out).group(1), 16)
    r = re.search(r"\branges = <0x([0-9a-f]+) 0x([0-9a-f]+) 0x([0-9a-f]+)", out)
    b0, p0, size = (int(x, 16) for x in r.groups())
    assert b0 <= bus < b0 + size, out
    return p0 + bus - b0


@each_split
def ioremap_static_reuse_nomap_and_dma(split):
    m = start(split)
    before = vmallocinfo(m)
    statics = static_mappings(m)
    # the interrupt controller's registers are inside the static device map: 6.1 reuses it
    intc = intc_phys(m)
    sva, send, sphys = [s for s in statics if s[2] <= intc < s[2] + (s[1] - s[0])][0]
    out = m.cmd(f"ioremap {intc:#x} 0x100")
    want = sva + intc - sphys
    assert f"-> 0x{want:08x}: inside the static mapping" in out, out
    assert peek(m, want + 0x1c) == xp(m, intc + 0x1c)  # same register as QEMU reads it
    assert "left in place" in m.cmd(f"iounmap {want:#x}")
    assert walk_pa(m, want, pages=False)[0] == intc
    # no-map RAM (the flash window) gets a new VM_IOREMAP area, 16 KiB aligned for 12 KiB
    fpa = flash_phys(m)
    out = m.cmd(f"ioremap {fpa + 0x10:#x} 0x2ff0")
    mo = re.search(r"-> 0x([0-9a-f]{8}): area 0x([0-9a-f]{8})-0x([0-9a-f]{8})", out)
    assert mo, out
    iva, astart, aend = (int(x, 16) for x in mo.groups())
    assert iva == astart + 0x10 and astart % 0x4000 == 0 and aend - astart == 0x4000, out
    row = [r for r in vmallocinfo(m) if r["start"] == astart][0]
    assert row["phys"] == fpa and row["flags"] == ["ioremap"] and row["caller"] == "cmd_ioremap"
    for i in range(3):
        wpa, wout = walk_pa(m, astart + i * 4096)
        assert wpa == fpa + i * 4096 and "MT_DEVICE" in wout, wout
        assert qemu_pa(m, astart + i * 4096) == fpa + i * 4096
    m.cmd(f"poke {astart + 0x2004:#x} 0x10feed01")
    assert xp(m, fpa + 0x2004) == 0x10feed01
    mmcheck_clean(m)
    assert "unmapped" in m.cmd(f"iounmap {iva:#x}")
    assert qemu_pa(m, astart) is None
    # the coherent pool: a buffer's CPU address maps its DMA handle
    out = m.cmd("dma alloc coprocessor 8192")
    mo = re.match(r"dma: 0x([0-9a-f]{8}), dma handle 0x([0-9a-f]{8}), 8192 bytes from "
                  r"(coprocessor@[0-9a-f]+)", out)
    assert mo, out
    dva, handle, pool = int(mo.group(1), 16), int(mo.group(2), 16), mo.group(3)
    assert walk_pa(m, dva + 4096)[0] == handle + 4096
    assert qemu_pa(m, dva + 4096) == handle + 4096
    m.cmd(f"poke {dva:#x} 0xd3a0c0de")
    assert xp(m, handle) == 0xd3a0c0de
    assert re.search(r"2 used, \d+ free\n +0 ##\.", m.cmd("dma")), m.cmd("dma")
    out = m.cmd(f"dma alloc coprocessor 4096")
    d2 = int(re.match(r"dma: 0x([0-9a-f]{8})", out).group(1), 16)
    assert d2 == dva + 8192, out
    assert f"back to {pool}" in m.cmd(f"dma free coprocessor {dva:#x}")
    assert f"back to {pool}" in m.cmd(f"dma free {pool} {d2:#x}")
    assert re.search(r"0 used, \d+ free\n +0 \.\.\.", m.cmd("dma")), m.cmd("dma")
    assert vmallocinfo(m) == before
    mmcheck_clean(m)
    assert m.poweroff() == 0


@case
def bad_inputs_refused_nothing_changes():
    m = boot()
    before = vmallocinfo(m)
    va, _n, _p = vmalloc(m, "vmalloc 8192")
    fpa = flash_phys(m)
    io = int(re.search(r"-> 0x([0-9a-f]{8})", m.cmd(f"ioremap {fpa:#x} 0x1000")).group(1), 16)
    mid = vmallocinfo(m)
    lo, _hi = vmalloc_range(m)
    statics = static_mappings(m)
    for line, needle in [
            ("vmalloc", "usage:"), ("vmalloc 0", "out of range"),
            ("vmalloc 0xffffffff", "out of range"), ("vmalloc 4096 zap", "unknown option"),
            ("vmalloc x", "bad"), ("vfree", "usage:"), ("vfree zz", "bad"),
            (f"vfree {va + 4096:#x}", "not its start"), (f"vfree {statics[-1][0]:#x}",
                                                          "not an area `vmalloc` made"),
            (f"vfree {io:#x}", "not an area `vmalloc` made"),
            (f"vfree {0x1000:#x}", "in no vmap area"),
            ("ioremap 0x100000 0x1000", "RAM with a linear mapping"),
            (f"ioremap {fpa:#x} 0", "out of range"), ("ioremap 0xfffff000 0x2000", "out of range"),
            (f"ioremap {fpa:#x}", "usage:"), ("iounmap", "usage:"),
            (f"iounmap {va:#x}", "not an address `ioremap` returned"),
            ("dma bogus", "usage:"), ("dma alloc nopool 4096", "no DMA device"),
            ("dma alloc coprocessor 0", "out of range"),
            ("dma alloc coprocessor 0x200000", "out of range"),
            ("dma free coprocessor 0x1234", "not a buffer"),
            ("torture vmalloc", "usage"), ("torture vmalloc 0", "out of range"),
            ("torture vmalloc x", "bad"),
            ("bench vmalloc 0", "out of range"), ("bench vmalloc 1 2", "usage")]:
        out = expect_error(m, line, needle)
        assert len(out.strip().splitlines()) == 1, (line, out)
    assert m.cmd("on 1 torture vmalloc 10").strip() == \
        "torture: run it from CPU 0: it uses every CPU itself"
    assert vmallocinfo(m) == mid
    assert "dma: device coprocessor" in m.cmd("dma") and " 0 used" in m.cmd("dma")
    m.cmd(f"vfree {va:#x}")
    m.cmd(f"iounmap {io:#x}")
    assert vmallocinfo(m) == before
    assert lo <= va
    mmcheck_clean(m)
    assert m.poweroff() == 0


@each_split
def torture_vmalloc_four_cpus(split):
    m = start(split)
    before = vmallocinfo(m)
    out = m.cmd("torture vmalloc 4000 11", timeout=240)
    assert out.strip().endswith("torture: clean"), out
    cpus = re.findall(r"^torture: cpu\d: 1000 operations: (\d+) vmallocs \(0 failed\), (\d+) "
                      r"vfrees, (\d+) handed to the next CPU, 0 bad areas$", out, re.M)
    assert len(cpus) == 4, out
    assert sum(int(a) for a, _f, _p in cpus) == sum(int(f) for _a, f, _p in cpus), out
    assert sum(int(p) for _a, _f, p in cpus) > 0, out  # some areas were vfreed on another CPU
    assert "during 8 runs 0, after 0 violations" in out, out
    assert vmallocinfo(m) == before
    mmcheck_clean(m)
    out = m.cmd("bench vmalloc 200", timeout=120)
    sizes = re.findall(r"^bench: vmalloc\+vfree of +(\d+) bytes: (\d+) pairs in \d+ ticks of \d+ "
                       r"Hz: \d+ ns per pair$", out, re.M)
    assert [s for s, _n in sizes] == ["4096", "1048576"], out
    assert vmallocinfo(m) == before
    assert m.poweroff() == 0


def vmalloc_used_kb(m):
    mo = re.search(r"^VmallocUsed: +(\d+) kB$", m.cmd("meminfo"), re.M)
    assert mo, "no VmallocUsed line in meminfo"
    return int(mo.group(1))


@each_split
def meminfo_vmalloc_used_counts_pages(split):
    """VmallocUsed is Linux's nr_vmalloc_pages: the pages vmalloc holds, never the guard page,
    and not ioremap's areas; 1 MiB raises it by the page count `vmalloc` reports."""
    m = start(split)
    base = vmalloc_used_kb(m)
    va, n, _pas = vmalloc(m, f"vmalloc {1 << 20}")
    assert n == (1 << 20) // 4096, n
    assert vmalloc_used_kb(m) == base + n * 4, (base, n)
    va2, n2, _pas2 = vmalloc(m, "vmalloc 5000")
    assert vmalloc_used_kb(m) == base + (n + n2) * 4
    m.cmd(f"vfree {va:#x}")
    assert vmalloc_used_kb(m) == base + n2 * 4
    m.cmd(f"vfree {va2:#x}")
    assert vmalloc_used_kb(m) == base
    mmcheck_clean(m)
    assert m.poweroff() == 0


if __name__ == "__main__":
    run()
