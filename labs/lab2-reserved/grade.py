"""grade.py - the public tests of lab2 (reserved memory and CMA reservations):
early_init_dt_reserve_memory, __reserved_mem_alloc_size, rmem_cma_setup and
cma_init_reserved_mem.

Every device tree is generated from the test's seed (grading/dtgen.py, plus nodes added here:
no-map clashes, alloc-ranges windows, a DMA pool, badly aligned pools); where each region must
end up is recomputed with the memblock model of labs/lab1-memblock/memmodel.py and compared
with the `memblock` and `cma` tables and the boot log.
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                "lab1-memblock"))
from grading import dtgen, test  # noqa: E402
from memmodel import (CMA_ALIGN, MiB, PAGE, TOP, cma_areas, compile_dts,  # noqa: E402
                      first_difference, free_at_reserve, memory_with_nomap, nomap_of,
                      parse_memblock, show, subtract, top_down, union)


def place(rng, facts, size, align=MiB, low=dtgen.LOW, top=TOP):
    """A base for size bytes in [low, top), align-ed, 1 MiB clear of every region of the
    layout; None when no room was found."""
    taken = [(r["base"], r["base"] + r["size"]) for r in facts["static"] + facts["cma"]]
    taken += [(b, b + s) for b, s in facts["memreserve"]]
    for _ in range(200):
        base = rng.randrange(low // align, (top - size) // align + 1) * align
        if all(base + size + MiB <= b or e + MiB <= base for b, e in taken):
            return base
    return None


def covered(reserved, base, end):
    """True when the reserved regions cover all of [base, end)."""
    return not subtract([(base, end)], [(r[0], r[1]) for r in reserved])


def touches(reserved, base, end):
    """True when some reserved region overlaps [base, end)."""
    return any(r[0] < end and base < r[1] for r in reserved)


def tables_of(t, m):
    """The parsed `memblock` tables of machine m."""
    return parse_memblock(t.cmd(m, "memblock"))


def with_extra(facts, text):
    """The .dts of a layout with extra source appended (nodes added or extended by path)."""
    return dtgen.to_dts(facts) + text


@test("early_init_dt_reserve_memory: reg regions are reserved, no-map ones become NOMAP",
      points=10)
def static(t):
    """Static regions (some no-map), /memreserve/ entries, and a no-map region over memory that
    is already reserved (-EBUSY: it must fail and stay ordinary RAM)."""
    rng = t.rng
    facts = dtgen.layout(rng, static=3, cma=rng.randint(0, 1), dynamic=False)
    facts["static"][0]["nomap"], facts["static"][1]["nomap"] = True, False
    clash = place(rng, facts, MiB)
    if clash is not None:
        facts["memreserve"].append((clash + rng.randrange(0, 128) * PAGE, 2 * PAGE))
        facts["static"].append({"name": "clash", "base": clash, "size": MiB, "nomap": True})
    facts["summary"] = dtgen.summary(facts)
    t.note("device tree: " + facts["summary"])
    m = t.boot(dtb=compile_dts(t, dtgen.to_dts(facts), "static"))
    tables = tables_of(t, m)
    good_nomap = [r for r in nomap_of(facts) if r[0] != clash]
    want = memory_with_nomap([(0, TOP)], good_nomap)
    diff = first_difference(want, tables["memory"])
    t.check(diff is None, "early_init_dt_reserve_memory marks each no-map region NOMAP in "
            "memblock.memory (and nothing else)", expected=show(want),
            got=diff or show(tables["memory"]))
    res = tables["reserved"]
    for r in facts["static"]:
        base, end, name = r["base"], r["base"] + r["size"], f"{r['name']}@{r['base']:x}"
        if r["name"] == "clash":
            continue
        if r["nomap"]:
            t.check(not touches(res, base, end), f"early_init_dt_reserve_memory: no-map {name} "
                    "is not in memblock.reserved (no-map memory is removed, not reserved)",
                    expected="not reserved", got="reserved")
        else:
            t.check(covered(res, base, end), f"early_init_dt_reserve_memory reserves {name} "
                    f"[{base:#x}-{end:#x})", expected="covered by memblock.reserved",
                    got="not (all) reserved")
    for b, s in facts["memreserve"]:
        t.check(covered(res, b, b + s), f"/memreserve/ {b:#x}+{s:#x} is reserved",
                expected="covered by memblock.reserved", got="not (all) reserved")
    if clash is not None:
        name = f"clash@{clash:x}"
        line = f"failed to reserve memory for node '{name}'"
        t.check(line in m.boot_log, "early_init_dt_reserve_memory refuses (-EBUSY) a no-map "
                f"region over reserved memory ({name} holds a /memreserve/ entry)",
                expected=line, got="no such line in the boot log")


def windows(rng, low, high, count):
    """count alloc-ranges windows (base, size) inside [low, high), in random order, ends not
    4 MiB aligned; the last one is large."""
    out = []
    for i in range(count):
        size = (rng.randrange(8, 40) if i < count - 1 else rng.randrange(64, 128)) * MiB
        size = min(size, high - low - MiB) + rng.choice((0, MiB, 3 * MiB)) - 3 * MiB
        base = rng.randrange(low // MiB, (high - size) // MiB) * MiB
        out.append((base, size))
    return out


def cells(pairs):
    """<base size ...> cell text."""
    return " ".join(f"{b:#010x} {s:#010x}" for b, s in pairs)


def in_windows(free, size, align, wins):
    """Linux's alloc-ranges rule: the first window in which a top-down search succeeds."""
    for b, s in wins:
        got = top_down(free, size, align, low=max(b, PAGE), high=b + s)
        if got is not None:
            return got
    return None


@test("__reserved_mem_alloc_size: size, alignment (CMA: whole pageblocks) and alloc-ranges",
      points=10)
def dynamic(t):
    """linux,cma with random alignment and alloc-ranges windows in the upper memory, and a
    no-map DMA pool with its own windows in the lower memory: each goes top-down into the
    first window where it fits, aligned (a CMA pool to at least 4 MiB)."""
    rng = t.rng
    facts = dtgen.layout(rng, dynamic=True)
    d = facts["dynamic"]
    d["align"] = rng.choice((MiB, 2 * MiB, 4 * MiB, 8 * MiB))
    split, split2 = 0x26000000, 0x1c000000
    cma_wins = windows(rng, split, TOP, rng.randint(1, 2))
    pool_size, pool_align = rng.randint(1, 4) * MiB, rng.choice((MiB, 2 * MiB))
    pool_wins = windows(rng, dtgen.LOW, split2, rng.randint(1, 2))
    dyn_size = rng.choice((4, 8)) * MiB
    dyn_spot = place(rng, facts, dyn_size + 6 * MiB, 4 * MiB, low=split2, top=split)
    extra = (f"\n&{{/reserved-memory/linux,cma}} {{\n\talloc-ranges = <{cells(cma_wins)}>;\n}};\n"
             "\n&{/reserved-memory} {\n\tscratch {\n\t\tcompatible = \"shared-dma-pool\";\n"
             f"\t\tno-map;\n\t\tsize = <{pool_size:#010x}>;\n"
             f"\t\talignment = <{pool_align:#010x}>;\n"
             f"\t\talloc-ranges = <{cells(pool_wins)}>;\n\t}};\n}};\n")
    if dyn_spot is not None:  # 1 MiB alignment asked, window end 1 MiB past a pageblock
        dyn_win = (dyn_spot, dyn_size + 5 * MiB)
        extra += ("\n&{/reserved-memory} {\n\tdyncma {\n\t\tcompatible = \"shared-dma-pool\";\n"
                  f"\t\treusable;\n\t\tsize = <{dyn_size:#010x}>;\n"
                  f"\t\talignment = <{MiB:#010x}>;\n"
                  f"\t\talloc-ranges = <{cells([dyn_win])}>;\n\t}};\n}};\n")
    facts["summary"] = dtgen.summary(facts)
    t.note(f"device tree: {facts['summary']}; dyncma {dyn_size // MiB}M align 1M at "
           f"{dyn_spot if dyn_spot is None else hex(dyn_spot)}; linux,cma alloc-ranges {cells(cma_wins)}; "
           f"scratch (DMA pool) {pool_size // MiB}M align {pool_align // MiB}M alloc-ranges "
           f"{cells(pool_wins)}")
    m = t.boot(dtb=compile_dts(t, with_extra(facts, extra), "dynamic"))
    free = free_at_reserve(facts)
    want = in_windows(free, d["size"], max(d["align"], CMA_ALIGN), cma_wins)
    got = cma_areas(t.cmd(m, "cma")).get("linux,cma", (None, None))[0]
    hexa = lambda v: f"{v:#010x}" if v is not None else "not placed"
    t.check(got == want, f"__reserved_mem_alloc_size places linux,cma ({d['size'] // MiB} MiB, "
            f"alignment {d['align'] // MiB} MiB raised to a pageblock) in the first alloc-ranges "
            "window that fits, top-down", expected=hexa(want), got=hexa(got))
    if dyn_spot is not None:
        want = in_windows(free, dyn_size, CMA_ALIGN, [dyn_win])
        got = cma_areas(t.cmd(m, "cma")).get("dyncma", (None, None))[0]
        t.check(got == want, f"__reserved_mem_alloc_size raises the 1 MiB alignment of the "
                f"reusable pool dyncma ({dyn_size // MiB} MiB) to a whole pageblock",
                expected=hexa(want), got=hexa(got))
    want = in_windows(free, pool_size, pool_align, pool_wins)
    line = re.search(r"created DMA memory pool at 0x([0-9a-f]{8}), size (\d+) MiB", m.boot_log)
    got = int(line.group(1), 16) if line else None
    t.check(got == want, f"__reserved_mem_alloc_size places the no-map pool scratch "
            f"({pool_size // MiB} MiB, alignment {pool_align // MiB} MiB) in the first window "
            "that fits, top-down", expected=hexa(want), got=hexa(got))
    if want is not None:
        nomap = [r for r in tables_of(t, m)["memory"] if r[2] == "NOMAP"]
        t.check(any(r[0] <= want and want + pool_size <= r[1] for r in nomap),
                "__reserved_mem_alloc_size marks a dynamic no-map region NOMAP",
                expected=f"NOMAP over [{want:#x}-{want + pool_size:#x})", got=show(nomap))


def bad_pools(rng, facts):
    """Two reusable pools that cannot be CMA areas: one not pageblock aligned, one no-map.
    Returns the extra .dts text and their (name, base, size)."""
    bad = []
    base = place(rng, facts, 2 * MiB)
    if base is not None:
        base += MiB if base % CMA_ALIGN == 0 else 0
        bad.append(("badalign", base, 2 * MiB, False))
        facts["static"].append({"name": "badalign", "base": base, "size": 2 * MiB,
                                "nomap": False})
    base = place(rng, facts, 4 * MiB, CMA_ALIGN)
    if base is not None:
        bad.append(("mapped", base, 4 * MiB, True))
        facts["static"].append({"name": "mapped", "base": base, "size": 4 * MiB, "nomap": True})
    text = "\n&{/reserved-memory} {\n"
    for name, b, s, nomap in bad:
        text += (f"\t{name}@{b:x} {{\n\t\tcompatible = \"shared-dma-pool\";\n\t\treusable;\n"
                 f"\t\treg = <{b:#010x} {s:#010x}>;\n" + ("\t\tno-map;\n" if nomap else "") +
                 "\t};\n")
    for name, b, s, nomap in bad:  # to_dts must not print them: they are written here
        facts["static"] = [r for r in facts["static"] if r["name"] != name]
    return text + "};\n", bad


def expected_areas(facts, free, default_size=None, given_back=()):
    """{name: (base, size)} of the CMA areas a layout must give: the fixed pools, linux,cma
    (placed top-down in free) or, without it or when cma= bypasses it, the default area
    "reserved", placed once the refused pools (given_back ranges) are free again."""
    want = {f"{r['name']}@{r['base']:x}": (r["base"], r["size"]) for r in facts["cma"]}
    d = facts["dynamic"]
    if d and default_size is None:
        base = top_down(free, d["size"], max(d["align"], CMA_ALIGN))
        want["linux,cma"] = (base, d["size"])
        free = subtract(free, [(base, base + d["size"])])
    free = union(list(free) + list(given_back))
    size = 16 * MiB if default_size is None else default_size
    if not d or default_size is not None:
        want["reserved"] = (top_down(free, size, CMA_ALIGN), size)
    return want


def show_areas(areas):
    """{name: (base, size)} for a report."""
    return ", ".join(f"{n} {b:#010x}+{s // MiB}M" if b is not None else f"{n} not placed"
                     for n, (b, s) in sorted(areas.items())) or "(none)"


@test("rmem_cma_setup and cma_init_reserved_mem: reusable pools become CMA areas", points=10)
def cma(t):
    """Fixed and dynamic reusable pools become CMA areas (`cma`, totalcma_pages); a pool not
    pageblock aligned and a no-map one are refused and given back; cma= on the command line
    bypasses the linux,cma-default node."""
    rng = t.rng
    facts = dtgen.layout(rng, cma=2, dynamic=True)
    extra, bad = bad_pools(rng, facts)
    facts["summary"] = dtgen.summary(facts)
    t.note("device tree: " + facts["summary"] + "; refused pools: " +
           ", ".join(f"{n}@{b:x}" for n, b, s, nm in bad))
    m = t.boot(dtb=compile_dts(t, with_extra(facts, extra), "cma"), append="memblock=debug")
    taken = [(b, b + s) for n, b, s, nm in bad]
    want = expected_areas(facts, subtract(free_at_reserve(facts), taken), given_back=taken)
    got = cma_areas(t.cmd(m, "cma"))
    t.check(got == want, "rmem_cma_setup / cma_init_reserved_mem: the CMA areas are the "
            "reusable pools (and linux,cma or the default area)", expected=show_areas(want),
            got=show_areas(got))
    tables = tables_of(t, m)
    pages = re.search(r"totalcma_pages (\d+)", t.cmd(m, "memblock reserved"))
    total = sum(s for b, s in want.values()) // PAGE
    t.check(pages and int(pages.group(1)) == total, "cma_init_reserved_mem counts every area "
            "in totalcma_pages", expected=str(total), got=pages.group(1) if pages else "none")
    for name, b, s, nomap in bad:
        node = f"{name}@{b:x}"
        if nomap:  # a refused no-map pool gets its NOMAP flag cleared: ordinary RAM again
            gone = not any(r[2] == "NOMAP" and r[0] < b + s and b < r[1] for r in tables["memory"])
        else:  # a refused reserved pool is freed (the boot's later allocations may reuse it)
            gone = f"memblock_phys_free: [{b:#010x}-{b + s - 1:#010x}]" in m.boot_log
        why = "no-map" if nomap else "not pageblock aligned"
        t.check(node not in got and gone, f"rmem_cma_setup refuses {node} ({why}): no CMA area, "
                "and its memory is given back", expected="not an area; " + (
                    "no longer NOMAP" if nomap else "memblock_phys_free of the whole pool"),
                got=("an area; " if node in got else "") + ("" if gone else "still held"))
    if bad and not bad[0][3]:
        t.check("Reserved memory: incorrect alignment of CMA region" in m.boot_log,
                "rmem_cma_setup says why it refuses a pool that is not pageblock aligned",
                expected="Reserved memory: incorrect alignment of CMA region", got="no such line")

    facts = dtgen.layout(rng, dynamic=True)
    size = rng.choice((8, 12, 20, 24)) * MiB
    facts["summary"] = dtgen.summary(facts)
    t.note("device tree: " + facts["summary"] + f"; cma={size // MiB}M")
    m = t.boot(dtb=compile_dts(t, dtgen.to_dts(facts), "bypass"), append=f"cma={size // MiB}M")
    want = expected_areas(facts, free_at_reserve(facts), default_size=size)
    got = cma_areas(t.cmd(m, "cma"))
    t.check(got == want, f"rmem_cma_setup: with cma={size // MiB}M the linux,cma-default node "
            "is bypassed and the command line's area is made instead",
            expected=show_areas(want), got=show_areas(got))
