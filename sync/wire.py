"""Shape checks for central's answers. Central is trusted to be honest but not to be
whole: a proxy, a crash or a half-deployed server can hand us anything. Whatever fails
these checks is a ``BadResponse`` and nothing of it is applied."""

from __future__ import annotations

from typing import Any

from kiosk.clock import parse_iso
from sync.errors import BadResponse

RESULT_STATUSES = frozenset({"accepted", "duplicate", "rejected"})


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _fail(what: str, value: Any) -> BadResponse:
    return BadResponse(detail=f"{what}: {value!r:.200}")


def check_time(value: Any, what: str) -> None:
    try:
        parse_iso(value)
    except (TypeError, ValueError, AttributeError) as exc:
        raise _fail(what, value) from exc


def check_balance(balance: Any) -> None:
    if balance is None:
        return
    if not (
        isinstance(balance, dict)
        and isinstance(balance.get("volunteer_id"), str)
        and _is_int(balance.get("balance"))
    ):
        raise _fail("result balance", balance)
    check_time(balance.get("as_of"), "balance as_of")


def check_results(body: dict[str, Any], sent_ids: set[str]) -> list[dict[str, Any]]:
    results = body.get("results")
    if not isinstance(results, list):
        raise _fail("push results", body)
    seen: set[str] = set()
    for res in results:
        if not isinstance(res, dict):
            raise _fail("push result", res)
        rid, status = res.get("id"), res.get("status")
        # An id we did not send, or one answered twice, means central and we disagree
        # about the batch: trust none of it.
        if rid not in sent_ids or rid in seen:
            raise _fail("push result id", rid)
        seen.add(rid)
        if status not in RESULT_STATUSES:
            raise _fail("push result status", status)
        if res.get("reason") is not None and not isinstance(res["reason"], str):
            raise _fail("push result reason", res["reason"])
        check_balance(res.get("balance"))
    return results


def check_changes(body: dict[str, Any]) -> dict[str, Any]:
    changes = body.get("changes")
    if not isinstance(changes, list):
        raise _fail("changes", body)
    if not isinstance(body.get("next_cursor"), str) or not isinstance(body.get("has_more"), bool):
        raise _fail("changes paging", {k: body.get(k) for k in ("next_cursor", "has_more")})
    for change in changes:
        if not (
            isinstance(change, dict)
            and isinstance(change.get("kind"), str)
            and isinstance(change.get("data"), dict)
        ):
            raise _fail("change", change)
    return body


def check_decision(body: dict[str, Any]) -> dict[str, Any]:
    approved = body.get("approved")
    if approved is True:
        if not _is_int(body.get("balance_after")):
            raise _fail("authorise balance_after", body)
        check_time(body.get("as_of"), "authorise as_of")
        if body.get("hold_expires_at") is not None:
            check_time(body["hold_expires_at"], "authorise hold_expires_at")
    elif approved is False:
        if not isinstance(body.get("reason"), str):
            raise _fail("authorise reason", body)
        if body.get("balance") is not None and not _is_int(body["balance"]):
            raise _fail("authorise balance", body)
    else:
        raise _fail("authorise approved", body)
    return body


def check_card_view(body: dict[str, Any]) -> dict[str, Any]:
    """``/cards/verify``: the volunteer central recognised (no card number, no PIN hash)."""
    vid = body.get("volunteer_id", body.get("id"))
    if not isinstance(vid, str) or not vid:
        raise _fail("card view volunteer", body)
    if body.get("balance") is not None:
        if not _is_int(body["balance"]):
            raise _fail("card view balance", body)
        check_time(body.get("balance_as_of", body.get("as_of")), "card view balance_as_of")
    return body
