"""The bare baseline for figure 9: a FastAPI app with no validation, no ORM, no locks and
no savepoints that writes the rows central writes for a batch — event ids, orders,
redemptions, ledger, balances, feed rows, stock — in one transaction per batch, and
answers /changes with a plain ``seq > cursor`` read.

``python -m benchmarks.city_bare DB_URL PORT WORKERS`` (the schema must be migrated).
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Body, FastAPI, Header
from sqlalchemy import create_engine, text

DB_ENV = "KIOSK_BARE_DB"

_PROCESSED = text(
    "INSERT INTO processed_events (id, station_id, type, volunteer_id, occurred_at, received_at)"
    " VALUES (:id, :station_id, :type, :volunteer_id, :at, :at) ON CONFLICT DO NOTHING"
)
_ORDER = text(
    "INSERT INTO orders (id, station_id, ticket_no, service_code, honorific, phone, address,"
    " time_slot, note_tags, placed_at, status, team, volunteer_name, rating_tags, updated_at)"
    " VALUES (:id, :station_id, :ticket_no, :service_code, :honorific, :phone, :address,"
    " :time_slot, :note_tags, :at, 'submitted', '', '', '[]', :at) ON CONFLICT DO NOTHING"
)
_REDEMPTION = text(
    "INSERT INTO redemptions (id, station_id, volunteer_id, total_points, lines, status, mode,"
    " debited, decision, pickup_code, at, created_at) VALUES (:id, :station_id, :volunteer_id,"
    " :points, :lines, 'recorded', 'offline', :points, '{}', '', :at, :at)"
    " ON CONFLICT DO NOTHING"
)
_LEDGER = text(
    "INSERT INTO ledger (volunteer_id, delta, reason, ref, station_id, at)"
    " VALUES (:volunteer_id, :delta, 'redemption', :ref, :station_id, :at)"
)
_BALANCE = text(
    "UPDATE volunteers SET balance = balance + :delta, balance_as_of = :at WHERE id = :volunteer_id"
)
_CHANGE = text(
    "INSERT INTO changes (station_id, kind, key, data, at)"
    " VALUES (NULL, 'volunteer', :volunteer_id, :data, :at)"
)
_MOVEMENT = text(
    "INSERT INTO stock_movements (id, station_id, sku, delta, kind, reason, staff_id, at)"
    " VALUES (:id, :station_id, :sku, :delta, :kind, '', NULL, :at) ON CONFLICT DO NOTHING"
)
_STOCK = text(
    "INSERT INTO station_stock (station_id, sku, qty) VALUES (:station_id, :sku, :delta)"
    " ON CONFLICT (station_id, sku) DO UPDATE SET qty = station_stock.qty + EXCLUDED.qty"
)
_PULL = text(
    "SELECT seq, kind, key, data FROM changes WHERE seq > :after"
    " AND (station_id IS NULL OR station_id = :station) ORDER BY seq LIMIT :n"
)


def create() -> FastAPI:
    engine = create_engine(os.environ[DB_ENV], pool_size=10, max_overflow=20)
    app = FastAPI()

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/api/v1/events")
    def events(
        body: Annotated[dict[str, Any], Body()], x_station_id: Annotated[str, Header()]
    ) -> dict[str, Any]:
        now = datetime.now(UTC).replace(tzinfo=None)
        station = x_station_id
        rows: dict[str, list[dict[str, Any]]] = {k: [] for k in ("p", "o", "r", "l", "c", "m")}
        for e in body["events"]:
            pl = e["payload"]
            vid = pl.get("volunteer_id")
            rows["p"].append(
                {
                    "id": e["id"],
                    "station_id": station,
                    "type": e["type"],
                    "volunteer_id": vid,
                    "at": now,
                }
            )
            if e["type"] == "order.placed":
                rows["o"].append(
                    {
                        **{
                            k: pl[k]
                            for k in (
                                "ticket_no",
                                "service_code",
                                "honorific",
                                "phone",
                                "address",
                                "time_slot",
                            )
                        },
                        "id": pl["order_id"],
                        "station_id": station,
                        "note_tags": json.dumps(pl["note_tags"]),
                        "at": now,
                    }
                )
            elif e["type"] == "redemption.made":
                points = pl["total_points"]
                rows["r"].append(
                    {
                        "id": pl["redemption_id"],
                        "station_id": station,
                        "volunteer_id": vid,
                        "points": points,
                        "lines": json.dumps(pl["lines"]),
                        "at": now,
                    }
                )
                rows["l"].append(
                    {
                        "volunteer_id": vid,
                        "delta": -points,
                        "ref": pl["redemption_id"],
                        "station_id": station,
                        "at": now,
                    }
                )
                data = json.dumps({"id": vid, "balance_delta": -points})
                rows["c"].append({"volunteer_id": vid, "data": data, "at": now})
            elif e["type"] == "stock.moved":
                rows["m"].append(
                    {
                        "id": pl["movement_id"],
                        "station_id": station,
                        "sku": pl["sku"],
                        "delta": pl["delta"],
                        "kind": pl["kind"],
                        "at": now,
                    }
                )
        with engine.begin() as conn:
            for statement, key in (
                (_PROCESSED, "p"),
                (_ORDER, "o"),
                (_REDEMPTION, "r"),
                (_LEDGER, "l"),
                (_CHANGE, "c"),
                (_MOVEMENT, "m"),
            ):
                if rows[key]:
                    conn.execute(statement, rows[key])
            if rows["l"]:
                conn.execute(_BALANCE, rows["l"])
            if rows["m"]:
                conn.execute(_STOCK, rows["m"])
        results = [
            {"id": e["id"], "status": "accepted", "reason": None, "balance": None}
            for e in body["events"]
        ]
        return {"results": results}

    @app.get("/api/v1/changes")
    def changes(x_station_id: Annotated[str, Header()], cursor: str = "", limit: int = 500) -> dict:
        after = int(cursor or 0)
        with engine.connect() as conn:
            params = {"after": after, "station": x_station_id, "n": limit + 1}
            got = conn.execute(_PULL, params).all()
        page = got[:limit]
        return {
            "changes": [{"kind": r.kind, "key": r.key, "data": r.data} for r in page],
            "next_cursor": str(page[-1].seq) if page else cursor,
            "has_more": len(got) > limit,
        }

    return app


def main(argv: list[str]) -> int:
    import uvicorn

    url, port, workers = argv[0], int(argv[1]), int(argv[2])
    os.environ[DB_ENV] = url
    uvicorn.run(
        "benchmarks.city_bare:create",
        factory=True,
        host="127.0.0.1",
        port=port,
        workers=workers,
        log_level="warning",
        timeout_worker_healthcheck=60,
        # The same transport as central's: with --workers uvicorn binds a socket that
        # leaves Nagle on (central.transport), and the baseline must not pay 40 ms per
        # answer that central no longer pays.
        http="central.transport:NoDelayH11Protocol",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
