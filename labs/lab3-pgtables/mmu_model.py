"""mmu_model.py - a small model of the ARMv7 short-descriptor MMU (the translation the Pi 2's
Cortex-A7 does with TTBCR.N = 0 and SCTLR.AFE = 0), and a parser of the shell's `walk` output.

The model reads the raw descriptors itself, from guest physical memory through the QEMU monitor
(`xp`), so what it says depends on nothing the kernel computes:

    L1 entry  = TTBR + 4 * VA[31:20]
      bits 1:0  00 fault | 01 table | 10 section (bit 18: supersection) | 11 fault (reserved)
    L2 entry  = table + 4 * VA[19:12]
      bits 1:0  00 fault | 01 large page (64 KiB) | 1x small page (bit 0 is XN)

Permissions: AP = APX:AP[1:0]; 1 kernel RW, 2 kernel RW user RO, 3 all RW, 5 kernel RO,
6/7 all RO, 0 and 4 none. Executable where readable and neither XN nor PXN (user: XN only).
"""
import re

MiB = 1 << 20
TTBR = 0x4000          # swapper_pg_dir's physical address (PAGE_OFFSET + 0x4000, PHYS_OFFSET 0)
PAGE_OFFSET = 0x80000000


def bits(x, hi, lo):
    """Bits hi..lo of x."""
    return (x >> lo) & ((1 << (hi - lo + 1)) - 1)


def perms(ap, xn, pxn=False):
    """(kernel, user) permission strings like `walk` prints them: "r-x", "rw-", "---"."""
    kr = ap in (1, 2, 3, 5, 6, 7)
    kw = ap in (1, 2, 3)
    ur = ap in (2, 3, 6, 7)
    uw = ap == 3
    kx = kr and not xn and not pxn
    ux = ur and not xn
    fmt = lambda r, w, x: ("r" if r else "-") + ("w" if w else "-") + ("x" if x else "-")
    return fmt(kr, kw, kx), fmt(ur, uw, ux)


def decode_l1(d, va):
    """A level-1 descriptor: dict(kind, and for a mapping pa, ap, xn, pxn; for a table table)."""
    t = d & 3
    if t == 2:
        ap = (4 if d & (1 << 15) else 0) | bits(d, 11, 10)
        common = dict(ap=ap, xn=bool(d & (1 << 4)), pxn=bool(d & 1))
        if d & (1 << 18):
            return dict(kind="supersection", pa=(d & 0xff000000) | (va & 0x00ffffff), **common)
        return dict(kind="section", pa=(d & 0xfff00000) | (va & 0x000fffff), **common)
    if t == 1:
        return dict(kind="table", table=d & 0xfffffc00, pxn=bool(d & (1 << 2)))
    return dict(kind="fault")


def decode_l2(d, va, pxn=False):
    """A level-2 descriptor (pxn: the table's PXN bit): dict(kind, pa, ap, xn, pxn)."""
    t = d & 3
    if t == 0:
        return dict(kind="fault")
    ap = (4 if d & (1 << 9) else 0) | bits(d, 5, 4)
    if t == 1:
        return dict(kind="large", pa=(d & 0xffff0000) | (va & 0xffff), ap=ap,
                    xn=bool(d & (1 << 15)), pxn=pxn)
    return dict(kind="small", pa=(d & 0xfffff000) | (va & 0xfff), ap=ap, xn=bool(d & 1), pxn=pxn)


def read_word(m, pa):
    """One 32-bit word of guest physical memory, through the QEMU monitor's xp."""
    text = m.monitor(f"xp /1wx {pa:#x}")
    found = re.search(r":\s*0x([0-9a-fA-F]+)", text)
    if not found:
        raise ValueError(f"xp {pa:#x}: unexpected monitor answer {text!r}")
    return int(found.group(1), 16)


def translate(m, va):
    """The model's walk of va on machine m: a dict with l1_pa, l1 (value), kind ("fault-l1",
    "section", "supersection", "fault-l2", "small", "large"), and where they apply table,
    hw_index, l2_pa, l2 (value), pa, ap, xn, pxn, perms (kernel, user)."""
    out = dict(va=va, l1_pa=TTBR + 4 * (va >> 20))
    out["l1"] = d = read_word(m, out["l1_pa"])
    top = decode_l1(d, va)
    if top["kind"] == "fault":
        out["kind"] = "fault-l1"
        return out
    if top["kind"] != "table":
        out.update(top)
    else:
        out["table"], out["hw_index"] = top["table"], bits(va, 19, 12)
        out["l2_pa"] = top["table"] + 4 * out["hw_index"]
        out["l2"] = read_word(m, out["l2_pa"])
        low = decode_l2(out["l2"], va, top["pxn"])
        out.update(low)
        if low["kind"] == "fault":
            out["kind"] = "fault-l2"
            return out
    out["perms"] = perms(out["ap"], out["xn"], out["pxn"])
    return out


def gva2gpa(m, va):
    """QEMU's own translation of va (the monitor's gva2gpa): a PA, or None when unmapped."""
    text = m.monitor(f"gva2gpa {va:#x}")
    found = re.search(r"gpa:\s*0x([0-9a-fA-F]+)", text)
    return int(found.group(1), 16) if found else None


WALK_HEAD = re.compile(r"walk 0x([0-9a-f]+): pgd index (\d+) \(pair at 0x([0-9a-f]+)\), "
                       r"L1 index (\d+) -> entry 0x([0-9a-f]+)")
WALK_L1 = re.compile(r"^\s+L1\s+0x([0-9a-f]+)\s+(fault|section|supersection|page table)"
                     r"(?:\s+hw table 0x([0-9a-f]+))?", re.M)
WALK_L2 = re.compile(r"^\s+L2\s+pte index (\d+), hw index (\d+): Linux PTE at 0x([0-9a-f]+) = "
                     r"0x([0-9a-f]+)\s+\|\s+hw PTE at 0x([0-9a-f]+) = 0x([0-9a-f]+)", re.M)
WALK_HW = re.compile(r"^\s+hw: (fault|small page|large page)", re.M)
WALK_AP = re.compile(r"^\s+AP (\d):(\d)(\d) ", re.M)
WALK_XN = re.compile(r"^\s+S \d\s+nG \d\s+XN (\d)\s+PXN (\d)", re.M)
WALK_PERM = re.compile(r"permissions: kernel ([r-][w-][x-])\s+user ([r-][w-][x-])")
WALK_PA = re.compile(r"^\s+PA 0x([0-9a-f]+)", re.M)


def parse_walk(text):
    """The fields of one `walk VA` answer (missing ones are None): l1_va, l1, l1_kind, table,
    pte_index, hw_index, hw_pte_va, hw_pte, l2_kind, ap, xn, pxn, perms, pa, mapped, disagrees."""
    g = lambda rx: rx.search(text)
    w = dict.fromkeys(("l1_va", "l1", "l1_kind", "table", "pte_index", "hw_index", "hw_pte_va",
                       "hw_pte", "l2_kind", "ap", "xn", "pxn", "perms", "pa"))
    if g(WALK_HEAD):
        w["l1_va"] = int(g(WALK_HEAD).group(5), 16)
    if g(WALK_L1):
        f = g(WALK_L1)
        w["l1"], w["l1_kind"] = int(f.group(1), 16), f.group(2)
        w["table"] = int(f.group(3), 16) if f.group(3) else None
    if g(WALK_L2):
        f = g(WALK_L2)
        w["pte_index"], w["hw_index"] = int(f.group(1)), int(f.group(2))
        w["hw_pte_va"], w["hw_pte"] = int(f.group(5), 16), int(f.group(6), 16)
    if g(WALK_HW):
        w["l2_kind"] = g(WALK_HW).group(1).split()[0]
    if g(WALK_AP):
        f = g(WALK_AP)
        w["ap"] = int(f.group(1)) * 4 + int(f.group(2)) * 2 + int(f.group(3))
    if g(WALK_XN):
        w["xn"], w["pxn"] = g(WALK_XN).group(1) == "1", g(WALK_XN).group(2) == "1"
    if g(WALK_PERM):
        w["perms"] = g(WALK_PERM).groups()
    if g(WALK_PA):
        w["pa"] = int(g(WALK_PA).group(1), 16)
    w["mapped"] = "not mapped" not in text and w["pa"] is not None
    w["disagrees"] = "DISAGREES" in text
    return w


def walk_kind(w):
    """The model's kind names for a parsed walk: fault-l1, section, supersection, fault-l2,
    small, large (None when the answer does not say)."""
    if w["l1_kind"] in ("fault", "section", "supersection"):
        return {"fault": "fault-l1"}.get(w["l1_kind"], w["l1_kind"])
    if w["l1_kind"] == "page table":
        return {"fault": "fault-l2", "small": "small", "large": "large"}.get(w["l2_kind"])
    return None
