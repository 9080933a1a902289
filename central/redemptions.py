"""Points leaving a balance: holds at authorisation, capture, release, and redemptions
recorded after the fact.

Hold states (docs/sync-protocol.md, "Redemption holds"):

    authorise ─approved─▶ held ──redemption.made──▶ recorded
                 │          ├──redemption.voided──▶ voided   (points back)
                 │          └──expires_at passes──▶ expired  (points back; a late
                 │                                   redemption.made still records)
                 └─declined─▶ declined

A hold takes the points from the balance at once (so they are unavailable to other
authorisations) and gives them back when released. Authorisation is idempotent by the
kiosk-chosen redemption id: asking again returns the stored decision.

A ``redemption.made`` with no hold behind it (offline, or central never approved) is
checked — the signed code it was made with, the station's offline limit, its per-day
ceiling per volunteer, the gifts — and anything that fails is recorded as an exception
without touching the balance (central.exceptions).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, bindparam, func, select
from sqlalchemy.orm import Session

from central import exceptions, feed, ledger, policy, proofs
from central.activities import district_zone
from central.clock import FUTURE_SLACK_S, iso, parse_iso, utcnow
from central.db import Database, get_kept, keep
from central.errors import BadRequest, Conflict, Forbidden, Rejected
from central.models import Gift, Overdraft, Redemption, Station, Volunteer
from central.payloads import AuthoriseIn, RedemptionMade, RedemptionVoided
from protocol import api as p
from protocol import codes

log = logging.getLogger(__name__)

RELEASE_BATCH = 200


def _check_total(total: int, lines: list[Any]) -> bool:
    # No lines sum to nothing: points taken for no gift at all (a cart the kiosk never
    # sends: it refuses an empty one) would leave no trace in the gifts and stock.
    return total == sum(ln.qty * ln.points_each for ln in lines)


def _unknown_skus(session: Session, lines: list[Any]) -> list[str]:
    # By primary key, so a gift already read in this transaction costs no query.
    skus = {ln.sku for ln in lines}
    return sorted(sku for sku in skus if get_kept(session, Gift, sku) is None)


def _shortfall(session: Session, lines: list[Any]) -> tuple[int, list[str]]:
    """Points the lines are short of central's prices, and the gifts priced below them
    (a station's line at 0 points took 50 two-hour cleaning services for nothing). A
    line dearer than central's price is the volunteer's loss, shown on the kiosk, and
    passes; an unknown gift is refused elsewhere."""
    short, skus = 0, []
    for ln in lines:
        gift = get_kept(session, Gift, ln.sku)
        if gift is not None and ln.points_each < gift.points:
            short += (gift.points - ln.points_each) * ln.qty
            skus.append(ln.sku)
    return short, sorted(set(skus))


def _not_carried(
    session: Session, station_id: str, lines: list[Any], withdrawn: bool = False
) -> list[str]:
    """The lines' gifts this station does not carry: the district named the stations
    that do (``Gift.stations``, admin.set_gift_stations) and this is not one of them —
    and with ``withdrawn``, gifts taken off offer everywhere (``active`` off). A
    station's token alone must not hand out another station's gifts. Unknown gifts are
    refused elsewhere."""
    skus = []
    for sku in sorted({ln.sku for ln in lines}):
        gift = get_kept(session, Gift, sku)
        if gift is None:
            continue
        if (gift.stations and station_id not in gift.stations) or (withdrawn and not gift.active):
            skus.append(sku)
    return skus


NOT_CARRIED = "not_carried"
OVER_LIMIT = "over_limit"
# The statuses of a redemption whose gifts went (or are held) for the volunteer.
_TAKEN = ("held", "recorded")
# ... and of one whose code is used up: an expired hold too, since its redemption.made
# may still arrive and be debited (a long-lived printed code outlives a hold).
_CODE_SPENT = (*_TAKEN, "expired")


def _day_bounds(at: datetime) -> tuple[datetime, datetime]:
    """The district's calendar day around ``at`` (naive UTC), as naive-UTC bounds: a
    gift's per-volunteer limit is per day, as the kiosk counts it in the station's zone."""
    zone = district_zone()
    local = at.replace(tzinfo=UTC).astimezone(zone)
    start = datetime(local.year, local.month, local.day, tzinfo=zone).astimezone(UTC)
    start = start.replace(tzinfo=None)
    return start, start + timedelta(days=1)


def _over_limits(
    session: Session, station_id: str, volunteer_id: str, lines: list[Any], at: datetime, own: str
) -> list[str]:
    """The lines' gifts this volunteer would get beyond the gift's per-volunteer daily
    limit at this station (the kiosk's own rule, counted from central's records: a
    station's word that it checked is not enough); [] if none. ``own``: the redemption
    being judged, never counted against itself."""
    wanted: dict[str, int] = {}
    for ln in lines:
        gift = get_kept(session, Gift, ln.sku)
        if gift is not None and gift.per_volunteer_limit > 0:
            wanted[ln.sku] = wanted.get(ln.sku, 0) + ln.qty
    if not wanted:
        return []  # no query for the many gifts without a limit
    start, end = _day_bounds(at)
    when = func.coalesce(Redemption.at, Redemption.created_at)
    taken: dict[str, int] = {}
    for (done,) in session.execute(
        select(Redemption.lines).where(
            Redemption.volunteer_id == volunteer_id,
            Redemption.station_id == station_id,
            Redemption.status.in_(_TAKEN),
            Redemption.id != own,
            when >= start,
            when < end,
        )
    ):
        for line in done or ():
            if isinstance(line, dict) and line.get("sku") in wanted:
                taken[line["sku"]] = taken.get(line["sku"], 0) + int(line.get("qty") or 0)
    problems = []
    for sku, qty in sorted(wanted.items()):
        gift = get_kept(session, Gift, sku)
        assert gift is not None
        if taken.get(sku, 0) + qty > gift.per_volunteer_limit:
            problems.append(f"{sku}: {taken.get(sku, 0)} + {qty} > {gift.per_volunteer_limit}")
    return problems


def _code_spent(session: Session, volunteer_id: str, code_id: str, redemption_id: str) -> bool:
    """Whether the code (its jti) already backs another redemption's hold or capture. By
    the volunteer (indexed; a code is only ever its own volunteer's), then the code."""
    found = session.scalar(
        select(Redemption.id)
        .where(
            Redemption.volunteer_id == volunteer_id,
            Redemption.code_id == code_id,
            Redemption.id != redemption_id,
            Redemption.status.in_(_CODE_SPENT),
        )
        .limit(1)
    )
    return found is not None


def _same_request(row: Redemption, station_id: str, req: AuthoriseIn) -> bool:
    return (
        row.station_id == station_id
        and row.volunteer_id == req.volunteer_id
        and row.total_points == req.total_points
    )


def _stored_decision(row: Redemption, station_id: str, req: AuthoriseIn) -> dict[str, Any]:
    if not _same_request(row, station_id, req):
        raise Conflict("redemption id already used", {"redemption_id": row.id})
    return dict(row.decision)


def authorise(db: Database, station_id: str, req: AuthoriseIn) -> dict[str, Any]:
    """Approve (placing a hold) or decline; 403 ``Forbidden`` without valid proof."""
    if not _check_total(req.total_points, req.lines):
        raise BadRequest("total_points is not the sum of the lines")
    rules = policy.of(db)
    code_id = ""
    # One read for the replay check, the gifts and a scanned code's keys and revocation
    # (a card + PIN is checked on its own: a wrong PIN is written down).
    with db.read() as session:
        existing = session.get(Redemption, req.redemption_id)
        if existing is not None:
            # The proof was checked when the decision was made: the same request again
            # (an answer lost on the way) gets the same decision, nothing more.
            return _stored_decision(existing, station_id, req)
        unknown = _unknown_skus(session, req.lines)
        if unknown:
            raise BadRequest(f"unknown gifts: {', '.join(unknown)[:200]}", {"skus": unknown[:20]})
        if req.proof is not None and req.proof.code is not None:
            code_id = proofs.verify(db, station_id, req.proof, req.volunteer_id, session).code_id
    if not code_id and (rules.require_proof or req.proof is not None):
        code_id = proofs.verify(db, station_id, req.proof, req.volunteer_id).code_id
    with db.write() as session, feed.deferred(session):
        # feed.deferred: the volunteer's new balance goes to the feed as one delete and
        # one insert at the end, flushed with the ledger and redemption rows.
        existing = session.get(Redemption, req.redemption_id)
        if existing is not None:
            return _stored_decision(existing, station_id, req)
        volunteer = ledger.lock_volunteer(session, req.volunteer_id)
        if code_id and _code_spent(session, req.volunteer_id, code_id, req.redemption_id):
            # One scan, one approved redemption: a kiosk keeping a scanned code (valid for
            # minutes) cannot authorise more with it. Under the volunteer's lock, so two
            # requests with one code cannot both pass. A voided hold and a decline do not
            # count: a retry after them is judged anew.
            raise Forbidden("code_used", "this code stands behind another redemption")
        expires_at = utcnow() + timedelta(seconds=rules.hold_ttl_s)
        decision = _decide(db, session, station_id, volunteer, req, expires_at)
        approved = bool(decision["approved"])
        session.add(
            Redemption(
                id=req.redemption_id,
                station_id=station_id,
                volunteer_id=req.volunteer_id,
                total_points=req.total_points,
                lines=[ln.model_dump() for ln in req.lines],
                status="held" if approved else "declined",
                debited=req.total_points if approved else 0,
                expires_at=expires_at if approved else None,
                code_id=code_id,
                decision=decision,
            )
        )
    log.info("authorise %s for %s: %s", req.redemption_id, req.volunteer_id, decision)
    return decision


def _decide(
    db: Database,
    session: Session,
    station_id: str,
    volunteer: Volunteer | None,
    req: AuthoriseIn,
    expires_at: datetime,
) -> dict[str, Any]:
    if volunteer is None:
        return {"approved": False, "reason": "unknown_volunteer", "balance": None}
    if not volunteer.active:
        return {"approved": False, "reason": "inactive_volunteer", "balance": volunteer.balance}
    if _shortfall(session, req.lines)[0]:
        # The kiosk's catalogue is older than central's (it will pull the new price), or
        # it is lying about the price: either way not at that price.
        return {"approved": False, "reason": "price_changed", "balance": volunteer.balance}
    if _not_carried(session, station_id, req.lines, withdrawn=True):
        # Not on this station's shelf, or withdrawn: the kiosk's catalogue is older than
        # central's (it pulls the change), or the request is not the kiosk's at all.
        return {"approved": False, "reason": NOT_CARRIED, "balance": volunteer.balance}
    if _over_limits(session, station_id, volunteer.id, req.lines, utcnow(), req.redemption_id):
        # More of a limited gift than the volunteer may have today: the kiosk checks this
        # itself, so only a kiosk that lost its history, or lies, is declined here.
        return {"approved": False, "reason": OVER_LIMIT, "balance": volunteer.balance}
    if volunteer.balance < req.total_points:
        return {"approved": False, "reason": "insufficient_points", "balance": volunteer.balance}
    ledger.change_balance(
        db, session, volunteer, -req.total_points, "hold", req.redemption_id, station_id
    )
    return {
        "approved": True,
        "balance_after": volunteer.balance,
        "as_of": iso(volunteer.balance_as_of),
        "hold_expires_at": iso(expires_at),
    }


_LOCKED = "central.redemptions.locked"
_ABSENT = "central.redemptions.absent"


def lock_redemptions(session: Session, redemption_ids: set[str]) -> None:
    """Lock the batch's redemption rows that exist (in id order) and note the ones that
    do not, in one query, so ``_lock_redemption`` needs none for them."""
    if not redemption_ids:
        return
    query = select(Redemption).where(Redemption.id.in_(sorted(redemption_ids)))
    rows = session.scalars(query.order_by(Redemption.id).with_for_update()).all()
    keep(session, *rows)
    found = {r.id for r in rows}
    session.info.setdefault(_LOCKED, set()).update(found)
    session.info.setdefault(_ABSENT, set()).update(redemption_ids - found)


def _lock_redemption(session: Session, redemption_id: str) -> Redemption | None:
    # Always the redemption row before the volunteer's: the release job locks in the
    # same order, so the two never wait on each other in a circle.
    absent: set[str] = session.info.get(_ABSENT, set())
    if redemption_id in absent:
        # Not there when the batch began; the caller may create it now, so a second
        # look (the same id twice in one batch) asks the database again.
        absent.discard(redemption_id)
        return None
    if redemption_id in session.info.get(_LOCKED, ()):
        found = session.get(Redemption, redemption_id)
        if found is not None:
            return found
    return session.scalars(
        select(Redemption).where(Redemption.id == redemption_id).with_for_update()
    ).first()


# A batch's running per-day offline totals, (station, volunteer, day) → points, once
# read: the batch's own redemptions are added as they are recorded (quick pass only).
_SPENT = "central.redemptions.spent"


def _day(at: datetime) -> datetime:
    return datetime(at.year, at.month, at.day)


# Built once: what volunteers redeemed offline at a station between two times.
_OFFLINE_SPENT = select(Redemption.volunteer_id, Redemption.at, Redemption.total_points).where(
    Redemption.station_id == bindparam("station"),
    Redemption.volunteer_id.in_(bindparam("volunteers", expanding=True)),
    Redemption.mode == "offline",
    Redemption.status == "recorded",
    Redemption.at >= bindparam("start", type_=DateTime),
    Redemption.at < bindparam("end", type_=DateTime),
)


def prefetch_offline_spending(
    session: Session, station_id: str, made: list[RedemptionMade]
) -> None:
    """Read, in one query, what the batch's volunteers have redeemed offline at this
    station on the days of the batch's redemptions; the batch then keeps the totals."""
    spent: dict[tuple[str, str, datetime], int] = {}
    session.info[_SPENT] = spent
    wanted: set[tuple[str, datetime]] = set()
    for ev in made:
        try:
            wanted.add((ev.volunteer_id, _day(parse_iso(ev.at))))
        except (TypeError, ValueError):
            continue  # the event is refused or checked on its own
    if not wanted:
        return
    days = sorted({day for _v, day in wanted})
    params = {
        "station": station_id,
        "volunteers": sorted({v for v, _d in wanted}),
        "start": days[0],
        "end": days[-1] + timedelta(days=1),
    }
    rows = session.connection().execute(_OFFLINE_SPENT, params)
    for volunteer_id, day in wanted:
        spent[(station_id, volunteer_id, day)] = 0
    for volunteer_id, at, points in rows:
        key = (station_id, volunteer_id, _day(at))
        if key in spent:
            spent[key] += points


def record_made(db: Database, session: Session, station_id: str, ev: RedemptionMade) -> Volunteer:
    """Apply ``redemption.made``: capture its hold, or (no hold) check it and debit, or
    record it as an exception without touching the balance."""
    volunteer, row = _record_made(db, session, station_id, ev)
    spent_known: dict[tuple[str, str, datetime], int] | None = session.info.get(_SPENT)
    counts = row is not None and row.status == "recorded" and row.mode == "offline"
    if spent_known is not None and row is not None and row.at is not None and counts:
        key = (station_id, row.volunteer_id, _day(row.at))
        if key in spent_known:
            spent_known[key] += row.total_points
    return volunteer


def _record_made(
    db: Database, session: Session, station_id: str, ev: RedemptionMade
) -> tuple[Volunteer, Redemption | None]:
    """The volunteer, and the redemption row if this call recorded it (None if there
    was nothing more to do)."""
    if not _check_total(ev.total_points, ev.lines):
        raise Rejected(p.REJECT_BAD_PAYLOAD, "total_points is not the sum of the lines")
    row = _lock_redemption(session, ev.redemption_id)
    volunteer = ledger.lock_volunteer(session, ev.volunteer_id)
    if volunteer is None:
        raise Rejected(p.REJECT_UNKNOWN_VOLUNTEER)
    if row is not None and (row.station_id != station_id or row.volunteer_id != ev.volunteer_id):
        raise Rejected(p.REJECT_CONFLICT, "redemption id used by another station or volunteer")
    if row is not None and row.status in ("recorded", "exception"):
        return volunteer, None  # the same redemption under another event id: nothing more
    created = row is None
    if row is None:
        # Added to the session once its outcome is known: one INSERT with it, not an
        # INSERT (flushed by the checks' queries) and then UPDATEs.
        row = Redemption(id=ev.redemption_id, station_id=station_id, volunteer_id=volunteer.id)
        row.debited, row.decision, row.status = 0, {}, "new"
    before = row.status
    # What central approved at authorisation (before the kiosk's report overwrites it).
    approved = row.total_points if before == "expired" else 0
    row.total_points, row.mode, row.pickup_code = ev.total_points, ev.mode, ev.pickup_code
    row.lines = [ln.model_dump() for ln in ev.lines]
    row.at = parse_iso(ev.at)
    if before in ("held", "expired"):
        # Central checked the authorised lines' prices; the lines reported now may be
        # others (the same total, gifts priced at nothing): what they are short of
        # central's prices is an exception for the district, never a silent gift.
        short, skus = _shortfall(session, ev.lines)
        if short:
            detail = f"{short} points short of central's prices: {','.join(skus)}"[:400]
            exceptions.open_exception(
                db, session, station_id, row.id, volunteer.id, "under_price", short, detail
            )
        foreign = _not_carried(session, station_id, ev.lines)
        if foreign:
            # The approval was for gifts this station carries; these lines are others'
            # (the points are captured as approved: the flag is for the district).
            detail = f"not carried by {station_id}: {','.join(foreign)}"[:400]
            exceptions.open_exception(
                db, session, station_id, row.id, volunteer.id, NOT_CARRIED, 0, detail
            )
        over = _over_limits(session, station_id, volunteer.id, ev.lines, row.at, row.id)
        if over:
            # The approval was for lines within the limits; these lines are others. The
            # points are captured as approved: the flag is for the district (0 points).
            exceptions.open_exception(
                db, session, station_id, row.id, volunteer.id, OVER_LIMIT, 0, "; ".join(over)
            )
    if before == "held":
        _capture(db, session, station_id, volunteer, row, ev)
    elif before == "expired":
        # The gift is gone although the hold ran out: debit now; an overdraft is an
        # exception for the district as well as a note to the station.
        row.status = "recorded"
        # Only what central approved: the hold was for that much, and a station's word
        # alone never moves a balance further (the rest is an exception, as over a live
        # hold).
        points = min(ev.total_points, approved)
        _debit(db, session, station_id, volunteer, row, points, after_expiry=True)
        _over_hold(db, session, station_id, volunteer, row, ev.total_points, approved, expired=True)
    elif before == "voided":
        row.status = "exception"
        exceptions.open_exception(
            db, session, station_id, row.id, volunteer.id, "made_after_void", ev.total_points
        )
    else:  # new or declined: nothing central approved stands behind it
        problems = _offline_problems(db, session, station_id, ev, row)
        if created:
            session.add(row)
        if problems:
            row.status = "exception"
            # The reason is the first problem's first word; the detail keeps the figures.
            reason, detail = problems[0].split(" ", 1)[0], "; ".join(problems)
            exceptions.open_exception(
                db, session, station_id, row.id, volunteer.id, reason, ev.total_points, detail
            )
        else:
            row.status = "recorded"
            _debit(db, session, station_id, volunteer, row, ev.total_points)
    return volunteer, row


def _capture(
    db: Database,
    session: Session,
    station_id: str,
    volunteer: Volunteer,
    row: Redemption,
    ev: RedemptionMade,
) -> None:
    held = row.debited
    row.status, row.expires_at = "recorded", None
    if ev.total_points < held:  # less was taken than approved: give the rest back
        ledger.change_balance(
            db, session, volunteer, held - ev.total_points, "release", row.id, station_id
        )
        row.debited = ev.total_points
    else:
        _over_hold(db, session, station_id, volunteer, row, ev.total_points, held)


def _over_hold(
    db: Database,
    session: Session,
    station_id: str,
    volunteer: Volunteer,
    row: Redemption,
    made: int,
    approved: int,
    expired: bool = False,
) -> None:
    """What a station took beyond central's approval is an exception, never a debit."""
    if made > approved:
        exceptions.open_exception(
            db,
            session,
            station_id,
            row.id,
            volunteer.id,
            "over_hold",
            made - approved,
            f"made {made}, approved {approved}" + (" (hold expired)" if expired else ""),
        )


def _offline_problems(
    db: Database, session: Session, station_id: str, ev: RedemptionMade, row: Redemption
) -> list[str]:
    """Why central cannot debit this redemption on the station's word; [] if it can."""
    problems: list[str] = []
    rules = policy.of(db)
    now = utcnow()
    at = row.at or now
    if at > now + timedelta(seconds=FUTURE_SLACK_S):
        problems.append(f"future_time ({iso(at)})")
    if ev.code is None:
        if rules.require_proof:
            problems.append("code_missing")
    else:
        try:
            claims = proofs.check_code(
                session, ev.code, at, codes.USE_REDEEM, rules.require_code_use
            )
            row.code_id = claims.code_id
            if claims.volunteer_id != ev.volunteer_id:
                problems.append("code_other_volunteer")
            # A redemption dated before the code was issued (or, for a code that does
            # not say when, could have been) was back-dated (one code spread over days).
            if at < proofs.earliest_use(claims, rules.max_code_ttl_s):
                problems.append(f"before_code ({iso(at)})")
        except codes.CodeError as exc:
            problems.append(proofs.code_reason(exc))
    station = get_kept(session, Station, station_id)
    limit = station.offline_limit_points if station is not None else 0
    if ev.total_points > limit:
        problems.append(f"over_offline_limit ({ev.total_points} > {limit})")
    ceiling = station.offline_daily_points if station is not None else 0
    day = _day(at)
    spent_known: dict[tuple[str, str, datetime], int] | None = session.info.get(_SPENT)
    spent = spent_known.get((station_id, ev.volunteer_id, day)) if spent_known else None
    if spent is None:
        spent = session.scalar(
            select(func.coalesce(func.sum(Redemption.total_points), 0)).where(
                Redemption.station_id == station_id,
                Redemption.volunteer_id == ev.volunteer_id,
                Redemption.mode == "offline",
                Redemption.status == "recorded",
                Redemption.at >= day,
                Redemption.at < day + timedelta(days=1),
                Redemption.id != row.id,
            )
        )
        if spent_known is not None:
            spent_known[(station_id, ev.volunteer_id, day)] = int(spent or 0)
    if int(spent or 0) + ev.total_points > ceiling:
        problems.append(f"over_daily_ceiling ({int(spent or 0)} + {ev.total_points} > {ceiling})")
    unknown = _unknown_skus(session, ev.lines)
    if unknown:
        problems.append("unknown_sku " + ",".join(unknown)[:100])
    foreign = _not_carried(session, station_id, ev.lines)
    if foreign:
        problems.append(f"{NOT_CARRIED} " + ",".join(foreign)[:100])
    short, skus = _shortfall(session, ev.lines)
    if short:
        problems.append(f"under_price ({short} points short: {','.join(skus)[:100]})")
    over = _over_limits(session, station_id, ev.volunteer_id, ev.lines, at, row.id)
    if over:
        problems.append(f"{OVER_LIMIT} ({'; '.join(over)[:200]})")
    return problems


def _debit(
    db: Database,
    session: Session,
    station_id: str,
    volunteer: Volunteer,
    row: Redemption,
    points: int,
    after_expiry: bool = False,
) -> None:
    before = volunteer.balance
    ledger.change_balance(db, session, volunteer, -points, "redemption", row.id, station_id)
    row.debited += points
    if volunteer.balance >= 0 or points <= 0:
        return
    # The gift is gone: keep the debit, and tell the station how much was not covered.
    amount = min(points, points - max(before, 0))
    session.add(
        Overdraft(
            redemption_id=row.id,
            station_id=station_id,
            volunteer_id=volunteer.id,
            amount=amount,
            at=utcnow(),
        )
    )
    data = {"redemption_id": row.id, "volunteer_id": volunteer.id, "amount": amount}
    feed.publish(db, session, "overdraft", row.id, data, station_id)
    log.warning("overdraft of %d on %s by %s", amount, volunteer.id, row.id)
    if after_expiry:
        exceptions.open_exception(
            db,
            session,
            station_id,
            row.id,
            volunteer.id,
            "overdraft_after_expiry",
            amount,
            f"the hold expired before redemption.made; {amount} points overdrawn",
        )


def void(db: Database, session: Session, station_id: str, ev: RedemptionVoided) -> Volunteer | None:
    """Release a hold whose redemption the kiosk did not complete."""
    row = _lock_redemption(session, ev.redemption_id)
    if row is None:
        # Central never authorised it (the request did not arrive): nothing to release;
        # remember the void so a late authorisation with this id is not approved.
        session.add(
            Redemption(
                id=ev.redemption_id,
                station_id=station_id,
                volunteer_id="",
                total_points=0,
                status="voided",
                decision={"approved": False, "reason": "voided", "balance": None},
            )
        )
        return None
    if row.station_id != station_id:
        raise Rejected(p.REJECT_CONFLICT, "redemption id used by another station")
    volunteer = ledger.lock_volunteer(session, row.volunteer_id)
    if row.status in ("recorded", "exception"):
        raise Rejected("not_voidable", "the redemption was completed")
    if row.status == "held":
        _release(db, session, row, volunteer, "voided")
    else:
        row.status = "voided"
    return volunteer


def _release(
    db: Database, session: Session, row: Redemption, volunteer: Volunteer | None, status: str
) -> None:
    if row.debited and volunteer is not None:
        ledger.change_balance(
            db, session, volunteer, row.debited, "release", row.id, row.station_id
        )
    row.debited, row.status, row.expires_at = 0, status, None


def expire_holds(db: Database, now: datetime | None = None) -> int:
    """Release every hold past its expiry; the number released. Safe with several
    central processes: on PostgreSQL each batch takes its rows FOR UPDATE SKIP LOCKED
    (rows another process is releasing, or a capture holds, are skipped and re-checked
    next time); on SQLite the write transaction serialises it."""
    released = 0
    while True:
        moment = now or utcnow()
        with db.write() as session:
            query = (
                select(Redemption)
                .where(Redemption.status == "held", Redemption.expires_at <= moment)
                .order_by(Redemption.expires_at)
                .limit(RELEASE_BATCH)
            )
            if db.is_postgres:
                query = query.with_for_update(skip_locked=True)
            rows = list(session.scalars(query))
            for row in rows:
                volunteer = ledger.lock_volunteer(session, row.volunteer_id)
                _release(db, session, row, volunteer, "expired")
                log.info("hold %s of %s expired uncaptured", row.id, row.volunteer_id)
        released += len(rows)
        if len(rows) < RELEASE_BATCH:
            return released


def holds(db: Database) -> list[dict[str, Any]]:
    """Open holds, oldest expiry first (for ``kiosk-central holds list``)."""
    with db.read() as session:
        rows = session.scalars(
            select(Redemption).where(Redemption.status == "held").order_by(Redemption.expires_at)
        )
        return [
            {
                "redemption_id": r.id,
                "station_id": r.station_id,
                "volunteer_id": r.volunteer_id,
                "points": r.debited,
                "expires_at": iso(r.expires_at) if r.expires_at else "",
            }
            for r in rows
        ]
