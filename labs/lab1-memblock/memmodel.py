"""memmodel.py - what the memblock and reserved-memory tests (labs/lab1-memblock/grade.py,
labs/lab2-reserved/grade.py) share: readers of the shell's `memblock` and `cma` tables, a small
model of memblock's rules (whole pages, merged ranges, NOMAP splits, the top-down search) and
device trees compiled from text.
"""
import os
import re
import subprocess

from grading import dtgen

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


def free_ranges(tables, limit=None):
    """Free memory now: non-NOMAP memory minus every reserved region, below limit."""
    ram = [(r[0], r[1]) for r in tables["memory"] if r[2] != "NOMAP"]
    free = subtract(ram, [(r[0], r[1]) for r in tables["reserved"]])
    return [(b, min(e, limit)) for b, e in free if limit is None or b < limit]



def nomap_of(facts):
    """The no-map static regions of a dtgen layout, as [base, end) ranges."""
    return [(r["base"], r["base"] + r["size"]) for r in facts["static"] if r["nomap"]]


def free_at_reserve(facts):
    """Free memory when the reserved-memory nodes of a dtgen layout are being placed: RAM
    minus the no-map regions, minus the static regions, fixed CMA pools and /memreserve/
    entries, minus everything below dtgen.LOW (kernel, page table, DTB, page 0 all lie there,
    and nothing a layout places can reach down to it)."""
    taken = [(0, dtgen.LOW)] + [(r["base"], r["base"] + r["size"])
                                for r in facts["static"] + facts["cma"]]
    taken += [(b, b + s) for b, s in facts["memreserve"]]
    return subtract(subtract([(0, TOP)], nomap_of(facts)), union(taken))


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
