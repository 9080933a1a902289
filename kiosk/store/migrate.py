"""Alembic migrations, run at start so an older store upgrades in place.

Nearly every start finds the store already at the head revision. Importing Alembic (with
Mako and Pygments) only to learn that costs ~0.2 s and ~19 MiB before the first paint, so
``upgrade`` first compares the store's ``alembic_version`` with the head read from the
revision files' own text, and imports Alembic only when they differ (or the text cannot be
read plainly: then Alembic decides, as before).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from kiosk.errors import EnvironmentFault

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_ASSIGN = re.compile(r"^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.MULTILINE)
_QUOTED = re.compile(r"""^(?:"([^"]*)"|'([^']*)')$""")


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def _literal(text: str) -> str | bool | None:
    """A plain ``"rev"`` or ``None`` on the right of an assignment; False for anything else."""
    if text == "None":
        return None
    quoted = _QUOTED.match(text)
    return (quoted.group(1) or quoted.group(2) or "") if quoted else False


def plain_head_revision(versions: Path = MIGRATIONS_DIR / "versions") -> str | None:
    """The single head of the revision files, read as text; None when that is not certain
    (a merge, a computed revision, two heads, no files): then only Alembic can tell."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in versions.glob("*.py"):
        found = dict((m.group(1), m.group(2)) for m in _ASSIGN.finditer(path.read_text("utf-8")))
        revision = _literal(found.get("revision", ""))
        parent = _literal(found.get("down_revision", ""))
        if not isinstance(revision, str) or not revision or parent is False:
            return None
        revisions.add(revision)
        if isinstance(parent, str):
            parents.add(parent)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def known_revisions(versions: Path = MIGRATIONS_DIR / "versions") -> set[str]:
    """Every revision id this build's migration files name (read as text, no Alembic)."""
    known = set()
    for path in versions.glob("*.py"):
        for match in _ASSIGN.finditer(path.read_text("utf-8")):
            value = _literal(match.group(2))
            if match.group(1) == "revision" and isinstance(value, str) and value:
                known.add(value)
    return known


def encode_version(version: str) -> int:
    """'1.2.3' -> 1002003, for ``PRAGMA user_version`` (a 32-bit integer in the header)."""
    parts = [int(p) if p.isdigit() else 0 for p in version.split(".")[:3]]
    major, minor, patch = [*parts, 0, 0, 0][:3]
    return major * 1_000_000 + minor * 1_000 + patch


def decode_version(number: int) -> str | None:
    if number <= 0:
        return None
    return f"{number // 1_000_000}.{number // 1_000 % 1_000}.{number % 1_000}"


class StoreTooNew(EnvironmentFault):
    """The store was migrated by a newer build: this one must not touch it (exit 78)."""

    key = "store.too_new"


def check_not_newer(engine: Engine) -> None:
    """Refuse a store whose schema this build does not know: a newer build migrated it,
    and an older one would fail half-way or lose data. The newer build wrote its own
    version into ``PRAGMA user_version``, so the message can name what to install."""
    current = current_revision(engine)
    if current is None or current in known_revisions():
        return
    with engine.connect() as conn:
        needed = decode_version(int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0))
    from kiosk import __version__

    raise StoreTooNew(
        detail=f"store schema {current} is newer than this build ({__version__})",
        version=needed or "(newer)",
        build=__version__,
        revision=current,
    )


def _stamp_version(engine: Engine) -> None:
    from kiosk import __version__

    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA user_version = {encode_version(__version__)}")


def current_revision(engine: Engine) -> str | None:
    """The store's revision, None for a store Alembic has never touched."""
    with engine.connect() as conn:
        exists = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).first()
        if exists is None:
            return None
        rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    # Two rows would be a branched store: not "one revision", Alembic must sort it out.
    return rows[0][0] if len(rows) == 1 else None


def upgrade(engine: Engine, revision: str = "head") -> None:
    before = current_revision(engine)
    if revision == "head" and before is not None and before == plain_head_revision():
        return
    check_not_newer(engine)  # before Alembic, which fails with a raw traceback
    from alembic import command

    command.upgrade(alembic_config(engine), revision)
    after = current_revision(engine)
    if before != after:
        # The build that brought the schema here: an older build refused later names it.
        _stamp_version(engine)
        log.info("store schema upgraded %s -> %s", before or "empty", after)
