"""Is the store newer than this build? Answered before anything heavy is loaded.

The build that migrates the store writes its version into ``PRAGMA user_version``
(``kiosk.store.migrate``); a build that finds a schema revision it does not know refuses
the store (``StoreTooNew``, exit code 78) and names the version to install. Plain
``sqlite3`` and the revision files read as text: the kiosk asks before its first paint,
when SQLAlchemy and Alembic are not loaded yet.
"""

from __future__ import annotations

import re
from pathlib import Path

from kiosk.errors import EnvironmentFault

VERSIONS = Path(__file__).with_name("store") / "migrations" / "versions"
_REVISION = re.compile(r"""^revision\s*(?::[^=]*)?=\s*["']([^"']+)["']\s*$""", re.MULTILINE)


def known_revisions(versions: Path = VERSIONS) -> set[str]:
    """Every revision id this build's migration files name (read as text, no Alembic)."""
    known = set()
    for path in versions.glob("*.py"):
        known.update(_REVISION.findall(path.read_text("utf-8")))
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


def refuse_if_newer(path: str | Path) -> None:
    """``check_not_newer`` for a store file, with plain sqlite3: the kiosk asks before it
    paints anything (SQLAlchemy is not loaded yet then). A missing or unreadable file is
    left to the normal start (created, or restored from backup)."""
    import sqlite3

    from kiosk import peek

    if not Path(path).exists():
        return
    try:
        conn = peek.connect(path, timeout=5)
        try:
            rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
            stamped = int(conn.execute("PRAGMA user_version").fetchone()[0] or 0)
        finally:
            conn.close()
    except sqlite3.Error:
        return
    if len(rows) == 1 and rows[0][0] not in known_revisions():
        refuse(rows[0][0], stamped)


def refuse(current: str, stamped: int) -> None:
    needed = decode_version(stamped)
    from kiosk import __version__

    raise StoreTooNew(
        detail=f"store schema {current} is newer than this build ({__version__})",
        version=needed or "(newer)",
        build=__version__,
        revision=current,
    )
