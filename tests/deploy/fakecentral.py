"""A stand-in for central's two read-only endpoints that doctor and init call.

The real central server (central/) is tested on loopback elsewhere; here the tests need
answers central would never give on demand: a wrong clock, a refused token.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeCentral:
    def __init__(self, token: str = "good-token", skew: timedelta = timedelta()) -> None:
        self.token, self.skew = token, skew
        self.requests: list[tuple[str, dict[str, str]]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests.append((self.path, dict(self.headers)))
                if self.path.startswith("/api/v1/health"):
                    now = datetime.now(UTC) + outer.skew
                    self._send(200, {"status": "ok", "version": "fake", "time": now.isoformat()})
                elif self.path.startswith("/api/v1/changes"):
                    if self.headers.get("Authorization") != f"Bearer {outer.token}":
                        self._send(401, {"error": {"code": "unauthorised", "message": "no"}})
                    else:
                        self._send(200, {"changes": [], "next_cursor": "", "has_more": False})
                else:
                    self._send(404, {"error": {"code": "not_found", "message": self.path}})

            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeCentral:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
