"""tools/explorer/server.py - tools/explore: boot pimm in QEMU, bridge its two serial ports to
WebSockets, and serve the explorer page (tools/explorer/web) that draws its memory state.

usage: tools/explore [--dtb FILE] [--append ARGS] [--initrd FILE] [--icount] [--gdb[=PORT]]
                     [-Dopt=value ...] [--port N] [-- QEMU ARGS]

  --port N       the page's HTTP port on 127.0.0.1 (default 8800; 0: any free port)
  other options  as tools/run (tools/run --help)

    browser ── http://127.0.0.1:PORT/ ── this server: index.html, /vendor/, /config.json
       ├──── ws://127.0.0.1:PORT/ws/console ── unix socket ── QEMU chardev "console"
       │                                       (first -serial: the PL011, the shell)
       └──── ws://127.0.0.1:PORT/ws/state ──── unix socket ── QEMU chardev "state"
                                               (second -serial: the mini UART,
                                                docs/state-stream.md)

QEMU waits for this server to connect its console before the first instruction (wait=on); the
server keeps the console's output and replays it to every page that opens, so a page sees the
whole boot log however late it comes. The WebSocket framing is done here (wsbridge.py), not by
QEMU's websocket chardev, which garbles what a page sends in QEMU 7.2. Ctrl-C here kills
QEMU; `poweroff` in the shell ends QEMU and this server. Python 3 standard library only.
"""
import http.server
import json
import mimetypes
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "testing"))
import pimm  # noqa: E402
import wsbridge  # noqa: E402

WEB = os.path.join(HERE, "web")
NODE_MODULES = os.path.join(WEB, "node_modules")
DEFAULT_PORT = 8800


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


def socket_chardev(name, path, wait):
    """The -chardev argument of a unix-socket server at path named name."""
    return f"socket,id={name},path={path},server=on,wait={'on' if wait else 'off'}"


def qemu_command(bdir, opts, extra, sockdir):
    """pimm.qemu_command's machine, with its `-serial stdio` replaced by two unix-socket
    chardevs in sockdir: the console (QEMU waits for it) and the state stream (never waits).
    The state chardev comes first: QEMU blocks while creating a wait=on server, and the state
    socket must be listening by then."""
    cmd = pimm.qemu_command(bdir, opts["dtb"], opts["append"], opts["initrd"], opts["icount"],
                            opts["gdb"], None, extra)
    i = next((i for i in range(len(cmd) - 1) if cmd[i:i + 2] == ["-serial", "stdio"]), None)
    if i is None:
        raise RuntimeError("pimm.qemu_command has no '-serial stdio' to replace")
    cmd[i:i + 2] = ["-chardev", socket_chardev("state", os.path.join(sockdir, "state"), False),
                    "-chardev", socket_chardev("console", os.path.join(sockdir, "console"), True),
                    "-serial", "chardev:console", "-serial", "chardev:state"]
    return cmd


class Handler(http.server.BaseHTTPRequestHandler):
    """GET /, /FILE (tools/explorer/web), /vendor/PATH (node_modules), /config.json, and the
    WebSockets /ws/console and /ws/state."""
    config = b"{}"  # the JSON /config.json answers, set by serve()
    channels = {}  # "/ws/NAME": wsbridge.Channel, set by serve()

    def do_GET(self):
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path in self.channels:
            self.websocket(self.channels[path])
        elif path == "/config.json":
            self.reply(200, "application/json", self.config)
        elif path.startswith("/vendor/"):
            self.send_file(NODE_MODULES, path[len("/vendor/"):])
        elif path == "/":
            self.send_file(WEB, "index.html")
        elif "/" not in path[1:]:
            self.send_file(WEB, path[1:])
        else:
            self.reply(404, "text/plain", b"not found\n")

    def websocket(self, channel):
        """Upgrade to a WebSocket (RFC 6455 section 4.2) and bridge it to channel. Only pages
        served from this server may connect: the Origin must name the same host and port, or
        any web site open in the browser could type into the shell."""
        key = self.headers.get("Sec-WebSocket-Key")
        if self.headers.get("Upgrade", "").lower() != "websocket" or not key:
            return self.reply(400, "text/plain", b"WebSocket upgrade expected\n")
        origin = self.headers.get("Origin")
        if origin and urllib.parse.urlsplit(origin).netloc != self.headers.get("Host"):
            return self.reply(403, "text/plain", b"cross-origin WebSocket refused\n")
        protocols = [p.strip() for p in self.headers.get("Sec-WebSocket-Protocol", "").split(",")]

        def accept():
            self.send_response(101, "Switching Protocols")
            self.send_header("Upgrade", "websocket")
            self.send_header("Connection", "Upgrade")
            self.send_header("Sec-WebSocket-Accept", wsbridge.accept_key(key.strip()))
            if "binary" in protocols:
                self.send_header("Sec-WebSocket-Protocol", "binary")
            self.end_headers()
            self.wfile.flush()
        self.close_connection = True
        channel.serve(self.connection, self.rfile, accept)

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


def serve(port, channels):
    """Start the HTTP server on 127.0.0.1:port in a thread, its WebSockets bridged to
    channels ({name: wsbridge.Channel}); return the server."""
    Handler.channels = {f"/ws/{name}": ch for name, ch in channels.items()}
    Handler.config = json.dumps({name: f"/ws/{name}" for name in channels}).encode()
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
    # tools/setup: the Debian packages, and xterm.js from npm into web/node_modules
    bdir = pimm.prepare("tools/explore", dopts, opts["dtb"])
    channels = {"console": wsbridge.Channel("console", history=wsbridge.HISTORY),
                "state": wsbridge.Channel("state")}
    httpd = serve(opts["port"], channels)
    sockdir = tempfile.mkdtemp(prefix="pimm-explore-")
    cmd = qemu_command(bdir, opts, extra, sockdir)
    # its own session: Ctrl-C reaches this server, which ends QEMU (and the page sees it go)
    qemu = subprocess.Popen(pimm.die_with_parent(cmd), stdin=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        # the state socket first: QEMU made it before it began to wait on the console's
        for name in ("state", "console"):
            channels[name].connect(os.path.join(sockdir, name), alive=qemu.poll)
    except RuntimeError as e:
        qemu.kill()
        sys.exit(f"tools/explore: {e}")
    finally:
        shutil.rmtree(sockdir, ignore_errors=True)  # connected: the names are not needed
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
