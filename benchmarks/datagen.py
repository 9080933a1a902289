"""The aged store every figure shares: three years of a busy station, made by the suite on
the real schema (``open_store``: every migration, triggers included), the demo station on
top (catalogue, staff, public key), then bulk SQL: volunteers, gifts, redemptions with their
lines, ledger entries and stock movements, orders with their status histories (the old
ones closed and purged as the privacy chore leaves them), and the pending outbox events of
the newest orders. Rows are spread over three years in time order, ids are random UUIDs
(so the indexes are as fragmented as a real station's), and nothing is written per row
from Python: a full-size store builds in well under a minute.

Statistics (``ANALYZE``) are made by the kiosk's own upkeep (``kiosk.store.upkeep``), which
the running kiosk also runs at start and daily, never by the suite on its own.

The built file is cached (``BENCH_CACHE`` or ``benchmarks/results/cache``), keyed by the
sizes, this file, the migrations and the demo data; a changed key builds anew and the
older cached stores are removed, so the cache holds one store per size.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sqlite3
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks.harness import ROOT, Sizes
from kiosk.clock import iso, utcnow
from kiosk.store.db import open_store
from station.demo import load_demo_data, seed_demo

log = logging.getLogger(__name__)

STOCK_EACH = 1_000_000  # enough that no redemption in the suite runs a gift out
BALANCE_EACH = 10_000_000
YEARS_DAYS = 3 * 365
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
SLOTS = ("today_am", "today_pm", "tomorrow_am", "tomorrow_pm")
GENERATOR_VERSION = "aged-3"
CHUNK = 5_000  # rows per executemany where the suite writes through Python


@dataclass(frozen=True)
class LargeStore:
    path: Path
    volunteer_ids: list[str]
    gift_skus: list[str]
    bulk_skus: list[str]  # the generated gifts: no per-day limit, deep stock
    service_codes: list[str]
    demo: dict[str, Any]
    counts: dict[str, int] | None = None  # rows per table, as built
    build_s: float = 0.0


# A random version-4 UUID in SQL (text, as kiosk.store.models.new_id writes it).
UUID_SQL = (
    "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || "
    "substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + abs(random()) % 4, 1) || "
    "substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"
)


def _at(k: str, n: int) -> str:
    """SQL for the time of item ``k`` of ``n`` spread over three years up to now (:now), in
    SQLAlchemy's DateTime text format."""
    return (
        f"strftime('%Y-%m-%d %H:%M:%f', julianday(:now) - {YEARS_DAYS} * "
        f"({n} - ({k})) / {max(n, 1)}.0) || '000'"
    )


def _seq(conn: sqlite3.Connection, n: int) -> None:
    conn.execute("DROP TABLE IF EXISTS temp.seq")
    conn.execute("CREATE TEMP TABLE seq (n INTEGER PRIMARY KEY)")
    conn.execute(
        "WITH RECURSIVE c(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM c WHERE n + 1 < ?) "
        "INSERT INTO temp.seq SELECT n FROM c",
        (n,),
    )


def _volunteers(conn: sqlite3.Connection, n: int, now: str) -> None:
    _seq(conn, n)
    conn.execute(
        "INSERT INTO volunteers (id, masked_name, total_hours, star_level,"
        " central_balance, balance_as_of, team, active) "
        "SELECT printf('BV%06d', n),"
        " substr(:s, 1 + abs(random()) % 20, 1) || '*' || substr(:s, 1 + abs(random()) % 20, 1),"
        " abs(random()) % 2000, 0, :bal, :now, '', 1 FROM temp.seq",
        {"s": SURNAMES, "bal": BALANCE_EACH, "now": now},
    )


def _gift_rows(n: int, demo: dict[str, Any]) -> list[tuple[Any, ...]]:
    images = [g.get("image", "") for g in demo["gifts"]]
    categories = [c["code"] for c in demo.get("gift_categories", [])] or [""]
    start = len(demo["gifts"])
    return [
        (
            f"BG{i:05d}",
            f"69{i:011d}",
            f"礼品{i:05d}号",
            f"Gift {i}",
            categories[i % len(categories)],
            5 + (i % 40) * 5,
            0,
            5,
            1,
            images[i % len(images)],
            start + i,
        )
        for i in range(max(0, n - start))
    ]


def _redemptions(conn: sqlite3.Connection, sizes: Sizes, skus: int, now: str) -> None:
    """Redemptions with 1-2 lines each, their stock movements and ledger debits; then
    restocks and point corrections up to the sizes asked for."""
    r = sizes.redemptions
    _seq(conn, max(r, sizes.stock_movements, sizes.ledger_entries))
    conn.execute(
        "CREATE TEMP TABLE rmap AS SELECT n, "
        + UUID_SQL
        + " AS id, printf('BV%06d', abs(random()) % :vols) AS vol, "
        + _at("n", r)
        + " AS at, abs(random()) % :skus AS g1, abs(random()) % :skus AS g2,"
        " 1 + abs(random()) % 2 AS q1, CASE WHEN n % 2 = 0 THEN 1 ELSE 0 END AS q2,"
        " CASE WHEN abs(random()) % 20 = 0 THEN 'offline' ELSE 'online' END AS mode"
        " FROM temp.seq WHERE n < :r",
        {"vols": sizes.volunteers, "skus": skus, "r": r, "now": now},
    )
    price = "(5 + ({g} % 40) * 5)"
    total = f"(q1 * {price.format(g='g1')} + q2 * {price.format(g='g2')})"
    conn.execute(
        "INSERT INTO redemptions (id, volunteer_id, pickup_code, total_points, balance_after,"
        " mode, status, created_at) "
        f"SELECT id, vol, printf('%08d', n), {total}, :bal - {total}, mode, 'done', at"
        " FROM temp.rmap",
        {"bal": BALANCE_EACH},
    )
    for g, q in (("g1", "q1"), ("g2", "q2")):
        conn.execute(
            "INSERT INTO redemption_lines (redemption_id, sku, name, qty, points_each) "
            f"SELECT id, printf('BG%05d', {g}), printf('礼品%05d号', {g}), {q}, "
            f"{price.format(g=g)} FROM temp.rmap WHERE {q} > 0"
        )
        conn.execute(
            "INSERT INTO stock_movements (id, sku, delta, kind, reason, staff_id,"
            " redemption_id, at) "
            f"SELECT {UUID_SQL}, printf('BG%05d', {g}), -{q}, 'redemption', '', NULL, id, at"
            f" FROM temp.rmap WHERE {q} > 0"
        )
    conn.execute(
        "INSERT INTO ledger_entries (id, volunteer_id, delta, reason, redemption_id, offline,"
        " confirmed, created_at) "
        f"SELECT {UUID_SQL}, vol, -{total}, 'redemption', id, mode = 'offline', 1, at"
        " FROM temp.rmap"
    )
    # Restocks: a first delivery of every gift, then small ones through the three years.
    first = _at("0", 1)
    conn.execute(
        "INSERT INTO stock_movements (id, sku, delta, kind, reason, staff_id, at) "
        f"SELECT {UUID_SQL}, sku, :each, 'restock', '初始库存', 'S01', {first} FROM gifts",
        {"each": STOCK_EACH, "now": now},
    )
    have = conn.execute("SELECT count(*) FROM stock_movements").fetchone()[0]
    more = max(0, sizes.stock_movements - have)
    conn.execute(
        "INSERT INTO stock_movements (id, sku, delta, kind, reason, staff_id, at) "
        f"SELECT {UUID_SQL}, printf('BG%05d', abs(random()) % :skus), 1 + abs(random()) % 48,"
        f" 'restock', '', 'S01', {_at('n', more)} FROM temp.seq WHERE n < :more",
        {"skus": skus, "more": more, "now": now},
    )
    more = max(0, sizes.ledger_entries - r)
    conn.execute(
        "INSERT INTO ledger_entries (id, volunteer_id, delta, reason, redemption_id, offline,"
        " confirmed, created_at) "
        f"SELECT {UUID_SQL}, printf('BV%06d', abs(random()) % :vols),"
        f" (abs(random()) % 41) - 20, 'correction', NULL, 0, 1, {_at('n', more)}"
        " FROM temp.seq WHERE n < :more",
        {"vols": sizes.volunteers, "more": more, "now": now},
    )


def _orders(conn: sqlite3.Connection, n: int, open_: int, services: list[str], now: str) -> None:
    """Orders, ~200 a day, each ticket numbered per day; all but the newest ``open_`` (at
    least a week's) closed (completed, one in ten cancelled) with their history, and those
    closed more than 30 days ago purged of phone and address."""
    _seq(conn, n)
    conn.execute("CREATE TEMP TABLE svc (i INTEGER PRIMARY KEY, code TEXT)")
    conn.executemany("INSERT INTO temp.svc VALUES (?, ?)", list(enumerate(services)))
    recent = min(n, max(7 * 200, open_))
    conn.execute(
        "CREATE TEMP TABLE omap AS SELECT n, "
        + UUID_SQL
        + " AS id, "
        + _at("n", n)
        + " AS at, printf('138%08d', abs(random()) % 100000000) AS phone,"
        " CASE WHEN n >= :open_from THEN 'submitted'"
        " WHEN n % 10 = 0 THEN 'cancelled' ELSE 'completed' END AS status"
        " FROM temp.seq",
        {"open_from": n - recent, "now": now},
    )
    # The station day and its running number come from the time: 200 orders a day.
    conn.execute(
        "CREATE TEMP TABLE oday AS SELECT n, strftime('%Y%m%d', at, '+8 hours') AS day,"
        " row_number() OVER (PARTITION BY strftime('%Y%m%d', at, '+8 hours') ORDER BY n) AS seq"
        " FROM temp.omap"
    )
    conn.execute(
        "INSERT INTO service_orders (id, ticket_no, ticket_day, ticket_seq, service_code,"
        " honorific, phone, phone_last4, address, time_slot, note_tags, status, team,"
        " volunteer_name, rating, rating_tags, rated_at, created_at, purged_at) "
        "SELECT o.id, printf('A%s-%03d', substr(d.day, 5), d.seq), d.day, d.seq,"
        " (SELECT code FROM temp.svc WHERE i = o.n % (SELECT count(*) FROM temp.svc)),"
        " substr(:s, 1 + abs(random()) % 20, 1) || '阿姨',"
        " CASE WHEN o.purge THEN '' ELSE o.phone END, substr(o.phone, 8),"
        " CASE WHEN o.purge THEN '' ELSE '梅园小区3号楼2单元' END,"
        " CASE o.n % 4 WHEN 0 THEN 'today_am' WHEN 1 THEN 'today_pm'"
        " WHEN 2 THEN 'tomorrow_am' ELSE 'tomorrow_pm' END, '[]', o.status,"
        " CASE WHEN o.status = 'completed' THEN '梅园服务队' ELSE '' END,"
        " CASE WHEN o.status = 'completed' THEN '李*' ELSE '' END,"
        " CASE WHEN o.status = 'completed' AND o.n % 3 = 0 THEN 5 ELSE NULL END, '[]',"
        " NULL, o.at, CASE WHEN o.purge THEN :now ELSE NULL END "
        "FROM (SELECT *, status != 'submitted' AND julianday(at) < julianday(:now) - 31"
        " AS purge FROM temp.omap) o JOIN temp.oday d ON d.n = o.n",
        {"s": SURNAMES, "now": now},
    )
    steps = (
        ("submitted", "0", "1"),
        ("assigned", "0.01", "status = 'completed'"),
        ("accepted", "0.02", "status = 'completed'"),
        ("in_service", "0.5", "status = 'completed'"),
        ("completed", "0.6", "status = 'completed'"),
        ("cancelled", "0.05", "status = 'cancelled'"),
    )
    for status, days, where in steps:
        conn.execute(
            "INSERT INTO order_status_changes (order_id, status, at, team, volunteer_name) "
            f"SELECT id, '{status}', strftime('%Y-%m-%d %H:%M:%f', julianday(at) + {days})"
            " || '000', '', '' FROM temp.omap WHERE " + where
        )
    conn.execute(
        "INSERT INTO ticket_sequences (day, last) SELECT day, max(seq) FROM temp.oday"
        " GROUP BY day ON CONFLICT (day) DO UPDATE SET last = max(last, excluded.last)"
    )


def _attendance(conn: sqlite3.Connection, sizes: Sizes, now: str) -> None:
    """Volunteer activities spread over the three years, each over by now and its
    volunteers signed in at the start and out two hours later (hours and points as the
    station's rule gives them), so that the hours screens and chores read an aged table."""
    per = max(1, sizes.attendances // max(1, sizes.activities))
    _seq(conn, sizes.activities)
    conn.execute(
        "INSERT INTO activities (id, title, title_en, team, starts_at, ends_at, capacity,"
        " sign_in_opens_min, round_to_h, daily_max_h, points_per_hour, active) "
        "SELECT printf('BA%06d', n), '社区志愿服务', 'Community service', '梅园服务队', "
        + _at("n", sizes.activities)
        + ", strftime('%Y-%m-%d %H:%M:%f', julianday("
        + _at("n", sizes.activities)
        + ") + 3 / 24.0) || '000', :per, 30, 0.5, 8.0, 10, 1 FROM temp.seq",
        {"now": now, "per": per},
    )
    _seq(conn, sizes.attendances)
    conn.execute(
        "INSERT INTO attendances (id, activity_id, volunteer_id, signed_in_at, signed_out_at,"
        " auto_signed_out, expected_hours, expected_points, corrected_hours) "
        "SELECT " + UUID_SQL + ", a.id, printf('BV%06d', (s.n * 7919) % :vols), a.starts_at,"
        " strftime('%Y-%m-%d %H:%M:%f', julianday(a.starts_at) + 2 / 24.0) || '000', 0, 2.0,"
        " 20, NULL FROM temp.seq s JOIN activities a ON a.id = printf('BA%06d', s.n / :per)",
        {"vols": sizes.volunteers, "per": per},
    )


def _pending_events(conn: sqlite3.Connection, n: int) -> None:
    """The newest ``n`` orders placed offline: their ``order.placed`` still in the outbox."""
    rows = conn.execute(
        "SELECT id, ticket_no, service_code, honorific, phone, address, time_slot,"
        " created_at FROM service_orders WHERE status = 'submitted'"
        " ORDER BY created_at DESC LIMIT ?",
        (n,),
    ).fetchall()
    events = []
    for oid, ticket, service, honorific, phone, address, slot, created in reversed(rows):
        at = datetime.fromisoformat(created)
        payload = {
            "order_id": oid,
            "ticket_no": ticket,
            "service_code": service,
            "honorific": honorific,
            "phone": phone,
            "address": address,
            "time_slot": slot,
            "note_tags": [],
            "placed_at": iso(at),
        }
        events.append(
            (str(uuid.uuid4()), "order.placed", created, json.dumps(payload, ensure_ascii=False))
        )
    conn.executemany(
        "INSERT INTO outbox_events (id, type, occurred_at, payload, state, attempts, result,"
        " sent_at) VALUES (?, ?, ?, ?, 'pending', 0, '', NULL)",
        events,
    )


def cache_dir() -> Path:
    return Path(os.environ.get("BENCH_CACHE") or ROOT / "benchmarks" / "results" / "cache")


def cache_key(sizes: Sizes) -> str:
    """What the store depends on: the table sizes, this generator, the schema, the demo."""
    h = hashlib.sha256(GENERATOR_VERSION.encode())
    fields: tuple[str, ...] = ("volunteers", "gifts", "orders", "stock_movements", "ledger_entries")
    fields += ("redemptions", "outbox_events", "activities", "attendances")
    h.update(json.dumps({f: getattr(sizes, f) for f in fields}).encode())
    sources = [Path(__file__), ROOT / "assets" / "demo" / "demo.json"]
    sources += sorted((ROOT / "kiosk" / "store" / "migrations" / "versions").glob("*.py"))
    for src in sources:
        if src.exists():
            h.update(src.read_bytes())
    return h.hexdigest()[:16]


def aged_store(sizes: Sizes, dest: Path) -> LargeStore:
    """The aged store of ``sizes`` copied to ``dest``: from the cache, built there first
    if it is not (one build per size and version; older ones are removed)."""
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    tag = "smoke" if sizes.smoke else "full"
    key = cache_key(sizes)
    cached, described = folder / f"aged-{tag}-{key}.db", folder / f"aged-{tag}-{key}.json"
    if not (cached.exists() and described.exists()):
        for old in folder.glob(f"aged-{tag}-*"):
            old.unlink(missing_ok=True)
        building = folder / f"building-{tag}-{os.getpid()}.db"
        large = build_large_store(building, sizes)
        building.replace(cached)
        save_large(LargeStore(**{**large.__dict__, "path": cached}), described)
    large = load_large(described)
    copy_store(cached, dest)
    return LargeStore(**{**large.__dict__, "path": dest})


def build_large_store(path: Path, sizes: Sizes) -> LargeStore:
    """A store of ``sizes`` at ``path``: the demo station plus three years of bulk rows."""
    started = time.perf_counter()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = open_store(path)
    try:
        demo = load_demo_data()
        seed_demo(store, demo)
    finally:
        store.close()
    now = utcnow()
    now_text = now.strftime("%Y-%m-%d %H:%M:%S.%f")
    services = [s["code"] for s in demo["services"]]
    gifts = _gift_rows(sizes.gifts, demo)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        # A scratch build: no journal, no fsync; the file is switched back to WAL below.
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-262144")
        conn.execute("PRAGMA temp_store=MEMORY")
        conn.execute("BEGIN")
        _volunteers(conn, sizes.volunteers, now_text)
        conn.executemany(
            "INSERT INTO gifts (sku, barcode, name, name_en, category, points,"
            " per_volunteer_limit, low_stock_at, active, image_path, sort)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            gifts,
        )
        _redemptions(conn, sizes, max(1, len(gifts)), now_text)
        _orders(conn, sizes.orders, sizes.outbox_events, services, now_text)
        _pending_events(conn, sizes.outbox_events)
        _attendance(conn, sizes, now_text)
        conn.execute("COMMIT")
        counts = {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in (
                "volunteers",
                "gifts",
                "stock_movements",
                "ledger_entries",
                "redemptions",
                "redemption_lines",
                "service_orders",
                "order_status_changes",
                "outbox_events",
                "activities",
                "attendances",
            )
        }
        conn.execute("PRAGMA journal_mode=WAL")
    finally:
        conn.close()
    # Statistics as the kiosk makes them itself (at start and daily), not by the suite.
    from kiosk.store.upkeep import optimize

    store = open_store(path)
    try:
        optimize(store)
    finally:
        store.close()
    checkpoint(path)
    took = time.perf_counter() - started
    log.info("aged store built at %s in %.1f s: %s", path, took, counts)
    return LargeStore(
        path=path,
        volunteer_ids=[f"BV{i:06d}" for i in range(sizes.volunteers)],
        gift_skus=[g["sku"] for g in demo["gifts"]] + [g[0] for g in gifts],
        bulk_skus=[g[0] for g in gifts],
        service_codes=services,
        demo=demo,
        counts=counts,
        build_s=took,
    )


def order_placed_event(order: dict[str, Any]) -> dict[str, Any]:
    """The outbox row ``kiosk.orders.place_order`` would have written for ``order``."""
    return {
        "id": str(uuid.uuid4()),
        "type": "order.placed",
        "occurred_at": order["created_at"],
        "payload": {
            "order_id": order["id"],
            "ticket_no": order["ticket_no"],
            "service_code": order["service_code"],
            "honorific": order["honorific"],
            "phone": order["phone"],
            "address": order["address"],
            "time_slot": order["time_slot"],
            "note_tags": order["note_tags"],
            "placed_at": iso(order["created_at"]),
        },
        "state": "pending",
        "attempts": 0,
        "result": "",
        "sent_at": None,
    }


def save_large(large: LargeStore, path: Path) -> None:
    """Describe ``large`` next to its file, so a figure in a child process can use it."""
    data = {**large.__dict__, "path": str(large.path)}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def load_large(path: Path) -> LargeStore:
    data = json.loads(path.read_text(encoding="utf-8"))
    return LargeStore(**{**data, "path": Path(data["path"])})


def checkpoint(path: Path) -> None:
    """Fold the WAL into the main file so a plain file copy is the whole store."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def copy_store(template: Path, dest: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dest}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, dest)
    # Put the copy on disk before any figure measures: otherwise the store's first fsync
    # of the file (the first WAL checkpoint, synchronous=FULL) writes back the whole
    # fresh 680 MB copy inside a timed step. Figure 5 paid 1.2 s of its 6 s for that in
    # one commit (13 ms once the copy was synced); a kiosk's store is never a file
    # written a second ago.
    fd = os.open(dest, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return dest
