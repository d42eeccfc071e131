"""tools/run - build pimm if needed and boot it on QEMU raspi2b, console on stdin/stdout.

usage: tools/run [--dtb FILE] [--append ARGS] [--initrd FILE] [--gdb[=PORT]] [--icount]
                 [-Dopt=value ...] [-- QEMU ARGS]

  --dtb FILE     boot with this device tree (default: build/dts/rpi2b-lab.dtb)
  --append ARGS  kernel command line (QEMU puts it in /chosen/bootargs)
  --initrd FILE  load an initrd (QEMU: at 0x08000000, DTB just above)
  --gdb[=PORT]   wait for gdb on TCP PORT (default 1234) before the first instruction
                 (then, in another terminal: tools/gdb [BUILD_DIR [PORT]])
  --icount       deterministic time: 1 guest instruction = 1 ns (-icount shift=0,sleep=off)
  -Dopt=value    a meson option (e.g. -Dvmsplit=3G): built in its own build-opt=value dir
Works from a terminal and from a pipe:  printf 'help\\npoweroff\\n' | tools/run
The console goes through QEMU's multiplexer: Ctrl-A x quits QEMU (even when the kernel hangs),
Ctrl-A c switches between the console and the QEMU monitor (info registers, x/10i $pc, quit...),
Ctrl-A h lists the keys, Ctrl-A Ctrl-A sends a Ctrl-A; Ctrl-C goes to pimm's shell.
`poweroff` at the pimm> prompt makes QEMU exit with status 0.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pimm  # noqa: E402


def main(argv):
    opts, extra = {"dtb": None, "append": None, "initrd": None, "gdb": False, "icount": False}, []
    dopts = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    it = iter(argv)
    for a in it:
        if a in ("--dtb", "--append", "--initrd"):
            try:
                opts[a[2:]] = next(it)
            except StopIteration:
                sys.exit(f"tools/run: {a} needs a value")
        elif a in ("--gdb", "--icount"):
            opts[a[2:]] = True
        elif a.startswith("--gdb="):
            port = a[len("--gdb="):]
            if not port.isdigit() or not 0 < int(port) < 65536:
                sys.exit(f"tools/run: --gdb=PORT needs a TCP port (1-65535), not '{port}'")
            opts["gdb"] = int(port)
        elif a.startswith("-D") and "=" in a:
            dopts.append(a)
        elif a in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            sys.exit(f"tools/run: unknown argument '{a}' (see tools/run --help)")
    bdir = pimm.prepare("tools/run", dopts, opts["dtb"])
    cmd = pimm.qemu_command(bdir, opts["dtb"], opts["append"], opts["initrd"], opts["icount"],
                            opts["gdb"], None, extra, mux=True)
    print(f"tools/run: {pimm.MUX_HELP}", file=sys.stderr)
    if opts["gdb"]:
        port = pimm.gdb_port(opts["gdb"])
        print(f"tools/run: waiting for gdb on :{port} (in another terminal: tools/gdb {bdir}"
              f"{'' if port == pimm.GDB_PORT else f' {port}'})", file=sys.stderr)
    tty = sys.stdin.isatty()
    if tty:
        import termios
        import tty as ttymod
        saved = termios.tcgetattr(0)
        ttymod.setraw(0)
    try:
        return subprocess.run(cmd).returncode
    finally:
        if tty:
            termios.tcsetattr(0, termios.TCSADRAIN, saved)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
