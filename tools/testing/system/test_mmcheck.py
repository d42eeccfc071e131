#!/usr/bin/env python3
"""`mm-check`: the invariants of every memory stage (memblock, page tables, zones, per-CPU,
the buddy allocator).

A clean boot passes in both splits, with counts that agree with what other commands show. Then
one structure at a time is corrupted with `poke` (addresses from the kernel's own symbols and
commands: `arm-none-eabi-nm`, `memblock`, `page`, `walk`), mm-check must name the damage, the
shell goes on, and once the word is poked back the check passes again.
"""
import re
import subprocess

from systest import boot, case, expect_error, run, symbol

# the stages mm-check always runs, in order; later stages (SHELL_MMCHECK: cma, ...) follow them
STAGES = ["memblock", "page tables", "zones", "percpu", "allocator"]
# then the stages later code registers with SHELL_MMCHECK, in link order
LATER_STAGES = ["cma", "pkmap", "slab", "vmalloc"]


def mmcheck(m):
    """(lines of `mm-check`, violations from its summary line)."""
    lines = [l.strip() for l in m.cmd("mm-check").splitlines() if l.strip()]
    assert all(l.startswith("mm-check: ") for l in lines), lines
    summary = re.fullmatch(r"mm-check: (\d+) checks, (\d+) violations", lines[-1])
    assert summary, lines
    assert int(summary.group(1)) == len(STAGES + LATER_STAGES), lines
    return lines, int(summary.group(2))


def layout(m, *exprs):
    """Values of C expressions (offsetof/sizeof) from the booted ELF's debug information, through
    gdb-multiarch: layout(m, "offsetof(struct memblock, reserved.regions)") -> [40]. gdb has no
    offsetof, so it is written the classic way, as the address of the field in a struct at 0."""
    def gdb_expr(e):
        mo = re.fullmatch(r"offsetof\((struct \w+), ([\w.]+)\)", e)
        return f"(unsigned long)&((({mo.group(1)} *)0)->{mo.group(2)})" if mo else e
    cmd = ["gdb-multiarch", "-batch", "-nx", m.elf]
    for e in exprs:
        cmd += ["-ex", f"print/d {gdb_expr(e)}"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    values = [int(v) for v in re.findall(r"^\$\d+ = (\d+)$", r.stdout, re.M)]
    assert len(values) == len(exprs), (exprs, r.stdout, r.stderr)
    return values


def peek(m, addr):
    return int(re.match(rf"0x{addr:08x}: ([0-9a-f]{{8}})", m.cmd(f"peek {addr:#x}")).group(1), 16)


def poke(m, addr, value):
    assert m.cmd(f"poke {addr:#x} {value:#x}").strip() == f"0x{addr:08x}: {value:08x}"


def assert_clean(m):
    lines, bad = mmcheck(m)
    assert bad == 0, lines
    assert [l.split(":")[1].strip() for l in lines[:-1]] == STAGES + LATER_STAGES, lines
    assert all(": ok (" in l for l in lines[:-1]), lines
    return lines


def check_clean_boot(m):
    lines = assert_clean(m)
    regions = {t: int(re.search(rf"^{t}: (\d+) regions", m.cmd(f"memblock {t}"), re.M).group(1))
               for t in ("memory", "reserved")}
    assert lines[0] == (f"mm-check: memblock: ok ({regions['memory']} memory, "
                        f"{regions['reserved']} reserved regions)"), (lines, regions)
    present = sum(int(v) for v in re.findall(r"^ +present +(\d+)$", m.cmd("zoneinfo"), re.M))
    assert re.search(rf"zones: ok \(\d+ populated zones?, {present} present pages\)", lines[2]), \
        (lines, present)
    assert f"mm-check: {len(STAGES + LATER_STAGES)} checks, 0 violations" in lines[-1]


@case
def clean_boot_passes_2g():
    check_clean_boot(boot())


@case
def clean_boot_passes_3g():
    check_clean_boot(boot(options=["-Dvmsplit=3G"]))


@case
def memblock_overlap_is_caught():
    m = boot()
    # memblock.reserved.regions[i].size, the layout read from the kernel's debug information
    off_regions, region, off_base, off_size = layout(
        m, "offsetof(struct memblock, reserved.regions)", "sizeof(struct memblock_region)",
        "offsetof(struct memblock_region, base)", "offsetof(struct memblock_region, size)")
    regions = peek(m, symbol(m, "memblock") + off_regions)
    i = 3
    base = peek(m, regions + region * i + off_base)
    nxt = peek(m, regions + region * (i + 1) + off_base)
    size_addr = regions + region * i + off_size
    size = peek(m, size_addr)
    poke(m, size_addr, nxt - base + 0x1000)  # now ends 4 KiB inside reserved[4]
    lines, bad = mmcheck(m)
    assert f"mm-check: memblock: reserved[{i}] overlaps reserved[{i + 1}]" in lines, lines
    assert any(l.startswith("mm-check: memblock: reserved: total_size") for l in lines), lines
    assert bad == 2, lines
    assert "mm-check: zones: ok (" in "\n".join(lines), lines  # the other stages still run
    poke(m, size_addr, size)
    assert_clean(m)


@case
def struct_page_in_wrong_zone_is_caught():
    m = boot()
    page = int(re.search(r"^page:([0-9a-f]{8}) ", m.cmd("page 0x1000"), re.M).group(1), 16)
    flags = peek(m, page)  # page->flags: the zone number in its top 2 bits
    assert flags >> 30 == 0, hex(flags)  # Normal
    poke(m, page, flags | 1 << 30)  # zone 1: HighMem
    lines, bad = mmcheck(m)
    assert bad == 2, lines
    assert (f"mm-check: zones: pfn 0x1000: struct page {page:08x} says zone HighMem node 0, "
            "expected Normal node 0") in lines, lines
    # pfn 0x1000 heads a free order-10 block: the allocator stage sees it too
    assert any(re.fullmatch(r"mm-check: allocator: zone Normal: pfn 0x1000 on its "
                            r"free_list\[10\]\[\w+\] says zone HighMem", l) for l in lines), lines
    poke(m, page, flags)
    assert_clean(m)


@case
def many_violations_print_twenty_lines_per_stage():
    """The heads of 25 free order-10 blocks say zone HighMem: the allocator stage prints its
    first 20 violations and counts the rest (a broken allocator has one per free block: the
    console must not drown)."""
    m = boot()
    first = int(re.search(r"^page:([0-9a-f]{8}) ", m.cmd("page 0x1000"), re.M).group(1), 16)
    heads = [first + k * 0x400 * 32 for k in range(25)]  # pfn 0x1000 + k * 1024; 32-byte pages
    saved = [peek(m, p) for p in heads]
    for p, flags in zip(heads, saved):
        poke(m, p, flags | 1 << 30)  # zone 1: HighMem
    lines, bad = mmcheck(m)
    alloc = [l for l in lines if re.fullmatch(r"mm-check: allocator: zone Normal: pfn 0x\w+ on "
                                              r"its free_list\[10\]\[\w+\] says zone HighMem", l)]
    more = [l for l in lines if l.startswith("mm-check: allocator: ... ")]
    assert len(alloc) == 20, lines
    assert more == ["mm-check: allocator: ... 5 more violations not shown"], lines
    assert bad >= 25 + 25, lines  # the zones stage counts each page too
    for p, flags in zip(heads, saved):
        poke(m, p, flags)
    assert_clean(m)


@case
def wx_section_and_percpu_counter_are_caught():
    m = boot()
    out = m.cmd("walk 0x90000000")
    entry = int(re.search(r"-> entry 0x([0-9a-f]+)", out).group(1), 16)
    pmd = int(re.search(r"L1  0x([0-9a-f]+)  section", out).group(1), 16)
    assert pmd & 0x10, hex(pmd)  # XN
    poke(m, entry, pmd & ~0x10)  # lowmem section writable and executable
    # pcpu_chunk.nr_allocs (struct pcpu_first_chunk), its offset from the debug information
    nr_allocs_addr = symbol(m, "pcpu_chunk") + layout(
        m, "offsetof(struct pcpu_first_chunk, nr_allocs)")[0]
    nr_allocs = peek(m, nr_allocs_addr)
    poke(m, nr_allocs_addr, nr_allocs + 1)
    lines, bad = mmcheck(m)
    assert bad == 2, lines
    assert "mm-check: page tables: 256 W+X pages, the first range at 0x90000000" in lines, lines
    assert (f"mm-check: percpu: nr_allocs {nr_allocs + 1}, but the bound map starts "
            f"{nr_allocs} allocations") in lines, lines
    poke(m, entry, pmd)
    poke(m, nr_allocs_addr, nr_allocs)
    assert_clean(m)


@case
def mmcheck_refuses_arguments():
    m = boot()
    expect_error(m, "mm-check x", "usage: mm-check")
    assert "usage: mm-check" in m.cmd("help mm-check")
    assert_clean(m)


if __name__ == "__main__":
    run()
