"""Central in a background thread on loopback: ``kiosk --demo`` and the tests use it.

ec = start_embedded(tmp_path / "central.db", seed_demo=True)
client = CentralClient(ec.url, ec.station_id, ec.token)
code = ec.sign_code("V0001")
...
ec.stop()
"""

from __future__ import annotations

import json
import logging
import socket
import ssl
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from central import admin, keys, migrate, policy, seed
from central.app import create_app
from central.db import Database
from central.demo_dispatch import DemoDispatcher
from central.jobs import HoldSweeper
from central.models import Station
from central.transport import NoDelayH11Protocol
from protocol import codes

log = logging.getLogger(__name__)

DEFAULT_STATION_ID = "ST-LOCAL"
START_TIMEOUT_S = 20.0


@dataclass
class EmbeddedCentral:
    url: str  # e.g. http://127.0.0.1:41234 (no trailing slash, no /api/v1)
    station_id: str
    token: str
    db: Database
    key_id: str
    _server: uvicorn.Server = field(repr=False)
    _thread: threading.Thread = field(repr=False)
    dispatcher: DemoDispatcher | None = None
    sweeper: HoldSweeper | None = None

    @property
    def api_url(self) -> str:
        return self.url + "/api/v1"

    @property
    def headers(self) -> dict[str, str]:
        return {"X-Station-Id": self.station_id, "Authorization": f"Bearer {self.token}"}

    @property
    def private_key(self) -> Ed25519PrivateKey:
        return keys.signing_key(self.db)[1]

    def sign_code(self, volunteer_id: str, ttl_s: int = codes.DEFAULT_TTL_S, use: str = "") -> str:
        """A fresh signed volunteer code, as ``kiosk-central volunteer code`` prints."""
        return codes.sign_code(self.private_key, self.key_id, volunteer_id, ttl_s=ttl_s, use=use)

    def add_station(self, name: str = "测试站", station_id: str | None = None) -> tuple[str, str]:
        cred = admin.add_station(self.db, name, station_id=station_id)
        return cred.station_id, cred.token

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Shut the server down cleanly (open connections are closed) and the database."""
        if self.dispatcher is not None:
            self.dispatcher.stop()
        if self.sweeper is not None:
            self.sweeper.stop()
        self._server.should_exit = True
        self._thread.join(timeout_s)
        if self._thread.is_alive():
            log.warning("embedded central did not stop within %.0f s", timeout_s)
        self.db.close()


def _prepare(db: Database, seed_demo: bool, station_id: str | None) -> admin.StationCredentials:
    migrate.upgrade(db.engine)
    if seed_demo:
        seed.install_demo_key(db)  # the kiosk's demo store already trusts this key
        _demo_console_account(db)
        return seed.seed_demo(db)
    station_id = station_id or DEFAULT_STATION_ID
    with db.begin() as session:
        exists = session.get(Station, station_id) is not None
    if exists:
        return admin.rotate_token(db, station_id)
    return admin.add_station(db, "本地测试站", station_id=station_id)


DEMO_CONSOLE_USER = "demo"
DEMO_CONSOLE_PASSWORD = "demo-console"  # a throw-away demo only; printed by ``kiosk --demo``


def _demo_console_account(db: Database) -> None:
    from central.console import accounts
    from central.console.models import StaffAccount

    with db.read() as session:
        exists = session.get(StaffAccount, DEMO_CONSOLE_USER) is not None
    if not exists:
        accounts.add_account(db, DEMO_CONSOLE_USER, DEMO_CONSOLE_PASSWORD, role="admin")


def _wait_until_up(
    server: uvicorn.Server, thread: threading.Thread, url: str, cafile: str | None
) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("embedded central failed to start (see the log)")
        if time.monotonic() > deadline:
            raise RuntimeError("embedded central did not start in time")
        time.sleep(0.01)  # uvicorn has no "started" callback: poll its flag
    handlers: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({})]  # loopback
    if cafile:
        context = ssl.create_default_context(cafile=cafile)
        handlers.append(urllib.request.HTTPSHandler(context=context))
    opener = urllib.request.build_opener(*handlers)
    with opener.open(url + "/api/v1/health", timeout=5) as answer:
        if json.load(answer).get("status") != "ok":
            raise RuntimeError("embedded central is not healthy")


def start_embedded(
    db_path: Path | str,
    seed_demo: bool = False,
    host: str = "127.0.0.1",
    port: int = 0,
    station_id: str | None = None,
    ssl_certfile: str | Path | None = None,
    ssl_keyfile: str | Path | None = None,
    auto_dispatch_s: float | None = None,
    sweep_holds_s: float | None = None,
) -> EmbeddedCentral:
    """Start central on ``host:port`` (0 = a free port) over the SQLite file ``db_path``
    (or a database URL), in a daemon thread; return once /health answers.

    With ``seed_demo`` the demo data is loaded and the demo station (its id from
    demo.json) is ready; otherwise a station ``station_id`` (default ST-LOCAL) is.
    Either way the station gets a fresh token, returned in the result. With
    ``ssl_certfile``/``ssl_keyfile`` it serves HTTPS (the certificate must be valid for
    ``host``; it is also used as the CA when checking that the server is up). With
    ``auto_dispatch_s`` a demo dispatcher moves every open order one step along
    assigned → accepted → in_service → completed every that many seconds. Expired
    holds are released every ``sweep_holds_s`` seconds (default: the policy's)."""
    db = Database(db_path)
    cred = _prepare(db, seed_demo, station_id)
    app = create_app(db, run_migrations=False)
    key_id = keys.ensure_key(db)
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        log_config=None,
        access_log=False,
        lifespan="off",
        http=NoDelayH11Protocol,  # answers not held back 40 ms (central.transport)
        timeout_graceful_shutdown=2,
        ssl_certfile=str(ssl_certfile) if ssl_certfile else None,
        ssl_keyfile=str(ssl_keyfile) if ssl_keyfile else None,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="embedded-central", daemon=True
    )
    thread.start()
    shown_host = f"[{host}]" if ":" in host else host
    url = f"{'https' if ssl_certfile else 'http'}://{shown_host}:{bound_port}"
    try:
        _wait_until_up(server, thread, url, str(ssl_certfile) if ssl_certfile else None)
    except BaseException:
        server.should_exit = True
        thread.join(5)
        sock.close()
        db.close()
        raise
    dispatcher = None
    if auto_dispatch_s:
        dispatcher = DemoDispatcher(db, auto_dispatch_s)
        dispatcher.start()
    sweeper = HoldSweeper(db, sweep_holds_s or policy.of(db).hold_sweep_s).start()
    log.info("embedded central at %s (station %s)", url, cred.station_id)
    return EmbeddedCentral(
        url, cred.station_id, cred.token, db, key_id, server, thread, dispatcher, sweeper
    )
