#!/usr/bin/env python3
"""paging_init's page tables, `walk` against the MMU and QEMU's own page walk
(monitor gva2gpa), ptdump/layout/vmmap, W^X, and faults - in both the 2G and the 3G split.

Every case below runs once per split (suffix _2G / _3G), each in its own QEMU."""
import re

from systest import boot, case, expect_error, run

SPLITS = {"2G": (), "3G": ("-Dvmsplit=3G",)}
PAGE_OFFSET = {"2G": 0x80000000, "3G": 0xC0000000}


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


def walk(m, va):
    """(PA or None, full output) of `walk VA`; fails on a hardware disagreement."""
    out = m.cmd(f"walk {va:#x}")
    assert out.startswith(f"walk 0x{va:08x}:"), out
    assert "DISAGREES" not in out, out
    assert out.count("(agrees)") == 2, out
    mpa = re.search(r"^  PA 0x([0-9a-f]{8})$", out, re.M)
    if mpa:
        return int(mpa.group(1), 16), out
    assert "not mapped" in out, out
    return None, out


def qemu_pa(m, va):
    """QEMU's translation of va through the live tables, or None."""
    out = m.monitor(f"gva2gpa {va:#x}")
    mm = re.search(r"gpa: (0x[0-9a-f]+)", out)
    if mm:
        return int(mm.group(1), 16)
    assert "Unmapped" in out or "unmapped" in out.lower(), out
    return None


def lowmem_end(m):
    out = m.cmd("layout")
    mm = re.search(r"lowmem  : 0x([0-9a-f]{8}) - 0x([0-9a-f]{8})", out)
    assert mm, out
    return int(mm.group(2), 16)


@each_split
def walk_pa_equals_gva2gpa(split):
    m = start(split)
    po = PAGE_OFFSET[split]
    top = lowmem_end(m)
    addrs = {
        "kernel text": po + 0x100000 + 0x124,
        "kernel data": po + 0x300000 + 0x40,
        "last lowmem page": top - 0x1000 + 0xffc,
        "vectors": 0xFFFF0000,
        "stubs": 0xFFFF1000,
        "DTB mapping": 0xFF800000,
        "fixmap earlycon": 0xFFEFF000,
        "device register (UART)": 0xFE201018,
        "local peripherals": 0xFF000000,
        "user space": 0x00010000,
        "NULL": 0x0,
        "modules (unmapped)": po - 0x1000000,
        "vmalloc hole (unmapped)": top + 0x900000,
        "between fixmap and vectors": 0xFFF80000,
    }
    if split == "2G":
        addrs["CMA page (4 KiB)"] = po + 0x32000000 + 0x1234
        addrs["no-map hole"] = po + 0x34000000
    for what, va in addrs.items():
        pa, out = walk(m, va)
        assert pa == qemu_pa(m, va), f"{what} {va:#x}: walk {pa} vs gva2gpa\n{out}"
    # mapped ones really are mapped
    for what in ["kernel text", "kernel data", "last lowmem page", "vectors", "DTB mapping",
                 "fixmap earlycon", "device register (UART)"]:
        assert walk(m, addrs[what])[0] is not None, what
    for what in ["user space", "NULL", "modules (unmapped)"]:
        assert walk(m, addrs[what])[0] is None, what
    assert walk(m, 0xFE201018)[0] == 0x3F201018
    assert walk(m, 0xFFEFF000)[0] == 0x3F201000


@each_split
def walk_kernel_text_section(split):
    m = start(split)
    po = PAGE_OFFSET[split]
    pa, out = walk(m, po + 0x100000)
    assert pa == 0x00100000, out
    assert re.search(r"L1  0x0011940e  section  base 0x00100000", out), out
    assert "AP 1:01 (kernel RO)" in out and "remap index 7: normal WBWA" in out, out
    assert "S 1  nG 0  XN 0" in out and "kernel r-x  user ---" in out, out
    assert "MMU ATS1CPW" in out and "section permission fault  (agrees)" in out, out
    # a 4 KiB page: both PTEs side by side, the vectors page
    pa, out = walk(m, 0xFFFF0000)
    assert "Linux PTE at" in out and "hw PTE at" in out and "MT_HIGH_VECTORS" in out, out
    assert "user r-x" in out, out
    # a level-1 stop and a level-2 stop
    out = walk(m, 0x1000)[1]
    assert "walk stops at level 1" in out, out
    out = walk(m, 0xFFEFE000)[1]
    assert "walk stops at level 2" in out, out


@each_split
def boot_log_layout_and_wx(split):
    m = start(split)
    log = m.boot_log
    assert "Memory policy: Data cache writealloc" in log
    assert "Checked W+X mappings: passed, no W+X pages found" in log
    po = PAGE_OFFSET[split]
    low = {"2G": (0xBC000000, 960), "3G": (0xF0000000, 768)}[split]
    ts = r"\[ *\d+\.\d{6}\] "  # every line of the record carries the timestamp, as in Linux
    assert re.search(rf"Virtual kernel memory layout:\n{ts}    vector  : 0xffff0000 - 0xffff1000   \(   4 kB\)\n"
                     rf"{ts}    fixmap  : 0xffc80000 - 0xfff00000   \(2560 kB\)\n"
                     rf"{ts}    vmalloc : 0x{low[0] + 0x800000:08x} - 0xff800000   \( *\d+ MB\)\n"
                     rf"{ts}    lowmem  : 0x{po:08x} - 0x{low[0]:08x}   \( *{low[1]} MB\)\n"
                     rf"{ts}    pkmap   : 0x{po - 0x200000:08x} - 0x{po:08x}   \(   2 MB\)\n"
                     rf"{ts}    modules : 0x{po - 0x1000000:08x} - 0x{po - 0x200000:08x}   \(  14 MB\)\n"
                     rf"{ts}      \.text : ", log), log[-3000:]
    for sect in [".init", ".data", ".bss"]:
        assert f"{sect} : 0x" in log


@each_split
def ptdump_layout_vmmap(split):
    m = start(split)
    po = PAGE_OFFSET[split]
    out = m.cmd("ptdump")
    markers = re.findall(r"^---\[ (.*) \]---$", out, re.M)
    assert markers == ["Modules", "Kernel Mapping", "vmalloc() Area", "FDT Area", "Fixmap Area",
                       "Vectors", "Vectors End"], markers
    assert f"0x{po + 0x100000:08x}-0x{po + 0x200000:08x}           1M PGD KERNEL      ro x  SHD" in out, out
    assert "0xff800000-0xffa00000           2M PGD KERNEL      ro NX SHD" in out, out
    assert re.search(r"^0xffff0000-0xffff1000           4K PTE \w+ +USR ro x  SHD MEM/CACHED/WBWA$", out, re.M), out
    for line in out.splitlines():
        if line.startswith("0x"):
            assert not ("RW" in line and " x " in line + " "), f"W+X line: {line}"
            assert re.match(r"0x[0-9a-f]{8}-0x[0-9a-f]{8}   +\d+[KMG] (PGD|PTE) ", line), line
    if split == "2G":  # CMA pools in lowmem are 4 KiB pages
        assert "0xb2000000-0xb4000000          32M PTE KERNEL      RW NX SHD MEM/CACHED/WBWA" in out, out
    else:              # 3G: they are highmem, no linear mapping, no PTE line in lowmem
        lowmem = out.split("---[ Kernel Mapping ]---")[1].split("---[ vmalloc() Area ]---")[0]
        assert not re.search(r"^0xf[0-7]\w{6}-\w+ +\d+[KM] PTE", lowmem, re.M), out
    out = m.cmd("vmmap")
    for label in ["kernel-x", "kernel-nx", "lowmem", "IO", "DTB", "fixmap", "vectors", "stubs"]:
        assert f"| {label:<12} |" in out, (label, out)
    assert f"0x00100000  +--------------+                +--------------+  0x{po + 0x100000:08x}" in out
    out = m.cmd("layout")
    assert "static mappings (iotable_init):" in out and "phys=0x3f000000 MT_DEVICE" in out, out


@each_split
def faults_and_shell_survives(split):
    m = start(split)
    po = PAGE_OFFSET[split]
    expect_error(m, f"poke {po + 0x100000:#x} 1", "section permission fault", "DFSR 0x80d")
    expect_error(m, "peek 0x10000000", "section translation fault")
    expect_error(m, "peek 0xffefe000", "page translation fault")
    out = m.cmd("crash null")
    log = out + m.cmd("dmesg")
    assert "Unable to handle kernel NULL pointer dereference at virtual address 00000000" in log
    assert "[00000000] *pgd=00000000" in log, log[-2000:]
    assert m.cmd(f"peek {po + 0x100000:#x}").startswith(f"0x{po + 0x100000:08x}: "), "text readable"
    assert m.poweroff() == 0


@each_split
def bad_arguments(split):
    m = start(split)
    before = m.cmd("ptdump")
    expect_error(m, "walk")
    expect_error(m, "walk zzz", "bad address")
    expect_error(m, "walk 0x100000000", "out of range")
    expect_error(m, "walk 1 2 3")
    expect_error(m, "walk 0x80000000 0", "repeat count")
    expect_error(m, "walk 0x80000000 zz", "bad repeat count")
    assert re.match(r"walk: 10 walks of 0x80000000 in \d+ ticks of 62500000 Hz", m.cmd("walk 0x80000000 10"))
    expect_error(m, "ptdump x")
    expect_error(m, "layout x")
    expect_error(m, "vmmap x")
    assert m.cmd("ptdump") == before, "a bad command changed the tables"


def static_mappings(m):
    """[(va, end, pa, type)] of the `layout` static mappings (static_vmlist)."""
    out = m.cmd("layout")
    return [(int(a, 16), int(b, 16), int(p, 16), t) for a, b, p, t in re.findall(
        r"^    0x([0-9a-f]{8})-0x([0-9a-f]{8}) +\d+  phys=0x([0-9a-f]{8}) (MT_\w+)$", out, re.M)]


@each_split
def walk_names_type_from_mapping(split):
    """A CMA page has MT_MEMORY_RW's PTE bits; walk names it by the mapping that made it."""
    m = start(split)
    po = PAGE_OFFSET[split]
    dma = [r for r in static_mappings(m) if r[3] == "MT_MEMORY_DMA_READY"]
    if split == "2G":  # the CMA pools below the lowmem limit (3G: all highmem, no remap)
        assert [(va - po, end - va) for va, end, _, _ in dma] == \
            [(0x32000000, 0x2000000), (0x39000000, 0x1000000), (0x3b000000, 0x1000000)], dma
    else:
        assert dma == [], dma
    for va, end, pa, _ in dma:
        for addr in (va, va + 0x101234, end - 4):
            got, out = walk(m, addr)
            assert got == pa + addr - va, out
            assert "mem_type MT_MEMORY_DMA_READY" in out and "small page" in out, out
    # ordinary lowmem (a section), the I/O map and the vectors keep their names
    out = walk(m, po + 0x01000000)[1]
    assert "section" in out and "mem_type MT_MEMORY_RW\n" in out, out
    assert "mem_type MT_DEVICE\n" in walk(m, 0xFE201018)[1]
    assert "mem_type MT_HIGH_VECTORS\n" in walk(m, 0xFFFF0000)[1]


@each_split
def walk_shows_hardware_l2_index(split):
    """Linux's pte index (0..511 over the pair) and the MMU's VA[19:12] (0..255), both checked
    against the table memory QEMU reads (monitor xp)."""
    m = start(split)
    po = PAGE_OFFSET[split]
    vas = [0xFFFF0000, 0xFFFF1000, 0xFFEFF000]
    if split == "2G":
        vas += [po + 0x32000000, po + 0x32100000 + 0x5000, po + 0x32fff000]
    for va in vas:
        out = walk(m, va)[1]
        mm = re.search(r"^  L2  pte index (\d+), hw index (\d+): Linux PTE at 0x([0-9a-f]{8}) = "
                       r"0x([0-9a-f]{8})  \|  hw PTE at 0x([0-9a-f]{8}) = 0x([0-9a-f]{8})$", out, re.M)
        assert mm, out
        idx, hw_idx, lptr, _, hwptr, hw = (int(x, 16 if i > 1 else 10) for i, x in enumerate(mm.groups()))
        assert idx == (va >> 12) & 511 and hw_idx == (va >> 12) & 255, (hex(va), idx, hw_idx)
        table = int(re.search(r"hw table 0x([0-9a-f]{8})", out).group(1), 16)
        assert table & 0xfff == (0xc00 if va & 0x100000 else 0x800), out  # odd MiB: 2nd hw table
        assert f"0..255 in hw table 0x{table:08x})" in out, out
        assert hwptr - po == table + 4 * hw_idx, out          # the MMU's entry ...
        assert hwptr - lptr == 2048, out                       # ... 2048 bytes above Linux's
        xp = m.monitor(f"xp /1wx {table + 4 * hw_idx:#x}")
        assert re.search(rf":\s*0x{hw:08x}", xp), (xp, out)


@each_split
def vmmap_says_when(split):
    m = start(split)
    out = m.cmd("vmmap")
    first = out.splitlines()[0]
    assert first == "vmmap: the live kernel page tables, after paging_init and mark_rodata_ro " \
                    "(kernel text RO+X, the rest NX)", out[:300]
    assert out.count("kernel-x") == 2, out  # only the text is executable: one run, two labels


if __name__ == "__main__":
    run()
