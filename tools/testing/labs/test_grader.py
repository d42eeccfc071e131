"""test_grader.py - the grading framework itself (tools/grading, tools/grade, tools/mklab): the
marker parser and cutter, bad usage of both tools, the seeded device trees, Gradescope's
results.json validation, and the runner's limits (instruction budget, crash, flood) on a real
pimm. Instructor-only (tools/testing/labs/ never reaches a student tree)."""
import os
import random
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import labtest  # noqa: E402
from labtest import ROOT, markers, gradescope, run  # noqa: E402
from systest import case, run as run_cases  # noqa: E402
from grading import core, dtgen  # noqa: E402

SAMPLE = """int f(int x)
{
\t/* LAB3 BEGIN */
\treturn x + 1;
\t/* LAB3 TODO
\tlab_todo(3, "demo", "f");
\t(void)x;
\treturn 0;
\t*/
\t/* LAB3 END */
}
int g(void)
{
\t/* LAB4 BEGIN */
\treturn 7;
\t/* LAB4 END */
}
"""


@case
def markers_cut_this_lab_and_keep_the_others():
    """Lab 3's region becomes its TODO body; lab 4's solution stays; no marker is left."""
    out = markers.cut(SAMPLE, 3, "x.c", "labs/lab3-x/README.md")
    assert "\t/* LAB3: your code here (labs/lab3-x/README.md) */\n\tlab_todo(3" in out, out
    assert "return x + 1;" not in out and "return 7;" in out, out
    assert not re.search(r"LAB\d+ (BEGIN|TODO|END)", out), out
    out4 = markers.cut(SAMPLE, 4, "x.c")
    assert "return x + 1;" in out4 and "return 7;" not in out4 and "lab_todo" not in out4, out4
    regions = markers.parse(SAMPLE, "x.c")
    assert [(r.lab, r.begin, r.end) for r in regions] == [(3, 3, 10), (4, 14, 16)], regions


@case
def markers_reject_malformed_regions():
    """Nesting, a missing END, '*/' in a TODO body, a marker sharing its line: each an error
    naming file and line."""
    bad = {
        "nested": "/* LAB1 BEGIN */\n/* LAB2 BEGIN */\n/* LAB2 END */\n/* LAB1 END */\n",
        "no end": "/* LAB1 BEGIN */\nx;\n",
        "comment in todo": "/* LAB1 BEGIN */\n/* LAB1 TODO\n/* no */\n*/\n/* LAB1 END */\n",
        "not alone": "x; /* LAB1 BEGIN */\n/* LAB1 END */\n",
        "wrong lab end": "/* LAB1 BEGIN */\n/* LAB2 END */\n",
        "code after todo": "/* LAB1 BEGIN */\n/* LAB1 TODO\n*/\nx;\n/* LAB1 END */\n",
    }
    for what, text in bad.items():
        try:
            markers.parse(text, "bad.c")
        except markers.MarkerError as e:
            assert re.match(r"bad\.c:\d+: ", str(e)), f"{what}: {e}"
            continue
        raise AssertionError(f"{what}: accepted")


@case
def mklab_check_passes_on_the_reference():
    r = run([sys.executable, "tools/mklab", "--check"], ROOT)
    assert r.returncode == 0 and "markers ok" in r.stdout, r.stdout


@case
def mklab_and_grade_bad_usage():
    """An unknown lab, a non-empty destination, a missing argument: one clear line, no tree."""
    with tempfile.TemporaryDirectory() as tmp:
        r = run([sys.executable, "tools/mklab", "lab42", os.path.join(tmp, "x")], ROOT)
        assert r.returncode == 2 and "mklab: no lab 'lab42'" in r.stdout, r.stdout
        assert not os.path.exists(os.path.join(tmp, "x"))
        open(os.path.join(tmp, "f"), "w").close()
        name = labtest.lab_list()[0][1] if labtest.lab_list() else "lab0"
        r = run([sys.executable, "tools/mklab", name, tmp], ROOT)
        assert r.returncode != 0 and "not an empty directory" in r.stdout, r.stdout
        r = run([sys.executable, "tools/mklab", name], ROOT)
        assert r.returncode == 2 and "need LAB and DIR" in r.stdout, r.stdout
    r = run([sys.executable, "tools/grade", "lab42"], ROOT)
    assert r.returncode == 2 and "grade: no lab 'lab42'" in r.stdout, r.stdout
    r = run([sys.executable, "tools/grade", "lab0", "lab1", "--bundle", "/nonexistent/x.zip"], ROOT)
    assert r.returncode == 2, r.stdout


@case
def results_json_validation_catches_what_gradescope_rejects():
    good = {"score": 5.0, "output": "x", "visibility": "visible", "stdout_visibility": "hidden",
            "tests": [{"name": "a", "score": 5.0, "max_score": 10, "status": "failed",
                       "output": "y", "visibility": "after_due_date", "number": "1.1"}]}
    assert gradescope.validate(good) == [], gradescope.validate(good)
    for key, value in (("status", "broken"), ("visibility", "public"), ("score", 11),
                       ("score", "5"), ("colour", "red")):
        bad = {**good, "tests": [{**good["tests"][0], key: value}]}
        assert gradescope.validate(bad), f"tests[0].{key}={value!r} accepted"
    assert gradescope.validate({"tests": [{"name": "a"}]}), "no score anywhere accepted"
    assert gradescope.validate([]), "a list accepted"


@case
def seeded_device_trees_are_reproducible_and_booted_as_generated():
    """Same seed, same tree; regions inside RAM, aligned, apart; pimm reserves what the tree
    says (each static region and CMA pool appears in memblock's reserved or NOMAP memory)."""
    a = dtgen.to_dts(dtgen.layout(random.Random(7)))
    assert a == dtgen.to_dts(dtgen.layout(random.Random(7)))
    for seed in range(40):
        f = dtgen.layout(random.Random(seed))
        spans = [(r["base"], r["size"]) for r in f["static"] + f["cma"]] + f["memreserve"]
        for b, s in spans:
            assert dtgen.LOW <= b and b + s <= dtgen.TOP and b % 4096 == 0, (seed, b, s)
        spans.sort()
        for (b1, s1), (b2, _) in zip(spans, spans[1:]):
            assert b1 + s1 <= b2, (seed, spans)
        assert all(r["base"] % (4 << 20) == 0 and r["size"] % (4 << 20) == 0 for r in f["cma"])
    with tempfile.TemporaryDirectory() as tmp:
        dtb, facts = dtgen.random_dt(random.Random(3), tmp, static=2, cma=1, memreserve=1)
        t = core.TestContext(core.Test(lambda t: None, "dt", 1, "visible"), 3, tmp)
        try:
            m = t.boot(dtb=dtb)
            rows = re.findall(r"0x([0-9a-f]{8})\.\.0x([0-9a-f]{8})", t.cmd(m, "memblock"))
            spans = [(int(b, 16), int(e, 16) + 1) for b, e in rows]
            for r in facts["static"] + facts["cma"]:
                assert any(b <= r["base"] and r["base"] + r["size"] <= e for b, e in spans), \
                    f"{r} not in memblock: {spans}"
        finally:
            t.close(keep_logs=False)


@case
def qmp_recovers_from_a_slow_answer():
    """A QMP question that times out (QEMU busy on a loaded machine) costs that one reading:
    the next question reconnects and is answered (a timed-out socket file never reads again)."""
    import json
    import socket
    import threading
    QUICK = 0.3  # the test's QMP timeout, seconds
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "qmp.sock")
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(path)
        server.listen(2)
        served = []

        def serve():
            for slow in (True, False):  # the first connection never answers query-replay
                conn, _ = server.accept()
                f = conn.makefile("rw")
                f.write('{"QMP": {}}\n')
                f.flush()
                for line in f:
                    cmd = json.loads(line)["execute"]
                    served.append(cmd)
                    if cmd == "query-replay" and slow:
                        f.readline()  # no answer: wait for the client to give up
                        break
                    ret = {"icount": 42} if cmd == "query-replay" else {}
                    f.write(json.dumps({"return": ret}) + "\n")
                    f.flush()
                    if cmd == "query-replay":
                        break
                conn.close()

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        qmp = core.QMP(path)
        qmp.TIMEOUT = QUICK
        assert qmp.icount() is None, "the slow answer should have timed out"
        assert qmp.icount() == 42, "QMP did not recover after one timeout"
        thread.join(10)
        assert served.count("query-replay") == 2, served
        qmp.close()
        server.close()


@case
def runner_limits_cost_only_the_test():
    """An instruction budget that is too small, an oops and a flood each end the test with a
    message saying which; a guest that stops executing is stopped, one that runs long is not;
    the machine is closed; the boot budget counts from reset."""
    with tempfile.TemporaryDirectory() as tmp:
        t = core.TestContext(core.Test(lambda t: None, "limits", 1, "visible"), 1, tmp)
        try:
            m = t.boot()
            start = m.qmp.icount()
            assert 1_000_000 < start < core.BOOT_BUDGET, start
            for line, budget, needle in (("torture 100000", 20_000_000, "guest instructions"),
                                         ("crash null", core.CMD_BUDGET, "the kernel crashed")):
                m2 = t.boot()
                try:
                    t.cmd(m2, line, budget=budget)
                    raise AssertionError(f"{line}: no GradeError")
                except core.GradeError as e:
                    assert needle in str(e), str(e)
            # booted under the normal stall cap: a loaded machine may take longer than the
            # short cap below before QEMU answers its first icount query
            m3 = t.boot()
            old = core.STALL_CAP
            core.STALL_CAP = 0.5  # a long command that keeps executing is never stopped ...
            try:
                t0 = time.monotonic()
                t.cmd(m, "torture 200000", budget=10 ** 10)
                assert time.monotonic() - t0 > 2 * core.STALL_CAP, "torture too short to tell"
                m3.qmp._ask("stop")  # ... a guest that executes nothing is
                try:
                    t.cmd(m3, "help")
                    raise AssertionError("a stopped guest was not detected")
                except core.GradeError as e:
                    assert "stopped executing" in str(e), str(e)
            finally:
                core.STALL_CAP = old
            old, core.FLOOD = core.FLOOD, 2000
            try:
                t.cmd(m, "dmesg")
                raise AssertionError("no flood detected")
            except core.GradeError as e:
                assert "flooded" in str(e), str(e)
            finally:
                core.FLOOD = old
        finally:
            t.close(keep_logs=False)
        assert all(m.proc.poll() is not None for m in t.machines)


if __name__ == "__main__":
    run_cases()
