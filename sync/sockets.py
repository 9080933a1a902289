"""Socket bookkeeping so a blocked HTTP read can be cut short from another thread.

``requests`` offers no way to cancel a call in flight; shutting the socket down does it:
the blocked ``recv`` returns at once and the call fails like a reset connection. The
engine uses this in ``stop()`` so that no thread is left waiting on a stalled server.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import weakref
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from urllib3.connectionpool import HTTPConnectionPool


class SocketTracker:
    def __init__(self) -> None:
        self._socks: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self._lock = threading.Lock()

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            self._socks.add(sock)

    def shutdown_all(self) -> None:
        with self._lock:
            socks = list(self._socks)
            self._socks.clear()
        for sock in socks:
            with contextlib.suppress(OSError):  # already closed: nothing to cut
                sock.shutdown(socket.SHUT_RDWR)


def tracked_pool_classes(tracker: SocketTracker) -> dict[str, type[HTTPConnectionPool]]:
    """urllib3 pool classes whose connections register their socket with ``tracker``.

    urllib3 is imported here, with the first session (see ``sync.client._http``)."""
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    class _Conn(HTTPConnection):
        def _new_conn(self) -> socket.socket:
            sock = super()._new_conn()
            tracker.add(sock)
            return sock

    class _SConn(HTTPSConnection):
        def _new_conn(self) -> socket.socket:
            sock = super()._new_conn()
            tracker.add(sock)
            return sock

    class _Pool(HTTPConnectionPool):
        ConnectionCls = _Conn

    class _SPool(HTTPSConnectionPool):
        ConnectionCls = _SConn

    return {"http": _Pool, "https": _SPool}
