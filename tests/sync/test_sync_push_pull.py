"""Push and pull details: per-event settlement, paging with the cursor in the same
transaction, answers that name events we never sent, an event too large for central."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from central.models import Order
from kiosk.clock import utcnow
from kiosk.orders import OrderDraft, place_order
from kiosk.outbox import emit
from kiosk.store.db import Store
from kiosk.store.models import Gift, OutboxEvent, SyncCursor, Volunteer
from protocol.api import MAX_BODY_BYTES
from sync.engine import SyncEngine
from sync.errors import BadResponse
from sync.push import _wire, fit_batch, next_batch, record_results
from sync.wire import check_results
from tests.sync.centralkit import Central, Kiosk, count


def _events(store: Store, n: int) -> list[str]:
    with store.begin() as s:
        rows = [emit(s, "stock.moved", {"i": i}) for i in range(n)]
        s.flush()
        return [r.id for r in rows]


def test_only_answered_events_leave_pending(store: Store) -> None:
    ids = _events(store, 3)
    results = [
        {"id": ids[0], "status": "accepted", "reason": None, "balance": None},
        {"id": ids[2], "status": "rejected", "reason": "bad_payload", "balance": None},
    ]
    with store.begin() as s:
        assert record_results(s, ids, check_results({"results": results}, set(ids))) == 2
    with store.session() as s:
        rows = s.scalars(select(OutboxEvent).order_by(OutboxEvent.seq)).all()
        assert [(r.state, r.attempts) for r in rows] == [
            ("sent", 1),
            ("pending", 1),
            ("rejected", 1),
        ]
        assert rows[2].result == "bad_payload"
        # Written on the driver, read back through the ORM as the model's own types: the
        # privacy purge ages sent events by sent_at.
        assert rows[0].sent_at is not None and abs(rows[0].sent_at - utcnow()) < timedelta(
            minutes=1
        )
        assert rows[0].result == "accepted" and rows[2].sent_at is None


def test_next_batch_is_the_pending_events_as_the_wire_has_them(store: Store) -> None:
    ids = _events(store, 3)
    with store.begin() as s:
        record_results(s, ids, [{"id": ids[0], "status": "duplicate"}])
    with store.session() as s:
        rows = s.scalars(select(OutboxEvent).order_by(OutboxEvent.seq)).all()
        expected = [_wire(r) for r in rows[1:]]
    assert next_batch(store, 500) == expected
    assert next_batch(store, 1) == expected[:1]


@pytest.mark.parametrize(
    "result",
    [
        {"id": "not-ours", "status": "accepted"},
        {"id": "e1", "status": "maybe"},
        {"id": "e1", "status": "accepted", "balance": {"volunteer_id": "V1", "balance": "9"}},
        "e1",
    ],
)
def test_answers_we_cannot_trust_are_bad_responses(result: object) -> None:
    with pytest.raises(BadResponse):
        check_results({"results": [result]}, {"e1"})


def test_pages_commit_with_their_cursor(kiosks: Callable[..., Kiosk], central: Central) -> None:
    kiosk = kiosks("k1")
    engine = SyncEngine(kiosk.store, kiosk.client, page_limit=2)
    assert kiosk.proxy is not None
    kiosk.proxy.set("truncate", path="/api/v1/changes", after=2, times=1)  # the third page
    assert engine.sync_once().last_error == "sync.bad_response"
    with kiosk.store.session() as s:
        cursor = s.get(SyncCursor, "changes").cursor
        applied = sum(s.scalar(select(func.count()).select_from(m)) or 0 for m in (Gift, Volunteer))
    assert cursor and applied < 4  # two pages kept, the third not
    assert engine.sync_once().last_error is None
    with kiosk.store.session() as s:
        assert s.scalar(select(func.count()).select_from(Gift)) == 2
        assert s.scalar(select(func.count()).select_from(Volunteer)) == 2


def test_an_event_too_large_for_central_is_parked(
    kiosks: Callable[..., Kiosk], central: Central
) -> None:
    kiosk = kiosks("k1")
    kiosk.sync()
    order_ids = []
    for i in range(2):
        with kiosk.store.begin() as s:
            draft = OrderDraft("haircut", "王阿姨", f"1371234567{i}", "asap")
            order_ids.append(place_order(s, draft, kiosk.config).id)
        if i == 0:
            with kiosk.store.begin() as s:  # 3 MB: over central's 2 MB body limit
                emit(s, "stock.moved", {"reason": "x" * 3_000_000})
    status = kiosk.sync()
    assert (status.last_error, status.pending, status.rejected) == (None, 0, 1)
    assert count(central.db, Order, Order.id.in_(order_ids)) == 2


def test_batches_stay_under_centrals_body_limit() -> None:
    events = [
        {"id": f"e{i}", "type": "stock.moved", "payload": {"x": "y" * 300_000}} for i in range(9)
    ]
    events.insert(3, {"id": "huge", "type": "stock.moved", "payload": {"x": "z" * 3_000_000}})
    fitted, oversized = fit_batch(events)
    assert oversized == ["huge"]
    assert [e["id"] for e in fitted] == ["e0", "e1", "e2", "e3", "e4", "e5"]  # in order
    assert len(json.dumps({"events": fitted})) < MAX_BODY_BYTES
