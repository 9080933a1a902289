"""Central's answers are not held back by Nagle's algorithm: every connection it serves has
TCP_NODELAY (without it each answer's body waited for the client's delayed ACK, 40 ms)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
import requests

from central import cli
from central.app import DB_ENV
from central.embedded import start_embedded
from central.transport import NoDelayH11Protocol


def test_the_embedded_centrals_connections_send_at_once(tmp_path: Path) -> None:
    ec = start_embedded(tmp_path / "central.db", seed_demo=True)
    try:
        with requests.Session() as http:
            http.trust_env = False
            # Two calls on one kept-alive connection, the second with a body to answer.
            assert http.get(ec.api_url + "/health", timeout=5).status_code == 200
            answer = http.get(ec.api_url + "/changes", headers=ec.headers, timeout=5)
            assert answer.status_code == 200 and "changes" in answer.json()
            connections = list(ec._server.server_state.connections)
            assert connections, "the kept-alive connection is gone"
            for protocol in connections:
                sock = protocol.transport.get_extra_info("socket")
                assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
                assert isinstance(protocol, NoDelayH11Protocol)
    finally:
        ec.stop()


def test_serve_runs_uvicorn_with_the_no_delay_protocol(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``kiosk-central serve`` (one worker or several: uvicorn binds the socket itself for
    workers, with protocol number 0, so asyncio does not set the option)."""
    import uvicorn

    seen: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *_a, **kw: seen.append(kw))
    db = str(tmp_path / "c.db")
    monkeypatch.setenv(DB_ENV, db)  # serve --workers sets it for its workers
    assert cli.main(["--db", db, "serve", "--port", "0"]) == 0
    assert cli.main(["--db", db, "serve", "--port", "0", "--workers", "2"]) == 0
    assert len(seen) == 2
    for options in seen:
        config = uvicorn.Config(_app, http=options["http"])
        config.load()
        assert config.http_protocol_class is NoDelayH11Protocol


async def _app(scope: Any, receive: Any, send: Any) -> None:  # an ASGI app for Config.load
    return None
