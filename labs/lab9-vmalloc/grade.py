"""grade.py - the public tests of lab9 (vmalloc and highmem): find_vmap_lowest_match,
merge_or_add_vmap_area and map_new_virtual.

The free vmalloc space is read from `layout` and `vmallocinfo` after boot and kept in a small
model (a sorted list of free ranges, merged on free); seeded traces of `vmalloc`, `vfree`,
`ioremap` and `iounmap` are replayed against it: every area must be where the lowest fit puts
it, freed space must merge back (`whatis` names the free range, `mm-check` counts them).
A seeded kmap/kunmap trace of HighMem pages (-Dvmsplit=3G) is replayed against a model of
pkmap_count[] and last_pkmap_nr.
"""
import re

from grading import test

PAGE = 4096
IOREMAP_MAX_ORDER = 19


class VmapModel:
    """The free vmap space inside [lo, hi): sorted, merged [start, end) ranges."""

    def __init__(self, lo, hi, busy):
        self.lo, self.hi, self.free = lo, hi, [(lo, hi)]
        for b, e in busy:
            self.take(max(b, lo), min(e, hi))

    def take(self, b, e):
        """Remove [b, e) from the free ranges."""
        out = []
        for fb, fe in self.free:
            out += [r for r in ((fb, min(fe, b)), (max(fb, e), fe)) if r[1] > r[0]]
        self.free = out

    def lowest(self, size, align):
        """Where the lowest fit puts size bytes at align, or None."""
        for fb, fe in self.free:
            start = (fb + align - 1) // align * align
            if start + size <= fe:
                return start
        return None

    def give(self, b, e):
        """Give [b, e) back, merging with touching neighbours."""
        ranges = sorted(self.free + [(b, e)])
        out = []
        for fb, fe in ranges:
            if out and out[-1][1] == fb:
                out[-1] = (out[-1][0], fe)
            else:
                out.append((fb, fe))
        self.free = out

    def range_of(self, addr):
        """The free range holding addr, or None."""
        return next(((b, e) for b, e in self.free if b <= addr < e), None)


def boot_model(t):
    """A fresh boot and the model of its vmalloc space: (machine, model)."""
    m = t.boot()
    lay = re.search(r"vmalloc : 0x([0-9a-f]+) - 0x([0-9a-f]+)", t.cmd(m, "layout"))
    t.require(lay, "`layout` shows the vmalloc range", expected="vmalloc : START - END",
              got="no such line")
    busy = [(int(a, 16), int(b, 16)) for a, b in
            re.findall(r"^0x([0-9a-f]{8})-0x([0-9a-f]{8})", t.cmd(m, "vmallocinfo"), re.M)]
    return m, VmapModel(int(lay.group(1), 16), int(lay.group(2), 16), busy)


def vmalloc(t, m, size):
    """`vmalloc SIZE`: (address, area end) or (None, output)."""
    out = t.cmd(m, f"vmalloc {size}")
    g = re.search(r"vmalloc: 0x([0-9a-f]+), .* area 0x([0-9a-f]+)-0x([0-9a-f]+)", out)
    return (int(g.group(1), 16), int(g.group(3), 16)) if g else (None, out.strip()[:160])


def ioremap(t, m, phys, size):
    """`ioremap PHYS SIZE`: (area start, area end) or (None, output)."""
    out = t.cmd(m, f"ioremap {phys:#x} {size:#x}")
    g = re.search(r"area 0x([0-9a-f]+)-0x([0-9a-f]+)", out)
    return (int(g.group(1), 16), int(g.group(2), 16)) if g else (None, out.strip()[:160])


def area_size(size):
    """The area vmalloc(size) takes: whole pages and a guard page."""
    return (size + PAGE - 1) // PAGE * PAGE + PAGE


def ioremap_align(size):
    """__get_vm_area_node's alignment of a VM_IOREMAP area of size bytes."""
    pages = (size + PAGE - 1) // PAGE * PAGE
    order = max(12, min((pages - 1).bit_length(), IOREMAP_MAX_ORDER))
    return 1 << order


def replay(t, m, model, ops, what, live=None):
    """Replay ops: ("vmalloc", size), ("ioremap", phys, size), ("free", k) (the k-th live
    area). Every new area must start where model.lowest says. Returns the live areas
    [(start, end, kind)] (live: those of an earlier replay) or None after a failed check."""
    live = [] if live is None else live
    for k, op in enumerate(ops):
        if op[0] == "free":
            b, e, kind = live.pop(op[1])
            out = t.cmd(m, (f"vfree {b:#x}" if kind == "vmalloc" else f"iounmap {b:#x}"))
            if "rror" in out or "not" in out.split(":")[0]:
                t.check(False, what, expected=f"op {k}: free {b:#x}", got=out.strip()[:160])
                return None
            model.give(b, e)
            continue
        if op[0] == "vmalloc":
            size = area_size(op[1])
            want = model.lowest(size, PAGE)
            got, end = vmalloc(t, m, op[1])
            desc = f"vmalloc {op[1]} ({size // PAGE} pages with the guard)"
        else:
            size = area_size(op[2])
            want = model.lowest(size, ioremap_align(op[2]))
            got, end = ioremap(t, m, op[1], op[2])
            desc = f"ioremap {op[1]:#x} {op[2]:#x} ({size // PAGE} pages, align " \
                   f"{ioremap_align(op[2]):#x})"
        if got != want:
            t.check(False, what, expected=f"op {k}: {desc}: at {want:#010x}" if want else
                    "no room", got=f"op {k}: {desc}: at {got:#010x}" if got else
                    f"op {k}: {desc}: {end}")
            return None
        model.take(got, got + size)
        live.append((got, got + size, op[0]))
    t.check(True, what)
    return live


def mmcheck_free(t, m):
    """mm-check's vmalloc line: (free ranges, free KiB) or None, and the whole output."""
    out = t.cmd(m, "mm-check")
    g = re.search(r"(\d+) free ranges, (\d+) KiB", out)
    return ((int(g.group(1)), int(g.group(2))) if g else None), out


# -- tests ------------------------------------------------------------------------------------
@test("find_vmap_lowest_match: vmalloc areas go to the lowest free range that fits",
      points=20)
def lowest(t):
    """Random vmalloc sizes, then frees of areas between two busy ones (holes), then sizes
    that fit some holes and not others: every area starts at the lowest fitting address."""
    rng = t.rng
    m, model = boot_model(t)
    sizes = [rng.choice((rng.randrange(1, PAGE), rng.randrange(PAGE, 64 * PAGE)))
             for _ in range(12)]
    ops = [("vmalloc", s) for s in sizes]
    live = replay(t, m, model, ops, "find_vmap_lowest_match: the first areas are packed from "
                  "the bottom of the vmalloc range")
    if live is None:
        return
    holes = sorted(rng.sample(range(1, len(live) - 1, 2), 3), reverse=True)
    exact = live[holes[-1]][1] - live[holes[-1]][0] - PAGE  # the lowest hole, to the byte
    ops = [("free", h) for h in holes] + [("vmalloc", exact)]
    ops += [("vmalloc", rng.randrange(1, 40 * PAGE)) for _ in range(7)]
    t.note("sizes: " + ", ".join(map(str, sizes)) + f"; then frees {holes} and 8 more")
    replay(t, m, model, ops, "find_vmap_lowest_match: after holes are freed, each area goes "
           "to the lowest hole that holds it (else above everything)", live)


@test("find_vmap_lowest_match: ioremap areas are aligned to their size and lowest", points=15)
def aligned(t):
    """ioremap of random sizes (aligned to 2^count_order, 512 KiB at most) between vmalloc
    areas: the lowest address with that alignment that fits."""
    rng = t.rng
    m, model = boot_model(t)
    ops, phys = [("ioremap", 0x4ff00000, rng.randrange(16, 128) * PAGE)], 0x50000000
    for _ in range(9):
        if rng.random() < 0.5:
            ops.append(("vmalloc", rng.randrange(1, 24 * PAGE)))
        else:
            size = rng.randrange(1, 160) * PAGE - rng.randrange(0, PAGE)
            ops.append(("ioremap", phys, size))
            phys += 0x100000
    t.note("ops: " + ", ".join(" ".join(f"{x:#x}" if isinstance(x, int) else x for x in o)
                               for o in ops))
    replay(t, m, model, ops, "find_vmap_lowest_match: each ioremap area starts at the lowest "
           "address aligned to 2^count_order(size) where it fits")


@test("merge_or_add_vmap_area: freed areas merge with the free space around them",
      points=20)
def merge(t):
    """A seeded trace of vmalloc and vfree: each area must start where the lowest fit in the
    merged free space puts it; `whatis` of a freed area names the merged free range; after
    everything is freed, mm-check counts the free ranges of the boot."""
    rng = t.rng
    m, model = boot_model(t)
    start, _ = mmcheck_free(t, m)
    ops, live = [], 0
    for _ in range(40):
        if live > 2 and rng.random() < 0.45:
            ops.append(("free", rng.randrange(live)))
            live -= 1
        else:
            ops.append(("vmalloc", rng.choice((rng.randrange(1, 4 * PAGE),
                                               rng.randrange(PAGE, 48 * PAGE)))))
            live += 1
    t.note(f"trace of {len(ops)} operations")
    areas = replay(t, m, model, ops, "merge_or_add_vmap_area / find_vmap_lowest_match: every "
                   "area of the trace is where the lowest fit in the merged free space puts it")
    if areas is None:
        return
    checked = 0
    while areas:
        k = rng.randrange(len(areas))
        b, e, _ = areas.pop(k)
        t.cmd(m, f"vfree {b:#x}")
        model.give(b, e)
        if checked < 3:
            checked += 1
            out = t.cmd(m, f"whatis {b:#x}")
            g = re.search(r"free vmalloc space 0x([0-9a-f]+)-0x([0-9a-f]+)", out)
            fb, fe = model.range_of(b)
            want = (max(fb, model.lo), min(fe, model.hi))
            got = (int(g.group(1), 16), int(g.group(2), 16)) if g else None
            t.check(got == want, f"merge_or_add_vmap_area: after vfree {b:#x} the free range "
                    "holding it is merged with its free neighbours (whatis)",
                    expected=f"{want[0]:#010x}-{want[1]:#010x}",
                    got=f"{got[0]:#010x}-{got[1]:#010x}" if got else out.strip()[-120:])
    got, out = mmcheck_free(t, m)
    t.check(got is not None and got == start, "merge_or_add_vmap_area: once every area "
            "is freed, the free ranges are those of the boot again (mm-check)",
            expected=f"{start[0]} free ranges, {start[1]} KiB" if start else "?",
            got=f"{got[0]} free ranges, {got[1]} KiB" if got else out[-200:])
    t.check("0 violations" in out, "mm-check: the busy and free lists tile the space, no two "
            "free ranges touch", expected="0 violations",
            got=next((l for l in out.splitlines() if "vmalloc" in l), out[-200:]))


# -- pkmap ------------------------------------------------------------------------------------
LAST_PKMAP = 512
HIGH_PA = 0x30000000       # highmem with -Dvmsplit=3G (lowmem ends near 0x2f800000)


class PkmapModel:
    """pkmap_count[] and last_pkmap_nr as Linux's kmap_high / map_new_virtual keep them."""

    def __init__(self):
        self.count, self.last, self.slot_of = [0] * LAST_PKMAP, 0, {}
        self.flushes, self.freed = 0, 0

    def flush(self):
        """flush_all_zero_pkmaps: every slot with count 1 becomes free."""
        for page, nr in list(self.slot_of.items()):
            if self.count[nr] == 1:
                self.count[nr] = 0
                del self.slot_of[page]
                self.freed += 1
        self.flushes += 1

    def kmap(self, page):
        """The slot page gets (None when every slot has users)."""
        if page not in self.slot_of:
            for _ in range(2 * LAST_PKMAP):
                self.last = (self.last + 1) % LAST_PKMAP
                if self.last == 0:
                    self.flush()
                if not self.count[self.last]:
                    break
            else:
                return None
            self.count[self.last] = 1
            self.slot_of[page] = self.last
        self.count[self.slot_of[page]] += 1
        return self.slot_of[page]

    def kunmap(self, page):
        """One user less."""
        self.count[self.slot_of[page]] -= 1


@test("map_new_virtual: kmap slots in Linux's order, unused ones flushed on the wrap",
      points=15)
def pkmap(t):
    """A seeded trace of kmap and kunmap of HighMem pages (built with -Dvmsplit=3G) long enough
    to wrap the 512 slots: every new mapping takes the slot after last_pkmap_nr that is free,
    a page mapped already keeps its slot, and on the wrap the slots nobody uses are freed;
    `pkmap` shows last_pkmap_nr and the flushes."""
    rng = t.rng
    m = t.boot(options=("-Dvmsplit=3G",))
    model, held, fresh = PkmapModel(), [], 0
    ops = []

    def kmap(page):
        ops.append(("kmap", page, model.kmap(page)))
        held.append(page)

    def kunmap_random():
        page = held.pop(rng.randrange(len(held)))
        ops.append(("kunmap", page))
        model.kunmap(page)

    extra = rng.randrange(20, 60)
    while not model.flushes or extra:
        extra -= model.flushes > 0
        r = rng.random()
        wraps_next = not model.flushes and model.last == LAST_PKMAP - 1
        if wraps_next and sum(model.count[nr] == 1 for nr in model.slot_of.values()) < 2:
            # The next new page wraps: leave two pages mapped but unused (count 1) so that
            # the kmap right after the wrap shows whether the flush came first.
            kunmap_random()
        elif wraps_next:
            # The wrap itself: a new page takes slot 0 after flush_all_zero_pkmaps, then a
            # page that was unused before the flush needs a new slot, the lowest one freed,
            # so not its old one: it had the highest of the unused slots.
            page = max((nr, p) for p, nr in model.slot_of.items() if model.count[nr] == 1)[1]
            kmap(HIGH_PA + fresh * PAGE)
            fresh += 1
            kmap(page)
        elif held and (r < 0.25 or len(held) > 200):
            kunmap_random()
        else:
            if r < 0.3 and held:
                page = rng.choice(held)
            elif r < 0.35 and model.slot_of:
                page = rng.choice(sorted(model.slot_of))
            else:
                page, fresh = HIGH_PA + fresh * PAGE, fresh + 1
            kmap(page)
    t.note(f"trace of {len(ops)} kmap/kunmap operations, {fresh} pages, {model.flushes} "
           "wrap(s)")
    for k, op in enumerate(ops):
        out = t.cmd(m, f"{op[0]} {op[1]:#x}")
        if op[0] == "kunmap":
            continue
        g = re.search(r"pkmap slot (\d+)", out)
        got = int(g.group(1)) if g else None
        if got != op[2]:
            t.check(False, "map_new_virtual: every kmap of the trace takes the slot Linux's "
                    "scan from last_pkmap_nr picks", expected=f"op {k}: kmap {op[1]:#x}: slot "
                    f"{op[2]}", got=f"op {k}: kmap {op[1]:#x}: " +
                    (f"slot {got}" if g else out.strip()[:120]))
            return
    t.check(True, "map_new_virtual: every kmap of the trace takes the slot Linux's scan from "
            "last_pkmap_nr picks")
    out = t.cmd(m, "pkmap")
    g = re.search(r"last_pkmap_nr (\d+), (\d+) wrap flushes \((\d+) slots freed\)", out)
    want = (model.last, model.flushes, model.freed)
    got = tuple(map(int, g.groups())) if g else None
    t.check(got == want, "flush_all_zero_pkmaps / map_new_virtual: last_pkmap_nr, the wrap "
            "flushes and the slots they freed (pkmap)",
            expected="last_pkmap_nr %d, %d wrap flushes (%d slots freed)" % want,
            got=("last_pkmap_nr %d, %d wrap flushes (%d slots freed)" % got) if got else out[:120])
