"""Network (TCP 9100), device or file path, and CUPS queue connections."""

from __future__ import annotations

import logging
import os
import re
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

from printer.errors import CupsJobFailed, CupsJobLeft, NotFound, Offline, PrinterError, Timeout
from printer.link import CHUNK, Connection, HandedOver, map_oserror, pump, split_tail
from printer.status import PrinterStatus, parse_lp, query

log = logging.getLogger(__name__)

# A small send buffer bounds what the kernel holds for a printer that stopped reading, so
# a stall shows up as a timeout instead of vanishing into megabytes of socket buffer.
SNDBUF = 32 * 1024


class TcpConnection(Connection):
    """Raw TCP, one connection per job, as port 9100 printers expect."""

    can_read = True

    def __init__(self, host: str, port: int, timeout: float, uri: str = "") -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.uri = uri or f"tcp://{host}:{port}"

    def _connect(self, timeout: float) -> socket.socket:
        try:
            infos = socket.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise map_oserror(exc, self.uri) from exc
        last: OSError | None = None
        for family, kind, proto, _, addr in infos:
            sock = socket.socket(family, kind, proto)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SNDBUF)
            sock.settimeout(timeout)
            try:
                sock.connect(addr)
                return sock
            except OSError as exc:
                sock.close()
                last = exc
        assert last is not None
        raise map_oserror(last, self.uri) from last

    def _send(self, data: bytes, handed_over: HandedOver) -> None:
        sock = self._connect(self.timeout)
        ok = False
        sent = 0
        try:
            # The timeout applies to each send: a slow printer that keeps taking bytes
            # never times out, one that stops for ``timeout`` seconds does.
            body, tail = split_tail(data)
            for part, last in ((body, False), (tail, True)):
                if last:
                    handed_over()
                view = memoryview(part)
                while view:
                    n = sock.send(view[:CHUNK])
                    view = view[n:]
                    sent += n
            _drain(sock, self.timeout)
            err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                raise OSError(err, os.strerror(err))
            sock.shutdown(socket.SHUT_WR)
            ok = True
        except PrinterError as exc:
            exc.sent = sent
            raise
        except OSError as exc:
            raise map_oserror(exc, f"{self.uri} mid-job", sent) from exc
        finally:
            if not ok:
                # Reset instead of a graceful close: the kernel must not go on delivering
                # the rest of a job we are about to resend when the printer wakes up.
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()

    def status(self) -> PrinterStatus:
        timeout = min(self.timeout, 2.0)
        try:
            sock = self._connect(timeout)
        except PrinterError:
            return PrinterStatus.OFFLINE
        try:
            return query(lambda q: _ask(sock, q))
        finally:
            sock.close()


def _ask(sock: socket.socket, query: bytes) -> bytes:
    try:
        sock.sendall(query)
        return sock.recv(16)
    except OSError:
        return b""


def _drain(sock: socket.socket, timeout: float) -> None:
    """Wait until the printer has acknowledged every byte (Linux: TIOCOUTQ), resetting
    the deadline whenever it makes progress. Elsewhere sendall's timeout must do."""
    if not sys.platform.startswith("linux"):
        return
    import fcntl
    import termios

    def unsent() -> int:
        raw = fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0")
        return int(struct.unpack("i", raw)[0])

    left = unsent()
    deadline = time.monotonic() + timeout
    pause = 0.002
    while left:
        if time.monotonic() > deadline:
            raise Timeout(f"printer stopped reading with {left} bytes unsent")
        time.sleep(pause)
        pause = min(pause * 2, 0.05)
        err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if err:  # reset by the printer: the queued bytes will never be taken
            raise OSError(err, os.strerror(err))
        now_left = unsent()
        if now_left < left:
            deadline = time.monotonic() + timeout
        left = now_left


class FileConnection(Connection):
    """A device node (``/dev/usb/lp0``) or a plain file, written without blocking forever."""

    def __init__(self, path: Path, timeout: float, uri: str = "") -> None:
        self.path, self.timeout = path, timeout
        self.uri = uri or f"file://{path}"

    def _send(self, data: bytes, handed_over: HandedOver) -> None:
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_NONBLOCK | os.O_APPEND, 0o644)
        except OSError as exc:
            raise map_oserror(exc, str(self.path)) from exc
        try:
            pump(fd, data, self.timeout, handed_over, str(self.path))
        finally:
            os.close(fd)

    def status(self) -> PrinterStatus:
        is_device = str(self.path).startswith("/dev/")
        if not self.path.exists():
            # A missing device node is an unplugged printer; a plain file is made on write.
            return PrinterStatus.OFFLINE if is_device else PrinterStatus.UNKNOWN
        if not str(self.path).startswith("/dev/usb/lp"):
            return PrinterStatus.UNKNOWN
        return _lp_status(self.path)


def _lp_status(path: Path) -> PrinterStatus:
    import array
    import fcntl

    lpgetstatus = 0x060B
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return PrinterStatus.UNKNOWN
    try:
        buf = array.array("i", [0])
        fcntl.ioctl(fd, lpgetstatus, buf, True)
        return parse_lp(buf[0])
    except OSError:
        return PrinterStatus.UNKNOWN
    finally:
        os.close(fd)


class CupsConnection(Connection):
    """A CUPS queue, fed raw through ``lp`` and followed over IPP until CUPS says the job
    completed. "lp returned" only means CUPS accepted the job; a failing backend leaves it
    stopped or aborted, which must not count as printed."""

    def __init__(self, queue: str, timeout: float, uri: str = "", follow: float = 120.0) -> None:
        self.queue, self.timeout, self.follow = queue, timeout, follow
        self.uri = uri or f"cups://{queue}"
        self.poll = 0.2

    def _send(self, data: bytes, handed_over: HandedOver) -> None:
        # Once lp has run, CUPS holds the whole job: from here a crash may see it printed.
        handed_over()
        try:
            done = subprocess.run(
                ["lp", "-d", self.queue, "-o", "raw", "-"],
                input=data,
                capture_output=True,
                timeout=self.timeout,
                check=False,
            )
        except FileNotFoundError as exc:
            raise NotFound("the lp command is missing: install cups-client") from exc
        except subprocess.TimeoutExpired as exc:
            raise Timeout(f"lp did not return within {self.timeout} s") from exc
        if done.returncode:
            err = done.stderr.decode(errors="replace").strip()
            if "not exist" in err or "Unknown destination" in err or "No such" in err:
                raise NotFound(f"CUPS queue {self.queue}: {err}")
            raise Offline(f"CUPS queue {self.queue}: {err}")
        m = re.search(r"request id is (\S+)-(\d+)", done.stdout.decode(errors="replace"))
        if not m:
            raise Offline(f"lp gave no job id: {done.stdout!r}", sent=len(data))
        self._follow(int(m[2]), len(data))

    def _follow(self, job_id: int, size: int) -> None:
        """Wait for CUPS to finish the job; the wait restarts whenever its state changes
        (pending → processing), so a long queue ahead of us is not a failure."""
        from printer import ipp  # http.client and its kin: only a CUPS printer needs them

        deadline = time.monotonic() + self.follow
        seen: tuple[int, tuple[str, ...]] | None = None
        while True:
            try:
                answer = ipp.job(job_id, self.timeout)
            except OSError as exc:
                raise Offline(f"CUPS job {job_id}: cannot ask its state: {exc}", sent=size) from exc
            state, reasons = answer.state, answer.reasons
            if (state, reasons) != seen:
                log.info("CUPS job %s-%d: %s %s", self.queue, job_id, answer.name, answer.why())
                seen = (state, reasons)
                deadline = time.monotonic() + self.follow
            if state == ipp.COMPLETED:
                return
            if state in (ipp.ABORTED, ipp.CANCELED):
                raise CupsJobFailed(f"CUPS job {job_id} {answer.name}: {answer.why()}", sent=size)
            if state in (ipp.HELD, ipp.STOPPED) or "printer-stopped" in reasons:
                # A failing backend stops the queue (CUPS's default error policy) or holds
                # the job for a retry: it would print whenever CUPS or someone restarts it,
                # after our own retry. Cancelled, our retry is the only copy.
                self._cancel(job_id, size, f"{answer.name}: {answer.why()}")
                raise CupsJobFailed(f"CUPS job {job_id} {answer.name}: {answer.why()}", sent=size)
            if time.monotonic() > deadline:
                self._cancel(job_id, size, f"still {answer.name}")
                raise Timeout(f"CUPS job {job_id} still {answer.name}", sent=size)
            time.sleep(self.poll)

    def _cancel(self, job_id: int, size: int, why: str) -> None:
        from printer import ipp

        refused = ipp.cancel_job(job_id, self.timeout)
        if refused:
            # CUPS keeps the job and prints it when its queue runs again: resending
            # would print the receipt twice, so this job is not retried.
            raise CupsJobLeft(f"CUPS job {job_id} {why}; {refused}", sent=size)

    def status(self) -> PrinterStatus:
        try:
            done = subprocess.run(
                ["lpstat", "-p", self.queue],
                capture_output=True,
                timeout=self.timeout,
                check=False,
                text=True,
            )
        except (OSError, subprocess.TimeoutExpired):
            return PrinterStatus.UNKNOWN
        if done.returncode or "disabled" in done.stdout:
            return PrinterStatus.OFFLINE
        # CUPS knows the queue is enabled, not whether the paper is in: unknown, not OK.
        return PrinterStatus.UNKNOWN
