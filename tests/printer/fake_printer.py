"""A network printer played by a TCP server on 127.0.0.1 (port 9100's protocol: raw bytes
in, one-byte DLE EOT replies out). Modes, switchable at any time for new connections:

- ``normal``: reads everything; a connection that carried more than status queries is a job.
- ``never_read``: accepts and never reads (the socket buffers fill, the sender stalls).
- ``close_mid_job``: reads ``close_after`` bytes, then resets the connection.

``after_job`` replaces the status replies once the next job has arrived whole: a printer
whose paper ran out, or whose cover was opened, while it printed that job.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable

QUERIES = {b"\x10\x04\x01": 1, b"\x10\x04\x02": 2, b"\x10\x04\x04": 4}
OK_REPLY = b"\x12"
PAPER_OUT_REPLY = b"\x72"  # fixed bits 0x12 + paper end sensors 0x60


class FakePrinter:
    def __init__(self, port: int = 0) -> None:
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Small receive buffers so a printer that does not read stalls the sender fast.
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.listener.bind(("127.0.0.1", port))
        self.listener.listen(8)
        self.listener.settimeout(0.05)
        self.port = self.listener.getsockname()[1]
        self.mode = "normal"
        self.close_after = 1000
        self.pace = 0.0  # bytes per second it reads at (0: as fast as it can)
        self.replies: dict[int, bytes] = {1: OK_REPLY, 4: OK_REPLY}
        # Replies from the end of the next job on (the paper ran out or the cover was
        # opened while it printed); None: the replies do not change.
        self.after_job: dict[int, bytes] | None = None
        self.jobs: list[bytes] = []  # complete jobs, in arrival order
        self.aborted: list[bytes] = []  # what arrived on connections that broke off
        self.connections = 0
        self.active = 0  # connections being served right now
        self._held: list[socket.socket] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def uri(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.connections += 1
            mode = self.mode
            if mode == "never_read":
                self._held.append(conn)  # kept open, never read, until close()
                continue
            threading.Thread(target=self._serve, args=(conn, mode), daemon=True).start()

    def _serve(self, conn: socket.socket, mode: str) -> None:
        with self._lock:
            self.active += 1
        try:
            self._serve_one(conn, mode)
        finally:
            with self._lock:
                self.active -= 1

    def _serve_one(self, conn: socket.socket, mode: str) -> None:
        data = bytearray()
        conn.settimeout(5)
        try:
            while True:
                chunk = conn.recv(4096 if self.pace else 65536)
                if not chunk:
                    break
                data += chunk
                if self.pace:
                    time.sleep(len(chunk) / self.pace)
                if mode == "close_mid_job" and len(data) >= self.close_after:
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    with self._lock:
                        self.aborted.append(bytes(data))
                    return
                reply = self.replies.get(QUERIES.get(bytes(data[-3:]), 0), b"")
                if bytes(data[-3:]) in QUERIES and reply:
                    conn.sendall(reply)
        except OSError:
            with self._lock:
                self.aborted.append(bytes(data))
            return
        finally:
            conn.close()
        if _only_queries(bytes(data)):
            return
        with self._lock:
            self.jobs.append(bytes(data))
            if self.after_job is not None:
                self.replies, self.after_job = self.after_job, None

    def close(self) -> None:
        self._stop.set()
        self.listener.close()
        for conn in self._held:
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.close()
        self._thread.join(5)


def _only_queries(data: bytes) -> bool:
    return all(data[i : i + 3] in QUERIES for i in range(0, len(data), 3)) and len(data) % 3 == 0


def wait_until(condition: Callable[[], object], timeout: float = 20.0) -> None:
    """Poll until ``condition`` holds; the generous timeout only bounds a broken test."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.005)
