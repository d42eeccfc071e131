"""tools/explorer/wsbridge.py - one QEMU serial port (a unix-socket chardev) shared with the
explorer page's WebSockets (RFC 6455), in Python's standard library.

Why not QEMU's own `websocket=on` chardev: QEMU 7.2's WebSocket channel loses and garbles what
the browser sends when a frame holds more bytes than the UART's receive FIFO takes at once
(a `walk 0x00001000` request arrived as 'wa\\xf0\\xc56\\xa4['). A plain socket chardev has
QEMU read only what the UART can take, so nothing is lost; this module puts the WebSocket
framing on the host side instead.

    QEMU chardev (unix socket) ── Channel ──┬── Client (page 1): a queue and a sender thread
       guest→host: one reader thread        ├── Client (page 2)
       host→guest: Channel.write (locked)   └── ...

The reader thread always drains QEMU's socket, page or no page: QEMU blocks the whole guest
when the socket's queue is full. What it read goes to every client's queue; a client's sender
joins what has queued into one binary frame, so a slow page gets fewer, larger frames and never
holds up the guest. The console channel keeps the last HISTORY bytes and replays them to each
new page, which so sees the boot log and the prompt however late it connects.

Frames (RFC 6455 section 5.2), the subset browsers use:

    byte 0: FIN (0x80) | opcode (0x1 text, 0x2 binary, 0x0 continuation, 0x8 close,
            0x9 ping, 0xa pong)
    byte 1: MASK (0x80, always set by a browser) | length 0-125, or 126 (16-bit length
            follows) or 127 (64-bit length follows)
    then the 4-byte masking key (client frames only) and the payload, byte i XOR key[i % 4]
"""
import base64
import hashlib
import queue
import socket
import struct
import threading
import time

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 section 1.3
OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
FIN = 0x80
MASK = 0x80
MAX_FRAME = 1 << 20  # a page sends keystrokes and request lines: anything bigger is an error
HISTORY = 256 * 1024  # console bytes replayed to a new page


def accept_key(key):
    """Sec-WebSocket-Accept for the client's Sec-WebSocket-Key."""
    return base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()


def encode_frame(payload, opcode=OP_BINARY):
    """One unmasked, final server frame carrying payload."""
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", FIN | opcode, n)
    elif n < 1 << 16:
        head = struct.pack("!BBH", FIN | opcode, 126, n)
    else:
        head = struct.pack("!BBQ", FIN | opcode, 127, n)
    return head + payload


def unmask(data, key):
    """data XOR the 4-byte masking key, repeated."""
    if not data:
        return data
    k = (key * (len(data) // 4 + 1))[:len(data)]
    return (int.from_bytes(data, "big") ^ int.from_bytes(k, "big")).to_bytes(len(data), "big")


def read_exact(rfile, n):
    """n bytes from rfile; ConnectionError when it ends first."""
    data = rfile.read(n)
    if data is None or len(data) < n:
        raise ConnectionError("WebSocket closed mid-frame")
    return data


def read_frame(rfile):
    """(fin, opcode, payload) of the next client frame; ValueError for a malformed one."""
    b0, b1 = read_exact(rfile, 2)
    if b0 & 0x70:
        raise ValueError("reserved bits set (no extension was negotiated)")
    if not b1 & MASK:
        raise ValueError("client frame not masked")
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack("!H", read_exact(rfile, 2))[0]
    elif n == 127:
        n = struct.unpack("!Q", read_exact(rfile, 8))[0]
    if n > MAX_FRAME:
        raise ValueError(f"frame of {n} bytes (at most {MAX_FRAME})")
    key = read_exact(rfile, 4)
    return bool(b0 & FIN), b0 & 0x0F, unmask(read_exact(rfile, n), key)


class Client:
    """One page's WebSocket: frames go out from a sender thread fed by a queue, started once
    the handshake's answer is on its way (what is pushed before waits in the queue). The
    queue holds data (bytes) and at most one close (its status code, an int), sent in order."""

    def __init__(self, sock):
        self.sock = sock
        self.queue = queue.Queue()
        self.lock = threading.Lock()  # one frame at a time on the socket
        self.alive = True  # False once a close frame went out or the page went away

    def start(self):
        """Start sending what is queued and what comes."""
        threading.Thread(target=self._sender, daemon=True).start()

    def push(self, data):
        """Queue data for the page (never blocks)."""
        self.queue.put(data)

    def push_close(self, code):
        """Queue a close frame with status code, after the data already queued."""
        self.queue.put(code)

    def _sender(self):
        """Send what has queued, the data joined into one binary frame per wake-up."""
        while self.alive:
            items = [self.queue.get()]
            while not self.queue.empty():
                items.append(self.queue.get_nowait())
            data = [x for x in items if isinstance(x, bytes)]
            close = [x for x in items if isinstance(x, int)]
            if data:
                self.send_frame(b"".join(data))
            if close:
                self.close(close[0])

    def send_frame(self, payload, opcode=OP_BINARY):
        """Send one frame now, unless a close went out; a page gone away ends this client."""
        with self.lock:
            if not self.alive:
                return
            try:
                self.sock.sendall(encode_frame(payload, opcode))
            except OSError:
                self.alive = False

    def close(self, code=1000):
        """Send a close frame (status code) now; nothing is sent after it."""
        with self.lock:
            if self.alive:
                try:
                    self.sock.sendall(encode_frame(struct.pack("!H", code), OP_CLOSE))
                except OSError:
                    pass
            self.alive = False
        self.queue.put(0)  # wake the sender so that it ends


class Channel:
    """A QEMU chardev's unix socket shared by any number of WebSocket clients."""

    def __init__(self, name, history=0):
        self.name = name
        self.history_max = history
        self.history = bytearray()
        self.clients = []
        self.lock = threading.Lock()  # clients and history
        self.write_lock = threading.Lock()  # one writer at a time into QEMU
        self.sock = None
        self.closed = threading.Event()

    def connect(self, path, alive=lambda: None, timeout=30):
        """Connect to QEMU's socket at path, retrying until QEMU has made it (while alive()
        returns None, as Popen.poll does); start reading. RuntimeError when it never comes."""
        end = time.monotonic() + timeout
        while True:
            s = socket.socket(socket.AF_UNIX)
            try:
                s.connect(path)
                break
            except OSError:
                s.close()
                if alive() is not None:
                    raise RuntimeError(f"QEMU exited before making its {self.name} socket")
                if time.monotonic() > end:
                    raise RuntimeError(f"QEMU's {self.name} socket {path} did not appear "
                                       f"within {timeout} s")
                time.sleep(0.02)
        self.sock = s
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self):
        """Drain QEMU's socket into the history and every client, until QEMU closes it."""
        while True:
            try:
                data = self.sock.recv(1 << 16)
            except OSError:
                data = b""
            if not data:
                break
            with self.lock:
                if self.history_max:
                    self.history += data
                    del self.history[:-self.history_max]
                for c in self.clients:
                    c.push(data)
        with self.lock:
            self.closed.set()
            for c in self.clients:
                c.push_close(1001)  # going away, after what was read

    def write(self, data):
        """Bytes from a page to the guest; False when QEMU's socket is gone."""
        try:
            with self.write_lock:
                self.sock.sendall(data)
            return True
        except (OSError, AttributeError):
            return False

    def serve(self, sock, rfile, accept):
        """Run one page's WebSocket until it closes. accept() sends the handshake's answer:
        it is called once the page is among the clients, so every byte the guest writes after
        the page sees its socket open reaches it."""
        client = Client(sock)
        with self.lock:
            if self.history:
                client.push(bytes(self.history))
            if self.closed.is_set():
                client.push_close(1001)
            self.clients.append(client)
        try:
            accept()
        except OSError:
            client.alive = False
        client.start()
        try:
            self._serve_frames(client, rfile)
        except (ConnectionError, OSError):
            pass
        except ValueError:
            client.close(1002)  # protocol error
        finally:
            with self.lock:
                self.clients.remove(client)
            client.alive = False
            client.queue.put(0)  # end the sender

    def _serve_frames(self, client, rfile):
        """Read the page's frames: data to QEMU, pings answered, close returned."""
        while client.alive:
            _fin, opcode, payload = read_frame(rfile)
            if opcode in (OP_TEXT, OP_BINARY, OP_CONT):
                # fragments are passed on as they come: the guest sees a byte stream anyway
                if not self.write(payload):
                    client.close(1011)
                    return
            elif opcode == OP_PING:
                client.send_frame(payload, OP_PONG)
            elif opcode == OP_CLOSE:
                client.close()
                return
            elif opcode != OP_PONG:
                raise ValueError(f"unknown opcode {opcode:#x}")
