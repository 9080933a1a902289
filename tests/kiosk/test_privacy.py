"""Residents' phone numbers: masked everywhere, purged after closing and syncing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from kiosk.orders import OrderDraft, place_order
from kiosk.privacy import mask_phone, purge_closed_orders
from kiosk.store.models import OrderStatusChange, OutboxEvent, PrintJob, ServiceOrder


def test_mask_phone() -> None:
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("") == ""


def test_purge_only_closed_synced_and_old(demo_store, config) -> None:  # type: ignore[no-untyped-def]
    t0 = datetime(2026, 10, 1, 2, 0)
    ids = []
    with demo_store.begin() as s:
        for phone in ("13800000001", "13800000002", "13800000003"):
            ids.append(
                place_order(
                    s, OrderDraft("repair-tv", "王先生", phone, "asap", "1号楼"), config, now=t0
                ).id
            )
    closed_synced, closed_unsynced, still_open = ids
    with demo_store.begin() as s:
        for oid in (closed_synced, closed_unsynced):
            s.get(ServiceOrder, oid).status = "completed"
            s.add(OrderStatusChange(order_id=oid, status="completed", at=t0 + timedelta(days=1)))
        s.execute(
            update(OutboxEvent)
            .where(OutboxEvent.payload["order_id"].as_string() != closed_unsynced)
            .values(state="sent")
        )
    with demo_store.begin() as s:
        assert purge_closed_orders(s, 30, now=t0 + timedelta(days=20)) == 0  # not old enough
        assert purge_closed_orders(s, 30, now=t0 + timedelta(days=40)) == 1
    with demo_store.begin() as s:
        assert s.get(ServiceOrder, closed_synced).phone == ""
        assert s.get(ServiceOrder, closed_synced).phone_last4 == "0001"  # tracking still works
        assert s.get(ServiceOrder, closed_unsynced).phone == "13800000002"
        assert s.get(ServiceOrder, still_open).phone == "13800000003"


def test_the_running_kiosk_purges_with_central_retention(demo_store, config) -> None:  # type: ignore[no-untyped-def]
    from kiosk import catalog
    from station.runtime import purge_chore

    long_ago = datetime(2020, 1, 1, 2, 0)
    with demo_store.begin() as s:
        oid = place_order(
            s,
            OrderDraft("repair-tv", "王先生", "13800000009", "asap", "1号楼"),
            config,
            now=long_ago,
        ).id
        s.get(ServiceOrder, oid).status = "cancelled"
        s.add(OrderStatusChange(order_id=oid, status="cancelled", at=long_ago))
        s.execute(update(OutboxEvent).values(state="sent"))
        # Central says keep phones for 100 years: nothing may go yet.
        catalog.put_setting(s, "station_settings", {"privacy_retention_days": 36500})
    chore = purge_chore(config, demo_store)
    assert chore() == 0
    with demo_store.begin() as s:
        catalog.put_setting(s, "station_settings", {"privacy_retention_days": 30})
    assert chore() == 1
    with demo_store.begin() as s:
        assert s.get(ServiceOrder, oid).phone == ""


# --- sent outbox events and printed jobs: a kiosk that runs for months ----------------------


def _event(s, state: str, sent_at: datetime | None, *, occurred_at: datetime) -> str:  # type: ignore[no-untyped-def]
    from kiosk.outbox import emit

    event = emit(s, "stock.moved", {"sku": "X"}, occurred_at=occurred_at)
    event.state, event.sent_at = state, sent_at
    s.flush()
    return event.id


def test_sent_events_go_after_the_retention_pending_rejected_and_the_newest_stay(store) -> None:  # type: ignore[no-untyped-def]
    from kiosk.health import newest_store_time
    from kiosk.privacy import prune_sent_outbox

    now = datetime(2026, 12, 1, 2, 0)
    old, recent = now - timedelta(days=40), now - timedelta(days=5)
    with store.begin() as s:
        sent_old = [_event(s, "sent", old, occurred_at=old) for _ in range(3)]
        sent_recent = _event(s, "sent", recent, occurred_at=recent)
        pending = _event(s, "pending", None, occurred_at=old)
        rejected = _event(s, "rejected", old, occurred_at=old)
        newest = _event(s, "sent", old, occurred_at=old)  # then the station stood idle
    with store.begin() as s:
        assert prune_sent_outbox(s, 30, now=now - timedelta(days=20)) == 0  # not old enough
        assert prune_sent_outbox(s, 30, now=now, limit=2) == 2  # a batch at a time
        assert prune_sent_outbox(s, 30, now=now) == 1
        assert prune_sent_outbox(s, 30, now=now) == 0
    with store.read() as s:
        left = set(s.scalars(select(OutboxEvent.id)))
    assert left == {sent_recent, pending, rejected, newest}
    assert not left & set(sent_old)
    # The clock check at start still finds the store's newest time.
    assert newest_store_time(store.path) == old.replace(tzinfo=UTC)


def _job(s, state: str, at: datetime, reprint_of: str | None = None) -> str:  # type: ignore[no-untyped-def]
    job = PrintJob(
        kind="order_ticket",
        ref_id="o",
        document={},
        state=state,
        created_at=at,
        reprint_of=reprint_of,
    )
    s.add(job)
    s.flush()
    return job.id


def test_printed_jobs_go_after_the_retention_what_staff_must_see_stays(store) -> None:  # type: ignore[no-untyped-def]
    from kiosk import print_queue
    from kiosk.privacy import prune_printed_jobs

    now = datetime(2026, 12, 1, 2, 0)
    old, recent = now - timedelta(days=40), now - timedelta(days=5)
    with store.begin() as s:
        done_old = _job(s, "done", old)
        done_recent = _job(s, "done", recent)
        pending_old = _job(s, "pending", old)
        failed_old = _job(s, "failed", old)  # never reprinted: staff must still see it
        unconfirmed_old = _job(s, "printed_unconfirmed", old)
        interrupted_old = _job(s, "interrupted", old)
        reprint_of_interrupted = _job(s, "done", old, reprint_of=interrupted_old)
        failed_recent = _job(s, "failed", recent)
        reprint_of_recent = _job(s, "done", old, reprint_of=failed_recent)  # clock moved back
    with store.read() as s:
        counts_before = print_queue.counts(s)
    with store.begin() as s:
        # The done job and the interrupted one that was reprinted; the reprint of a job
        # still kept stays (deleting it would show that job as not reprinted again).
        assert prune_printed_jobs(s, 30, now=now) == 2
    with store.begin() as s:
        assert prune_printed_jobs(s, 30, now=now) == 1  # now the reprint of the gone one
        assert prune_printed_jobs(s, 30, now=now) == 0
    with store.read() as s:
        left = set(s.scalars(select(PrintJob.id)))
        assert print_queue.counts(s) == counts_before == (1, 1, 1)
    assert left == {
        done_recent,
        pending_old,
        failed_old,
        unconfirmed_old,
        failed_recent,
        reprint_of_recent,
    }
    assert not left & {done_old, interrupted_old, reprint_of_interrupted}


def test_the_running_kiosk_prunes_in_batches(demo_store, config, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import kiosk.privacy
    from kiosk import catalog
    from station.runtime import purge_chore

    long_ago = datetime(2020, 1, 1, 2, 0)
    with demo_store.begin() as s:
        catalog.put_setting(s, "station_settings", {"privacy_retention_days": 30})
        events = [_event(s, "sent", long_ago, occurred_at=long_ago) for _ in range(7)]
        jobs = [_job(s, "done", long_ago) for _ in range(7)]
        _event(s, "sent", None, occurred_at=datetime.now())  # the newest: kept anyway
    monkeypatch.setattr(kiosk.privacy, "PRUNE_BATCH", 3)
    purge_chore(config, demo_store)()
    with demo_store.read() as s:
        assert not set(s.scalars(select(OutboxEvent.id))) & set(events)
        assert not set(s.scalars(select(PrintJob.id))) & set(jobs)
