"""tools/explorer/server.py - tools/explore: boot pimm in QEMU with its two serial ports as
WebSockets, and serve the explorer page (tools/explorer/web) that draws its memory state.

usage: tools/explore [--dtb FILE] [--append ARGS] [--initrd FILE] [--icount] [--gdb[=PORT]]
                     [-Dopt=value ...] [--port N] [-- QEMU ARGS]

  --port N       the page's HTTP port on 127.0.0.1 (default 8800; 0: any free port)
  other options  as tools/run (tools/run --help)

    browser ── http://127.0.0.1:PORT/ ──────────── this server (index.html, /vendor/, /config.json)
       ├──── ws://127.0.0.1:PC/  QEMU chardev "console" (first -serial: the PL011, the shell)
       └──── ws://127.0.0.1:PS/  QEMU chardev "state"   (second -serial: the mini UART,
                                                          docs/state-stream.md)

QEMU waits for the page to connect its console before the first instruction (wait=on), so the
page shows the whole boot log. Ctrl-C here kills QEMU; `poweroff` in the shell ends QEMU and
this server. Python 3 standard library only.
"""
import http.server
import json
import mimetypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "testing"))
import pimm  # noqa: E402

WEB = os.path.join(HERE, "web")
NODE_MODULES = os.path.join(WEB, "node_modules")
DEFAULT_PORT = 8800
# what the page needs from npm: `npm ci` runs when one of these is missing
VENDOR_FILES = ("@xterm/xterm/lib/xterm.js", "@xterm/xterm/css/xterm.css",
                "@xterm/addon-fit/lib/addon-fit.js")


def usage_error(msg):
    """Exit with msg and a pointer to --help."""
    sys.exit(f"tools/explore: {msg} (see tools/explore --help)")


def parse_args(argv):
    """tools/run's options plus --port: returns (opts dict, meson -D options, extra QEMU args)."""
    opts = {"dtb": None, "append": None, "initrd": None, "gdb": False, "icount": False,
            "port": DEFAULT_PORT}
    dopts, extra = [], []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    it = iter(argv)
    for a in it:
        if a in ("--dtb", "--append", "--initrd", "--port"):
            value = next(it, None)
            if value is None:
                usage_error(f"{a} needs a value")
            opts[a[2:]] = value
        elif a.startswith("--port="):
            opts["port"] = a[len("--port="):]
        elif a in ("--gdb", "--icount"):
            opts[a[2:]] = True
        elif a.startswith("--gdb="):
            port = a[len("--gdb="):]
            if not port.isdigit() or not 0 < int(port) < 65536:
                usage_error(f"--gdb=PORT needs a TCP port (1-65535), not '{port}'")
            opts["gdb"] = int(port)
        elif a.startswith("-D") and "=" in a:
            dopts.append(a)
        elif a in ("-h", "--help"):
            print(__doc__)
            sys.exit(0)
        else:
            usage_error(f"unknown argument '{a}'")
    port = str(opts["port"])
    if not port.isdigit() or int(port) > 65535:
        usage_error(f"--port needs a TCP port (0-65535), not '{port}'")
    opts["port"] = int(port)
    return opts, dopts, extra


def free_port():
    """A TCP port on 127.0.0.1 that is free right now (bind port 0, read it, close)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def websocket_chardev(name, port, wait):
    """The -chardev argument of a WebSocket server on 127.0.0.1:port named name."""
    return (f"socket,id={name},host=127.0.0.1,port={port},server=on,"
            f"wait={'on' if wait else 'off'},websocket=on")


def qemu_command(bdir, opts, extra, console_port, state_port):
    """pimm.qemu_command's machine, with its `-serial stdio` replaced by the two WebSocket
    chardevs: the console (waits for the page) and the state stream (never waits). The state
    chardev comes first: QEMU blocks while creating a wait=on server, and the state socket
    must be listening by then."""
    cmd = pimm.qemu_command(bdir, opts["dtb"], opts["append"], opts["initrd"], opts["icount"],
                            opts["gdb"], None, extra)
    i = next((i for i in range(len(cmd) - 1) if cmd[i:i + 2] == ["-serial", "stdio"]), None)
    if i is None:
        raise RuntimeError("pimm.qemu_command has no '-serial stdio' to replace")
    cmd[i:i + 2] = ["-chardev", websocket_chardev("state", state_port, False),
                    "-chardev", websocket_chardev("console", console_port, True),
                    "-serial", "chardev:console", "-serial", "chardev:state"]
    return cmd


def ensure_vendor():
    """Run `npm ci` in tools/explorer/web when node_modules lacks the page's packages; exit
    with a clear message when npm is missing or fails."""
    if all(os.path.exists(os.path.join(NODE_MODULES, f)) for f in VENDOR_FILES):
        return
    npm = shutil.which("npm")
    if not npm:
        sys.exit("tools/explore: npm not found; the page needs xterm.js from npm:\n"
                 f"  apt-get install npm && (cd {WEB} && npm ci)")
    print(f"tools/explore: npm ci in {WEB}", file=sys.stderr, flush=True)
    # npm's output goes to stderr: stdout carries only the page's address
    r = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=WEB, stdout=sys.stderr)
    missing = [f for f in VENDOR_FILES if not os.path.exists(os.path.join(NODE_MODULES, f))]
    if r.returncode or missing:
        sys.exit(f"tools/explore: `npm ci` in {WEB} failed (status {r.returncode}"
                 f"{', missing ' + ', '.join(missing) if missing else ''}); run it by hand "
                 "to see why (no network? try: npm ci --offline)")


class Handler(http.server.BaseHTTPRequestHandler):
    """GET /, /FILE (tools/explorer/web), /vendor/PATH (node_modules) and /config.json."""
    config = b"{}"  # the JSON /config.json answers, set by serve()

    def do_GET(self):
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == "/config.json":
            self.reply(200, "application/json", self.config)
        elif path.startswith("/vendor/"):
            self.send_file(NODE_MODULES, path[len("/vendor/"):])
        elif path == "/":
            self.send_file(WEB, "index.html")
        elif "/" not in path[1:]:
            self.send_file(WEB, path[1:])
        else:
            self.reply(404, "text/plain", b"not found\n")

    def send_file(self, root, rel):
        """Answer with file root/rel, or 404 when it is not a file inside root."""
        full = os.path.realpath(os.path.join(root, rel))
        if not full.startswith(os.path.realpath(root) + os.sep) or not os.path.isfile(full):
            return self.reply(404, "text/plain", b"not found\n")
        ctype = mimetypes.guess_type(full)[0] or "application/octet-stream"
        if full.endswith((".js", ".mjs")):
            ctype = "text/javascript"
        with open(full, "rb") as f:
            self.reply(200, ctype, f.read())

    def reply(self, status, ctype, body):
        """Send one complete answer (no caching: the page is a tool under development)."""
        self.send_response(status)
        self.send_header("Content-Type", ctype + ("; charset=utf-8" if ctype.startswith("text") else ""))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        """Quiet: only failed requests are worth a line on the terminal."""
        if len(args) > 1 and str(args[1]).startswith(("4", "5")):
            sys.stderr.write("explorer: %s\n" % (fmt % args))


def serve(port, config):
    """Start the HTTP server on 127.0.0.1:port in a thread; return the server."""
    Handler.config = json.dumps(config).encode()
    try:
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    except OSError as e:
        sys.exit(f"tools/explore: cannot serve on 127.0.0.1:{port} ({e.strerror}); "
                 "try --port 0")
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def run(opts, dopts, extra):
    """Build, start QEMU and the page's server; return QEMU's exit status when it exits."""
    if subprocess.run([os.path.join(pimm.ROOT, "tools", "setup")]).returncode:
        return 1
    ensure_vendor()
    try:
        bdir = pimm.ensure_built(dopts)
    except RuntimeError as e:
        sys.exit(str(e))
    if opts["dtb"] and not os.path.exists(opts["dtb"]):
        sys.exit(f"tools/explore: no such DTB '{opts['dtb']}'")
    console_port, state_port = free_port(), free_port()
    httpd = serve(opts["port"], {"console": f"ws://127.0.0.1:{console_port}/",
                                 "state": f"ws://127.0.0.1:{state_port}/"})
    cmd = qemu_command(bdir, opts, extra, console_port, state_port)
    # its own session: Ctrl-C reaches this server, which ends QEMU (and the page sees it go)
    qemu = subprocess.Popen(pimm.die_with_parent(cmd), stdin=subprocess.DEVNULL,
                            start_new_session=True)
    if opts["gdb"]:
        print(f"tools/explore: QEMU waits for gdb on :{pimm.gdb_port(opts['gdb'])} "
              f"(tools/gdb {bdir})", file=sys.stderr)
    print(f"explorer: http://127.0.0.1:{httpd.server_address[1]}/", flush=True)
    try:
        status = qemu.wait()
        print(f"explorer: QEMU exited with status {status}", file=sys.stderr, flush=True)
        return status
    finally:
        if qemu.poll() is None:
            qemu.kill()
            qemu.wait()
        httpd.shutdown()
        httpd.server_close()


def main(argv):
    opts, dopts, extra = parse_args(argv)
    # Ctrl-C even when started in the background (where SIGINT starts out ignored), and
    # SIGTERM (a test ending us): both unwind through run(), which kills QEMU on the way out
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        return run(opts, dopts, extra)
    except KeyboardInterrupt:
        print("\nexplorer: stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
