#!/usr/bin/env python3
"""The developer tools themselves: tools/run from a pipe, its options and errors."""
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

import systest
from systest import boot, case, run
import pimm

RUN = os.path.join(pimm.ROOT, "tools", "run")


def tools_run(args, stdin, timeout=60):
    return subprocess.run([RUN] + args, input=stdin, capture_output=True, text=True,
                          timeout=timeout)


@case
def run_from_a_pipe_prints_the_session_and_exits_zero():
    pimm.ensure_built()
    t0 = time.monotonic()
    r = tools_run([], "help\npoweroff\n")
    wall = time.monotonic() - t0
    assert r.returncode == 0, (r.returncode, r.stderr[-2000:])
    out = r.stdout.replace("\r", "")
    assert "pimm> help" in out and "  poweroff " in out and "Power down" in out, out[-2000:]
    # the multiplexer's keys are announced on stderr, the console (stdout) stays the kernel's
    assert "tools/run: Ctrl-A x quits QEMU" in r.stderr and "Ctrl-A" not in out, r.stderr
    assert out.startswith("[    0.000000] Booting pimm"), out[:300]
    assert "(qemu)" not in out and " monitor - type 'help'" not in out, out  # no monitor banner
    assert wall < 20, wall  # generous: the README reports the real figure (tools/bench)


@case
def run_passes_append_initrd_icount_and_qemu_args():
    with tempfile.TemporaryDirectory() as d:
        initrd = os.path.join(d, "initrd.img")
        with open(initrd, "wb") as f:
            f.write(os.urandom(5000))
        r = tools_run(["--append", "loglevel=8 pimm_test=1", "--initrd", initrd, "--icount",
                       "--", "-name", "pimm-test"], "cmdline\nfdt /chosen\npoweroff\n")
    out = r.stdout.replace("\r", "")
    assert r.returncode == 0, r.stderr[-2000:]
    assert re.search(r"^loglevel=8 pimm_test=1$", out, re.M), out[-2000:]
    assert "linux,initrd-start" in out and "linux,initrd-end" in out, out[-2000:]


@case
def run_rejects_bad_arguments():
    for args, needle in [(["--bogus"], "unknown argument '--bogus'"),
                         (["--dtb"], "--dtb needs a value"),
                         (["--dtb", "/nonexistent.dtb"], "no such DTB '/nonexistent.dtb'")]:
        r = tools_run(args, "")
        assert r.returncode != 0 and needle in r.stderr + r.stdout, (args, r.stderr)
    r = tools_run(["--help"], "")
    assert r.returncode == 0 and "usage: tools/run" in r.stdout
    assert "Ctrl-A x quits QEMU" in r.stdout and "Ctrl-A c" in r.stdout, r.stdout


@case
def run_builds_a_meson_option_in_its_own_directory():
    r = tools_run(["-Dvmsplit=3G"], "layout\npoweroff\n", timeout=300)
    out = r.stdout.replace("\r", "")
    assert r.returncode == 0, r.stderr[-2000:]
    assert "lowmem  : 0xc0000000" in out, out[-2000:]
    assert os.path.exists(os.path.join(pimm.ROOT, "build-vmsplit=3G", "kernel7.img"))


def free_tcp_port():
    """A TCP port on 127.0.0.1 that nothing listens on now (the kernel picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_listener(port, proc, timeout=60):
    """Until something accepts on 127.0.0.1:port (QEMU's gdb stub), or proc dies, or timeout."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise AssertionError(f"tools/run exited ({proc.returncode}) before listening on {port}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listened on port {port} within {timeout} s")


def _alive(pid):
    """Whether process pid exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@case
def qemu_dies_with_the_test_that_started_it():
    # a test process killed outright (meson's timeout, Ctrl-C) must not leave its QEMU running
    code = ("import sys, time; sys.path.insert(0, sys.argv[1]); import pimm; "
            "m = pimm.Machine(); print(m.proc.pid, flush=True); time.sleep(600)")
    child = subprocess.Popen([sys.executable, "-c", code, os.path.dirname(pimm.__file__)],
                             stdout=subprocess.PIPE, text=True)
    try:
        pid = int(child.stdout.readline())
        assert _alive(pid), "QEMU is not running"
        child.kill()
        child.wait(timeout=30)
        end = time.monotonic() + 30
        while _alive(pid) and time.monotonic() < end:
            time.sleep(0.1)
        assert not _alive(pid), f"QEMU {pid} outlived the killed test process"
    finally:
        if child.poll() is None:
            child.kill()


@case
def run_gdb_bad_port_is_refused():
    r = subprocess.run([RUN, "--gdb=70000"], capture_output=True, text=True, timeout=60)
    assert r.returncode != 0 and "--gdb=PORT needs a TCP port" in r.stderr, r.stderr


@case
def run_gdb_waits_and_gdb_attaches_with_symbols():
    pimm.ensure_built()
    port = free_tcp_port()  # not QEMU's default 1234: another QEMU on this machine may hold it
    qemu = subprocess.Popen([RUN, f"--gdb={port}"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        wait_for_listener(port, qemu)
        g = subprocess.run(["gdb-multiarch", "-q", "-batch", "-nx",
                            os.path.join(pimm.ROOT, "build", "kernel.elf"),
                            "-ex", "set architecture armv7",
                            "-ex", f"target remote localhost:{port}",
                            "-ex", "break start_kernel", "-ex", "continue",
                            "-ex", "info symbol $pc", "-ex", "detach"],
                           capture_output=True, text=True, timeout=60)
        assert "start_kernel in section .init.text" in g.stdout, g.stdout + g.stderr
        out, _ = qemu.communicate(b"version\npoweroff\n", timeout=60)
        assert qemu.returncode == 0 and b"pimm version" in out, out[-2000:]
    finally:
        if qemu.poll() is None:
            qemu.kill()


def _boot_stopped():
    """A machine that never runs (QEMU -S: every CPU stopped at reset)."""
    return boot(extra=["-S"], wait_prompt=False)


@case
def a_boot_timeout_shows_the_console_and_every_cpus_registers():
    m = _boot_stopped()
    try:
        m.wait_for(re.escape(pimm.PROMPT), 1)
        raise AssertionError("a stopped machine reached the prompt")
    except pimm.BootError as e:
        msg = str(e)
    assert msg.startswith("timeout (1 s) waiting for"), msg[:300]
    assert "console (last" in msg and "info registers -a" in msg, msg
    for cpu in range(4):
        assert re.search(rf"^CPU#{cpu}\nR00=[0-9a-f]{{8}} ", msg, re.M), (cpu, msg)
    assert len(re.findall(r"R15=[0-9a-f]{8}", msg)) == 4 and msg.count("PSR=") == 4, msg
    assert "s00=" not in msg and "d00=" not in msg, msg  # no floating-point registers
    # the saved console log carries the same diagnosis
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "case.log")
        m.save_log(path)
        text = open(path).read()
    assert "--- at the failure:" in text and "CPU#3" in text and "R15=" in text, text[-2000:]


@case
def a_command_or_exit_timeout_shows_the_registers_too():
    m = boot()
    try:
        m.cmd("on 1 version", timeout=10)  # answers: the machine runs
        m.monitor("stop")                  # now no CPU runs: the next command cannot answer
        m.cmd("version", timeout=1)
        raise AssertionError("a stopped machine answered")
    except pimm.BootError as e:
        msg = str(e)
    assert msg.startswith("timeout (1 s) waiting for"), msg[:300]
    # the console's tail: the last answer, then a prompt that never echoed the new command
    assert "pimm> on 1 version\npimm version" in msg and "pimm> \nregisters (" in msg, msg
    assert msg.count("PSR=") == 4, msg
    # the symbol of a stopped CPU's pc, from the booted kernel.elf
    assert re.search(r"pc is in \w+ \((arch|kernel|lib)/[\w/.-]+:\d+", msg), msg
    try:
        m.wait_exit(0.5)
        raise AssertionError("QEMU exited")
    except pimm.BootError as e:
        msg = str(e)
    assert msg.startswith("QEMU did not exit within 0.5 s") and "CPU#0" in msg, msg[:500]
    m.monitor("cont")
    assert m.poweroff() == 0


@case
def each_machine_of_a_case_keeps_its_own_log():
    paths = systest.log_paths("some_case", 1)
    assert [os.path.basename(p) for p in paths] == ["some_case.log"], paths
    paths = systest.log_paths("some_case", 3)
    assert [os.path.basename(p) for p in paths] == [f"some_case.{i}.log" for i in (1, 2, 3)]
    # the runner itself: a failing case that booted two machines saves two logs, each its own
    script = ("import systest\n"
              "@systest.case\n"
              "def two_machines_fail():\n"
              "    a = systest.boot(append='pimm_first')\n"
              "    b = systest.boot(append='pimm_second')\n"
              "    assert False, 'on purpose'\n"
              "systest.run()\n")
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                       timeout=120, cwd=os.path.dirname(os.path.abspath(__file__)),
                       env=dict(os.environ, PYTHONPATH=os.path.dirname(os.path.abspath(__file__))))
    assert r.returncode == 1 and "not ok 1 two_machines_fail" in r.stdout, r.stdout + r.stderr
    logs = re.findall(r"^# console log: (.*)$", r.stdout, re.M)
    assert [os.path.basename(p) for p in logs] == ["two_machines_fail.1.log",
                                                   "two_machines_fail.2.log"], r.stdout
    texts = [open(p).read() for p in logs]
    for p in logs:
        os.remove(p)
    assert "pimm_first" in texts[0] and "pimm_second" not in texts[0], texts[0][:500]
    assert "pimm_second" in texts[1] and "pimm_first" not in texts[1], texts[1][:500]


def _ensure_built_in(bdir, snap):
    """A separate Python process running pimm.ensure_built on bdir (snapshot into snap)."""
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import pimm; "
            "pimm.ensure_built(['-Dhost_tests=false'], bdir=sys.argv[2], snapshot=sys.argv[3])")
    return subprocess.Popen([sys.executable, "-c", code, os.path.dirname(pimm.__file__), bdir,
                             snap], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@case
def parallel_builds_of_one_fresh_directory_wait_for_each_other():
    n = 3
    with tempfile.TemporaryDirectory(prefix="pimm-lock-") as d:
        bdir = os.path.join(d, "build-fresh")
        snaps = [os.path.join(d, f"snap{i}") for i in range(n)]
        with pimm.build_lock(bdir):  # hold the lock: nobody may configure or build meanwhile
            procs = [_ensure_built_in(bdir, s) for s in snaps]
            time.sleep(2)
            assert all(p.poll() is None for p in procs), [p.poll() for p in procs]
            assert os.listdir(bdir) == [pimm.LOCK_NAME], os.listdir(bdir)
        outs = [p.communicate(timeout=600)[0] for p in procs]
        assert all(p.returncode == 0 for p in procs), outs
        # one consistent image: every snapshot is byte-identical to what the directory holds
        for rel in pimm.BOOT_FILES:
            with open(os.path.join(bdir, rel), "rb") as f:
                want = f.read()
            for s in snaps:
                with open(os.path.join(s, rel), "rb") as f:
                    assert f.read() == want, (rel, s)
        # configured once: meson's log records a single setup
        with open(os.path.join(bdir, "meson-logs", "meson-log.txt")) as f:
            assert f.read().count("Build started at") == 1
        # and that image boots
        m = boot(kernel=os.path.join(snaps[0], "kernel7.img"),
                 dtb=os.path.join(snaps[0], pimm.BOOT_FILES[2]))
        assert "pimm version" in m.cmd("version")


class PtyRun:
    """tools/run ARGS on a pseudo-terminal, as a person runs it: stdin, stdout and stderr are
    the pty's slave side (so run.py puts it in raw mode); the test reads and types through the
    master side."""

    def __init__(self, args):
        import pty
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen([RUN] + args, stdin=slave, stdout=slave, stderr=slave,
                                     start_new_session=True)
        os.close(slave)
        self.out = b""

    def expect(self, needle, timeout=60):
        """Read until bytes `needle` appear after what earlier expects consumed."""
        import select
        end = time.monotonic() + timeout
        while needle not in self.out:
            left = end - time.monotonic()
            if left <= 0 or not select.select([self.master], [], [], left)[0]:
                raise AssertionError(f"no {needle!r} on the terminal: {self.out[-2000:]!r}")
            try:
                data = os.read(self.master, 4096)
            except OSError:  # EIO: every slave descriptor closed (QEMU and run.py gone)
                data = b""
            if not data:
                raise AssertionError(f"terminal closed before {needle!r}: {self.out[-2000:]!r}")
            self.out += data
        i = self.out.index(needle) + len(needle)
        seen, self.out = self.out[:i], self.out[i:]
        return seen

    def type(self, data):
        os.write(self.master, data)

    def close(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 9)
            self.proc.wait()
        os.close(self.master)


@case
def run_on_a_terminal_ctrl_c_is_the_shells_ctrl_a_reaches_qemu():
    t = PtyRun([])
    try:
        t.expect(b"tools/run: Ctrl-A x quits QEMU, Ctrl-A c switches between console and QEMU "
                 b"monitor")
        t.expect(b"pimm> ")
        t.type(b"versio\x03")                 # Ctrl-C: the shell abandons the line...
        t.expect(b"versio^C")
        t.expect(b"pimm> ")
        t.type(b"version\r")                  # ...and QEMU, not signalled, still runs it
        t.expect(b"pimm version")
        t.expect(b"pimm> ")
        t.type(b"\x01c")                       # Ctrl-A c: the QEMU monitor
        t.expect(b"(qemu) ")
        t.type(b"info status\r")
        t.expect(b"VM status: running")
        t.type(b"\x01c\r")                     # back to the console: the shell prompts again
        t.expect(b"pimm> ")
        assert t.proc.poll() is None
        t.type(b"\x01x")                       # Ctrl-A x: QEMU quits
        t.expect(b"QEMU: Terminated")
        assert t.proc.wait(timeout=20) == 0
    finally:
        t.close()


@case
def run_on_a_terminal_ctrl_a_x_leaves_a_kernel_that_never_answers():
    t = PtyRun(["--", "-S"])  # every CPU stopped at reset: nothing will ever be printed
    try:
        t.expect(b"tools/run: Ctrl-A x quits QEMU")
        time.sleep(1)
        t.type(b"version\r\x03")              # neither a command nor Ctrl-C gets an answer
        time.sleep(0.5)
        assert t.proc.poll() is None
        t.type(b"\x01x")
        t.expect(b"QEMU: Terminated")
        assert t.proc.wait(timeout=20) == 0
        assert b"pimm" not in t.out, t.out
    finally:
        t.close()


@case
def setup_is_quiet_when_everything_is_installed():
    r = subprocess.run([os.path.join(pimm.ROOT, "tools", "setup")], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0 and r.stdout == "" and r.stderr == "", (r.stdout, r.stderr)


if __name__ == "__main__":
    run()
