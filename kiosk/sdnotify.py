"""systemd's notify protocol, written out (no libsystemd): READY, WATCHDOG, STOPPING.

With ``Type=notify`` and ``WatchdogSec=`` (deploy/station-kiosk.service) systemd passes
``NOTIFY_SOCKET`` (a datagram socket; ``@`` means the abstract namespace) and
``WATCHDOG_USEC``. The UI sends ``WATCHDOG=1`` from a timer on its event loop
(ui/app.py): when the loop freezes the pings stop and systemd kills and restarts the
kiosk. Without those variables (a terminal, the tests) every call does nothing.
"""

from __future__ import annotations

import logging
import os
import socket

log = logging.getLogger(__name__)


def _address() -> str | None:
    addr = os.environ.get("NOTIFY_SOCKET")
    if not addr:
        return None
    return "\0" + addr[1:] if addr.startswith("@") else addr


def notify(state: str) -> bool:
    """Send ``state`` ("READY=1", "WATCHDOG=1", ...); False when not under systemd."""
    addr = _address()
    if addr is None:
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(addr)
            sock.sendall(state.encode("utf-8"))
    except OSError as exc:
        log.warning("sd_notify %r to %s failed: %s", state, addr, exc)
        return False
    return True


def watchdog_interval_s() -> float | None:
    """How often to ping: half of ``WatchdogSec``, or None when no watchdog is set up
    for this process."""
    usec = os.environ.get("WATCHDOG_USEC", "")
    pid = os.environ.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0:
        return None
    if pid and pid != str(os.getpid()):
        return None  # meant for another process (a wrapper that did not exec)
    return int(usec) / 1e6 / 2
