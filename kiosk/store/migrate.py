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

from kiosk.store_version import (  # noqa: F401 (StoreTooNew: callers catch it from here)
    StoreTooNew,
    encode_version,
    known_revisions,
    refuse,
)

if TYPE_CHECKING:
    # Not at run time: ``refuse_if_newer`` runs before the first paint, when SQLAlchemy
    # is not loaded yet.
    from alembic.config import Config
    from sqlalchemy import Engine

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


def check_not_newer(engine: Engine) -> None:
    """Refuse a store whose schema this build does not know: a newer build migrated it,
    and an older one would fail half-way or lose data. The newer build wrote its own
    version into ``PRAGMA user_version``, so the message can name what to install."""
    current = current_revision(engine)
    if current is None or current in known_revisions():
        return
    with engine.connect() as conn:
        stamped = int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)
    refuse(current, stamped)


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
