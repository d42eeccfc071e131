"""statestream.py - the host end of pimm's state stream (docs/state-stream.md) on a unix
socket: send requests, read records checked against the schema (tools/explorer/schema.py) and
replayed on the last snapshot (schema.Model). Used by test_state.py and tools/bench.

    QEMU  -chardev socket,id=state,path=P,server=on,wait=off -serial chardev:state
                                   (state_chardev(P): the mini UART, QEMU's second -serial)
    Stream(P)  a reader thread drains the socket into lines; read_until() checks and applies
"""
import json
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "explorer"))
from schema import Model, check_record  # noqa: E402


def state_chardev(path):
    """QEMU arguments that make the mini UART a unix-socket server at path (never waits)."""
    return ("-chardev", f"socket,id=state,path={path},server=on,wait=off",
            "-serial", "chardev:state")


class Stream:
    """The state stream's host end on a unix socket: send requests, read checked records.

    A thread reads the socket all the time, as the explorer's page does: QEMU writes the mini
    UART's bytes one by one and blocks (the whole machine with it) when the socket's queue
    is full, so a host end that stops reading would freeze the guest."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX)
        end = time.monotonic() + 10
        while True:
            try:
                self.sock.connect(path)
                break
            except OSError:
                if time.monotonic() > end:
                    raise
                time.sleep(0.05)
        self.lines, self.closed = [], False
        self.cond = threading.Condition()
        self.records = []
        self.model = Model()
        self.diff = None
        threading.Thread(target=self._reader, daemon=True).start()

    def _reader(self):
        buf = b""
        while True:
            try:
                data = self.sock.recv(1 << 16)
            except OSError:
                data = b""
            with self.cond:
                if not data:
                    self.closed = True
                    self.cond.notify_all()
                    return
                buf += data
                *lines, buf = buf.split(b"\n")
                self.lines.extend(lines)
                self.cond.notify_all()

    def send(self, line):
        self.sock.sendall(line.encode() + b"\n")

    def read_until(self, pred, timeout=20):
        """Records up to and including the first that pred accepts (each checked, applied)."""
        end, out = time.monotonic() + timeout, []
        while True:
            with self.cond:
                while not self.lines:
                    assert not self.closed, "the stream's socket closed"
                    left = end - time.monotonic()
                    if left <= 0:
                        raise AssertionError(f"no awaited record within {timeout} s; "
                                             f"last: {out[-3:]}")
                    self.cond.wait(left)
                line = self.lines.pop(0)
            rec = json.loads(line)
            problems = check_record(rec)
            assert not problems, f"{problems}: {line[:300]!r}"
            self.records.append(rec)
            if rec["t"] == "snapshot" and self.model.snapshot is not None:
                self.diff = self.model.differences(rec)  # the model just before it
            self.model.apply(rec)
            out.append(rec)
            if pred(rec):
                return out

    def snapshot(self):
        """A fresh snapshot (the model restarts from it)."""
        self.send("snapshot")
        return self.read_until(lambda r: r["t"] == "snapshot")[-1]

    def after(self, m, line, timeout=20):
        """Run line on the console; the records of its batch up to its final "flush"."""
        out = m.cmd(line, timeout=timeout)
        recs = self.read_until(lambda r: r["t"] == "flush" and r["cmd"] == line and
                               not r["running"], timeout)
        return out, recs

    def assert_model_fresh(self, what):
        """The replayed model equals a fresh snapshot's zones and pagesets."""
        self.send("snapshot")
        snap = self.read_until(lambda r: r["t"] == "snapshot")[-1]
        assert not self.diff, \
            f"after {what}: the replayed events differ from a fresh snapshot: {self.diff}"
        return snap
