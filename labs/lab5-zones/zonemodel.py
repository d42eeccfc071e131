"""zonemodel.py - what the zone tests (labs/lab5-zones/grade.py, labs/lab7-pcp/grade.py) share:
seeded RAM banks given with mem=, a reader of the shell's `zoneinfo`, and the arithmetic of
node 0's zones (spans, holes, mem_map) recomputed from the banks.
"""
import re

KiB, MiB = 1 << 10, 1 << 20
PAGE = 4096
PAGEBLOCK = 1024            # pages per pageblock (order 10, 4 MiB)
STRUCT_PAGE = 32            # sizeof(struct page) on ARM32
DTB_PA = 0x08000000         # where QEMU loads the device tree: a bank must hold it
NR_CPUS = 4


# -- banks given with mem= ---------------------------------------------------------------------
def random_banks(rng, extra=None):
    """Two or three page-aligned RAM banks [(base, end)] with holes between them: the first at
    0 (the kernel), ending inside a pageblock; the second holding the DTB at 0x08000000 and
    starting inside a pageblock; a third above (extra=None: random)."""
    a = rng.randrange(8, 30) * 4 * MiB + rng.randrange(1, 64) * 64 * KiB
    s1 = DTB_PA - rng.randrange(1, 32) * 64 * KiB - rng.randrange(0, 16) * PAGE
    e1 = DTB_PA + rng.randrange(12, 48) * MiB + rng.randrange(0, 256) * PAGE
    banks = [(0, a), (s1, e1)]
    if (rng.random() < 0.6) if extra is None else extra:
        s2 = (e1 + rng.randrange(4, 64) * MiB + rng.randrange(0, 64) * 64 * KiB)
        banks.append((s2, s2 + rng.randrange(4, 48) * MiB + rng.randrange(0, 256) * PAGE))
    return banks


def mem_args(banks):
    """The mem=SIZE@START arguments of the banks (sizes in KiB)."""
    return " ".join(f"mem={(e - b) // KiB}K@{b:#x}" for b, e in banks)


def show_banks(banks):
    """[base-end) of each bank, for a report."""
    return ", ".join(f"[{b:#010x}-{e:#010x})" for b, e in banks)


# -- node 0's zones from the banks -------------------------------------------------------------
def pfns(banks):
    """The banks in pfns, sorted."""
    return sorted((b // PAGE, e // PAGE) for b, e in banks)


def spanned(banks):
    """Pages from the first bank's start to the last bank's end (all lowmem: one zone)."""
    p = pfns(banks)
    return p[-1][1] - p[0][0]


def present(banks):
    """Pages inside the banks (NOMAP memory included: it is still memory)."""
    return sum(e - b for b, e in pfns(banks))


def memmap_pages(span):
    """Pages of mem_map a zone of span pages costs: PAGE_ALIGN(span * sizeof(struct page))."""
    return (span * STRUCT_PAGE + PAGE - 1) // PAGE


def unavailable(banks):
    """Per hole between banks, the pages of the hole whose pageblock holds some memory (they
    have a struct page, initialised PG_reserved); holes of 0 such pages left out."""
    p = pfns(banks)

    def block_has_memory(pfn):
        start = pfn - pfn % PAGEBLOCK
        return any(b < start + PAGEBLOCK and start < e for b, e in p)

    out = []
    for (_, hole_start), (hole_end, _) in zip(p, p[1:]):
        n = sum(1 for pfn in range(hole_start, hole_end) if block_has_memory(pfn))
        if n:
            out.append(n)
    return out


# -- the shell's zoneinfo ----------------------------------------------------------------------
def parse_zoneinfo(text):
    """`zoneinfo` as {zone name: {field: int, "pagesets": {cpu: {count, high, batch}}}}: the
    fields are pages free, boost, min, low, high, spanned, present, managed, cma, start_pfn and
    the counters (nr_free_pages, nr_free_cma...)."""
    zones, zone, cpu = {}, None, None
    for line in text.replace("\r", "").split("\n"):
        head = re.match(r"^Node \d+, zone\s+(\S+)", line)
        if head:
            zone, cpu = zones.setdefault(head.group(1), {"pagesets": {}}), None
            continue
        if zone is None:
            continue
        m = re.match(r"^\s+cpu: (\d+)", line)
        if m:
            cpu = zone["pagesets"].setdefault(int(m.group(1)), {})
            continue
        m = re.match(r"^\s+(?:pages )?(\w+):?\s+(-?\d+)\s*$", line)
        if m:
            key, value = m.group(1), int(m.group(2))
            if cpu is not None and key in ("count", "high", "batch"):
                cpu[key] = value
            else:
                zone[key] = value
    return zones
