"""Hours are money too: a kiosk signing volunteers in and out is SIGKILLed at random
points (mid-write, mid-push, mid-pull) and restarted; after the last drain every hour the
kiosk recorded is credited at central exactly once (0 lost, 0 doubled). Also through the
fault proxy: every fault mode on the push of a sign-out."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from central import activities, keys
from central.models import Attendance as CentralAttendance
from central.models import Volunteer as CentralVolunteer
from kiosk import attendance
from kiosk.store.models import Attendance
from protocol import codes as wire_codes
from tests.sync.attendance_worker import ACTIVITIES
from tests.sync.centralkit import VOLUNTEERS, Central, Kiosk
from tests.sync.test_sync_faults import FAULTS, _faulty_sync, _heal

WORKER = Path(__file__).with_name("attendance_worker.py")
START = datetime(2026, 12, 5, 1, 0)


def _prepare(central: Central, kiosk: Kiosk) -> dict[str, str]:
    for n in range(ACTIVITIES):
        activities.publish_activity(
            central.db,
            activity_id=f"A{n}",
            title=f"12·5 志愿服务日 {n}",
            starts_at=START,
            ends_at=START + timedelta(hours=3),
            station_id=kiosk.config.station_id,
        )
    assert kiosk.sync().last_error is None
    with central.db.read() as s:
        key_id, private = keys.signing_key(s)
    return {
        v["id"]: wire_codes.sign_code(private, key_id, v["id"], 86_400, now=START)
        for v in VOLUNTEERS
    }


def _hours(central: Central) -> dict[str, float]:
    with central.db.read() as s:
        return {v.id: v.total_hours for v in s.scalars(select(CentralVolunteer))}


def _check_exact(central: Central, kiosk: Kiosk, before: dict[str, float]) -> int:
    with kiosk.store.begin() as s:
        local = {a.id: a.expected_hours for a in s.scalars(select(Attendance)) if a.signed_out_at}
    with central.db.read() as s:
        remote = {
            a.id: a.hours
            for a in s.scalars(select(CentralAttendance))
            if a.signed_out_at is not None
        }
        assert s.scalar(select(func.count()).select_from(CentralAttendance)) == len(
            list(s.scalars(select(CentralAttendance.id)))
        )
    assert remote == local, "an attendance was lost, doubled or credited differently"
    after = _hours(central)
    for vid, was in before.items():
        mine = sum(h for aid, h in local.items() if aid in _ids_of(kiosk, vid))
        assert after[vid] == pytest.approx(was + mine), f"{vid}: hours lost or doubled"
    return len(local)


def _ids_of(kiosk: Kiosk, volunteer: str) -> set[str]:
    with kiosk.store.begin() as s:
        return set(s.scalars(select(Attendance.id).where(Attendance.volunteer_id == volunteer)))


@pytest.mark.parametrize("mode", list(FAULTS))
def test_a_sign_out_survives_every_push_fault(
    mode: str, kiosks: Callable[..., Kiosk], central: Central
) -> None:
    kiosk = kiosks("k1")
    codes = _prepare(central, kiosk)
    before = _hours(central)
    with kiosk.store.begin() as s:
        attendance.scan(s, "A0", codes["V001"], kiosk.config, now=START)
        attendance.scan(s, "A0", codes["V001"], kiosk.config, now=START + timedelta(hours=2))
    assert kiosk.proxy is not None
    kiosk.proxy.set(mode, path="/api/v1/events")
    _faulty_sync(kiosk)
    _heal(kiosk)
    assert kiosk.sync().pending == 0
    kiosk.sync()
    assert _check_exact(central, kiosk, before) == 1
    assert _hours(central)["V001"] == before["V001"] + 2.0


def _kill_loop(tmp_path: Path, central: Central, kiosk: Kiosk, kills: int) -> None:
    codes = _prepare(central, kiosk)
    before = _hours(central)
    codes_file = tmp_path / "codes.json"
    codes_file.write_text(json.dumps(codes))
    store_path = str(kiosk.store.path)
    kiosk.store.close()
    url = central.url  # straight to central: the kills are the fault here
    args = [store_path, url, kiosk.config.station_id, kiosk.config.token, str(codes_file)]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    rng = random.Random(20261207)
    for _ in range(kills):
        proc = subprocess.Popen(
            [sys.executable, str(WORKER), *args, "loop", str(rng.randrange(10**6))],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready", (
            proc.stderr.read() if proc.stderr else ""
        )
        # Let it do a few steps (however slow the machine), then kill it at a random point
        # inside the next ones: mid-write, mid-push or mid-pull.
        for _step in range(rng.randrange(1, 6)):
            line = proc.stdout.readline()
            if not line:  # it died by itself: that is a bug, show why
                raise AssertionError(proc.stderr.read() if proc.stderr else "worker exited")
        time.sleep(rng.uniform(0.0, 0.4))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    drain = subprocess.run(
        [sys.executable, str(WORKER), *args, "drain"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert drain.stdout.strip() == "drained", drain.stderr[-2000:]
    from kiosk.store.db import open_store

    kiosk.store = open_store(store_path)
    assert _check_exact(central, kiosk, before) > 0


def test_kills_lose_and_double_no_hours(
    tmp_path: Path, kiosks: Callable[..., Kiosk], central: Central
) -> None:
    _kill_loop(tmp_path, central, kiosks("k1", via_proxy=False), kills=5)


@pytest.mark.slow
def test_thirty_kills_lose_and_double_no_hours(
    tmp_path: Path, kiosks: Callable[..., Kiosk], central: Central
) -> None:
    _kill_loop(tmp_path, central, kiosks("k1", via_proxy=False), kills=30)
