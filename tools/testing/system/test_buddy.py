#!/usr/bin/env python3
"""The buddy allocator, live: `alloc`, `free`, `allocs`, `drain`, `buddyinfo`, `pagetypeinfo`,
`buddy`, `meminfo`, `vmstat`, `torture`, `bench`, and the allocator's view in `page`.

Expected values come from the kernel's own other views, never typed in: `buddyinfo` before and
after (an alloc of order >= 4 and its free must restore it exactly; orders 0-3 after `drain`),
`zoneinfo`'s managed and free pages for `meminfo` and `vmstat`, the sums of `pagetypeinfo`
against `buddyinfo`. Every bad input is refused with one line naming the command, buddyinfo
unchanged and mm-check clean; allocating until exhaustion and freeing everything loses nothing;
`torture` on four CPUs ends clean.
"""
import re
import subprocess

from systest import boot, buddyinfo, case, expect_error, run, symbol

SPLIT_3G = ["-Dvmsplit=3G"]
PAGE_OFFSET = {"2G": 0x80000000, "3G": 0xC0000000}
MAX_ORDER = 11


def field_offset(m, struct, field):
    """offsetof(struct, field) from the booted ELF's debug information (gdb-multiarch)."""
    r = subprocess.run(["gdb-multiarch", "-batch", "-nx", m.elf, "-ex",
                        f"print/d (unsigned long)&(((struct {struct} *)0)->{field})"],
                       capture_output=True, text=True, timeout=60)
    mo = re.search(r"^\$1 = (\d+)$", r.stdout, re.M)
    assert mo, r.stdout + r.stderr
    return int(mo.group(1))


def peek(m, addr):
    return int(re.match(rf"0x{addr:08x}: ([0-9a-f]{{8}})", m.cmd(f"peek {addr:#x}")).group(1), 16)


def poke(m, addr, value):
    assert m.cmd(f"poke {addr:#x} {value:#x}").strip() == f"0x{addr:08x}: {value:08x}"


def free_pages(bi):
    return sum(n << o for counts in bi.values() for o, n in enumerate(counts))


def mmcheck_clean(m):
    out = m.cmd("mm-check")
    assert "mm-check: allocator: ok" in out and re.search(r"\d+ checks, 0 violations", out), out


def alloc(m, line):
    """Run an `alloc` line; {pfn, phys, virt (None for highmem), order, zone, cpu, from}."""
    out = m.cmd(line)
    rows = re.findall(r"^   (0x[0-9a-f]+) +(0x[0-9a-f]{8})  (0x[0-9a-f]{8}|\(highmem\)) +(\d+) "
                      r"(\w+) +(\w+) +(\d+) (buddy lists|pcp \(refill \d+\)|pcp) +(\S+)$",
                      out, re.M)
    assert len(rows) == 1, f"{line!r}: {out!r}"
    pfn, phys, virt, order, zone, _mt, cpu, src, _gfp = rows[0]
    return {"pfn": int(pfn, 16), "phys": int(phys, 16),
            "virt": None if virt == "(highmem)" else int(virt, 16), "order": int(order),
            "zone": zone, "cpu": int(cpu), "from": src, "out": out}


def free(m, addr, *order):
    out = m.cmd(f"free {addr:#x} {' '.join(map(str, order))}".strip())
    assert out.startswith("freed order-"), out
    return out


def check_block(b, split):
    size = 1 << b["order"]
    assert b["pfn"] % size == 0, f"block not naturally aligned: {b}"
    assert b["phys"] == b["pfn"] << 12, b
    if b["virt"] is not None:
        assert b["virt"] == PAGE_OFFSET[split] + b["phys"], b


def roundtrip(m, split):
    """alloc/free of every order restores buddyinfo (orders 0-3 once drained)."""
    m.cmd("drain")
    before = buddyinfo(m)
    for order in range(MAX_ORDER):
        for flags in ("", " movable"):
            b = alloc(m, f"alloc {order}{flags}")
            check_block(b, split)
            assert b["cpu"] == 0, b
            if order >= 4:
                assert b["from"] == "buddy lists", b
                assert buddyinfo(m) != before, f"alloc {order} did not change buddyinfo"
            else:
                assert b["from"].startswith("pcp"), b
            # free by the virtual address one time, by the physical the other
            free(m, b["virt"] if flags else b["phys"], order)
            if order < 4:
                m.cmd("drain")
            assert buddyinfo(m) == before, f"alloc/free of order {order}{flags} left a change"
    mmcheck_clean(m)


@case
def alloc_free_restore_buddyinfo_2g():
    m = boot()
    roundtrip(m, "2G")
    assert m.poweroff() == 0


@case
def alloc_free_restore_buddyinfo_3g():
    m = boot(options=SPLIT_3G)
    roundtrip(m, "3G")
    # a highmem block has no lowmem address: freed by its physical one
    m.cmd("drain")
    before = buddyinfo(m)
    b = alloc(m, "alloc 5 highmem movable")
    check_block(b, "3G")
    assert b["zone"] == "HighMem" and b["virt"] is None, b
    expect_error(m, f"free {PAGE_OFFSET['3G'] + b['phys']:#x}", "not a lowmem address")
    free(m, b["phys"])
    assert buddyinfo(m) == before
    # a zeroed HighMem block goes through kmap_local_page's fixmap slot, which is empty after
    z = alloc(m, "alloc 2 highmem zero")
    assert z["zone"] == "HighMem", z
    words = m.monitor(f"xp /16wx {z['phys'] + 3 * 4096 + 4032:#x}")
    assert re.findall(r"0x[0-9a-f]{8}", words.split(":", 1)[1]) == ["0x00000000"] * 16, words
    slot = m.cmd("walk 0xffefe000")  # FIX_KMAP_BEGIN: CPU 0's first kmap_local slot
    assert "pte_none" in slot or "not mapped" in slot.lower(), slot
    free(m, z["phys"], 2)
    m.cmd("drain")
    assert buddyinfo(m) == before
    mmcheck_clean(m)
    assert m.poweroff() == 0


@case
def bad_input_refused_state_unchanged():
    m = boot()
    b = alloc(m, "alloc 4")
    m.cmd("drain")
    before = buddyinfo(m)
    allocs = m.cmd("allocs")
    va, pa = b["virt"], b["phys"]
    bad = [
        ("alloc 11", "out of range"),
        ("alloc -1", "bad order"),
        ("alloc banana", "bad order"),
        ("alloc 0 sticky", "unknown flag"),
        ("alloc", "usage"),
        ("free", "usage"),
        ("free -1", "bad address"),
        ("free banana", "bad address"),
        (f"free {va + 0x800:#x}", "not page aligned"),
        (f"free {va + 0x1000:#x}", "inside the live order-4 block"),
        (f"free {pa + 0x3000:#x}", "inside the live order-4 block"),
        (f"free {va:#x} 3", "has order 4, not 3"),
        (f"free {va:#x} 11", "out of range"),
        (f"free {va:#x} -1", "bad order"),
        ("free 0x1000", "not a live block"),
        (f"free {pa + 0x100000:#x}", "not a live block"),
        ("free 0xfff00000", "not a lowmem address"),
        ("buddyinfo x", "usage"), ("pagetypeinfo x", "usage"), ("allocs x", "usage"),
        ("drain x", "usage"), ("meminfo x", "usage"), ("vmstat x", "usage"),
        ("buddy Nozone", "no populated zone"), ("buddy Normal b", "bad order"),
        ("buddy Nozone 4", "no populated zone"), ("buddy Normal 11", "out of range"),
        ("buddy Normal 4 11", "out of range"), ("buddy Normal 5 4", "below the first"),
        ("buddy Normal 1 2 3", "usage"),
        ("torture", "usage"), ("torture 0", "out of range"), ("torture x", "bad operation"),
        ("torture 10 x", "bad seed"), ("torture 20000000", "out of range"),
        ("bench 0", "out of range"), ("bench x", "bad pair count"), ("bench 1 2", "usage"),
    ]
    for line, needle in bad:
        expect_error(m, line, needle)
        assert buddyinfo(m) == before, f"{line!r} changed buddyinfo"
        assert m.cmd("allocs") == allocs, f"{line!r} changed the live blocks"
    out = m.cmd("on 1 torture 10")
    assert out == "torture: run it from CPU 0: it uses every CPU itself\n", out
    assert buddyinfo(m) == before
    mmcheck_clean(m)
    free(m, va, 4)
    # a double free, by either address
    expect_error(m, f"free {va:#x}", "not a live block")
    expect_error(m, f"free {pa:#x} 4", "not a live block")
    assert "0 live blocks" in m.cmd("allocs")
    mmcheck_clean(m)
    for cmd in ("alloc", "free", "allocs", "drain", "buddyinfo", "pagetypeinfo", "buddy",
                "meminfo", "vmstat", "torture", "bench"):
        assert m.cmd(f"help {cmd}").startswith(f"usage: {cmd}"), cmd
    assert m.poweroff() == 0


@case
def exhaustion_then_free_all_loses_nothing():
    m = boot()
    m.cmd("drain")
    before = buddyinfo(m)
    meminfo_before = m.cmd("meminfo")
    blocks = []
    for order in (10, 6):
        while len(blocks) < 1000:
            out = m.cmd(f"alloc {order} movable")  # movable: CMA pageblocks too
            if out.startswith("alloc: no free block"):
                break
            blocks.append(parse_row(out))
    assert len(blocks) > 200, len(blocks)
    assert out.startswith("alloc: no free block of order 6"), out
    assert any(b["zone"] == "Normal" for b in blocks)
    seen = set()
    for b in blocks:
        check_block(b, "2G")
        for p in range(b["pfn"], b["pfn"] + (1 << b["order"])):
            assert p not in seen, f"pfn {p:#x} handed out twice"
            seen.add(p)
    assert free_pages(buddyinfo(m)) < free_pages(before) // 50
    mmcheck_clean(m)
    for b in blocks:
        free(m, b["virt"])
    m.cmd("drain")
    assert buddyinfo(m) == before, "free lists differ after freeing everything"
    assert m.cmd("meminfo") == meminfo_before
    mmcheck_clean(m)
    assert m.poweroff() == 0


def parse_row(out):
    mo = re.search(r"^   (0x[0-9a-f]+) +(0x[0-9a-f]{8})  (0x[0-9a-f]{8}) +(\d+) (\w+)", out, re.M)
    assert mo, out
    return {"pfn": int(mo.group(1), 16), "phys": int(mo.group(2), 16),
            "virt": int(mo.group(3), 16), "order": int(mo.group(4)), "zone": mo.group(5)}


@case
def on_cpu_alloc_and_page_state():
    m = boot()
    b = alloc(m, "on 2 alloc 0")
    assert b["cpu"] == 2 and b["from"].startswith("pcp"), b
    assert "allocator: allocated (refcount 1)" in m.cmd(f"page {b['pfn']:#x}")
    free(m, b["virt"])
    out = m.cmd(f"page {b['pfn']:#x}")
    assert "allocator: free, on cpu 0's per-CPU" in out, out
    assert "allocator: free, on cpu 0's per-CPU" in m.cmd(f"whatis {b['phys']:#x}")
    m.cmd("drain")
    out = m.cmd(f"page {b['pfn']:#x}")
    assert re.search(r"allocator: free, (PageBuddy head of an order-\d+ block|inside the order)",
                     out), out
    big = alloc(m, "alloc 7")
    assert "allocator: allocated (refcount 1)" in m.cmd(f"page {big['pfn']:#x}")
    assert "part of an allocated block" in m.cmd(f"page {big['pfn'] + 1:#x}")
    free(m, big["phys"], 7)
    mmcheck_clean(m)
    assert m.poweroff() == 0


def proc_formats(m):
    bi = buddyinfo(m)
    out = m.cmd("pagetypeinfo")
    lines = out.splitlines()
    assert lines[:3] == ["Page block order: 10", "Pages per block:  1024", ""], lines[:3]
    assert lines[3] == "%-43s " % "Free pages count per migrate type at order" + \
        "".join("%6d " % o for o in range(MAX_ORDER)), lines[3]
    types = ["Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate"]
    per_zone = {}
    for line in lines[4:]:
        mo = re.fullmatch(r"Node +0, zone ([ \w]{8}), type ([ \w]{12}) ((?:[ \d]{5}\d ){11})",
                          line)
        if not mo:
            break
        z = mo.group(1).strip()
        counts = [int(x) for x in mo.group(3).split()]
        per_zone.setdefault(z, [0] * MAX_ORDER)
        per_zone[z] = [a + b for a, b in zip(per_zone[z], counts)]
    assert per_zone == bi, (per_zone, bi)
    header = "%-23s" % "Number of blocks type " + "".join("%12s " % t for t in types)
    assert "\n" + header + "\n" in out, out
    zi = m.cmd("zoneinfo")
    managed = sum(int(x) for x in re.findall(r"^        managed  (\d+)", zi, re.M))
    zfree = sum(int(x) for x in re.findall(r"^  pages free     (\d+)", zi, re.M))
    assert zfree == free_pages(bi), (zfree, bi)
    mi = m.cmd("meminfo").splitlines()
    for line in mi:
        assert re.fullmatch(r"[\w()]+: *[ \d]{7}\d kB", line) and len(line) == 27, line
    val = {l.split(":")[0]: int(l[16:24]) for l in mi}
    assert val["MemTotal"] == managed * 4 and val["MemFree"] == zfree * 4, val
    assert 0 < val["MemAvailable"] <= val["MemFree"], val
    vm = dict(l.split() for l in m.cmd("vmstat").splitlines())
    assert int(vm["nr_free_pages"]) == zfree, vm
    assert int(vm["nr_free_cma"]) * 4 == val["CmaFree"], vm
    return val


@case
def proc_formats_2g_3g():
    for opts in ([], SPLIT_3G):
        m = boot(options=opts)
        val = proc_formats(m)
        assert ("HighTotal" in val) and (val["HighTotal"] > 0) == bool(opts), val
        m.cmd("alloc 6")
        proc_formats(m)
        assert m.poweroff() == 0


@case
def buddy_picture_shows_split_and_merge():
    m = boot()
    before = m.cmd("buddy Normal")
    whole = before.count("A")
    b = alloc(m, "alloc 10 movable")  # from the Movable lists: no pageblock changes type
    after = m.cmd("buddy Normal")
    assert after.count("A") == whole - 1, after
    assert after != before
    free(m, b["virt"])
    assert m.cmd("buddy normal") == before
    assert m.cmd("buddy") == before
    assert m.poweroff() == 0


def buddy_lists(m, first, last):
    """`buddy Normal FIRST LAST`: ([(order, type, pos, pfn)] head first, {order: (seen, nr_free)})."""
    out = m.cmd(f"buddy Normal {first} {last}")
    rows = [(int(o), mt, int(pos), int(pfn, 16))
            for o, mt, pos, pfn, phys in re.findall(
                r"^ +(\d+) (\w+) +(\d+)  (0x[0-9a-f]+)  (0x[0-9a-f]{8})$", out, re.M)
            if int(phys, 16) == int(pfn, 16) << 12]
    sums = {int(o): (int(a), int(b)) for o, a, b in re.findall(
        r"^order (\d+): (\d+) blocks on the lists, nr_free (\d+)$", out, re.M)}
    assert sorted(sums) == list(range(first, last + 1)), out
    assert len(rows) == sum(a for a, _ in sums.values()), out
    return rows, sums


@case
def buddy_lists_show_every_free_block_head_first():
    m = boot()
    bi = buddyinfo(m)["Normal"]
    rows, sums = buddy_lists(m, 0, 10)
    assert [sums[o] for o in range(11)] == [(n, n) for n in bi], (sums, bi)
    for o, _mt, _pos, pfn in rows:
        assert pfn % (1 << o) == 0, (o, pfn)
    heads = [r for r in rows if r[0] == 10 and r[1] == "Movable"]
    assert [r[2] for r in heads] == list(range(len(heads))), heads
    # an order-10 movable block comes from the head of the Movable list (nothing smaller there)
    only, _ = buddy_lists(m, 10, 10)
    assert only == [r for r in rows if r[0] == 10], only
    b = alloc(m, "alloc 10 movable")
    assert b["pfn"] == heads[0][3], (b, heads[0])
    after, sums10 = buddy_lists(m, 10, 10)
    assert after == [(10, mt, pos - (mt == "Movable"), pfn) for _, mt, pos, pfn in only
                     if pfn != b["pfn"]], after
    assert sums10[10] == (sums[10][0] - 1,) * 2, sums10
    free(m, b["virt"])
    assert buddy_lists(m, 10, 10)[0] == only
    assert m.poweroff() == 0


def torture(m, n):
    out = m.cmd(f"torture {n} 7", timeout=240)
    assert out.strip().endswith("torture: clean"), out
    assert len(re.findall(r"^torture: cpu\d: ", out, re.M)) == 4, out
    assert "the free lists equal the state before" in out, out
    assert "during 8 runs 0" in out, out
    mmcheck_clean(m)


@case
def torture_20000_four_cpus_2g():
    m = boot()
    m.cmd("alloc 3")  # a live block stays live through the run
    torture(m, 20000)
    assert "1 live block" in m.cmd("allocs")
    assert m.poweroff() == 0


@case
def torture_3g_and_bench():
    m = boot(options=SPLIT_3G)
    torture(m, 8000)
    out = m.cmd("bench 2000", timeout=60)
    assert len(re.findall(r"^bench: order-0 pair via .* ns per pair$", out, re.M)) == 2, out
    mmcheck_clean(m)
    assert m.poweroff() == 0


@case
def corrupted_free_area_is_caught_by_mmcheck_and_torture():
    m = boot()
    addr = symbol(m, "contig_page_data") + field_offset(
        m, "pglist_data", "node_zones[0].free_area[10].nr_free")
    nr = peek(m, addr)
    assert nr == buddyinfo(m)["Normal"][10], (nr, buddyinfo(m))
    poke(m, addr, nr + 1)
    out = m.cmd("mm-check")
    assert (f"mm-check: allocator: zone Normal: free_area[10].nr_free is {nr + 1}, its lists "
            f"hold {nr}") in out, out
    out = m.cmd("torture 400")
    assert "torture: mm-check: before 1," in out and out.strip().endswith("torture: FAILED"), out
    poke(m, addr, nr)
    torture(m, 400)
    assert m.poweroff() == 0


if __name__ == "__main__":
    run()
