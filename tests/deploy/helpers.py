"""Helpers for the deployment tests: stores with outbox events, and damaging them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kiosk.outbox import emit
from kiosk.store import Store, open_store


def fill_outbox(store: Store, pending: int, sent: int = 0, tag: str = "") -> list[str]:
    """Add events (a ~600-byte payload each, so they span many pages); returns pending ids."""
    ids = []
    with store.begin() as session:
        for i in range(pending + sent):
            event = emit(session, "stock.moved", {"sku": f"{tag}{i}", "note": "x" * 600})
            if i >= pending:
                event.state = "sent"
            session.flush()
            if i < pending:
                ids.append(event.id)
    return ids


def make_store(path: Path, pending: int, sent: int = 0) -> list[str]:
    store = open_store(path)
    try:
        return fill_outbox(store, pending, sent)
    finally:
        store.close()


def leaf_pages(path: Path, table: str) -> list[int]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno",
            (table,),
        ).fetchall()
        return [r[0] for r in rows]
    finally:
        conn.close()


def overwrite_pages(path: Path, pages: list[int], page_size: int = 4096) -> None:
    """Damage pages in place, as a failing SD card does: garbage where a page was."""
    with open(path, "r+b") as fh:
        for page in pages:
            fh.seek((page - 1) * page_size)
            fh.write(bytes([0xA5]) * page_size)


def corrupt_middle_of_outbox(path: Path, count: int = 2) -> list[int]:
    """Overwrite ``count`` leaf pages in the middle of the outbox table; returns them."""
    leaves = leaf_pages(path, "outbox_events")
    assert len(leaves) > count + 4, leaves
    middle = len(leaves) // 2
    damaged = leaves[middle : middle + count]
    overwrite_pages(path, damaged)
    return damaged
