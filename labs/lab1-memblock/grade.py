"""grade.py - the public tests of lab1 (device tree memory and memblock):
early_init_dt_add_memory_arch, memblock_merge_regions, memblock_isolate_range and
__memblock_find_range_top_down.

Every device tree is generated from the test's seed; the expected memblock arrays are
recomputed here from what was put into the tree, with a small model of memblock's rules
(whole pages, sorted, merged, NOMAP splits, top-down search), and compared with the
`memblock` command's tables.
"""
import os
import re
import subprocess

from grading import dtgen, test

KiB, MiB = 1 << 10, 1 << 20
PAGE = 4096
TOP = dtgen.TOP            # end of the RAM QEMU gives raspi2b: 0x3c000000
DTB_PA = 0x08000000        # where QEMU loads the device tree (docs/design.md)
CMA_ALIGN = 4 * MiB        # CMA_MIN_ALIGNMENT_BYTES: one pageblock
REGION = re.compile(r"^\s*(\d+): 0x([0-9a-f]{8})\.\.0x([0-9a-f]{8})\s+(\S+)\s*(.*)$")


# -- reading the shell's tables ---------------------------------------------------------------
def parse_memblock(text):
    """The `memblock` command's output as a dict: memory and reserved lists of
    (base, end, flags, owners) with end exclusive, their header counts, and current_limit."""
    out, cur = {"memory": [], "reserved": [], "count": {}, "limit": None}, None
    for line in text.replace("\r", "").split("\n"):
        head = re.match(r"^(memory|reserved): (\d+) regions, (\d+) KiB", line)
        if head:
            cur = head.group(1)
            out["count"][cur] = (int(head.group(2)), int(head.group(3)))
            continue
        m = REGION.match(line)
        if m and cur:
            out[cur].append((int(m.group(2), 16), int(m.group(3), 16) + 1, m.group(4),
                             m.group(5).strip()))
        lim = re.search(r"current_limit 0x([0-9a-f]+)", line)
        if lim:
            out["limit"] = int(lim.group(1), 16)
    return out


def cma_areas(text):
    """The `cma` command's areas: {name: (base, size in bytes)}."""
    return {m.group(1): (int(m.group(2), 16), int(m.group(3)) * KiB) for m in
            re.finditer(r"^\s*\d+\s+(\S+)\s+0x([0-9a-f]{8})\s+(\d+) KiB", text, re.M)}


def show(regions):
    """A list of regions for a report: [base-end) FLAGS."""
    return ", ".join(f"[{r[0]:#010x}-{r[1]:#010x}) {r[2]}" for r in regions) or "(none)"


def first_difference(want, got):
    """'region N: expected X, got Y' for the first region that differs, or None."""
    for i in range(max(len(want), len(got))):
        w = want[i] if i < len(want) else None
        g = got[i][:3] if i < len(got) else None
        if w != g:
            fmt = lambda r: f"[{r[0]:#010x}-{r[1]:#010x}) {r[2]}" if r else "nothing"
            return f"region {i}: expected {fmt(w)}, got {fmt(g)}"
    return None


# -- the model ------------------------------------------------------------------------------
def union(ranges):
    """Sorted, merged [base, end) ranges (touching ones join)."""
    out = []
    for b, e in sorted(r for r in ranges if r[1] > r[0]):
        if out and b <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((b, e))
    return out


def subtract(ranges, holes):
    """ranges minus holes, both lists of [base, end)."""
    out = []
    for b, e in ranges:
        pieces = [(b, e)]
        for hb, he in holes:
            pieces = [p for pb, pe in pieces
                      for p in ((pb, min(pe, hb)), (max(pb, he), pe)) if p[1] > p[0]]
        out += pieces
    return out


def trim_bank(base, size):
    """What early_init_dt_add_memory_arch keeps of one /memory bank: [base, end) whole pages,
    or None when not a single whole page is left."""
    if size < PAGE - (base & (PAGE - 1)):
        return None
    if base & (PAGE - 1):
        size -= PAGE - (base & (PAGE - 1))
        base = (base + PAGE - 1) & ~(PAGE - 1)
    size &= ~(PAGE - 1)
    return (base, base + size) if size else None


def memory_with_nomap(memory, nomap):
    """The memory array: merged RAM ranges split at the no-map ranges, as (base, end, flags)."""
    out = []
    for b, e in memory:
        cuts = sorted({b, e} | {x for nb, ne in nomap for x in (nb, ne) if b < x < e})
        for lo, hi in zip(cuts, cuts[1:]):
            flag = "NOMAP" if any(nb <= lo and hi <= ne for nb, ne in nomap) else "NONE"
            if out and out[-1][1] == lo and out[-1][2] == flag:
                out[-1] = (out[-1][0], hi, flag)
            else:
                out.append((lo, hi, flag))
    return out


def top_down(free, size, align, low=PAGE, high=None):
    """Where a top-down search puts size bytes aligned to align in the free ranges."""
    for b, e in sorted(free, reverse=True):
        b, e = max(b, low), e if high is None else min(e, high)
        if e < size:
            continue
        cand = (e - size) // align * align
        if cand >= b:
            return cand
    return None


# -- device trees ------------------------------------------------------------------------------
def compile_dts(t, text, name):
    """Compile .dts text into a .dtb in the test's directory; returns the .dtb path."""
    src = os.path.join(t.tmp, name + ".dts")
    with open(src, "w") as f:
        f.write(text)
    dtb = src[:-4] + ".dtb"
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", dtb, src], check=True,
                   capture_output=True)
    return dtb


def random_banks(rng):
    """(tuples of the first /memory node, tuples of a second one, the tiny bank): RAM banks of
    the Pi's 960 MiB with holes, page-unaligned edges, touching and overlapping pieces, and a
    bank smaller than a page. The kernel (below 4 MiB) and the DTB stay in the first bank."""
    jitter = lambda: rng.choice((0, rng.randrange(1, PAGE)))
    a = rng.randrange(0x0a000000, 0x14000000, PAGE) + jitter()      # end of bank A
    x = rng.randrange(0x09000000, a - 2 * PAGE, PAGE) + jitter()    # A is cut in two here
    b = (a + rng.randrange(8, 64) * MiB) & ~(PAGE - 1) | rng.randrange(1, PAGE)  # bank B
    bsize = rng.randrange(16, 128) * MiB
    c = (b + bsize + rng.randrange(1, 32) * MiB) & ~(MiB - 1)       # bank C runs to the top
    tiny_base = (a + 2 * MiB) & ~(PAGE - 1) | rng.randrange(1, PAGE - 16)
    tiny = (tiny_base, rng.randrange(1, PAGE - (tiny_base & (PAGE - 1))))
    over = (b & ~(MiB - 1)) + 4 * MiB
    first = [(0, x), (x, a - x), (b, bsize)]
    second = [(c, TOP - c), (over, 4 * MiB), tiny]
    rng.shuffle(first)
    rng.shuffle(second)
    return first, second, tiny


def banks_dts(first, second):
    """dts/rpi2b.dts with its /memory replaced by the banks, and a second memory node."""
    cells = lambda ts: " ".join(f"{b:#010x} {s:#010x}" for b, s in ts)
    board = dtgen.board_dts().replace("reg = <0x00000000 0x3c000000>;",
                                      f"reg = <{cells(first)}>;")
    return ("/dts-v1/;\n" + board + "\n/ {\n\tmemory@20000000 {\n"
            '\t\tdevice_type = "memory";\n'
            f"\t\treg = <{cells(second)}>;\n\t}};\n}};\n")


def memory_of(t, m):
    """The parsed `memblock` tables of machine m."""
    return parse_memblock(t.cmd(m, "memblock"))


# -- tests ------------------------------------------------------------------------------------
@test("early_init_dt_add_memory_arch: /memory banks trimmed to whole pages, tiny ones ignored",
      points=10)
def banks(t):
    """A tree whose RAM is cut into banks with odd edges: the memory array must be exactly the
    whole pages of their union (touching and overlapping banks are one region)."""
    first, second, tiny = random_banks(t.rng)
    dtb = compile_dts(t, banks_dts(first, second), "banks")
    t.note("banks: " + ", ".join(f"{b:#x}+{s:#x}" for b, s in first + second))
    m = t.boot(overwrite=[(dtb, DTB_PA, 64 * KiB)])
    kept = [trim_bank(b, s) for b, s in first + second]
    want = [(b, e, "NONE") for b, e in union(r for r in kept if r)]
    got = memory_of(t, m)["memory"]
    diff = first_difference(want, got)
    t.check(diff is None, "memblock.memory is the banks trimmed to whole pages "
            "(early_init_dt_add_memory_arch) and merged", expected=show(want),
            got=diff or show(got))
    line = f"Ignoring memory block {tiny[0]:#x} - {tiny[0] + tiny[1]:#x}"
    t.check(line in m.boot_log, "early_init_dt_add_memory_arch ignores a bank smaller than "
            "one whole page, with Linux's warning", expected=line,
            got="no such line in the boot log")
    odd = [r for r in got if r[0] % PAGE or r[1] % PAGE]
    t.check(not odd, "early_init_dt_add_memory_arch: every memory region is whole pages",
            expected="page-aligned base and end", got=show(odd))


def merged_everywhere(t, tables, what):
    """Checks that no two neighbours of either array touch with the same flags, that each array
    is sorted without overlaps, and that the header's count and size match the lines."""
    for name in ("memory", "reserved"):
        regs = tables[name]
        touching = [(a, b) for a, b in zip(regs, regs[1:]) if a[1] == b[0] and a[2] == b[2]]
        t.check(not touching, f"memblock_merge_regions: no two neighbours of memblock.{name} "
                f"touch with equal flags ({what})", expected="touching neighbours merged",
                got="; ".join(f"{show([a])} + {show([b])}" for a, b in touching[:3]))
        bad = [(a, b) for a, b in zip(regs, regs[1:]) if a[1] > b[0]]
        t.check(not bad, f"memblock.{name} is sorted and free of overlaps ({what})",
                expected="sorted, disjoint", got="; ".join(f"{show([a])} / {show([b])}"
                                                          for a, b in bad[:3]))
        count, kib = tables["count"].get(name, (None, None))
        size = sum(r[1] - r[0] for r in regs) // KiB
        t.check(count == len(regs) and kib == size, f"memblock.{name}: cnt and total_size "
                "agree with the regions (memblock_insert_region / merge accounting)",
                expected=f"{len(regs)} regions, {size} KiB", got=f"{count} regions, {kib} KiB")


@test("memblock_merge_regions: touching regions with the same flags are merged", points=10)
def merge(t):
    """A random reserved-memory layout: the early allocations of the boot sit next to each
    other, so without merging memblock.reserved is a row of touching regions."""
    dtb = t.random_dt()
    m = t.boot(dtb=dtb)
    tables = memory_of(t, m)
    merged_everywhere(t, tables, "random device tree")
    facts = t.dt_facts(dtb)
    nomap = [(r["base"], r["base"] + r["size"]) for r in facts["static"] if r["nomap"]]
    want = memory_with_nomap([(0, TOP)], nomap)
    diff = first_difference(want, tables["memory"])
    t.check(diff is None, "memblock_merge_regions joins only neighbours with the same flags: "
            "memblock.memory is NONE RAM around the NOMAP regions", expected=show(want),
            got=diff or show(tables["memory"]))


def nomap_layout(rng):
    """A random reserved-memory layout with at least two no-map regions."""
    facts = dtgen.layout(rng, static=3)
    for r in facts["static"][:2]:
        r["nomap"] = True
    return facts


@test("memblock_isolate_range: no-map regions split memory, mem= removes the rest", points=10)
def isolate(t):
    """memblock_mark_nomap and memblock_remove both isolate a range first: the memory array must
    be split exactly at the no-map regions, and mem=SIZE must leave exactly [0, SIZE)."""
    facts = nomap_layout(t.rng)
    facts["summary"] = dtgen.summary(facts)
    t.note("device tree: " + facts["summary"])
    dtb = compile_dts(t, dtgen.to_dts(facts), "nomap")
    m = t.boot(dtb=dtb)
    nomap = [(r["base"], r["base"] + r["size"]) for r in facts["static"] if r["nomap"]]
    want = memory_with_nomap([(0, TOP)], nomap)
    got = memory_of(t, m)["memory"]
    diff = first_difference(want, got)
    t.check(diff is None, "memblock_isolate_range: the no-map regions are NOMAP regions of "
            "memblock.memory, the rest NONE", expected=show(want), got=diff or show(got))

    size = t.rng.randrange(256, 900) * MiB
    plain = compile_dts(t, dtgen.to_dts({"static": [], "cma": [], "dynamic": None,
                                         "memreserve": []}), "plain")
    m = t.boot(dtb=plain, append=f"mem={size // MiB}M")
    want = [(0, size, "NONE")]
    got = memory_of(t, m)["memory"]
    diff = first_difference(want, got)
    t.check(diff is None, f"memblock_isolate_range: with mem={size // MiB}M memblock_remove "
            "leaves exactly [0, SIZE)", expected=show(want), got=diff or show(got))


def free_ranges(tables, limit=None):
    """Free memory now: non-NOMAP memory minus every reserved region, below limit."""
    ram = [(r[0], r[1]) for r in tables["memory"] if r[2] != "NOMAP"]
    free = subtract(ram, [(r[0], r[1]) for r in tables["reserved"]])
    return [(b, min(e, limit)) for b, e in free if limit is None or b < limit]


def allocations_on_top(t, tables, what):
    """The boot's own allocations (owner "(memblock)") must sit at the top of lowmem: above the
    highest one there is no free memory left but alignment crumbs."""
    allocs = [r for r in tables["reserved"] if r[3] == "(memblock)"]
    if not t.check(allocs, f"the boot made memblock allocations ({what})",
                   expected="(memblock) regions", got="none"):
        return
    top = max(r[1] for r in allocs)
    above = [(max(b, top), e) for b, e in free_ranges(tables, tables["limit"]) if e > top]
    left = sum(e - b for b, e in above)
    t.check(left < 4 * MiB, "__memblock_find_range_top_down: early allocations are taken from "
            f"the top of lowmem down ({what})", expected="less than 4 MiB free above the "
            f"highest allocation (it ends at {top:#010x})",
            got=f"{left // KiB} KiB free above it: {', '.join(f'[{b:#x}-{e:#x})' for b, e in above[:4])}")


@test("__memblock_find_range_top_down: dynamic regions and allocations come from the top",
      points=10)
def topdown(t):
    """The linux,cma pool of a random tree (size and alignment only) and the default CMA area
    of a tree without one must be where a top-down search puts them."""
    facts = dtgen.layout(t.rng, dynamic=True)
    facts["summary"] = dtgen.summary(facts)
    t.note("device tree: " + facts["summary"])
    m = t.boot(dtb=compile_dts(t, dtgen.to_dts(facts), "dynamic"))
    tables = memory_of(t, m)
    d = facts["dynamic"]
    taken = [(0, dtgen.LOW)]  # kernel, page table, DTB, /memreserve/ at 0: all below LOW
    taken += [(r["base"], r["base"] + r["size"]) for r in facts["static"] + facts["cma"]]
    taken += [(b, b + s) for b, s in facts["memreserve"]]
    nomap = [(r["base"], r["base"] + r["size"]) for r in facts["static"] if r["nomap"]]
    free = subtract(subtract([(0, TOP)], nomap), union(taken))
    want = top_down(free, d["size"], max(d["align"], CMA_ALIGN))
    got = cma_areas(t.cmd(m, "cma")).get("linux,cma", (None, None))[0]
    t.check(got == want, "__memblock_find_range_top_down places linux,cma "
            f"({d['size'] // MiB} MiB, aligned {d['align'] // MiB} MiB) at the highest place "
            "that fits", expected=f"{want:#010x}", got=f"{got:#010x}" if got is not None
            else "no linux,cma area in `cma`")
    allocations_on_top(t, tables, "random device tree")

    facts = dtgen.layout(t.rng, dynamic=False)
    facts["summary"] = dtgen.summary(facts)
    t.note("device tree: " + facts["summary"])
    m = t.boot(dtb=compile_dts(t, dtgen.to_dts(facts), "nodynamic"))
    taken = [(0, dtgen.LOW)] + [(r["base"], r["base"] + r["size"])
                                for r in facts["static"] + facts["cma"]]
    taken += [(b, b + s) for b, s in facts["memreserve"]]
    nomap = [(r["base"], r["base"] + r["size"]) for r in facts["static"] if r["nomap"]]
    free = subtract(subtract([(0, TOP)], nomap), union(taken))
    want = top_down(free, 16 * MiB, CMA_ALIGN)
    line = re.search(r"cma: Reserved 16 MiB at 0x([0-9a-f]{8})", m.boot_log)
    got = int(line.group(1), 16) if line else None
    t.check(got == want, "__memblock_find_range_top_down places the default CMA area (16 MiB, "
            "4 MiB aligned) at the highest place that fits", expected=f"{want:#010x}",
            got=f"{got:#010x}" if got is not None else "no 'cma: Reserved 16 MiB at' line")
