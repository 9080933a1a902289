"""The console's pages (/console/…) and the volunteers' phone page (/m/…).

Post/redirect/get throughout: every form POST answers 303 to a page, with the outcome in
the query string, so a double tap or a reload never submits twice. Every POST carries
the session's CSRF token; a missing or wrong one changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import FormData, UploadFile

from central import policy, proofs
from central.console import accounts, actions, queries, svg
from central.console.i18n import LANGS, error_text, flash_text, t
from central.console.models import StaffAccount
from central.db import Database
from central.errors import CentralError
from central.errors import Forbidden as ProofForbidden
from central.models import Volunteer
from protocol import codes

log = logging.getLogger(__name__)

STAFF_COOKIE = "console_session"
PHONE_COOKIE = "phone_session"
_HERE = Path(__file__).parent
_env = Environment(
    loader=FileSystemLoader(_HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
    "Cache-Control": "no-store",
}


class _Redirect(Exception):
    def __init__(self, url: str) -> None:
        self.url = url


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get("lang") or "zh"
    return lang if lang in LANGS else "zh"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


def _db(request: Request) -> Database:
    return request.app.state.db


def _media_dir(request: Request) -> Path:
    return request.app.state.console_media


def render(
    request: Request,
    template: str,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    lang = _lang(request)
    context.setdefault("identity", None)
    html = _env.get_template(template).render(
        request=request,
        lang=lang,
        t=lambda key, **v: t(key, lang, **v),
        err=lambda code: error_text(code, lang),
        flash=lambda key: flash_text(key, lang),
        slot=lambda key: flash_text(f"slot.{key}", lang) or key,
        exreason=lambda code: flash_text(f"exreason.{code}", lang) or code,
        msg=request.query_params.get("msg", ""),
        error=request.query_params.get("err", ""),
        path=request.url.path,
        **context,
    )
    response = HTMLResponse(
        html, status_code=status, headers={**_SECURITY_HEADERS, **(headers or {})}
    )
    if request.query_params.get("lang") in LANGS:
        response.set_cookie("lang", lang, max_age=365 * 86400, samesite="strict")
    return response


def _back(url: str, *, msg: str = "", err: str = "") -> RedirectResponse:
    sep = "&" if "?" in url else "?"
    if msg:
        url += f"{sep}msg={quote(msg)}"
    elif err:
        url += f"{sep}err={quote(err)}"
    return RedirectResponse(url, status_code=303, headers=_SECURITY_HEADERS)


def _staff(request: Request) -> accounts.WebIdentity:
    token = request.cookies.get(STAFF_COOKIE)
    with _db(request).read() as session:
        row = accounts.find_session(session, token, "staff")
        account = session.get(StaffAccount, row.subject) if row is not None else None
        if row is None or account is None or not account.active:
            raise _Redirect("/console/login" + ("?err=expired" if token else ""))
        return accounts.WebIdentity(
            "staff", account.username, row.csrf, account.role, account.display_name
        )


def _volunteer(request: Request) -> tuple[accounts.WebIdentity, Volunteer]:
    token = request.cookies.get(PHONE_COOKIE)
    with _db(request).read() as session:
        row = accounts.find_session(session, token, "volunteer")
        volunteer = session.get(Volunteer, row.subject) if row is not None else None
        if row is None or volunteer is None or not volunteer.active:
            raise _Redirect("/m/login")
        session.expunge(volunteer)
        return accounts.WebIdentity("volunteer", volunteer.id, row.csrf), volunteer


async def _checked_form(
    request: Request, identity: accounts.WebIdentity, max_fields: int = 30
) -> FormData:
    form = await request.form(max_files=1, max_fields=max_fields)
    given = form.get("csrf")
    if not accounts.csrf_ok(identity.csrf, given if isinstance(given, str) else None):
        log.warning("console: CSRF check failed for %s on %s", identity.subject, request.url.path)
        raise _Forbidden("csrf.bad")
    return form


class _Forbidden(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _text(form: FormData, name: str, limit: int = 200) -> str:
    value = form.get(name, "")
    return value[:limit] if isinstance(value, str) else ""


def _int(form: FormData, name: str) -> int:
    try:
        return int(_text(form, name, 12).strip())
    except ValueError as exc:
        raise CentralError("bad_number") from exc


class _ConsoleRoute(APIRoute):
    """Turns the console's own exceptions into pages: a sign-in redirect, a 403 page, or
    back to the form with the reason (central's JSON error bodies are for stations)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await original(request)
            except _Redirect as redirect:
                return RedirectResponse(redirect.url, status_code=303, headers=_SECURITY_HEADERS)
            except _Forbidden as forbidden:
                return render(request, "error.html", status=403, key=forbidden.key)
            except actions.Forbidden:
                return render(request, "error.html", status=403, key="forbidden")
            except CentralError as exc:
                # Back where the form was, with the reason; nothing was changed.
                return _back(_form_page(request), err=exc.message or exc.code)

        return handler


def _form_page(request: Request) -> str:
    referer = request.headers.get("referer", "")
    base = str(request.base_url).rstrip("/")
    if referer.startswith(base + "/"):
        return referer[len(base) :].split("?")[0]
    return "/m/orders" if request.url.path.startswith("/m/") else "/console/orders"


router = APIRouter(include_in_schema=False, route_class=_ConsoleRoute)


# --- staff sign-in -------------------------------------------------------------------


@router.get("/console/login")
async def login_page(request: Request) -> Response:
    return render(request, "login.html")


def _address(request: Request, kind: str) -> str:
    return f"{kind}:{request.client.host if request.client is not None else '?'}"


def _throttled(request: Request, template: str, wait: int, **context: Any) -> HTMLResponse:
    """The sign-in page again, saying to wait (429, ``Retry-After``); nothing is checked."""
    return render(request, template, status=429, headers={"Retry-After": str(wait)}, **context)


def _wait_text(request: Request, key: str, wait: int) -> str:
    return t(key, _lang(request), minutes=max(1, (wait + 59) // 60))


@router.post("/console/login")
async def login_submit(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=5)
    username, password = _text(form, "username", 40).strip(), _text(form, "password", 200)
    # Each account locks after 5 wrong passwords; this stops one address trying a few
    # passwords on every account in turn (and checks no password while it waits).
    throttle, address = proofs.login_throttle(_db(request)), _address(request, "console")
    wait = throttle.retry_after(address)
    if wait:
        message = _wait_text(request, "login.throttled", wait)
        return _throttled(request, "login.html", wait, failure=message, username=username)
    result = accounts.login(_db(request), username, password)
    if not result.ok:
        throttle.failed(address)
        when = result.locked_until.strftime("%H:%M") + " UTC" if result.locked_until else ""
        key = {"locked": "login.locked", "inactive": "login.inactive"}.get(
            result.reason, "login.bad"
        )
        lang = _lang(request)
        message = t(key, lang, when=when)
        if result.reason == "bad_credentials" and result.attempts_left:
            message += " " + t("login.left", lang, n=result.attempts_left)
        return render(request, "login.html", status=401, failure=message, username=username)
    token = accounts.open_session(_db(request), "staff", username)
    response = _back("/console/orders")
    response.set_cookie(
        STAFF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        path="/console",
    )
    return response


@router.post("/console/logout")
async def logout(request: Request) -> Response:
    identity = _staff(request)
    await _checked_form(request, identity)
    accounts.close_session(_db(request), request.cookies.get(STAFF_COOKIE))
    response = _back("/console/login")
    response.delete_cookie(STAFF_COOKIE, path="/console")
    return response


@router.get("/console")
@router.get("/console/")
async def console_home(request: Request) -> Response:
    return _back("/console/orders")


# --- 派单 -------------------------------------------------------------------------------


@router.get("/console/orders")
async def orders_page(request: Request) -> Response:
    identity = _staff(request)
    show_all = request.query_params.get("all") == "1"
    station = request.query_params.get("station", "")[:40]
    with _db(request).read() as session:
        rows = queries.orders(session, open_only=not show_all, station_id=station)
        teams = queries.teams(session)
        helpers = queries.volunteers_for_dispatch(session)
        stations = queries.stations(session)
    return render(
        request,
        "orders.html",
        identity=identity,
        orders=rows,
        teams=teams,
        helpers=helpers,
        stations=stations,
        show_all=show_all,
        station=station,
    )


@router.post("/console/orders/{order_id}/assign")
async def order_assign(request: Request, order_id: str) -> Response:
    identity = _staff(request)
    form = await _checked_form(request, identity)
    actor = actions.Actor(identity.subject, identity.role)
    actions.assign(_db(request), actor, order_id, _text(form, "team"), _text(form, "volunteer_id"))
    return _back("/console/orders", msg="saved")


@router.post("/console/orders/{order_id}/cancel")
async def order_cancel(request: Request, order_id: str) -> Response:
    identity = _staff(request)
    form = await _checked_form(request, identity)
    actor = actions.Actor(identity.subject, identity.role)
    actions.cancel(_db(request), actor, order_id, _text(form, "reason", 600))
    return _back("/console/orders", msg="saved")


# --- catalogue ---------------------------------------------------------------------------


@router.get("/console/catalogue")
async def catalogue_page(request: Request) -> Response:
    identity = _staff(request)
    # Rendered inside the read session: the rows are ORM objects.
    with _db(request).read() as session:
        return render(
            request,
            "catalogue.html",
            identity=identity,
            gifts=queries.gifts(session),
            services=queries.services(session),
            stock=queries.stock(session),
            stations=queries.stations(session),
        )


@router.post("/console/catalogue/gift")
async def gift_save(request: Request) -> Response:
    identity = _staff(request)
    form = await _checked_form(request, identity)
    upload = form.get("picture")
    picture = b""
    if isinstance(upload, UploadFile):
        picture = await upload.read(actions.MAX_PICTURE_BYTES + 1)
    actions.save_gift(
        _db(request),
        actions.Actor(identity.subject, identity.role),
        _media_dir(request),
        sku=_text(form, "sku", 60),
        name=_text(form, "name", 100),
        name_en=_text(form, "name_en", 100),
        points=_int(form, "points"),
        per_volunteer_limit=_int(form, "per_volunteer_limit"),
        active=form.get("active") == "on",
        picture=picture,
    )
    return _back("/console/catalogue", msg="saved")


@router.post("/console/catalogue/gift/{sku}/stations")
async def gift_stations(request: Request, sku: str) -> Response:
    identity = _staff(request)
    form = await _checked_form(request, identity, max_fields=1000)  # a box per station
    ticked = [v[:40] for v in form.getlist("station") if isinstance(v, str)]
    actor = actions.Actor(identity.subject, identity.role)
    actions.set_gift_stations(_db(request), actor, sku, ticked)
    return _back("/console/catalogue", msg="saved")


@router.post("/console/catalogue/service/{code}")
async def service_toggle(request: Request, code: str) -> Response:
    identity = _staff(request)
    form = await _checked_form(request, identity)
    actor = actions.Actor(identity.subject, identity.role)
    actions.set_service_active(_db(request), actor, code, form.get("active") == "1")
    return _back("/console/catalogue", msg="saved")


@router.get("/console/media/{name}")
async def media(request: Request, name: str) -> Response:
    _staff(request)
    path = _media_dir(request) / Path(name).name
    if not path.is_file() or path.suffix not in (".png", ".jpg"):
        return Response(status_code=404)
    return FileResponse(path, headers={"X-Content-Type-Options": "nosniff"})


# --- stations ---------------------------------------------------------------------------


@router.get("/console/stations")
async def stations_page(request: Request) -> Response:
    identity = _staff(request)
    with _db(request).read() as session:
        rows = queries.stations(session)
    return render(request, "stations.html", identity=identity, stations=rows, token=None)


@router.post("/console/stations")
async def station_add(request: Request) -> Response:
    identity = _staff(request)
    form = await _checked_form(request, identity)
    actor = actions.Actor(identity.subject, identity.role)
    cred = actions.add_station(_db(request), actor, _text(form, "name", 130), _text(form, "id", 50))
    return _token_page(request, identity, cred.station_id, cred.token)


@router.post("/console/stations/{station_id}/token")
async def station_token(request: Request, station_id: str) -> Response:
    identity = _staff(request)
    await _checked_form(request, identity)
    actor = actions.Actor(identity.subject, identity.role)
    cred = actions.rotate_token(_db(request), actor, station_id)
    return _token_page(request, identity, cred.station_id, cred.token)


def _token_page(
    request: Request, identity: accounts.WebIdentity, station_id: str, token: str
) -> Response:
    # The token is shown in this one answer (never stored in clear, never in a URL).
    with _db(request).read() as session:
        rows = queries.stations(session)
    return render(
        request,
        "stations.html",
        identity=identity,
        stations=rows,
        token={"station_id": station_id, "token": token},
    )


@router.post("/console/stations/{station_id}/settings")
async def station_settings(request: Request, station_id: str) -> Response:
    identity = _staff(request)
    form = await _checked_form(request, identity)
    actions.station_settings(
        _db(request),
        actions.Actor(identity.subject, identity.role),
        station_id,
        offline_limit=_int(form, "offline_limit"),
        card_pin=form.get("card_pin") == "on",
        retention_days=_int(form, "retention_days"),
        active=form.get("active") == "on",
    )
    return _back("/console/stations", msg="saved")


# --- volunteers -------------------------------------------------------------------------


@router.get("/console/volunteers")
async def volunteers_page(request: Request) -> Response:
    identity = _staff(request)
    q = request.query_params.get("q", "")[:40]
    with _db(request).read() as session:
        rows = queries.search_volunteers(session, q)
        return render(request, "volunteers.html", identity=identity, volunteers=rows, q=q)


@router.get("/console/volunteers/{volunteer_id}")
async def volunteer_page(request: Request, volunteer_id: str) -> Response:
    identity = _staff(request)
    with _db(request).read() as session:
        volunteer = session.get(Volunteer, volunteer_id)
        if volunteer is None:
            return render(request, "error.html", status=404, identity=identity, key="err.not_found")
        history = queries.ledger(session, volunteer_id)
        return render(request, "volunteer.html", identity=identity, v=volunteer, history=history)


@router.post("/console/volunteers/{volunteer_id}/award")
async def volunteer_award(request: Request, volunteer_id: str) -> Response:
    identity = _staff(request)
    form = await _checked_form(request, identity)
    actor = actions.Actor(identity.subject, identity.role)
    actions.award(
        _db(request), actor, volunteer_id, _int(form, "points"), _text(form, "reason", 600)
    )
    return _back(f"/console/volunteers/{quote(volunteer_id)}", msg="saved")


@router.post("/console/volunteers/{volunteer_id}/revoke")
async def volunteer_revoke(request: Request, volunteer_id: str) -> Response:
    identity = _staff(request)
    form = await _checked_form(request, identity)
    actor = actions.Actor(identity.subject, identity.role)
    actions.revoke(_db(request), actor, _text(form, "code_id", 64), _text(form, "reason", 600))
    return _back(f"/console/volunteers/{quote(volunteer_id)}", msg="saved")


# --- exceptions, figures, audit ---------------------------------------------------------


@router.get("/console/exceptions")
async def exceptions_page(request: Request) -> Response:
    identity = _staff(request)
    show_all = request.query_params.get("all") == "1"
    with _db(request).read() as session:
        rows = queries.exceptions(session, include_resolved=show_all)
    return render(request, "exceptions.html", identity=identity, rows=rows, show_all=show_all)


@router.post("/console/exceptions/{kind}/{ref}/resolve")
async def exception_resolve(request: Request, kind: str, ref: str) -> Response:
    identity = _staff(request)
    form = await _checked_form(request, identity)
    actor = actions.Actor(identity.subject, identity.role)
    note = _text(form, "note", 600)
    if kind == "redemption":
        resolution = _text(form, "resolution", 10)
        actions.resolve_redemption_exception(_db(request), actor, ref, resolution, note)
    else:
        actions.resolve_exception(_db(request), actor, kind, ref, note)
    return _back("/console/exceptions", msg="saved")


@router.get("/console/figures")
async def figures_page(request: Request) -> Response:
    identity = _staff(request)
    lang = _lang(request)
    with _db(request).read() as session:
        fig = queries.figures(session)
    charts = {
        "orders": svg.bars(fig.months, fig.orders_per_month, t("figures.per_month", lang)),
        "points": svg.bars(fig.months, fig.points_per_month, t("figures.points_month", lang)),
        "status": svg.hbars(
            [t(f"status.{s}", lang) for s in fig.by_status],
            list(fig.by_status.values()),
            t("figures.by_status", lang),
        ),
    }
    return render(request, "figures.html", identity=identity, fig=fig, charts=charts)


@router.get("/console/audit")
async def audit_page(request: Request) -> Response:
    identity = _staff(request)
    with _db(request).read() as session:
        rows = accounts.recent_audit(session)
        return render(request, "audit.html", identity=identity, rows=rows)


# --- the volunteers' phone page ---------------------------------------------------------


@router.get("/m")
@router.get("/m/")
async def phone_home(request: Request) -> Response:
    return _back("/m/orders")


@router.get("/m/login")
async def phone_login_page(request: Request) -> Response:
    return render(request, "phone_login.html")


@router.post("/m/login")
async def phone_login(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=5)
    db = _db(request)
    # Card numbers are sequential and PINs short: one address trying a PIN on card after
    # card locks none of them, so failed sign-ins are counted per address too.
    throttle, address = proofs.login_throttle(db), _address(request, "phone")
    wait = throttle.retry_after(address)
    if wait:
        failure = _wait_text(request, "phone.throttled", wait)
        tab = "card" if "card" in form else ""
        return _throttled(request, "phone_login.html", wait, failure_text=failure, tab=tab)
    response = _phone_sign_in(request, db, form)
    if response.status_code == 401:
        throttle.failed(address)
    return response


def _phone_sign_in(request: Request, db: Database, form: FormData) -> Response:
    if "card" in form:
        return _phone_card_login(request, db, _text(form, "card", 40), _text(form, "pin", 20))
    text = _text(form, "code", codes.MAX_CODE_CHARS).strip()
    with db.read() as session:
        try:
            # A code shown at a kiosk for gifts or a sign-in does not open the phone page
            # (a station that scanned it must not act as the volunteer there).
            strict = policy.of(db).require_code_use
            code = proofs.check_code(session, text, None, codes.USE_LOGIN, strict)
        except codes.CodeExpired:
            return render(request, "phone_login.html", status=401, failure="phone.expired")
        except codes.CodeRevoked:
            return render(request, "phone_login.html", status=401, failure="phone.revoked")
        except codes.CodeWrongUse:
            return render(request, "phone_login.html", status=401, failure="phone.wrong_use")
        except codes.CodeError:
            return render(request, "phone_login.html", status=401, failure="phone.bad_code")
        volunteer = session.get(Volunteer, code.volunteer_id)
        if volunteer is None or not volunteer.active:
            return render(request, "phone_login.html", status=401, failure="phone.unknown")
    return _phone_session(request, db, code.volunteer_id)


def _phone_session(request: Request, db: Database, volunteer_id: str) -> Response:
    token = accounts.open_session(db, "volunteer", volunteer_id)
    response = _back("/m/orders")
    response.set_cookie(
        PHONE_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request), path="/m"
    )
    return response


def _phone_card_login(request: Request, db: Database, card: str, pin: str) -> Response:
    """Card + PIN, checked exactly as a kiosk's (central.proofs.check_card_pin): the same
    lock per card, so wrong PINs typed here and at a kiosk count together."""
    card = card.strip()
    lang = _lang(request)
    rules = policy.of(db)
    if not (1 <= len(card) <= 32 and pin.isascii() and pin.isdigit() and len(pin) <= 12):
        failure = t("phone.card_bad", lang, n=rules.pin_max_failures)
        return render(request, "phone_login.html", status=401, failure_text=failure, tab="card")
    try:
        volunteer = proofs.check_card_pin(db, card, pin, "phone page")
    except ProofForbidden as exc:
        details = exc.details if isinstance(exc.details, dict) else {}
        if details.get("reason") == "card_locked":
            wait = int(details.get("retry_after") or rules.pin_lockout_s)
            failure = t("phone.card_locked", lang, minutes=max(1, (wait + 59) // 60))
        else:
            failure = t("phone.card_bad", lang, n=rules.pin_max_failures)
        return render(request, "phone_login.html", status=401, failure_text=failure, tab="card")
    return _phone_session(request, db, str(volunteer["id"]))


@router.get("/m/orders")
async def phone_orders(request: Request) -> Response:
    identity, volunteer = _volunteer(request)
    with _db(request).read() as session:
        rows = queries.volunteer_orders(session, volunteer)
        phones = queries.phones_for(session, [r.id for r in rows if r.volunteer_id == volunteer.id])
    mine = [r for r in rows if r.volunteer_id == volunteer.id]
    open_rows = [r for r in rows if r.volunteer_id != volunteer.id]
    return render(
        request,
        "phone_orders.html",
        identity=identity,
        volunteer=volunteer,
        mine=mine,
        open_rows=open_rows,
        phones=phones,
    )


@router.post("/m/orders/{order_id}/{step}")
async def phone_step(request: Request, order_id: str, step: str) -> Response:
    identity, volunteer = _volunteer(request)
    await _checked_form(request, identity)
    actions.volunteer_step(_db(request), volunteer.id, order_id, step)
    return _back("/m/orders", msg="phone.done")


@router.post("/m/logout")
async def phone_logout(request: Request) -> Response:
    identity, _ = _volunteer(request)
    await _checked_form(request, identity)
    accounts.close_session(_db(request), request.cookies.get(PHONE_COOKIE))
    response = _back("/m/login")
    response.delete_cookie(PHONE_COOKIE, path="/m")
    return response


@router.get("/console/static/console.css")
@router.get("/m/static/console.css")
async def stylesheet() -> Response:
    return FileResponse(_HERE / "static" / "console.css", media_type="text/css")


def install(app: FastAPI, media_dir: Path) -> None:
    """Mount the console on central's app; ``media_dir`` keeps uploaded gift pictures."""
    app.state.console_media = media_dir
    app.include_router(router)


def media_dir_for(db_url: str) -> Path:
    """Gift pictures next to a SQLite file, else in central's data directory."""
    if db_url.startswith("sqlite:///") and len(db_url) > len("sqlite:///"):
        return Path(db_url[len("sqlite:///") :]).with_name("media")
    import platformdirs

    return Path(platformdirs.user_data_dir("station-kiosk-central", appauthor=False)) / "media"
