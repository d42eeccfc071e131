"""slubmodel.py - what the lab8 tests (labs/lab8-slub/grade.py) recompute: SLUB's object
layout (calculate_sizes), its slab order (calc_slab_order, calculate_order), and a model of
one cache used from one CPU (the CPU slab and its freelist, the partial list, empty slabs
given back), plus readers of the shell's `slabinfo`, `slab CACHE` and `kmem_cache` lines.
"""
import re

PAGE = 4096
WORD = 4                     # sizeof(void *) on ARM32
TRACK = 16                   # struct track: addr, cpu, pid, when
PAGE_OFFSET = 0x80000000     # lowmem's virtual base (PHYS_OFFSET is 0 on the board)
MIN_OBJECTS = 16             # 4 * (fls(NR_CPUS = 4) + 1): slub_min_objects unset
MAX_ORDER_SLAB = 3           # slub_max_order = PAGE_ALLOC_COSTLY_ORDER
MAX_ORDER = 11
ARCH_SLAB_MINALIGN = 8


def align_up(x, a):
    """x rounded up to a multiple of a (a power of two)."""
    return (x + a - 1) & ~(a - 1)


def get_order(size):
    """The smallest order whose block holds size bytes."""
    order = 0
    while PAGE << order < size:
        order += 1
    return order


# -- calculate_sizes ------------------------------------------------------------------------
def cache_align(align):
    """calculate_alignment for a cache made without SLAB_HWCACHE_ALIGN."""
    return align_up(max(align, ARCH_SLAB_MINALIGN), WORD)


def layout(object_size, align, debug="", ctor=False, kmalloc=False):
    """calculate_sizes: {size (stride), inuse, offset (free pointer), red_left_pad} of a cache
    of object_size bytes aligned to align, with slub_debug letters debug (Z, P, U)."""
    z, p, u = "Z" in debug, "P" in debug, "U" in debug
    size = align_up(object_size, WORD)
    if z and size == object_size:
        size += WORD
    inuse = size
    if p or ctor or (z and object_size < WORD):
        offset = size
        size += WORD
    else:
        offset = (object_size // 2) & ~(WORD - 1)
    if u:
        size += 2 * TRACK + (4 if kmalloc else 0)
    rlp = 0
    if z:
        size += WORD
        rlp = align_up(WORD, align)
        size += rlp
    size = align_up(size, align)
    return {"size": size, "inuse": inuse, "offset": offset, "red_left_pad": rlp}


# -- calculate_order ------------------------------------------------------------------------
def order_objects(order, size):
    """Objects of size bytes in a slab of 2^order pages."""
    return (PAGE << order) // size


def calc_slab_order(size, min_objects, max_order, fract_leftover):
    """The smallest order >= the one min_objects need whose leftover is at most
    slab/fract_leftover; max_order + 1 when none is."""
    order = get_order(min_objects * size)
    while order <= max_order:
        slab = PAGE << order
        if slab % size <= slab // fract_leftover:
            break
        order += 1
    return order


def calculate_order(size, min_objects=MIN_OBJECTS, max_order=MAX_ORDER_SLAB, leftover=True):
    """Linux's calculate_order with slub_min_objects and slub_max_order: min_objects (or
    fewer) objects, leftover at most 1/16, 1/8, 1/4 of the slab (leftover=False: any)."""
    min_objects = min(min_objects, order_objects(max_order, size))
    while min_objects > 1:
        for fraction in ((16, 8, 4) if leftover else (1,)):
            order = calc_slab_order(size, min_objects, max_order, fraction)
            if order <= max_order:
                return order
        min_objects -= 1
    order = calc_slab_order(size, 1, max_order, 1)
    if order <= max_order:
        return order
    return calc_slab_order(size, 1, MAX_ORDER, 1)


def min_partial(size):
    """s->min_partial: clamp(ilog2(size) / 2, 5, 10)."""
    return min(max((size.bit_length() - 1) // 2, 5), 10)


# -- the shell's lines ------------------------------------------------------------------------
SLAB_HEAD = re.compile(r"^(\S+): object (\d+) bytes, stride (\d+), align (\d+), free pointer at "
                       r"\+(\d+), (\d+) objects per order-(\d+) slab \(fallback order (\d+)\), "
                       r"min_partial (\d+)", re.M)
CREATED = re.compile(r"kmem_cache (\S+): object (\d+), stride (\d+), align (\d+), (\d+) objects "
                     r"per order-(\d+) slab")
OBJECT = re.compile(r"(?:kmem_cache alloc|kmalloc) 0x([0-9a-f]{8}): (\S+) object (\d+) of slab "
                    r"0x[0-9a-f]+ \(pfn 0x([0-9a-f]+), (\d+) objects, order (\d+)\)")
SUMMARY = re.compile(r"node 0: (\d+) slabs, (\d+) objects; (\d+) CPU slabs, (\d+) partial "
                     r"\(nr_partial (\d+)\), (\d+) full")
CHAIN = re.compile(r"^\s*free chain:(.*)$", re.M)


def parse_slab_head(text):
    """The first line of `slab CACHE`: a dict, or None."""
    m = SLAB_HEAD.search(text)
    if not m:
        return None
    keys = ("object", "size", "align", "offset", "objects", "order", "min_order", "min_partial")
    return dict(zip(keys, map(int, m.groups()[1:])))


def parse_created(text):
    """`kmem_cache create`'s line: {size, align, objects, order}, or None."""
    m = CREATED.search(text)
    if not m:
        return None
    return {"size": int(m.group(3)), "align": int(m.group(4)), "objects": int(m.group(5)),
            "order": int(m.group(6))}


def parse_object(text):
    """An alloc line: {addr, cache, idx, pfn, objects, order}, or None."""
    m = OBJECT.search(text)
    if not m:
        return None
    return {"addr": int(m.group(1), 16), "cache": m.group(2), "idx": int(m.group(3)),
            "pfn": int(m.group(4), 16), "objects": int(m.group(5)), "order": int(m.group(6))}


def parse_slabinfo(text):
    """`slabinfo`: {name: {active, num, objsize, objperslab, pagesperslab, slabs}}."""
    out = {}
    for line in text.splitlines():
        f = line.split()
        if len(f) >= 16 and f[7] == "tunables" and f[1].isdigit():
            out[f[0]] = {"active": int(f[1]), "num": int(f[2]), "objsize": int(f[3]),
                         "objperslab": int(f[4]), "pagesperslab": int(f[5]),
                         "slabs": int(f[14])}
    return out


def parse_chain(text):
    """The first `free chain:` of `slab CACHE` as a list of ints and 'cpu:'/'slab:' marks."""
    m = CHAIN.search(text)
    if not m:
        return None
    items = []
    for tok in m.group(1).replace("->", " ").split():
        if tok in ("cpu:", "slab:"):
            items.append(tok)
        elif tok.isdigit():
            items.append(int(tok))
        elif tok in ("end", "(none)"):
            break
        else:
            items.append(tok)
    return items


# -- one cache, one CPU -----------------------------------------------------------------------
class Slab:
    """A model slab: its name (A, B, ...), objects, free chain (head first), inuse, frozen."""

    def __init__(self, name, objects):
        self.name, self.objects = name, objects
        self.freelist, self.inuse, self.frozen = list(range(objects)), 0, False
        self.pfn = None


class CacheModel:
    """A non-debug cache used only from CPU 0 (Linux 6.1's SLUB without per-CPU partial lists):
    alloc pops the CPU freelist, else takes the CPU slab's remote frees, else the first partial
    slab, else a new slab; free pushes on the CPU freelist when the object is the CPU slab's,
    else goes to its slab: a full slab is added at the tail of the partial list, an empty one
    is given back when min_partial slabs are on the list already."""

    def __init__(self, objects, min_partial):
        self.objects, self.min_partial = objects, min_partial
        self.cpu_slab, self.cpu_freelist = None, []
        self.partial, self.slabs, self.made = [], [], 0

    def new_slab(self):
        """A fresh slab, named by creation order."""
        name = chr(ord("A") + self.made % 26) + ("" if self.made < 26 else str(self.made // 26))
        self.made += 1
        slab = Slab(name, self.objects)
        self.slabs.append(slab)
        return slab

    def alloc(self):
        """(slab, index, is_new) of the object the next alloc returns."""
        if self.cpu_freelist:
            return self.cpu_slab, self.cpu_freelist.pop(0), False
        slab = self.cpu_slab
        if slab:
            freelist, slab.freelist = slab.freelist, []
            slab.inuse, slab.frozen = slab.objects, bool(freelist)
            if freelist:
                self.cpu_freelist = freelist[1:]
                return slab, freelist[0], False
            self.cpu_slab = None
        new = False
        if self.partial:
            slab = self.partial.pop(0)
        else:
            slab, new = self.new_slab(), True
        freelist, slab.freelist = slab.freelist, []
        slab.inuse, slab.frozen = slab.objects, True
        self.cpu_slab, self.cpu_freelist = slab, freelist[1:]
        return slab, freelist[0], new

    def free(self, slab, idx):
        """Free object idx of slab."""
        if slab is self.cpu_slab:
            self.cpu_freelist.insert(0, idx)
            return
        prior = bool(slab.freelist)
        slab.freelist.insert(0, idx)
        slab.inuse -= 1
        if slab.frozen:
            return
        if not slab.inuse and len(self.partial) >= self.min_partial:
            if prior:
                self.partial.remove(slab)
            self.slabs.remove(slab)
            return
        if not prior:
            self.partial.append(slab)

    def slabinfo(self):
        """(active_objs, num_objs, num_slabs) as `slabinfo` shows them."""
        num = len(self.slabs) * self.objects
        free = sum(s.objects - s.inuse for s in self.partial)
        return num - free, num, len(self.slabs)
