"""Plain ``sqlite3`` statements inside a Session's own transaction, for hot paths.

The redemption commit runs while it holds the store's write lock, and through the ORM it
cost ~9 ms of Python per redemption on the aged store (unit of work, identity map, a
compiled statement and result object per query) against ~1 ms for the same statements
on the driver. Code here writes through the Session's DBAPI connection, so it shares the
Session's ``BEGIN IMMEDIATE`` transaction and commits or rolls back with it.

Values are converted exactly as the models' column types convert them (the same
SQLAlchemy bind processors), so an ORM read of a row written here sees the same
datetime and JSON the ORM would have written. Rows written here are not in the
Session's identity map: nothing the caller holds is refreshed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import JSON, DateTime
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

_DIALECT = sqlite.dialect()
_DT = cast(
    Callable[[datetime | None], str | None],
    DateTime().dialect_impl(_DIALECT).bind_processor(_DIALECT),
)
_DT_OUT = cast(
    Callable[[str | None], datetime | None],
    DateTime().dialect_impl(_DIALECT).result_processor(_DIALECT, None),
)
_JSON_IN = cast(Callable[[Any], str], JSON().dialect_impl(_DIALECT).bind_processor(_DIALECT))
_JSON_OUT = cast(
    Callable[[str | None], Any], JSON().dialect_impl(_DIALECT).result_processor(_DIALECT, None)
)


def dbapi(session: Session) -> sqlite3.Connection:
    """The Session's sqlite3 connection, its transaction begun (``BEGIN IMMEDIATE`` for a
    ``Store.begin()`` session, a deferred ``BEGIN`` for ``Store.read()``)."""
    return cast(sqlite3.Connection, session.connection().connection.driver_connection)


def dt(value: datetime | None) -> str | None:
    """A naive UTC datetime as a ``DateTime`` column stores it."""
    return _DT(value)


def dt_out(text: str | None) -> datetime | None:
    """A ``DateTime`` column's stored text as the ORM would load it."""
    return _DT_OUT(text)


def json_in(value: Any) -> str:
    """A value as a ``JSON`` column stores it."""
    return _JSON_IN(value)


def json_out(text: str | None) -> Any:
    """A ``JSON`` column's stored text as the ORM would load it."""
    return _JSON_OUT(text)
