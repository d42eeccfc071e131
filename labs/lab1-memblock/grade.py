"""grade.py - the public tests of lab1 (device tree memory and memblock):
early_init_dt_add_memory_arch, memblock_merge_regions, memblock_isolate_range and
__memblock_find_range_top_down.

Every device tree is generated from the test's seed; the expected memblock arrays are
recomputed here from what was put into the tree, with a small model of memblock's rules
(memmodel.py: whole pages, sorted, merged, NOMAP splits, top-down search), and compared with
the `memblock` command's tables.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grading import dtgen, test  # noqa: E402
from memmodel import (DTB_PA, KiB, MiB, PAGE, TOP, compile_dts, first_difference,  # noqa: E402
                      free_ranges, memory_with_nomap, parse_memblock, show, subtract,
                      trim_bank, union)


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


def marked_nomap(facts, boot_log):
    """The no-map regions of a layout that the boot did mark: those its log does not report as
    failed ("failed to reserve memory for node"). Marking them is lab 2's work; this lab checks
    how memblock splits and merges around what was marked."""
    failed = set(re.findall(r"failed to reserve memory for node '([^']+)'", boot_log))
    return [(r["base"], r["base"] + r["size"]) for r in facts["static"]
            if r["nomap"] and f"{r['name']}@{r['base']:x}" not in failed]


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


def nomap_layout(rng):
    """A random reserved-memory layout with at least two no-map regions."""
    facts = dtgen.layout(rng, static=3, dynamic=False)
    for r in facts["static"][:2]:
        r["nomap"] = True
    return facts


@test("memblock_merge_regions: touching regions with the same flags are merged", points=10)
def merge(t):
    """A random reserved-memory layout with no-map regions: the early allocations of the boot
    sit next to each other, so without merging memblock.reserved is a row of touching regions;
    the NOMAP regions must not merge with the RAM around them."""
    facts = nomap_layout(t.rng)
    facts["summary"] = dtgen.summary(facts)
    t.note("device tree: " + facts["summary"])
    m = t.boot(dtb=compile_dts(t, dtgen.to_dts(facts), "merge"))
    tables = memory_of(t, m)
    merged_everywhere(t, tables, "random device tree")
    want = memory_with_nomap([(0, TOP)], marked_nomap(facts, m.boot_log))
    diff = first_difference(want, tables["memory"])
    t.check(diff is None, "memblock_merge_regions joins only neighbours with the same flags: "
            "memblock.memory is NONE RAM around the NOMAP regions", expected=show(want),
            got=diff or show(tables["memory"]))


def free_spot(rng, facts, size):
    """A 1 MiB aligned base for size bytes clear (by 1 MiB) of every region of the layout."""
    taken = [(r["base"], r["base"] + r["size"]) for r in facts["static"] + facts["cma"]]
    taken += [(b, b + s) for b, s in facts["memreserve"]]
    for _ in range(200):
        base = rng.randrange(dtgen.LOW // MiB, (TOP - size) // MiB) * MiB
        if all(base + size + MiB <= b or e + MiB <= base for b, e in taken):
            return base
    return None


def given_back_sandwich(base):
    """Three touching 1 MiB nodes from base: plain reserved, a shared-dma-pool that no init
    function accepts (neither reusable nor no-map: it is given back with memblock_phys_free),
    plain reserved. Reserved as one merged region, the middle must be cut out of it."""
    text = "\n&{/reserved-memory} {\n"
    for i, name in enumerate(("keep", "unused", "keep")):
        b = base + i * MiB
        text += f"\t{name}@{b:x} {{\n"
        if name == "unused":
            text += '\t\tcompatible = "shared-dma-pool";\n'
        text += f"\t\treg = <{b:#010x} {MiB:#010x}>;\n\t}};\n"
    return text + "};\n"


@test("memblock_isolate_range: no-map regions split memory, freeing and mem= cut ranges out",
      points=10)
def isolate(t):
    """memblock_mark_nomap, memblock_phys_free and memblock_remove all isolate a range first:
    memory must be split exactly at the no-map regions, a region given back from the middle of
    a reserved region must leave its two ends, and mem=SIZE must leave exactly [0, SIZE)."""
    facts = nomap_layout(t.rng)
    sandwich = free_spot(t.rng, facts, 3 * MiB)
    extra = given_back_sandwich(sandwich) if sandwich is not None else ""
    facts["summary"] = dtgen.summary(facts)
    t.note("device tree: " + facts["summary"] + (f"; keep/unused/keep at {sandwich:#x}"
                                                 if extra else ""))
    m = t.boot(dtb=compile_dts(t, dtgen.to_dts(facts) + extra, "nomap"))
    tables = memory_of(t, m)
    want = memory_with_nomap([(0, TOP)], marked_nomap(facts, m.boot_log))
    got = tables["memory"]
    diff = first_difference(want, got)
    t.check(diff is None, "memblock_isolate_range: the no-map regions are NOMAP regions of "
            "memblock.memory, the rest NONE", expected=show(want), got=diff or show(got))
    if extra:
        lo, hi = sandwich + MiB, sandwich + 2 * MiB
        # clipped to the sandwich: a boot allocation right below or above merges with an end
        near = [(max(r[0], sandwich), min(r[1], hi + MiB), r[2]) for r in tables["reserved"]
                if r[0] < hi + MiB and sandwich < r[1]]
        want = [(sandwich, lo, "NONE"), (hi, hi + MiB, "NONE")]
        diff = first_difference(want, near)
        t.check(diff is None, "memblock_isolate_range: memblock_phys_free of the middle of a "
                f"reserved region [{sandwich:#x}-{hi + MiB:#x}) leaves its two ends",
                expected=show(want), got=diff or show(near))

    size = t.rng.randrange(256, 900) * MiB
    plain = compile_dts(t, dtgen.to_dts({"static": [], "cma": [], "dynamic": None,
                                         "memreserve": []}), "plain")
    m = t.boot(dtb=plain, append=f"mem={size // MiB}M")
    want = [(0, size, "NONE")]
    got = memory_of(t, m)["memory"]
    diff = first_difference(want, got)
    t.check(diff is None, f"memblock_isolate_range: with mem={size // MiB}M memblock_remove "
            "leaves exactly [0, SIZE)", expected=show(want), got=diff or show(got))


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


@test("__memblock_find_range_top_down: the boot's allocations come from the top down",
      points=10)
def topdown(t):
    """No CMA (cma=0) and a random mem= size, with /memreserve/ entries near the top: the
    first allocation must end at the top of the highest free range, and the others follow
    it downwards. Then a random reserved-memory layout: no free memory is left above the
    highest allocation but crumbs."""
    rng = t.rng
    size = rng.randrange(288, 960) * MiB  # the highest free range stays above dtgen.LOW
    top_rsv = size - rng.randrange(0, 8) * MiB - rng.randrange(1, 64) * PAGE
    rsv = [(top_rsv, rng.randrange(1, 32) * PAGE)]
    rsv.append(((top_rsv - rng.randrange(2, 16) * MiB) & ~(PAGE - 1), rng.randrange(1, 64) * PAGE))
    rsv = [(b, min(s, size - b)) for b, s in rsv if 0 < size - b]
    facts = {"static": [], "cma": [], "dynamic": None, "memreserve": rsv}
    t.note(f"mem={size // MiB}M cma=0, /memreserve/ " +
           ", ".join(f"{b:#x}+{s:#x}" for b, s in rsv))
    m = t.boot(dtb=compile_dts(t, dtgen.to_dts(facts), "top"),
               append=f"mem={size // MiB}M cma=0")
    tables = memory_of(t, m)
    free = subtract([(dtgen.LOW, min(size, tables["limit"] or size))],
                    union((b, b + s) for b, s in rsv))
    want = max(e for b, e in free)
    # an allocation right below a /memreserve/ merges with it ("/memreserve/, (memblock)"):
    # what the boot allocated is such a region without the /memreserve/ ranges
    allocs = subtract([(r[0], r[1]) for r in tables["reserved"] if "(memblock)" in r[3]],
                      union((b, b + s) for b, s in rsv))
    got = max((e for b, e in allocs), default=None)
    t.check(got is not None and want - PAGE < got <= want, "__memblock_find_range_top_down: "
            "the first allocation ends at the top of the highest free range",
            expected=f"the highest allocation ends at {want:#010x}",
            got=f"it ends at {got:#010x}" if got is not None else "no allocation")
    allocations_on_top(t, tables, f"mem={size // MiB}M")

    dtb = t.random_dt()
    m = t.boot(dtb=dtb)
    allocations_on_top(t, memory_of(t, m), "random device tree")
