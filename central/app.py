"""The FastAPI application: /api/v1 — health, ready, events, changes, redemptions/authorise.

For a load balancer: ``GET /api/v1/health`` is liveness (the process answers; no
database), ``GET /api/v1/ready`` is readiness (the database answers and its schema is
the one this code expects; 503 otherwise). Both need no authentication.
"""

from __future__ import annotations

import asyncio
import hmac
import html
import logging
import os
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.openapi.utils import get_openapi
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from central import (
    activities,
    admin,
    events,
    feed,
    jobs,
    keys,
    migrate,
    policy,
    proofs,
    redemptions,
)
from central.clock import iso, utcnow
from central.db import POOL_OVERFLOW, POOL_SIZE, Database, get_kept
from central.errors import NotFound, RateLimited, Unauthorized
from central.http import BodyLimit, error_response, install_error_handlers
from central.leader import JobRunner
from central.models import Station
from central.payloads import (
    AuthoriseIn,
    CardVerifyIn,
    ChangesOut,
    DecisionOut,
    ErrorOut,
    EventBatchIn,
    EventResultsOut,
    ForbiddenOut,
    HealthOut,
    ReadyOut,
    VolunteerCardOut,
)
from central.throttle import AuthThrottle
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
        429: "rate_limited: too many failed authentications (Retry-After)",
        413: "too_large: body over 2 MB",
        500: "internal",
    }.items()
}


def _db(request: Request) -> Database:
    return request.app.state.db


@dataclass(frozen=True)
class Claim:
    """Who a request says it is: the station id and the hash of the token it gave. Not
    yet checked against the database (``check_station`` does that)."""

    station_id: str
    token_hash: str
    address: str
    throttle: AuthThrottle


def claimed_station(
    request: Request,
    station_id: Annotated[str | None, Depends(_station_header)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Claim:
    """The headers' claim, throttled (429) and well-formed (401 otherwise); the
    handler checks it with ``check_station`` in its own first read, so the check costs
    no connection or transaction of its own."""
    throttle: AuthThrottle = request.app.state.throttle
    address = request.client.host if request.client is not None else "?"
    wait = throttle.retry_after(address)
    if wait:
        raise RateLimited("too many failed authentications; try again later", wait)
    if not station_id or credentials is None or credentials.scheme.lower() != "bearer":
        throttle.failed(address)
        raise Unauthorized("missing X-Station-Id or bearer token")
    claim = Claim(station_id, admin.hash_token(credentials.credentials), address, throttle)
    # Should the request then fail validation, central.http checks the claim first.
    request.state.unchecked_claim = claim
    return claim


async def _refuse_claim(request: Request, claim: Claim) -> None:
    """``Unauthorized`` unless the claim holds (for a request that failed validation
    before its handler could check it)."""

    def check() -> None:
        with _db(request).read() as session:
            check_station(session, claim)

    await run_in_threadpool(check)


def check_station(session: Session, claim: Claim) -> Station:
    """The claiming station's row, if it exists, is active and the token's hash matches;
    ``Unauthorized`` (and a failure counted against the address) otherwise. Read in
    the request's own transaction, before it does anything else, every request: a
    rotated token or a deactivated station is refused from the next request on."""
    # A station id is at most 40 characters (the column): a longer one is no station,
    # and must never reach a query that writes it whole.
    station = get_kept(session, Station, claim.station_id) if len(claim.station_id) <= 40 else None
    expected = station.token_hash if station is not None and station.active else None
    # Compare even for an unknown station, so timing does not tell which ids exist.
    if not hmac.compare_digest(claim.token_hash, expected or "0" * 64) or expected is None:
        claim.throttle.failed(claim.address)
        raise Unauthorized("unknown station or wrong token")
    assert station is not None  # expected came from it
    return station


def authenticated_station(
    request: Request, claim: Annotated[Claim, Depends(claimed_station)]
) -> str:
    """The calling station's id, after checking its bearer token (401 otherwise), for
    handlers that do not check it in their own transaction."""
    with _db(request).read() as session:
        check_station(session, claim)
    return claim.station_id


StationId = Annotated[str, Depends(authenticated_station)]
StationClaim = Annotated[Claim, Depends(claimed_station)]
router = APIRouter(prefix=p.API_PREFIX, responses=_ERRORS)


@router.get("/health", response_model=HealthOut, tags=["health"])
def health() -> dict[str, Any]:
    """Liveness; no authentication."""
    return {"status": "ok", "version": __version__, "time": iso(utcnow())}


@router.get(
    "/ready",
    response_model=ReadyOut,
    tags=["health"],
    responses={503: {"model": ErrorOut, "description": "unavailable: database or schema"}},
)
def ready(request: Request) -> Any:
    """Readiness for a load balancer; no authentication. 200 when the database answers
    and its schema is at this code's head revision, else 503 (take it out of rotation)."""
    db = _db(request)
    try:
        revision = migrate.current_revision(db.engine)
    except SQLAlchemyError as exc:
        log.warning("not ready: database unavailable: %s", exc.__class__.__name__)
        return error_response(503, "unavailable", "database unavailable")
    head = migrate.head_revision()
    if revision != head:
        details = {"schema_revision": revision, "expected": head}
        return error_response(503, "unavailable", "database schema not migrated", details)
    return {"status": "ready", "schema_revision": revision}


@router.post("/events", response_model=EventResultsOut, tags=["push"])
def push_events(batch: EventBatchIn, claim: StationClaim, request: Request) -> dict[str, Any]:
    """Apply a batch of outbox events; one result per event, in the order sent."""
    # The station is checked in the batch's own transaction, first thing (check_station).
    results = events.apply_batch(
        _db(request), claim.station_id, batch.events, check=lambda s: check_station(s, claim)
    )
    return {"results": results}


def _first_look(
    db: Database, claim: Claim, cursor: str, limit: int, backlog: str | None, printer: str | None
) -> tuple[Any, bool]:
    """The station checked, its report kept and the feed read: one transaction, one
    connection (the report is written apart, and only when it changed or is old)."""
    with db.read() as session:
        station = check_station(session, claim)
        report = admin.report_to_store(station, backlog, printer)
        page = feed.read_once(session, claim.station_id, cursor, limit, station=station)
    if report is not None:
        admin.store_report(db, claim.station_id, *report)
    return page


def _read_changes(db: Database, station_id: str, cursor: str, limit: int) -> tuple[Any, bool]:
    with db.read() as session:
        return feed.read_once(session, station_id, cursor, limit)


@router.get("/changes", response_model=ChangesOut, tags=["pull"])
async def changes(
    claim: StationClaim,
    request: Request,
    cursor: Annotated[str, Query(max_length=100)] = "",
    limit: Annotated[int, Query(ge=1, le=p.MAX_CHANGES_LIMIT)] = p.DEFAULT_CHANGES_LIMIT,
) -> Response:
    """Changes after ``cursor`` for this station ("" = from the start). Optional
    ``backlog`` (events not yet pushed) and ``printer`` (one of the protocol's printer
    states) are the station's report of itself, kept for the console; a malformed report
    is ignored and the page is still answered."""
    db = _db(request)
    backlog = request.query_params.get("backlog")
    printer = request.query_params.get("printer")
    # Each look at the feed runs on the thread pool; between looks (an older writer
    # still in flight, feed.read_once) the wait holds neither a thread nor a database
    # connection, which at a few hundred stations are what pushes queue for.
    deadline = time.monotonic() + feed.HORIZON_WAIT_S
    page, held_back = await run_in_threadpool(
        _first_look, db, claim, cursor, limit, backlog, printer
    )
    # Only a pull that has nothing to hand out yet waits, and looks again less and less
    # often: with a few hundred stations pushing there is nearly always some writer in
    # flight, and a pull that looked every 20 ms for a second cost as much as fifty.
    # Changes held back come with the next pull.
    pause = feed.HORIZON_POLL_S
    while held_back and not page.rows and time.monotonic() < deadline:
        await asyncio.sleep(pause)
        pause = min(pause * 2, 0.25)
        page, held_back = await run_in_threadpool(
            _read_changes, db, claim.station_id, cursor, limit
        )
    # The page's bytes as they are (ChangesOut's shape, documented by response_model):
    # the rows' data is the database's JSON text, copied, not parsed and re-serialised.
    return Response(page.body(), media_type="application/json")


_PROOF_403: dict[int | str, dict[str, Any]] = {
    403: {
        "model": ForbiddenOut,
        "description": "forbidden: proof missing or wrong; reason is one of "
        + ", ".join(p.PROOF_REASONS),
    }
}


@router.post(
    "/redemptions/authorise",
    tags=["redemptions"],
    response_model=None,
    responses={200: {"model": DecisionOut}, **_PROOF_403},
)
def authorise(req: AuthoriseIn, station_id: StationId, request: Request) -> dict[str, Any]:
    """Approve and place a hold, or decline. Idempotent by ``redemption_id``. Needs
    ``proof``: the scanned code, or card + PIN (checked here, with a lockout)."""
    db = _db(request)
    try:
        return redemptions.authorise(db, station_id, req)
    except IntegrityError:
        # A concurrent call stored this redemption id first: answer with its decision.
        return redemptions.authorise(db, station_id, req)


@router.post(
    "/cards/verify",
    tags=["redemptions"],
    response_model=VolunteerCardOut,
    responses=_PROOF_403,
)
def verify_card(req: CardVerifyIn, station_id: StationId, request: Request) -> dict[str, Any]:
    """Card number + PIN, checked at central (the kiosk never holds PIN hashes): the
    volunteer's card view, as in the change feed, or 403 with a reason."""
    return proofs.check_card(_db(request), station_id, req.card, req.pin)


@router.get(
    "/media/{name}",
    tags=["pull"],
    response_model=None,
    responses={200: {"content": {"image/png": {}, "image/jpeg": {}}}},
)
def media(name: str, station_id: StationId, request: Request) -> Any:
    """A gift picture uploaded in the console (a gift's ``image`` is ``media/<name>``),
    for stations only; the name is the picture's hash, so a station can check it."""
    import re

    from fastapi.responses import FileResponse

    if not re.fullmatch(p.MEDIA_NAME_PATTERN, name):
        raise NotFound("no such picture")
    path = request.app.state.console_media / name
    if not path.is_file():
        raise NotFound("no such picture")
    kind = "image/png" if name.endswith(".png") else "image/jpeg"
    return FileResponse(path, media_type=kind, headers={"X-Content-Type-Options": "nosniff"})


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


def create_app(
    db: Database,
    run_migrations: bool = True,
    media_dir: Path | None = None,
    background_jobs: bool = False,
) -> FastAPI:
    """The ASGI app over ``db``; migrates the schema and makes sure a signing key exists.
    With ``background_jobs`` the app runs ``central.jobs`` while it serves — only in the
    process that leads (several workers or app servers share one PostgreSQL)."""
    if run_migrations:
        migrate.upgrade(db.engine)
    keys.ensure_key(db)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # As many threads for blocking handlers as the database pool has connections
        # (anyio's default is 40): a request beyond that waits on the event loop, where
        # waiting costs nothing, instead of in a thread blocked on the pool.
        if db.is_postgres:
            limiter = anyio.to_thread.current_default_thread_limiter()
            limiter.total_tokens = POOL_SIZE + POOL_OVERFLOW
        runner = JobRunner(db, jobs.JOBS, jobs.JOB_INTERVAL_S) if background_jobs else None
        if runner is not None:
            runner.start()
        try:
            yield
        finally:
            if runner is not None:
                runner.stop()

    app = FastAPI(
        title="Station kiosk central",
        version=__version__,
        description="Sync protocol between practice-station kiosks and central. "
        "See docs/sync-protocol.md.",
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.db = db
    app.state.refuse_claim = _refuse_claim
    rules = policy.of(db)
    app.state.throttle = AuthThrottle(rules.auth_fail_limit, rules.auth_fail_window_s)
    install_error_handlers(app)
    app.include_router(router)
    # The district's web console and the volunteers' phone page (issue 19).
    from central.console import web as console_web

    console_web.install(app, media_dir or console_web.media_dir_for(db.url))
    app.add_middleware(BodyLimit, limit=p.MAX_BODY_BYTES)
    app.openapi = _openapi(app)  # type: ignore[method-assign]
    return app


DB_ENV = "KIOSK_CENTRAL_DB"


def app_from_env() -> FastAPI:
    """The app factory each ``kiosk-central serve --workers N`` worker process calls:
    the database from $KIOSK_CENTRAL_DB (the parent has migrated it already)."""
    db = Database(os.environ[DB_ENV])
    return create_app(db, run_migrations=False, background_jobs=True)
