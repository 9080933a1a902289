"""Fixtures shared by the core's tests."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from sqlalchemy import event

from kiosk.store.db import Store


@pytest.fixture
def traced(demo_store: Store) -> Iterator[list[str]]:
    """Every statement the store's writing connections run, as SQLite sees it."""
    statements: list[str] = []

    def trace(dbapi_conn: sqlite3.Connection, _record: object, _proxy: object) -> None:
        dbapi_conn.set_trace_callback(statements.append)

    def untrace(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.set_trace_callback(None)

    event.listen(demo_store.engine, "checkout", trace)
    event.listen(demo_store.engine, "checkin", untrace)
    try:
        yield statements
    finally:
        event.remove(demo_store.engine, "checkout", trace)
        event.remove(demo_store.engine, "checkin", untrace)
