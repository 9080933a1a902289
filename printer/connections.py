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
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from printer import hardware, transports
from printer.errors import BadUri
from printer.link import Connection, DummyConnection, PreviewConnection

__all__ = ["Connection", "DummyConnection", "PreviewConnection", "open_connection"]

log = logging.getLogger(__name__)


def open_connection(uri: str, timeout: float = 5.0) -> Connection:
    """The connection a config URI names. Nothing is opened yet: every job connects."""
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
        try:
            tcp_port = parts.port or 9100
        except ValueError as exc:  # "tcp://10.0.0.9:91OO", a port above 65535
            raise BadUri(f"bad port in {uri!r}") from exc
        return transports.TcpConnection(parts.hostname, tcp_port, timeout, uri)
    if scheme == "cups":
        queue = unquote(parts.netloc + parts.path).strip("/")
        if not queue:
            raise BadUri(f"no queue in {uri!r}")
        try:
            follow = float(query.get("wait", ["120"])[0])
        except ValueError as exc:
            raise BadUri(f"bad wait in {uri!r}") from exc
        return transports.CupsConnection(queue, timeout, uri, follow)
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
