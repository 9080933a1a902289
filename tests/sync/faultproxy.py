"""A small fault-injecting HTTP proxy for the sync tests.

It listens on 127.0.0.1 in front of the real central server and handles one request per
client connection (it answers with ``Connection: close``), so each request can be given
its own fate:

    pass        forward and relay the answer
    down        refuse connections (the listening socket is closed)
    stall       read the request, never answer (until released or stopped)
    stall_after forward to central (which does the work), then never answer
    reset       forward, relay half of the answer, then reset the connection (RST)
    truncate    forward, relay the headers and half of the body under 200, close cleanly
    chop        like truncate but without Content-Length (only the JSON is cut short)
    http500     answer 500 with a JSON error body, central never sees the request
    http503     answer 503 with Retry-After (``retry_after`` seconds)
    http429     answer 429 with Retry-After: central throttling repeated failed auth

``set(mode, path=..., times=..., after=...)`` limits a fault to paths starting with
``path``, lets the first ``after`` matching requests pass, then faults the next ``times``
(None: all); other requests pass. Every loop is bounded by
socket timeouts and the proxy's own lifetime, so a forgotten proxy stops by itself.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import struct
import threading
import time
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

MODES = {
    "pass",
    "down",
    "stall",
    "stall_after",
    "reset",
    "truncate",
    "chop",
    "http500",
    "http503",
    "http429",
}
IO_TIMEOUT = 20.0


@dataclass
class Seen:
    method: str
    path: str
    mode: str


@dataclass
class _Rule:
    mode: str = "pass"
    path: str = ""
    times: int | None = None  # None: until changed
    after: int = 0  # let this many matching requests pass first
    retry_after: int = 1


@dataclass
class FaultProxy:
    upstream: tuple[str, int]
    lifetime_s: float = 600.0
    seen: list[Seen] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._rule = _Rule()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._release = threading.Event()
        self._listener: socket.socket | None = None
        self._cond = threading.Condition(self._lock)
        self.port = 0
        self._open_listener()
        self._deadline = time.monotonic() + self.lifetime_s
        self._thread = threading.Thread(target=self._accept_loop, name="faultproxy", daemon=True)
        self._thread.start()

    # --- control -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def set(
        self,
        mode: str,
        path: str = "",
        times: int | None = None,
        retry_after: int = 1,
        after: int = 0,
    ) -> None:
        if mode not in MODES:
            raise ValueError(mode)
        with self._lock:
            self._rule = _Rule(mode, path, times, after, retry_after)
            self._release.clear()
        if mode == "down":
            self._close_listener()
        elif self._listener is None:
            self._open_listener()

    def release(self) -> None:
        """Let stalled connections go (they are closed without an answer)."""
        self._release.set()

    def wait_seen(self, mode: str, count: int = 1, timeout: float = 20.0) -> None:
        """Block until ``count`` requests have been given ``mode``."""
        with self._cond:
            ok = self._cond.wait_for(
                lambda: sum(s.mode == mode for s in self.seen) >= count, timeout
            )
        if not ok:
            raise TimeoutError(f"no {count} x {mode} within {timeout} s: {self.seen}")

    def stop(self) -> None:
        self._stop.set()
        self._release.set()
        self._close_listener()
        self._thread.join(5)

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- listener ------------------------------------------------------------------------

    def _open_listener(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))  # same port again after "down"
        sock.listen(32)
        sock.settimeout(0.1)
        self.port = sock.getsockname()[1]
        self._listener = sock

    def _close_listener(self) -> None:
        sock, self._listener = self._listener, None
        if sock is not None:
            sock.close()

    def _accept_loop(self) -> None:
        while not self._stop.is_set() and time.monotonic() < self._deadline:
            listener = self._listener
            if listener is None:
                self._stop.wait(0.05)
                continue
            try:
                conn, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()
        self._close_listener()

    # --- one connection ------------------------------------------------------------------

    def _pick(self, path: str) -> _Rule:
        with self._lock:
            rule = self._rule
            if rule.mode == "pass" or not path.startswith(rule.path):
                return _Rule()
            if rule.after > 0:
                rule.after -= 1
                return _Rule()
            if rule.times is not None:
                rule.times -= 1
                if rule.times <= 0:
                    self._rule = _Rule()
            return rule

    def _serve(self, conn: socket.socket) -> None:
        with contextlib.closing(conn):
            conn.settimeout(IO_TIMEOUT)
            try:
                request = _read_request(conn)
            except OSError:
                return
            if request is None:
                return
            method, path = request.split(b" ", 2)[:2]
            rule = self._pick(path.decode("latin-1"))
            with self._cond:
                self.seen.append(Seen(method.decode(), path.decode("latin-1"), rule.mode))
                self._cond.notify_all()
            try:
                self._answer(conn, request, rule)
            except OSError as exc:
                log.debug("faultproxy connection ended: %r", exc)

    def _answer(self, conn: socket.socket, request: bytes, rule: _Rule) -> None:
        mode = rule.mode
        if mode in ("stall", "down"):  # "down" raced the listener closing: stall too
            self._hold()
            return
        if mode == "http500":
            conn.sendall(_json_response(500, b'{"error":{"code":"boom","message":"injected"}}'))
            return
        if mode in ("http503", "http429"):
            extra = f"Retry-After: {rule.retry_after}\r\n".encode()
            status = 503 if mode == "http503" else 429
            conn.sendall(_json_response(status, b'{"error":{"code":"busy"}}', extra))
            return
        response = self._forward(request)
        if mode == "pass":
            conn.sendall(response)
        elif mode == "stall_after":
            self._hold()
        elif mode == "reset":
            conn.sendall(response[: len(response) * 3 // 4])
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif mode in ("truncate", "chop"):
            head, _, body = response.partition(b"\r\n\r\n")
            if mode == "chop":
                lines = head.split(b"\r\n")
                head = b"\r\n".join(x for x in lines if not x.lower().startswith(b"content-length"))
            conn.sendall(head + b"\r\n\r\n" + body[: len(body) // 2])

    def _hold(self) -> None:
        # Bounded: released by the test, by stop(), or by the I/O timeout at the latest.
        self._release.wait(IO_TIMEOUT)

    def _forward(self, request: bytes) -> bytes:
        chunks = []
        with socket.create_connection(self.upstream, timeout=IO_TIMEOUT) as up:
            # Central may answer (413) and close before it has read a large body: relay
            # whatever answer it gave.
            with contextlib.suppress(OSError):
                up.sendall(request)
            with contextlib.suppress(OSError):
                while chunk := up.recv(65536):
                    chunks.append(chunk)
        return b"".join(chunks)


def _read_request(conn: socket.socket) -> bytes | None:
    """One HTTP/1.1 request, rewritten to ``Connection: close`` so central closes after
    answering and the relay knows where the answer ends."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
        if len(data) > 1 << 20:
            return None
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    length = 0
    kept = [lines[0]]
    for line in lines[1:]:
        name = line.split(b":", 1)[0].strip().lower()
        if name == b"content-length":
            length = int(line.split(b":", 1)[1])
        if name != b"connection":
            kept.append(line)
    kept.append(b"Connection: close")
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    return b"\r\n".join(kept) + b"\r\n\r\n" + body


def _json_response(status: int, body: bytes, extra: bytes = b"") -> bytes:
    reason = {
        429: b"Too Many Requests",
        500: b"Internal Server Error",
        503: b"Service Unavailable",
    }[status]
    return (
        b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
        b"Connection: close\r\n%s\r\n%s" % (status, reason, len(body), extra, body)
    )
