"""pimm.py - build and boot pimm under QEMU, and talk to it: the one place that knows the QEMU
command line. Used by tools/run, the system tests (tools/testing/system), tools/bench and the
lab grader. Python 3 standard library only.

    from pimm import Machine
    with Machine(append="memblock=debug") as m:     # builds if needed, boots, waits for pimm>
        out = m.cmd("memblock")                      # output of one shell command
        pa = m.monitor("gva2gpa 0x80100000")         # QEMU monitor over a unix socket
        m.poweroff()                                 # QEMU exits 0

    # a device tree QEMU's -dtb loader refuses or edits, put in guest RAM before the first
    # instruction (QEMU loads the good default DTB at 0x08000000, gdb overwrites it):
    with Machine(overwrite=[("bad.dtb", 0x08000000, 64 * 1024)], wait_prompt=False) as m:
        m.wait_for("Kernel panic")
"""
import contextlib
import fcntl
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROMPT = "pimm> "
QEMU = "qemu-system-arm"
GDB_PORT = 1234  # QEMU's -s: the TCP port gdb attaches to, unless a test picks a free one


def die_with_parent(cmd):
    """CMD run so that it is killed when this Python process dies, however it dies (a test
    killed by meson's timeout must not leave its QEMU running): util-linux's setpriv sets
    the parent-death signal, then execs CMD. Where setpriv is missing, CMD as it is."""
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "KILL", "--"] + list(cmd) if setpriv else list(cmd)


def gdb_port(gdb):
    """The TCP port for qemu_command's gdb argument: True means GDB_PORT, an int is the port."""
    return GDB_PORT if gdb is True else int(gdb)
MUX_ID = "console"  # the multiplexed stdio chardev of qemu_command(mux=True)
# QEMU's mux escape keys, as tools/run announces them
MUX_HELP = "Ctrl-A x quits QEMU, Ctrl-A c switches between console and QEMU monitor, Ctrl-A h lists the keys"
# what a boot needs from a build directory: ensure_built makes these and copies them for a Machine
BOOT_FILES = ("kernel7.img", "kernel.elf", os.path.join("dts", "rpi2b-lab.dtb"))


def build_dir_for(options=()):
    """The build directory for a set of meson -D options: build/ for none, build-OPT=VAL-... else."""
    if not options:
        return os.path.join(ROOT, "build")
    tag = "-".join(o[2:].replace("/", "_") for o in sorted(options))
    return os.path.join(ROOT, "build-" + tag)


LOCK_NAME = ".pimm-build.lock"


@contextlib.contextmanager
def build_lock(bdir):
    """Hold an exclusive lock on build directory bdir (a flock on bdir/.pimm-build.lock; the
    directory is created if needed, meson accepts an empty one). Every configure, build and
    snapshot of bdir by this module happens under it: tests run in parallel, and two ninja
    runs in one directory would write the same kernel.elf while a third test copies it."""
    os.makedirs(bdir, exist_ok=True)
    fd = os.open(os.path.join(bdir, LOCK_NAME), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the last descriptor releases the flock


def _configure_and_build(bdir, options, targets=()):
    """meson setup (out of tree, in bdir) if bdir is not configured yet, then ninja for
    BOOT_FILES and targets. Lock held."""
    if not os.path.exists(os.path.join(bdir, "build.ninja")):
        for name in os.listdir(bdir):  # what a setup that failed half-way left: start again
            if name != LOCK_NAME:
                path = os.path.join(bdir, name)
                shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
        cmd = ["meson", "setup", "--cross-file", os.path.join(ROOT, "cross", "arm-none-eabi.txt"),
               bdir, ROOT] + list(options)
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode:
            raise RuntimeError("meson setup failed:\n" + r.stdout)
    r = subprocess.run(["ninja", "-C", bdir] + list(BOOT_FILES) + list(targets),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode:
        r = subprocess.run(["ninja", "-C", bdir], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        if r.returncode:
            raise RuntimeError("build failed:\n" + r.stdout[-4000:])


def ensure_built(options=(), quiet=True, snapshot=None, bdir=None, targets=()):
    """meson setup (if needed) and ninja, under the directory's build_lock; returns the build
    dir (build_dir_for(options) unless bdir is given). snapshot: a directory to copy
    BOOT_FILES into before the lock is released, so that what is booted from there is exactly
    what this build made, whatever runs later in the build dir. targets: more ninja targets
    than BOOT_FILES (e.g. "dts/rpi2b.dtb"). Raises RuntimeError on failure."""
    del quiet  # the build's output is only shown when it fails
    bdir = os.path.abspath(bdir or build_dir_for(options))
    with build_lock(bdir):
        _configure_and_build(bdir, options, targets)
        if snapshot:
            for rel in BOOT_FILES:
                dst = os.path.join(snapshot, rel)
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copyfile(os.path.join(bdir, rel), dst)
    return bdir


def prepare(tool, options=(), dtb=None):
    """What tools/run and tools/explore do before booting: tools/setup, the build for the
    meson options, the DTB checked; returns the build dir. Exits with a one-line message
    naming tool on failure."""
    if subprocess.run([os.path.join(ROOT, "tools", "setup")]).returncode:
        sys.exit(1)
    try:
        bdir = ensure_built(options)
    except RuntimeError as e:
        sys.exit(str(e))
    if dtb and not os.path.exists(dtb):
        sys.exit(f"{tool}: no such DTB '{dtb}'")
    return bdir


def qemu_command(bdir, dtb=None, append=None, initrd=None, icount=False, gdb=False,
                 monitor=None, extra=(), kernel=None, gdb_socket=None, mux=False):
    """The QEMU raspi2b command line that boots pimm like a Pi 2 (docs/design.md: the QEMU
    platform). bdir: where kernel7.img and dts/rpi2b-lab.dtb are (a build dir or a snapshot).
    gdb: wait at reset for gdb on TCP GDB_PORT (True) or on that port (int); gdb_socket: wait at reset for gdb on that unix
    socket (no port to clash between parallel QEMUs). mux: the console for a person (tools/run):
    stdio goes through QEMU's multiplexer, shared by the serial port and the QEMU monitor
    (Ctrl-A x quits, Ctrl-A c toggles serial/monitor; signal=off: Ctrl-C reaches the guest
    instead of killing QEMU); the monitor argument is then ignored."""
    cmd = [QEMU, "-M", "raspi2b", "-m", "1G", "-smp", "4",
           "-kernel", kernel or os.path.join(bdir, "kernel7.img"),
           "-display", "none"]
    if mux:
        cmd += ["-chardev", f"stdio,id={MUX_ID},mux=on,signal=off",
                "-serial", f"chardev:{MUX_ID}", "-mon", f"chardev={MUX_ID},mode=readline"]
    else:
        cmd += ["-serial", "stdio"]
    cmd += ["-semihosting-config", "enable=on,target=native"]
    if dtb != "none":
        cmd += ["-dtb", dtb or os.path.join(bdir, "dts", "rpi2b-lab.dtb")]
    if append:
        cmd += ["-append", append]
    if initrd:
        cmd += ["-initrd", initrd]
    if icount:
        cmd += ["-icount", "shift=0,sleep=off"]
    if gdb:
        cmd += ["-gdb", f"tcp::{gdb_port(gdb)}", "-S"]
    elif gdb_socket:
        cmd += ["-gdb", f"unix:{gdb_socket},server,nowait", "-S"]
    if not mux:
        cmd += ["-monitor", f"unix:{monitor},server,nowait" if monitor else "none"]
    return cmd + list(extra)


class BootError(Exception):
    pass


class Machine:
    """One QEMU running pimm, driven through its serial console (and optionally its monitor).

    dtb, append, initrd, icount, extra: as qemu_command (dtb="none": no -dtb at all).
    options: meson -D options (built in their own directory). wait_prompt: return once the
    shell prompt is up (the boot log is then in .boot_log); False to watch a failing boot.

    .bdir is the build directory; the kernel image, ELF and default DTB are copied from it
    (under its build_lock) into the Machine's temporary directory and booted from there:
    .boot_dir holds them (same layout as a build dir), .image and .elf are the image and ELF
    there: read symbols from .elf (or .boot_dir), they are exactly the booted kernel's.
    A timeout (wait_for, cmd, wait_exit) raises BootError with the console's tail and every
    CPU's registers from the QEMU monitor (`info registers -a`); .diagnosis keeps that text.

    overwrite=[(FILE, PA) or (FILE, PA, FILL), ...]: write FILE's bytes into guest RAM at PA
    before the first guest instruction (after QEMU's loaders ran), zero-filling up to FILL
    bytes when the file is shorter. This is how a device tree that QEMU's -dtb loader refuses
    (bad magic or version, truncated, offsets out of bounds...) or edits (QEMU rewrites or
    adds /memory, so "no /memory" and "#address-cells 3" cannot pass through it) reaches the
    kernel: QEMU loads the good default DTB at 0x08000000 (r2 points there, docs/design.md),
    then the blob is put over it. The FILL zeros make sure nothing of the good blob that QEMU
    loaded (its edited copy is larger than the file) is left after a shorter one. Mechanism:
    QEMU starts paused with its gdb stub on a unix socket in the Machine's temporary directory
    (`-gdb unix:PATH,server,nowait -S`: no TCP port to clash between parallel tests);
    `gdb-multiarch -batch` connects, `restore FILE binary PA` for each entry, and detaches,
    which starts the guest. QEMU's edits of the blob (-append's bootargs, -initrd's
    linux,initrd-*) are lost with it. Raises BootError if gdb fails.
    """

    def __init__(self, dtb=None, append=None, initrd=None, options=(), extra=(), icount=False,
                 timeout=20, wait_prompt=True, name="pimm", kernel=None, overwrite=()):
        self.tmp = tempfile.mkdtemp(prefix="pimm-")
        try:
            self.bdir = ensure_built(options, snapshot=self.tmp)
        except BaseException:
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise
        self.boot_dir = self.tmp  # the snapshot of BOOT_FILES that this machine boots
        self.image = os.path.join(self.tmp, "kernel7.img")
        self.elf = os.path.join(self.tmp, "kernel.elf")
        self.diagnosis = ""
        self.mon_path = os.path.join(self.tmp, "monitor.sock")
        self.name = name
        self.overwrite = list(overwrite)
        gdb_sock = os.path.join(self.tmp, "gdb.sock") if overwrite else None
        self.cmdline = qemu_command(self.tmp, dtb, append, initrd, icount, False,
                                    self.mon_path, extra, kernel, gdb_sock)
        self.buf = ""
        self.pos = 0
        self.lock = threading.Condition()
        self.t0 = time.monotonic()
        self.mon = None
        self.proc = subprocess.Popen(die_with_parent(self.cmdline), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        if overwrite:
            try:
                self._overwrite(gdb_sock, overwrite)
            except BaseException:
                self.close()
                raise
        if wait_prompt:
            self.wait_for(re.escape(PROMPT), timeout)
            self.boot_log = self.buf

    # -- overwrite: guest RAM written through QEMU's gdb stub, before the first instruction --
    def _overwrite(self, sock, entries, timeout=15):
        end = time.monotonic() + timeout
        while not os.path.exists(sock):
            if self.proc.poll() is not None or time.monotonic() > end:
                raise BootError(f"QEMU did not open its gdb socket; console:\n{self.buf[-3000:]}")
            time.sleep(0.02)
        gdb = ["gdb-multiarch", "-batch", "-nx", "-ex", "set confirm off",
               "-ex", f"target remote {sock}"]
        for i, entry in enumerate(entries):
            path, addr = entry[0], entry[1]
            with open(path, "rb") as f:
                data = f.read()
            if len(entry) > 2 and len(data) < entry[2]:
                data += bytes(entry[2] - len(data))
            blob = os.path.join(self.tmp, f"overwrite{i}.bin")
            with open(blob, "wb") as f:
                f.write(data)
            gdb += ["-ex", f"restore {blob} binary {addr:#x}"]
        gdb += ["-ex", "detach"]
        try:
            r = subprocess.run(gdb, capture_output=True, text=True, timeout=timeout)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise BootError(f"gdb-multiarch failed ({e}); is it installed (tools/setup)?")
        restored = r.stdout.count("Restoring binary file")
        if r.returncode or restored != len(entries) or "detached" not in r.stdout:
            raise BootError(f"gdb-multiarch could not overwrite guest memory:\n"
                            f"{r.stdout[-2000:]}{r.stderr[-2000:]}")

    # -- console ---------------------------------------------------------------------------
    def _read(self):
        while True:
            data = self.proc.stdout.read1(4096)
            if not data:
                break
            with self.lock:
                self.buf += data.decode("utf-8", "replace").replace("\r", "")
                self.lock.notify_all()
        with self.lock:
            self.lock.notify_all()

    def wait_for(self, pattern, timeout=10):
        """Wait until regex pattern appears after the read position; return the match and move
        the position past it. Raises BootError with the console on timeout or QEMU exit."""
        rx = re.compile(pattern, re.M)
        end = time.monotonic() + timeout
        with self.lock:
            while True:
                m = rx.search(self.buf, self.pos)
                if m:
                    self.pos = m.end()
                    return m
                left = end - time.monotonic()
                if self.proc.poll() is not None and not self.reader.is_alive():
                    raise BootError(f"QEMU exited ({self.proc.returncode}) while waiting for "
                                    f"{pattern!r}; console:\n{self.buf[-3000:]}")
                if left <= 0:
                    break
                self.lock.wait(min(left, 0.2))
        raise BootError(f"timeout ({timeout} s) waiting for {pattern!r}\n" + self.diagnose())

    def send(self, text):
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def cmd(self, line, timeout=10):
        """Type one command line; return its output (without the echo and the next prompt)."""
        start = self.pos
        self.send(line + "\n")
        self.wait_for(re.escape(PROMPT), timeout)
        text = self.buf[start:self.pos - len(PROMPT)]
        first_nl = text.find("\n")
        return text[first_nl + 1:] if first_nl >= 0 else ""

    def output_since_boot(self):
        return self.buf

    # -- QEMU monitor ------------------------------------------------------------------------
    def monitor(self, command, timeout=5):
        """Run a QEMU monitor command over the unix socket; return its output text."""
        if self.mon is None:
            self.mon = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.mon.settimeout(timeout)
            for _ in range(50):
                try:
                    self.mon.connect(self.mon_path)
                    break
                except OSError:
                    time.sleep(0.05)
            self._mon_read_until_prompt()
        self.mon.sendall((command + "\n").encode())
        text = self._mon_read_until_prompt()
        text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text).replace("\r", "")
        lines = [l for l in text.split("\n") if l.strip() and not l.startswith("(qemu)")]
        if lines and command.strip() in lines[0]:
            lines = lines[1:]
        return "\n".join(lines)

    def _mon_read_until_prompt(self):
        data = b""
        while not data.endswith(b"(qemu) "):
            chunk = self.mon.recv(4096)
            if not chunk:
                break
            data += chunk
        return data.decode("utf-8", "replace")

    def registers(self):
        """Every CPU's core registers from the QEMU monitor (`info registers -a`), without the
        floating-point ones: "CPU#N" then R00-R15 and PSR lines."""
        text = self.monitor("info registers -a")
        keep = [l for l in text.splitlines() if re.match(r"(CPU#\d|R\d\d=|PSR=)", l.strip())]
        if not keep:
            raise BootError("no registers in the monitor's answer: " + text[-500:])
        pcs = re.findall(r"R15=([0-9a-f]{8})", "\n".join(keep))
        names = self._symbolize(pcs)
        out = []
        for line in keep:
            out.append(line)
            m = re.search(r"R15=([0-9a-f]{8})", line)
            if m and names.get(m.group(1)):
                out.append(f"    pc is in {names[m.group(1)]}")
        return "\n".join(out)

    def _symbolize(self, addrs):
        """{hex address: "function (file:line)"} from the booted kernel.elf (addr2line); empty
        for addresses it does not know or when the tool is missing."""
        if not addrs or not os.path.exists(self.elf):
            return {}
        try:
            r = subprocess.run(["arm-none-eabi-addr2line", "-f", "-e", self.elf] + addrs,
                               capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return {}
        lines = r.stdout.splitlines()
        if r.returncode or len(lines) != 2 * len(addrs):
            return {}
        return {a: f"{lines[2 * i]} ({os.path.relpath(lines[2 * i + 1], ROOT)})"
                for i, a in enumerate(addrs) if lines[2 * i] != "??"}

    def diagnose(self, tail=2500):
        """What a hang looks like: the console's last `tail` characters and, while QEMU runs,
        every CPU's registers (a monitor failure is reported, not raised). Kept in .diagnosis
        (save_log writes it too)."""
        text = f"console (last {tail} characters):\n{self.buf[-tail:]}\n"
        if self.proc.poll() is None:
            try:
                text += "registers (QEMU monitor, info registers -a):\n" + self.registers()
            except (OSError, BootError) as e:
                text += f"registers: the QEMU monitor did not answer ({e})"
        else:
            text += f"QEMU has exited with status {self.proc.returncode}"
        self.diagnosis = text
        return text

    # -- ending ------------------------------------------------------------------------------
    def poweroff(self, timeout=10):
        """Type poweroff and return QEMU's exit status."""
        self.send("poweroff\n")
        return self.wait_exit(timeout)

    def wait_exit(self, timeout=10):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise BootError(f"QEMU did not exit within {timeout} s\n" + self.diagnose())

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.mon:
            self.mon.close()
        self.reader.join(1)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def save_log(self, path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(" ".join(self.cmdline) + "\n")
            for entry in self.overwrite:
                f.write(f"overwrite: {entry[0]} at {entry[1]:#010x} (through gdb)\n")
            f.write("\n" + self.buf)
            if self.diagnosis:
                f.write("\n--- at the failure:\n" + self.diagnosis + "\n")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
