"""The station's effective settings: one resolver, a declared precedence per setting.

A setting can come from three places: the default in ``kiosk.config``, the local TOML
config (or a ``KIOSK_*`` variable), and the station settings central sends in
``/changes`` (stored under ``station_settings``). Policy — how many points may leave
offline, whether card + PIN is allowed, how long residents' phones are kept — is the
district's: central wins once it has been pulled. How this one machine behaves — idle
timeouts, the authorisation timeout — is the station's: the local config wins, and
central is not asked.

Every caller (redemption, the gift shelf, the card screen, the privacy purge, ``kiosk
config show``, the staff settings screen) reads ``effective()``; nothing else looks at
``station_settings`` or at the policy fields of ``Config`` directly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy.orm import Session

from kiosk.config import FIELDS, Config

log = logging.getLogger(__name__)

CENTRAL_KEY = "station_settings"  # the Setting row sync.apply writes

Precedence = Literal["central", "local"]


def _non_negative_int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


@dataclass(frozen=True)
class Rule:
    """One setting: where central sends it (if it does) and who wins."""

    name: str
    precedence: Precedence
    central_key: str | None = None
    # Central's value as this setting's type, or None when it is absent or unusable (a
    # malformed value must not switch policy off: the local value stands).
    convert: Callable[[Any], Any] = _non_negative_int


RULES: tuple[Rule, ...] = (
    Rule("offline_limit_points", "central", "offline_limit_points"),
    Rule("offline_daily_points", "central", "offline_daily_points"),
    Rule("card_pin_enabled", "central", "card_pin_enabled", _bool),
    Rule("privacy_retention_days", "central", "privacy_retention_days"),
    Rule("idle_timeout_s", "local"),
    Rule("admin_idle_timeout_s", "local"),
    Rule("authorise_timeout_s", "local"),
    Rule("allow_insecure_http", "local"),
)
BY_NAME = {rule.name: rule for rule in RULES}

SOURCE_CENTRAL = "central"
SOURCE_LOCAL = "local config"
SOURCE_DEFAULT = "default"


@dataclass(frozen=True)
class StationSettings:
    offline_limit_points: int
    offline_daily_points: int  # per volunteer per UTC day, offline; 0: nothing offline
    card_pin_enabled: bool
    privacy_retention_days: int
    idle_timeout_s: int
    admin_idle_timeout_s: int
    authorise_timeout_s: float
    allow_insecure_http: bool
    # setting -> where its value came from (SOURCE_*), for `kiosk config show` and staff
    sources: dict[str, str] = field(default_factory=dict, compare=False)

    def rows(self) -> list[tuple[str, Any, str, str]]:
        """(setting, value, source, precedence) in declaration order."""
        return [
            (rule.name, getattr(self, rule.name), self.sources[rule.name], rule.precedence)
            for rule in RULES
        ]


def effective_read(session: Session, config: Config) -> StationSettings:
    """``effective`` for hot paths (a scan, a redemption under the write lock): the row
    read on the session's connection, without an ORM object."""
    from kiosk import catalog

    return resolve(config, catalog.get_settings(session, (CENTRAL_KEY,))[CENTRAL_KEY])


def central_values(session: Session | None) -> dict[str, Any]:
    if session is None:
        return {}
    from kiosk import catalog

    return dict(catalog.get_setting(session, CENTRAL_KEY))


def resolve(config: Config, pulled: dict[str, Any]) -> StationSettings:
    """The effective settings from the local config and what central sent (``pulled``)."""
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for rule in RULES:
        local = getattr(config, rule.name)
        central = None
        if rule.precedence == "central" and rule.central_key is not None:
            raw = pulled.get(rule.central_key)
            central = rule.convert(raw) if raw is not None else None
            if raw is not None and central is None:
                log.warning("central's %s=%r is unusable: local value kept", rule.name, raw)
        if central is not None:
            values[rule.name], sources[rule.name] = central, SOURCE_CENTRAL
        else:
            default = FIELDS[rule.name].default
            values[rule.name] = local
            sources[rule.name] = SOURCE_LOCAL if local != default else SOURCE_DEFAULT
    return StationSettings(**values, sources=sources)


def effective(session: Session | None, config: Config) -> StationSettings:
    """The settings in force now (``session`` may be None before the store is open)."""
    return resolve(config, central_values(session))
