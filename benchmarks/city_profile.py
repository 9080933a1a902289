"""Where central's CPU goes under figure 9's load, measured without the machine's noise:
central's app (and the bare baseline) in this process, every request through the whole
ASGI stack (routing, validation, authentication, handlers, response serialisation) on
one thread, stations taking turns. Prints CPU per push + pull cycle (process time, not
wall time), SQL statements per push and per pull, and with ``--profile`` the top of
cProfile's cumulative and own-time tables.

``python -m benchmarks.city_profile [--side central|bare] [--cycles N] [--stations N]
[--profile] [--sqlite]`` (PostgreSQL from $KIOSK_BENCH_PG_URL or $KIOSK_TEST_PG_URL).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import anyio.to_thread
from sqlalchemy import event

from benchmarks.cityserver import pg_schema
from benchmarks.fig9_city import District, Tickets, make_batch, seed


async def _inline(func: Any, *args: Any, **_kw: Any) -> Any:
    # Every "thread pool" call runs right here: one thread, so cProfile sees it all.
    return func(*args)


_PHASE = ["setup"]


def _app(side: str, url: str) -> tuple[Any, Any]:
    if side == "central":
        from central.app import create_app
        from central.db import Database

        db = Database(url)
        return create_app(db, run_migrations=False), db.engine
    from benchmarks import city_bare

    os.environ[city_bare.DB_ENV] = url
    app = city_bare.create()
    engine = next(
        c.cell_contents
        for r in app.routes
        if getattr(r, "endpoint", None) is not None and r.path == "/api/v1/events"
        for c in (r.endpoint.__closure__ or ())
        if type(c.cell_contents).__name__ == "Engine"
    )
    return app, engine


async def _cycles(app: Any, district: District, cycles: int, counter: Counter[str]) -> None:
    import httpx

    transport = httpx.ASGITransport(app=app)
    rng = random.Random(7)
    cursors: dict[str, str] = {}
    async with httpx.AsyncClient(transport=transport, base_url="http://central") as client:
        for n in range(cycles):
            sid, token = district.creds[n % len(district.creds)]
            headers = {"X-Station-Id": sid, "Authorization": f"Bearer {token}"}
            batch = make_batch(rng, district.codes, district.tickets.setdefault(sid, Tickets()))
            _PHASE[0] = "push"
            cpu0 = time.process_time()
            resp = await client.post("/api/v1/events", json={"events": batch}, headers=headers)
            resp.raise_for_status()
            statuses = [r["status"] for r in resp.json()["results"]]
            assert statuses == ["accepted"] * len(batch), statuses
            counter["pushes"] += 1
            counter["cpu push"] += time.process_time() - cpu0  # type: ignore[assignment]
            cpu0 = time.process_time()
            while True:
                _PHASE[0] = "pull"
                params = {"cursor": cursors.get(sid, ""), "limit": 500}
                resp = await client.get("/api/v1/changes", params=params, headers=headers)
                resp.raise_for_status()
                page = resp.json()
                counter["pulls"] += 1
                counter["pulled"] += len(page["changes"])
                cursors[sid] = page["next_cursor"]
                if not page["has_more"]:
                    break
            counter["cpu pull"] += time.process_time() - cpu0  # type: ignore[assignment]


def _package(filename: str) -> str:
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0]
    for ours in ("central", "benchmarks", "protocol"):
        if f"/{ours}/" in filename:
            return ours
    return "python" if filename.startswith(("/", "<")) else filename.strip("{}").split(" ")[0]


def run(
    side: str, url: str, stations: int, cycles: int, profile: bool, top: int, volunteers: int
) -> None:
    anyio.to_thread.run_sync = _inline  # type: ignore[assignment]
    district = seed(url, stations, volunteers)
    app, engine = _app(side, url)
    counter: Counter[str] = Counter()

    @event.listens_for(engine, "before_cursor_execute")
    def _count(*_a: Any) -> None:
        counter["sql " + _PHASE[0]] += 1

    # Warm-up: every station once (connections, compiled statements, first pulls).
    asyncio.run(_cycles(app, district, stations, Counter()))
    counter.clear()
    # CPU time, not wall time: waits on PostgreSQL are not what is being looked for.
    prof = cProfile.Profile(time.process_time) if profile else None
    cpu0, wall0 = time.process_time(), time.perf_counter()
    if prof:
        prof.enable()
    asyncio.run(_cycles(app, district, cycles, counter))
    if prof:
        prof.disable()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    pushes = counter["pushes"]
    print(
        f"{side}: {pushes} push+pull cycles, {cpu / pushes * 1000:.1f} ms CPU per cycle "
        f"({wall / pushes * 1000:.1f} ms wall); SQL per push {counter['sql push'] / pushes:.1f}, "
        f"per pull {counter['sql pull'] / max(1, counter['pulls']):.1f} "
        f"({counter['pulls'] / pushes:.2f} pulls per push, {counter['pulled'] / pushes:.0f} "
        f"changes pulled per cycle); CPU per push {counter['cpu push'] / pushes * 1000:.1f} ms, "
        f"per cycle's pulls {counter['cpu pull'] / pushes * 1000:.1f} ms"
        + (" [profiled]" if prof else "")
    )
    if prof:
        stats = pstats.Stats(prof)
        calls = sum(v[1] for v in stats.stats.values())  # type: ignore[attr-defined]
        own: Counter[str] = Counter()
        for (filename, _line, _name), v in stats.stats.items():  # type: ignore[attr-defined]
            own[_package(filename)] += v[2]
        total = sum(own.values()) or 1.0
        print(f"{calls / pushes:,.0f} Python function calls per cycle; own time by package:")
        print("  " + ", ".join(f"{k} {v / total:.0%}" for k, v in own.most_common(9)))
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(prof, stream=out).sort_stats(order).print_stats(top)
            print(out.getvalue())
    engine.dispose()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.city_profile")
    parser.add_argument("--side", default="central", choices=["central", "bare"])
    parser.add_argument("--stations", type=int, default=10)
    parser.add_argument("--cycles", type=int, default=200)
    parser.add_argument("--volunteers", type=int, default=2000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault(
        "KIOSK_CENTRAL_KEY_FILE", str(Path(tempfile.gettempdir()) / "city-profile-keys.json")
    )
    if args.sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/city.db"
            run(args.side, url, args.stations, args.cycles, args.profile, args.top, args.volunteers)
        return 0
    server = os.environ.get("KIOSK_BENCH_PG_URL") or os.environ["KIOSK_TEST_PG_URL"]
    with pg_schema(server, f"prof_{args.side}") as url:
        run(args.side, url, args.stations, args.cycles, args.profile, args.top, args.volunteers)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
