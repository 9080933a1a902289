"""Processes for the city-scale figure and central's multi-process test: the real
``kiosk-central serve`` (any number of workers) and a bare FastAPI baseline, each a
subprocess on 127.0.0.1, and throw-away PostgreSQL schemas to run them against."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks.harness import ROOT, NotAvailable, child_env

log = logging.getLogger(__name__)
START_TIMEOUT_S = 60.0
BENCH_PG_PORT = 55434
BENCH_PG_DIR = Path("/tmp/kiosk-bench-pg")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def central_command() -> list[str]:
    """The installed console script when there is one (the venv), else the module."""
    script = Path(sys.executable).with_name("kiosk-central")
    return [str(script)] if script.exists() else [sys.executable, "-m", "central"]


def wait_ready(proc: subprocess.Popen, url: str, path: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    with requests.Session() as http:
        http.trust_env = False
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode} before it was ready")
            try:
                if http.get(url + path, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url}{path} not ready after {timeout_s:.0f} s")
            time.sleep(0.05)  # another process: nothing to wait on but the port


class Server:
    """A server subprocess on 127.0.0.1:``port``, started at once; ``ready()`` waits."""

    def __init__(self, cmd: list[str], port: int, ready_path: str, log_path: Path | None):
        self.url, self.ready_path = f"http://127.0.0.1:{port}", ready_path
        self._sink = open(log_path, "ab") if log_path else None  # noqa: SIM115
        self.proc = subprocess.Popen(
            cmd,
            stdout=self._sink or subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            env=child_env(),
            cwd=str(ROOT),
        )

    def ready(self, timeout_s: float = START_TIMEOUT_S) -> str:
        wait_ready(self.proc, self.url, self.ready_path, timeout_s)
        return self.url

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        if self._sink is not None:
            self._sink.close()


def central_server(db_url: str, workers: int = 1, log_path: Path | None = None) -> Server:
    """``kiosk-central --db URL serve --workers N``, ready when /api/v1/ready says so."""
    port = free_port()
    cmd = [*central_command(), "--db", db_url, "serve", "--port", str(port)]
    # No access log: the bare baseline logs warnings only (uvicorn's "warning" level),
    # and a line per request is work neither side should be measured doing.
    cmd += ["--workers", str(workers), "--no-access-log"]
    return Server(cmd, port, "/api/v1/ready", log_path)


def bare_server(db_url: str, workers: int = 1, log_path: Path | None = None) -> Server:
    """The bare FastAPI baseline (benchmarks.city_bare) over the same database."""
    port = free_port()
    cmd = [sys.executable, "-m", "benchmarks.city_bare", db_url, str(port), str(workers)]
    return Server(cmd, port, "/health", log_path)


@contextmanager
def serving(*servers: Server) -> Iterator[list[str]]:
    """All ``servers`` started together (so they race, as app servers do), then ready;
    yields their URLs and stops them all at the end."""
    try:
        yield [s.ready() for s in servers]
    finally:
        for s in servers:
            s.stop()


# --- PostgreSQL ---------------------------------------------------------------------------


def with_schema(url: str, schema: str) -> str:
    query = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    return query.render_as_string(hide_password=False)


@contextmanager
def pg_schema(server_url: str, prefix: str = "city") -> Iterator[str]:
    """A fresh, empty schema on ``server_url``; yields a URL that works inside it."""
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield with_schema(server_url, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def bench_pg_url(smoke: bool) -> str:
    """PostgreSQL for the figure: $KIOSK_BENCH_PG_URL; else $KIOSK_TEST_PG_URL (CI sets
    it; the smoke size uses nothing else); else, for the full size, a throw-away cluster
    started like .ci/postgres.sh (Debian's package, as root). NotAvailable otherwise."""
    for name in ("KIOSK_BENCH_PG_URL", "KIOSK_TEST_PG_URL"):
        if url := os.environ.get(name):
            return url
    if smoke:
        raise NotAvailable("no PostgreSQL: set KIOSK_BENCH_PG_URL (or KIOSK_TEST_PG_URL)")
    return start_local_pg()


def start_local_pg() -> str:
    url = f"postgresql+psycopg://kiosk:kiosk@127.0.0.1:{BENCH_PG_PORT}/kiosk_bench"
    if _answers(url):
        return url
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not bins and os.geteuid() == 0 and shutil.which("apt-get"):
        log.warning("installing Debian's postgresql package for figure 9 (as .ci/postgres.sh)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for cmd in (
            ["apt-get", "update", "-qq"],
            ["apt-get", "install", "-y", "-qq", "postgresql"],
        ):
            subprocess.run(cmd, env=env, capture_output=True, check=False)
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not bins or os.geteuid() != 0 or shutil.which("su") is None:
        raise NotAvailable(
            "no PostgreSQL: set KIOSK_BENCH_PG_URL, or run as root with Debian's "
            "postgresql package installed (apt-get install postgresql)"
        )
    bindir = bins[-1].parent
    BENCH_PG_DIR.mkdir(parents=True, exist_ok=True)
    shutil.chown(BENCH_PG_DIR, "postgres")
    data = BENCH_PG_DIR / "data"

    def as_postgres(command: str) -> None:
        subprocess.run(["su", "postgres", "-c", command], check=True, capture_output=True)

    if not (data / "PG_VERSION").exists():
        as_postgres(f"{bindir}/initdb -D {data} -A trust -U postgres")
    options = (
        f"-p {BENCH_PG_PORT} -k {BENCH_PG_DIR} -c listen_addresses=127.0.0.1 -c max_connections=300"
    )
    as_postgres(f'{bindir}/pg_ctl -D {data} -l {BENCH_PG_DIR}/server.log -w -o "{options}" start')
    psql = [str(bindir / "psql"), "-h", "127.0.0.1", "-p", str(BENCH_PG_PORT), "-U", "postgres"]
    for sql in (
        "CREATE USER kiosk PASSWORD 'kiosk' SUPERUSER",
        "CREATE DATABASE kiosk_bench OWNER kiosk",
    ):
        subprocess.run([*psql, "-q", "-c", sql], capture_output=True)
    if not _answers(url):
        raise NotAvailable(f"started PostgreSQL in {BENCH_PG_DIR} but cannot connect")
    log.warning("benchmark PostgreSQL running on port %d (%s)", BENCH_PG_PORT, BENCH_PG_DIR)
    return url


def _answers(url: str) -> bool:
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
    finally:
        engine.dispose()
