"""Figure 9's load generator's HTTP client: HTTP/1.1 keep-alive on asyncio streams, one
connection per simulated station (as each kiosk keeps its own), nothing else.

Why not httpx: with 200 stations in one process httpx's connection pool looks at every
connection for every request (httpcore's ``_assign_requests_to_connections``: ~55 % of
the generator's CPU in a 200-station cProfile, 90 ms of CPU per push + pull cycle), the
generator's event loop fell seconds behind (a 10 ms sleep woke 38 ms late at the median,
0.95 s at p99, 3.5 s at worst), and that wait — an answer sitting in the generator
before its task ran again — was counted as the server's push latency, on both sides.
This client writes the request's bytes, reads the head to CRLFCRLF and a Content-Length
(or chunked) body: a few microseconds of Python a request. Central and the bare
baseline are driven by the same client, so the ratio stays fair.
"""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any
from urllib.parse import urlencode, urlsplit


class HTTPError(Exception):
    """A status ≥ 400, or an answer this client cannot read."""


class Connection:
    """One keep-alive HTTP/1.1 connection to ``base_url`` (``http://host:port``),
    opened on first use and again after any failure or a ``Connection: close``."""

    def __init__(self, base_url: str, headers: dict[str, str], timeout_s: float = 60.0):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout_s = timeout_s
        # The fixed part of every request's head, built once.
        fixed = {"Host": f"{self.host}:{self.port}", "Accept": "application/json", **headers}
        self._head = "".join(f"{k}: {v}\r\n" for k, v in fixed.items()).encode("latin-1")
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _open(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._reader is None or self._writer is None:
            reader, writer = await asyncio.open_connection(self.host, self.port, limit=1 << 20)
            sock = writer.get_extra_info("socket")
            if sock is not None:  # a request is one write; do not wait for an ACK (Nagle)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._reader, self._writer = reader, writer
        return self._reader, self._writer

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None

    async def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        if params:
            path = f"{path}?{urlencode(params)}"
        return await self._request(b"GET", path, b"")

    async def post_json(self, path: str, body: Any) -> Any:
        return await self._request(b"POST", path, json.dumps(body).encode())

    async def _request(self, method: bytes, path: str, body: bytes) -> Any:
        try:
            async with asyncio.timeout(self.timeout_s):
                return await self._exchange(method, path, body)
        except BaseException:
            self.close()  # a half-read answer would poison the next request
            raise

    async def _exchange(self, method: bytes, path: str, body: bytes) -> Any:
        reader, writer = await self._open()
        head = b"%s %s HTTP/1.1\r\n" % (method, path.encode("latin-1")) + self._head
        if body:
            head += b"Content-Type: application/json\r\nContent-Length: %d\r\n" % len(body)
        writer.write(head + b"\r\n" + body)
        raw = await reader.readuntil(b"\r\n\r\n")
        lines = raw[:-4].decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        fields = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
        if "content-length" in fields:
            data = await reader.readexactly(int(fields["content-length"]))
        elif fields.get("transfer-encoding", "").lower() == "chunked":
            data = await _read_chunked(reader)
        else:
            raise HTTPError(f"answer without a length: {lines[0]}")
        if fields.get("connection", "").lower() == "close":
            self.close()
        if status >= 400:
            raise HTTPError(f"{status}: {data[:200]!r}")
        return json.loads(data)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0], 16)
        if size == 0:
            await reader.readuntil(b"\r\n")  # no trailers are sent by uvicorn
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)
