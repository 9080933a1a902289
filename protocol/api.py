"""The kiosk ↔ central wire protocol: constants and the JSON shapes, as plain TypedDicts.

A LEAF module (standard library only): the kiosk's sync engine and the central server both
import it. docs/sync-protocol.md is the prose version; central serves OpenAPI too.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

PROTOCOL_VERSION = 1
API_PREFIX = "/api/v1"
MAX_EVENTS_PER_BATCH = 500
MAX_BODY_BYTES = 2 * 1024 * 1024
DEFAULT_CHANGES_LIMIT = 500
MAX_CHANGES_LIMIT = 1000

HEADER_STATION = "X-Station-Id"
HEADER_AUTH = "Authorization"  # "Bearer <token>"

EVENT_TYPES = (
    "order.placed",
    "order.rated",
    "redemption.made",
    "redemption.voided",
    "stock.moved",
    "attendance.signed_in",
    "attendance.signed_out",
    "attendance.corrected",
)
EVENT_STATUSES = ("accepted", "duplicate", "rejected")
CHANGE_KINDS = (
    "service_category",
    "service",
    "gift",
    "volunteer",
    "order_status",
    "ticket",
    "revoked_code",
    "public_key",
    "station_settings",
    "overdraft",
    "exception",
    "activity",
    "gift_carried",  # for one station: {"sku", "carried"}; no row = carried (every station)
)
# Statuses the dispatcher sets (pushed as "order_status" changes); a new order is "submitted".
ORDER_STATUSES = ("assigned", "accepted", "in_service", "completed", "cancelled")
ORDER_INITIAL_STATUS = "submitted"
STOCK_KINDS = ("restock", "redemption", "correction")
REDEMPTION_MODES = ("online", "offline")
DECLINE_REASONS = ("insufficient_points", "unknown_volunteer", "inactive_volunteer")
ERROR_CODES = (
    "bad_request",
    "unauthorized",
    "not_found",
    "too_large",
    "conflict",
    "forbidden",
    "rate_limited",
    "unavailable",
    "internal",
)
DEFAULT_OFFLINE_LIMIT_POINTS = 200
STAR_HOURS = (100, 300, 600, 1000, 1500)  # one to five stars

# Reasons central gives for a rejected event (free text is allowed too).
REJECT_UNKNOWN_TYPE = "unknown_type"
REJECT_BAD_PAYLOAD = "bad_payload"
REJECT_UNKNOWN_ORDER = "unknown_order"
REJECT_NOT_COMPLETED = "not_completed"
REJECT_ALREADY_RATED = "already_rated"
REJECT_ORDER_EXISTS = "order_exists"
REJECT_UNKNOWN_SERVICE = "unknown_service"
REJECT_UNKNOWN_VOLUNTEER = "unknown_volunteer"
REJECT_UNKNOWN_REDEMPTION = "unknown_redemption"
REJECT_CONFLICT = "conflict"
REJECT_UNKNOWN_SKU = "unknown_sku"
REJECT_BAD_DELTA = "bad_delta"
# 403 reasons of /redemptions/authorise and /cards/verify (body "reason").
PROOF_REASONS = (
    "proof_required",
    "bad_code",
    "code_expired",
    "code_revoked",
    "code_other_volunteer",
    "wrong_pin",
    "card_locked",
    "card_pin_disabled",
    "code_used",
    "code_wrong_use",  # a genuine code issued for another use (protocol.codes.USES)
)
DEFAULT_OFFLINE_DAILY_POINTS = 400

# What a station may say about itself with each pull (GET /changes?backlog=N&printer=S),
# both optional: events not yet pushed, and its receipt printer's state. Central keeps the
# last report for the district console to show and trusts it for nothing else; a report
# that does not fit these is ignored (the pull itself is still answered).
REPORT_PRINTER_STATES = ("ok", "paper_low", "offline", "cover_open", "paper_out", "unknown")
MAX_REPORTED_BACKLOG = 10_000_000

# Gift pictures uploaded in the console: a gift's ``image`` is "media/<32 hex>.png|.jpg",
# the hex being the first 32 of the picture's SHA-256, fetched with the station token from
# GET /media/<name>; at most MAX_PICTURE_BYTES, a PNG or JPEG of at most MAX_PICTURE_PIXELS.
MEDIA_NAME_PATTERN = r"[0-9a-f]{32}\.(png|jpg)"
MAX_PICTURE_BYTES = 1_500_000
MAX_PICTURE_PIXELS = 4096 * 4096


class ErrorDetail(TypedDict):
    code: str
    message: str
    details: Any


class ErrorBody(TypedDict):
    error: ErrorDetail


class Health(TypedDict):
    status: Literal["ok"]
    version: str
    time: str


class Event(TypedDict):
    id: str
    type: str
    occurred_at: str
    payload: dict[str, Any]


class EventBatch(TypedDict):
    events: list[Event]


class Balance(TypedDict):
    volunteer_id: str
    balance: int
    as_of: str


class EventResult(TypedDict):
    id: str
    status: Literal["accepted", "duplicate", "rejected"]
    reason: str | None
    balance: Balance | None


class EventResults(TypedDict):
    results: list[EventResult]


class Change(TypedDict):
    kind: str
    key: str
    data: dict[str, Any]


class ChangesPage(TypedDict):
    changes: list[Change]
    next_cursor: str
    has_more: bool


class StationReport(TypedDict, total=False):
    backlog: int  # outbox events not yet accepted by central, 0..MAX_REPORTED_BACKLOG
    printer: str  # one of REPORT_PRINTER_STATES


class RedemptionLine(TypedDict):
    sku: str
    qty: int
    points_each: int


class Proof(TypedDict, total=False):
    code: str  # the scanned signed code, exactly as scanned
    card: str  # or card number + PIN, checked at central
    pin: str


class AuthoriseRequest(TypedDict):
    redemption_id: str
    volunteer_id: str
    total_points: int
    lines: list[RedemptionLine]
    proof: Proof


class AuthoriseDecision(TypedDict):
    approved: bool
    balance_after: NotRequired[int]
    as_of: NotRequired[str]
    reason: NotRequired[str]
    balance: NotRequired[int | None]
    hold_expires_at: NotRequired[str]


def star_level(total_hours: float) -> int:
    """National rule: 100 / 300 / 600 / 1000 / 1500 hours = one to five stars."""
    return sum(1 for threshold in STAR_HOURS if total_hours >= threshold)


def mask_name(name: str) -> str:
    """张晓明 → 张*明, 欧阳娜娜 → 欧**娜, 张三 → 张*, 张 → 张."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
