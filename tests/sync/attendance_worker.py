"""A kiosk process for the attendance kill test: signs volunteers in and out of one
activity on a simulated clock and syncs after every step, until it is killed; ``drain``
only syncs until nothing is pending.

    python attendance_worker.py STORE URL STATION TOKEN CODES_JSON (loop SEED | drain)
"""

from __future__ import annotations

import contextlib
import json
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from kiosk import attendance
from kiosk.config import Config
from kiosk.errors import KioskError
from kiosk.store.db import open_store
from kiosk.store.models import Attendance
from sync.client import CentralClient
from sync.engine import SyncEngine

START = datetime(2026, 12, 5, 1, 0)
ACTIVITIES = 6


def main() -> int:
    store_path, url, station, token, codes_path, mode = sys.argv[1:7]
    codes: dict[str, str] = json.loads(Path(codes_path).read_text())
    config = Config(
        station_id=station,
        data_dir=str(Path(store_path).parent),
        server_url=url,
        token=token,
        printer_connection="dummy:",
    )
    store = open_store(store_path)
    engine = SyncEngine(store, CentralClient(url, station, token, timeout=(2.0, 3.0)), 60.0)
    if mode == "drain":
        for _ in range(20):
            if engine.sync_once().pending == 0:
                print("drained", flush=True)
                return 0
        return 1
    rng = random.Random(int(sys.argv[7]))
    print("ready", flush=True)
    while True:
        volunteer = rng.choice(sorted(codes))
        activity = f"A{rng.randrange(ACTIVITIES)}"
        with store.begin() as s:
            still_in = s.scalars(
                select(Attendance).where(Attendance.signed_out_at.is_(None)).order_by(Attendance.id)
            ).all()
        if still_in and rng.random() < 0.6:  # mostly finish what was started
            chosen = rng.choice(still_in)
            volunteer, activity = chosen.volunteer_id, chosen.activity_id
        with store.begin() as s:
            open_row = s.scalars(
                select(Attendance).where(
                    Attendance.activity_id == activity, Attendance.volunteer_id == volunteer
                )
            ).first()
            if open_row is not None:
                now = open_row.signed_in_at + timedelta(minutes=rng.randrange(20, 150))
            else:
                now = START + timedelta(minutes=rng.randrange(0, 60))
            # Signed out already, or a double scan: the rules at work, not the test's business.
            with contextlib.suppress(KioskError):
                attendance.scan(s, activity, codes[volunteer], config, now=now)
        print("scanned", flush=True)
        engine.sync_once()
        print("synced", flush=True)


if __name__ == "__main__":
    sys.exit(main())
