"""Pydantic models of what central accepts: request bodies and event payloads.

Strict types (a string is not a number here) and unknown fields ignored, so a newer
kiosk may send more than this server knows.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from protocol.api import MAX_EVENTS_PER_BATCH

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab, CR, LF pass


def _no_control(value: str) -> str:
    # PostgreSQL cannot store NUL at all, and no name, address or id needs a control char.
    if _CONTROL.search(value):
        raise ValueError("control characters are not allowed")
    return value


Text = Annotated[str, AfterValidator(_no_control)]
Id = Field(min_length=1, max_length=64)
VolunteerId = Field(min_length=1, max_length=40)


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class EventIn(BaseModel):
    """One outbox event. Only ``id`` is checked for the batch; the rest per event."""

    model_config = ConfigDict(extra="ignore")

    id: Text = Field(min_length=1, max_length=64, strict=True, description="UUID from the kiosk")
    type: Any = Field(None, json_schema_extra={"type": "string"}, examples=["order.placed"])
    occurred_at: Any = Field(None, json_schema_extra={"type": "string", "format": "date-time"})
    payload: Any = Field(None, json_schema_extra={"type": "object"})


class EventBatchIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    events: list[EventIn] = Field(min_length=1, max_length=MAX_EVENTS_PER_BATCH)


class LineIn(Strict):
    sku: Text = Field(min_length=1, max_length=40)
    qty: int = Field(ge=1, le=10_000)
    points_each: int = Field(ge=0, le=10_000_000)


class AuthoriseIn(Strict):
    redemption_id: Text = Id
    volunteer_id: Text = VolunteerId
    total_points: int = Field(ge=0, le=100_000_000)
    lines: list[LineIn] = Field(default_factory=list, max_length=200)


# --- event payloads ------------------------------------------------------------------


class OrderPlaced(Strict):
    order_id: Text = Id
    ticket_no: Text = Field(max_length=24)
    service_code: Text = Field(min_length=1, max_length=40)
    honorific: Text = Field("", max_length=16)
    phone: Text = Field("", max_length=16)
    address: Text = Field("", max_length=120)
    time_slot: Text = Field("", max_length=16)
    note_tags: list[Text] = Field(default_factory=list, max_length=50)
    placed_at: Text


class OrderRated(Strict):
    order_id: Text = Id
    rating: int = Field(ge=1, le=5)
    tags: list[Text] = Field(default_factory=list, max_length=50)
    rated_at: Text


class RedemptionMade(Strict):
    redemption_id: Text = Id
    volunteer_id: Text = VolunteerId
    pickup_code: Text = Field("", max_length=16)
    mode: Literal["online", "offline"]
    total_points: int = Field(ge=0, le=100_000_000)
    lines: list[LineIn] = Field(default_factory=list, max_length=200)
    at: Text


class RedemptionVoided(Strict):
    redemption_id: Text = Id
    reason: Text = Field("", max_length=200)


class StockMoved(Strict):
    movement_id: Text = Id
    sku: Text = Field(min_length=1, max_length=40)
    delta: int = Field(ge=-1_000_000, le=1_000_000)
    kind: Literal["restock", "redemption", "correction"]
    reason: Text | None = Field("", max_length=200)
    staff_id: Text | None = Field(None, max_length=40)
    at: Text


class ErrorDetailOut(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorOut(BaseModel):
    error: ErrorDetailOut


class HealthOut(BaseModel):
    status: Literal["ok"]
    version: str
    time: str


class BalanceOut(BaseModel):
    volunteer_id: str
    balance: int
    as_of: str


class EventResultOut(BaseModel):
    id: str
    status: Literal["accepted", "duplicate", "rejected"]
    reason: str | None
    balance: BalanceOut | None


class EventResultsOut(BaseModel):
    results: list[EventResultOut]


class ChangeOut(BaseModel):
    kind: str
    key: str
    data: dict[str, Any]


class ChangesOut(BaseModel):
    changes: list[ChangeOut]
    next_cursor: str
    has_more: bool


class DecisionOut(BaseModel):
    approved: bool
    balance_after: int | None = None
    as_of: str | None = None
    reason: str | None = None
    balance: int | None = None
