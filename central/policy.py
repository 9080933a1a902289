"""Central's own policy knobs (not per station): hold lifetime, code lifetimes, the PIN
lockout, the failed-authentication throttle, where the signing keys live.

Read from the environment once per database (``KIOSK_CENTRAL_*``); a test or an embedded
central sets its own with ``set_for``. Per-station settings (offline limit, per-day
ceiling, card + PIN) live in the ``stations`` table and reach the kiosk in the feed.
"""

from __future__ import annotations

import os
import weakref
from dataclasses import dataclass, fields
from typing import Any

_ENV_PREFIX = "KIOSK_CENTRAL_"


@dataclass(frozen=True)
class Policy:
    hold_ttl_s: int = 600  # an approval's hold is released if not captured by then
    hold_sweep_s: float = 30.0  # how often `serve` releases expired holds
    max_code_ttl_s: int = 86_400  # `volunteer code --ttl` may not exceed this
    pin_max_failures: int = 5  # wrong PINs in a row before the card is locked
    pin_lockout_s: int = 900
    auth_fail_limit: int = 10  # failed authentications per address per window → 429
    auth_fail_window_s: int = 60
    # Failed sign-ins on the console or the phone page per client address, and wrong
    # PINs per station, within the window → wait (each card locks on its own after
    # pin_max_failures, but one PIN tried on every card in turn never locks any).
    login_fail_limit: int = 10
    login_fail_window_s: int = 900
    # Only for the kiosk-side tests that predate proofs: central then accepts an
    # authorisation without proof and an offline redemption without a code (limits
    # still apply). Never read from the environment: production always requires proof.
    require_proof: bool = True
    # Once the district's phone app issues codes that name their use (protocol.codes):
    # refuse a code naming none for gifts, sign-ins and the phone page alike, so no code
    # a volunteer showed for one use can serve another. Off by default: codes issued so
    # far name none, and printed cards (`volunteer code --use any`) need it off.
    require_code_use: bool = False
    key_file: str = ""  # signing keys; "" = next to a SQLite file / the data directory

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Policy:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name == "require_proof":
                continue
            raw = env.get(_ENV_PREFIX + f.name.upper())
            if raw is None or raw == "":
                continue
            kind = type(getattr(cls, f.name))
            if kind is bool:  # bool("0") is True
                values[f.name] = raw.strip().lower() in ("1", "true", "yes", "on")
                continue
            values[f.name] = kind(raw)
        return cls(**values)


_POLICIES: weakref.WeakKeyDictionary[object, Policy] = weakref.WeakKeyDictionary()


def set_for(db: object, policy: Policy) -> None:
    """Use ``policy`` for everything done through ``db`` (a ``Database``)."""
    _POLICIES[db] = policy


def of(db: object) -> Policy:
    """The policy for ``db``: the one set for it, else the environment's."""
    found = _POLICIES.get(db)
    if found is None:
        found = Policy.from_env()
        _POLICIES[db] = found
    return found
