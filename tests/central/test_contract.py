"""The protocol in three places agrees: protocol/api.py, central, docs/sync-protocol.md;
and central survives whatever JSON a confused kiosk pushes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from central import events, feed
from central.payloads import AuthoriseIn
from kiosk import outbox
from protocol import api as protocol
from tests.central.conftest import Api

DOC = (Path(__file__).resolve().parents[2] / "docs" / "sync-protocol.md").read_text("utf-8")


def test_event_types_agree() -> None:
    assert set(events.APPLIERS) == set(protocol.EVENT_TYPES) == set(outbox.EVENT_TYPES)
    for name in protocol.EVENT_TYPES:
        assert f"**`{name}`**" in DOC


def test_change_kinds_are_documented() -> None:
    for kind in protocol.CHANGE_KINDS:
        assert f"| `{kind}` |" in DOC
    for status in protocol.ORDER_STATUSES:
        assert f"`{status}`" in DOC
    for code in protocol.ERROR_CODES:
        assert f"`{code}`" in DOC


def test_cursor_round_trip() -> None:
    for seq in (0, 1, 125, 10**15):
        assert feed.decode_cursor(feed.encode_cursor(seq, "0badcafe")) == ("0badcafe", seq)


def test_authorise_model_mirrors_the_typed_dict() -> None:
    assert set(AuthoriseIn.model_fields) == set(protocol.AuthoriseRequest.__annotations__)


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = [
    "order_id",
    "rating",
    "redemption_id",
    "volunteer_id",
    "total_points",
    "lines",
    "mode",
    "movement_id",
    "sku",
    "delta",
    "kind",
    "at",
    "placed_at",
    "ticket_no",
    "service_code",
    "note_tags",
    "tags",
    "rated_at",
    "reason",
]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    type_=st.sampled_from([*protocol.EVENT_TYPES, "x"]) | st.text(max_size=10) | JSON,
    payload=st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=8) | JSON,
    occurred_at=JSON,
)
def test_fuzzed_events_are_answered_never_crash(
    api: Api, type_: Any, payload: Any, occurred_at: Any
) -> None:
    import uuid

    ev = {"id": str(uuid.uuid4()), "type": type_, "occurred_at": occurred_at, "payload": payload}
    answer = api.post("/events", json={"events": [ev]})
    assert answer.status_code == 200, answer.text
    (result,) = answer.json()["results"]
    assert result["id"] == ev["id"] and result["status"] in ("accepted", "rejected")


def _valid_payloads() -> dict[str, dict[str, Any]]:
    from tests.central.factories import NOW, order_placed, redemption_made

    return {
        "order.placed": order_placed()["payload"],
        "order.rated": {"order_id": "o", "rating": 5, "tags": [], "rated_at": NOW},
        "redemption.made": redemption_made("r", volunteer_id="V1")["payload"],
        "redemption.voided": {"redemption_id": "r", "reason": ""},
        "stock.moved": {
            "movement_id": "m",
            "sku": "G",
            "delta": 1,
            "kind": "restock",
            "reason": "",
            "staff_id": None,
            "at": NOW,
        },
    }


VALID = _valid_payloads()
ANY_VALUE = (
    st.text()
    | st.text(min_size=1).map(lambda t: t[:1] + "\x00" + t[1:])  # PostgreSQL's nemesis
    | st.integers(min_value=-(2**70), max_value=2**70)
    | JSON
)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    type_=st.sampled_from(sorted(VALID)),
    changes=st.dictionaries(st.sampled_from(FIELDS), ANY_VALUE, max_size=3),
)
def test_nearly_valid_events_never_crash(api: Api, type_: str, changes: dict[str, Any]) -> None:
    """Valid payloads with a few fields swapped for anything (NUL, huge ints, nesting):
    the database must never see a value it cannot store."""
    import uuid

    payload = {**VALID[type_], **changes}
    for key in ("order_id", "redemption_id", "movement_id"):
        if key in payload and payload[key] == VALID[type_].get(key):
            payload[key] = str(uuid.uuid4())  # fresh ids: each example may be accepted
    ev = {
        "id": str(uuid.uuid4()),
        "type": type_,
        "occurred_at": "2026-11-23T08:00:00Z",
        "payload": payload,
    }
    answer = api.post("/events", json={"events": [ev]})
    assert answer.status_code == 200, answer.text
    assert answer.json()["results"][0]["status"] in ("accepted", "rejected")
