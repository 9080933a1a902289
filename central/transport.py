"""Answers leave at once: ``TCP_NODELAY`` on every connection central serves.

uvicorn's h11 protocol writes an answer's head and its body in two ``write`` calls.
asyncio switches Nagle's algorithm off only for a socket whose protocol number is
``IPPROTO_TCP``; a listening socket made with ``socket.socket(AF_INET)`` has 0 there, and
so do the connections it accepts. ``central.embedded`` made its socket that way, and so
does uvicorn's own bind for ``--workers N``: the body then waited for the client's ACK of
the head, which Linux delays by up to 40 ms, so every call to central took 40 ms or more
(an online redemption's authorisation 44 ms of 46 on an idle machine). uvicorn takes
this class as its ``http`` protocol and it sets the option on each connection itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol


class NoDelayH11Protocol(H11Protocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            # OSError: the peer is gone already; the protocol sees it next.
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
