"""What a staff screen, the activity list and the hourly chores ask SQLite of the tables that
grow with a station's life: each reads a day, an activity or the rows still open through an
index, never every row the station ever wrote (on a three-year store a walk of the stock
journal alone took 170 ms, and it grows by the year)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from kiosk.attendance import attendance_today, sign_out_overdue, todays_activities
from kiosk.config import Config
from kiosk.print_queue import counts
from kiosk.privacy import prune_printed_jobs, purge_closed_orders
from kiosk.reports import day_figures
from kiosk.store.db import Store
from kiosk.store.models import Activity, Attendance

# Tables whose rows accumulate for as long as the station runs.
HISTORY = (
    "stock_movements",
    "attendances",
    "service_orders",
    "order_status_changes",
    "ledger_entries",
    "redemptions",
    "redemption_lines",
    "outbox_events",
    "print_jobs",
)
NOW = datetime(2026, 12, 7, 4, 0)  # naive UTC: noon in Asia/Shanghai


@pytest.fixture(autouse=True)
def history(demo_store: Store) -> None:
    """Two activities with their sign-ins: one of today's, one from last year."""
    with demo_store.begin() as s:
        for n, days_ago in ((1, 0), (2, 400)):  # one of today's, one from last year
            start = NOW - timedelta(days=days_ago, hours=3)
            s.add(
                Activity(
                    id=f"ACT-{n}",
                    title="清扫楼道",
                    title_en="Stairwell clean-up",
                    starts_at=start,
                    ends_at=start + timedelta(hours=5),
                    capacity=10,
                )
            )
            s.add(Attendance(activity_id=f"ACT-{n}", volunteer_id="V0001", signed_in_at=start))
            s.add(
                Attendance(
                    activity_id=f"ACT-{n}",
                    volunteer_id="V0002",
                    signed_in_at=start,
                    signed_out_at=start + timedelta(hours=1),
                )
            )


def _plans(store: Store, statements: list[str]) -> list[tuple[str, str]]:
    reads = [q for q in statements if q.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE"))]
    assert reads, statements
    conn = sqlite3.connect(store.path)
    try:
        return [
            (row[3], query)
            for query in reads
            for row in conn.execute("EXPLAIN QUERY PLAN " + query)
        ]
    finally:
        conn.close()


# Partial indexes holding only the rows still open: walking one reads those, not the past.
OPEN_ROWS = ("ix_attendances_open", "ix_service_orders_unpurged")


def _walks(plans: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Plan steps that read a history table whole ('SCAN t', and 'SCAN t USING COVERING
    INDEX i', which walks the whole index)."""
    return [
        (step, q)
        for step, q in plans
        if step.startswith(tuple(f"SCAN {t}" for t in HISTORY)) and not step.endswith(OPEN_ROWS)
    ]


CALLS: dict[str, Callable[[Any, Config], object]] = {
    "today's figures": lambda s, c: day_figures(s, NOW.date(), c.timezone),
    "today's attendance": lambda s, c: attendance_today(s, c, NOW),
    "today's activities": lambda s, c: todays_activities(s, c, NOW),
    "自动签退": lambda s, c: sign_out_overdue(s, c, NOW + timedelta(hours=3)),
    "privacy purge": lambda s, c: purge_closed_orders(s, 90, NOW),
    "print status": lambda s, c: counts(s),
    "printed jobs pruned": lambda s, c: prune_printed_jobs(s, 90, NOW),
}


@pytest.mark.parametrize("what", list(CALLS))
def test_no_screen_or_chore_walks_the_stations_history(
    what: str, demo_store: Store, config: Config, traced: list[str]
) -> None:
    traced.clear()
    with demo_store.begin() as s:
        CALLS[what](s, config)
    assert not _walks(_plans(demo_store, traced))


def test_the_purge_reads_only_orders_not_yet_purged(demo_store: Store, traced: list[str]) -> None:
    traced.clear()
    with demo_store.begin() as s:
        purge_closed_orders(s, 90, NOW)
    steps = [step for step, q in _plans(demo_store, traced) if "service_orders" in step]
    assert steps and all("ix_service_orders_unpurged" in step for step in steps), steps


def test_the_day_list_counts_only_its_own_activities_people(
    demo_store: Store, config: Config
) -> None:
    with demo_store.begin() as s:
        shown = {a.id: (a.signed, a.present) for a in todays_activities(s, config, NOW)}
    assert shown.get("ACT-1") == (2, 1)  # two signed in today, one still there
    assert "ACT-2" not in shown
