"""The FastAPI application: /api/v1 — health, events, changes, redemptions/authorise."""

from __future__ import annotations

import hmac
import html
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.openapi.utils import get_openapi
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import IntegrityError

from central import activities, admin, events, feed, keys, migrate, redemptions
from central.clock import iso, utcnow
from central.db import Database
from central.errors import NotFound, Unauthorized
from central.http import BodyLimit, install_error_handlers
from central.models import Station
from central.payloads import (
    AuthoriseIn,
    ChangesOut,
    DecisionOut,
    ErrorOut,
    EventBatchIn,
    EventResultsOut,
    HealthOut,
)
from central.version import __version__
from protocol import api as p

log = logging.getLogger(__name__)

_station_header = APIKeyHeader(name=p.HEADER_STATION, auto_error=False, scheme_name="StationId")
_bearer = HTTPBearer(auto_error=False, scheme_name="StationToken")
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text}
    for code, text in {
        400: "bad_request: malformed JSON, wrong types, bad cursor",
        401: "unauthorized: unknown station or wrong token",
        409: "conflict",
        413: "too_large: body over 2 MB",
        500: "internal",
    }.items()
}


def _db(request: Request) -> Database:
    return request.app.state.db  # type: ignore[no-any-return]


def authenticated_station(
    request: Request,
    station_id: Annotated[str | None, Depends(_station_header)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The calling station's id, after checking its bearer token (401 otherwise)."""
    if not station_id or credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("missing X-Station-Id or bearer token")
    with _db(request).read() as session:
        station = session.get(Station, station_id[:40])
        expected = station.token_hash if station is not None and station.active else None
    given = admin.hash_token(credentials.credentials)
    # Compare even for an unknown station, so timing does not tell which ids exist.
    if not hmac.compare_digest(given, expected or "0" * 64) or expected is None:
        raise Unauthorized("unknown station or wrong token")
    return station_id


StationId = Annotated[str, Depends(authenticated_station)]
router = APIRouter(prefix=p.API_PREFIX, responses=_ERRORS)


@router.get("/health", response_model=HealthOut, tags=["health"])
def health() -> dict[str, Any]:
    """Liveness; no authentication."""
    return {"status": "ok", "version": __version__, "time": iso(utcnow())}


@router.post("/events", response_model=EventResultsOut, tags=["push"])
def push_events(batch: EventBatchIn, station_id: StationId, request: Request) -> dict[str, Any]:
    """Apply a batch of outbox events; one result per event, in the order sent."""
    return {"results": events.apply_batch(_db(request), station_id, batch.events)}


@router.get("/changes", response_model=ChangesOut, tags=["pull"])
def changes(
    station_id: StationId,
    request: Request,
    cursor: Annotated[str, Query(max_length=100)] = "",
    limit: Annotated[int, Query(ge=1, le=p.MAX_CHANGES_LIMIT)] = p.DEFAULT_CHANGES_LIMIT,
) -> dict[str, Any]:
    """Changes after ``cursor`` for this station ("" = from the start)."""
    with _db(request).read() as session:
        page = feed.read_page(session, station_id, cursor, limit)
    return {"changes": page.changes, "next_cursor": page.next_cursor, "has_more": page.has_more}


@router.post(
    "/redemptions/authorise",
    tags=["redemptions"],
    response_model=None,
    responses={200: {"model": DecisionOut}},
)
def authorise(req: AuthoriseIn, station_id: StationId, request: Request) -> dict[str, Any]:
    """Approve and debit now, or decline. Idempotent by ``redemption_id``."""
    db = _db(request)
    try:
        return redemptions.authorise(db, station_id, req)
    except IntegrityError:
        # A concurrent call stored this redemption id first: answer with its decision.
        return redemptions.authorise(db, station_id, req)


@router.get("/attendance/{attendance_id}", tags=["hours"], response_model=None)
def attendance(attendance_id: str, request: Request) -> Any:
    """Central's record of one attendance: what the QR on a sign-out slip opens. No
    authentication (the id is a random UUID printed only on that slip)."""
    from fastapi.responses import HTMLResponse

    with _db(request).read() as session:
        record = activities.attendance_record(session, attendance_id[:64])
    if record is None:
        raise NotFound("no such attendance")
    if "text/html" not in request.headers.get("accept", ""):
        return record
    rows = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
        for k, v in record.items()
    )
    page = (
        "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>"
        f"<title>志愿服务记录</title><h1>志愿服务记录 · attendance</h1><table>{rows}</table>"
    )
    return HTMLResponse(page)


def _openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """FastAPI's schema, corrected: both auth headers are needed together (one security
    requirement, not alternatives), and 422 never happens (validation errors are 400)."""

    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            for path in schema.get("paths", {}).values():
                for operation in path.values():
                    operation.get("responses", {}).pop("422", None)
                    if operation.get("security"):
                        merged: dict[str, list[str]] = {}
                        for requirement in operation["security"]:
                            merged.update(requirement)
                        operation["security"] = [merged]
            app.openapi_schema = schema
        return app.openapi_schema

    return build


def create_app(db: Database, run_migrations: bool = True, media_dir: Path | None = None) -> FastAPI:
    """The ASGI app over ``db``; migrates the schema and makes sure a signing key exists."""
    if run_migrations:
        migrate.upgrade(db.engine)
    keys.ensure_key(db)
    app = FastAPI(
        title="Station kiosk central",
        version=__version__,
        description="Sync protocol between practice-station kiosks and central. "
        "See docs/sync-protocol.md.",
        openapi_url="/openapi.json",
    )
    app.state.db = db
    install_error_handlers(app)
    app.include_router(router)
    # The district's web console and the volunteers' phone page (issue 19).
    from central.console import web as console_web

    console_web.install(app, media_dir or console_web.media_dir_for(db.url))
    app.add_middleware(BodyLimit, limit=p.MAX_BODY_BYTES)
    app.openapi = _openapi(app)  # type: ignore[method-assign]
    return app
