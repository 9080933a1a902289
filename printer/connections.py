"""Where the bytes go, chosen by a URI from config, each with a timeout on every I/O.

=============================== =============================================
``usb://0416:5011``             USB printer class device by vendor:product id (hex)
``serial:///dev/ttyUSB0?baud=9600`` serial port (or ``COM3``)
``tcp://192.168.1.50:9100``     network printer, raw port 9100
``cups://Receipt``              a CUPS queue, through ``lp -o raw``
``file:///dev/usb/lp0``         a device node or a plain file
``preview:///var/lib/kiosk/receipts`` PNG files in a folder (demo mode)
``dummy:``                      keeps the bytes in memory (tests, development)
=============================== =============================================
"""

from __future__ import annotations

import logging
import re
from abc import ABC, abstractmethod
from pathlib import Path
from types import TracebackType
from urllib.parse import parse_qs, unquote, urlsplit

from printer.errors import BadUri, NotFound, PermissionDenied
from printer.status import PrinterStatus

log = logging.getLogger(__name__)


class Connection(ABC):
    """One printer. ``write`` sends a whole job; ``status`` never raises for a printer
    that does not answer, it says UNKNOWN (or OFFLINE when it cannot even connect)."""

    uri: str = ""
    # True when the transport can read status replies back from the printer.
    can_read: bool = False

    @abstractmethod
    def write(self, data: bytes) -> None: ...

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


class DummyConnection(Connection):
    """Keeps the last ``KEEP`` jobs (``written`` counts them all); ``reply`` plays the
    printer's status (tests set it).

    It kept every job: a kiosk left running on ``dummy:`` (a soak, a demo, a station
    whose printer is not set up yet) grew by each receipt's bytes, ~40 KiB a raster
    receipt, ~35 KiB per operation over a day (issue 20's growth)."""

    can_read = True
    KEEP = 50

    def __init__(self, uri: str = "dummy:") -> None:
        self.uri = uri
        self.jobs: list[bytes] = []
        self.written = 0
        self.reply = PrinterStatus.OK

    def write(self, data: bytes) -> None:
        self.jobs.append(bytes(data))
        self.written += 1
        if len(self.jobs) > self.KEEP:
            del self.jobs[: -self.KEEP]

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

    def write_png(self, png: bytes, name: str) -> Path:
        path = self._target(name, ".png")
        tmp = path.with_suffix(".png.tmp")
        tmp.write_bytes(png)
        tmp.replace(path)  # a viewer polling the folder never sees half a file
        return path

    def write(self, data: bytes) -> None:
        self._target(f"raw-{self._count + 1}", ".bin").write_bytes(data)

    def status(self) -> PrinterStatus:
        return (
            PrinterStatus.OK
            if self.folder.is_dir() or not self.folder.exists()
            else PrinterStatus.OFFLINE
        )


def open_connection(uri: str, timeout: float = 5.0) -> Connection:
    """The connection a config URI names. Nothing is opened yet: every job connects."""
    from printer import hardware, transports

    parts = urlsplit(uri.strip())
    scheme = parts.scheme.lower()
    query = parse_qs(parts.query)
    if scheme == "dummy":
        return DummyConnection(uri)
    if scheme == "preview":
        return PreviewConnection(Path(unquote(parts.netloc + parts.path)), uri)
    if scheme == "file":
        return transports.FileConnection(Path(unquote(parts.netloc + parts.path)), timeout, uri)
    if scheme == "tcp":
        if not parts.hostname:
            raise BadUri(f"no host in {uri!r}")
        return transports.TcpConnection(parts.hostname, parts.port or 9100, timeout, uri)
    if scheme == "cups":
        queue = unquote(parts.netloc + parts.path).strip("/")
        if not queue:
            raise BadUri(f"no queue in {uri!r}")
        return transports.CupsConnection(queue, timeout, uri)
    if scheme == "usb":
        m = re.fullmatch(r"([0-9a-fA-F]{1,4}):([0-9a-fA-F]{1,4})", parts.netloc)
        if not m:
            raise BadUri(f"usb URI wants usb://VID:PID in hex, not {uri!r}")
        return hardware.UsbConnection(int(m[1], 16), int(m[2], 16), timeout, uri)
    if scheme == "serial":
        port = unquote(parts.netloc + parts.path)
        if not port:
            raise BadUri(f"no port in {uri!r}")
        try:
            baud = int(query.get("baud", ["9600"])[0])
        except ValueError as exc:
            raise BadUri(f"bad baud rate in {uri!r}") from exc
        return hardware.SerialConnection(port, baud, timeout, uri)
    raise BadUri(f"unknown printer connection {uri!r}")
