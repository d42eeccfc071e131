"""grade.py - the public tests of lab5 (zones, struct page, per-CPU areas): absent_pages_in_range,
free_area_init_core's mem_map charge, init_unavailable_range, pcpu_build_alloc_info and the
per-CPU offsets of setup_per_cpu_areas.

Each test gives the kernel RAM banks with holes between them (mem=SIZE@START, generated from the
test's seed, plus a no-map region in a device tree) and recomputes from the banks what node 0's
zone must be (zonemodel.py): spanned and present pages, the mem_map charge, the pages of the
holes that have a struct page. The per-CPU test recomputes the first chunk's sizes from the
kernel's static per-CPU size and each CPU's offset from where the units are.
"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "lab1-memblock"))
from grading import dtgen, test  # noqa: E402
from grading.core import GradeError  # noqa: E402
from memmodel import compile_dts  # noqa: E402
from zonemodel import (DTB_PA, MiB, NR_CPUS, PAGE, PAGEBLOCK, mem_args, memmap_pages,  # noqa: E402
                       parse_zoneinfo, present, random_banks, show_banks, spanned,
                       unavailable)


def need(ok, what, expected="", got=""):
    """A prerequisite of a test (not a check of the exercise, so no credit of its own): when it
    fails, the test stops with what was missing."""
    if not ok:
        raise GradeError(f"stopped: {what} (expected {expected}, got {got})")


def boot_banks(t, banks, nomap=True):
    """Boot with the banks as mem= and (nomap) a device tree with a no-map region in the
    DTB's bank; returns the machine."""
    facts = {"static": [], "cma": [], "dynamic": None, "memreserve": []}
    note = ""
    if nomap:
        base = DTB_PA + t.rng.randrange(2, 8) * MiB
        size = t.rng.randrange(1, 4) * MiB
        facts["static"].append({"name": "firmware", "base": base, "size": size, "nomap": True})
        note = f"; no-map firmware@{base:x} ({size // MiB} MiB)"
    t.note(f"banks: {show_banks(banks)} ({mem_args(banks)}){note}")
    dtb = compile_dts(t, dtgen.to_dts(facts), "banks")
    return t.boot(dtb=dtb, append=mem_args(banks))


def zone_of(t, m, name="Normal"):
    """The zone `name` of `zoneinfo` (a require: without it nothing can be checked)."""
    zones = parse_zoneinfo(t.cmd(m, "zoneinfo"))
    need(name in zones, f"zoneinfo lists zone {name}", expected=name,
              got=", ".join(zones) or "no zone")
    return zones[name], zones


@test("absent_pages_in_range: a zone's present pages are its span minus the holes", points=10)
def spans(t):
    """Banks with holes (and a no-map region, which is memory): spanned, present and start_pfn
    of Normal, HighMem empty, the node's present pages as mm-check counts them."""
    banks = random_banks(t.rng)
    m = boot_banks(t, banks)
    zone, zones = zone_of(t, m)
    want_span, want_present = spanned(banks), present(banks)
    t.check(zone.get("spanned") == want_span, "zone Normal spans the node: from the first "
            "bank to the end of the last", expected=want_span, got=zone.get("spanned"))
    t.check(zone.get("present") == want_present, "absent_pages_in_range: Normal's present "
            "pages are its span minus the holes between the banks (no-map memory is present)",
            expected=want_present, got=zone.get("present"))
    t.check(zone.get("start_pfn") == 0, "zone Normal starts at the first bank's pfn",
            expected=0, got=zone.get("start_pfn"))
    high = zones.get("HighMem", {})
    t.check(high.get("spanned", 0) == 0 and high.get("present", 0) == 0,
            "zone HighMem is empty (every bank is lowmem)", expected="spanned 0, present 0",
            got=f"spanned {high.get('spanned')}, present {high.get('present')}")
    line = re.search(r"zones: (\S+) \(\d+ populated zones?, (\d+) present pages\)|zones: .*",
                     t.cmd(m, "mm-check"))
    got = line.group(0) if line else "no zones line"
    t.check(line and line.group(1) == "ok" and int(line.group(2)) == want_present,
            "mm-check: the zones are consistent and the node's present pages add up",
            expected=f"zones: ok (1 populated zone, {want_present} present pages)", got=got)


@test("free_area_init_core: the first managed estimate is present minus mem_map", points=10)
def memmap(t):
    """`Built 1 zonelists ... Total pages: N` sums the zones' first managed estimate (before
    the hand-over): present pages minus the pages mem_map takes for the zone's span."""
    banks = random_banks(t.rng)
    m = boot_banks(t, banks, nomap=t.rng.random() < 0.5)
    span, pres = spanned(banks), present(banks)
    want = pres - memmap_pages(span)
    got = re.search(r"Built \d+ zonelists, mobility grouping \w+\.\s+Total pages: (\d+)",
                    m.boot_log)
    t.check(got and int(got.group(1)) == want, f"free_area_init_core charges mem_map "
            f"({memmap_pages(span)} pages for a span of {span} pages) to the present pages "
            f"({pres})", expected=f"Total pages: {want}",
            got=f"Total pages: {got.group(1)}" if got else "no 'Built ... zonelists' line")
    zone, _ = zone_of(t, m)
    t.check(zone.get("present") == pres and zone.get("spanned") == span,
            "the charge is on the zone's own spanned and present pages",
            expected=f"spanned {span}, present {pres}",
            got=f"spanned {zone.get('spanned')}, present {zone.get('present')}")


@test("init_unavailable_range: hole pages with a struct page are PG_reserved and counted",
      points=10)
def holes(t):
    """The boot log's `pages in unavailable ranges` per hole, and `page PFN` of hole pages
    inside a pageblock that holds memory: reserved, zone Normal."""
    banks = random_banks(t.rng)
    m = boot_banks(t, banks, nomap=False)
    want = unavailable(banks)
    got = [int(n) for n in re.findall(r"On node 0, zone Normal: (\d+) pages in unavailable "
                                      r"ranges", m.boot_log)]
    t.check(got == want, "init_unavailable_range initialises each hole's pages that share a "
            "pageblock with memory, and reports how many (one line per hole)",
            expected=", ".join(map(str, want)) or "no line", got=", ".join(map(str, got)) or
            "no line")
    end0 = banks[0][1] // PAGE  # bank 0 ends inside a pageblock: its tail is a hole
    tail = range(end0, end0 - end0 % PAGEBLOCK + PAGEBLOCK)
    for pfn in sorted({tail[0], tail[-1], t.rng.choice(tail)}):
        out = t.cmd(m, f"page {pfn:#x}")
        flags = re.search(r"flags: (\S+)", out)
        t.check(flags and "reserved" in flags.group(1) and "zone=0" in flags.group(1),
                f"init_unavailable_range: pfn {pfn:#x} (a hole in a pageblock with memory) "
                "is PG_reserved in zone Normal", expected="reserved|zone=0",
                got=flags.group(1) if flags else out.strip()[:200])


def symbols(elf, names):
    """{name: address} of some symbols of the kernel ELF (arm-none-eabi-nm)."""
    out = subprocess.run(["arm-none-eabi-nm", elf], capture_output=True, text=True).stdout
    found = {}
    for line in out.split("\n"):
        parts = line.split()
        if len(parts) == 3 and parts[2] in names:
            found[parts[2]] = int(parts[0], 16)
    return found


def first_chunk(static_size):
    """Linux's sizes of the first chunk for a static size: (reserved, dynamic, unit, pages)."""
    reserved, dyn = 8 << 10, 20 << 10
    size_sum = (static_size + reserved + max(dyn, 12 << 10) + PAGE - 1) // PAGE * PAGE
    unit = (max(size_sum, 32 << 10) + PAGE - 1) // PAGE * PAGE
    return reserved, size_sum - static_size - reserved, unit, size_sum // PAGE


@test("pcpu_build_alloc_info and setup_per_cpu_areas: unit sizes and each CPU's offset",
      points=10)
def percpu(t):
    """The first chunk's parts and unit size recomputed from the kernel's static per-CPU size
    (__per_cpu_end - __per_cpu_start in its ELF); __per_cpu_offset[cpu] is unit cpu's address
    minus __per_cpu_start; on each CPU, TPIDRPRW holds that offset and this_cpu_ptr(&irq_count)
    is irq_count's template address plus it."""
    banks = random_banks(t.rng)
    m = boot_banks(t, banks, nomap=False)
    sym = symbols(m.elf, ("__per_cpu_start", "__per_cpu_end", "irq_count"))
    need(len(sym) == 3, "the kernel ELF has __per_cpu_start, __per_cpu_end, irq_count",
              expected="3 symbols", got=", ".join(sym))
    s = sym["__per_cpu_end"] - sym["__per_cpu_start"]
    r, d, u, pages = first_chunk(s)
    out = t.cmd(m, "percpu")
    head = re.search(r"first chunk: (\d+) units of (\d+) bytes at 0x([0-9a-f]+) \(PA 0x([0-9a-f]+)"
                     r"\), (\d+) pages/cpu", out)
    parts = {k: int(v) for k, v in re.findall(r"^\s+(static|reserved|dynamic)\s+\[\S+\)\s+(\d+) "
                                              r"bytes", out, re.M)}
    need(head is not None, "`percpu` describes the first chunk", expected="first chunk: ...",
              got=out.strip()[:200])
    got = (int(head.group(1)), parts.get("static"), parts.get("reserved"), parts.get("dynamic"),
           int(head.group(2)), int(head.group(5)))
    want = (NR_CPUS, s, r, d, u, pages)
    fmt = "{} units, s{} r{} d{} u{}, {} pages/cpu"
    t.check(got == want, "pcpu_build_alloc_info: one unit per CPU; dynamic part rounds the "
            "sum up to a page; unit at least 32 KiB, whole pages", expected=fmt.format(*want),
            got=fmt.format(*got))
    base = int(head.group(3), 16)
    rows = {int(c): (int(a, 16), int(o, 16)) for c, a, o in
            re.findall(r"^\s+\d+\s+(\d+)\s+0x([0-9a-f]{8})\s+0x([0-9a-f]{8})", out, re.M)}
    unit = int(head.group(2))
    want_off = {cpu: (base + cpu * unit - sym["__per_cpu_start"]) & 0xffffffff
                for cpu in range(NR_CPUS)}
    got_off = {cpu: rows.get(cpu, (0, None))[1] for cpu in range(NR_CPUS)}
    hexs = lambda d: ", ".join(f"cpu{c} {v:#x}" if v is not None else f"cpu{c} ?"
                               for c, v in sorted(d.items()))
    t.check(got_off == want_off, "setup_per_cpu_areas: __per_cpu_offset[cpu] = unit cpu's "
            "address - __per_cpu_start (unit cpu at pcpu_base_addr + cpu * unit_size)",
            expected=hexs(want_off), got=hexs(got_off))
    for cpu in range(1, NR_CPUS):
        line = re.search(r"TPIDRPRW 0x([0-9a-f]+), this_cpu_ptr\(&irq_count\) = 0x([0-9a-f]+)",
                         t.cmd(m, f"on {cpu} percpu"))
        want_ptr = (sym["irq_count"] + want_off[cpu]) & 0xffffffff
        got = (int(line.group(1), 16), int(line.group(2), 16)) if line else None
        t.check(got == (want_off[cpu], want_ptr), f"on CPU {cpu}, TPIDRPRW is "
                f"__per_cpu_offset[{cpu}] and this_cpu_ptr(&irq_count) is in unit {cpu}",
                expected=f"TPIDRPRW {want_off[cpu]:#x}, this_cpu_ptr {want_ptr:#x}",
                got=f"TPIDRPRW {got[0]:#x}, this_cpu_ptr {got[1]:#x}" if got else "no line")
