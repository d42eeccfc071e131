"""grade.py - the public tests of lab8 (SLUB): calculate_sizes, calculate_order (with
calc_slab_order), allocate_slab's first freelist, do_slab_free's fast path and __slab_free.

Caches of sizes, alignments and slub_debug options drawn from the test's seed are made with
`kmem_cache create`; their layout and slab order are recomputed here (slubmodel.py) and
compared with `kmem_cache create`, `slab CACHE` and `slabinfo`. Seeded alloc/free traces are
replayed against a model of one cache used from one CPU; the first object that differs is
reported with its operation number.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import slubmodel  # noqa: E402
from grading import test  # noqa: E402
from slubmodel import (PAGE, PAGE_OFFSET, CacheModel, cache_align, calculate_order,  # noqa: E402
                        order_objects, parse_chain, parse_created,
                       parse_object, parse_slab_head, parse_slabinfo, SUMMARY)


def create(t, m, name, size, align=0, ctor=False):
    """`kmem_cache create`; the parsed line (None, after a failed check, if it failed)."""
    line = f"kmem_cache create {name} {size} {align}" + (" ctor" if ctor else "")
    out = t.cmd(m, line)
    got = parse_created(out)
    t.require(got is not None, f"`{line}` makes the cache", expected="kmem_cache NAME: ...",
              got=out.strip()[:200])
    return got


def alloc(t, m, name):
    """`kmem_cache alloc NAME`: the parsed object line, or None with the output."""
    out = t.cmd(m, f"kmem_cache alloc {name}")
    return parse_object(out), out.strip()


def free(t, m, name, addr):
    """`kmem_cache free NAME ADDR`: None if it was freed, else what the shell said."""
    out = t.cmd(m, f"kmem_cache free {name} {addr:#x}")
    return None if out.startswith("kmem_cache free 0x") else out.strip()[:200]


def random_caches(rng, debug):
    """[(name, size, align, ctor, debug letters)]: three plain caches and three whose names
    start with dbg (slub_debug applies to them); one of each kind has a constructor, one
    debug cache has word-sized objects."""
    out = []
    for i in range(3):
        size = rng.choice((rng.randrange(4, 64), rng.randrange(64, 700), rng.randrange(700, 3000)))
        out.append((f"c{i}", size, rng.choice((0, 0, 8, 16, 32, 64, 128)), i == 1, ""))
    for i in range(3):
        size = 4 if i == 0 else rng.randrange(5, 900)
        out.append((f"dbg{i}", size, rng.choice((0, 8, 16, 32, 64)), i == 2, debug))
    rng.shuffle(out)
    return out


# -- tests ------------------------------------------------------------------------------------
@test("calculate_sizes: stride, free pointer and red zone of caches with and without "
      "slub_debug", points=20)
def layout(t):
    """Random caches (sizes, alignments, constructors) and slub_debug=FZ[P][U] on the dbg*
    ones: the stride, the free pointer's offset and the left red zone (where the first object
    starts) must be calculate_sizes's."""
    rng = t.rng
    debug = "FZ" + "".join(x for x in "PU" if rng.random() < 0.6)
    caches = random_caches(rng, debug)
    t.note(f"slub_debug={debug},dbg*; caches: " + ", ".join(
        f"{n} size {s} align {a}{' ctor' if c else ''}" for n, s, a, c, _ in caches))
    m = t.boot(append=f"slub_debug={debug},dbg*")
    for name, size, align, ctor, dbg in caches:
        want = slubmodel.layout(size, cache_align(align), dbg, ctor)
        what = f"{name} (size {size}, align {align}{', ctor' if ctor else ''}" + \
            (f", slub_debug {dbg}" if dbg else "") + ")"
        got = create(t, m, name, size, align, ctor)
        t.check(got["size"] == want["size"], f"calculate_sizes: the stride (s->size) of {what}",
                expected=want["size"], got=got["size"])
        head = parse_slab_head(t.cmd(m, f"slab {name}"))
        t.check(head and head["offset"] == want["offset"], f"calculate_sizes: the free "
                f"pointer's offset (s->offset) of {what}", expected=f"+{want['offset']}",
                got=f"+{head['offset']}" if head else "no `slab` line")
        if dbg:
            obj, out = alloc(t, m, name)
            if obj:
                base = PAGE_OFFSET + obj["pfn"] * PAGE
                rlp = obj["addr"] - base - obj["idx"] * got["size"]
                t.check(rlp == want["red_left_pad"], f"calculate_sizes: the left red zone "
                        f"(s->red_left_pad) of {what}: objects start that far into their slot",
                        expected=want["red_left_pad"], got=rlp)
            else:
                t.check(False, f"kmem_cache alloc {name}", expected="an object", got=out)


def order_sizes(rng, min_objects, max_order):
    """Five object sizes: three where Linux's leftover rule decides the order (without it the
    order would differ), one above 2 KiB, one at random."""
    rule = [x for x in range(64, 8192, 8) if calculate_order(x, min_objects, max_order) !=
            calculate_order(x, min_objects, max_order, leftover=False)]
    sizes = rng.sample(rule, min(3, len(rule)))
    sizes += [rng.randrange(2049, 8192) & ~7, rng.randrange(8, 4096) & ~7]
    rng.shuffle(sizes)
    return sizes


def check_order(t, name, stride, objects, order, how, params):
    """One cache's objects per slab and order against calculate_order of its stride."""
    want = calculate_order(stride, *params)
    t.check((objects, order) == (order_objects(want, stride), want), f"calculate_order: "
            f"{name} (stride {stride}) {how}", expected=f"{order_objects(want, stride)} "
            f"objects per order-{want} slab", got=f"{objects} objects per order-{order} slab")


@test("calculate_order: objects per slab and slab order of the kmalloc caches and of "
      "random caches", points=20)
def order(t):
    """The kmalloc caches of a default boot; then booted with random slub_min_objects= and slub_max_order=: the kmalloc caches (slabinfo's
    objperslab and pagesperslab) and caches of random sizes, most chosen so that Linux's
    leftover rule decides: the order of each must be calculate_order's for its stride."""
    min_objects, max_order = t.rng.randrange(4, 9), t.rng.randrange(1, 4)
    sizes = order_sizes(t.rng, min_objects, max_order)
    t.note(f"slub_min_objects={min_objects} slub_max_order={max_order}; sizes: " +
           ", ".join(map(str, sizes)))
    check_default_kmalloc(t, t.boot())
    m = t.boot(append=f"slub_min_objects={min_objects} slub_max_order={max_order}")
    info = parse_slabinfo(t.cmd(m, "slabinfo"))
    kmalloc = sorted((v["objsize"], k) for k, v in info.items() if k.startswith("kmalloc-"))
    t.require(len(kmalloc) >= 8, "slabinfo lists the kmalloc caches", expected="kmalloc-64 .. "
              "kmalloc-8k", got=", ".join(k for _, k in kmalloc) or "none")
    for _, name in kmalloc:
        v = info[name]
        check_order(t, name, v["objsize"], v["objperslab"], v["pagesperslab"].bit_length() - 1,
                    "in slabinfo", (min_objects, max_order))
    for i, size in enumerate(sizes):
        got = create(t, m, f"o{i}", size, 8)
        check_order(t, f"o{i}", got["size"], got["objects"], got["order"],
                    f"(object size {size}) as kmem_cache create made it", (min_objects, max_order))


def check_default_kmalloc(t, m):
    """The kmalloc caches of a boot without slub_ options: calculate_order's defaults (16
    objects for 4 CPUs, order 3 at most)."""
    info = parse_slabinfo(t.cmd(m, "slabinfo"))
    for name, v in sorted(info.items()):
        if name.startswith("kmalloc-"):
            check_order(t, name, v["objsize"], v["objperslab"],
                        v["pagesperslab"].bit_length() - 1, "in slabinfo (default boot)", ())


@test("allocate_slab: a new slab's objects are handed out in address order", points=15)
def freelist(t):
    """A fresh cache: its first slab's objects come out as objects 0, 1, 2, ... of that slab,
    `slab` shows the chain 1 -> 2 -> ... after the first; the next alloc opens a new slab at its
    object 0. A slub_debug cache's first slab likewise."""
    rng = t.rng
    size = rng.randrange(96, 400)
    m = t.boot(append="slub_debug=F,dbg*")
    got = create(t, m, "fl", size, rng.choice((0, 16, 32)))
    n = got["objects"]
    first, out = alloc(t, m, "fl")
    t.require(first, "kmem_cache alloc fl", expected="an object", got=out)
    t.check(first["idx"] == 0, "allocate_slab: the first object of a new slab is object 0",
            expected="object 0", got=f"object {first['idx']}")
    chain = parse_chain(t.cmd(m, "slab fl"))
    want = ["cpu:"] + list(range(1, min(n, 64)))
    t.check(chain is not None and chain[:len(want)] == want, "allocate_slab: the free chain "
            "of a new slab runs through the objects in address order",
            expected=" -> ".join(map(str, want[:12])) + " ...",
            got=" -> ".join(map(str, (chain or [])[:12])) + " ...")
    seen = [first["idx"]]
    for _ in range(n - 1):
        obj, out = alloc(t, m, "fl")
        if not obj or obj["pfn"] != first["pfn"]:
            break
        seen.append(obj["idx"])
    t.check(seen == list(range(n)), f"allocate_slab: the {n} objects of the first slab come "
            "out in address order", expected="0 1 2 ...", got=" ".join(map(str, seen[:16])))
    obj, out = alloc(t, m, "fl")
    t.check(obj and obj["pfn"] != first["pfn"] and obj["idx"] == 0, "allocate_slab: after the "
            "first slab is used up, a new slab starts at its object 0",
            expected="object 0 of a new slab", got=out[:120])
    create(t, m, "dbgfl", rng.randrange(64, 300))
    idx = []
    for _ in range(4):
        obj, out = alloc(t, m, "dbgfl")
        idx.append(obj["idx"] if obj else None)
    t.check(idx == [0, 1, 2, 3], "allocate_slab: a slub_debug cache's new slab hands out "
            "objects 0, 1, 2, 3 first", expected="0 1 2 3", got=" ".join(map(str, idx)))


def replay(t, m, name, model, ops, what, every=0):
    """Replay ops ("alloc" or ("free", k): the k-th live object) on cache name and in model;
    the first divergence is one failed check naming what; slabinfo compared every `every` ops.
    Returns True if the whole trace agreed."""
    live, slab_pfn = [], {}
    for k, op in enumerate(ops):
        if op == "alloc":
            slab, idx, new = model.alloc()
            obj, out = alloc(t, m, name)
            if obj is None:
                return t.check(False, what, expected=f"op {k}: alloc: an object",
                               got=f"op {k}: alloc: {out[:160]}")
            if new and obj["pfn"] not in slab_pfn.values():
                slab_pfn[slab.name] = obj["pfn"]
            want = f"object {idx} of {'a new slab' if new else 'slab'} {slab.name}" + \
                (f" (pfn {slab_pfn[slab.name]:#x})" if slab.name in slab_pfn else "")
            owner = [n for n, p in slab_pfn.items() if p == obj["pfn"]]
            got = f"object {obj['idx']} of slab {owner[0] if owner else '?'} (pfn {obj['pfn']:#x})"
            if slab_pfn.get(slab.name) != obj["pfn"] or obj["idx"] != idx:
                return t.check(False, what, expected=f"op {k}: alloc: {want}",
                               got=f"op {k}: alloc: {got}")
            live.append((slab, idx, obj["addr"]))
        else:
            slab, idx, addr = live.pop(op[1])
            model.free(slab, idx)
            err = free(t, m, name, addr)
            if err:
                return t.check(False, what, expected=f"op {k}: free {addr:#x} (object {idx} of "
                               f"slab {slab.name}): freed", got=f"the shell says: {err}")
            for s in list(slab_pfn):
                if all(x.name != s for x in model.slabs):
                    del slab_pfn[s]
        if every and (k + 1) % every == 0 and not compare_counts(t, m, name, model, f"op {k}"):
            return False
    return t.check(True, what)


def compare_counts(t, m, name, model, when):
    """slabinfo's active_objs, num_objs and slabs of the cache against the model."""
    v = parse_slabinfo(t.cmd(m, "slabinfo")).get(name)
    want = model.slabinfo()
    got = (v["active"], v["num"], v["slabs"]) if v else None
    fmt = lambda x: f"active_objs {x[0]}, num_objs {x[1]}, slabs {x[2]}" if x else "no line"
    return t.check(got == want, f"__slab_free: slabinfo's counts of {name} after {when} (a full "
                   "slab becomes partial; an empty one is given back when min_partial partial "
                   "slabs are kept)", expected=fmt(want), got=fmt(got))


@test("do_slab_free: an object of the CPU slab goes on the CPU freelist (LIFO reuse)",
      points=15)
def lifo(t):
    """Within one slab (the CPU slab): allocate some objects, free some in random order, and
    allocate again: the objects come back last freed first, before the untouched ones; `slab`
    shows them on the CPU's chain."""
    rng = t.rng
    m = t.boot()
    got = create(t, m, "lifo", rng.randrange(64, 600), rng.choice((0, 8, 32)))
    n = got["objects"]
    head = parse_slab_head(t.cmd(m, "slab lifo"))
    model = CacheModel(n, head["min_partial"] if head else 5)
    k = rng.randrange(n // 2, n - 3)
    ops = ["alloc"] * k
    live = k
    for _ in range(3):
        nfree = rng.randrange(2, min(live, 8))
        for _ in range(nfree):
            ops.append(("free", rng.randrange(live)))
            live -= 1
        nalloc = rng.randrange(1, nfree + 1)
        ops += ["alloc"] * nalloc
        live += nalloc
    for _ in range(rng.randrange(2, 4)):
        ops.append(("free", rng.randrange(live)))
        live -= 1
    t.note(f"cache lifo: {n} objects per slab; trace of {len(ops)} operations")
    if not replay(t, m, "lifo", model, ops, "do_slab_free: objects of the CPU slab come back "
                  "last freed, first allocated"):
        return
    chain = parse_chain(t.cmd(m, "slab lifo"))
    want = ["cpu:"] + model.cpu_freelist[:63]
    t.check(chain is not None and chain[:len(want)] == want, "do_slab_free: the CPU slab's "
            "freed objects are at the head of the CPU's free chain, last freed first",
            expected=" -> ".join(map(str, want[:12])),
            got=" -> ".join(map(str, (chain or [])[:12])))


@test("__slab_free: full slabs become partial, empty ones go back past min_partial",
      points=20)
def partial(t):
    """A cache of large objects (few per slab): fill several slabs, then free and allocate at
    random and free everything: objects must come back from the CPU slab, then the first
    partial slab, then a new one; slabinfo's counts must follow (empty slabs given back once
    min_partial are on the partial list); mm-check must stay clean."""
    rng = t.rng
    m = t.boot()
    got = create(t, m, "part", rng.randrange(1500, 3500), rng.choice((0, 8, 64)))
    n = got["objects"]
    head = parse_slab_head(t.cmd(m, "slab part"))
    model = CacheModel(n, head["min_partial"] if head else 5)
    slabs = max(7, min(10, 150 // n))
    ops, live = ["alloc"] * (n * slabs), n * slabs
    for _ in range(n * slabs):
        if live and rng.random() < 0.75:
            ops.append(("free", rng.randrange(live)))
            live -= 1
        else:
            ops.append("alloc")
            live += 1
    while live:
        ops.append(("free", rng.randrange(live)))
        live -= 1
    t.note(f"cache part: {n} objects per slab, min_partial {model.min_partial}; trace of "
           f"{len(ops)} operations")
    if not replay(t, m, "part", model, ops, "__slab_free / ___slab_alloc: every alloc of the "
                  "trace returns the object the model predicts", every=60):
        return
    compare_counts(t, m, "part", model, "the whole trace")
    out = t.cmd(m, "mm-check")
    t.check("0 violations" in out, "mm-check: the slab lists and counters are consistent",
            expected="0 violations", got=next((l for l in out.splitlines() if "slab" in l),
                                              out[-200:]))
