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
from memmodel import (CMA_ALIGN, DTB_PA, KiB, MiB, PAGE, TOP, cma_areas, compile_dts,  # noqa: E402
                      first_difference, free_at_reserve, free_ranges, memory_with_nomap,
                      nomap_of, parse_memblock, show, top_down, trim_bank, union)


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
    want = memory_with_nomap([(0, TOP)], nomap_of(facts))
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
    want = memory_with_nomap([(0, TOP)], nomap_of(facts))
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
    want = top_down(free_at_reserve(facts), d["size"], max(d["align"], CMA_ALIGN))
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
    want = top_down(free_at_reserve(facts), 16 * MiB, CMA_ALIGN)
    line = re.search(r"cma: Reserved 16 MiB at 0x([0-9a-f]{8})", m.boot_log)
    got = int(line.group(1), 16) if line else None
    t.check(got == want, "__memblock_find_range_top_down places the default CMA area (16 MiB, "
            "4 MiB aligned) at the highest place that fits", expected=f"{want:#010x}",
            got=f"{got:#010x}" if got is not None else "no 'cma: Reserved 16 MiB at' line")
