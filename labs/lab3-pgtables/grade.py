"""grade.py - the public tests of lab3 (ARM two-level page tables and the software walk):
pgtable_walk, walk_pte, decode_section, decode_page and pt_decode_perm.

Every address is drawn from the test's seed. What the `walk` command says about it is compared
with a walk this file does itself (mmu_model.py): it reads the level-1 and level-2 descriptors
from guest physical memory through the QEMU monitor (`xp`), decodes them, and asks QEMU for its
own translation (`gva2gpa`). The MMU's answer (ATS1CPR/ATS1CPW) that `walk` prints must agree
with the software walk too.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grading import test  # noqa: E402
from mmu_model import (PAGE_OFFSET, MiB, gva2gpa, parse_walk, translate,  # noqa: E402
                       walk_kind)

PAGE = 4096
VECTORS = 0xffff0000
FIXMAP_SLOT = 0xffeff000      # the early console's permanent fixmap slot
FDT = (0xff800000, 0xffa00000)
IO = (0xfe000000, 0xff000000)
REGION = re.compile(r"^\s*(\d+): 0x([0-9a-f]{8})\.\.0x([0-9a-f]{8})\s+(\S+)", re.M)


def layout(t, m):
    """The `layout` command's facts: text, init and bss (start, end), lowmem, vmalloc
    (start, end), the lowmem limit PA, and the static mappings [(va, end, type)]."""
    text = t.cmd(m, "layout")
    num = lambda rx: [int(x, 16) for x in re.search(rx, text).groups()]
    out = {"text": num(r"\.text : 0x([0-9a-f]+) - 0x([0-9a-f]+)"),
           "init": num(r"\.init : 0x([0-9a-f]+) - 0x([0-9a-f]+)"),
           "data": num(r"\.bss : 0x([0-9a-f]+) - 0x([0-9a-f]+)"),
           "lowmem": num(r"lowmem  : 0x([0-9a-f]+) - 0x([0-9a-f]+)"),
           "vmalloc": num(r"vmalloc : 0x([0-9a-f]+) - 0x([0-9a-f]+)"),
           "limit": num(r"lowmem limit PA 0x([0-9a-f]+)")[0]}
    out["static"] = [(int(a, 16), int(b, 16), kind) for a, b, kind in re.findall(
        r"^\s+0x([0-9a-f]{8})-0x([0-9a-f]{8})\s+\d+\s+(?:phys=0x[0-9a-f]+ )?(\S+)", text, re.M)]
    return out


def pick(rng, lo, hi, align=4):
    """A random address in [lo, hi), aligned to `align` bytes."""
    return rng.randrange(lo // align, hi // align) * align


def fmt(kind, pa=None, perms=None):
    """A walk's result for the report."""
    s = kind
    if pa is not None:
        s += f", PA {pa:#010x}"
    if perms:
        s += f", kernel {perms[0]} user {perms[1]}"
    return s


def compare(t, m, va):
    """`walk va` against the model's walk (and QEMU's gva2gpa): None when they agree, else
    (function, what differs, expected, got) for the first difference."""
    w = parse_walk(t.cmd(m, f"walk {va:#x}"))
    want = translate(m, va)
    qemu = gva2gpa(m, va)
    kind, got_kind = want["kind"], walk_kind(w)
    mapped = kind in ("section", "supersection", "small", "large")
    if w["l1_va"] != PAGE_OFFSET + want["l1_pa"] or w["l1"] != want["l1"]:
        return ("pgtable_walk", "the level-1 entry (TTBR + 4 * VA[31:20]) and its value",
                f"entry {PAGE_OFFSET + want['l1_pa']:#010x} = {want['l1']:#010x}",
                f"entry {w['l1_va'] or 0:#010x} = {w['l1'] or 0:#010x}")
    if want["kind"] in ("fault-l1", "section", "supersection") and got_kind != kind:
        return ("pgtable_walk", "the kind of the level-1 entry", kind, str(got_kind))
    if "table" in want:
        if w["table"] != want["table"]:
            return ("pgtable_walk", "the hardware table of a page-table entry",
                    f"{want['table']:#010x}", str(w["table"]))
        idx = ((va >> 12) & 511, want["hw_index"], want["l2"])
        if (w["pte_index"], w["hw_index"], w["hw_pte"]) != idx:
            return ("walk_pte", "the Linux pte index (VA[20:12]), the hardware index "
                    "(VA[19:12]) and the hardware PTE it reads",
                    f"pte index {idx[0]}, hw index {idx[1]}, hw PTE {idx[2]:#010x}",
                    f"pte index {w['pte_index']}, hw index {w['hw_index']}, hw PTE "
                    f"{w['hw_pte'] if w['hw_pte'] is None else hex(w['hw_pte'])}")
        if got_kind != kind:
            return ("walk_pte", "the kind of the level-2 entry", kind, str(got_kind))
    if w["mapped"] != mapped or (mapped and w["pa"] != want["pa"]):
        fn = "walk_pte" if "table" in want else "pgtable_walk"
        return (fn, "mapped or not, and the physical address", fmt(kind, want.get("pa")),
                fmt(got_kind or "?", w["pa"] if w["mapped"] else None))
    if (qemu is not None) != mapped or (mapped and qemu != want["pa"]):
        return ("the page tables", "QEMU's own translation (gva2gpa) agrees with the tables",
                fmt(kind, want.get("pa")), f"gva2gpa: {qemu if qemu is None else hex(qemu)}")
    if mapped:
        fn = "decode_page" if "table" in want else "decode_section"
        if (w["ap"], w["xn"], w["pxn"]) != (want["ap"], want["xn"], want["pxn"]):
            return (fn, "AP (APX:AP[1:0]), XN and PXN of the entry",
                    f"AP {want['ap']:03b} XN {int(want['xn'])} PXN {int(want['pxn'])}",
                    f"AP {w['ap'] if w['ap'] is None else format(w['ap'], '03b')} "
                    f"XN {w['xn']} PXN {w['pxn']}")
        if tuple(w["perms"] or ()) != want["perms"]:
            return ("pt_decode_perm", f"the permissions of AP {want['ap']:03b} XN "
                    f"{int(want['xn'])} PXN {int(want['pxn'])}", fmt(kind, None, want["perms"]),
                    fmt(kind, None, w["perms"]))
    if w["disagrees"]:
        return ("pgtable_walk", "the MMU (ATS1CPR/ATS1CPW) agrees with the software walk",
                "(agrees)", "DISAGREES (read the walk in the console log)")
    return None


def check_va(t, m, va, label):
    """One check: `walk va` agrees with the model, named after the first function that does
    not."""
    diff = compare(t, m, va)
    if diff is None:
        return t.check(True, f"walk {va:#010x} ({label}) agrees with the descriptors")
    fn, what, expected, got = diff
    return t.check(False, f"walk {va:#010x} ({label}): {fn}: {what}", expected=expected,
                   got=got)


def lowmem_sections(lay):
    """[lo, hi) ranges of lowmem past the kernel that are section-mapped (not a static
    page-mapped area such as a CMA area)."""
    lo, hi = lay["lowmem"]
    lo = max(lo, PAGE_OFFSET + 4 * MiB)
    out, cur = [], lo
    for a, b, _ in sorted(s for s in lay["static"] if s[0] < hi):
        if a > cur:
            out.append((cur, a))
        cur = max(cur, b)
    if cur < hi:
        out.append((cur, hi))
    return out


def paged_lowmem(lay):
    """The page-mapped areas of lowmem (CMA areas remapped by dma_contiguous_remap)."""
    lo, hi = lay["lowmem"]
    return [(a, b) for a, b, kind in lay["static"] if lo <= a < hi and "DMA" in kind]


# -- tests ------------------------------------------------------------------------------------
@test("pgtable_walk, decode_section: sections of lowmem, kernel text, I/O and the DTB", points=25)
def sections(t):
    """Random addresses in 1 MiB section mappings: the kernel's text, lowmem past the kernel
    (a random mem= size moves its end), the static I/O map and the DTB window. The level-1
    entry, its kind, the PA (= section base | VA[19:0]) and the attributes must be the
    descriptor's, and QEMU must translate the address to the same PA."""
    rng = t.rng
    size = rng.randrange(128, 961) * MiB
    t.note(f"mem={size // MiB}M")
    m = t.boot(append=f"mem={size // MiB}M")
    lay = layout(t, m)
    text = lay["text"]
    vas = [("kernel text", pick(rng, max(text[0], PAGE_OFFSET + MiB), text[1]))]
    ranges = lowmem_sections(lay)
    for _ in range(4):
        lo, hi = rng.choice(ranges)
        vas.append(("lowmem", pick(rng, lo, hi)))
    vas.append(("last MiB of lowmem", pick(rng, lay["lowmem"][1] - MiB, lay["lowmem"][1])))
    vas.append(("I/O", pick(rng, *IO)))
    vas.append(("DTB", pick(rng, *FDT)))
    for label, va in vas:
        check_va(t, m, va, label)


@test("walk_pte, decode_page: small pages of vectors, fixmap, vmalloc and CMA areas", points=25)
def pages(t):
    """A random device tree (its CMA areas are mapped with 4 KiB pages) and a random vmalloc:
    random addresses in the high vectors page and the stubs page, the early console's fixmap
    slot, the vmalloc'ed pages and the CMA areas of lowmem. The pte and hardware indices, the
    hardware PTE read, the PA (= page base | VA[11:0]) and the attributes must be the
    descriptor's."""
    rng = t.rng
    m = t.boot(dtb=t.random_dt())
    size = rng.randrange(2, 64) * PAGE - rng.randrange(0, PAGE)
    out = t.cmd(m, f"vmalloc {size}")
    found = re.search(r"vmalloc: 0x([0-9a-f]+), \d+ bytes: (\d+) pages", out)
    t.require(found, f"`vmalloc {size}` allocates", expected="vmalloc: ADDR, ...", got=out[:200])
    base, n = int(found.group(1), 16), int(found.group(2))
    vas = [("high vectors", VECTORS + pick(rng, 0, PAGE)),
           ("stubs", VECTORS + PAGE + pick(rng, 0, PAGE)),
           ("fixmap", FIXMAP_SLOT + pick(rng, 0, PAGE)),
           ("vmalloc", base + pick(rng, 0, n * PAGE)),
           ("vmalloc", base + pick(rng, 0, n * PAGE))]
    cma = paged_lowmem(layout(t, m))
    for _ in range(2 if cma else 0):
        lo, hi = rng.choice(cma)
        vas.append(("CMA area of lowmem", pick(rng, lo, hi)))
    for label, va in vas:
        check_va(t, m, va, label)


@test("pgtable_walk, walk_pte: holes are level-1 or level-2 translation faults", points=20)
def faults(t):
    """Unmapped addresses: user space, the modules area, pkmap (a table with no pages), the gap
    past lowmem, vmalloc space far from any mapping, the guard page after a vmalloc area and
    the empty fixmap slots. The walk must say `not mapped`, with the fault at the level the
    descriptors put it, and QEMU must not translate the address either."""
    rng = t.rng
    m = t.boot()
    lay = layout(t, m)
    size = rng.randrange(1, 32) * PAGE
    out = t.cmd(m, f"vmalloc {size}")
    found = re.search(r"area 0x([0-9a-f]+)-0x([0-9a-f]+)", out)
    t.require(found, f"`vmalloc {size}` allocates", expected="area START-END", got=out[:200])
    guard = int(found.group(2), 16) - PAGE
    vas = [("user space", pick(rng, 0x1000, 0x7f000000)),
           ("modules area", pick(rng, 0x7f000000, 0x7fe00000)),
           ("pkmap", pick(rng, 0x7fe00000, 0x80000000)),
           ("gap past lowmem", pick(rng, lay["lowmem"][1], lay["vmalloc"][0])),
           ("vmalloc space", pick(rng, 0xc0000000, IO[0])),
           ("vmalloc guard page", guard + pick(rng, 0, PAGE)),
           ("empty fixmap slot", pick(rng, 0xffe00000, FIXMAP_SLOT))]
    for label, va in vas:
        check_va(t, m, va, label)


@test("pt_decode_perm: AP, APX and XN decoded into kernel and user permissions", points=20)
def perms(t):
    """One random address of every kind of permission the kernel's tables hold: kernel text
    (RO, executable), the init and data sections and lowmem (RW, NX), the DTB (RO, NX), I/O,
    the vectors (user-readable) and the stubs (kernel only). The permissions `walk` prints must
    be those of the descriptor's AP/APX/XN, and the MMU must agree for reads and writes."""
    rng = t.rng
    m = t.boot()
    lay = layout(t, m)
    text = lay["text"]
    vas = [("kernel text", pick(rng, max(text[0], PAGE_OFFSET + MiB), text[1])),
           ("below the kernel text", pick(rng, PAGE_OFFSET + 0x8000 - PAGE, PAGE_OFFSET + 0x8000)),
           ("kernel init", pick(rng, *lay["init"])),
           ("kernel bss", pick(rng, *lay["data"])),
           ("lowmem", pick(rng, *rng.choice(lowmem_sections(lay)))),
           ("DTB", pick(rng, *FDT)),
           ("I/O", pick(rng, *IO)),
           ("high vectors", VECTORS + pick(rng, 0, PAGE)),
           ("stubs", VECTORS + PAGE + pick(rng, 0, PAGE))]
    for label, va in vas:
        check_va(t, m, va, label)


def lowmem_linear(memblock_text, limit):
    """Bytes of non-NOMAP memory below the lowmem limit, from `memblock memory`."""
    total = 0
    for _, base, last, flags in REGION.findall(memblock_text):
        b, e = int(base, 16), min(int(last, 16) + 1, limit)
        if "NOMAP" not in flags and e > b:
            total += e - b
    return total


def vmmap_lowmem(text):
    """Bytes of the linear map in `vmmap`'s figure (runs labelled kernel-x, kernel-nx, lowmem
    or DMA/CMA), drawn by the kernel from pgtable_walk."""
    rows = re.findall(r"^\s+0x[0-9a-f]{8}\s+\+-+\+\s+\+-+\+\s+0x([0-9a-f]{8})$", text, re.M)
    labels = re.findall(r"^\s+\| (\S+)\s*\| <-", text, re.M)
    total = 0
    for k, label in enumerate(labels):
        if label in ("kernel-x", "kernel-nx", "lowmem", "DMA/CMA") and 2 * k + 1 < len(rows):
            total += int(rows[2 * k + 1], 16) - int(rows[2 * k], 16)
    return total


LINEAR_PROBLEM = re.compile(r"^mm-check: page tables: .*(skipped|not mapped|is mapped at|"
                            r"not linear).*$", re.M)


@test("pgtable_walk: mm-check and vmmap find lowmem mapped linearly", points=10)
def mmcheck(t):
    """A random device tree (no-map regions are left out of the linear map) and a random mem=:
    mm-check's page-table stage walks every MiB of lowmem with pgtable_walk and must find it
    mapped linearly (NOMAP memory unmapped), and `vmmap`, drawn from the same walk, must show
    exactly the non-NOMAP memory below the lowmem limit as the linear map."""
    size = t.rng.randrange(256, 961) * MiB
    t.note(f"mem={size // MiB}M")
    m = t.boot(dtb=t.random_dt(), append=f"mem={size // MiB}M")
    lay = layout(t, m)
    want = lowmem_linear(t.cmd(m, "memblock memory"), lay["limit"])
    out = t.cmd(m, "mm-check")
    bad = LINEAR_PROBLEM.findall(out) and LINEAR_PROBLEM.search(out).group(0)
    t.check(not bad and "mm-check: page tables:" in out, "mm-check: the page tables stage "
            "finds every lowmem page mapped linearly and NOMAP memory unmapped (pgtable_walk)",
            expected="no linear-map violation", got=bad or "no page tables line")
    got = vmmap_lowmem(t.cmd(m, "vmmap"))
    t.check(got == want, "vmmap: the linear map the walk finds is the non-NOMAP memory below "
            "the lowmem limit", expected=f"{want // 1024} KiB", got=f"{got // 1024} KiB")
