"""A kiosk killed between asking central for a hold and committing left an intent open; the
next start resolves it on its own thread (issue 11), and a start with none open only asks
(issue 16: the redemption stack stays unloaded until a volunteer first scans)."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from kiosk.config import Config
from kiosk.open_intents import has_open_intents
from kiosk.store import open_store
from kiosk.store.models import OutboxEvent, RedemptionIntent
from station import runtime


def _config(tmp_path) -> Config:
    return Config(station_id="ST-INT", data_dir=str(tmp_path / "data"), printer_connection="dummy:")


def _leave_open_intent(cfg: Config) -> str:
    store = open_store(cfg.store_path())
    rid = str(uuid.uuid4())
    with store.begin() as session:
        session.add(
            RedemptionIntent(
                redemption_id=rid,
                volunteer_id="V0001",
                total_points=30,
                lines=[{"sku": "G-EGG", "qty": 1, "points_each": 30}],
                proof_kind="code",
                boot_id=str(uuid.uuid4()),  # a process that is gone
            )
        )
    store.close()
    return rid


def test_a_start_voids_an_intent_a_killed_process_left_open(tmp_path):
    cfg = _config(tmp_path)
    rid = _leave_open_intent(cfg)
    rt = runtime.start(cfg)
    try:
        rt.resolver.join(30)
        assert not rt.resolver.is_alive()
        assert not has_open_intents(rt.store)
        with rt.store.begin() as session:
            intent = session.get(RedemptionIntent, rid)
            assert intent is not None and intent.state == "voided"
            voids = session.scalars(
                select(OutboxEvent).where(OutboxEvent.type == "redemption.voided")
            ).all()
            assert [e.payload["redemption_id"] for e in voids] == [rid]  # central releases it
    finally:
        rt.stop()


def test_a_start_with_no_open_intent_changes_nothing(tmp_path):
    cfg = _config(tmp_path)
    rt = runtime.start(cfg)
    try:
        rt.resolver.join(30)
        assert not has_open_intents(rt.store)
        with rt.store.begin() as session:
            assert session.scalars(select(OutboxEvent)).all() == []
    finally:
        rt.stop()


def test_the_kiosk_start_holds_the_work_that_can_wait_until_the_ui_is_up(tmp_path):
    """`kiosk` starts with hold_background: the intent left open, the print queue's worker
    and the backup thread's first pass wait for release_background (the UI calls it once
    it is up), so they do not take turns at the interpreter with the start and the first
    tap; the store is ready meanwhile, and released they do their work."""
    cfg = _config(tmp_path)
    rid = _leave_open_intent(cfg)
    rt = runtime.start(cfg, hold_background=True)
    try:
        assert rt.resolver is None
        assert rt.printq._thread is None
        assert not rt.backups._go.is_set()
        with rt.store.begin() as session:  # a screen's first query is served meanwhile
            assert session.get(RedemptionIntent, rid).state == "open"
        rt.release_background()
        rt.release_background()  # once only
        rt.resolver.join(30)
        assert rt.printq._thread is not None and rt.printq._thread.is_alive()
        assert rt.backups._go.is_set()
        with rt.store.begin() as session:
            assert session.get(RedemptionIntent, rid).state == "voided"
    finally:
        rt.stop()


def test_a_start_stopped_before_the_ui_came_up_stops_cleanly(tmp_path):
    cfg = _config(tmp_path)
    rt = runtime.start(cfg, hold_background=True)
    rt.stop()  # e.g. SIGTERM while the window was still coming up
    assert rt.resolver is None and rt.printq._thread is None


def test_a_provisioned_station_syncs_once_the_ui_is_up(tmp_path):
    """The sync engine's first cycle (push, pull, report) waits for release_background too:
    begun with the start it took turns at the interpreter with the first tap. The engine is
    built at once (the authoriser and the sync strip need it) and runs when released."""
    cfg = Config(
        station_id="ST-INT",
        data_dir=str(tmp_path / "data"),
        printer_connection="dummy:",
        server_url="http://127.0.0.1:9",  # nothing answers: the cycle fails and retries
        token="t",
    )
    rt = runtime.start(cfg, hold_background=True)
    try:
        assert rt.sync is not None and rt.authoriser is not None
        assert rt.sync._thread is None
        rt.release_background()
        assert rt.sync._thread is not None and rt.sync._thread.is_alive()
    finally:
        rt.stop()
    assert rt.sync._thread is None  # stopped and joined
