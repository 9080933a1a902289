"""Pydantic models of what central accepts: request bodies and event payloads.

Strict types (a string is not a number here) and unknown fields ignored, so a newer
kiosk may send more than this server knows.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sync.protocol import MAX_EVENTS_PER_BATCH

Id = Field(min_length=1, max_length=64)
VolunteerId = Field(min_length=1, max_length=40)


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class EventIn(BaseModel):
    """One outbox event. Only ``id`` is checked for the batch; the rest per event."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1, max_length=64, strict=True, description="UUID from the kiosk")
    type: Any = Field(None, json_schema_extra={"type": "string"}, examples=["order.placed"])
    occurred_at: Any = Field(None, json_schema_extra={"type": "string", "format": "date-time"})
    payload: Any = Field(None, json_schema_extra={"type": "object"})


class EventBatchIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    events: list[EventIn] = Field(min_length=1, max_length=MAX_EVENTS_PER_BATCH)


class LineIn(Strict):
    sku: str = Field(min_length=1, max_length=40)
    qty: int = Field(ge=1, le=10_000)
    points_each: int = Field(ge=0, le=10_000_000)


class AuthoriseIn(Strict):
    redemption_id: str = Id
    volunteer_id: str = VolunteerId
    total_points: int = Field(ge=0, le=100_000_000)
    lines: list[LineIn] = Field(default_factory=list, max_length=200)


# --- event payloads ------------------------------------------------------------------


class OrderPlaced(Strict):
    order_id: str = Id
    ticket_no: str = Field(max_length=24)
    service_code: str = Field(min_length=1, max_length=40)
    honorific: str = Field("", max_length=16)
    phone: str = Field("", max_length=16)
    address: str = Field("", max_length=120)
    time_slot: str = Field("", max_length=16)
    note_tags: list[str] = Field(default_factory=list, max_length=50)
    placed_at: str


class OrderRated(Strict):
    order_id: str = Id
    rating: int = Field(ge=1, le=5)
    tags: list[str] = Field(default_factory=list, max_length=50)
    rated_at: str


class RedemptionMade(Strict):
    redemption_id: str = Id
    volunteer_id: str = VolunteerId
    pickup_code: str = Field("", max_length=16)
    mode: Literal["online", "offline"]
    total_points: int = Field(ge=0, le=100_000_000)
    lines: list[LineIn] = Field(default_factory=list, max_length=200)
    at: str


class RedemptionVoided(Strict):
    redemption_id: str = Id
    reason: str = Field("", max_length=200)


class StockMoved(Strict):
    movement_id: str = Id
    sku: str = Field(min_length=1, max_length=40)
    delta: int = Field(ge=-1_000_000, le=1_000_000)
    kind: Literal["restock", "redemption", "correction"]
    reason: str | None = Field("", max_length=200)
    staff_id: str | None = Field(None, max_length=40)
    at: str


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
