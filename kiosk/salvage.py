"""Copy the pending outbox events still readable from a damaged store into the live one.

Reading a damaged file can take for ever (a rowid range of a billion, a query SQLite
loops in), so the reading happens in a forked child process with a time budget: the
parent reads the child's rows as they come, and kills it at the deadline or when the
kiosk is asked to stop (SIGTERM from systemd). What arrived by then is kept and the
result says the salvage was cut short. The child exits by itself too (its own deadline,
SQLite's progress handler, and SIGKILL when its parent dies).

The child reads, in order, as far as each step works:

1. the whole table in one query (``NOT INDEXED``: a damaged index costs nothing);
2. row by row by rowid (``seq``), when the table's bounds are readable: a bad leaf page
   costs the rows on it, not the whole table;
3. the raw pages of the file and of its ``-wal`` (``kiosk.pagescan``), when the schema
   page itself is damaged and SQLite cannot find the table at all.

Events already in the live outbox (same id) are skipped, so salvaging twice is harmless.
The ticket counters of the damaged file come along too: a restore must never hand out a
ticket number again (``kiosk.orders``).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import os
import select
import signal
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select as sql_select

from kiosk import pagescan
from kiosk.clock import parse_iso
from kiosk.errors import EnvironmentFault
from kiosk.orders import raise_ticket_counter, ticket_day_and_seq
from kiosk.store import Store
from kiosk.store.models import OutboxEvent

log = logging.getLogger(__name__)

COLUMNS = ("seq", "id", "type", "occurred_at", "payload", "state")
# Stop probing after this many rowids in a row that are neither readable nor damaged.
GAP_LIMIT = 1000
# The kiosk must start within 30 s whatever the damage: salvage gets 20 of them.
BUDGET_S = float(os.environ.get("KIOSK_SALVAGE_BUDGET_S", "20"))
PR_SET_PDEATHSIG = 1

Row = dict[str, Any]


class SalvageError(EnvironmentFault):
    key = "backup.salvage_failed"


@dataclass
class SalvageResult:
    copied: int = 0
    skipped: int = 0  # already in the live outbox
    not_pending: int = 0
    unreadable: int = 0  # rowids whose page was damaged
    complete: bool = True  # False: cut short by the time budget or a stop request
    method: str = "bulk"  # how far the reading had to go: bulk, rows, pages, none
    # day -> the highest ticket number the damaged file had handed out
    tickets: dict[str, int] = field(default_factory=dict)


@dataclass
class Scan:
    """What the child sent back."""

    rows: list[Row] = field(default_factory=list)
    unreadable: int = 0
    complete: bool = False
    method: str = "none"
    tickets: dict[str, int] = field(default_factory=dict)
    error: str = ""


# --- the child: reading --------------------------------------------------------------


def _open(path: Path, deadline: float) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
    conn.row_factory = sqlite3.Row
    # Abort any single statement that runs past the deadline (SQLite checks every 10k
    # virtual-machine steps): a query on a damaged file must not outlive the budget.
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    return conn


def _as_row(row: sqlite3.Row) -> Row:
    return {name: row[name] for name in COLUMNS}


def _bounds(conn: sqlite3.Connection) -> tuple[int, int] | None:
    """The outbox's rowid range, or None when SQLite cannot tell (schema damaged)."""
    upper = None
    for sql in (
        "SELECT seq FROM sqlite_sequence WHERE name = 'outbox_events'",
        "SELECT max(seq) FROM outbox_events",
    ):
        try:
            row = conn.execute(sql).fetchone()
        except sqlite3.DatabaseError:
            continue
        if row and row[0]:
            upper = int(row[0])
            break
    if upper is None:
        return None
    try:
        # The leftmost path of the rowid tree: it skips rows purged long ago.
        row = conn.execute("SELECT min(seq) FROM outbox_events").fetchone()
        lower = int(row[0]) if row and row[0] else 1
    except sqlite3.DatabaseError:
        lower = 1
    return lower, upper


def _probe(
    conn: sqlite3.Connection, lower: int, upper: int, deadline: float
) -> Iterator[tuple[str, Any]]:
    sql = f"SELECT {', '.join(COLUMNS)} FROM outbox_events NOT INDEXED WHERE seq = ?"
    unreadable = gap = 0
    seq = lower - 1
    while time.monotonic() < deadline:
        seq += 1
        if seq > upper and gap >= GAP_LIMIT:
            yield "unreadable", unreadable
            return
        try:
            row = conn.execute(sql, (seq,)).fetchone()
        except sqlite3.DatabaseError:
            unreadable += 1
            gap = 0
            continue
        if row is None:
            gap += 1
            continue
        gap = 0
        yield "row", _as_row(row)
    yield "unreadable", unreadable
    yield "timeout", None


def _tickets_sql(conn: sqlite3.Connection) -> dict[str, int]:
    try:
        return {str(d): int(n) for d, n in conn.execute("SELECT day, last FROM ticket_sequences")}
    except sqlite3.DatabaseError:
        return {}


def scan(path: Path, deadline: float) -> Iterator[tuple[str, Any]]:
    """Everything readable, as ("row", Row), ("tickets", {...}), ("method", name),
    ("unreadable", n), ("timeout", None) items; runs in the child."""
    conn = _open(path, deadline)
    try:
        yield "tickets", _tickets_sql(conn)
        try:
            rows = conn.execute(
                f"SELECT {', '.join(COLUMNS)} FROM outbox_events NOT INDEXED ORDER BY seq"
            ).fetchall()
        except sqlite3.DatabaseError as exc:
            bulk_error = str(exc)
        else:
            yield "method", "bulk"
            for row in rows:
                yield "row", _as_row(row)
            return
        if time.monotonic() > deadline:
            yield "timeout", None
            return
        bounds = _bounds(conn)
        if bounds is not None:
            yield "method", "rows"
            yield from _probe(conn, *bounds, deadline)
            return
    finally:
        conn.close()
    # SQLite cannot find the table (schema page or header damaged): read the pages.
    yield "method", "pages"
    yield "note", f"bulk read failed: {bulk_error}"
    found = pagescan.scan_file(path, deadline)
    yield "tickets", found.tickets
    for row in found.outbox:
        yield "row", row
    if found.timed_out:
        yield "timeout", None


def _child(path: Path, budget_s: float, fd: int) -> None:
    """The forked child: never returns, never runs the parent's handlers or atexit."""
    code = 0
    try:
        # The parent's signal plumbing (the stop watcher's wakeup pipe, Python handlers)
        # is not ours: default actions, and die with the parent.
        signal.set_wakeup_fd(-1)
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        deadline = time.monotonic() + budget_s
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            for kind, value in scan(path, deadline):
                out.write(json.dumps([kind, value], default=str) + "\n")
            out.write(json.dumps(["done", None]) + "\n")
    except BaseException as exc:  # the parent learns of it through the pipe (or EOF)
        with contextlib.suppress(Exception):
            os.write(fd, (json.dumps(["error", f"{type(exc).__name__}: {exc}"]) + "\n").encode())
        code = 1
    finally:
        os._exit(code)


# --- the parent: bounding ---------------------------------------------------------------


def _stop_requested() -> bool:
    from kiosk import stopsignal

    return stopsignal.stop_requested()


def collect(
    path: str | Path,
    budget_s: float | None = None,
    should_stop: Callable[[], bool] = _stop_requested,
) -> Scan:
    """Run ``scan`` in a child process for at most ``budget_s`` seconds (plus a second of
    grace); what it sent by then is the result."""
    path = Path(path)
    if not path.is_file():
        raise SalvageError(detail=f"{path}: no such file", path=str(path))
    budget = BUDGET_S if budget_s is None else budget_s
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child(path, budget, write_fd)
    os.close(write_fd)
    result = Scan()
    deadline = time.monotonic() + budget + 1.0
    buffer = b""
    try:
        while True:
            if should_stop():
                result.error = "stopped"
                log.warning("salvage of %s stopped on request", path)
                break
            left = deadline - time.monotonic()
            if left <= 0:
                result.error = "timed out"
                log.error("salvage of %s ran out of time (%.0f s)", path, budget)
                break
            ready, _, _ = select.select([read_fd], [], [], min(left, 0.2))
            if not ready:
                continue
            chunk = os.read(read_fd, 1 << 16)
            if not chunk:
                break
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                _take(result, json.loads(line))
    finally:
        os.close(read_fd)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    return result


def _take(result: Scan, item: list[Any]) -> None:
    kind, value = item
    if kind == "row":
        result.rows.append(value)
    elif kind == "tickets":
        for day, last in value.items():
            result.tickets[day] = max(result.tickets.get(day, 0), int(last))
    elif kind == "method":
        result.method = value
    elif kind == "unreadable":
        result.unreadable += int(value)
    elif kind == "timeout":
        result.error = "timed out"
    elif kind == "note":
        log.warning("salvage: %s", value)
    elif kind == "error":
        result.error = value
    elif kind == "done":
        result.complete = not result.error


def read_outbox_rows(path: str | Path, budget_s: float | None = None) -> tuple[list[Row], int]:
    """The outbox rows readable from ``path`` and the number of rowids that were not."""
    found = collect(path, budget_s)
    return found.rows, found.unreadable


# --- copying into the live store ---------------------------------------------------------


def _event(row: Row, source: str) -> OutboxEvent:
    payload: Any = row["payload"]
    if isinstance(payload, (str, bytes)):
        payload = json.loads(payload)
    occurred = row["occurred_at"]
    if isinstance(occurred, str):
        occurred = datetime.fromisoformat(occurred)
    return OutboxEvent(
        id=row["id"],
        type=row["type"],
        occurred_at=occurred,
        payload=payload,
        state="pending",
        attempts=0,
        result=f"salvaged from {source}"[:200],
    )


def _ticket_of(row: Row) -> tuple[str, int] | None:
    """The ticket an ``order.placed`` row handed out (any state: a sent one counts too)."""
    if row["type"] != "order.placed":
        return None
    try:
        payload = row["payload"]
        payload = json.loads(payload) if isinstance(payload, (str, bytes)) else payload
        if payload.get("placed_at"):
            placed = parse_iso(str(payload["placed_at"]))
        else:
            placed = datetime.fromisoformat(str(row["occurred_at"]))
    except (ValueError, TypeError, AttributeError):
        return None
    return ticket_day_and_seq(str(payload.get("ticket_no") or ""), placed)


def ticket_highs(rows: list[Row], tickets: dict[str, int]) -> dict[str, int]:
    """The highest ticket number per day: the damaged file's counters and its events."""
    highs = dict(tickets)
    for row in rows:
        found = _ticket_of(row)
        if found is not None:
            day, number = found
            highs[day] = max(highs.get(day, 0), number)
    return highs


def salvage_outbox(path: str | Path, store: Store, budget_s: float | None = None) -> SalvageResult:
    """Copy pending events from the damaged file at ``path`` into ``store``'s outbox."""
    found = collect(path, budget_s)
    result = SalvageResult(
        unreadable=found.unreadable,
        complete=found.complete,
        method=found.method,
        tickets=ticket_highs(found.rows, found.tickets),
    )
    with store.begin() as session:
        present = set(session.scalars(sql_select(OutboxEvent.id)))
        seen: set[str] = set()
        for row in found.rows:
            if row["id"] in seen:
                continue  # an older copy of a row (raw pages: the WAL holds the newer one)
            seen.add(row["id"])
            if row["state"] != "pending":
                result.not_pending += 1
            elif row["id"] in present:
                result.skipped += 1
            else:
                try:
                    event = _event(row, Path(path).name)
                except (ValueError, TypeError) as exc:
                    log.error("outbox row %s unusable: %s", row["id"], exc)
                    result.unreadable += 1
                    continue
                session.add(event)
                present.add(row["id"])
                result.copied += 1
        for day, last in result.tickets.items():
            raise_ticket_counter(session, day, last)
    # A summary: the ticket counters are one per day the damaged file saw (~1,100 on a
    # three-year store), which made this one line tens of kilobytes long.
    log.warning(
        "salvaged outbox from %s: copied %d, already present %d, already sent %d, "
        "unreadable %d, complete %s (read: %s); ticket counters of %d days%s",
        path,
        result.copied,
        result.skipped,
        result.not_pending,
        result.unreadable,
        result.complete,
        result.method,
        len(result.tickets),
        f", newest {max(result.tickets)}: {result.tickets[max(result.tickets)]}"
        if result.tickets
        else "",
    )
    return result
