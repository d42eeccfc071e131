"""test_stream.py - the state stream's records, checked and replayed (host, no QEMU).

tools/testing/buddy/test_stream.c runs the real allocator with the stream on and writes every
record; here each record is checked against the schema (tools/explorer/schema.py, the same
rules as the page) and the events are replayed on the first snapshot: after every resync the
model restarts, and at the end it must equal the last snapshot exactly (every free block, its
migratetype, the pageblock letters, NR_FREE_PAGES, every pageset). A corrupted copy of the
stream (one event dropped) must be caught, so the comparison is known to bite.

    python3 test_stream.py BUILD/tools/testing/buddy/test_buddy_stream
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "system"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "explorer"))
from systest import case, run  # noqa: E402
from schema import Model, ModelError, check_record  # noqa: E402

EXE = sys.argv.pop(1) if len(sys.argv) > 1 else None


def stream(seed, ops):
    """The records of one seeded run, parsed."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "stream.jsonl")
        r = subprocess.run([EXE, out, str(seed), str(ops)], capture_output=True, text=True)
        assert r.returncode == 0, f"{EXE} failed:\n{r.stdout}{r.stderr}"
        print("# " + r.stdout.strip(), flush=True)
        with open(out) as f:
            return [json.loads(line) for line in f]


def replay(records):
    """Check and apply every record; returns (model, {t: count})."""
    model, seen = Model(), {}
    for n, rec in enumerate(records):
        problems = check_record(rec)
        assert not problems, f"record {n}: {problems}: {json.dumps(rec)[:300]}"
        seen[rec["t"]] = seen.get(rec["t"], 0) + 1
        model.apply(rec)
    return model, seen


def check_seed(seed, ops):
    records = stream(seed, ops)
    assert records[0]["t"] == "snapshot" and records[-1]["t"] == "snapshot", \
        "the run starts and ends with a snapshot"
    model, seen = replay(records[:-1])
    diff = model.differences(records[-1])
    assert not diff, f"seed {seed}: replayed events differ from the final snapshot: {diff}"
    for t in ("alloc", "split", "merge", "free", "move", "pageblock", "pcp", "flush"):
        assert seen.get(t), f"seed {seed}: no {t!r} record in {seen}"
    resyncs = sum(1 for r in records if r["t"] == "snapshot" and r["why"] == "resync")
    assert resyncs, f"seed {seed}: no resync (the ring never overflowed)"
    assert all(r["lost"] > 0 for r in records if r["t"] == "snapshot" and r["why"] == "resync")
    return records


@case
def replay_equals_snapshot_seed_1():
    check_seed(1, 200000)


@case
def replay_equals_snapshot_seed_7():
    check_seed(7, 100000)


@case
def a_dropped_event_is_caught():
    records = check_seed(3, 30000)
    # drop the last buddy event before the final snapshot (after the last resync)
    resync = max(i for i, r in enumerate(records[:-1]) if r["t"] == "snapshot")
    last = max(i for i, r in enumerate(records) if r["t"] in ("alloc", "free", "split"))
    assert last > resync, "the stream ends with plain events"
    broken = records[:last] + records[last + 1:]
    try:
        model, _ = replay(broken[:-1])
        diff = model.differences(broken[-1])
    except ModelError as e:
        diff = [str(e)]
    assert diff, "dropping an event went unnoticed"


@case
def malformed_records_are_rejected():
    bad = [
        [],
        {"t": "nonsense"},
        {"t": "alloc", "seq": 1, "zone": "Normal", "pfn": 5},
        {"t": "free", "seq": 1, "zone": "Normal", "pfn": 5, "order": 0, "mt": "Sticky"},
        {"t": "alloc", "seq": 1, "zone": "Normal", "pfn": 5, "order": 0, "mt": "Movable"},
        {"t": "walk", "va": 1, "pgd_index": 0, "pgd": [0], "kind": "fault", "level": "L1",
         "l1_index": 0, "l1": 0, "mapped": False, "mmu_par": 1, "mmu_agrees": True},
        {"t": "flush", "seq": "1", "cmd": "x", "running": False},
    ]
    for rec in bad:
        assert check_record(rec), f"accepted {rec}"


if __name__ == "__main__":
    assert EXE, "usage: test_stream.py TEST_BUDDY_STREAM_EXE"
    run()
