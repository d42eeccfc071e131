"""core.py - the grader's heart: the test registry, one test's context (boots, budgets, checks),
and the runner that grades a lab with tests in parallel (labs/README.md, "The grader").

    registry      @test(name, points) in labs/lab*/grade.py (and private/hidden.py)
    TestContext   t.boot() -> a fresh QEMU under -icount; t.cmd(m, line) with an instruction
                  budget; t.check / t.require record checks; t.seed, t.rng, t.random_dt()
    run_lab       every test in its own thread and QEMU, -j at a time; a test that hangs,
                  crashes or floods costs itself only
    Result        per test: score = points x passed checks / checks made

Time is counted in guest instructions (QEMU's icount through QMP `query-replay`), never in wall
seconds: a loaded machine runs the guest slower but not longer. Wall-clock time (times
$PIMM_GRADE_TIME_SCALE) only stops a kernel that stopped executing (a halt, a lost interrupt):
no instruction for STALL_CAP seconds, or WALL_CAP seconds in one wait as a last resort.
"""
import importlib.util
import json
import os
import random
import re
import shutil
import socket
import sys
import tempfile
import threading
import time
import traceback
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "testing"))
import pimm  # noqa: E402

BOOT_BUDGET = 400_000_000      # guest instructions from reset to the prompt (a boot is ~30M)
CMD_BUDGET = 2_000_000_000     # per shell command, unless the test says otherwise
FLOOD = 4 << 20                # console bytes one wait may see before it is a flood
STALL_CAP = 30.0               # seconds the guest may execute nothing before a wait gives up
WALL_CAP = 300.0               # seconds one wait may last in all: a last resort
CRASH = re.compile(r"^.*(Kernel panic - not syncing|Internal error: |Unable to handle kernel|"
                   r"Unhandled (?:prefetch|data) abort|BUG: ).*$", re.M)

_registry = []


class GradeError(Exception):
    """What stops a test: a timeout, crash, flood or failed require; the message says which."""


class Test:
    """One registered test: its function, name, points, visibility and key (function name)."""

    def __init__(self, fn, name, points, visibility):
        self.fn, self.name, self.points, self.visibility = fn, name, points, visibility
        self.key = fn.__name__


def test(name, points, visibility="visible"):
    """Decorator registering a grading test: name (what it checks), points, and Gradescope's
    visibility ("visible", "after_due_date", "after_published", "hidden")."""
    def register(fn):
        _registry.append(Test(fn, name, points, visibility))
        return fn
    return register


def load_tests(lab_dir, private=True):
    """The tests of a lab directory: grade.py, then private/hidden.py when present (and
    private is True), in definition order. A lab's own helper modules (e.g. a model.py beside
    its grade.py) are importable while it loads, and forgotten afterwards, so that two labs
    graded in one run may both have a model.py."""
    global _registry
    tests = []
    files = [os.path.join(lab_dir, "grade.py")]
    if private:
        files.append(os.path.join(lab_dir, "private", "hidden.py"))
    before = set(sys.modules)
    sys.path[:0] = [lab_dir, os.path.join(lab_dir, "private")]
    try:
        for path in files:
            if not os.path.exists(path):
                continue
            _registry = []
            name = "lab_" + re.sub(r"\W", "_", os.path.relpath(path, os.path.dirname(lab_dir)))
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            tests += _registry
    finally:
        _registry = []
        del sys.path[:2]
        for mod in set(sys.modules) - before:
            where = getattr(sys.modules[mod], "__file__", None) or ""
            if os.path.abspath(where).startswith(os.path.abspath(lab_dir) + os.sep):
                del sys.modules[mod]
    return tests


def time_scale():
    """$PIMM_GRADE_TIME_SCALE (default 1): multiplies the wall-clock caps on slow machines."""
    try:
        return max(float(os.environ.get("PIMM_GRADE_TIME_SCALE", "1")), 0.1)
    except ValueError:
        return 1.0


class QMP:
    """A QMP connection to one QEMU, for its executed-instruction count."""

    TIMEOUT = 5.0  # seconds one question may take

    def __init__(self, path):
        self.path, self.f = path, None

    def icount(self):
        """Guest instructions executed so far (query-replay's icount), or None if QMP did not
        answer this time. A failed question drops the connection and the next one reconnects:
        a socket file that once timed out never reads again, and on a loaded machine QEMU may
        well take longer than the timeout to answer once."""
        try:
            if self.f is None:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.settimeout(self.TIMEOUT)
                self.sock.connect(self.path)
                self.f = self.sock.makefile("rw")
                self.f.readline()
                self._ask("qmp_capabilities")
            return self._ask("query-replay")["icount"]
        except (OSError, KeyError, ValueError, TypeError):
            self.close()
            return None

    def _ask(self, command):
        self.f.write(json.dumps({"execute": command}) + "\n")
        self.f.flush()
        while True:
            reply = json.loads(self.f.readline())
            if "return" in reply:
                return reply["return"]
            if "error" in reply:
                raise ValueError(reply["error"])

    def close(self):
        """Drop the connection (QEMU's QMP server takes a new one)."""
        for f in (self.f, getattr(self, "sock", None)):
            if f is not None:
                try:
                    f.close()
                except OSError:
                    pass
        self.f = self.sock = None


class Check:
    """One recorded check: ok, what was checked, expected and got (strings, may be empty)."""

    def __init__(self, ok, what, expected="", got=""):
        self.ok, self.what, self.expected, self.got = bool(ok), what, expected, got

    def describe(self):
        """One or more lines for the report."""
        text = f"{'ok  ' if self.ok else 'FAIL'} {self.what}"
        if not self.ok and (self.expected != "" or self.got != ""):
            text += f"\n       expected: {self.expected}\n       got:      {self.got}"
        return text


class TestContext:
    """What a test function receives: boots, budgeted commands, checks, seed and device trees."""

    def __init__(self, test, seed, logdir, options=()):
        self.test, self.seed, self.logdir = test, seed, logdir
        self.rng = random.Random(seed)
        self.checks, self.machines, self.notes = [], [], []
        self.options = tuple(options)
        self.tmp = tempfile.mkdtemp(prefix="pimm-grade-")

    # -- booting and commands ---------------------------------------------------------------
    def boot(self, dtb=None, append=None, options=None, budget=BOOT_BUDGET, **kw):
        """A fresh pimm under QEMU -icount, at its prompt (pimm.Machine; options: meson -D
        options of another build, e.g. ("-Dvmsplit=3G",)). Raises GradeError if the boot does
        not reach the prompt within `budget` guest instructions."""
        qmp_path = os.path.join(self.tmp, f"qmp{len(self.machines)}.sock")
        extra = list(kw.pop("extra", ())) + ["-qmp", f"unix:{qmp_path},server,nowait"]
        opts = self.options if options is None else tuple(options)
        m = pimm.Machine(dtb=dtb, append=append, options=opts, extra=extra, icount=True,
                         wait_prompt=False, **kw)
        m.qmp = QMP(qmp_path)
        self.machines.append(m)
        self.wait(m, re.escape(pimm.PROMPT), budget, "the boot to reach the pimm> prompt")
        m.boot_log = m.buf
        return m

    def cmd(self, m, line, budget=CMD_BUDGET, allow_crash=False):
        """Type one shell command; its output (without echo and prompt). Raises GradeError if
        the prompt does not come back within `budget` guest instructions, or if the kernel
        reports a crash or a BUG (unless allow_crash: a test that provokes a report)."""
        start = m.pos
        m.send(line + "\n")
        self.wait(m, re.escape(pimm.PROMPT), budget, f"`{line}` to finish", allow_crash)
        text = m.buf[start:m.pos - len(pimm.PROMPT)]
        nl = text.find("\n")
        return text[nl + 1:] if nl >= 0 else ""

    def wait(self, m, pattern, budget, what, allow_crash=False):
        """Wait for regex pattern on m's console past its read position; GradeError when the
        guest executes `budget` instructions, crashes, floods, exits, or stops for the wall cap."""
        rx = re.compile(pattern, re.M)
        start, floor = m.qmp.icount(), m.pos
        began = last_move = time.monotonic()
        last_count = start
        while True:
            with m.lock:
                found = rx.search(m.buf, m.pos)
                if found:
                    m.pos = found.end()
                else:
                    m.lock.wait(0.05)
                tail, exited = m.buf[floor:m.pos if found else None], m.proc.poll() is not None
            crash = None if allow_crash else CRASH.search(tail)
            if crash:  # even when the shell recovered from it (an oops returns to the prompt)
                raise GradeError(f"the kernel crashed waiting for {what}: {crash.group(0).strip()}")
            if found:
                return found
            if exited and not m.reader.is_alive():
                raise GradeError(f"QEMU exited ({m.proc.returncode}) waiting for {what}")
            if len(tail) > FLOOD:
                raise GradeError(f"the console was flooded ({len(tail)} bytes) waiting for {what}")
            now = m.qmp.icount()
            if start is None and now is not None:
                start = 0 if floor == 0 else now  # QMP not up yet: a boot starts at 0
            if start is not None and now is not None and now - start > budget:
                raise GradeError(f"no answer within {budget:,} guest instructions waiting for {what}")
            clock = time.monotonic()
            if now is not None and now != last_count:
                last_count, last_move = now, clock
            if clock - last_move > STALL_CAP * time_scale():
                raise GradeError(f"the guest stopped executing (no instruction in "
                                 f"{STALL_CAP * time_scale():.0f} s, {now} in all) waiting for {what}")
            if clock - began > WALL_CAP * time_scale():
                raise GradeError(f"the guest ran {WALL_CAP * time_scale():.0f} s without an answer "
                                 f"({now} instructions) waiting for {what}")

    # -- checks -----------------------------------------------------------------------------
    def check(self, ok, what, expected="", got=""):
        """Record one check (partial credit counts them); returns ok."""
        self.checks.append(Check(ok, what, expected, got))
        return bool(ok)

    def require(self, ok, what, expected="", got=""):
        """A check that ends the test when it fails (later checks would be meaningless)."""
        if not self.check(ok, what, expected, got):
            raise GradeError(f"stopped: {what}")

    def note(self, text):
        """A line for the report (e.g. the trace that was replayed)."""
        self.notes.append(text)

    # -- seeded device trees ----------------------------------------------------------------
    def random_dt(self, **opts):
        """Path of a device tree generated from this test's seed (grading/dtgen.py)."""
        from grading import dtgen
        path, facts = dtgen.random_dt(self.rng, self.tmp, **opts)
        self._facts = getattr(self, "_facts", {})
        self._facts[path] = facts
        self.note(f"device tree generated from seed {self.seed}: {facts['summary']}")
        return path

    def dt_facts(self, path):
        """What random_dt put into the device tree at path (a dict, see dtgen.random_dt)."""
        return self._facts[path]

    def close(self, keep_logs):
        """Stop every QEMU; save console logs (all of them when keep_logs) under logdir."""
        paths = []
        for i, m in enumerate(self.machines):
            if keep_logs:
                suffix = "" if len(self.machines) == 1 else f".{i + 1}"
                path = os.path.join(self.logdir, f"{self.test.key}{suffix}.log")
                m.save_log(path)
                paths.append(path)
            m.qmp.close()
            m.close()
        shutil.rmtree(self.tmp, ignore_errors=True)
        return paths


class Result:
    """A graded test: the test, its score, the checks, notes, log paths and its seed."""

    def __init__(self, test, seed, run_seed=None, lab=""):
        self.test, self.seed, self.run_seed, self.lab = test, seed, run_seed, lab
        self.score, self.checks, self.notes, self.logs, self.error = 0.0, [], [], [], None

    @property
    def passed(self):
        return self.score >= self.test.points - 1e-9

    def output(self):
        """The test's report text (what the grader prints and Gradescope shows)."""
        lines = [c.describe() for c in self.checks]
        if self.error:
            lines.append(f"FAIL {self.error}")
        lines += self.notes
        if not self.passed:
            lines.append(f"test seed {self.seed}: replay with tools/grade {self.lab} "
                         f"--seed {self.run_seed} --test {self.test.key}")
            lines += [f"console log: {p}" for p in self.logs]
        return "\n".join(lines)


TODO_LINE = re.compile(r"\S+: \S+ not implemented \(lab\d+\)")


def missing_pieces(machines):
    """The lab_todo lines the kernel printed (include/pimm/lab.h), once each, for the report."""
    seen = []
    for m in machines:
        for line in TODO_LINE.findall(m.buf):
            if line not in seen:
                seen.append(line)
    return [f"the kernel says: {line}" for line in seen]


def test_seed(run_seed, lab_name, key):
    """One test's seed, fixed by the run's seed, the lab and the test."""
    return zlib.crc32(f"{run_seed}:{lab_name}:{key}".encode())


def run_test(test, run_seed, lab_name, logdir):
    """Run one test to its end, whatever the kernel does; returns its Result."""
    seed = test_seed(run_seed, lab_name, test.key)
    ctx, result = TestContext(test, seed, logdir), Result(test, seed, run_seed, lab_name)
    try:
        test.fn(ctx)
    except GradeError as e:
        result.error = str(e)
    except pimm.BootError as e:
        result.error = f"QEMU: {str(e).splitlines()[0]}"
    except Exception as e:  # noqa: BLE001 - a broken test must not stop the grader
        result.error = f"the test itself failed: {type(e).__name__}: {e}"
        result.notes.append(traceback.format_exc(limit=3).rstrip())
    made = len(ctx.checks) + (1 if result.error else 0)
    passed = sum(c.ok for c in ctx.checks)
    result.score = test.points * passed / made if made else 0.0
    if not made:
        result.error = "the test made no check"
    result.checks, result.notes = ctx.checks, ctx.notes + result.notes
    result.notes += missing_pieces(ctx.machines)
    result.logs = ctx.close(keep_logs=True)
    return result


def run_lab(tests, run_seed, lab_name, logdir, jobs, only=None):
    """Grade tests (in parallel, `jobs` at a time); results in test order."""
    todo = [t for t in tests if not only or t.key in only]
    results = [None] * len(todo)
    sem = threading.Semaphore(max(jobs, 1))

    def worker(i, t):
        with sem:
            results[i] = run_test(t, run_seed, lab_name, logdir)

    threads = [threading.Thread(target=worker, args=(i, t)) for i, t in enumerate(todo)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return results


def fmt_points(x):
    """Points for humans: 7, 7.5, 3.33."""
    return f"{x:.2f}".rstrip("0").rstrip(".")
