"""Central in its own process for the sync figures: a real station talks to a central on
another machine, so the server must not share the kiosk's interpreter (and its GIL).

``python -m benchmarks.central_proc DB_PATH CHANGES DURABLE [RICH [KIOSK_STORE]]`` starts
``central.embedded`` on 127.0.0.1, prints one JSON line (url, station_id, token), and serves
until its stdin closes. With KIOSK_STORE, the gifts of that kiosk store join the catalogue.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import event


def _no_fsync(dbapi_conn: object, _record: object) -> None:
    dbapi_conn.execute("PRAGMA synchronous=OFF")  # type: ignore[attr-defined]


def _gifts_of(engine: Any, kiosk_store: Path) -> None:
    """The aged store's own gifts (BG…) into central's catalogue: central refuses a
    redemption of a gift it does not know, as it should, and the figures redeem those."""
    import sqlite3

    src = sqlite3.connect(f"file:{kiosk_store}?mode=ro", uri=True)
    try:
        rows = src.execute(
            "SELECT sku, barcode, name, name_en, category, points FROM gifts WHERE sku LIKE 'BG%'"
        ).fetchall()
    finally:
        src.close()
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO gifts (sku, barcode, name, name_en, category, points,"
            " per_volunteer_limit, low_stock_at, image, sort, active)"
            " VALUES (?, ?, ?, ?, ?, ?, 0, 0, '', 0, 1)",
            rows,
        )


def main(argv: list[str]) -> int:
    from benchmarks.centralbench import add_volunteer_changes
    from central.embedded import start_embedded

    logging.basicConfig(level=logging.WARNING)
    path, changes, durable = Path(argv[0]), int(argv[1]), argv[2] == "1"
    path.unlink(missing_ok=True)
    ec = start_embedded(path, seed_demo=True)
    if not durable:
        event.listen(ec.db.engine, "connect", _no_fsync)
        ec.db.engine.dispose()  # pooled connections reopen with the listener in place
    if changes:
        add_volunteer_changes(ec.db, changes)
    if len(argv) > 3 and argv[3] == "rich":
        # The soak redeems online thousands of times from the demo volunteers.
        with ec.db.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE volunteers SET balance = 100000000")
        if len(argv) > 4:
            _gifts_of(ec.db.engine, Path(argv[4]))
    info = {"url": ec.url, "station_id": ec.station_id, "token": ec.token}
    print(json.dumps(info), flush=True)
    sys.stdin.read()  # until the parent closes our stdin
    ec.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
