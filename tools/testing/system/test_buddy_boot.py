#!/usr/bin/env python3
"""The hand-over from memblock to the buddy allocator, live (docs/pipeline.md): mm_init's
Memory: line, the order of the boot lines around it, CMA activation (core_initcall), the
watermarks and lowmem_reserve (postcore_initcall), free_initmem, in the 2G and the 3G split.

Expected values are computed from what the kernel reports elsewhere, never typed in:
`memblock memory` / `memblock reserved` (which memblock keeps after boot), the CMA pools of the
boot log, the image's section symbols in kernel.elf, and Linux 6.1's formulas:
  available  = whole free pages of (memory - reserved), NOMAP skipped (memblock_free_all and
               free_highpages), which excludes the CMA pools (still reserved then)
  total      = every page of memory, NOMAP included (node_present_pages)
  reserved   = total - available - cma-reserved;  highmem = available pages above the limit
  min_free_kbytes = int_sqrt(lowmem managed KiB * 16); per zone min/low/high (12.4 of the
  spec: step = max(min/4, managed/1000)), HighMem min = clamp(managed/1024, 32, 128);
  lowmem_reserve[Normal][HighMem] = HighMem managed / 32
with managed pages as the postcore_initcall saw them: after CMA activation, before
free_initmem gave back the init sections.
"""
import glob
import math
import os
import re
import subprocess

from systest import boot, case, current_limit, elf_symbols, memblock_regions, pimm, run

PAGE = 4096
SPLIT_3G = ["-Dvmsplit=3G"]


def free_pfn_ranges(m):
    """Whole pages of memory (NOMAP skipped) not reserved: what the hand-over frees."""
    reserved = sorted((b, e) for b, e, _, _ in memblock_regions(m, "reserved"))
    out = []
    for base, end, flags, _ in memblock_regions(m, "memory"):
        if flags == "NOMAP":
            continue
        cur, spans = base, []
        for rb, rend in reserved:
            if rend <= cur:
                continue
            if rb >= end:
                break
            if rb > cur:
                spans.append((cur, rb))
            cur = max(cur, rend)
            if cur >= end:
                break
        if cur < end:
            spans.append((cur, end))
        out += [(-(-lo // PAGE), hi // PAGE) for lo, hi in spans]
    return [(a, b) for a, b in out if b > a]


def memory_line(log):
    m = re.search(r"\] Memory: (\d+)K/(\d+)K available \((\d+)K kernel code, (\d+)K rwdata, "
                  r"(\d+)K rodata, (\d+)K init, (\d+)K bss, (\d+)K reserved, (\d+)K cma-reserved"
                  r"(?:, (\d+)K highmem)?\)$", log, re.M)
    assert m, log
    keys = ["available", "total", "code", "rwdata", "rodata", "init", "bss", "reserved", "cma",
            "highmem"]
    return {k: int(v) for k, v in zip(keys, m.groups()) if v is not None}


def cma_pools(log):
    """[(base, bytes)] of every CMA area the boot created."""
    pools = [(int(b, 16), int(s) << 20) for b, s in re.findall(
        r"Reserved memory: created CMA memory pool at 0x([0-9a-f]{8}), size (\d+) MiB", log)]
    # the default area (dma_contiguous_reserve), when no reserved-memory node is linux,cma
    pools += [(int(b, 16), int(s) << 20) for s, b in re.findall(
        r"\] cma: Reserved (\d+) MiB at 0x([0-9a-f]{8})$", log, re.M)]
    return pools


def zoneinfo(m):
    out = m.cmd("zoneinfo")
    zones = {}
    for block in re.split(r"^(?=Node 0, zone)", out, flags=re.M):
        hdr = re.match(r"Node 0, zone +(\w+)", block)
        if not hdr:
            continue
        z = {k.strip(): int(v) for k, v in re.findall(
            r"^ +(pages free|min|low|high|spanned|present|managed|cma|nr_free_cma) +(\d+)$",
            block, re.M)}
        prot = re.search(r"protection: \(([\d, ]+)\)", block)
        z["protection"] = [int(x) for x in prot.group(1).split(",")] if prot else None
        z["pagesets"] = [(int(c), int(h), int(b)) for c, h, b in re.findall(
            r"count: (\d+)\n +high: +(\d+)\n +batch: (\d+)", block)]
        zones[hdr.group(1)] = z
    return zones


def check_memory_line(m, highmem):
    log = m.boot_log
    got = memory_line(log)
    mem = memblock_regions(m, "memory")
    total = sum(e - b for b, e, _, _ in mem) // PAGE
    free = free_pfn_ranges(m)
    available = sum(b - a for a, b in free)
    cma = sum(s for _, s in cma_pools(log)) // PAGE
    limit_pfn = current_limit(m) // PAGE
    high = sum(max(0, b - max(a, limit_pfn)) for a, b in free)
    sym = elf_symbols(m)
    want = {
        "available": available * 4, "total": total * 4,
        "code": (sym["_etext"] - sym["_stext"]) // 1024,
        "rwdata": (sym["_edata"] - sym["_sdata"]) // 1024,
        "rodata": (sym["__end_rodata"] - sym["__start_rodata"]) // 1024,
        "init": (sym["__init_end"] - sym["__init_begin"]) // 1024,
        "bss": (sym["__bss_stop"] - sym["__bss_start"]) // 1024,
        "reserved": (total - available - cma) * 4, "cma": cma * 4, "highmem": high * 4,
    }
    assert got == want, (got, want)
    assert re.search(rf"totalcma_pages {cma}\b", m.cmd("memblock reserved"))
    assert (high > 0) == highmem, high
    return got, sym


def check_after_boot(m, got, sym, highmem):
    """Managed pages = the hand-over + CMA + freed init pages; CMA pageblocks; watermarks."""
    log = m.boot_log
    init_k = int(re.search(r"\] Freeing unused kernel image \(initmem\) memory: (\d+)K$", log,
                           re.M).group(1))
    assert init_k == (sym["__init_end"] - sym["__init_begin"]) // 1024 == got["init"]
    zones = zoneinfo(m)
    normal, hm = zones["Normal"], zones["HighMem"]
    managed = normal["managed"] + hm["managed"]
    assert managed * 4 == got["available"] + got["cma"] + init_k, (managed, got)
    assert normal["cma"] + hm["cma"] == got["cma"] // 4
    assert normal["nr_free_cma"] + hm.get("nr_free_cma", 0) == got["cma"] // 4  # nothing took CMA yet
    # every pageblock of every CMA pool is MIGRATE_CMA; its neighbours stay Movable
    for base, size in cma_pools(log):
        for pa in range(base, base + size, 1024 * PAGE):
            out = m.cmd(f"page {pa // PAGE:#x}")
            assert "migratetype:CMA" in out and "(buddy order)" in out, out
        if not any(b <= base - PAGE < b2 for b, b2 in cma_pools(log)):
            out = m.cmd(f"page {(base // PAGE) - 1:#x}")
            assert "migratetype:Movable" in out, out
    # watermarks and lowmem_reserve as init_per_zone_wmark_min computed them (postcore:
    # after the CMA pages joined, before the init pages did)
    n_managed = normal["managed"] - init_k // 4
    h_managed = hm["managed"]
    min_free_kbytes = min(max(math.isqrt(n_managed * 4 * 16), 128), 262144)
    pages_min = min_free_kbytes // 4
    n_min = pages_min * n_managed // n_managed
    n_step = max(n_min // 4, n_managed * 10 // 10000)
    assert (normal["min"], normal["low"], normal["high"]) == \
        (n_min, n_min + n_step, n_min + 2 * n_step), (normal, n_managed)
    assert normal["protection"] == [0, h_managed // 32, h_managed // 32], normal
    batch = lambda mg: (1 << ((max(min(mg >> 10, 256) // 4, 1) * 3 // 2).bit_length() - 1)) - 1
    assert all(h == max(normal["low"] // 4, 4 * batch(n_managed)) and b == batch(n_managed)
               for _, h, b in normal["pagesets"]), normal["pagesets"]
    if highmem:
        h_min = min(max(h_managed // 1024, 32), 128)
        tmp = pages_min * h_managed // n_managed
        h_step = max(tmp // 4, h_managed * 10 // 10000)
        assert (hm["min"], hm["low"], hm["high"]) == \
            (h_min, h_min + h_step, h_min + 2 * h_step), (hm, h_managed)
        assert hm["protection"] == [0, 0, 0]
        assert all(h == max(hm["low"] // 4, 4 * batch(h_managed)) and b == batch(h_managed)
                   for _, h, b in hm["pagesets"]), hm["pagesets"]
    else:
        assert hm["managed"] == 0 and not hm["pagesets"]
    return zones


def check_order(log):
    order = ["Initmem setup node 0", "percpu: Embedded", "Built 1 zonelists",
             "Kernel command line:",
             "mem auto-init: stack:off, heap alloc:off, heap free:off", "Memory: ",
             "Virtual kernel memory layout:", "arch_timer:", "smp: Brought up",
             "Freeing unused kernel image (initmem) memory: ", "Checked W+X mappings",
             "pimm shell"]
    pos = [log.find("] " + s) for s in order]
    assert -1 not in pos and pos == sorted(pos), list(zip(order, pos))
    for s in order[4:8] + order[9:]:
        assert log.count("] " + s) == 1, s
    # the layout block follows the Memory: line directly
    lines = [re.sub(r"^\[[ 0-9.]*\] ", "", x) for x in log.splitlines()]
    i = next(i for i, x in enumerate(lines) if x.startswith("Memory: "))
    assert lines[i + 1] == "Virtual kernel memory layout:", lines[i:i + 2]


@case
def memory_line_adds_up_2g():
    m = boot()
    check_order(m.boot_log)
    got, sym = check_memory_line(m, highmem=False)
    check_after_boot(m, got, sym, highmem=False)
    assert got["highmem"] == 0
    assert re.search(r"mm-check: \d+ checks, 0 violations", m.cmd("mm-check"))
    assert m.poweroff() == 0


@case
def memory_line_adds_up_3g():
    m = boot(options=SPLIT_3G)
    check_order(m.boot_log)
    got, sym = check_memory_line(m, highmem=True)
    check_after_boot(m, got, sym, highmem=True)
    assert re.search(r"mm-check: \d+ checks, 0 violations", m.cmd("mm-check"))
    assert m.poweroff() == 0


@case
def memory_line_with_linux_tree_and_mem_limit():
    """Other memory maps: Linux's own rpi2b tree (no reserved-memory lab: one CMA area), whole
    and cut by mem=768M."""
    dtb = os.path.join(pimm.ensure_built(), "dts", "rpi2b.dtb")
    m = boot(dtb=dtb, append="mem=768M")
    got, sym = check_memory_line(m, highmem=False)
    assert got["total"] == 768 << 10
    check_after_boot(m, got, sym, highmem=False)
    m.poweroff()
    m = boot(dtb=dtb, options=SPLIT_3G)
    check_order(m.boot_log)
    got, sym = check_memory_line(m, highmem=True)
    check_after_boot(m, got, sym, highmem=True)
    assert m.poweroff() == 0


@case
def init_sections_are_freed():
    """free_initmem: the init pages are no longer reserved (free or handed out again), the
    kernel's text stays reserved; hvc still reboots (test_boot's hyp_entry_through_hvc)."""
    m = boot()
    sym = elf_symbols(m)
    po = 0x80000000
    first = (sym["__init_begin"] - po) // PAGE
    last = (sym["__init_end"] - po) // PAGE - 1
    for pfn in (first, last):
        out = m.cmd(f"page {pfn:#x}")
        assert "reserved" not in out.split("\n")[1], out
    out = m.cmd(f"page {(sym['_stext'] - po) // PAGE:#x}")
    assert "reserved" in out.split("\n")[1], out
    assert m.poweroff() == 0


# Boot-time code outside the init sections that may refer to them: it runs before
# free_initmem (Linux marks such functions __ref). Anything else would run, or read, freed
# memory once the shell is up.
INIT_REF_ALLOWED = {
    "arch_arm_boot_head.S.o": {"start_kernel"},
    "kernel_main.c.o": {"kernel_init_freeable", "do_pre_smp_initcalls", "do_initcalls",
                        "do_initcall_level", "smp_prepare_cpus", "smp_init"},
    # the machine record stays resident (vmlinux.lds.in); these two hooks run only in boot
    # (setup_arch's init_early, customize_machine's init_machine)
    "arch_arm_mach-bcm2836_board.c.o": {"bcm2836_init_early", "bcm2836_init_machine"},
}
INIT_SECTIONS = (".init.text", ".init.data", ".init.rodata")


def readelf(flag, obj):
    return subprocess.run(["arm-none-eabi-readelf", flag, "-W", obj], capture_output=True,
                          text=True, check=True).stdout


@case
def nothing_after_boot_refers_to_init_sections():
    """No relocation from a section that outlives free_initmem (text, rodata, data) targets
    __init code or __initdata/__initconst, save the boot-time callers listed above."""
    objs = sorted(glob.glob(os.path.join(pimm.ensure_built(), "libkcore.a.p", "*.o")))
    assert objs
    defined = {}   # global symbol -> its section
    per_obj = {}
    for o in objs:
        secs = dict(re.findall(r"^\s*\[\s*(\d+)\]\s+(\S+)", readelf("-S", o), re.M))
        syms = {}
        for f in (line.split() for line in readelf("-s", o).splitlines()):
            if len(f) >= 8 and f[6].isdigit():
                syms[f[7]] = secs.get(f[6])
                if f[4] == "GLOBAL":
                    defined[f[7]] = secs.get(f[6])
        per_obj[o] = syms
    bad = []
    for o in objs:
        base = os.path.basename(o)
        cur = None
        for line in readelf("-r", o).splitlines():
            m = re.match(r"Relocation section '\.rel(\S+)'", line)
            if m:
                cur = m.group(1)
                continue
            f = line.split()
            if not cur or len(f) < 5 or not re.match(r"^[0-9a-f]{8}$", f[0]):
                continue
            if cur.startswith((".init", ".initcall", ".debug", ".ARM.exidx.init", "__earlycon")):
                continue  # freed with the init sections, or never loaded
            name = f[4]
            target = name if name in INIT_SECTIONS else per_obj[o].get(name) or defined.get(name)
            if target in INIT_SECTIONS and name not in INIT_REF_ALLOWED.get(base, ()):
                bad.append(f"{base}: {cur} -> {name} ({target})")
    assert not bad, "\n".join(bad)


if __name__ == "__main__":
    run()
