"""grade.py - the public tests of lab4 (paging_init and W^X): map_lowmem, map_kernel,
map_vectors, section_update, fix_kernmem_perms and mark_rodata_ro.

What each mapping must be is recomputed here from the booted kernel's own symbols (read from
its ELF with nm: _stext, __start_rodata, __init_begin, _sdata, _end) and from the mem= and
vmalloc= sizes the test chose, with Linux's rules: lowmem ends at min(RAM, the vmalloc
reserve's start), the kernel's text sections are read-only and executable, everything else is
read-write and never executable, the vectors page is readable by user space and the stubs
page is not. The live tables are read back with `walk` (whose answer the MMU itself checks),
`ptdump` and `mm-check`.
"""
import re
import subprocess

from grading import test

MiB = 1 << 20
PAGE = 4096
PAGE_OFFSET = 0x80000000
VECTORS = 0xffff0000
VMALLOC_END = 0xff800000
VMALLOC_OFFSET = 8 * MiB
SYMBOLS = ("_stext", "_etext", "__start_rodata", "__end_rodata", "__init_begin", "_sdata",
           "_end")


def symbols(m):
    """The kernel image's boundaries, from the booted ELF: {name: address}."""
    out = subprocess.run(["arm-none-eabi-nm", m.elf], capture_output=True, text=True,
                         check=True).stdout
    found = {name: int(addr, 16) for addr, _, name in
             (line.split() for line in out.splitlines() if len(line.split()) == 3)
             if name in SYMBOLS}
    missing = [s for s in SYMBOLS if s not in found]
    if missing:
        raise ValueError(f"symbols not in {m.elf}: {missing}")
    return found


def up(x, a=MiB):
    """x rounded up to a multiple of a."""
    return (x + a - 1) // a * a


def expected_kernel(sym):
    """[(section VA, area, kernel perms)] for every 1 MiB section of the image: text RO and
    executable (rodata that has sections of its own RO, not executable), the rest RW NX."""
    out = []
    ro_nx = up(sym["__start_rodata"])
    for va in range(PAGE_OFFSET, up(sym["_end"]), MiB):
        if va < sym["_stext"] - sym["_stext"] % MiB:
            out.append((va, "below the text", "rw-"))
        elif va < sym["__init_begin"]:
            out.append((va, "text/rodata", "r--" if va >= ro_nx else "r-x"))
        elif va < sym["_sdata"]:
            out.append((va, "init", "rw-"))
        else:
            out.append((va, "data/bss", "rw-"))
    return out


def walk(t, m, va):
    """`walk va` as a dict: mapped, kind (section/page), pa, kernel and user perms, agrees."""
    text = t.cmd(m, f"walk {va:#x}")
    perm = re.search(r"permissions: kernel (\S+)\s+user (\S+)", text)
    pa = re.search(r"^\s+PA 0x([0-9a-f]+)", text, re.M)
    kind = ("section" if re.search(r"^\s+L1\s+0x[0-9a-f]+\s+section", text, re.M) else
            "page" if "hw: small page" in text else None)
    return {"mapped": "not mapped" not in text and pa is not None,
            "pa": int(pa.group(1), 16) if pa else None, "kind": kind,
            "kernel": perm.group(1) if perm else None, "user": perm.group(2) if perm else None,
            "agrees": "DISAGREES" not in text}


def show(w):
    """A walk for the report."""
    if not w["mapped"]:
        return "not mapped"
    return f"{w['kind']} PA {w['pa']:#010x} kernel {w['kernel']} user {w['user']}"


def check_map(t, m, va, what, fn, pa, kernel, user="---", kind=None):
    """One check: va is mapped to pa (None: not mapped) with these permissions."""
    w = walk(t, m, va)
    if pa is None:
        return t.check(not w["mapped"], f"{fn}: {what} {va:#010x} is not mapped",
                       expected="not mapped", got=show(w))
    want = f"{kind or w['kind']} PA {pa:#010x} kernel {kernel} user {user}"
    ok = (w["mapped"] and w["pa"] == pa and w["kernel"] == kernel and w["user"] == user and
          (kind is None or w["kind"] == kind) and w["agrees"])
    return t.check(ok, f"{fn}: {what} {va:#010x} is {kernel} for the kernel, {user} for user "
                   "space", expected=want, got=show(w) + ("" if w["agrees"] else
                                                          " (the MMU DISAGREES)"))


def pick(rng, lo, hi, align=4):
    """A random address in [lo, hi), aligned."""
    return rng.randrange(lo // align, hi // align) * align


# -- tests ------------------------------------------------------------------------------------
@test("map_kernel, fix_kernmem_perms, mark_rodata_ro: text RO+X, the rest of the image RW NX",
      points=30)
def kernel(t):
    """Every 1 MiB section of the kernel image, at a random offset: the head below _stext,
    the text (and the rodata sharing its section), init, data and bss. Each must be a section
    mapped linearly, text and rodata read-only, text executable, everything else writable and
    never executable, none of it reachable from user space."""
    rng = t.rng
    m = t.boot()
    sym = symbols(m)
    fns = {"below the text": "fix_kernmem_perms", "text/rodata": "mark_rodata_ro",
           "init": "fix_kernmem_perms", "data/bss": "map_kernel"}
    for sect, area, perms in expected_kernel(sym):
        va = sect + pick(rng, 0, MiB)
        check_map(t, m, va, f"kernel {area}", fns[area], va - PAGE_OFFSET, perms,
                  kind="section")
    va = pick(rng, sym["__start_rodata"], sym["__end_rodata"])
    check_map(t, m, va, "rodata", "mark_rodata_ro", va - PAGE_OFFSET,
              "r--" if va >= up(sym["__start_rodata"]) else "r-x", kind="section")


REGION = re.compile(r"^\s*\d+: 0x([0-9a-f]{8})\.\.0x([0-9a-f]{8})\s+(\S+)", re.M)


def vmalloc_limit(vmalloc):
    """The lowest PA lowmem may reach with vmalloc=SIZE: the vmalloc reserve (clamped to
    16 MiB .. all but 32 MiB of lowmem) and its 8 MiB gap sit below VMALLOC_END."""
    vmalloc = min(max(vmalloc, 16 * MiB), VMALLOC_END - (PAGE_OFFSET + 32 * MiB + VMALLOC_OFFSET))
    return VMALLOC_END - vmalloc - VMALLOC_OFFSET - PAGE_OFFSET


def ram_regions(t, m):
    """[(base, end)] of the memory memblock maps (`memblock memory`, NOMAP left out)."""
    return [(int(b, 16), int(e, 16) + 1) for b, e, flags in
            REGION.findall(t.cmd(m, "memblock memory")) if "NOMAP" not in flags]


def check_lowmem(t, m, rng, vm_limit, what):
    """Lowmem past the kernel is RW NX sections up to the limit (the end of the highest RAM
    below vm_limit, or vm_limit), nothing in the gap after it."""
    ram = ram_regions(t, m)
    limit = max(min(e, vm_limit) for b, e in ram if b < vm_limit)
    high = PAGE_OFFSET + limit
    t.note(f"{what}: lowmem ends at PA {limit:#010x}")
    lay = t.cmd(m, "layout")
    found = re.search(r"high_memory 0x([0-9a-f]+)", lay)
    t.check(found and int(found.group(1), 16) == high, f"high_memory is PAGE_OFFSET + the "
            f"lowmem limit ({what})", expected=f"{high:#010x}",
            got=found.group(1) if found else lay[:200])
    static = [(int(a, 16), int(b, 16)) for a, b in
              re.findall(r"^\s+0x([0-9a-f]{8})-0x([0-9a-f]{8})\s+\d+\s+phys=", lay, re.M)]
    plain = lambda va: (not any(a <= va < b for a, b in static) and  # CMA areas: 4 KiB pages
                        any(b <= va - PAGE_OFFSET < e for b, e in ram))
    vas = [pick(rng, PAGE_OFFSET + 8 * MiB, high) for _ in range(3)]
    vas = [(va, f"lowmem ({what})") for va in vas]
    vas.append((pick(rng, high - MiB, high), f"the last MiB of lowmem ({what})"))
    for va, label in vas:
        if plain(va):
            check_map(t, m, va, label, "map_lowmem", va - PAGE_OFFSET, "rw-", kind="section")
    va = pick(rng, high, (high + VMALLOC_OFFSET) & ~(VMALLOC_OFFSET - 1))  # to VMALLOC_START
    check_map(t, m, va, f"the gap past high_memory ({what}: map_lowmem must stop at "
              "arm_lowmem_limit)", "map_lowmem", None, None)
    out = t.cmd(m, "mm-check")
    bad = re.findall(r"^mm-check: page tables: .*(?:not mapped|is mapped at|not linear).*$",
                     out, re.M)
    t.check(not bad, f"map_lowmem: mm-check finds all lowmem linear and NOMAP memory "
            f"unmapped ({what})", expected="no linear-map violation", got="; ".join(bad[:3]))


@test("map_lowmem: lowmem RW NX sections, clamped at arm_lowmem_limit (vmalloc=, mem=)",
      points=30)
def lowmem(t):
    """Two boots. A random vmalloc= so large that lowmem must end below the end of RAM (the
    rest is highmem): lowmem past the kernel is mapped with read-write, non-executable
    sections up to exactly the limit, and the gap after it is not mapped. Then a random device
    tree with a random mem=: the same up to the end of RAM, NOMAP regions left out."""
    rng = t.rng
    # lowmem ends between 332 and 792 MiB: the RAM just past it is plain memory of the
    # board's tree (not NOMAP), which an unclamped linear map would map in the gap
    vm = rng.randrange(1240, 1700) * MiB
    m = t.boot(append=f"vmalloc={vm // MiB}M")
    check_lowmem(t, m, rng, vmalloc_limit(vm), f"vmalloc={vm // MiB}M")
    mem = rng.randrange(200, 900) * MiB
    t.note(f"mem={mem // MiB}M")
    m = t.boot(dtb=t.random_dt(), append=f"mem={mem // MiB}M")
    check_lowmem(t, m, rng, vmalloc_limit(240 * MiB), f"mem={mem // MiB}M")


@test("fix_kernmem_perms, mark_rodata_ro, section_update: no W+X mapping anywhere", points=20)
def wx(t):
    """The boot's W+X audit passes, `ptdump` shows no writable and executable range and the
    kernel's ranges with the permissions the image's symbols give, and mm-check's page-table
    stage passes (no W+X, text read-only)."""
    m = t.boot()
    sym = symbols(m)
    line = re.search(r"Checked W\+X mappings: .*", m.boot_log)
    t.check(line and "passed" in line.group(0), "mark_rodata_ro: the boot's W+X audit passes",
            expected="Checked W+X mappings: passed, no W+X pages found",
            got=line.group(0) if line else "no audit line in the boot log")
    dump = t.cmd(m, "ptdump")
    rwx = [l.strip() for l in dump.splitlines() if re.search(r"\sRW\s+x\s", l)]
    t.check(not rwx, "ptdump: no range is writable and executable (section_update, "
            "fix_kernmem_perms, map_kernel, map_lowmem)", expected="no 'RW x' line",
            got="; ".join(rwx[:3]))
    ranges = [(int(a, 16), int(b, 16), l) for a, b, l in
              re.findall(r"^0x([0-9a-f]+)-0x([0-9a-f]+)\s+(.*)$", dump, re.M)]
    for sect, area, perms in expected_kernel(sym):
        got = [l for a, b, l in ranges if a <= sect < b]
        want = {"r-x": "ro x", "r--": "ro NX", "rw-": "RW NX"}[perms]
        t.check(got and re.search(want.replace(" ", r"\s+"), got[0]), f"ptdump: the kernel "
                f"{area} section {sect:#010x} is {want}", expected=want,
                got=got[0] if got else "not in ptdump")
    out = t.cmd(m, "mm-check")
    line = re.search(r"^mm-check: page tables: .*$", out, re.M)
    t.check(line and "ok (" in line.group(0), "mm-check: page tables pass (no W+X, kernel "
            "text read-only)", expected="mm-check: page tables: ok (...)",
            got="; ".join(re.findall(r"^mm-check: page tables: .*$", out, re.M)[:3]))


@test("map_vectors: the vectors page user-readable, the stubs page kernel-only", points=20)
def vectors(t):
    """The high vectors page (0xffff0000) and the stubs page after it come from one
    allocation: consecutive physical pages. The vectors page is read-only and executable for
    the kernel and readable (and executable: the kuser helpers) from user space; the stubs
    page the same for the kernel and out of user space's reach. Neither is writable."""
    rng = t.rng
    m = t.boot()
    off = pick(rng, 0, PAGE)
    v = walk(t, m, VECTORS + off)
    t.require(v["mapped"], "map_vectors: the vectors page 0xffff0000 is mapped",
              expected="mapped", got=show(v))
    base = v["pa"] - off
    t.check(base % PAGE == 0 and v["kind"] == "page", "map_vectors: the vectors are one 4 KiB "
            "page", expected="a small page", got=show(v))
    check_map(t, m, VECTORS + off, "the vectors page", "map_vectors", base + off, "r-x", "r-x",
              kind="page")
    off = pick(rng, 0, PAGE)
    check_map(t, m, VECTORS + PAGE + off, "the stubs page", "map_vectors", base + PAGE + off,
              "r-x", "---", kind="page")
    word = t.cmd(m, f"peek {VECTORS + PAGE:#x}")
    want = m.monitor(f"xp /1wx {base + PAGE:#x}")
    got_w = re.search(r":\s*([0-9a-f]{8})", word)
    want_w = re.search(r":\s*0x([0-9a-f]+)", want)
    t.check(got_w and want_w and int(got_w.group(1), 16) == int(want_w.group(1), 16),
            "map_vectors: 0xffff1000 shows the second page of the vectors allocation (the "
            "stubs)", expected=want.strip(), got=word.strip())
