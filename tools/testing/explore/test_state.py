"""test_state.py - the state stream of a running pimm (docs/state-stream.md), on QEMU.

The mini UART (QEMU's second -serial) goes to a unix socket; the test speaks the stream's
protocol there while it types commands on the console. Expected values come from the shell's
own views (`buddyinfo`, `memblock`, `walk`, `cma`), never typed in; every record is checked
against the schema (tools/explorer/schema.py) and the events are replayed on the snapshot
(schema.Model): after each command the model must equal a fresh snapshot.
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "system"))
sys.path.insert(0, HERE)
from systest import boot, buddyinfo, case, elf_symbols, memblock_regions, run  # noqa: E402
from statestream import Stream, state_chardev  # noqa: E402


def machine(name):
    """A pimm whose mini UART is a unix socket; the connected Stream."""
    path = os.path.join("/tmp", f"pimm-state-{os.getpid()}-{name}.sock")
    if os.path.exists(path):
        os.unlink(path)
    m = boot(extra=state_chardev(path))
    s = Stream(path)
    os.unlink(path)  # connected: the name is no longer needed
    return m, s


def nr_free(snap):
    """{zone: [free blocks per order]} of a snapshot (what buddyinfo adds up)."""
    return {z["name"]: [sum(row) for row in z["nr_free"]] for z in snap["zones"]}


@case
def snapshot_matches_the_shell():
    m, s = machine("snap")
    snap = s.snapshot()
    assert snap["why"] == "request" and snap["lost"] == 0
    assert nr_free(snap) == buddyinfo(m), (nr_free(snap), buddyinfo(m))
    for z in snap["zones"]:
        assert sorted(b[1] for b in z["blocks"]) == sorted(
            o for o, n in enumerate(nr_free(snap)[z["name"]]) for _ in range(n))
    for table in ("memory", "reserved"):
        shell = [(b, e) for b, e, _, _ in memblock_regions(m, table)]
        mine = [(r["base"], r["base"] + r["size"]) for r in snap["memblock"][table]]
        assert mine == shell, f"memblock {table}: stream {mine} vs shell {shell}"
    owners = [o for _, _, _, o in memblock_regions(m, "reserved")]
    assert [r["owner"] for r in snap["memblock"]["reserved"]] == owners
    cma = m.cmd("cma")
    for c in snap["cma"]:
        row = rf"^ +\d+ +{re.escape(c['name'])} +0x{c['base']:08x} +{c['count'] * 4} KiB +\d+ +{c['used']} "
        assert re.search(row, cma, re.M), f"cma area {c} is not in `cma`:\n{cma}"
    assert len(snap["cma"]) == int(re.search(r"(\d+) CMA areas", cma).group(1))
    names = [r["name"] for r in snap["layout"]]
    assert {"lowmem", "vmalloc", "fixmap", "vectors"} <= set(names), names
    assert [r["start"] for r in snap["layout"]] == sorted(r["start"] for r in snap["layout"])
    slabinfo = m.cmd("slabinfo")
    for c in snap["slabs"]:
        assert re.search(rf"^{re.escape(c['name'])} +{c['active']} +{c['objects']} ", slabinfo,
                         re.M), f"slab {c} not in slabinfo:\n{slabinfo}"
    assert len(snap["pcp"]) == 4 * len(snap["zones"])


@case
def alloc_splits_and_free_merges_in_step_with_buddyinfo():
    m, s = machine("alloc")
    s.snapshot()
    before = buddyinfo(m)
    out, recs = s.after(m, "alloc 5")
    addr = int(re.search(r"0x([0-9a-f]{8})\s+0x[0-9a-f]{8}\s+5 ", out).group(1), 16)
    assert any(r["t"] == "alloc" for r in recs), recs
    after = buddyinfo(m)
    assert nr_free(s.assert_model_fresh("alloc 5")) == after
    # the events alone changed the counts as buddyinfo did
    s.snapshot()
    model_before = {z: dict(v["blocks"]) for z, v in s.model.zones.items()}
    out, recs = s.after(m, f"free {addr:#x} 5")
    assert "free" in [r["t"] for r in recs], recs
    assert buddyinfo(m) == before, "free did not restore buddyinfo"
    snap = s.assert_model_fresh("free")
    assert nr_free(snap) == before
    assert model_before != {z: dict(v["blocks"]) for z, v in s.model.zones.items()}


@case
def walk_requests_answer_as_the_shell():
    m, s = machine("walk")
    for va in (0x80100000, 0x80008000, 0xffff0000, 0x00001000, 0xf0000000):
        s.send(f"walk {va:#x}")
        w = s.read_until(lambda r: r["t"] == "walk")[-1]
        shell = m.cmd(f"walk {va:#x}")
        assert w["va"] == va
        pa = re.search(r"PA 0x([0-9a-f]{8})", shell)
        assert w["mapped"] == bool(pa), (w, shell)
        if pa:
            assert w["pa"] == int(pa.group(1), 16), (w, shell)
        assert w["mmu_agrees"] and "DISAGREES" not in shell, (w, shell)
        assert f"0x{w['l1']:08x}" in shell, (w, shell)


@case
def bad_requests_get_an_error_record():
    m, s = machine("bad")
    for line, needle in (("walk zz", "bad address 'zz'"), ("bogus", "unknown request 'bogus'"),
                         ("walk", "unknown request 'walk'"), ("x" * 200, "longer than")):
        s.send(line)
        err = s.read_until(lambda r: r["t"] == "error")[-1]
        assert needle in err["msg"], (line, err)
    assert "version" in m.cmd("version")
    assert "error" not in m.cmd("buddyinfo")  # nothing leaked onto the console


@case
def quiet_stops_the_events():
    m, s = machine("quiet")
    s.snapshot()
    s.send("quiet")
    s.send("walk 0x80000000")  # answered after quiet: the request was read
    s.read_until(lambda r: r["t"] == "walk")
    m.cmd("alloc 3")
    s.send("walk 0x80000000")
    recs = s.read_until(lambda r: r["t"] == "walk")
    assert [r["t"] for r in recs] == ["walk"], recs


def peek_words(m, addr, n):
    """n words of kernel memory from `peek`."""
    out = m.cmd(f"peek {addr:#x} {n}")
    words = [int(w, 16) for line in out.splitlines() if re.match(r"0x[0-9a-f]{8}:", line)
             for w in line.split(":", 1)[1].split()]
    assert len(words) == n, out
    return words


def stream_sites(m):
    """[(code, target, word at code)] of the stream key's sites (include/linux/jump_label.h:
    the __jump_table entries naming mm_stream_key), read from the running kernel."""
    syms = elf_symbols(m)
    start, stop = syms["__start___jump_table"], syms["__stop___jump_table"]
    table = peek_words(m, start, (stop - start) // 4)
    entries = [table[i:i + 3] for i in range(0, len(table), 3)]
    ours = [(c, t) for c, t, k in entries if k == syms["mm_stream_key"]]
    assert len(ours) >= 8, f"only {len(ours)} stream hook sites in __jump_table"
    return [(c, t, peek_words(m, c, 1)[0]) for c, t in ours]


def arm_branch(pc, target):
    """The ARM `b target` at pc (cond AL, imm24 = (target - pc - 8) / 4)."""
    return 0xEA000000 | (((target - pc - 8) >> 2) & 0x00FFFFFF)


@case
def hooks_are_nops_until_a_snapshot_and_after_quiet():
    # the stream's static key: each hook is the NOP 0xe320f000 while nobody listens, a B to
    # its recording path while a host listens, and the NOP again after quiet
    m, s = machine("sites")
    NOP = 0xE320F000
    sites = stream_sites(m)
    assert all(w == NOP for _, _, w in sites), [hex(w) for _, _, w in sites]
    s.snapshot()
    sites = stream_sites(m)
    assert all(w == arm_branch(c, t) for c, t, w in sites), \
        [(hex(c), hex(t), hex(w)) for c, t, w in sites if w != arm_branch(c, t)]
    _, recs = s.after(m, "alloc 4")  # the patched hooks record on every CPU's path
    assert any(r["t"] == "split" for r in recs), [r["t"] for r in recs]
    s.send("quiet")
    s.send("walk 0x80000000")
    s.read_until(lambda r: r["t"] == "walk")
    assert all(w == NOP for _, _, w in stream_sites(m))
    out = m.cmd("mm-check")  # the text is still read-only, the allocator consistent
    assert "kernel text read-only" in out and "0 violations" in out, out


@case
def cma_alloc_isolates_and_replays():
    m, s = machine("cma")
    s.snapshot()
    area = re.search(r"^ +0 +(\S+) +0x", m.cmd("cma"), re.M).group(1)
    out, recs = s.after(m, f"cma alloc {area} 1024")
    kinds = {r["t"] for r in recs}
    assert "isolate" in kinds, f"alloc_contig_range took no free block off its list: {kinds}"
    assert [r for r in recs if r["t"] == "pageblock" and r["mt"] == "Isolate"], \
        "no pageblock went to MIGRATE_ISOLATE"
    snap = s.assert_model_fresh("cma alloc")
    assert [c["used"] for c in snap["cma"] if c["name"] == area] == [1024]


@case
def torture_is_coalesced_and_ends_equal():
    m, s = machine("torture")
    s.snapshot()
    out, recs = s.after(m, "torture 20000", timeout=120)
    assert "torture: clean" in out, out
    running = [r for r in recs if r["t"] == "flush" and r["running"]]
    resyncs = [r for r in recs if r["t"] == "snapshot" and r["why"] == "resync"]
    assert running, "no flush while torture ran"
    assert resyncs, "torture never overflowed the ring (no resync)"
    s.assert_model_fresh("torture 20000")
    assert "version" in m.cmd("version")


@case
def the_key_turns_while_every_cpu_allocates():
    # quiet and snapshot during torture: the hooks' sites are rewritten while all four CPUs
    # run the allocator through them; the model still ends equal to a fresh snapshot. (A
    # command that ends while the stream is quiet sends no final flush: the console tells
    # when the torture is over.)
    m, s = machine("flip")
    s.snapshot()
    m.send("torture 20000\n")
    s.read_until(lambda r: r["t"] == "flush" and r["running"], timeout=60)
    rounds = 0
    while "torture: clean" not in m.buf:  # a round sent while the torture runs
        rounds += 1
        s.send("quiet")
        s.send("walk 0x80000000")  # answered after quiet: quiet was read
        s.read_until(lambda r: r["t"] == "walk", timeout=60)
        s.send("snapshot")
        s.read_until(lambda r: r["t"] == "snapshot" and r["why"] == "request", timeout=60)
    assert rounds >= 1, "torture ended before one quiet/snapshot round"
    m.wait_for(r"torture: clean", timeout=60)
    m.wait_for(r"pimm> ", timeout=60)
    print(f"# {rounds} quiet/snapshot rounds during torture 20000", flush=True)
    s.assert_model_fresh("quiet and snapshot during torture 20000")
    assert "0 violations" in m.cmd("mm-check", timeout=30)

if __name__ == "__main__":
    run()
