#!/usr/bin/env python3
"""Nodes, zones, struct page; zonelists and pagesets: bootmem_init's and
build_all_zonelists' boot lines, `zoneinfo`, `page`, `whatis`, in the 2G and the 3G split.

Expected values are computed from what the kernel itself reports elsewhere, never typed in:
the memory regions from `memblock memory`, the lowmem limit from `memblock` (current_limit),
the kernel's range from the `kernel` reserved region, and Linux's formulas
(docs/pipeline.md#zones-and-struct-page, docs/pipeline.md#zonelists-and-pagesets): present = RAM pages (NOMAP included), mem_map pages = ceil(spanned * 32 / 4096) charged
to lowmem zones, Total pages = sum(present - mem_map) when build_all_zonelists prints it,
batch = rounddown_pow2(b + b/2) - 1 with b = min(managed >> 10, 256) / 4, high = max(low
watermark / 4 CPUs, 4 * batch). The managed pages after the hand-over, the watermarks and the
Memory: line are test_buddy_boot.py's.
"""
import re

from systest import boot, case, current_limit, expect_error, memblock_regions, run

PAGE = 4096
STRUCT_PAGE = 32
SPLIT_3G = ["-Dvmsplit=3G"]


def zoneinfo(m):
    """{zone name: {field: value, 'pagesets': {cpu: (count, high, batch)}}} from `zoneinfo`."""
    out = m.cmd("zoneinfo")
    zones = {}
    for block in re.split(r"^(?=Node 0, zone)", out, flags=re.M):
        hdr = re.match(r"Node 0, zone +(\w+)", block)
        if not hdr:
            continue
        z = {k: int(v) for k, v in re.findall(r"^ +(spanned|present|managed|start_pfn:) +(\d+)",
                                               block, re.M)}
        z["start_pfn"] = z.pop("start_pfn:", None)
        z["pagesets"] = {int(c): (int(n), int(h), int(b)) for c, n, h, b in re.findall(
            r"cpu: (\d+)\n +count: (\d+)\n +high: +(\d+)\n +batch: (\d+)", block)}
        z["text"] = block
        zones[hdr.group(1)] = z
    return zones, out


def batchsize(managed):
    b = min(managed >> 10, 256) // 4
    b = max(b, 1)
    b += b // 2
    return (1 << (b.bit_length() - 1)) - 1


def memmap_pages(spanned):
    return -(-spanned * STRUCT_PAGE // PAGE)


def check_boot_lines(m, highmem):
    """The bootmem_init / build_all_zonelists lines against memblock and zoneinfo."""
    log = m.boot_log
    mem = memblock_regions(m, "memory")
    limit = current_limit(m)
    start, end = mem[0][0], mem[-1][1]
    low_end = min(limit, end)
    fmt = "[mem 0x{:016x}-0x{:016x}]"
    assert re.search(r"\] Zone ranges:$", log, re.M), log
    assert re.search(r"\]   Normal   " + re.escape(fmt.format(start, limit - 1)) + "$", log, re.M), log
    if highmem:
        assert re.search(r"\]   HighMem  " + re.escape(fmt.format(limit, end - 1)) + "$", log, re.M)
    else:
        assert re.search(r"\]   HighMem  empty$", log, re.M), log
    lines = re.findall(r"\]   node   0: \[mem 0x([0-9a-f]{16})-0x([0-9a-f]{16})\]$", log, re.M)
    assert [(int(a, 16), int(b, 16) + 1) for a, b in lines] == [(b, e) for b, e, _, _ in mem], \
        (lines, mem)
    order = ["Zone ranges:", "Movable zone start for each node", "Early memory node ranges",
             "Initmem setup node 0 " + fmt.format(start, end - 1),
             "percpu: Embedded", "Built 1 zonelists", "Kernel command line:"]
    pos = [log.find(s) for s in order]
    assert -1 not in pos and pos == sorted(pos), list(zip(order, pos))
    assert "unavailable ranges" not in log  # one contiguous bank

    zones, out = zoneinfo(m)
    normal_pages = (low_end - start) // PAGE
    high_pages = (end - low_end) // PAGE
    assert zones["Normal"]["spanned"] == zones["Normal"]["present"] == normal_pages, out
    assert zones["HighMem"]["present"] == high_pages
    assert zones["Movable"]["present"] == 0
    # free_area_init's estimate of managed pages, which the hand-over replaces later
    total = normal_pages - memmap_pages(normal_pages) + high_pages
    assert re.search(rf"\] Built 1 zonelists, mobility grouping on\.  Total pages: {total}$", log,
                     re.M), log
    return zones, total


def check_pagesets(zones):
    for name, z in zones.items():
        if not z["present"]:
            assert not z["pagesets"] and "pagesets" not in z["text"], name
            continue
        batch = batchsize(z["managed"])
        low = int(re.search(r"\n        low      (\d+)", z["text"]).group(1))
        assert sorted(z["pagesets"]) == [0, 1, 2, 3], (name, z["pagesets"])
        for cpu, (count, high, b) in z["pagesets"].items():
            assert (high, b) == (max(low // 4, 4 * batch), batch), (name, cpu, count, high, b)
            assert 0 <= count <= high, (name, cpu, count, high)


@case
def boot_lines_2g_match_memblock_and_zoneinfo():
    m = boot()
    zones, total = check_boot_lines(m, highmem=False)
    assert total == 243840  # 245760 present - 1920 mem_map pages (docs/pipeline.md)
    assert zones["Normal"]["start_pfn"] == 0 and zones["HighMem"]["spanned"] == 0
    check_pagesets(zones)
    assert zones["Normal"]["pagesets"][1] == (0, 305, 63)  # low 1220 / 4 CPUs
    assert m.poweroff() == 0


@case
def mem_limit_shrinks_the_zone():
    m = boot(append="mem=512M")
    zones, total = check_boot_lines(m, highmem=False)
    assert total == 131072 - 1024, total
    expect_error(m, "page 0x20000", "beyond the memory map")


@case
def zoneinfo_has_linux_format():
    m = boot()
    zones, out = zoneinfo(m)
    assert [z for z in zones] == ["Normal", "HighMem", "Movable"], out
    assert out.startswith("Node 0, zone   Normal\n  per-node stats\n      nr_inactive_anon 0\n")
    normal = zones["Normal"]["text"]
    for item in [r"  pages free     [1-9]\d*", "        boost    0", r"        min      [1-9]\d*",
                 r"        low      [1-9]\d*", r"        high     [1-9]\d*",
                 r"        cma      [1-9]\d*", r"        protection: \(0, 0, 0\)",
                 r"      nr_free_pages [1-9]\d*", r"      nr_free_cma  [1-9]\d*", "  pagesets",
                 "  vm stats threshold: ", "  node_unreclaimable:  0",
                 "  start_pfn:           0"]:
        assert re.search("\n" + item + ("\n" if item.endswith("*") else ""), normal), item
    assert normal.count("per-node stats") == 1
    # one threshold per online CPU, right after its batch line: min(125, 2*fls(cpus)*(1+fls(MiB/128)))
    managed = int(re.search(r"\n        managed  (\d+)", normal).group(1))
    fls = lambda x: x.bit_length()
    want = min(125, 2 * fls(4) * (1 + fls(managed >> 15)))
    per_cpu = re.findall(r"batch: +\d+\n  vm stats threshold: (\d+)", normal)
    assert per_cpu == [str(want)] * 4, (want, per_cpu)
    empty = zones["HighMem"]["text"]
    assert empty.rstrip().endswith("protection: (0, 0, 0)") and "per-node" not in empty, empty
    expect_error(m, "zoneinfo Normal")


@case
def page_shows_dump_page_fields():
    m = boot()
    kernel = [r for r in memblock_regions(m, "reserved") if r[3] == "kernel"][0]
    pfn = kernel[0] // PAGE
    out = m.cmd(f"page {pfn:#x}")
    assert re.search(rf"^page:[0-9a-f]{{8}} refcount:1 mapcount:0 mapping:0{{8}} index:0x0 "
                     rf"pfn:{pfn:#x}$", out, re.M), out
    assert "\nflags: 0x1000(reserved|zone=0)\n" in out, out
    raw = re.search(r"^raw:((?: [0-9a-f]{8}){8})$", out, re.M)
    assert raw and raw.group(1).split()[0] == "00001000" and raw.group(1).split()[6:] == \
        ["ffffffff", "00000001"], out
    assert "zone:Normal node:0 migratetype:Movable private:0x0" in out
    assert f"phys:0x{kernel[0]:08x} virt:0x{kernel[0] + 0x80000000:08x} (lowmem)" in out
    # the same page by physical and by virtual address
    by_pa = m.cmd(f"page {kernel[0] + 0x234:#x}")
    by_va = m.cmd(f"page {kernel[0] + 0x80000234:#x}")
    assert by_pa == out == by_va, (by_pa, by_va)
    nomap = [r for r in memblock_regions(m, "memory") if r[2] == "NOMAP"][0]
    assert "virt: none (NOMAP" in m.cmd(f"page {nomap[0] // PAGE:#x}")


@case
def page_refuses_bad_input():
    m = boot()
    end = memblock_regions(m, "memory")[-1][1]
    expect_error(m, f"page {end // PAGE:#x}", "beyond the memory map")
    expect_error(m, "page 0xfffff", "beyond the memory map")
    expect_error(m, "page 0xfe201000", "not a lowmem address")
    expect_error(m, "page 12zz", "bad PFN or address")
    expect_error(m, "page 0x100000000", "out of range")
    expect_error(m, "page")
    expect_error(m, "page 1 2")
    assert "refcount:1" in m.cmd("page 0")


@case
def whatis_names_region_zone_page_and_mapping():
    m = boot()
    reserved = memblock_regions(m, "reserved")
    kernel = [r for r in reserved if r[3] == "kernel"][0]
    # kernel text, by its virtual address: RO + X, owner kernel, zone Normal
    out = m.cmd(f"whatis {kernel[0] + 0x80000000:#x}")
    assert "virtual, lowmem (linear map)" in out, out
    assert re.search(rf"walk: 0x{kernel[0] + 0x80000000:08x} -> 0x{kernel[0]:08x} by a section, "
                     r"kernel RO X", out), out
    assert "owner: kernel" in out and f"zone Normal, pfn {kernel[0] // PAGE:#x}" in out, out
    # a CMA pool: the dynamic linux,cma region, mapped with pages (dma_contiguous_remap)
    cma = re.search(r"Reserved memory: created CMA memory pool at 0x([0-9a-f]{8})", m.boot_log)
    pool = int(cma.group(1), 16)
    owner = [r[3] for r in reserved if r[0] <= pool < r[1]][0]
    out = m.cmd(f"whatis {pool + 0x1234:#x}")
    assert f"owner: {owner}" in out and "physical, RAM" in out, out
    assert re.search(rf"linear map: 0x{pool + 0x1234 + 0x80000000:08x} -> 0x{pool + 0x1234:08x} "
                     r"by a (page|section), kernel RW NX", out), out
    # no-map memory: RAM with a struct page, but no linear mapping
    nomap = [r for r in memblock_regions(m, "memory") if r[2] == "NOMAP"][0]
    out = m.cmd(f"whatis {nomap[0]:#x}")
    assert "NOMAP" in out and f"owner: {nomap[3]}" in out and "mapping: none (NOMAP" in out, out
    assert "NOMAP memory is never given to the page allocator" in out, out
    assert "free for the page allocator" not in out, out
    # mem_map itself: whose struct page lives there
    out = m.cmd("page 0x8")
    page_va = int(re.search(r"^page:([0-9a-f]{8})", out, re.M).group(1), 16)
    assert "holds: mem_map, the struct page of pfn 0x8 (+0 bytes)" in m.cmd(f"whatis {page_va:#x}")
    # outside RAM: peripherals, and beyond
    out = m.cmd("whatis 0x3f201000")
    assert "not RAM (BCM2836 peripherals" in out and "page: none" in out, out
    assert "through fixmap" in out or "ioremap" in out
    out = m.cmd("whatis 0x50000000")
    assert "not RAM" in out and "memblock.memory: no" in out, out
    # an unmapped kernel address
    assert "not mapped" in m.cmd("whatis 0x7f000000")
    expect_error(m, "whatis foo", "bad address")
    expect_error(m, "whatis")


@case
def boot_lines_3g_highmem_not_empty():
    m = boot(options=SPLIT_3G)
    zones, total = check_boot_lines(m, highmem=True)
    assert total == 244224  # (196608 - 1536) + 49152
    assert zones["HighMem"]["start_pfn"] == current_limit(m) // PAGE
    check_pagesets(zones)
    assert zones["HighMem"]["pagesets"][2] == (0, 28, 7)  # 44544 managed, CMA included
    # a highmem page: zone 1, no kernel address; whatis says so (free: the hand-over freed it)
    pfn = zones["HighMem"]["start_pfn"]
    out = m.cmd(f"page {pfn:#x}")
    assert "flags: 0x40000000(zone=1)" in out and "virt: none (highmem" in out, out
    out = m.cmd(f"whatis {pfn * PAGE + 0x10:#x}")
    assert "zone HighMem" in out and "mapping: none (highmem" in out, out
    expect_error(m, f"page {0xc0000000 + pfn * PAGE:#x}", "not a lowmem address")
    assert m.poweroff() == 0


if __name__ == "__main__":
    run()
