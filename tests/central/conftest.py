"""Central's fixtures: every database test runs on SQLite and, when KIOSK_TEST_PG_URL is
set (CI always sets it), on PostgreSQL too — each test in its own schema there."""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from central import admin, keys, migrate
from central.app import create_app
from central.db import Database
from central.models import Base

with warnings.catch_warnings():
    # Starlette nags about httpx2 on import; the client works as it is.
    warnings.filterwarnings("ignore", message=".*httpx2")
    from fastapi.testclient import TestClient

PG_URL = os.environ.get("KIOSK_TEST_PG_URL", "")
BACKENDS = [
    "sqlite",
    pytest.param(
        "pg",
        marks=[
            pytest.mark.pg,
            pytest.mark.skipif(not PG_URL, reason="KIOSK_TEST_PG_URL is not set"),
        ],
    ),
]


@pytest.fixture(scope="session")
def pg_schema_url() -> Iterator[str]:
    """One migrated schema for the session; each test empties its tables (fast)."""
    schema = "t_" + uuid.uuid4().hex[:12]
    admin_engine = create_engine(PG_URL)
    with admin_engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    rendered = url.render_as_string(hide_password=False)
    database = Database(rendered)
    migrate.upgrade(database.engine)
    database.close()
    try:
        yield rendered
    finally:
        with admin_engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin_engine.dispose()


def _empty_pg(url: str) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(autouse=True)
def _key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's signing keys in its own file (on PostgreSQL the default would be the
    user's data directory, shared by every test)."""
    path = tmp_path / "keys" / "signing-keys.json"
    monkeypatch.setenv("KIOSK_CENTRAL_KEY_FILE", str(path))
    monkeypatch.delenv("KIOSK_CENTRAL_SIGNING_KEY", raising=False)
    return path


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: a SQLite file, or the session's PostgreSQL schema emptied."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'central.db'}"
    url: str = request.getfixturevalue("pg_schema_url")
    _empty_pg(url)
    return url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    migrate.upgrade(database.engine)
    keys.ensure_key(database)
    yield database
    database.close()


class Api:
    """A TestClient bound to one station's credentials."""

    def __init__(self, client: TestClient, station_id: str, token: str) -> None:
        self.client, self.station_id, self.token = client, station_id, token
        self.headers = {"X-Station-Id": station_id, "Authorization": f"Bearer {token}"}

    def get(self, path: str, **kw: Any) -> Any:
        kw["headers"] = {**self.headers, **kw.get("headers", {})}
        return self.client.get("/api/v1" + path, **kw)

    def post(self, path: str, **kw: Any) -> Any:
        kw["headers"] = {**self.headers, **kw.get("headers", {})}
        return self.client.post("/api/v1" + path, **kw)

    def push(self, *events: dict[str, Any]) -> list[dict[str, Any]]:
        answer = self.post("/events", json={"events": list(events)})
        assert answer.status_code == 200, answer.text
        return answer.json()["results"]

    def all_changes(self, cursor: str = "") -> tuple[list[dict[str, Any]], str]:
        changes: list[dict[str, Any]] = []
        while True:
            page = self.get("/changes", params={"cursor": cursor, "limit": 1000}).json()
            changes += page["changes"]
            cursor = page["next_cursor"]
            if not page["has_more"]:
                return changes, cursor


@pytest.fixture
def client(db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(db, run_migrations=False)) as c:
        yield c


@pytest.fixture
def api(client: TestClient, db: Database) -> Api:
    cred = admin.add_station(db, "梅园社区新时代文明实践站", station_id="ST-A")
    return Api(client, cred.station_id, cred.token)


@pytest.fixture
def api_b(client: TestClient, db: Database) -> Api:
    cred = admin.add_station(db, "桂香苑新时代文明实践站", station_id="ST-B")
    return Api(client, cred.station_id, cred.token)
