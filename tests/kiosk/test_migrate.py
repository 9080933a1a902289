"""The store's schema check at start: upgrade when behind, and leave Alembic unloaded when
the store is already current (what nearly every start finds)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from kiosk.store import open_store
from kiosk.store.db import make_engine
from kiosk.store.migrate import (
    current_revision,
    head_revision,
    plain_head_revision,
    upgrade,
)

ROOT = Path(__file__).resolve().parents[2]


def test_the_plain_reading_of_the_revision_files_finds_alembics_head() -> None:
    assert plain_head_revision() == head_revision()


def test_an_unclear_history_leaves_the_decision_to_alembic(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text('revision = "a"\ndown_revision = None\n', "utf-8")
    (tmp_path / "b.py").write_text('revision = "b"\ndown_revision = None\n', "utf-8")
    assert plain_head_revision(tmp_path) is None  # two heads
    (tmp_path / "b.py").write_text('revision = "b"\ndown_revision = ("a", "x")\n', "utf-8")
    assert plain_head_revision(tmp_path) is None  # a merge
    (tmp_path / "b.py").write_text('revision: str = "b"\ndown_revision: str | None = "a"\n')
    assert plain_head_revision(tmp_path) == "b"


def test_a_store_one_revision_behind_still_upgrades(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = make_engine(path)
    upgrade(engine, "0001")
    engine.dispose()
    store = open_store(path)
    try:
        assert current_revision(store.engine) == head_revision()
    finally:
        store.close()


def test_a_new_file_gets_the_whole_schema(tmp_path: Path) -> None:
    store = open_store(tmp_path / "new.db")
    try:
        assert current_revision(store.engine) == head_revision()
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM staff").scalar() == 0
    finally:
        store.close()


def test_opening_a_current_store_does_not_load_alembic(tmp_path: Path) -> None:
    open_store(tmp_path / "kiosk.db").close()
    probe = textwrap.dedent(
        f"""
        import sys
        from kiosk.store import open_store
        open_store({str(tmp_path / "kiosk.db")!r}).close()
        print("alembic" in sys.modules)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def make_newer_store(path: Path, version: str = "0.3.0") -> None:
    """A store as a newer build leaves it: a revision this build does not know, and that
    build's version in the header."""
    import sqlite3

    from kiosk.store.migrate import encode_version

    open_store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    conn.execute(f"PRAGMA user_version = {encode_version(version)}")
    conn.commit()
    conn.close()


def test_a_store_from_a_newer_build_is_refused_with_the_version_to_install(tmp_path: Path) -> None:
    import pytest

    from kiosk.messages import text
    from kiosk.store.migrate import StoreTooNew

    path = tmp_path / "kiosk.db"
    make_newer_store(path)
    with pytest.raises(StoreTooNew) as caught:
        open_store(path)
    message = text(caught.value.key, "en", **caught.value.params)
    assert message == "This kiosk (0.1.0) is older than its data: install version 0.3.0 or newer."
    assert "0.3.0" in text(caught.value.key, "zh_CN", **caught.value.params)
    # Untouched: the newer build can still open it.
    assert current_revision(make_engine(path)) == "0099_from_the_future"


def test_an_upgrade_stamps_the_build_version_into_the_store(tmp_path: Path) -> None:
    import sqlite3

    from kiosk import __version__
    from kiosk.store_version import decode_version

    open_store(tmp_path / "kiosk.db").close()
    conn = sqlite3.connect(tmp_path / "kiosk.db")
    assert decode_version(conn.execute("PRAGMA user_version").fetchone()[0]) == __version__
    conn.close()
