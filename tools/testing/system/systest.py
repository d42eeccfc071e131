"""systest.py - the system tests' tiny runner: each test function gets its own QEMU; results are
printed as TAP (what `meson test` reads); when a test fails, the console log of each machine it
booted is saved under tools/testing/logs/ (CASE.log, or CASE.1.log, CASE.2.log... in boot order
when it booted several) and the failure printed (a timeout's message carries the console tail
and the CPUs' registers). A test that cannot run here raises Skip("why"): TAP "# SKIP why".

    from systest import case, run, Machine
    @case
    def boots_to_prompt(): ...        # raise AssertionError (assert) to fail
    if __name__ == "__main__": run()
"""
import glob
import os
import re
import subprocess
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import pimm  # noqa: E402
from pimm import Machine, BootError  # noqa: E402,F401

_cases = []
LOGDIR = os.path.join(pimm.ROOT, "tools", "testing", "logs")
_machines = []


class Skip(Exception):
    """Raised by a test that cannot run on this machine (reported as TAP SKIP, not a failure)."""


def log_paths(name, count):
    """The console log file of each of a case's `count` machines, in boot order."""
    if count == 1:
        return [os.path.join(LOGDIR, f"{name}.log")]
    return [os.path.join(LOGDIR, f"{name}.{i}.log") for i in range(1, count + 1)]


def case(fn):
    _cases.append(fn)
    return fn


def boot(**kw):
    """A Machine that is closed (and logged on failure) by the runner."""
    m = Machine(**kw)
    _machines.append(m)
    return m


def run():
    only = sys.argv[1:]
    todo = [c for c in _cases if not only or c.__name__ in only]
    print(f"1..{len(todo)}", flush=True)
    failed = 0
    for i, fn in enumerate(todo, 1):
        try:
            fn()
            print(f"ok {i} {fn.__name__}", flush=True)
        except Skip as e:
            print(f"ok {i} {fn.__name__} # SKIP {e}", flush=True)
        except Exception as e:  # noqa: BLE001 - any failure is a test failure
            failed += 1
            print(f"not ok {i} {fn.__name__}", flush=True)
            msg = traceback.format_exception_only(type(e), e)[-1].strip()
            print("# " + msg[:6000].replace("\n", "\n# "), flush=True)
            for old in glob.glob(os.path.join(LOGDIR, glob.escape(fn.__name__) + ".*log")):
                os.remove(old)  # a previous run's logs of this case, however many machines
            for m, path in zip(_machines, log_paths(fn.__name__, len(_machines))):
                m.save_log(path)
                print(f"# console log: {path}", flush=True)
        finally:
            for m in _machines:
                m.close()
            _machines.clear()
    sys.exit(1 if failed else 0)


def expect_error(m, line, *needles):
    """Run a bad command: one error line naming the command, the shell still answers."""
    out = m.cmd(line)
    word = line.split()[0] if line.split() else ""
    assert out.strip(), f"{line!r}: no error printed"
    first = out.strip().splitlines()[0]
    assert first.startswith(word + ":") or first.startswith("usage:"), \
        f"{line!r}: error does not name the command: {out!r}"
    for n in needles:
        assert n in out, f"{line!r}: expected {n!r} in {out!r}"
    assert "version" in m.cmd("version"), "shell did not survive"
    return out


def buddyinfo(m):
    """{zone: [nr_free per order]} from `buddyinfo`, checking Linux's format byte for byte."""
    out = m.cmd("buddyinfo")
    zones = {}
    for line in out.splitlines():
        mo = re.fullmatch(r"Node 0, zone ([ \w]{8}) ((?:[ \d]{5}\d ){11})", line)
        assert mo, f"not /proc/buddyinfo's format: {line!r}"
        zones[mo.group(1).strip()] = [int(x) for x in mo.group(2).split()]
    assert zones, out
    return zones


def memblock_regions(m, table):
    """[(base, end, flags, owner)] of `memblock memory|reserved` (end exclusive)."""
    out = m.cmd(f"memblock {table}")
    rows = re.findall(r"^ +\d+: 0x([0-9a-f]{8})\.\.0x([0-9a-f]{8})  (\w+) *(.*)$", out, re.M)
    return [(int(b, 16), int(e, 16) + 1, f, o.strip()) for b, e, f, o in rows]


def current_limit(m):
    """memblock's current_limit, from `memblock reserved`."""
    return int(re.search(r"current_limit 0x([0-9a-f]+)", m.cmd("memblock reserved")).group(1), 16)


def elf_symbols(m):
    """{name: address} of the kernel the Machine booted (its snapshot of kernel.elf)."""
    out = subprocess.run(["arm-none-eabi-nm", m.elf], capture_output=True, text=True,
                         check=True).stdout
    return {n: int(a, 16) for a, n in re.findall(r"^([0-9a-f]{8}) \w (\S+)$", out, re.M)}


def symbol(m, name):
    """The address of one kernel symbol of the booted kernel."""
    return elf_symbols(m)[name]
