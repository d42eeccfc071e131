#!/usr/bin/env python3
"""The SLUB allocator, live: the boot line, `slabinfo`, `kmalloc`, `kfree`, `kmallocs`,
`slab CACHE`, `kmem_cache ...`, `torture kmalloc`, `bench kmalloc`, `whatis` on slab memory,
mm-check's slab stage, and slub_debug's reports, on the 2G and the 3G build.

Expected values come from the kernel's own views: `slabinfo`'s columns against each other and
against `slab CACHE`; the object `kmalloc` prints against `whatis` and `slab`'s drawing. Every
bad input is refused with one line naming the command, nothing changes, mm-check stays clean.
"""
import re

from systest import boot, case, expect_error, run

SPLIT_3G = ["-Dvmsplit=3G"]
SLUB_LINE = "SLUB: HWalign=64, Order=0-3, MinObjects=0, CPUs=4, Nodes=1"
KMALLOC = ["kmalloc-8k", "kmalloc-4k", "kmalloc-2k", "kmalloc-1k", "kmalloc-512",
           "kmalloc-256", "kmalloc-192", "kmalloc-128", "kmalloc-64"]
HEADER = ("slabinfo - version: 2.1\n# name            <active_objs> <num_objs> <objsize> "
          "<objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : "
          "slabdata <active_slabs> <num_slabs> <sharedavail>\n")
ROW = re.compile(r"(.{17}) ([ \d]{5}\d) ([ \d]{5}\d) ([ \d]{5}\d) ([ \d]{3}\d) ([ \d]{3}\d) : "
                 r"tunables    0    0    0 : slabdata ([ \d]{5}\d) ([ \d]{5}\d)      0")


def slabinfo(m):
    """[(name, active, num, objsize, perslab, pages, slabs)] in order, format checked."""
    out = m.cmd("slabinfo")
    assert out.startswith(HEADER), out
    rows = []
    for line in out[len(HEADER):].splitlines():
        mo = ROW.fullmatch(line)
        assert mo, f"not /proc/slabinfo 2.1's row format: {line!r}"
        name = mo.group(1).rstrip()
        active, num, size, per, pages, aslabs, slabs = (int(mo.group(i)) for i in range(2, 9))
        assert aslabs == slabs and active <= num and num == slabs * per, line
        assert per * size <= pages * 4096 < (per + 1) * size + pages * 4096 // 4, line
        rows.append((name, active, num, size, per, pages, slabs))
    return rows


def mmcheck_clean(m):
    out = m.cmd("mm-check")
    assert re.search(r"mm-check: slab: ok \(\d+ caches, \d+ slabs in \d+ pages\)", out), out
    assert re.search(r"\d+ checks, 0 violations", out), out


def kmalloc(m, line):
    """Run a `kmalloc` line: (address, cache, object index, slab)."""
    out = m.cmd(line)
    mo = re.match(r"kmalloc 0x([0-9a-f]{8}): (\S+) object (\d+) of slab 0x([0-9a-f]{8}) ", out)
    assert mo, out
    return int(mo.group(1), 16), mo.group(2), int(mo.group(3)), int(mo.group(4), 16)


def slab_map(m, cache, slab):
    """The [A . ] drawing of one slab of `slab CACHE`, as a string of A and ."""
    out = m.cmd(f"slab {cache}")
    mo = re.search(rf"slab 0x{slab:08x} .*\n    \[([A. ]*)\]", out)
    assert mo, out
    return mo.group(1).replace(" ", "")


def boot_and_caches(m):
    log = m.boot_log
    assert SLUB_LINE in log, log
    assert log.index("Memory: ") < log.index(SLUB_LINE) < log.index("smp: Bringing up"), log
    rows = slabinfo(m)
    names = [r[0] for r in rows]
    assert names == KMALLOC + ["kmem_cache_node", "kmem_cache"], names
    for name, _a, _n, size, per, pages, _s in rows[:9]:
        want = {"k": 1024}.get(name[-1], 1) * int(name[8:].rstrip("k"))
        assert size == want, (name, size)
    # 6.1's orders and objects per slab for the classes (calculate_order, 4 CPUs)
    assert [(r[4], r[5]) for r in rows[:9]] == [(4, 8), (8, 8), (16, 8), (16, 4), (16, 2),
                                                 (16, 1), (21, 1), (32, 1), (64, 1)], rows
    mmcheck_clean(m)


@case
def boot_line_and_slabinfo():
    m = boot()
    boot_and_caches(m)
    assert m.poweroff() == 0


@case
def kmalloc_kfree_slab_and_whatis():
    m = boot()
    a, cache, idx, slab = kmalloc(m, "kmalloc 100")
    assert cache == "kmalloc-128" and a % 64 == 0
    assert slab_map(m, cache, slab)[idx] == "A"
    out = m.cmd(f"whatis {a + 4:#x}")
    assert (f"  slab: kmalloc-128 object {idx} of slab 0x{slab:08x} (object 0x{a:08x}, +4), "
            "allocated") in out, out
    phys = a - 0x80000000  # the 2G split's linear map: whatis of the physical address
    assert (f"  slab: kmalloc-128 object {idx} of slab 0x{slab:08x} (object 0x{a:08x}, +4), "
            "allocated") in m.cmd(f"whatis {phys + 4:#x}")
    z, cache_z, _i, _s = kmalloc(m, "kmalloc 150 zero")
    assert cache_z == "kmalloc-192"
    m.cmd(f"poke {z:#x} 0x12345678")
    out = m.cmd("kmallocs")
    assert f"0x{a:08x} 100        kmalloc-128" in out and "2 live objects, 250 bytes" in out, out
    out = m.cmd(f"kfree {a:#x}")
    assert out.startswith(f"kfree 0x{a:08x}: kmalloc-128, 100 bytes"), out
    assert slab_map(m, cache, slab)[idx] == "."
    assert f"object 0x{a:08x}, +4), free" in m.cmd(f"whatis {a + 4:#x}")
    b, _c, idx_b, _s = kmalloc(m, "kmalloc 128")
    assert b == a and idx_b == idx  # LIFO: this CPU's freelist gives it back
    m.cmd(f"kfree {b:#x}")
    m.cmd(f"kfree {z:#x}")
    z2, _c, _i, _s = kmalloc(m, "kmalloc 150 zero")
    assert z2 == z and m.cmd(f"peek {z:#x}").strip() == f"0x{z:08x}: 00000000"
    m.cmd(f"kfree {z2:#x}")
    out = m.cmd("kmalloc 20000")
    mo = re.match(r"kmalloc 0x([0-9a-f]{8}): kmalloc_large: 32768 bytes \(order-3 compound "
                  r"block at pfn (0x[0-9a-f]+)\)", out)
    assert mo, out
    large = int(mo.group(1), 16)
    assert f"  slab: kmalloc_large block 0x{large:08x}, order 3" in m.cmd(f"whatis {large:#x}")
    mmcheck_clean(m)
    m.cmd(f"kfree {large:#x}")
    assert "0 live objects" in m.cmd("kmallocs")
    mmcheck_clean(m)
    assert m.poweroff() == 0


@case
def bad_inputs_change_nothing():
    m = boot()
    a, _c, idx, slab = kmalloc(m, "kmalloc 64")
    k = m.cmd("kmem_cache create mine 32")
    assert k.startswith("kmem_cache mine: object 32"), k
    o = int(re.match(r"kmem_cache alloc 0x([0-9a-f]{8})",
                     m.cmd("kmem_cache alloc mine")).group(1), 16)
    before = slabinfo(m)
    free_idx = slab_map(m, "kmalloc-64", slab).index(".")
    free_obj = a + (free_idx - idx) * 64  # a free object of the same slab
    expect_error(m, "kmalloc", "usage")
    expect_error(m, "kmalloc 0", "kmalloc: size 0 out of range")
    expect_error(m, "kmalloc 5M", "kmalloc: size 5242880 out of range")
    expect_error(m, "kmalloc 10 now", "kmalloc: unknown flag 'now'")
    expect_error(m, "kmalloc x", "kmalloc: bad size")
    expect_error(m, "kfree", "usage")
    expect_error(m, "kfree 0x80000000", "kfree: 0x80000000 is not slab memory")
    expect_error(m, f"kfree {a + 8:#x}", f"inside object {idx} (0x{a:08x}), not its start")
    expect_error(m, f"kfree {o:#x}", "is a live")
    expect_error(m, f"kfree {free_obj:#x}", f"is object {free_idx} of kmalloc-64, already free")
    expect_error(m, "slab", "usage")
    expect_error(m, "slab nosuch", "slab: no cache called 'nosuch'")
    expect_error(m, "kmem_cache", "usage")
    expect_error(m, "kmem_cache shrink mine", "kmem_cache: unknown action 'shrink'")
    expect_error(m, "kmem_cache create tiny 2", "kmem_cache: size 2 out of range")
    expect_error(m, "kmem_cache create mine 64", "a cache called 'mine' exists already")
    expect_error(m, "kmem_cache create odd 64 3", "alignment 3 is not a power of two")
    expect_error(m, "kmem_cache create odd 64 8 fast", "unknown option 'fast'")
    expect_error(m, "kmem_cache alloc nosuch", "no cache called 'nosuch'")
    expect_error(m, "kmem_cache alloc kmalloc-64", "'kmalloc-64' is not a cache `kmem_cache")
    expect_error(m, f"kmem_cache free mine {a:#x}", "is an object of kmalloc-64, not of mine")
    expect_error(m, f"kmem_cache free mine {o + 4:#x}", "not its start")
    expect_error(m, "kmem_cache destroy kmalloc-64", "is not a cache `kmem_cache create` made")
    expect_error(m, "torture kmalloc 0", "torture: operation count 0 out of range")
    expect_error(m, "torture kmalloc", "usage: torture kmalloc N [SEED]")
    expect_error(m, "bench kmalloc 0", "bench: pair count 0 out of range")
    assert slabinfo(m) == before
    assert slab_map(m, "kmalloc-64", slab)[idx] == "A"
    mmcheck_clean(m)
    assert m.poweroff() == 0


@case
def kmem_cache_lifecycle_with_constructor():
    m = boot()
    out = m.cmd("kmem_cache create foo 100 0 ctor")
    mo = re.match(r"kmem_cache foo: object 100, stride (\d+), align (\d+), (\d+) objects per "
                  r"order-(\d) slab, constructor fills 0xc7", out)
    assert mo, out
    stride, per = int(mo.group(1)), int(mo.group(3))
    assert stride == 104 and per == 4096 // 104, out  # the free pointer after the object
    assert slabinfo(m)[0][0] == "foo"  # newest first
    out = m.cmd("kmem_cache alloc foo")
    mo = re.match(r"kmem_cache alloc 0x([0-9a-f]{8}): foo object (\d+) of slab 0x([0-9a-f]{8})",
                  out)
    assert mo, out
    obj, slab = int(mo.group(1), 16), int(mo.group(3), 16)
    assert m.cmd(f"peek {obj:#x} 2").split(":")[1].split() == ["c7c7c7c7", "c7c7c7c7"]
    assert slab_map(m, "foo", slab) == "A" + "." * (per - 1)
    out = m.cmd("kmem_cache destroy foo")
    assert "BUG foo (Not tainted): Objects remaining in foo on __kmem_cache_shutdown()" in out
    assert f"Object 0x{obj:08x} @offset=0" in out and "Slab cache still has objects" in out
    assert "kmem_cache destroy: foo kept: 1 objects still allocated" in out, out
    out = m.cmd(f"kmem_cache free foo {obj:#x}")
    assert out.startswith(f"kmem_cache free 0x{obj:08x}: foo"), out
    expect_error(m, f"kmem_cache free foo {obj:#x}", "already free")
    assert m.cmd("kmem_cache destroy foo").strip() == "kmem_cache destroy: foo destroyed"
    assert "foo" not in [r[0] for r in slabinfo(m)]
    expect_error(m, "slab foo", "no cache called 'foo'")
    mmcheck_clean(m)
    assert m.poweroff() == 0


def torture(m, n, seed=1):
    out = m.cmd(f"torture kmalloc {n} {seed}", timeout=120)
    assert out.strip().endswith("torture kmalloc: clean"), out
    assert len(re.findall(r"^torture kmalloc: cpu\d: ", out, re.M)) == 4, out
    assert "every cache's objects in use equal the state before" in out, out
    return out


@case
def torture_kmalloc_on_four_cpus():
    m = boot()
    before = [r[0] for r in slabinfo(m)]
    torture(m, 40000, 5)
    mmcheck_clean(m)
    assert [r[0] for r in slabinfo(m)] == before
    out = m.cmd("bench kmalloc 100")
    assert len(re.findall(r"^bench: kmalloc\+kfree \d+ +\(kmalloc-\w+ *\) 100 pairs", out,
                          re.M)) == 9, out
    assert m.poweroff() == 0


@case
def mmcheck_catches_a_corrupt_free_pointer():
    m = boot()
    a, _c, _i, _s = kmalloc(m, "kmalloc 100")
    m.cmd(f"kfree {a:#x}")  # on this CPU's freelist now, its free pointer at +64
    fp = int(m.cmd(f"peek {a + 64:#x}").split()[1], 16)
    m.cmd(f"poke {a + 64:#x} 0x12345678")
    out = m.cmd("mm-check")
    assert "CPU free list entry 0x12345678 is not an object of the slab" in out, out
    assert re.search(r"\d+ checks, [1-9]\d* violations", out), out
    m.cmd(f"poke {a + 64:#x} {fp:#x}")
    mmcheck_clean(m)
    assert m.poweroff() == 0


@case
def slub_debug_overrun_and_double_free():
    m = boot(append="slub_debug=FZPU")
    rows = {r[0]: r for r in slabinfo(m)}
    assert rows["kmalloc-128"][3] == 384, rows  # red zones, free pointer, tracks, padding
    a, _c, _i, _s = kmalloc(m, "kmalloc 100")
    m.cmd(f"poke {a + 128:#x} 0x41414141")
    out = m.cmd(f"kfree {a:#x}")
    lines = [re.sub(r"^\[ *\d+\.\d+\] ", "", x) for x in out.splitlines()]
    i = lines.index("BUG kmalloc-128 (Not tainted): Right Redzone overwritten")
    assert lines[i - 1] == "=" * 77 and lines[i + 1] == "-" * 77, lines
    assert (f"0x{a + 128:08x}-0x{a + 131:08x} @offset=" in out and
            "First byte 0x41 instead of 0xcc" in out), out
    assert re.search(r"Allocated in cmd_kmalloc\+0x[0-9a-f]+/0x[0-9a-f]+ age=\d+ cpu=0 pid=0", out)
    assert f"Object 0x{a:08x} @offset=" in out, out
    assert f"Redzone  {a + 128:08x}: 41 41 41 41" in out, out
    assert f"Object   {a:08x}: 6b 6b 6b" in out and "Padding  " in out, out
    assert f"FIX kmalloc-128: Restoring Right Redzone 0x{a + 128:08x}-0x{a + 131:08x}=0xcc" in out
    assert f"FIX kmalloc-128: Object at 0x{a:08x} not freed" in out, out
    assert m.cmd(f"peek {a + 128:#x}").split()[1] == "cccccccc"
    m.cmd("kmem_cache create dbg 64")
    objs = [int(re.match(r"kmem_cache alloc 0x([0-9a-f]{8})", m.cmd("kmem_cache alloc dbg"))
                .group(1), 16) for _ in range(2)]
    m.cmd(f"kmem_cache free dbg {objs[0]:#x}")
    out = m.cmd(f"kmem_cache free dbg {objs[0]:#x}")
    assert "passing the double free on" in out and "BUG dbg (Tainted: G    B" in out, out
    assert "): Object already free" in out, out
    assert f"FIX dbg: Object at 0x{objs[0]:08x} not freed" in out, out
    mmcheck_clean(m)
    torture(m, 4000)
    assert m.poweroff() == 0


@case
def slub_debug_for_one_cache():
    m = boot(append="slub_debug=Z,kmalloc-64")
    rows = {r[0]: r for r in slabinfo(m)}
    assert rows["kmalloc-64"][3] > 64 and rows["kmalloc-128"][3] == 128, rows
    assert "Unknown kernel command line" not in m.boot_log
    mmcheck_clean(m)
    assert m.poweroff() == 0


@case
def split_3g_builds_and_runs_the_same():
    m = boot(options=SPLIT_3G)
    boot_and_caches(m)
    a, cache, idx, slab = kmalloc(m, "kmalloc 300")
    assert cache == "kmalloc-512" and a >= 0xC0000000
    assert f"kmalloc-512 object {idx} of slab 0x{slab:08x}" in m.cmd(f"whatis {a:#x}")
    m.cmd(f"kfree {a:#x}")
    torture(m, 8000, 3)
    mmcheck_clean(m)
    assert m.poweroff() == 0


def cache_alloc(m, name, cpu=None):
    """`kmem_cache alloc NAME` (on CPU cpu): (object, slab, order)."""
    out = m.cmd(("" if cpu is None else f"on {cpu} ") + f"kmem_cache alloc {name}")
    mo = re.search(rf"kmem_cache alloc 0x([0-9a-f]{{8}}): {name} object \d+ of slab "
                   r"0x([0-9a-f]{8}) \(pfn 0x[0-9a-f]+, \d+ objects, order (\d+)\)", out)
    assert mo, out
    return int(mo.group(1), 16), int(mo.group(2), 16), int(mo.group(3))


def review_fixes(m):
    """kmalloc beyond KMALLOC_MAX_SIZE, destroy with other CPUs' slabs, a constructor per
    cache size, the slab leftover's padding check (the cache `pad` has slub_debug)."""
    expect_error(m, "kmalloc 0xffffffff", "kmalloc: size 4294967295 out of range 1..4194304")
    expect_error(m, "kmalloc 0x400001", "kmalloc: size 4194305 out of range")
    m.cmd("kmem_cache create spread 100")
    for cpu in (1, 2, 3):
        obj, _, _ = cache_alloc(m, "spread", cpu)
        assert m.cmd(f"on {cpu} kmem_cache free spread {obj:#x}").startswith(
            f"kmem_cache free 0x{obj:08x}: spread, cpu {cpu}")
    out = m.cmd("slab spread")
    assert all(f"  cpu{cpu} slab 0x" in out for cpu in (1, 2, 3)), out
    out = m.cmd("kmem_cache destroy spread")  # the other CPUs' slabs are flushed by IPI
    assert out.strip() == "kmem_cache destroy: spread destroyed", out
    m.cmd("kmem_cache create small 24 0 ctor")
    m.cmd("kmem_cache create large 1000 0 ctor")
    obj, slab, order = cache_alloc(m, "large")
    assert m.cmd(f"peek {obj + 996:#x}").split()[1] == "c7c7c7c7"  # its own 1000 bytes
    obj2, _, _ = cache_alloc(m, "small")
    assert m.cmd(f"peek {obj2 + 20:#x}").split()[1] == "c7c7c7c7"
    out = m.cmd("slab large")
    mo = re.search(rf"slab 0x{slab:08x} \(pfn 0x[0-9a-f]+, (\d+) pages? at ", out)
    assert mo and int(mo.group(1)) == 1 << order, out  # the slab's own order
    out = m.cmd("kmem_cache create pad 100")
    stride = int(re.search(r"stride (\d+)", out).group(1))
    obj, slab, order = cache_alloc(m, "pad")
    out = m.cmd("slab pad")
    mo = re.search(rf"slab 0x{slab:08x} \(pfn 0x[0-9a-f]+, (\d+) pages? at 0x([0-9a-f]{{8}})\)",
                   out)
    assert mo, out
    size = int(mo.group(1)) * 4096
    end = int(mo.group(2), 16) + size
    assert size % stride >= 4, (size, stride)  # a leftover to overwrite
    assert m.cmd(f"peek {end - 4:#x}").split()[1] == "5a5a5a5a"
    m.cmd(f"poke {end - 4:#x} 0x11223344")
    out = m.cmd(f"kmem_cache free pad {obj:#x}")
    assert f"BUG pad (Not tainted): Padding overwritten. 0x{end - 4:08x}-0x{end - 1:08x}" in out, out
    assert f"FIX pad: Restoring slab padding 0x{end - 4:08x}-0x{end - 1:08x}=0x5a" in out, out
    assert m.cmd(f"peek {end - 4:#x}").split()[1] == "5a5a5a5a"
    mmcheck_clean(m)


@case
def review_fixes_2g():
    m = boot(append="slub_debug=FZPU,pad")
    review_fixes(m)
    assert m.poweroff() == 0


@case
def review_fixes_3g():
    m = boot(options=SPLIT_3G, append="slub_debug=FZPU,pad")
    review_fixes(m)
    assert m.poweroff() == 0


def meminfo_kb(m, field):
    return int(re.search(rf"^{field}: +(\d+) kB$", m.cmd("meminfo"), re.M).group(1))


@case
def meminfo_slab_counts_slab_pages():
    """meminfo's Slab is the pages of every slab (slabinfo's num_slabs x pagesperslab) plus
    kmalloc_large blocks, as Linux's NR_SLAB_*_B counters; /proc/vmstat agrees in pages."""
    m = boot()
    slab_pages = lambda: sum(r[5] * r[6] for r in slabinfo(m))
    assert meminfo_kb(m, "Slab") == slab_pages() * 4 == meminfo_kb(m, "SUnreclaim")
    out = m.cmd("kmalloc 20000")  # kmalloc_large: an order-3 block, 32 kB
    big = int(re.match(r"kmalloc 0x([0-9a-f]{8}): kmalloc_large: 32768 bytes", out).group(1), 16)
    assert meminfo_kb(m, "Slab") == slab_pages() * 4 + 32
    assert re.search(rf"^nr_slab_unreclaimable {slab_pages() + 8}$", m.cmd("vmstat"), re.M)
    m.cmd(f"kfree {big:#x}")
    for _ in range(40):  # new slabs: the counter follows them
        kmalloc(m, "kmalloc 2048")
    assert meminfo_kb(m, "Slab") == slab_pages() * 4
    mmcheck_clean(m)
    assert m.poweroff() == 0


if __name__ == "__main__":
    run()
