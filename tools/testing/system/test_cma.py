#!/usr/bin/env python3
"""CMA allocation, live: `cma`, `cma alloc`, `cma free`, `alloc ... movable cma [pinned]`, the
CMA lines of `whatis` and `mm-check`, `meminfo`'s CmaTotal/CmaFree and `bench cma`, on the 2G
and the 3G split (where the device-tree pools of dts/rpi2b-lab.dts lie in HighMem).

Expected values come from the kernel's other views, never typed in: the areas from the boot
log's "created CMA memory pool" lines, CmaTotal/CmaFree from `meminfo` against `cma`, the free
lists from `buddyinfo`/`pagetypeinfo` before and after (per-CPU lists drained), a migrated
page's contents from `peek` before and after.
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


if __name__ == "__main__":
    run()
