#!/usr/bin/env python3
"""Device tree, boot arguments and memblock (setup_arch up to arm_memblock_init).

Each case boots its own QEMU. Expected values are computed, not typed in: the reserved-memory
layout comes from the booted DTB (decompiled with the host's dtc), the kernel's bounds from
kernel.elf (nm), the DTB's size from guest memory (QEMU monitor), the allocations from the
`memblock` command, the limits from Linux's formulas (docs/pipeline.md#lowmem-and-highmem).

DTB variants of dts/tests that QEMU's -dtb loader does not let reach the kernel are booted with
the good default DTB and put over it in guest RAM before the first instruction, through QEMU's
gdb stub (pimm.Machine's overwrite=, "broken device trees" below), zero-filled so that nothing
of the good blob is left after a shorter one:
  bad-magic, bad-version, huge-totalsize, rsvmap-runaway   QEMU refuses the blob outright
  truncated, bad-offset, misaligned, no-end                QEMU fails while editing /memory
  cells3                     QEMU: "couldn't add /memory@0 node" (it cannot write 3-cell reg)
  no-memory                  QEMU adds a /memory node of its own: the kernel would see 960 MiB
  unterminated-string        gets through QEMU too (tested both ways)
Host-only (tools/testing/of): odd-reg's /memory part (QEMU rewrites /memory's reg; the
reserved-memory part of odd-reg is tested here through -dtb).
"""
import os
import re
import struct
import subprocess
import tempfile

from systest import boot, case, expect_error, run  # (systest puts pimm on sys.path)
import pimm  # noqa: E402

PAGE = 4096
MiB = 1 << 20
VMALLOC_END = 0xFF800000     # docs/design.md#virtual-memory-map
VMALLOC_OFFSET = 8 * MiB
VMALLOC_DEFAULT = 240 * MiB
MAX_RESERVED_REGIONS = 64    # reserved_mem[] (Linux's drivers/of/of_reserved_mem.c)
INIT_MEMBLOCK_REGIONS = 128  # static memblock arrays (Linux's mm/memblock.c)
DTB_PA = 0x08000000          # where QEMU puts the DTB without -initrd (DESIGN §4)

TS = r"^\[ *\d+\.\d{6}\] "


# ---- helpers: the DTB, kernel.elf, the `memblock` command ------------------------------------

class Node:
    def __init__(self, name):
        self.name, self.props, self.children = name, {}, []

    def child(self, name):
        for c in self.children:
            if c.name == name or c.name.split("@")[0] == name:
                return c
        return None

    def cells(self, prop):
        v = self.props.get(prop)
        return [int(x, 16) for x in v[1:-1].split()] if v and v.startswith("<") else None

    def has(self, prop):
        return prop in self.props

    def string(self, prop):
        v = self.props.get(prop)
        return v[1:-1].split("\\0")[0] if v and v.startswith('"') else None


def parse_dts(text):
    """dtc -O dts output -> (root Node, [(addr, size)] of /memreserve/)."""
    rsv = [(int(a, 16), int(s, 16))
           for a, s in re.findall(r"^/memreserve/\s+(0x[0-9a-f]+) (0x[0-9a-f]+);", text, re.M)]
    stack, root = [], None
    for line in text.splitlines():
        line = line.strip()
        if line.endswith("{"):
            n = Node(line[:-1].strip())
            if stack:
                stack[-1].children.append(n)
            else:
                root = n
            stack.append(n)
        elif line == "};":
            stack.pop()
        elif line.endswith(";") and stack and not line.startswith("/"):
            name, _, val = line[:-1].partition(" = ")
            stack[-1].props[name.strip()] = val.strip() if val else True
    return root, rsv


def read_dtb(path):
    out = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", path], check=True,
                         capture_output=True, text=True).stdout
    return parse_dts(out), out


def reserved_nodes(root):
    """/reserved-memory's children as dicts, in DT order (status=disabled ones skipped)."""
    rm = root.child("reserved-memory")
    out = []
    for n in rm.children if rm else []:
        if n.string("status") not in (None, "ok", "okay"):
            continue
        reg, size = n.cells("reg"), n.cells("size")
        out.append({"name": n.name, "reg": reg, "size": size, "node": n,
                    "cma": n.string("compatible") == "shared-dma-pool" and n.has("reusable")
                    and not n.has("no-map"),
                    "dma": n.string("compatible") == "shared-dma-pool" and n.has("no-map"),
                    "nomap": n.has("no-map"), "default": n.has("linux,cma-default")})
    return out


_syms = {}


def kernel_symbols(bdir):
    """{name: address} and sorted text symbols of kernel.elf."""
    if bdir not in _syms:
        out = subprocess.run(["arm-none-eabi-nm", "-n", "--defined-only",
                              os.path.join(bdir, "kernel.elf")],
                             check=True, capture_output=True, text=True).stdout
        names, text = {}, []
        for line in out.splitlines():
            p = line.split()
            if len(p) == 3:
                names[p[2]] = int(p[0], 16)
                if p[1] in "tTwW" and not p[2].startswith(("$", ".L")):
                    text.append((int(p[0], 16), p[2]))
        _syms[bdir] = (names, text)
    return _syms[bdir]


def page_offset(bdir):
    names, _ = kernel_symbols(bdir)
    return names["_text"] - 0x8000  # the kernel image starts at TEXT_OFFSET 0x8000


def kernel_range(bdir):
    """[_stext, _end) as physical addresses: what arm_memblock_init reserves."""
    names, _ = kernel_symbols(bdir)
    po = page_offset(bdir)
    return names["_stext"] - po, names["_end"] - po


def parse_memblock(out):
    """`memblock` output -> {"memory": [...], "reserved": [...], totals, current_limit...}."""
    res = {"memory": [], "reserved": []}
    cur = None
    for line in out.splitlines():
        m = re.match(r"^(memory|reserved): (\d+) regions, (\d+) KiB", line)
        if m:
            cur = m.group(1)
            res[cur + "_cnt"], res[cur + "_kib"] = int(m.group(2)), int(m.group(3))
            continue
        m = re.match(r"^ *(\d+): 0x([0-9a-f]{8})\.\.0x([0-9a-f]{8})  (\w+) *(.*)$", line)
        if m and cur:
            res[cur].append({"base": int(m.group(2), 16), "end": int(m.group(3), 16) + 1,
                             "flags": m.group(4), "owners": m.group(5).strip()})
            continue
        m = re.match(r"^current_limit 0x([0-9a-f]+), bottom_up (\d), totalcma_pages (\d+)", line)
        if m:
            res["current_limit"] = int(m.group(1), 16)
            res["bottom_up"], res["totalcma_pages"] = int(m.group(2)), int(m.group(3))
    return res


def region_of(regions, owner):
    """The region whose owner list names @owner."""
    for r in regions:
        if owner in [o.strip() for o in r["owners"].split(", ")]:
            return r
    raise AssertionError(f"no region owned by {owner!r} in {regions}")


def covered(regions, base, end):
    return any(r["base"] <= base and end <= r["end"] for r in regions)


def overlaps(regions, base, end):
    return [r for r in regions if r["base"] < end and base < r["end"]]


def assert_owners(region, known):
    """@region's owner list names each of @known ({name: (base, end)}) that it overlaps, and
    "(memblock)" exactly when part of it lies outside all of them (a merged allocation); every
    owner the region may have must be in @known."""
    names = [o.strip() for o in region["owners"].split(", ")]
    cur, b, e = region["base"], region["base"], region["end"]
    want = [k for k, (kb, ke) in known.items() if kb < e and b < ke]
    while cur < e:
        reach = max([ke for kb, ke in known.values() if kb <= cur < ke], default=cur)
        if reach == cur:
            want.append("(memblock)")
            break
        cur = reach
    assert sorted(names) == sorted(want), (region, want)


def dtb_totalsize(m, pa=DTB_PA):
    """The booted DTB's header, read from guest memory through the monitor."""
    out = m.monitor(f"xp /2wx {pa:#x}")
    words = [int(w, 16) for w in re.findall(r"0x([0-9a-f]{8})", out.split(":", 1)[1])]
    swap = lambda w: int.from_bytes(w.to_bytes(4, "little"), "big")  # noqa: E731
    assert swap(words[0]) == 0xD00DFEED, f"no FDT magic at {pa:#x}: {out}"
    return swap(words[1])


def dtb_path(m, name):
    return os.path.join(m.bdir, "dts", name)


def test_dtb(name):
    """build/dts/tests/NAME.dtb, built if needed (pimm.ensure_built makes only the boot DTB;
    under meson test the suite depends on every DTB)."""
    bdir = pimm.ensure_built()
    rel = os.path.join("dts", "tests", name + ".dtb")
    if not os.path.exists(os.path.join(bdir, rel)):
        subprocess.run(["ninja", "-C", bdir, rel], check=True, capture_output=True)
    return os.path.join(bdir, rel)


def lines(log, pattern):
    return re.findall(TS + pattern + "$", log, re.M)


def need(log, text, count=None):
    """The boot log holds the printk line @text (exactly, after its timestamp)."""
    n = len(lines(log, re.escape(text)))
    assert n if count is None else n == count, \
        f"expected {'a' if count is None else count} line {text!r}, found {n}"


def booted_ram(m):
    """(base, end) of the booted /memory (QEMU rewrites it; `fdt` shows the booted blob)."""
    reg = [int(x, 16) for x in re.search(r"reg = <([^>]*)>", m.cmd("fdt /memory")).group(1).split()]
    return reg[0], reg[0] + reg[-1]


def booted_rsvmap(m):
    return [(int(a, 16), int(s, 16)) for a, s in
            re.findall(r"^/memreserve/\s+(0x[0-9a-f]+) (0x[0-9a-f]+);", m.cmd("fdt"), re.M)]


def dynamic_bases(m, nodes, ram, initrd=None):
    """Where Linux's algorithm puts the dynamic nodes (top-down memblock search, alignment and
    alloc-ranges of __reserved_mem_alloc_size), computed from
    the DTB and the boot's fixed reservations, not read from the kernel: memblock.memory is
    ram with the static no-map nodes NOMAP; memblock.reserved holds /memreserve/,
    swapper_pg_dir, the kernel, the DTB, the initrd and the static nodes; each dynamic node is
    placed top-down in [start, end) (no current_limit). Valid for layouts whose dynamic nodes
    do not compete (one, or alloc-ranges apart): {name: base or None}."""
    ks, ke = kernel_range(m.boot_dir)
    res = [(a, a + s) for a, s in booted_rsvmap(m)] + [(0x4000, 0x8000), (ks, ke)]
    dtb = DTB_PA if not initrd else initrd[1]
    res.append((dtb, dtb + dtb_totalsize(m, dtb)))
    if initrd:
        res.append(initrd)
    nomap = []
    for n in nodes:
        if n["reg"] and n["reg"][1]:
            (nomap if n["nomap"] else res).append((n["reg"][0], n["reg"][0] + n["reg"][1]))
    # free = ram minus NOMAP minus reserved
    free = [ram]
    for b, e in nomap + res:
        nxt = []
        for fb, fe in free:
            if e <= fb or fe <= b:
                nxt.append((fb, fe))
                continue
            if fb < b:
                nxt.append((fb, b))
            if e < fe:
                nxt.append((e, fe))
        free = nxt
    free.sort()
    out = {}
    for n in nodes:
        if n["reg"] is not None or not n["size"]:
            continue
        size = n["size"][0]
        align = (n["node"].cells("alignment") or [0])[0] or 64
        if n["cma"]:
            align = max(align, 4 * MiB)
        ar = n["node"].cells("alloc-ranges") or [0, 1 << 32]
        base = None
        for start, length in zip(ar[0::2], ar[1::2]):
            start, end = max(start, PAGE), start + length
            for fb, fe in reversed(free):
                cb, ce = max(fb, start), min(fe, end)
                if ce < size:
                    continue
                cand = (ce - size) & ~(align - 1)
                if cand >= cb:
                    base = cand
                    break
            if base is not None:
                break
        out[n["name"]] = base
    return out


def expected_rmem_lines(nodes, bases):
    """What fdt_init_reserved_mem prints for each node (__reserved_mem_init_node), in its order:
    dynamic nodes first (they sort as base 0), then static ones by base."""
    out = []
    dyn = [n for n in nodes if n["reg"] is None and n["size"]]
    stat = sorted([n for n in nodes if n["reg"]], key=lambda n: (n["reg"][0], n["reg"][1]))
    for n in dyn + stat:
        if n["reg"]:
            base, size = n["reg"][0], n["reg"][1]
        else:
            base, size = bases[n["name"]], n["size"][0]
        if n["cma"]:
            out.append(f"Reserved memory: created CMA memory pool at {base:#010x}, "
                       f"size {size // MiB} MiB")
        elif n["dma"]:
            out.append(f"Reserved memory: created DMA memory pool at {base:#010x}, "
                       f"size {size // MiB} MiB")
        else:
            continue  # no compatible: silent, stays reserved / NOMAP
        out.append(f"OF: reserved mem: initialized node {n['name']}, "
                   f"compatible id shared-dma-pool")
    return out


def assert_in_order(log, expected):
    pos = 0
    for text in expected:
        m = re.compile(TS + re.escape(text) + "$", re.M).search(log, pos)
        assert m, f"missing (or out of order) {text!r} in the boot log"
        pos = m.end()


# ---- default boot ------------------------------------------------------------------------

@case
def default_boot_prints_reserved_memory_lines():
    m = boot()
    (root, _), _ = read_dtb(dtb_path(m, "rpi2b-lab.dtb"))
    nodes = reserved_nodes(root)
    assert len(nodes) >= 6, "the lab DTB exercises every reserved-memory case"
    mb = parse_memblock(m.cmd("memblock"))
    log = m.boot_log
    need(log, "OF: fdt: Machine model: " + root.string("model"), 1)
    bases = dynamic_bases(m, nodes, booted_ram(m))
    assert None not in bases.values(), bases
    assert_in_order(log, expected_rmem_lines(nodes, bases))
    # the Linux order puts the memblock stage before "Kernel command line:" (start_kernel)
    assert log.index("created CMA memory pool") < log.index("Kernel command line:")
    # a linux,cma-default node is the default area: dma_contiguous_reserve adds none
    assert any(n["default"] for n in nodes)
    assert not lines(log, r"cma: Reserved .*"), "a second default CMA area was reserved"
    # totalcma_pages counts every CMA pool (Linux's cma_init_reserved_mem)
    cma_bytes = sum(n["reg"][1] if n["reg"] else n["size"][0] for n in nodes if n["cma"])
    assert mb["totalcma_pages"] == cma_bytes // PAGE, (mb["totalcma_pages"], cma_bytes)
    assert m.poweroff() == 0


@case
def memblock_shows_every_boot_reservation():
    m = boot()
    (root, rsvmap), _ = read_dtb(dtb_path(m, "rpi2b-lab.dtb"))
    mb = parse_memblock(m.cmd("memblock"))
    res, mem = mb["reserved"], mb["memory"]
    # (later stages allocate from memblock too: their pieces merge into these regions, so the
    # checks are "covered by", not "equal to")
    # RAM: what QEMU wrote in /memory (fdt shows the booted tree)
    ram_base, ram_end = booted_ram(m)
    ram_size = ram_end - ram_base
    assert sum(r["end"] - r["base"] for r in mem) == ram_size
    assert mb["memory_kib"] == ram_size // 1024
    assert mem[0]["base"] == ram_base and mem[-1]["end"] == ram_base + ram_size
    # swapper_pg_dir: 16 KiB below the kernel at 0x8000
    r = region_of(res, "swapper_pg_dir")
    assert covered(res, 0x4000, 0x8000) and r["base"] <= 0x4000 and r["end"] >= 0x8000, r
    assert [x for x in res if x["base"] == 0x4000 and x["end"] == 0x8000], \
        "swapper_pg_dir must be its own region [0x4000-0x7fff]"
    # the kernel: [_stext, _end) from kernel.elf; nothing below _stext but the page table
    ks, ke = kernel_range(m.boot_dir)
    r = region_of(res, "kernel")
    assert r["base"] == ks and r["end"] >= ke, (r, hex(ks), hex(ke))
    assert not overlaps(res, 0x8000, ks), "the _text.._stext gap is not reserved (Linux)"
    # the DTB: exact bytes (Linux's setup_arch), its size read from the blob in guest memory
    size = dtb_totalsize(m)
    r = region_of(res, "DTB")
    assert r["base"] == DTB_PA and covered(res, DTB_PA, DTB_PA + size), (r, size)
    assert [x for x in res if x["end"] == DTB_PA + size] or \
        overlaps(res, DTB_PA + size, DTB_PA + size + 1), "DTB: exact bytes, not page rounded"
    # /memreserve/
    assert rsvmap, "the lab DTB has a /memreserve/ entry"
    for a, s in rsvmap:
        assert covered(res, a, a + s), (hex(a), hex(s))
    region_of(res, "/memreserve/")
    # every reserved-memory node: static ones at their reg, no-map ones NOMAP in memory,
    # dynamic ones wherever memblock put them (and of their size)
    for n in reserved_nodes(root):
        if n["nomap"]:
            r = region_of(mem, n["name"])
            assert r["flags"] == "NOMAP", r
            if n["reg"]:
                assert (r["base"], r["end"]) == (n["reg"][0], n["reg"][0] + n["reg"][1]), r
            assert not overlaps(res, r["base"], r["end"]), "no-map memory is not reserved"
        else:
            r = region_of(res, n["name"])
            if n["reg"]:
                base, end = n["reg"][0], n["reg"][0] + n["reg"][1]
            else:  # dynamic: where Linux's algorithm puts it
                base = dynamic_bases(m, [n], (ram_base, ram_end))[n["name"]]
                end = base + n["size"][0]
            assert covered(res, base, end), (n["name"], hex(base), hex(end))
    assert not [r for r in mem if r["flags"] not in ("NONE", "NOMAP")]
    # current_limit (docs/pipeline.md#lowmem-and-highmem): adjust_lowmem_bounds sets memblock_limit (first bank
    # edge that is not 2 MiB aligned, skipping NOMAP, rounded down); paging_init then raises
    # it to arm_lowmem_limit once lowmem is mapped
    lim = 0
    for r in mem:
        if r["flags"] == "NOMAP":
            continue
        if r["base"] % (2 * MiB):
            lim = r["base"]
            break
        if r["end"] % (2 * MiB):
            lim = r["end"]
            break
    lim = (lim or mem[-1]["end"]) & ~(2 * MiB - 1)
    lowmem = lowmem_limit(m.boot_dir, VMALLOC_DEFAULT, mem)
    assert mb["current_limit"] in (lim, lowmem), \
        (hex(mb["current_limit"]), hex(lim), hex(lowmem))
    assert mb["bottom_up"] == 0
    assert m.poweroff() == 0


@case
def initrd_is_reserved():
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "initrd.img")
        with open(path, "wb") as f:
            f.write(os.urandom(10000))  # not a multiple of a page
        m = boot(initrd=path, append="memblock=debug")
        chosen = m.cmd("fdt /chosen")
        start = int(re.search(r"linux,initrd-start = <(0x[0-9a-f]+)>", chosen).group(1), 16)
        end = int(re.search(r"linux,initrd-end = <(0x[0-9a-f]+)>", chosen).group(1), 16)
        assert end - start == 10000, (hex(start), hex(end))
        pstart, pend = start & ~(PAGE - 1), (end + PAGE - 1) & ~(PAGE - 1)
        assert re.search(TS + re.escape(f"memblock_reserve: [{pstart:#010x}-{pend - 1:#010x}] ")
                         + r"arm_initrd_init\+0x[0-9a-f]+/0x[0-9a-f]+$", m.boot_log, re.M), \
            "no traced initrd reservation"
        res = parse_memblock(m.cmd("memblock"))["reserved"]
        assert covered(res, pstart, pend), "initrd not reserved"
        assert "initrd" in region_of(res, "initrd")["owners"]
        # the DTB sits just above it, page aligned (DESIGN §4), and is reserved too
        region_of(res, "DTB")
        assert covered(res, pend, pend + dtb_totalsize(m, pend)), "DTB above the initrd"
        assert "INITRD:" not in m.boot_log
        assert m.poweroff() == 0


# ---- memblock=debug ----------------------------------------------------------------------

TRACE = re.compile(TS + r"(memblock_\w+): \[0x([0-9a-f]{8})-0x([0-9a-f]{8})\] "
                   r"(\w+)\+0x([0-9a-f]+)/0x([0-9a-f]+)$", re.M)
ALLOC = re.compile(TS + r"(memblock_\w+): (\d+) bytes align=0x([0-9a-f]+)( nid=-?\d+)? "
                   r"from=0x([0-9a-f]{8}) max_addr=0x([0-9a-f]{8}) (\w+)\+0x([0-9a-f]+)/0x([0-9a-f]+)$",
                   re.M)


def check_callers(bdir, traces):
    """Each %pS caller is a text symbol of kernel.elf and the offset falls inside it."""
    names, text = kernel_symbols(bdir)
    size = {}
    for i, (a, n) in enumerate(text):
        if i + 1 < len(text):
            size.setdefault(n, text[i + 1][0] - a)
    for fn, off, sz in traces:
        assert fn in names, f"caller {fn} is not a kernel symbol"
        assert int(off, 16) < int(sz, 16), f"{fn}+{off}/{sz}: offset past the end"
        if fn in size:
            assert int(sz, 16) == size[fn], f"{fn}: size {sz} but nm says {size[fn]:#x}"


@case
def memblock_debug_traces_every_call_with_its_caller():
    m = boot(append="memblock=debug")
    log = m.boot_log
    traces = TRACE.findall(log)
    allocs = ALLOC.findall(log)
    assert traces, "no memblock trace"
    check_callers(m.boot_dir, [(t[3], t[4], t[5]) for t in traces] + [(a[6], a[7], a[8]) for a in allocs])
    got = [(t[0], int(t[1], 16), int(t[2], 16) + 1, t[3]) for t in traces]
    ks, ke = kernel_range(m.boot_dir)
    # Linux's order in arm_memblock_init, with Linux's callers
    want = [("memblock_reserve", ks, ke, "arm_memblock_init"),
            ("memblock_reserve", 0x4000, 0x8000, "arm_mm_memblock_reserve")]
    (root, rsvmap), _ = read_dtb(dtb_path(m, "rpi2b-lab.dtb"))
    want += [("memblock_reserve", a, a + s, "early_init_fdt_scan_reserved_mem") for a, s in rsvmap]
    nodes = reserved_nodes(root)
    want += [("memblock_reserve", n["reg"][0], n["reg"][0] + n["reg"][1],
              "__reserved_mem_reserve_reg") for n in nodes if n["reg"] and not n["nomap"]]
    assert got[:len(want)] == want, f"\n got {got[:len(want)]}\nwant {want}"
    # each dynamic node: one memblock_phys_alloc_range, then its memblock_reserve
    mb = parse_memblock(m.cmd("memblock"))
    for n in nodes:
        if n["reg"] is None and n["size"]:
            r = [x for x in mb["reserved"] if n["name"] in x["owners"]][0]
            assert [a for a in allocs if a[0] == "memblock_phys_alloc_range"
                    and int(a[1]) == n["size"][0]
                    and a[6] == "early_init_dt_alloc_reserved_memory_arch"], allocs
            base = [g for g in got if g[3] == "memblock_alloc_range_nid"
                    and g[2] - g[1] == n["size"][0]]
            assert base and covered([r], base[0][1], base[0][2]), (base, r)
    # the MEMBLOCK configuration dump (end of arm_memblock_init) is exactly what the traced
    # calls made, plus the DTB's reservation (made before early params are parsed, so never
    # traced, as in Linux)
    assert not [g for g in got if g[1] == DTB_PA], "the DTB reservation cannot be traced"
    dpos = log.index("MEMBLOCK configuration:")
    dump = log[dpos:]
    replay = [(DTB_PA, DTB_PA + dtb_totalsize(m))]
    for fn, b, e, _ in [(t[0], int(t[1], 16), int(t[2], 16) + 1, t[3])
                        for t in TRACE.findall(log[:dpos])]:
        if fn == "memblock_reserve":
            replay.append((b, e))
        elif fn == "memblock_phys_free":
            replay = [p for x in replay for p in ((x[0], min(x[1], b)), (max(x[0], e), x[1]))
                      if p[0] < p[1]]
    merged = []
    for b, e in sorted(replay):
        if merged and b <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((b, e))
    tables = {}
    for t in ("memory", "reserved"):
        cnt = int(re.search(rf" {t}\.cnt  = 0x([0-9a-f]+)", dump).group(1), 16)
        regs = re.findall(rf" {t}\[0x([0-9a-f]+)\]\t\[0x([0-9a-f]{{8}})-0x([0-9a-f]{{8}})\], "
                          rf"0x([0-9a-f]{{8}}) bytes flags: 0x([0-9a-f]+)", dump)
        assert len(regs) == cnt, (t, cnt, regs)
        tables[t] = []
        for i, (idx, b, e, sz, fl) in enumerate(regs):
            b, e = int(b, 16), int(e, 16) + 1
            assert int(idx, 16) == i and int(sz, 16) == e - b, regs[i]
            tables[t].append((b, e, int(fl, 16)))
    assert [(b, e) for b, e, _ in tables["reserved"]] == merged, \
        f"dump {tables['reserved']}\nreplayed traces {merged}"
    msz, rsz = re.search(r" memory size = 0x([0-9a-f]{8}) reserved size = 0x([0-9a-f]{8})",
                         dump).groups()
    assert int(msz, 16) == sum(e - b for b, e, _ in tables["memory"])
    assert int(rsz, 16) == sum(e - b for b, e in merged)
    # ... and the live tables agree: same memory and flags, every reservation still there
    assert [(r["base"], r["end"], 4 if r["flags"] == "NOMAP" else 0) for r in mb["memory"]] == \
        tables["memory"]
    for b, e in merged:
        assert covered(mb["reserved"], b, e), (hex(b), hex(e))
    assert log.index("MEMBLOCK configuration:") < log.index("Kernel command line:")
    assert m.poweroff() == 0


@case
def memblock_debug_traces_frees_of_failed_nodes():
    m = boot(dtb=test_dtb("cma-errors"), append="memblock=debug")
    log = m.boot_log
    check_callers(m.boot_dir, [(t[3], t[4], t[5]) for t in TRACE.findall(log)])
    (root, _), _ = read_dtb(test_dtb("cma-errors"))
    for n in reserved_nodes(root):
        if n["reg"] and n["name"].startswith(("misaligned", "plain-dma")):
            b, s = n["reg"]
            assert re.search(TS + re.escape(f"memblock_phys_free: [{b:#010x}-{b + s - 1:#010x}] ")
                             + r"fdt_init_reserved_mem\+", log, re.M), n["name"]
    assert m.poweroff() == 0


# ---- boot arguments ----------------------------------------------------------------------

@case
def mem_512M_limits_memory():
    m = boot(append="mem=512M")
    mb = parse_memblock(m.cmd("memblock"))
    assert [(r["base"], r["end"]) for r in mb["memory"]] == [(0, 512 * MiB)], mb["memory"]
    assert mb["memory_kib"] == 512 * 1024
    assert mb["current_limit"] == 512 * MiB
    (root, _), _ = read_dtb(dtb_path(m, "rpi2b-lab.dtb"))
    for n in reserved_nodes(root):
        if n["reg"] and n["reg"][0] >= 512 * MiB:
            b, s = n["reg"]
            need(m.boot_log, f"pimm: reserved memory: node '{n['name']}' "
                 f"[{b:#010x}-{b + s - 1:#010x}] is entirely outside RAM", 1)
        if n["reg"] is None and n["size"]:  # dynamic: placed in what is left
            base = dynamic_bases(m, reserved_nodes(root), (0, 512 * MiB))[n["name"]]
            assert base is not None and base + n["size"][0] <= 512 * MiB
            assert covered(mb["reserved"], base, base + n["size"][0])
            need(m.boot_log, f"Reserved memory: created CMA memory pool at {base:#010x}, "
                 f"size {n['size'][0] // MiB} MiB", 1)
    ks, ke = kernel_range(m.boot_dir)
    assert covered(mb["reserved"], ks, ke)
    assert m.poweroff() == 0


@case
def cma_24M_replaces_the_default_node():
    m = boot(append="cma=24M")
    log = m.boot_log
    mb = parse_memblock(m.cmd("memblock"))
    (root, _), _ = read_dtb(dtb_path(m, "rpi2b-lab.dtb"))
    nodes = reserved_nodes(root)
    dflt = [n for n in nodes if n["default"]][0]
    need(log, f"Reserved memory: bypass {dflt['name']} node, using cmdline CMA params instead", 1)
    need(log, f"OF: reserved mem: node {dflt['name']} compatible matching fail", 1)
    # dma_contiguous_reserve: top-down in [0, end of DRAM), 4 MiB aligned, after the bypassed
    # node was freed again (Linux's cma_declare_contiguous_nid)
    area = Node("cma")
    area.props = {"size": "<0x1800000>", "alignment": "<0x400000>"}
    static = [n for n in nodes if not n["default"]]
    base = dynamic_bases(m, static + [{"name": "cma", "reg": None, "size": [24 * MiB],
                                        "node": area, "cma": True, "nomap": False}],
                         booted_ram(m))["cma"]
    need(log, f"cma: Reserved 24 MiB at {base:#010x}", 1)
    assert covered(mb["reserved"], base, base + 24 * MiB)
    assert "cma:reserved" in region_of(mb["reserved"], "cma:reserved")["owners"]
    assert not [x for x in mb["reserved"] if dflt["name"] in x["owners"]], "bypassed node kept"
    assert log.index("cma: Reserved") > log.index("initialized node")  # dma_contiguous_reserve last
    static_cma = sum(n["reg"][1] for n in nodes if n["cma"] and n["reg"])
    assert mb["totalcma_pages"] == (static_cma + 24 * MiB) // PAGE
    assert m.poweroff() == 0


def lowmem_limit(bdir, vmalloc_size, mem):
    """Linux's adjust_lowmem_bounds: vmalloc_limit, then the memblock limit over non-NOMAP banks."""
    vlimit = VMALLOC_END - vmalloc_size - VMALLOC_OFFSET - page_offset(bdir)
    ends = [min(r["end"], vlimit) for r in mem if r["flags"] != "NOMAP" and r["base"] < vlimit]
    return max(ends)


@case
def vmalloc_too_small_is_limited_to_16MiB():
    m = boot(append="vmalloc=1M")
    need(m.boot_log, "vmalloc area is too small, limiting to 16MiB", 1)
    mb = parse_memblock(m.cmd("memblock"))
    assert mb["current_limit"] <= lowmem_limit(m.boot_dir, 16 * MiB, mb["memory"])
    assert m.poweroff() == 0


@case
def vmalloc_too_big_is_limited():
    m = boot(append="vmalloc=5G")   # above 4G: must still read as too big, not wrap to 1G
    vmax = VMALLOC_END - (page_offset(m.boot_dir) + 32 * MiB + VMALLOC_OFFSET)
    need(m.boot_log, f"vmalloc area is too big, limiting to {vmax >> 20}MiB", 1)
    mb = parse_memblock(m.cmd("memblock"))
    lim = lowmem_limit(m.boot_dir, vmax, mb["memory"])
    assert lim == 32 * MiB and mb["current_limit"] == lim, hex(mb["current_limit"])
    # the lowmem limit moved, the reservations did not (above it is HighMem)
    assert covered(mb["reserved"], *kernel_range(m.boot_dir))
    assert "Ignoring RAM" not in m.boot_log, "highmem is on by default"
    assert m.poweroff() == 0


@case
def vmalloc_moves_the_lowmem_limit():
    m = boot(append="vmalloc=1200M")
    mb = parse_memblock(m.cmd("memblock"))
    lim = lowmem_limit(m.boot_dir, 1200 * MiB, mb["memory"])
    assert lim < mb["memory"][-1]["end"], "the test needs a limit inside RAM"
    assert mb["current_limit"] == lim & ~(2 * MiB - 1), hex(mb["current_limit"])
    assert "vmalloc area is" not in m.boot_log
    assert m.poweroff() == 0


@case
def highmem_off_ignores_ram_above_lowmem():
    m = boot(append="vmalloc=1200M", options=("-Dhighmem=false",), timeout=300)
    mb = parse_memblock(m.cmd("memblock"))
    lim = (VMALLOC_END - 1200 * MiB - VMALLOC_OFFSET - page_offset(m.boot_dir)) & ~(2 * MiB - 1)
    reg = [int(x, 16) for x in re.search(r"reg = <([^>]*)>", m.cmd("fdt /memory")).group(1).split()]
    end = reg[0] + reg[-1]
    need(m.boot_log, f"Ignoring RAM at {lim:#010x}-{end:#010x}", 1)
    need(m.boot_log, "Consider using a HIGHMEM enabled kernel.", 1)
    assert mb["memory"][-1]["end"] == lim and mb["current_limit"] == lim, mb
    assert m.poweroff() == 0


@case
def vmalloc_garbage_gets_a_clear_message():
    m = boot(append="vmalloc=zork vmalloc=")
    need(m.boot_log, "pimm: vmalloc=zork: not a size (K/M/G suffixes), ignored", 1)
    need(m.boot_log, "pimm: vmalloc=: expected a size (K/M/G suffixes), ignored", 1)
    mb = parse_memblock(m.cmd("memblock"))
    assert mb["current_limit"] <= lowmem_limit(m.boot_dir, VMALLOC_DEFAULT, mb["memory"])
    assert m.poweroff() == 0


@case
def mem_below_the_kernel_is_refused_and_boot_goes_on():
    ref = parse_memblock(boot().cmd("memblock memory"))  # the DT's memory, for comparison
    m = boot(append="mem=16K mem=lots")
    ks, ke = kernel_range(m.boot_dir)
    line = lines(m.boot_log, r"pimm: mem=16K: 0x00000000-0x00003fff does not hold the kernel "
                 r"\(0x([0-9a-f]{8})-0x([0-9a-f]{8})\): ignored, using the device tree's memory")
    assert line, "no clear mem= message"
    lo, hi = (int(x, 16) for x in line[0])
    assert lo <= ks and hi + 1 == ke, (hex(lo), hex(hi))
    need(m.boot_log, "pimm: mem=lots: expected SIZE[@START] (K/M/G suffixes), ignored", 1)
    mb = parse_memblock(m.cmd("memblock memory"))
    assert mb["memory"] == ref["memory"], "memory changed after refused mem="
    assert m.poweroff() == 0


@case
def nonsense_cma_gets_a_clear_message():
    m = boot(append="cma=banana cma= cma=5G cma=16M@8G")
    for bad in ["banana", "5G", "16M@8G"]:   # 5G must not wrap to 1G: 32-bit physical addresses
        need(m.boot_log, f"pimm: cma={bad}: expected SIZE[@BASE[-LIMIT]] (K/M/G suffixes, below "
             "4 GiB), ignored", 1)
    need(m.boot_log, "cma: Config string not provided", 1)
    # the default node stays in charge
    (root, _), _ = read_dtb(dtb_path(m, "rpi2b-lab.dtb"))
    dflt = [n for n in reserved_nodes(root) if n["default"]][0]
    need(m.boot_log, f"OF: reserved mem: initialized node {dflt['name']}, "
         "compatible id shared-dma-pool", 1)
    assert "bypass" not in m.boot_log and not lines(m.boot_log, "cma: Reserved .*")
    assert m.poweroff() == 0


# ---- edge and broken device trees (dts/tests) --------------------------------------------

def boot_variant(name, **kw):
    m = boot(dtb=test_dtb(name), **kw)
    (root, rsv), _ = read_dtb(test_dtb(name))
    return m, root, parse_memblock(m.cmd("memblock"))


@case
def dtb_overlapping_regions_are_detected():
    m, root, mb = boot_variant("overlap")
    nodes = {n["name"]: n for n in reserved_nodes(root)}
    stat = sorted([n for n in nodes.values() if n["reg"]], key=lambda n: n["reg"][0])
    a, b = stat[0], stat[1]
    (ab, asz), (bb, bsz) = a["reg"], b["reg"]
    assert ab + asz > bb, "the variant's first two static regions overlap"
    # one pr_err of two lines: Linux's console prefixes each line (record_print_text)
    assert re.search(TS + re.escape("OF: reserved mem: OVERLAP DETECTED!") + r"\n" + TS
                     + re.escape(f"{a['name']} ({ab:#010x}--{ab + asz:#010x}) overlaps with "
                                 f"{b['name']} ({bb:#010x}--{bb + bsz:#010x})") + "$",
                     m.boot_log, re.M), "no OVERLAP DETECTED report"
    assert covered(mb["reserved"], ab, bb + bsz)
    # the disabled node is not reserved; the dynamic ones are, no-map ones as NOMAP memory
    (rm,) = [c for c in root.children if c.name == "reserved-memory"]
    off = [c for c in rm.children if c.string("status") == "disabled"][0]
    ob, osz = off.cells("reg")
    assert not overlaps(mb["reserved"], ob, ob + osz), "disabled node reserved"
    for n in nodes.values():
        if n["reg"] is None:
            r = region_of(mb["memory"] if n["nomap"] else mb["reserved"], n["name"])
            if n["nomap"]:
                assert r["flags"] == "NOMAP" and r["end"] - r["base"] == n["size"][0], r
            ar = n["node"].cells("alloc-ranges")
            if ar:
                assert ar[0] <= r["base"] and r["end"] <= ar[0] + ar[1], (n["name"], r)
    assert m.poweroff() == 0


@case
def dtb_odd_reg_and_bad_properties_are_skipped():
    m, root, mb = boot_variant("odd-reg")
    log = m.boot_log
    nodes = {n["name"].split("@")[0]: n for n in reserved_nodes(root)}
    odd = nodes["odd"]
    need(log, f"OF: fdt: Reserved memory: invalid reg property in '{odd['name']}', "
         "skipping node.", 1)
    need(log, "OF: reserved mem: invalid size property in 'badsize' node.", 1)
    need(log, "OF: reserved mem: invalid alignment property in 'badalign' node.", 1)
    need(log, "OF: reserved mem: invalid alloc-ranges property in 'badranges', skipping node.", 1)
    b = odd["node"].cells("reg")[0]
    assert not overlaps(mb["reserved"], b, b + odd["node"].cells("reg")[1]), "odd reg reserved"
    assert not [r for r in mb["reserved"] if re.search(r"bad|odd", r["owners"])], mb["reserved"]
    # (QEMU rewrites /memory's reg, so the odd /memory reg of this DTB is a host test only)
    assert m.poweroff() == 0


@case
def dtb_unsupported_reserved_memory_format_is_ignored():
    m, root, mb = boot_variant("bad-format")
    need(m.boot_log, "OF: fdt: Reserved memory: unsupported node format, ignoring", 1)
    rm = root.child("reserved-memory")
    assert not rm.has("ranges") or rm.cells("#address-cells") != root.cells("#address-cells")
    for c in rm.children:
        reg = c.cells("reg")
        base, size = reg[1], reg[3]  # 2+2 cells
        assert not overlaps(mb["reserved"], base, base + size), "ignored node reserved"
    # no node at all: the configured default CMA area is reserved instead
    assert lines(m.boot_log, r"cma: Reserved \d+ MiB at 0x[0-9a-f]{8}")
    assert m.poweroff() == 0


@case
def dtb_regions_outside_ram_are_warned_about():
    m, root, mb = boot_variant("outside-ram")
    ram_end = mb["memory"][-1]["end"]
    for n in reserved_nodes(root):
        b, s = n["reg"]
        where = "entirely" if b >= ram_end else "partly"
        need(m.boot_log, f"pimm: reserved memory: node '{n['name']}' "
             f"[{b:#010x}-{b + s - 1:#010x}] is {where} outside RAM", 1)
        if not n["nomap"]:
            assert covered(mb["reserved"], b, b + s), "Linux reserves it anyway"
    assert not [r for r in mb["memory"] if r["flags"] == "NOMAP"], "no-map of non-RAM marks nothing"
    assert mb["memory"][-1]["end"] == ram_end and mb["memory_kib"] * 1024 == ram_end
    assert m.poweroff() == 0


@case
def dtb_regions_over_the_kernel_and_page_table():
    m, root, mb = boot_variant("over-kernel")
    ks, ke = kernel_range(m.boot_dir)
    for n in reserved_nodes(root):
        b, s = n["reg"]
        if n["nomap"]:  # overlaps reserved memory: -EBUSY, as in Linux
            need(m.boot_log, f"OF: fdt: Reserved memory: failed to reserve memory for node "
                 f"'{n['name']}': base {b:#010x}, size {s // MiB} MiB", 1)
        else:  # merged with what is reserved; pimm names what it overlaps
            assert b < ke and ks < b + s
            need(m.boot_log, f"pimm: reserved memory: node '{n['name']}' "
                 f"[{b:#010x}-{b + s - 1:#010x}] overlaps reserved [{ks:#010x}-{ke - 1:#010x}]", 1)
    assert not [r for r in mb["memory"] if r["flags"] == "NOMAP"], "kernel/page table made NOMAP"
    # a node whose reservation failed reserves nothing: the owner labels never credit it
    # (Linux keeps its first reg tuple in reserved_mem[] all the same)
    for n in reserved_nodes(root):
        if n["nomap"]:
            assert not [r for r in mb["reserved"] + mb["memory"] if n["name"] in r["owners"]], \
                (n["name"], mb["reserved"])
    assert region_of(mb["reserved"], "/memreserve/")["owners"] == "/memreserve/"
    assert region_of(mb["reserved"], "swapper_pg_dir")["owners"] == "swapper_pg_dir"
    # the default CMA area (no linux,cma node here) merged with later allocations below it:
    # both are named
    cma_mib, cma_base = lines(m.boot_log, r"cma: Reserved (\d+) MiB at (0x[0-9a-f]{8})")[0]
    cma_base, cma_end = int(cma_base, 16), int(cma_base, 16) + int(cma_mib) * MiB
    assert_owners(region_of(mb["reserved"], "cma:reserved"), {"cma:reserved": (cma_base, cma_end)})
    assert (region_of(mb["reserved"], "kernel")["base"],
            region_of(mb["reserved"], "kernel")["end"]) == (ks, ke)
    assert [r for r in mb["reserved"] if (r["base"], r["end"]) == (0x4000, 0x8000)]
    assert "version" in m.cmd("version")
    assert m.poweroff() == 0


@case
def dtb_too_many_regions():
    m = boot(dtb=test_dtb("too-many"), wait_prompt=False)
    (root, _), _ = read_dtb(test_dtb("too-many"))
    # memblock.reserved is full and cannot grow before bootmem_init's memblock_allow_resize:
    # the first later memblock allocation (paging_init's early_alloc) fails, and Linux stops
    # there with a clear panic. Until paging_init exists the boot reaches the prompt.
    end = m.wait_for(r"pimm> |Kernel panic - not syncing: (.*)\n", 20)  # the whole line
    log = m.buf
    if end.group(0) != "pimm> ":
        assert re.match(r"early_alloc: Failed to allocate \d+ bytes align=0x[0-9a-f]+",
                        end.group(1)), end.group(0)
        mb = None
    else:
        m.boot_log = log
        mb = parse_memblock(m.cmd("memblock"))
    nodes = reserved_nodes(root)
    assert len(nodes) > INIT_MEMBLOCK_REGIONS > MAX_RESERVED_REGIONS
    need(log, "OF: reserved mem: not enough space for all defined regions.",
         len(nodes) - MAX_RESERVED_REGIONS)
    assert lines(log, re.escape(f"memblock: Failed to double reserved array from "
                                f"{INIT_MEMBLOCK_REGIONS} to {2 * INIT_MEMBLOCK_REGIONS} "
                                "entries !"))
    failed = lines(log, r"OF: fdt: Reserved memory: failed to reserve memory for node "
                   r"'([^']+)': base 0x[0-9a-f]{8}, size \d+ MiB")
    # 4 reservations precede the nodes (/memreserve/, swapper_pg_dir, kernel, DTB)
    assert failed == [n["name"] for n in nodes[INIT_MEMBLOCK_REGIONS - 4:]], failed
    assert lines(log, r"cma: Failed to reserve \d+ MiB")  # the default area has no room either
    if mb:
        assert mb["reserved_cnt"] == INIT_MEMBLOCK_REGIONS == len(mb["reserved"])
        got = [n for n in nodes if covered(mb["reserved"], n["reg"][0],
                                            n["reg"][0] + n["reg"][1])]
        assert {n["name"] for n in got} == {n["name"] for n in nodes} - set(failed)
        assert m.poweroff() == 0


@case
def dtb_cma_errors():
    m, root, mb = boot_variant("cma-errors")
    log = m.boot_log
    nodes = {n["name"].split("@")[0]: n for n in reserved_nodes(root)}
    need(log, "Reserved memory: incorrect alignment of CMA region", 1)
    need(log, f"OF: reserved mem: node {nodes['misaligned']['name']} compatible matching fail", 1)
    need(log, "Reserved memory: regions without no-map are not yet supported", 1)
    need(log, f"OF: reserved mem: node {nodes['plain-dma']['name']} compatible matching fail", 1)
    need(log, f"OF: reserved mem: failed to allocate memory for node 'huge': "
         f"size {nodes['huge']['size'][0] // MiB} MiB", 1)
    for k in ("misaligned", "plain-dma"):  # undone after the failed init
        b, s = nodes[k]["reg"]
        assert not overlaps(mb["reserved"], b, b + s), k
    c = nodes["linux,cma"]
    ar = c["node"].cells("alloc-ranges")
    base = dynamic_bases(m, [n for n in nodes.values() if n is not nodes["huge"]],
                         booted_ram(m))["linux,cma"]
    assert ar[0] <= base and base + c["size"][0] <= ar[0] + ar[1]
    assert covered(mb["reserved"], base, base + c["size"][0])
    need(log, f"Reserved memory: created CMA memory pool at {base:#010x}, "
         f"size {c['size'][0] // MiB} MiB", 1)
    assert mb["totalcma_pages"] == c["size"][0] // PAGE
    assert m.poweroff() == 0


@case
def dtb_unterminated_string_is_a_clear_panic():
    m = boot(dtb=test_dtb("unterminated-string"), wait_prompt=False)
    m.wait_for(TS + r"Kernel panic - not syncing: setup_machine_fdt: invalid device tree at "
               + f"{DTB_PA:#010x}" + r": .*string", 15)
    m.wait_for(r"---\[ end Kernel panic", 5)
    assert "pimm> " not in m.buf


# ---- broken device trees, put in guest RAM through QEMU's gdb stub --------------------------

OVERWRITE_FILL = 64 * 1024   # > the good blob QEMU loads (its edited copy is ~25 KiB)
FDT_WINDOW = 2 * MiB         # the kernel maps the DTB's 1 MiB section and the next (head.S)


def boot_overwritten(name):
    """Boot with blob @name of build/dts/tests put over the default DTB at DTB_PA (before the
    first instruction); check that guest RAM holds it; return the Machine and the blob."""
    path = test_dtb(name)
    blob = open(path, "rb").read()
    m = boot(overwrite=[(path, DTB_PA, OVERWRITE_FILL)], wait_prompt=False)
    out = m.monitor(f"xp /4wx {DTB_PA:#x}")
    words = [int(w, 16) for w in re.findall(r"0x([0-9a-f]{8})", out.split(":", 1)[1])]
    assert words == list(struct.unpack("<4I", blob[:16])), f"{name} is not in guest RAM: {out}"
    return m, blob


def header_field(blob, index):
    return struct.unpack_from(">I", blob, 4 * index)[0]


def expect_fdt_panic(m, reason_rx, before=()):
    """The boot stops with setup_machine_fdt's panic naming the DTB and @reason_rx (after the
    log lines @before), and goes no further: no prompt, no memblock stage."""
    for text in before:
        m.wait_for(TS + re.escape(text) + "$", 15)
    # (\n, not $: with re.M, $ also matches at the end of a line still arriving)
    msg = m.wait_for(TS + r"Kernel panic - not syncing: (setup_machine_fdt: [^\n]*)\n",
                     15).group(1)
    m.wait_for(r"---\[ end Kernel panic - not syncing: " + re.escape(msg) + r" \]---", 5)
    assert re.fullmatch(reason_rx, msg), f"unclear panic: {msg!r}, expected {reason_rx!r}"
    assert "pimm> " not in m.buf and "MEMBLOCK" not in m.buf and "Zone ranges" not in m.buf
    return msg


def invalid(reason):
    return re.escape(f"setup_machine_fdt: invalid device tree at {DTB_PA:#010x}: ") + reason


def _broken_dtb_case(name, reason, before=()):
    """One system test per broken blob of dts/tests (see the module's docstring): @reason is
    the panic's regex, or a function of the blob giving it; @before, log lines (or a function
    of the name giving them) that come first."""
    def test():
        m, blob = boot_overwritten(name)
        expect_fdt_panic(m, reason(blob) if callable(reason) else reason,
                         before(name) if callable(before) else before)
    test.__name__ = "dtb_" + name.replace("-", "_") + "_through_gdb_is_a_clear_panic"
    return case(test)


@case
def dtb_bad_magic_through_gdb_stops_in_head():
    m, blob = boot_overwritten("bad-magic")
    assert header_field(blob, 0) != 0xD00DFEED
    m.wait_for(r"^Error: invalid dtb and unrecognized/unsupported machine ID\n  r2="
               + f"{DTB_PA:#010x}" + r" does not point to a flattened device tree "
               r"\(magic 0xd00dfeed\)\.", 15)
    m.wait_for(r"pimm needs a DTB", 5)
    assert "Booting pimm" not in m.buf and "pimm> " not in m.buf, m.buf


# the kernel sees totalsize bytes: a shorter file leaves zeros (OVERWRITE_FILL), i.e. no valid
# token where the structure block goes on
_broken_dtb_case("truncated", invalid(r"bad structure"))
_broken_dtb_case("bad-version", invalid(r"unsupported version"))
_broken_dtb_case("huge-totalsize", lambda b: invalid(re.escape(
    f"truncated (totalsize {header_field(b, 1)} bytes, "
    f"{FDT_WINDOW - DTB_PA % MiB} fit in the 2 MiB window)")))
_broken_dtb_case("bad-offset", lambda b: invalid(re.escape(
    f"truncated (a block or the reservation map runs past totalsize {header_field(b, 1)})")))
_broken_dtb_case("rsvmap-runaway", lambda b: invalid(re.escape(
    f"truncated (a block or the reservation map runs past totalsize {header_field(b, 1)})")))
_broken_dtb_case("misaligned", invalid(r"misaligned block"))
_broken_dtb_case("unterminated-string", invalid(r"bad string"))
_broken_dtb_case("no-end", invalid(r"bad structure"))
_broken_dtb_case("cells3", invalid(re.escape(
    "/ has #address-cells=3 #size-cells=1, pimm reads 1 or 2 cells")),
    before=["pimm: root node: #address-cells / #size-cells must be 1 or 2 (a 32-bit "
            "physical address space reads at most 2 cells)"])
_broken_dtb_case("no-memory", re.escape(
    f"setup_machine_fdt: device tree at {DTB_PA:#010x} describes no usable RAM (no /memory "
    'node with device_type = "memory" and a non-empty reg)'),
    before=lambda name: ["OF: fdt: Machine model: "
                         + read_dtb(test_dtb(name))[0][0].string("model")])


# ---- shell commands ----------------------------------------------------------------------

@case
def memblock_fdt_memmap_commands():
    m = boot()
    both = m.cmd("memblock")
    memory, reserved = m.cmd("memblock memory"), m.cmd("memblock reserved")
    assert both == memory + reserved, "memblock = memblock memory + memblock reserved"
    mb = parse_memblock(both)
    assert mb["memory_cnt"] == len(mb["memory"]) and mb["reserved_cnt"] == len(mb["reserved"])
    assert mb["reserved_kib"] == sum(r["end"] - r["base"] for r in mb["reserved"]) // 1024
    for t in ("memory", "reserved"):  # sorted, disjoint
        rs = mb[t]
        assert all(a["end"] <= b["base"] for a, b in zip(rs, rs[1:])), t
    # fdt: the booted blob as dtc prints it (the host dtc on the same file agrees on the nodes
    # that QEMU does not edit)
    (root, rsvmap), text = read_dtb(dtb_path(m, "rpi2b-lab.dtb"))
    out = m.cmd("fdt")
    assert out.startswith("/dts-v1/;\n\n")
    got_rsv = [(int(a, 16), int(s, 16)) for a, s in
               re.findall(r"^/memreserve/\s+(0x[0-9a-f]+) (0x[0-9a-f]+);", out, re.M)]
    assert got_rsv == rsvmap
    froot, _ = parse_dts(out)
    assert froot.string("model") == root.string("model")
    for path in ("reserved-memory", "cpus", "soc"):
        want = re.search(r"^\t" + path + r" \{\n.*?^\t\};\n", text, re.M | re.S).group(0)
        want = "\n".join(l[1:] for l in want.splitlines()) + "\n"
        assert m.cmd("fdt /" + path) == want, f"fdt /{path} differs from dtc"
    chosen = m.cmd("fdt /chosen")
    assert chosen.startswith("chosen {\n") and chosen.rstrip().endswith("};")
    assert f'stdout-path = "{root.child("chosen").string("stdout-path")}";' in chosen
    # memmap: the box diagram, from the same memblock state
    mm = m.cmd("memmap")
    assert "+----memory----+" in mm and "+---reserved---+" in mm and "not to scale" in mm
    fmt = lambda a: f"0x{a >> 16:04X}_{a & 0xffff:04X}"  # noqa: E731
    addrs = set(re.findall(r"0x[0-9A-F]{4}_[0-9A-F]{4}", mm))
    for t in ("memory", "reserved"):
        for r in mb[t]:
            assert fmt(r["base"]) in addrs, (t, fmt(r["base"]))
    for r in mb["memory"]:
        if r["flags"] == "NOMAP":
            label = r["owners"].split("@")[0]
            assert re.search(r"\|\s+" + re.escape(label) + r"\s+\|", mm), label
    for r in mb["reserved"]:
        label = r["owners"].split(", ")[0].split("@")[0]
        assert label in mm, label
    # in address order, top = end of RAM
    seq = [int(a.replace("_", ""), 16) for a in re.findall(r"0x[0-9A-F]{4}_[0-9A-F]{4}", mm)]
    assert seq == sorted(seq) and seq[-1] == mb["memory"][-1]["end"], seq
    assert m.poweroff() == 0


@case
def memblock_fdt_memmap_bad_input():
    m = boot()
    before = m.cmd("memblock")
    out = expect_error(m, "fdt /nonexistent", "/nonexistent")
    assert len(out.strip().splitlines()) == 1, out
    expect_error(m, "fdt a b")
    assert m.cmd("fdt a b").startswith("usage: fdt")
    expect_error(m, "fdt chosen", "absolute")
    out = expect_error(m, "memblock junk", "junk")
    assert len(out.strip().splitlines()) == 1, out
    expect_error(m, "memblock memory reserved")
    expect_error(m, "memmap x")
    assert m.cmd("memblock") == before, "bad input changed memblock"
    assert "pimm version" in m.cmd("version")
    assert m.poweroff() == 0


# ---- Linux's own device tree -------------------------------------------------------------

@case
def boots_with_linux_own_dtb():
    bdir = pimm.ensure_built()
    dtb = os.path.join(bdir, "linux-dtb", "bcm2836-rpi-2-b.dtb")
    if not os.path.exists(dtb):  # downloads Debian's linux-source-6.1 once (~140 MB)
        r = subprocess.run([os.path.join(pimm.ROOT, "tools", "get-linux-dtb"), bdir],
                           capture_output=True, text=True, timeout=900)
        assert r.returncode == 0 and os.path.exists(dtb), \
            f"tools/get-linux-dtb failed:\n{r.stdout[-2000:]}{r.stderr[-2000:]}"
    (root, _), _ = read_dtb(dtb)
    m = boot(dtb=dtb)
    need(m.boot_log, "OF: fdt: Machine model: " + root.string("model"), 1)
    mb = parse_memblock(m.cmd("memblock"))
    nodes = reserved_nodes(root)
    bases = dynamic_bases(m, nodes, booted_ram(m))
    assert_in_order(m.boot_log, expected_rmem_lines(nodes, bases))
    for n in nodes:
        if n["reg"] is None and n["size"]:
            b, e = bases[n["name"]], bases[n["name"]] + n["size"][0]
            assert covered(mb["reserved"], b, e)
            # its region merged with the allocations made after it (Linux's DTB has no other
            # node to fill the gap below the pool): both the pool and "(memblock)" are named
            assert_owners(region_of(mb["reserved"], n["name"]), {n["name"]: (b, e)})
    assert covered(mb["reserved"], *kernel_range(m.boot_dir))
    assert [r for r in mb["reserved"] if (r["base"], r["end"]) == (0x4000, 0x8000)]
    assert "pimm version" in m.cmd("version")
    assert m.poweroff() == 0


if __name__ == "__main__":
    run()
