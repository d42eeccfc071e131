#!/usr/bin/env python3
"""The developer tools themselves: tools/run from a pipe, its options and errors."""
import os
import re
import subprocess
import tempfile
import time

from systest import case, run
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


@case
def run_builds_a_meson_option_in_its_own_directory():
    r = tools_run(["-Dvmsplit=3G"], "layout\npoweroff\n", timeout=300)
    out = r.stdout.replace("\r", "")
    assert r.returncode == 0, r.stderr[-2000:]
    assert "lowmem  : 0xc0000000" in out, out[-2000:]
    assert os.path.exists(os.path.join(pimm.ROOT, "build-vmsplit=3G", "kernel7.img"))


@case
def run_gdb_waits_and_gdb_attaches_with_symbols():
    pimm.ensure_built()
    qemu = subprocess.Popen([RUN, "--gdb"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        time.sleep(1)
        g = subprocess.run(["gdb-multiarch", "-q", "-batch", "-nx",
                            os.path.join(pimm.ROOT, "build", "kernel.elf"),
                            "-ex", "set architecture armv7",
                            "-ex", "target remote localhost:1234",
                            "-ex", "break start_kernel", "-ex", "continue",
                            "-ex", "info symbol $pc", "-ex", "detach"],
                           capture_output=True, text=True, timeout=60)
        assert "start_kernel in section .text" in g.stdout, g.stdout + g.stderr
        out, _ = qemu.communicate(b"version\npoweroff\n", timeout=60)
        assert qemu.returncode == 0 and b"pimm version" in out, out[-2000:]
    finally:
        if qemu.poll() is None:
            qemu.kill()


@case
def setup_is_quiet_when_everything_is_installed():
    r = subprocess.run([os.path.join(pimm.ROOT, "tools", "setup")], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0 and r.stdout == "" and r.stderr == "", (r.stdout, r.stderr)


if __name__ == "__main__":
    run()
