"""grade.py - the public tests of lab7 (per-CPU page lists, watermarks, CMA pageblocks):
zone_batchsize, zone_highsize, __setup_per_zone_wmarks, rmqueue_bulk and
init_cma_reserved_pageblock.

The RAM size (mem=) and the CMA pools (a device tree) are generated from each test's seed. The
watermarks and the pagesets' batch and high are recomputed with Linux's formulas from the pages
the zone managed when they were set (the postcore initcall: the final managed pages minus the
init memory freed afterwards); a seeded trace of allocations and frees on one CPU is replayed
against a model of its per-CPU lists (a refill of an empty list takes a batch); the CMA
pageblocks are counted in `pagetypeinfo`, `meminfo` and `zoneinfo`.
"""
import math
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lab5-zones"))
sys.path.insert(0, os.path.join(HERE, "..", "lab1-memblock"))
from grading import dtgen, test  # noqa: E402
from grading.core import GradeError  # noqa: E402
from memmodel import cma_areas, compile_dts  # noqa: E402
from zonemodel import KiB, MiB, NR_CPUS, PAGE, PAGEBLOCK, parse_zoneinfo  # noqa: E402

NO_POOLS = {"static": [], "cma": [], "dynamic": None, "memreserve": []}
EMPTY_ZONES = ("HighMem", "Movable")


def need(ok, what, expected="", got=""):
    """A prerequisite of a test (not a check of the exercise, so no credit of its own): when it
    fails, the test stops with what was missing."""
    if not ok:
        raise GradeError(f"stopped: {what} (expected {expected}, got {got})")


def boot_mem(t, size):
    """Boot with mem=size and a device tree without reserved memory (the default 16 MiB CMA
    area only); returns the machine."""
    t.note(f"mem={size // MiB}M")
    dtb = compile_dts(t, dtgen.to_dts(dict(NO_POOLS)), "plain")
    return t.boot(dtb=dtb, append=f"mem={size // MiB}M")


def zones_of(t, m):
    """`zoneinfo` parsed; requires zone Normal."""
    zones = parse_zoneinfo(t.cmd(m, "zoneinfo"))
    need("Normal" in zones and "managed" in zones["Normal"], "zoneinfo lists zone Normal",
              expected="Normal", got=", ".join(zones) or "no zone")
    return zones


def managed_at_postcore(t, m, zones):
    """Normal's managed pages when the postcore initcall set the watermarks: the final count
    minus the init memory free_initmem gave back later."""
    freed = re.search(r"Freeing unused kernel image \(initmem\) memory: (\d+)K", m.boot_log)
    need(freed is not None, "the boot log says how much init memory was freed",
              expected="Freeing unused kernel image (initmem) memory: NK", got="no such line")
    return zones["Normal"]["managed"] - int(freed.group(1)) * KiB // PAGE


def watermarks(managed):
    """Linux's (min_free_kbytes, min, low, high) of the one lowmem zone of `managed` pages,
    and of an empty zone (HighMem, Movable)."""
    kbytes = min(max(math.isqrt(managed * (PAGE // KiB) * 16), 128), 262144)
    pages_min = kbytes >> 2
    wmin = pages_min * managed // managed
    step = max(wmin >> 2, managed * 10 // 10000)
    return kbytes, (wmin, wmin + step, wmin + 2 * step), (32, 32, 32)


def batchsize(managed):
    """Linux's zone_batchsize: a quarter of a 1024th of the zone, at most 64, then 2^n - 1."""
    batch = max(min(managed >> 10, (1 << 20) // PAGE) // 4, 1)
    return (1 << ((batch + batch // 2).bit_length() - 1)) - 1


@test("__setup_per_zone_wmarks: min/low/high from min_free_kbytes and the managed pages",
      points=10)
def wmarks(t):
    """mem= of a seeded size: min_free_kbytes = sqrt(16 x lowmem KiB); the lowmem zone's min is
    its share of it, low and high a step above (a quarter of min, or 0.1% of the zone);
    empty HighMem and Movable zones get 32 pages."""
    size = t.rng.randrange(48, 900) * MiB
    m = boot_mem(t, size)
    zones = zones_of(t, m)
    managed = managed_at_postcore(t, m, zones)
    kbytes, normal, empty = watermarks(managed)
    got = tuple(zones["Normal"].get(k) for k in ("min", "low", "high"))
    t.check(got == normal, f"__setup_per_zone_wmarks: Normal ({managed} managed pages at "
            f"postcore, min_free_kbytes {kbytes}) gets min {normal[0]}, low = min + step, "
            "high = low + step", expected="min %d, low %d, high %d" % normal,
            got="min %s, low %s, high %s" % got)
    for name in EMPTY_ZONES:
        z = zones.get(name, {})
        got = tuple(z.get(k) for k in ("min", "low", "high"))
        t.check(got == empty, f"__setup_per_zone_wmarks: the empty zone {name} gets "
                "managed/1024 clamped to [32, 128] as min, and no step",
                expected="min %d, low %d, high %d" % empty, got="min %s, low %s, high %s" % got)


@test("zone_batchsize and zone_highsize: every CPU's pageset batch and high", points=10)
def pagesets(t):
    """batch from the managed pages (managed/1024/4, at most 64/4, made 2^n - 1); high is the
    low watermark shared by the online CPUs, at least 4 batches; the same on every CPU."""
    size = t.rng.randrange(48, 900) * MiB
    m = boot_mem(t, size)
    zones = zones_of(t, m)
    managed = managed_at_postcore(t, m, zones)
    normal = zones["Normal"]
    batch = batchsize(managed)
    sets = normal["pagesets"]
    got = [sets.get(c, {}).get("batch") for c in range(NR_CPUS)]
    t.check(got == [batch] * NR_CPUS, f"zone_batchsize: {managed} managed pages give batch "
            f"{batch} on every CPU", expected=[batch] * NR_CPUS, got=got)
    high = max(normal.get("low", 0) // NR_CPUS, batch * 4)
    got = [sets.get(c, {}).get("high") for c in range(NR_CPUS)]
    t.check(got == [high] * NR_CPUS, f"zone_highsize: the low watermark {normal.get('low')} "
            f"shared by {NR_CPUS} CPUs (at least 4 batches of {batch}) on every CPU",
            expected=[high] * NR_CPUS, got=got)


ALLOC_ROW = re.compile(r"^\s*0x([0-9a-f]+)\s+0x([0-9a-f]{8})\s+0x[0-9a-f]{8}\s+(\d+)\s+\S+\s+(\S+)"
                       r"\s+(\d+)\s+(pcp \(refill (\d+)\)|pcp|buddy lists|migrated \(\d+\))",
                       re.M)
PCP_TYPE = {"Unmovable": "Unmovable", "Movable": "Movable", "Reclaimable": "Reclaimable",
            "HighAtomic": "Movable", "CMA": "Movable"}


def pcp_count(t, m, cpu):
    """pcp->count of cpu's Normal pageset, from `zoneinfo`."""
    return parse_zoneinfo(t.cmd(m, "zoneinfo")).get("Normal", {}).get(
        "pagesets", {}).get(cpu, {}).get("count")


@test("rmqueue_bulk: an empty per-CPU list is refilled with a batch (pcp count arithmetic)",
      points=15)
def refill(t):
    """After `drain`, a seeded trace of allocations (orders 0-3, unmovable and movable) and
    frees on one CPU: a request whose list is empty takes max(batch >> order, 2) blocks from
    the buddy lists, one is returned and the rest stay on the list; a free puts the block on
    the list of its pageblock's type. pcp->count is compared after every operation."""
    rng = t.rng
    m = boot_mem(t, rng.randrange(64, 400) * MiB)
    cpu = rng.randrange(1, NR_CPUS)
    t.cmd(m, "drain")
    sets = parse_zoneinfo(t.cmd(m, "zoneinfo"))["Normal"]["pagesets"]
    batch, high = sets[cpu]["batch"], sets[cpu]["high"]
    need(sets[cpu].get("count") == 0, f"drain empties CPU {cpu}'s lists",
              expected=0, got=sets[cpu].get("count"))
    t.note(f"trace on CPU {cpu}; the kernel's batch {batch}, high {high}")
    if batch < 2:  # a refill of 1 looks like no refill at all: model Linux's batch instead
        batch = batchsize(managed_at_postcore(t, m, parse_zoneinfo(t.cmd(m, "zoneinfo"))))
        t.note(f"batch {sets[cpu]['batch']} cannot show a refill: the model uses Linux's "
               f"batch {batch}")
    lists, count, live, trace = {}, 0, [], []
    for k in range(rng.randrange(18, 26)):
        if live and rng.random() < 0.3:
            pfn, order = live.pop(rng.randrange(len(live)))
            if count + (1 << order) >= high:  # a free that would trim: not part of this test
                live.append((pfn, order))
                continue
            mt = re.search(r"migratetype:(\w+)", t.cmd(m, f"page {pfn:#x}"))
            key = (order, PCP_TYPE.get(mt.group(1) if mt else "", "Movable"))
            op = f"free {pfn << 12:#x} {order}"
            t.cmd(m, f"on {cpu} {op}")
            lists[key] = lists.get(key, 0) + 1
            count += 1 << order
            want_from = None
        else:
            order = rng.choice((0, 0, 0, 1, 2, 3))
            kind = rng.choice(("Unmovable", "Movable"))
            op = f"alloc {order}" + (" movable" if kind == "Movable" else "")
            key = (order, kind)
            want_from = "pcp"
            if not lists.get(key):
                n = max(batch >> order, 2) if batch > 1 else batch
                lists[key] = n
                count += n << order
                want_from = f"pcp (refill {n})"
            lists[key] -= 1
            count -= 1 << order
            out = t.cmd(m, f"on {cpu} {op}")
            row = ALLOC_ROW.search(out)
            if not row:
                t.check(False, f"op {k}: {op} on CPU {cpu}", expected="a block",
                        got=out.strip()[:200])
                return
            live.append((int(row.group(1), 16), order))
            if row.group(6) != want_from:
                t.check(False, f"op {k}: {op} on CPU {cpu}: rmqueue_bulk refills an empty "
                        "list with max(batch >> order, 2) blocks", expected=want_from,
                        got=row.group(6))
                return
        trace.append(op)
        got = pcp_count(t, m, cpu)
        if got != count:
            t.check(False, f"op {k}: {op} on CPU {cpu}: pcp count (rmqueue_bulk counts every "
                    "block it puts on the list)", expected=count, got=got)
            t.note("trace: " + "; ".join(trace))
            return
    t.check(True, f"rmqueue_bulk: {len(trace)} operations on CPU {cpu}, every refill and "
            "pcp count as the model says")
    out = t.cmd(m, "mm-check")
    line = re.search(r"allocator: .*", out)
    t.check(line and line.group(0).startswith("allocator: ok"), "mm-check: the allocator's "
            "counters agree (NR_FREE_PAGES lowered by what rmqueue_bulk took)",
            expected="allocator: ok", got=line.group(0) if line else out.strip()[:200])


def cma_layout(rng):
    """Two fixed CMA pools, maybe linux,cma: their device tree and facts."""
    facts = dtgen.layout(rng, static=rng.randint(0, 2), cma=2, memreserve=0,
                         dynamic=rng.random() < 0.7)
    facts["summary"] = dtgen.summary(facts)
    return facts


def blocks_of_type(text, mt):
    """`pagetypeinfo`: (pageblocks of migratetype mt in Normal, its free order-10 blocks)."""
    head = re.search(r"^Number of blocks type\s+(.*)$", text, re.M)
    row = re.search(r"^Node 0, zone\s+Normal\s+([\d\s]+)$", text, re.M)
    free = re.search(rf"^Node\s+0, zone\s+Normal, type\s+{mt}\s+([\d\s]+)$", text, re.M)
    nblocks = None
    if head and row:
        names, counts = head.group(1).split(), row.group(1).split()
        if mt in names and len(counts) == len(names):
            nblocks = int(counts[names.index(mt)])
    return nblocks, int(free.group(1).split()[-1]) if free else None


@test("init_cma_reserved_pageblock: CMA pageblocks are free MIGRATE_CMA blocks, managed",
      points=15)
def cma(t):
    """Fixed CMA pools and linux,cma of a seeded device tree: every pageblock of every area is
    MIGRATE_CMA (pagetypeinfo), one free order-10 block on the CMA list, counted in the
    zone's cma pages and NR_FREE_CMA_PAGES and in meminfo's CmaTotal and CmaFree; a page of an
    area is free, not reserved."""
    rng = t.rng
    facts = cma_layout(rng)
    t.note("device tree: " + facts["summary"])
    m = t.boot(dtb=compile_dts(t, dtgen.to_dts(facts), "pools"))
    areas = cma_areas(t.cmd(m, "cma"))
    fixed = {f"{r['name']}@{r['base']:x}": (r["base"], r["size"]) for r in facts["cma"]}
    t.check(all(areas.get(n) == v for n, v in fixed.items()), "the fixed pools are CMA areas "
            "(lab 2)", expected=", ".join(sorted(fixed)), got=", ".join(sorted(areas)))
    pages = sum(s for b, s in areas.values()) // PAGE
    blocks = pages // PAGEBLOCK
    ptype = t.cmd(m, "pagetypeinfo")
    nblocks, nfree = blocks_of_type(ptype, "CMA")
    t.check(nblocks == blocks, f"init_cma_reserved_pageblock makes each of the {blocks} "
            "pageblocks of the CMA areas MIGRATE_CMA", expected=blocks, got=nblocks)
    t.check(nfree == blocks, "init_cma_reserved_pageblock frees each CMA pageblock as one "
            "order-10 block on the CMA free list", expected=blocks, got=nfree)
    normal = parse_zoneinfo(t.cmd(m, "zoneinfo")).get("Normal", {})
    got = (normal.get("cma"), normal.get("nr_free_cma"))
    t.check(got == (pages, pages), "init_cma_reserved_pageblock counts the pages in the "
            "zone's cma pages; they are free CMA pages (NR_FREE_CMA_PAGES)",
            expected=f"cma {pages}, nr_free_cma {pages}", got="cma %s, nr_free_cma %s" % got)
    info = dict(re.findall(r"^(\w+):\s+(\d+) kB", t.cmd(m, "meminfo"), re.M))
    kb = pages * PAGE // KiB
    got = (int(info.get("CmaTotal", -1)), int(info.get("CmaFree", -1)))
    t.check(got == (kb, kb), "meminfo: CmaTotal and CmaFree are the areas' size",
            expected=f"CmaTotal {kb} kB, CmaFree {kb} kB", got="CmaTotal %d kB, CmaFree %d kB" % got)
    name, (base, size) = rng.choice(sorted(areas.items()))
    pfn = base // PAGE + rng.randrange(size // PAGE)
    out = t.cmd(m, f"page {pfn:#x}")
    mt = re.search(r"migratetype:(\w+)", out)
    flags = re.search(r"flags: (\S+)", out)
    ok = mt and mt.group(1) == "CMA" and flags and "reserved" not in flags.group(1)
    t.check(ok, f"pfn {pfn:#x} of {name}: migratetype CMA, no longer PG_reserved",
            expected="migratetype:CMA, not reserved",
            got=f"migratetype:{mt.group(1) if mt else '?'}, flags {flags.group(1) if flags else '?'}")
