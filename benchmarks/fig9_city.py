"""Figure 9: central for a city. N simulated stations each push 10-event batches (orders,
offline redemptions, stock movements) and pull /changes, as fast as answers come,
against the real ``kiosk-central serve`` (a subprocess) on PostgreSQL — paired, in the
same run and on the same server, with a bare FastAPI endpoint that writes the same
rows in one transaction per batch (benchmarks.city_bare).

Rows: central/bare throughput at 200 stations (≥ 0.5×), central's push p99 at 200
stations (≤ 2 s), 2 workers against 1 (≥ 1.5×; on a 2-core machine PostgreSQL and the
load generator share those cores, the note says what each used).

``python -m benchmarks.fig9_city table [--stations 10,50,200] [--seconds S] [--sqlite]``
prints the stations × backend table of docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import make_url

from benchmarks.cityclient import Connection
from benchmarks.cityserver import Server, bare_server, bench_pg_url, central_server, pg_schema
from benchmarks.context import RunContext
from benchmarks.harness import Result, Target, not_measured, percentile, result

log = logging.getLogger(__name__)

RATIO_TARGET = Target(">=", 0.5)
P99_TARGET = Target("<=", 2000, kind="abs", unit="ms")
WORKERS_TARGET = Target(">=", 1.5)
BATCH = 10
# A busy volunteer may redeem many times a day at one station in this run: the per-day
# offline ceiling is raised so every redemption is debited (as the bare side does), not
# turned into an exception; the per-redemption offline limit (200) stays.
DAILY_CEILING = 1_000_000
CODE_TTL_S = 3600


def _now_iso() -> str:
    # Real time: central checks each redemption's time against its code's expiry and
    # against its own clock (no back-dated or future redemptions).
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass(frozen=True)
class Load:
    stations: int
    seconds: float
    volunteers: int
    workers: int = 2


@dataclass
class Outcome:
    side: str
    load: Load
    events: int = 0  # accepted
    other: int = 0  # duplicate or rejected (should stay 0)
    pulls: int = 0
    pulled: int = 0
    errors: int = 0
    push_ms: list[float] = field(default_factory=list)
    seconds: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)
    load_avg: tuple[float, float] = (0.0, 0.0)  # 1-minute load average before and after
    lag_ms: list[float] = field(default_factory=list)  # the generator's loop lag (_lag_probe)

    @property
    def throughput(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    @property
    def p99_ms(self) -> float:
        return percentile(self.push_ms, 99) if self.push_ms else float("nan")

    def lag(self, pct: float) -> float:
        return percentile(self.lag_ms, pct) if self.lag_ms else float("nan")

    def line(self) -> str:
        cpu = ", ".join(f"{k} {v:.2f}" for k, v in self.cpu.items())
        return (
            f"{self.side}: {self.throughput:,.0f} ev/s, push p99 {self.p99_ms / 1000:.2f} s "
            f"({len(self.push_ms)} pushes, {self.pulls} pulls, {self.errors} errors; "
            f"cores used: {cpu}; generator loop lag p50/p99 "
            f"{self.lag(50):.0f}/{self.lag(99):.0f} ms; "
            f"load average {self.load_avg[0]:.1f}→{self.load_avg[1]:.1f})"
        )


# --- the database ------------------------------------------------------------------------


@dataclass
class District:
    creds: list[tuple[str, str]]  # (station id, token)
    codes: list[str]  # a signed code per volunteer, index = number in its id
    tickets: dict[str, Tickets] = field(default_factory=dict)  # each station's counter
    # Each station's pull cursor, kept from the warm-up into the measured run as a kiosk
    # keeps its own (a station starting from "" would download the whole feed again).
    cursors: dict[str, str] = field(default_factory=dict)


def seed(db_url: str, stations: int, volunteers: int) -> District:
    """A migrated district: stations (id, token), a catalogue, volunteers with points,
    and a code central signed for each volunteer (an offline redemption carries it, and
    central verifies its signature, expiry and revocation as it would a real one)."""
    from central import admin, keys, migrate
    from central.clock import utcnow
    from central.db import Database
    from central.models import Volunteer
    from protocol import codes

    db = Database(db_url)
    try:
        migrate.upgrade(db.engine)
        keys.ensure_key(db)
        creds = []
        for i in range(stations):
            cred = admin.add_station(
                db,
                f"实践站{i:03d}",
                station_id=f"ST-{i:04d}",
                offline_daily_points=DAILY_CEILING,
            )
            creds.append((cred.station_id, cred.token))
        with db.write() as s:
            admin.upsert_category(db, s, {"code": "repair", "name": "家电维修", "sort": 1})
            admin.upsert_service(
                db, s, {"code": "repair-tv", "category": "repair", "name": "电视维修"}
            )
            admin.upsert_gift(db, s, {"sku": "G-EGG", "name": "鸡蛋", "points": 30})
        now = utcnow()
        rows = [
            {
                "id": f"V{i:06d}",
                "name": "王晓明",
                "total_hours": 120.0,
                "balance": 1_000_000,
                "balance_as_of": now,
                "team": "",
                "active": True,
            }
            for i in range(volunteers)
        ]
        with db.engine.begin() as conn:
            for i in range(0, len(rows), 5000):
                conn.execute(insert(Volunteer.__table__), rows[i : i + 5000])
        key_id, private = keys.signing_key(db)
        signed = [
            codes.sign_code(private, key_id, f"V{i:06d}", ttl_s=CODE_TTL_S)
            for i in range(volunteers)
        ]
        return District(creds, signed)
    finally:
        db.close()


@dataclass
class Tickets:
    """A station's ticket numbers as its kiosk makes them (A1207-001, A1207-002, …):
    central publishes each day's highest, so the format matters."""

    prefix: str = "A"
    last: int = 0

    def next(self) -> str:
        self.last += 1
        return f"{self.prefix}{datetime.now(UTC):%m%d}-{self.last:03d}"


def make_batch(
    rng: random.Random, signed: list[str], tickets: Tickets | None = None
) -> list[dict[str, Any]]:
    """4 orders, 3 offline redemptions (each with its volunteer's signed code), 3 stock
    movements: a busy station's 10 events."""
    tickets = tickets or Tickets()
    now = _now_iso()
    events = []
    for i in range(BATCH):
        if i < 4:
            type_, payload = (
                "order.placed",
                {
                    "order_id": str(uuid.uuid4()),
                    "ticket_no": tickets.next(),
                    "service_code": "repair-tv",
                    "honorific": "王阿姨",
                    "phone": "13812341234",
                    "address": "梅园小区 3号楼 2单元",
                    "time_slot": "今天下午",
                    "note_tags": ["行动不便"],
                    "placed_at": now,
                },
            )
        elif i < 7:
            points = rng.randint(1, 3) * 30
            who = rng.randrange(len(signed))
            type_, payload = (
                "redemption.made",
                {
                    "redemption_id": str(uuid.uuid4()),
                    "volunteer_id": f"V{who:06d}",
                    "pickup_code": "",
                    "mode": "offline",
                    "total_points": points,
                    "lines": [{"sku": "G-EGG", "qty": points // 30, "points_each": 30}],
                    "at": now,
                    "code": signed[who],
                },
            )
        else:
            type_, payload = (
                "stock.moved",
                {
                    "movement_id": str(uuid.uuid4()),
                    "sku": "G-EGG",
                    "delta": -1,
                    "kind": "redemption",
                    "reason": "",
                    "staff_id": None,
                    "at": now,
                },
            )
        events.append(
            {"id": str(uuid.uuid4()), "type": type_, "occurred_at": now, "payload": payload}
        )
    return events


# --- the stations ------------------------------------------------------------------------


async def _station(
    conn: Connection,
    sid: str,
    out: Outcome,
    deadline: float,
    rng: random.Random,
    district: District,
) -> None:
    tickets = district.tickets.setdefault(sid, Tickets())
    while True:
        batch = make_batch(rng, district.codes, tickets)
        start = time.perf_counter()
        try:
            answer = await conn.post_json("/api/v1/events", {"events": batch})
            took = (time.perf_counter() - start) * 1000
            statuses = [r["status"] for r in answer["results"]]
        except Exception:
            out.errors += 1
            statuses, took = [], (time.perf_counter() - start) * 1000
        out.push_ms.append(took)
        out.events += statuses.count("accepted")
        out.other += len(statuses) - statuses.count("accepted")
        for _page in range(5):
            cursor = district.cursors.get(sid, "")
            try:
                page = await conn.get_json("/api/v1/changes", {"cursor": cursor, "limit": 500})
            except Exception:
                out.errors += 1
                break
            out.pulls += 1
            out.pulled += len(page["changes"])
            district.cursors[sid] = page["next_cursor"]
            if not page["has_more"]:
                break
        if time.perf_counter() > deadline:
            return


async def _lag_probe(lags: list[float], stop: asyncio.Event) -> None:
    """How late the generator's event loop wakes a 10 ms sleep: when it is busy, an
    answer waits in the generator before its station's task runs, and that wait would be
    counted as the server's latency. The note reports it, so a saturated generator shows."""
    while not stop.is_set():
        start = time.perf_counter()
        await asyncio.sleep(0.010)
        lags.append((time.perf_counter() - start) * 1000 - 10.0)


async def _drive(
    url: str, district: District, out: Outcome, started: Callable[[], None] = lambda: None
) -> None:
    """The warm-up — one push and pull per station: connections open, each station's
    cursor where its pull left it — then ``started()``, then the measured run of
    ``out.load.seconds`` on the same connections."""
    conns = {
        sid: Connection(url, {"X-Station-Id": sid, "Authorization": f"Bearer {token}"})
        for sid, token in district.creds
    }
    try:
        warm = Outcome("warm-up", out.load)
        await asyncio.gather(
            *(
                _station(conns[sid], sid, warm, 0.0, random.Random(i), district)
                for i, (sid, _tok) in enumerate(district.creds)
            )
        )
        started()
        stop = asyncio.Event()
        probe = asyncio.create_task(_lag_probe(out.lag_ms, stop))
        start = time.perf_counter()
        deadline = start + out.load.seconds
        await asyncio.gather(
            *(
                _station(conns[sid], sid, out, deadline, random.Random(1000 + i), district)
                for i, (sid, _tok) in enumerate(district.creds)
            )
        )
        # Stations start no push after the deadline; those under way finish and count.
        out.seconds = time.perf_counter() - start
        stop.set()
        await probe
    finally:
        for conn in conns.values():
            conn.close()


def _cpu_seconds(pids: list[int]) -> float:
    """User+system CPU of these processes and their children (uvicorn's workers)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    seen: set[int] = set()
    todo = list(pids)
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            todo += [int(c) for c in children]
        except (OSError, IndexError, ValueError):
            continue
    return total


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine so far: what everyone on it used."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def _listener(port: int) -> int | None:
    """The process listening on 127.0.0.1/0.0.0.0 ``port`` (the postmaster of the run's
    PostgreSQL), found through its socket's inode; None if it is not on this machine or
    not visible to this user."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:  # LISTEN
                inodes.add(f"socket:[{cols[9]}]")
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        try:
            for fd in fd_dir.iterdir():
                if os.readlink(fd) in inodes:
                    return int(fd_dir.parent.name)
        except OSError:
            continue
    return None


def _pg_cpu_seconds(postmaster: int | None) -> float:
    """CPU of the run's PostgreSQL: its postmaster, its live backends and workers, and
    the children it has already reaped (cutime + cstime). NaN if it was not found."""
    if postmaster is None:
        return float("nan")
    try:
        fields = Path(f"/proc/{postmaster}/stat").read_text().rsplit(")", 1)[1].split()
        reaped = (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")
    return _cpu_seconds([postmaster]) + reaped


def measure(side: str, server_url: str, load: Load, workdir: Path, sqlite: bool = False) -> Outcome:
    """One side ("central" or "bare") under ``load``, on a fresh schema (or SQLite file)."""
    # Central's signing keys for this run (the seed signs the volunteers' codes with
    # them; the server needs only the public halves, which are in the database).
    os.environ.setdefault("KIOSK_CENTRAL_KEY_FILE", str(workdir / "fig9-signing-keys.json"))
    with _database(server_url, sqlite, workdir, side) as db_url:
        district = seed(db_url, load.stations, load.volunteers)
        logfile = workdir / f"fig9-{side}-{load.stations}-{load.workers}.log"
        make = central_server if side == "central" else bare_server
        server: Server = make(db_url, load.workers, logfile)
        out = Outcome(side, load)
        try:
            url = server.ready()
            time.sleep(0.5)  # let every worker finish starting
            postmaster = None if sqlite else _listener(make_url(db_url).port or 5432)
            first: dict[str, Any] = {}

            def started() -> None:
                first["cpu"] = _cpu_seconds([server.proc.pid])
                first["pg"] = _pg_cpu_seconds(postmaster)
                first["me"] = time.process_time()
                first["ticks"] = _machine_ticks()
                first["load"] = os.getloadavg()[0]

            asyncio.run(_drive(url, district, out, started))
            cpu0, pg0, me0 = first["cpu"], first["pg"], first["me"]
            busy0, total0 = first["ticks"]
            load0 = first["load"]
            busy1, total1 = _machine_ticks()
            out.load_avg = (load0, os.getloadavg()[0])
            out.cpu = {
                "server": (_cpu_seconds([server.proc.pid]) - cpu0) / out.seconds,
                "postgres": 0.0 if sqlite else (_pg_cpu_seconds(postmaster) - pg0) / out.seconds,
                "stations": (time.process_time() - me0) / out.seconds,
                # Everything on the machine, other people's tests included, in cores.
                "machine": (busy1 - busy0) / max(1, total1 - total0) * (os.cpu_count() or 1),
            }
        finally:
            server.stop()
    log.info("%s", out.line())
    return out


@contextmanager
def _database(server_url: str, sqlite: bool, workdir: Path, side: str) -> Iterator[str]:
    if sqlite:
        path = workdir / f"fig9-{side}-{uuid.uuid4().hex[:6]}.db"
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    with pg_schema(server_url, f"fig9_{side}") as url:
        yield url


# --- the figure --------------------------------------------------------------------------


def run(ctx: RunContext) -> list[Result]:
    smoke = ctx.sizes.smoke
    server_url = bench_pg_url(smoke)
    stations = 3 if smoke else 200
    seconds = 1.0 if smoke else 20.0  # closed loop: pushes under way at the end finish
    volunteers = 50 if smoke else 20_000
    # The smoke size checks the machinery with one worker a side (two quick starts);
    # the 2-worker run and its row belong to the full figure.
    workers = 1 if smoke else 2
    load = Load(stations, seconds, volunteers, workers)
    bare = measure("bare", server_url, load, ctx.workdir)
    ours = measure("central", server_url, load, ctx.workdir)
    runs = [bare, ours]
    if not smoke:
        one = measure("central", server_url, Load(stations, seconds, volunteers, 1), ctx.workdir)
        runs.append(one)
    for o in runs:
        if o.errors or o.other or not o.events:
            log.warning("figure 9: %s", o.line())
    notes = "; ".join(f"{o.load.workers} worker(s) {o.line()}" for o in runs)
    rows = [
        result(
            "9 ratio",
            f"central push+pull, {stations} stations, {workers} worker(s)",
            "ev/s",
            ours.throughput,
            bare.throughput,
            RATIO_TARGET,
            note=notes,
        ),
        result(
            "9 p99",
            f"central push p99, {stations} stations",
            "ms",
            ours.p99_ms,
            None,
            P99_TARGET,
        ),
    ]
    if smoke:
        why = "smoke size: one worker a side; the 2-worker run is in the full figure"
        rows.append(not_measured("9 workers", "central 2 workers vs 1", why, WORKERS_TARGET))
    else:
        rows.append(
            result(
                "9 workers",
                "central 2 workers vs 1",
                "ev/s",
                ours.throughput,
                one.throughput,
                WORKERS_TARGET,
                note=f"1 worker {one.throughput:,.0f} ev/s, 2 workers {ours.throughput:,.0f} ev/s",
            )
        )
    return rows


def table(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fig9_city table")
    parser.add_argument("--stations", default="10,50,200")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--volunteers", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sqlite", action="store_true", help="also SQLite (1 worker)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    server_url = bench_pg_url(False)
    workdir = Path(os.environ.get("TMPDIR", "/tmp"))
    print(
        "| stations | central, PostgreSQL | bare, PostgreSQL | ratio |"
        + (" central, SQLite | bare, SQLite |" if args.sqlite else "")
    )
    for n in (int(x) for x in args.stations.split(",")):
        load = Load(n, args.seconds, args.volunteers, args.workers)
        c = measure("central", server_url, load, workdir)
        b = measure("bare", server_url, load, workdir)
        row = (
            f"| {n} | {c.throughput:,.0f} ev/s, p99 {c.p99_ms / 1000:.2f} s | "
            f"{b.throughput:,.0f} ev/s, p99 {b.p99_ms / 1000:.2f} s | "
            f"{c.throughput / b.throughput:.2f}× |"
        )
        if args.sqlite:
            lite = Load(n, args.seconds, args.volunteers, 1)
            cs = measure("central", server_url, lite, workdir, sqlite=True)
            bs = measure("bare", server_url, lite, workdir, sqlite=True)
            row += (
                f" {cs.throughput:,.0f} ev/s, p99 {cs.p99_ms / 1000:.2f} s |"
                f" {bs.throughput:,.0f} ev/s, p99 {bs.p99_ms / 1000:.2f} s |"
            )
        print(row, flush=True)
        print(f"  {c.line()}\n  {b.line()}", flush=True)
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["table"]:
        sys.exit(table(sys.argv[2:]))
    print(__doc__)
    sys.exit(2)
