"""test_wsbridge.py - the explorer server's WebSocket bridge (tools/explorer/wsbridge.py and
server.py's upgrade), on the host: no QEMU, no browser.

A unix-socket server stands in for QEMU's chardev; raw WebSocket clients written here (masked
frames as a browser sends them) connect to the real HTTP server. Checked: the RFC 6455
handshake value, frames of every length encoding both ways, that what pages send reaches the
chardev whole and in order, console history replayed to a late page, ping/pong and close,
cross-origin and malformed frames refused, and that the chardev is drained with no page open.
"""
import base64
import os
import random
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "system"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "explorer"))
from systest import case, run  # noqa: E402
import server  # noqa: E402
import wsbridge  # noqa: E402


class FakeQemu:
    """A unix-socket server accepting one connection, as QEMU's chardev: what the bridge
    writes is collected; send() plays the guest's output."""

    def __init__(self, path):
        self.listener = socket.socket(socket.AF_UNIX)
        self.listener.bind(path)
        self.listener.listen(1)
        self.received = bytearray()
        self.cond = threading.Condition()
        self.conn = None
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        self.conn, _ = self.listener.accept()
        while True:
            data = self.conn.recv(1 << 16)
            with self.cond:
                if not data:
                    return
                self.received += data
                self.cond.notify_all()

    def wait_for(self, n, timeout=10):
        """The first n bytes the bridge wrote."""
        with self.cond:
            assert self.cond.wait_for(lambda: len(self.received) >= n, timeout), \
                f"the chardev got {len(self.received)} of {n} bytes: {bytes(self.received)[:80]!r}"
            return bytes(self.received[:n])

    def send(self, data):
        self.conn.sendall(data)

    def close(self):
        if self.conn:
            self.conn.close()
        self.listener.close()


class Page:
    """A WebSocket client as a browser is: masked frames, the "binary" subprotocol."""

    def __init__(self, port, path, origin=None, expect=101):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        origin = origin or f"http://127.0.0.1:{port}"
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                           f"Sec-WebSocket-Protocol: binary\r\nOrigin: {origin}\r\n\r\n").encode())
        self.rfile = self.sock.makefile("rb")
        status = self.rfile.readline().decode()
        headers = {}
        while (line := self.rfile.readline().decode().strip()):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        assert f" {expect} " in status, (status, headers)
        if expect == 101:
            assert headers["sec-websocket-accept"] == wsbridge.accept_key(key), headers
            assert headers["sec-websocket-protocol"] == "binary", headers

    def send(self, payload, opcode=wsbridge.OP_BINARY, fin=True):
        """One masked frame, as a browser sends it."""
        key = os.urandom(4)
        n = len(payload)
        first = (wsbridge.FIN if fin else 0) | opcode
        if n < 126:
            head = struct.pack("!BB", first, wsbridge.MASK | n)
        elif n < 1 << 16:
            head = struct.pack("!BBH", first, wsbridge.MASK | 126, n)
        else:
            head = struct.pack("!BBQ", first, wsbridge.MASK | 127, n)
        self.sock.sendall(head + key + wsbridge.unmask(payload, key))

    def frame(self):
        """(opcode, payload) of the server's next frame (never masked)."""
        b0, b1 = self.rfile.read(2)
        assert not b1 & wsbridge.MASK, "a server frame must not be masked"
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self.rfile.read(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self.rfile.read(8))[0]
        return b0 & 0x0F, self.rfile.read(n)

    def receive(self, n):
        """n bytes of data frames' payloads, however the server split them."""
        out = b""
        while len(out) < n:
            op, data = self.frame()
            assert op == wsbridge.OP_BINARY, (op, data)
            out += data
        return out

    def close(self):
        self.sock.close()


class Bridge:
    """The real server on a free port with two channels, each on a FakeQemu."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="wsbridge-")
        self.qemu = {}
        self.channels = {"console": wsbridge.Channel("console", history=wsbridge.HISTORY),
                         "state": wsbridge.Channel("state")}
        for name, ch in self.channels.items():
            path = os.path.join(self.dir, name)
            self.qemu[name] = FakeQemu(path)
            ch.connect(path)
        self.httpd = server.serve(0, self.channels)
        self.port = self.httpd.server_address[1]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        for q in self.qemu.values():
            q.close()
        for name in self.qemu:
            os.unlink(os.path.join(self.dir, name))
        os.rmdir(self.dir)


@case
def accept_key_is_rfc6455s_example():
    # RFC 6455 section 1.3: the key "dGhlIHNhbXBsZSBub25jZQ==" is answered so
    assert wsbridge.accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


@case
def frames_of_every_length_reach_the_chardev_whole_and_in_order():
    b = Bridge()
    try:
        page = Page(b.port, "/ws/state")
        rng = random.Random(16)
        sent = b""
        for n in (0, 1, 125, 126, 127, 65535, 65536, 70000, 3):
            data = bytes(rng.randrange(256) for _ in range(n))
            page.send(data)
            sent += data
        page.send(b"walk 0x", fin=False)  # a fragmented message
        page.send(b"00001000\n", opcode=wsbridge.OP_CONT)
        sent += b"walk 0x00001000\n"
        assert b.qemu["state"].wait_for(len(sent)) == sent
        assert b.qemu["console"].received == b"", "bytes went to the wrong chardev"
        page.close()
    finally:
        b.close()


@case
def guest_output_reaches_every_page_and_late_pages_get_the_history():
    b = Bridge()
    try:
        first = Page(b.port, "/ws/console")
        big = bytes(range(256)) * 600  # more than one recv, one frame may not hold it all
        b.qemu["console"].send(b"boot log\r\n")
        assert first.receive(10) == b"boot log\r\n"
        late = Page(b.port, "/ws/console")
        assert late.receive(10) == b"boot log\r\n", "no history replayed to a late page"
        b.qemu["console"].send(big)
        assert first.receive(len(big)) == big
        assert late.receive(len(big)) == big
        # the state channel keeps no history: a page asks for a snapshot instead
        b.qemu["state"].send(b'{"t":"flush"}\n')
        time.sleep(0.2)
        st = Page(b.port, "/ws/state")
        b.qemu["state"].send(b'{"t":"walk"}\n')
        assert st.receive(13) == b'{"t":"walk"}\n'
        for p in (first, late, st):
            p.close()
    finally:
        b.close()


@case
def ping_is_answered_and_close_is_echoed():
    b = Bridge()
    try:
        page = Page(b.port, "/ws/console")
        page.send(b"are you there", opcode=wsbridge.OP_PING)
        assert page.frame() == (wsbridge.OP_PONG, b"are you there")
        page.send(struct.pack("!H", 1000), opcode=wsbridge.OP_CLOSE)
        assert page.frame() == (wsbridge.OP_CLOSE, struct.pack("!H", 1000))
        page.close()
    finally:
        b.close()


@case
def bad_requests_are_refused_and_the_bridge_goes_on():
    b = Bridge()
    try:
        Page(b.port, "/ws/console", origin="http://evil.example", expect=403).close()
        # an unmasked frame is a protocol error: close 1002, nothing reaches the chardev
        page = Page(b.port, "/ws/state")
        page.sock.sendall(struct.pack("!BB", wsbridge.FIN | wsbridge.OP_BINARY, 3) + b"abc")
        assert page.frame() == (wsbridge.OP_CLOSE, struct.pack("!H", 1002))
        page.close()
        s = socket.create_connection(("127.0.0.1", b.port), timeout=10)
        s.sendall(b"GET /ws/state HTTP/1.1\r\nHost: x\r\n\r\n")  # no Upgrade
        assert b" 400 " in s.recv(4096).split(b"\r\n")[0]
        s.close()
        ok = Page(b.port, "/ws/state")
        ok.send(b"snapshot\n")
        assert b.qemu["state"].wait_for(9) == b"snapshot\n", "the refused frames got through"
        ok.close()
    finally:
        b.close()


@case
def the_chardev_is_drained_with_no_page_open():
    # QEMU stops the whole guest when its socket's queue is full: the bridge must read on
    b = Bridge()
    try:
        chunk = b"x" * 65536
        done = threading.Event()

        def flood():
            for _ in range(256):  # 16 MiB, far more than any socket buffer
                b.qemu["state"].send(chunk)
            done.set()
        threading.Thread(target=flood, daemon=True).start()
        assert done.wait(30), "the guest side blocked: nobody drains the chardev"
    finally:
        b.close()


@case
def tools_explore_refuses_bad_arguments_in_one_line():
    # parsed before anything is set up, built or started: a clear line and status 1
    explore = os.path.join(HERE, "..", "..", "explore")
    for args, want in ((["--port", "abc"], "--port needs a TCP port (0-65535), not 'abc'"),
                       (["--port", "70000"], "--port needs a TCP port (0-65535), not '70000'"),
                       (["--port"], "--port needs a value"),
                       (["--gdb=0"], "--gdb=PORT needs a TCP port (1-65535), not '0'"),
                       (["--bogus"], "unknown argument '--bogus'")):
        r = subprocess.run([explore] + args, capture_output=True, text=True, timeout=60)
        assert r.returncode == 1 and not r.stdout, (args, r.returncode, r.stdout)
        assert r.stderr == f"tools/explore: {want} (see tools/explore --help)\n", (args, r.stderr)
    r = subprocess.run([explore, "--help"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "usage: tools/explore" in r.stdout, r


if __name__ == "__main__":
    run()
