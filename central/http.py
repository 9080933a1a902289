"""HTTP plumbing: the protocol's error body for every failure, and the body-size limit."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from central.errors import CentralError, Forbidden
from protocol.api import MAX_BODY_BYTES

log = logging.getLogger(__name__)

RETRY_AFTER_S = 5

_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "bad_request",
    409: "conflict",
    413: "too_large",
    415: "bad_request",
    422: "bad_request",
    429: "rate_limited",
    503: "unavailable",
}


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


def error_response(
    status: int,
    code: str,
    message: str,
    details: Any = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(error_body(code, message, details), status_code=status, headers=headers)


def _clean(errors: list[Any]) -> list[dict[str, Any]]:
    # Pydantic's error dicts may carry exceptions or bytes in "ctx"/"input": keep it JSON.
    return [
        {"loc": [str(x) for x in e.get("loc", ())], "msg": str(e.get("msg")), "type": e.get("type")}
        for e in errors[:20]
    ]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CentralError)
    async def _central(_req: Request, exc: CentralError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        body = error_body(exc.code, exc.message, exc.details)
        if isinstance(exc, Forbidden):
            # The redemption contract: the reason (and any wait) at the top level too.
            body["reason"] = exc.reason
            if retry_after is not None:
                body["retry_after"] = retry_after
        return JSONResponse(body, status_code=exc.status, headers=headers or None)

    @app.exception_handler(RequestValidationError)
    async def _invalid(req: Request, exc: RequestValidationError) -> JSONResponse:
        # A handler that checks the station in its own transaction has not checked it
        # yet when its request fails validation: check it now, so a caller who is not
        # that station learns nothing about what it sent (401, not 400).
        unchecked = getattr(req.state, "unchecked_claim", None)
        refuse = getattr(req.app.state, "refuse_claim", None)
        if unchecked is not None and refuse is not None:
            try:
                await refuse(req, unchecked)
            except CentralError as refused:
                return await _central(req, refused)
        errors = _clean(list(exc.errors()))
        json_broken = any(e["type"] == "json_invalid" for e in errors)
        message = "request body is not valid JSON" if json_broken else "invalid request"
        return error_response(400, "bad_request", message, errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_req: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "bad_request")
        status = 400 if exc.status_code == 422 else exc.status_code
        return error_response(status, code, str(exc.detail), None, exc.headers)

    @app.exception_handler(OperationalError)
    async def _db_down(_req: Request, exc: OperationalError) -> JSONResponse:
        # Database unreachable, locked too long, a deadlock victim: worth retrying later.
        log.error("database unavailable: %s", exc.orig or exc)
        headers = {"Retry-After": str(RETRY_AFTER_S)}
        return error_response(503, "unavailable", "database unavailable", None, headers)

    @app.exception_handler(Exception)
    async def _bug(_req: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error: %r", exc)
        return error_response(500, "internal", "internal server error")


_TOO_LARGE_PAGE = (
    "<!doctype html><meta charset=utf-8><title>413</title>"
    "<p>提交的内容太大（最大 2 MB），未保存。请返回上一页。</p>"
    "<p>What you sent is too large (2 MB at most); nothing was saved. Please go back.</p>"
)


class BodyLimit:
    """Refuse bodies over ``limit`` bytes with 413, by Content-Length and by the bytes
    actually streamed (a client may lie or use chunked encoding). The body is read here
    (at most ``limit`` bytes) and handed on to the app."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        try:
            too_big = declared is not None and int(declared) > self.limit
        except ValueError:
            await self._refuse(send, 400, "bad_request", "bad Content-Length")
            return
        if too_big:
            await self._refuse(send, 413, "too_large", f"body over {self.limit} bytes", scope)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(send, 413, "too_large", f"body over {self.limit} bytes", scope)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body, sent = b"".join(chunks), False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(
        send: Send, status: int, code: str, message: str, scope: Scope | None = None
    ) -> None:
        path = str((scope or {}).get("path", ""))
        if path.startswith(("/console", "/m/")):
            # A person in a browser: a page in their language, not the stations' JSON.
            payload = _TOO_LARGE_PAGE.encode()
            ctype = b"text/html; charset=utf-8"
        else:
            payload = json.dumps(error_body(code, message)).encode()
            ctype = b"application/json"
        headers = [(b"content-type", ctype), (b"connection", b"close")]
        headers.append((b"content-length", str(len(payload)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})
