"""The one HTTP client that talks to central.

It owns the ``requests`` sessions, the timeouts, the headers (station id, bearer token,
User-Agent), TLS verification, and the validation of every answer: a reply is used only
when it is complete (Content-Length honoured), JSON, and of the promised shape. Any other
outcome becomes a typed ``sync.errors.SyncError``. Retrying is the caller's business.
"""

from __future__ import annotations

import functools
import logging
import platform
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import parsedate_to_datetime
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import kiosk
from kiosk.clock import to_utc_naive, utcnow
from protocol import api as protocol
from protocol.api import API_PREFIX, HEADER_AUTH, HEADER_STATION
from sync import wire
from sync.errors import (
    BadResponse,
    ClockWrong,
    ProofRejected,
    RequestRejected,
    ServerDown,
    ServerError,
    SyncError,
    SyncTimeout,
    TlsFailed,
    Unauthorised,
)
from sync.sockets import SocketTracker, tracked_pool_classes

if TYPE_CHECKING:
    import requests

log = logging.getLogger(__name__)

API = API_PREFIX
Timeout = float | tuple[float, float]


def _http() -> ModuleType:
    """``requests``, imported at the first call to central, not with this module: the
    kiosk's start builds the client (the sync strip and the authoriser hold it) before
    home serves its first tap, and requests with urllib3 and its TLS stack is most of the
    sync layer's import (~60 ms, 8 MiB); the first call is made after the start."""
    import requests
    import requests.exceptions

    return requests


@functools.cache
def _tracking_adapter() -> type:
    from requests.adapters import HTTPAdapter

    class _TrackingAdapter(HTTPAdapter):
        """Records every socket it opens so that ``abort()`` can cut a stalled read short."""

        def __init__(self, tracker: SocketTracker) -> None:
            self._tracker = tracker
            super().__init__(max_retries=0)

        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = tracked_pool_classes(self._tracker)

    return _TrackingAdapter


class CentralClient:
    """Central's API for this station. Safe to share between threads: each thread gets
    its own ``requests.Session`` (a Session is not meant to be shared), all built alike."""

    def __init__(
        self,
        base_url: str,
        station_id: str,
        token: str,
        ca_bundle: str | Path | None = None,
        timeout: Timeout = (3.05, 10),
        version: str = kiosk.__version__,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.station_id = station_id
        self.timeout = timeout
        # verify=True uses certifi's bundle; a path pins the district's own CA.
        self._verify: bool | str = str(ca_bundle) if ca_bundle else True
        self._headers = {
            HEADER_STATION: station_id,
            HEADER_AUTH: f"Bearer {token}",
            "Accept": "application/json",
        }
        self._agent = f"station-kiosk/{version} ({platform.system()}; python-requests/"
        self._tracker = SocketTracker()
        # Our clock minus central's (its HTTP Date header), seconds; None until an answer.
        self.clock_skew_s: float | None = None
        # Sessions are lent one call at a time, not kept per thread: the screens' calls run
        # on Qt pool threads, and Python forgets a Qt thread's ``threading.local`` after
        # every task, so a session per thread was a new session (and a new keep-alive
        # socket, held open by the list that ``close()`` needs) per online redemption.
        self._all_sessions: list[requests.Session] = []
        self._idle: list[requests.Session] = []
        self._lock = threading.Lock()

    # --- the API ---------------------------------------------------------------------

    def health(self, timeout: Timeout | None = None) -> dict[str, Any]:
        body = self._call("GET", "/health", timeout=timeout)
        if body.get("status") != "ok":
            raise BadResponse(detail=f"health: {body!r:.200}")
        return body

    def push_events(self, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """POST a batch; return central's per-event results (validated, in its order)."""
        body = self._call("POST", "/events", json={"events": events})
        return wire.check_results(body, {e["id"] for e in events})

    def changes(
        self, cursor: str, limit: int, report: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """A page of changes; ``report`` (protocol.api.StationReport: backlog, printer)
        rides along as query parameters for the district console."""
        params: dict[str, Any] = {"cursor": cursor, "limit": limit, **(report or {})}
        body = self._call("GET", "/changes", params=params)
        return wire.check_changes(body)

    def media(self, name: str, max_bytes: int) -> bytes:
        """A gift picture's bytes (GET /media/<name>), read no further than ``max_bytes``
        + 1 so a huge answer costs no more than that; the caller checks the picture."""
        requests = _http()
        rexc = requests.exceptions
        path = f"/media/{quote(name, safe='')}"
        url = f"{self.base_url}{API}{path}"
        # The session is lent again only once the streamed body is read and closed.
        with self._session() as session:
            try:
                resp = session.get(url, timeout=self.timeout, stream=True)
            except requests.Timeout as exc:
                raise SyncTimeout(detail=f"GET {path}: {plain_reason(exc)}") from exc
            except requests.RequestException as exc:
                raise ServerDown(detail=f"GET {path}: {plain_reason(exc)}") from exc
            try:
                if resp.status_code != 200:
                    raise _status_error(resp, f"GET {path}")
                if not resp.headers.get("Content-Type", "").startswith("image/"):
                    raise BadResponse(detail=f"GET {path}: {resp.headers.get('Content-Type')}")
                data = b""
                for chunk in resp.iter_content(64 * 1024):
                    data += chunk
                    if len(data) > max_bytes:
                        break
                return data
            except (rexc.ChunkedEncodingError, rexc.ContentDecodingError) as exc:
                raise BadResponse(detail=f"GET {path}: {plain_reason(exc)}") from exc
            except requests.RequestException as exc:
                raise ServerDown(detail=f"GET {path}: {plain_reason(exc)}") from exc
            finally:
                resp.close()

    def authorise(self, request: dict[str, Any], timeout: Timeout) -> dict[str, Any]:
        body = self._call("POST", "/redemptions/authorise", json=request, timeout=timeout)
        return wire.check_decision(body)

    def verify_card(self, card: str, pin: str, timeout: Timeout) -> dict[str, Any]:
        """Central checks card + PIN (the kiosk holds no PIN hash); 403 ``ProofRejected``."""
        body = self._call("POST", "/cards/verify", json={"card": card, "pin": pin}, timeout=timeout)
        return wire.check_card_view(body)

    def abort(self) -> None:
        """Cut every connection now, in-flight ones too (from any thread): a call stuck on
        a stalled server fails at once instead of waiting out its read timeout."""
        self._tracker.shutdown_all()

    def close(self) -> None:
        self.abort()
        with self._lock:
            sessions, self._all_sessions, self._idle = self._all_sessions, [], []
        for session in sessions:
            session.close()

    def open_sessions(self) -> int:
        """How many sessions exist (at most one per call that ran at the same time)."""
        with self._lock:
            return len(self._all_sessions)

    # --- plumbing --------------------------------------------------------------------

    @contextmanager
    def _session(self) -> Iterator[requests.Session]:
        """An idle session (with its kept-alive connection) for one call, or a new one if
        every session is busy; it is idle again when the call is done."""
        with self._lock:
            session = self._idle.pop() if self._idle else None
        if session is None:
            requests = _http()
            session = requests.Session()
            session.headers.update(self._headers)
            session.headers["User-Agent"] = f"{self._agent}{requests.__version__})"
            session.verify = self._verify
            session.trust_env = False  # a stray HTTP(S)_PROXY must not reroute the kiosk
            adapter = _tracking_adapter()(self._tracker)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            with self._lock:
                self._all_sessions.append(session)
        try:
            yield session
        finally:
            with self._lock:
                # One closed meanwhile (``close()``) is not lent again.
                if any(s is session for s in self._all_sessions):
                    self._idle.append(session)

    def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        timeout: Timeout | None = None,
    ) -> dict[str, Any]:
        requests = _http()
        rexc = requests.exceptions
        url = f"{self.base_url}{API}{path}"
        with self._session() as session:
            try:
                resp = session.request(
                    method, url, json=json, params=params, timeout=timeout or self.timeout
                )
            except requests.Timeout as exc:
                raise SyncTimeout(detail=f"{method} {path}: {plain_reason(exc)}") from exc
            except (rexc.ChunkedEncodingError, rexc.ContentDecodingError) as exc:
                # urllib3 enforces Content-Length: a body cut short lands here.
                raise BadResponse(detail=f"{method} {path}: {plain_reason(exc)}") from exc
            except rexc.SSLError as exc:
                reason = plain_reason(exc)
                if "not yet valid" in reason:
                    # Certificates are valid from a date: a clock behind makes every one fail.
                    raise ClockWrong(detail=f"{method} {path}: {reason}") from exc
                raise TlsFailed(detail=f"{method} {path}: {reason}") from exc
            except requests.RequestException as exc:
                raise ServerDown(detail=f"{method} {path}: {plain_reason(exc)}") from exc
            self._note_clock(resp.headers.get("Date"))
            try:
                return self._read(resp, f"{method} {path}")
            finally:
                resp.close()

    def _note_clock(self, date: str | None) -> None:
        """Compare our clock with central's Date header (1 s resolution: plenty for a
        check that warns at two minutes)."""
        if not date:
            return
        try:
            theirs = to_utc_naive(parsedate_to_datetime(date))
        except (TypeError, ValueError):
            return
        self.clock_skew_s = (utcnow() - theirs).total_seconds()

    def _read(self, resp: requests.Response, what: str) -> dict[str, Any]:
        status = resp.status_code
        if status != 200:
            raise _status_error(resp, what)
        content = resp.content
        declared = resp.headers.get("Content-Length")
        # Belt and braces: check the length ourselves when no encoding changed it.
        unencoded = "Content-Encoding" not in resp.headers
        if declared is not None and unencoded and declared != str(len(content)):
            raise BadResponse(detail=f"{what}: {len(content)} bytes of {declared}")
        if "json" not in resp.headers.get("Content-Type", ""):
            raise BadResponse(detail=f"{what}: content-type {resp.headers.get('Content-Type')}")
        try:
            body = resp.json()
        except ValueError as exc:
            raise BadResponse(detail=f"{what}: not JSON ({len(content)} bytes)") from exc
        if not isinstance(body, dict):
            raise BadResponse(detail=f"{what}: JSON {type(body).__name__}, not an object")
        return body


_ERRNO = re.compile(r"\[Errno (-?\d+)\] ([^'\")\]]+)")
_CERT = re.compile(r"certificate verify failed: ([^'\"(]+)")
_OBJECT = re.compile(r"<[\w.]+ object at 0x[0-9a-f]+>:?\s*")


def plain_reason(exc: BaseException) -> str:
    """What went wrong in words a technician can act on, without urllib3's internals
    ("HTTPSConnectionPool(...): Max retries exceeded ... <urllib3.connection... object at
    0x7f...>: Failed to establish a new connection: [Errno 111] Connection refused")."""
    raw = str(exc)
    cert = _CERT.search(raw)
    if cert:
        return f"TLS: certificate verify failed: {cert.group(1).strip()}"
    found = _ERRNO.search(raw)
    if found:
        return f"{found.group(2).strip()} (errno {found.group(1)})"
    if "Read timed out" in raw:
        return "no answer in time (read timed out)"
    if "timed out" in raw:
        return "no connection in time (connect timed out)"
    return _OBJECT.sub("", raw)[:300]


def _status_error(resp: requests.Response, what: str) -> SyncError:
    status = resp.status_code
    detail = f"{what}: HTTP {status} {_error_text(resp)}"
    retry_after = parse_retry_after(resp.headers.get("Retry-After"))
    if status == 403 and (reason := proof_reason(resp)) is not None:
        return ProofRejected(reason, detail=detail)
    if status in (401, 403):
        return Unauthorised(detail=detail)
    if status == 429 or status >= 500:
        return ServerError(detail=detail, retry_after=retry_after)
    if 400 <= status < 500:
        return RequestRejected(status, detail)
    return BadResponse(detail=detail)  # 1xx/2xx/3xx other than 200: not in the protocol


PROOF_REASONS = frozenset(protocol.PROOF_REASONS)


def proof_reason(resp: requests.Response) -> str | None:
    """The proof reason of a 403 body, wherever central's error shape puts it
    (``{"reason"}``, ``{"error": {"reason"|"code"|"details": {"reason"}}}``,
    ``{"detail": {"reason"}}``); None when it is not about the proof."""
    try:
        body = resp.json()
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    candidates: list[Any] = [body.get("reason")]
    for outer in (body.get("error"), body.get("detail")):
        if isinstance(outer, dict):
            candidates += [outer.get("reason"), outer.get("code")]
            details = outer.get("details")
            if isinstance(details, dict):
                candidates.append(details.get("reason"))
    for value in candidates:
        if isinstance(value, str) and value in PROOF_REASONS:
            return value
    return None


def _error_text(resp: requests.Response) -> str:
    try:
        err = resp.json()["error"]
        return f"{err.get('code')}: {err.get('message')}"[:200]
    except (ValueError, KeyError, TypeError, AttributeError):
        return resp.text[:120]


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None if absent
    or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        at = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (to_utc_naive(at) - utcnow()).total_seconds())
