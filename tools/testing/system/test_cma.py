#!/usr/bin/env python3
"""CMA allocation, live: `cma`, `cma alloc`, `cma free`, `alloc ... movable cma [pinned]`, the
CMA lines of `whatis` and `mm-check`, `meminfo`'s CmaTotal/CmaFree, `bench cma` and
`dma alloc`/`dma free` on the CMA pools' devices, on the 2G and the 3G split (where the
device-tree pools of dts/rpi2b-lab.dts lie in HighMem).

Expected values come from the kernel's other views, never typed in: the areas from the boot
log's "created CMA memory pool" lines, CmaTotal/CmaFree from `meminfo` against `cma`, the free
lists from `buddyinfo`/`pagetypeinfo` before and after (per-CPU lists drained), a migrated
page's contents from `peek` before and after; a DMA buffer's mapping from `walk` (checked against
the MMU) and QEMU's page walk (monitor gva2gpa), its contents from QEMU's physical reads (xp).
"""
import re

from systest import boot, case, expect_error, run

SPLIT_3G = ["-Dvmsplit=3G"]
AREA_ROW = re.compile(r"^  (\d+)  (\S+) +0x([0-9a-f]{8})  +(\d+) KiB +(\d+) +(\d+) +(\d+) +(\d+)$",
                      re.M)
ROW = re.compile(r"^   (0x[0-9a-f]+) +(0x[0-9a-f]{8})  (0x[0-9a-f]{8}|\(highmem\)) +(\d+) (\w+) +(\w+) +"
                 r"(\d+) (buddy lists|pcp \(refill \d+\)|pcp|migrated \(\d+\)) +(\S+)$", re.M)


def areas(m):
    """[{idx, name, base_pfn, pages, order_per_bit, used, lent, free}] from `cma`."""
    out = m.cmd("cma")
    rows = [{"idx": int(i), "name": n, "base": int(b, 16) >> 12, "pages": int(k) // 4,
             "opb": int(o), "used": int(u), "lent": int(le), "free": int(f)}
            for i, n, b, k, o, u, le, f in AREA_ROW.findall(out)]
    assert rows, out
    return rows


def meminfo_kb(m, key):
    return int(re.search(rf"^{key}: +(\d+) kB$", m.cmd("meminfo"), re.M).group(1))


def snapshot(m):
    """Everything a failed cma alloc must leave as it was, per-CPU lists drained first."""
    m.cmd("drain")
    return (m.cmd("buddyinfo"), m.cmd("pagetypeinfo"), m.cmd("cma"), m.cmd("meminfo"))


def mmcheck_clean(m):
    out = m.cmd("mm-check")
    assert "mm-check: cma: ok" in out and re.search(r"\d+ checks, 0 violations", out), out


def alloc(m, line):
    out = m.cmd(line)
    rows = ROW.findall(out)
    assert len(rows) == 1, f"{line!r}: {out!r}"
    return int(rows[0][0], 16)


def live_rows(m):
    return [(int(r[0], 16), r[7]) for r in ROW.findall(m.cmd("allocs"))]


def area_of(m, pfn):
    for a in areas(m):
        if a["base"] <= pfn < a["base"] + a["pages"]:
            return a
    raise AssertionError(f"pfn {pfn:#x} is in no CMA area")


def cma_alloc(m, area, pages, *align, timeout=10):
    out = m.cmd(f"cma alloc {area} {pages} {' '.join(map(str, align))}".strip(), timeout)
    mo = re.search(r"pfn (0x[0-9a-f]+)-(0x[0-9a-f]+), .*, (\d+) pages migrated$", out, re.M)
    assert mo, out
    first, last = int(mo.group(1), 16), int(mo.group(2), 16)
    assert last - first + 1 == pages, out
    return first, int(mo.group(3))


def cma_free(m, area, pfn, pages):
    out = m.cmd(f"cma free {area} {pfn << 12:#x} {pages}")
    assert "done" in out, out


def pools_from_log(m):
    """{base pfn: pages} of the CMA pools the boot log announced."""
    log = m.cmd("dmesg")
    pools = {int(b, 16) >> 12: int(s) * 256 for b, s in
             re.findall(r"created CMA memory pool at 0x([0-9a-f]+), size (\d+) MiB", log)}
    assert pools, log
    return pools


def show_and_meminfo(m):
    pools = pools_from_log(m)
    rows = areas(m)
    assert {a["base"]: a["pages"] for a in rows} == pools
    assert meminfo_kb(m, "CmaTotal") == 4 * sum(pools.values())
    m.cmd("drain")
    free_kb = meminfo_kb(m, "CmaFree")
    assert free_kb == 4 * sum(a["free"] for a in areas(m)), m.cmd("cma")
    assert f"CmaFree {free_kb // 4} pages" in m.cmd("cma")
    # 1 MiB from the first area: CmaFree drops by 1024 kB, the bitmap shows it
    first, migrated = cma_alloc(m, 0, 256)
    assert migrated == 0
    assert meminfo_kb(m, "CmaFree") == free_kb - 1024
    a0 = areas(m)[0]
    assert a0["used"] == 256 and first == a0["base"], a0
    assert "allocated: " + a0["name"] + f" pfn {first:#x}" in m.cmd("cma")
    cma_free(m, 0, first, 256)
    m.cmd("drain")
    assert meminfo_kb(m, "CmaFree") == free_kb


@case
def cma_show_meminfo_2g_3g():
    for opts in ([], SPLIT_3G):
        m = boot(options=opts)
        show_and_meminfo(m)
        mmcheck_clean(m)
        assert m.poweroff() == 0


def each_area_1mib(m):
    for a in areas(m):
        before = snapshot(m)
        for key in (str(a["idx"]), a["name"]):  # by index and by name
            first, _ = cma_alloc(m, key, 256)
            assert a["base"] <= first and first + 256 <= a["base"] + a["pages"]
            out = m.cmd(f"whatis {first << 12:#x}")
            assert f"cma: area {a['idx']} {a['name']}, offset 0x00000000" in out or \
                f"cma: area {a['idx']} {a['name']}, offset" in out, out
            assert "allocated by cma_alloc" in out, out
            mmcheck_clean(m)
            cma_free(m, key, first, 256)
            out = m.cmd(f"whatis {first << 12:#x}")
            assert "not allocated by cma_alloc" in out, out
        assert snapshot(m) == before, a


@case
def alloc_free_1mib_each_area_2g_3g():
    for opts in ([], SPLIT_3G):
        m = boot(options=opts)
        each_area_1mib(m)
        # aligned: 16 pages on a 2^6 boundary after one page
        one, _ = cma_alloc(m, 0, 1)
        aligned, _ = cma_alloc(m, 0, 16, 6)
        assert aligned % 64 == 0 and aligned > one
        cma_free(m, 0, aligned, 16)
        cma_free(m, 0, one, 1)
        mmcheck_clean(m)
        assert m.poweroff() == 0


def migration(m):
    pfns = [alloc(m, "alloc 0 movable highmem cma") for _ in range(5)]
    area = area_of(m, pfns[0])
    assert all(area_of(m, p) == area for p in pfns)
    values = {}
    for i, p in enumerate(pfns):  # a value in each page, by its physical address's lowmem alias
        va = [r for r in ROW.findall(m.cmd("allocs")) if int(r[0], 16) == p][0][2]
        if va != "(highmem)":
            values[p] = 0x5a5a0000 + i
            m.cmd(f"poke {va} {values[p]:#x}")
    assert "5 movable pages" in m.cmd("allocs")
    assert areas(m)[area["idx"]]["lent"] == 5
    first, migrated = cma_alloc(m, area["idx"], area["pages"])
    assert first == area["base"] and migrated == 5
    rows = live_rows(m)
    assert len(rows) == 5 and all(src == "migrated (1)" for _, src in rows), rows
    for new, _ in rows:
        assert not area["base"] <= new < area["base"] + area["pages"]
    for p, v in values.items():  # contents followed the pages (rows keep their order)
        new = rows[pfns.index(p)][0]
        va = [r for r in ROW.findall(m.cmd("allocs")) if int(r[0], 16) == new][0][2]
        if va != "(highmem)":
            assert m.cmd(f"peek {va}").split()[1] == f"{v:08x}"
    mmcheck_clean(m)
    cma_free(m, area["idx"], first, area["pages"])
    for new, _ in rows:
        assert "freed order-0" in m.cmd(f"free {new << 12:#x}")
    assert "0 live blocks" in m.cmd("allocs")
    mmcheck_clean(m)


@case
def migration_needed_succeeds_2g_3g():
    for opts in ([], SPLIT_3G):
        m = boot(options=opts)
        migration(m)
        assert m.poweroff() == 0


def busy(m, line):
    pfn = alloc(m, line)
    area = area_of(m, pfn)
    before = snapshot(m)
    out = m.cmd(f"cma alloc {area['idx']} {area['pages']}", timeout=60)
    assert out.startswith("cma: cma_alloc of ") or "cma: cma_alloc of " in out, out
    assert (f"cma: cma_alloc: {area['name']}: alloc failed, req-size: {area['pages']} pages, "
            "ret: -16") in m.cmd("dmesg")
    assert snapshot(m) == before
    mmcheck_clean(m)
    # a smaller request steps past the busy page
    first, _ = cma_alloc(m, area["idx"], 1024, timeout=60)
    assert not first <= pfn < first + 1024
    cma_free(m, area["idx"], first, 1024)
    assert "freed" in m.cmd(f"free {pfn << 12:#x}")
    mmcheck_clean(m)


@case
def ebusy_leaves_everything_as_before_2g_3g():
    for opts in ([], SPLIT_3G):
        m = boot(options=opts)
        busy(m, "alloc 0 movable highmem cma pinned")   # movable, but a pin keeps it: -EAGAIN
        busy(m, "alloc 1 movable highmem cma")          # order 1: no movable_operations
        assert m.poweroff() == 0


@case
def bad_input_refused_state_unchanged():
    m = boot()
    first, _ = cma_alloc(m, 0, 4)
    before = snapshot(m)
    base = areas(m)[0]["base"] << 12
    bad = [
        ("cma x", "unknown subcommand"),
        ("cma alloc", "usage"), ("cma alloc 0", "usage"), ("cma alloc 0 1 2 3", "usage"),
        ("cma alloc nosuch 1", "no CMA area"), ("cma alloc 9 1", "no CMA area"),
        ("cma alloc 0 0", "out of range"), ("cma alloc 0 99999", "out of range"),
        ("cma alloc 0 x", "bad page count"), ("cma alloc 0 1 13", "out of range"),
        ("cma alloc 0 1 x", "bad align order"),
        ("cma free", "usage"), ("cma free 0 0x0", "usage"),
        ("cma free nosuch 0x0 1", "no CMA area"), ("cma free 0 x 1", "bad address"),
        (f"cma free 0 {base + 0x800:#x} 4", "not page aligned"),
        (f"cma free 0 {first << 12:#x} 3", "not a range"),
        (f"cma free 1 {first << 12:#x} 4", "not a range"),
        (f"cma free 0 {(first + 1) << 12:#x} 3", "not a range"),
        ("cma free 0 0x1000 1", "not a range"),
        ("alloc 0 cma", "cma needs movable"), ("alloc 0 movable sticky", "unknown flag"),
        ("bench cma 0", "out of range"), ("bench cma x", "bad movable page count"),
        ("bench cma 1 2", "usage"), ("bench cma 129", "out of range"),
    ]
    for line, needle in bad:
        expect_error(m, line, needle)
        assert snapshot(m) == before, f"{line!r} changed the state"
    for cmd in ("cma", "alloc", "bench"):
        assert m.cmd(f"help {cmd}").startswith(f"usage: {cmd}"), cmd
    cma_free(m, 0, first, 4)
    mmcheck_clean(m)
    assert m.poweroff() == 0


@case
def on_other_cpus():
    """cma alloc on CPU 1, migration of a page CPU 2 allocated, cma free on CPU 3."""
    m = boot()
    pfn = alloc(m, "on 2 alloc 0 movable highmem cma")
    area = area_of(m, pfn)
    out = m.cmd(f"on 1 cma alloc {area['idx']} {area['pages']}", timeout=60)
    mo = re.search(r"pfn (0x[0-9a-f]+)-.*, 1 pages migrated$", out, re.M)
    assert mo, out
    assert live_rows(m)[0][1] == "migrated (1)"
    out = m.cmd(f"on 3 cma free {area['idx']} {int(mo.group(1), 16) << 12:#x} {area['pages']}")
    assert "done" in out, out
    new = live_rows(m)[0][0]
    assert "freed" in m.cmd(f"on 1 free {new << 12:#x}")
    mmcheck_clean(m)
    assert m.poweroff() == 0


@case
def bench_cma_runs_and_leaves_clean():
    m = boot()
    m.cmd("drain")
    free_kb = meminfo_kb(m, "CmaFree")
    out = m.cmd("bench cma 16", timeout=60)
    assert re.search(r"no migration: \d+ ns per pair \(cma_alloc \d+\), 8 pairs", out), out
    assert re.search(r"with 16 movable pages inside, 16 migrated: \d+ ns", out), out
    m.cmd("drain")
    assert meminfo_kb(m, "CmaFree") == free_kb
    assert all(a["used"] == 0 and a["lent"] == 0 for a in areas(m))
    mmcheck_clean(m)
    assert m.poweroff() == 0


# ---- dma_alloc_coherent on the CMA pools' devices ----------------------------------------------

DMA_CMA = re.compile(r"^dma: device (\S+): CMA area (\S+) PA 0x([0-9a-f]{8})-0x([0-9a-f]{8}) "
                     r"\((\d+) pages, (lowmem: linear map remapped|HighMem: vmap)\), (\d+) used, "
                     r"(\d+) free$", re.M)
DMA_ALLOC = re.compile(r"^dma: 0x([0-9a-f]{8}), dma handle 0x([0-9a-f]{8}), (\d+) bytes from (\S+) "
                       r"\(CMA area\)$")


def dma_cma_devices(m):
    """{device: {area, base, end, pages, highmem, used}} of `dma`'s CMA lines."""
    return {d: {"area": a, "base": int(b, 16), "end": int(e, 16), "pages": int(n),
                "highmem": k.startswith("HighMem"), "used": int(u)}
            for d, a, b, e, n, k, u, _f in DMA_CMA.findall(m.cmd("dma"))}


def linear_layout(m):
    """(PAGE_OFFSET, lowmem limit PA) from `layout`."""
    mo = re.search(r"PAGE_OFFSET 0x([0-9a-f]{8}), high_memory 0x[0-9a-f]{8}, lowmem limit PA "
                   r"0x([0-9a-f]{8})", m.cmd("layout"))
    return int(mo.group(1), 16), int(mo.group(2), 16)


def xp(m, pa):
    return int(re.search(r": (0x[0-9a-f]{8})", m.monitor(f"xp /1wx {pa:#x}")).group(1), 16)


def qemu_pa(m, va):
    mo = re.search(r"gpa: (0x[0-9a-f]+)", m.monitor(f"gva2gpa {va:#x}"))
    return int(mo.group(1), 16) if mo else None


def peek(m, va):
    return int(re.search(rf"0x{va:08x}: ([0-9a-f]{{8}})", m.cmd(f"peek {va:#x}")).group(1), 16)


def walk_page(m, va):
    """(PA, Linux PTE flags line, hw line) of a 4 KiB page `walk` finds, agreeing with the MMU."""
    out = m.cmd(f"walk {va:#x}")
    assert out.count("(agrees)") == 2 and "hw: small page" in out, out
    pa = int(re.search(r"^  PA 0x([0-9a-f]{8})$", out, re.M).group(1), 16)
    linux = re.search(r"^      Linux: (.*)$", out, re.M).group(1)
    hw = re.search(r"-> remap index \d+: (.*)$", out, re.M).group(1)
    return pa, linux, hw


def dma_alloc(m, dev, size):
    out = m.cmd(f"dma alloc {dev} {size:#x}")
    mo = DMA_ALLOC.match(out.strip())
    assert mo and int(mo.group(3)) == size and mo.group(4).split("@")[0] == dev.split("@")[0], out
    return int(mo.group(1), 16), int(mo.group(2), 16)


def dma_cycle(m, dev, d, po, limit):
    """dma alloc of 3 pages on dev: in its area, counted, mapped non-cacheable at the handle,
    zeroed, written through to the handle's PA; dma free puts everything back."""
    pages, size = 3, 0x3000
    assert d["highmem"] == (d["end"] > limit), d
    vmi, lin = m.cmd("vmallocinfo"), po + d["base"]
    before = [m.cmd(f"walk {lin + i * 4096:#x}") for i in range(pages + 1)] if not d["highmem"] \
        else None
    if before:
        assert all("MEM/CACHED/WBWA  mem_type MT_MEMORY_DMA_READY" in w for w in before), before
    va, handle = dma_alloc(m, dev, size)
    assert d["base"] <= handle and handle + size <= d["end"] and handle % 4096 == 0
    assert dma_cma_devices(m)[dev]["used"] == d["used"] + pages
    assert [a["used"] for a in areas(m) if a["name"] == d["area"]] == [d["used"] + pages]
    mmcheck_clean(m)
    for i in range(pages):
        pa, linux, hw = walk_page(m, va + i * 4096)
        assert pa == handle + i * 4096 and qemu_pa(m, va + i * 4096) == pa
        assert "XN" in linux.split() and "MEM/BUFFERABLE/WC" in linux and hw == "normal NC", \
            linux
    if d["highmem"]:
        row = [r for r in m.cmd("vmallocinfo").splitlines() if r.startswith(f"0x{va:08x}-")]
        assert len(row) == 1 and row[0].startswith(f"0x{va:08x}-0x{va + size + 4096:08x} ")
        assert "dma_common_contiguous_remap+" in row[0] and row[0].endswith(" dma-coherent"), row
    else:
        assert va == po + handle  # the linear mapping itself, remapped
        assert m.cmd(f"walk {lin + size:#x}") == before[pages] or handle != d["base"]
    assert peek(m, va + 0x1004) == 0 and xp(m, handle + 0x1004) == 0
    m.cmd(f"poke {va + 0x1004:#x} 0xc0ffee01")
    assert xp(m, handle + 0x1004) == 0xc0ffee01  # no cache in between: QEMU sees it at once
    assert f"back to {dev}" in m.cmd(f"dma free {dev} {va:#x}")
    va2, handle2 = dma_alloc(m, dev, size)  # the same pages again: cleared by dma_alloc
    assert handle2 == handle and peek(m, va2 + 0x1004) == 0, (handle, handle2)
    assert f"back to {dev}" in m.cmd(f"dma free {dev} {va2:#x}")
    assert dma_cma_devices(m)[dev]["used"] == d["used"]
    assert m.cmd("vmallocinfo") == vmi
    if before:
        assert [m.cmd(f"walk {lin + i * 4096:#x}") for i in range(pages + 1)] == before
    else:
        assert qemu_pa(m, va) is None


@case
def dma_on_cma_devices_walk_xp_2g_3g():
    for opts in ([], SPLIT_3G):
        m = boot(options=opts)
        po, limit = linear_layout(m)
        devs = dma_cma_devices(m)
        # one device per CMA pool, each on its own area (the default one: linux,cma)
        assert sorted((d["base"] >> 12, d["pages"]) for d in devs.values()) == \
            sorted((a["base"], a["pages"]) for a in areas(m)), (devs, areas(m))
        assert all(dev == d["area"] for dev, d in devs.items()), devs
        assert "dma: device coprocessor@" in m.cmd("dma")  # the no-map pool is kept
        for dev, d in devs.items():
            dma_cycle(m, dev, d, po, limit)
        mmcheck_clean(m)
        assert m.poweroff() == 0


@case
def dma_cma_bad_inputs_change_nothing_2g_3g():
    for opts in ([], SPLIT_3G):
        m = boot(options=opts)
        devs = dma_cma_devices(m)
        va, handle = dma_alloc(m, "video", 0x1000)
        other = [d for d in devs if not d.startswith("video")][0]
        state = (m.cmd("dma"), m.cmd("cma"), m.cmd("vmallocinfo"), m.cmd(f"walk {va:#x}"))
        size = devs["video@32000000"]["pages"] * 4096
        for line, needle in [
                ("dma alloc video 0", "out of range"),
                (f"dma alloc video {size + 1:#x}", "out of range"),
                ("dma alloc video x", "bad"), ("dma alloc nosuch 4096", "no DMA device 'nosuch'"),
                (f"dma free {other} {va:#x}", "not a buffer"),
                (f"dma free video {va + 4096:#x}", "not a buffer"),
                ("dma free video zz", "bad"), ("dma alloc video", "usage:")]:
            out = expect_error(m, line, needle)
            assert len(out.strip().splitlines()) == 1, (line, out)
        assert (m.cmd("dma"), m.cmd("cma"), m.cmd("vmallocinfo"), m.cmd(f"walk {va:#x}")) == state
        assert xp(m, handle) == 0
        assert "back to video@32000000" in m.cmd(f"dma free video {va:#x}")
        mmcheck_clean(m)
        assert m.poweroff() == 0


@case
def dma_cma_across_cpus_3g():
    """Allocated on CPU 1, written on CPU 2, read on CPU 3, freed on CPU 3: the vmap of a
    HighMem buffer is gone from CPU 2's TLB too (the free flushed every core)."""
    m = boot(options=SPLIT_3G)
    out = m.cmd("on 1 dma alloc framebuffer 0x2000")
    mo = re.search(r"dma: 0x([0-9a-f]{8}), dma handle 0x([0-9a-f]{8}), 8192 bytes", out)
    assert mo, out
    va, handle = int(mo.group(1), 16), int(mo.group(2), 16)
    m.cmd(f"on 2 poke {va + 0x1008:#x} 0x5a5a0001")
    assert xp(m, handle + 0x1008) == 0x5a5a0001
    assert f"0x{va + 0x1008:08x}: 5a5a0001" in m.cmd(f"on 3 peek {va + 0x1008:#x}")
    assert "back to framebuffer@" in m.cmd(f"on 3 dma free framebuffer {va:#x}")
    assert "translation fault" in m.cmd(f"on 2 peek {va + 0x1008:#x}")
    assert [a["used"] for a in areas(m) if a["name"].startswith("framebuffer")] == [0]
    mmcheck_clean(m)
    assert m.poweroff() == 0


if __name__ == "__main__":
    run()
