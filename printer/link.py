"""The connection every transport is: the job-writing contract, chunked writes with a
deadline that restarts on progress, and the resync a printer needs after a partial job.

Transports (``transports``, ``hardware``) import this module; ``connections`` maps URIs
onto them. Nothing here imports a transport, so there is no import circle.

The contract of ``Connection.write(data, handed_over)``:

- bytes go out in chunks; every chunk has ``timeout`` seconds to be taken, so a slow line
  (9600 baud: a raster receipt is 20–120 s) succeeds once while a printer that stops
  taking bytes fails within ``timeout`` of its last progress;
- ``handed_over()`` is called once, just before the job's final ``TAIL`` bytes are handed
  to the kernel or device. Before that call the printer cannot have the whole job (the
  cut is still with us); after it a crash may leave the whole job printed. The print
  queue records it so a crash never asks staff to reprint a receipt that came out;
- a failure raises a ``PrinterError`` whose ``sent`` says how many bytes were handed over
  before it; the connection remembers the printer may be stuck inside a command and the
  next write starts with ``resync.prefix`` (padding, then ``ESC @``).
"""

from __future__ import annotations

import errno
import logging
import os
import re
import select
import socket
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from printer import resync
from printer.errors import (
    Busy,
    NotFound,
    Offline,
    PaperOut,
    PermissionDenied,
    PrinterError,
    Timeout,
)
from printer.status import PrinterStatus

log = logging.getLogger(__name__)

HandedOver = Callable[[], None]

# The last bytes of a job (our receipts end with feed + cut) are held back until the
# queue has recorded that the job is being handed over.
TAIL = 8
CHUNK = 4096


def map_oserror(exc: OSError, what: str, sent: int = 0) -> PrinterError:
    """The typed printer error for an OS failure; ``sent`` bytes had been handed over."""
    if isinstance(exc, TimeoutError | socket.timeout):
        return Timeout(f"{what}: no progress", sent=sent)
    code = exc.errno
    if code in (errno.ENOENT, errno.ENODEV, errno.ENXIO) or isinstance(exc, socket.gaierror):
        return NotFound(f"{what}: {exc}", sent=sent)
    if code in (errno.EACCES, errno.EPERM):
        return PermissionDenied(f"{what}: {exc}", sent=sent)
    if code == errno.EBUSY:
        return Busy(f"{what}: {exc}", sent=sent)
    if code == errno.ENOSPC:
        return PaperOut(f"{what}: {exc}", sent=sent)
    return Offline(f"{what}: {exc}", sent=sent)


def split_tail(data: bytes) -> tuple[bytes, bytes]:
    cut = max(0, len(data) - TAIL)
    return data[:cut], data[cut:]


class Connection(ABC):
    """One printer. ``write`` sends a whole job; ``status`` never raises for a printer
    that does not answer, it says UNKNOWN (or OFFLINE when it cannot even connect)."""

    uri: str = ""
    # True when the transport can read status replies back from the printer.
    can_read: bool = False
    # Bytes of padding the printer may still be waiting for after an earlier partial
    # write (0: its parser is at a command boundary as far as we know).
    resync_pad: int = 0

    def write(self, data: bytes, handed_over: HandedOver | None = None) -> None:
        """Send one job (see the module docstring); resyncs first after a partial job."""
        prefix = resync.prefix(self.resync_pad) if self.resync_pad else b""
        if prefix:
            log.info("%s: resync with %d padding bytes before the next job", self.uri, len(prefix))
        whole = prefix + data
        try:
            self._send(whole, handed_over or (lambda: None))
        except PrinterError as exc:
            if exc.sent > len(prefix):
                self.resync_pad = resync.padding_after(whole, exc.sent)
            elif exc.sent:
                # Part of the resync itself went out: the old command may still be open.
                self.resync_pad = max(self.resync_pad - exc.sent, 0) + resync.SHORT
            raise
        self.resync_pad = 0

    @abstractmethod
    def _send(self, data: bytes, handed_over: HandedOver) -> None: ...

    def status(self) -> PrinterStatus:
        return PrinterStatus.UNKNOWN

    def close(self) -> None:  # noqa: B027 - most transports hold nothing open between jobs
        pass

    def __enter__(self) -> Connection:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def pump(
    fd: int, data: bytes, timeout: float, handed_over: HandedOver, what: str, chunk: int = CHUNK
) -> None:
    """Write ``data`` to a non-blocking ``fd`` in chunks; each chunk has ``timeout`` seconds
    to make progress. Errors carry ``sent``, the bytes the kernel took before them."""
    body, tail = split_tail(data)
    sent = 0
    for part, last in ((body, False), (tail, True)):
        if last:
            handed_over()
        view = memoryview(part)
        while view:
            _, ready, _ = select.select([], [fd], [], timeout)
            if not ready:
                raise Timeout(f"{what} took no bytes for {timeout} s", sent=sent)
            try:
                n = os.write(fd, view[:chunk])
            except (BlockingIOError, InterruptedError):
                continue
            except OSError as exc:
                raise map_oserror(exc, f"{what} mid-job", sent) from exc
            view = view[n:]
            sent += n


def wait_drained(left: Callable[[], int], timeout: float, what: str, sent: int) -> None:
    """Wait until the device's output queue is empty, restarting the deadline whenever it
    shrinks: a slow line drains slowly but steadily, a stopped printer does not."""
    remaining = left()
    deadline = time.monotonic() + timeout
    pause = 0.002
    while remaining:
        if time.monotonic() > deadline:
            raise Timeout(f"{what} stopped taking bytes with {remaining} unsent", sent=sent)
        time.sleep(pause)
        pause = min(pause * 2, 0.05)
        now = left()
        if now < remaining:
            deadline = time.monotonic() + timeout
        remaining = now


class DummyConnection(Connection):
    """Keeps the last ``KEEP`` jobs (``written`` counts them all); ``reply`` plays the
    printer's status (tests set it).

    It used to keep every job: a kiosk left running on ``dummy:`` (a soak, a demo, a
    station whose printer is not set up yet) grew by each receipt's bytes, ~40 KiB a
    raster receipt (issue 20's growth, found by the bench helper with tracemalloc)."""

    can_read = True
    KEEP = 50

    def __init__(self, uri: str = "dummy:") -> None:
        self.uri = uri
        self.jobs: list[bytes] = []
        self.written = 0
        self.reply = PrinterStatus.OK

    def _send(self, data: bytes, handed_over: HandedOver) -> None:
        handed_over()
        self.jobs.append(bytes(data))
        self.written += 1
        if len(self.jobs) > self.KEEP:
            del self.jobs[: len(self.jobs) - self.KEEP]

    def status(self) -> PrinterStatus:
        return self.reply


class PreviewConnection(Connection):
    """Writes each receipt as a PNG (``write_png``) into a folder; raw ESC/POS written with
    ``write`` (a test page from a tool) is kept next to it as ``.bin``."""

    def __init__(self, folder: Path, uri: str = "") -> None:
        self.folder = folder
        self.uri = uri or f"preview://{folder}"
        self._count = 0

    def _target(self, name: str, suffix: str) -> Path:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except PermissionError as exc:
            raise PermissionDenied(str(exc), hint=f"make {self.folder} writable") from exc
        except OSError as exc:
            raise NotFound(str(exc)) from exc
        self._count += 1
        safe = re.sub(r"[^\w.-]+", "_", name) or f"receipt-{self._count}"
        return self.folder / f"{safe}{suffix}"

    def write_png(self, png: bytes, name: str, handed_over: HandedOver | None = None) -> Path:
        path = self._target(name, ".png")
        tmp = path.with_suffix(".png.tmp")
        tmp.write_bytes(png)
        if handed_over:
            handed_over()
        tmp.replace(path)  # a viewer polling the folder never sees half a file
        return path

    def _send(self, data: bytes, handed_over: HandedOver) -> None:
        handed_over()
        self._target(f"raw-{self._count + 1}", ".bin").write_bytes(data)

    def status(self) -> PrinterStatus:
        return (
            PrinterStatus.OK
            if self.folder.is_dir() or not self.folder.exists()
            else PrinterStatus.OFFLINE
        )
