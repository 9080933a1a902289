"""Rules about the code base itself: no Qt in the core, every message key has both texts,
the schema the models describe is the schema the migrations build."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.messages import MESSAGES, text

ROOT = Path(__file__).resolve().parents[2]
CORE = ("kiosk", "sync", "printer")


def core_modules() -> list[str]:
    mods = []
    for pkg in CORE:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            if "migrations" in rel.parts or rel.name == "__main__":
                continue
            # The composition root's commands may start the UI inside a function; importing
            # them must still not import Qt.
            mods.append(".".join(rel.parts).removesuffix(".__init__"))
    return mods


def test_core_packages_import_without_qt() -> None:
    mods = core_modules()
    assert "kiosk.redemption" in mods
    code = (
        "import importlib, sys\n"
        f"for m in {mods!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"Qt imported by the core: {out.stdout}"


def raised_keys() -> set[str]:
    """Message keys in the core: class-level ``key = "..."`` and string first arguments of
    calls to *Error/*Fault constructors."""
    keys: set[str] = set()
    for pkg in CORE:
        for path in (ROOT / pkg).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef):
                    for stmt in node.body:
                        if (
                            isinstance(stmt, ast.Assign | ast.AnnAssign)
                            and getattr(stmt, "value", None) is not None
                            and isinstance(stmt.value, ast.Constant)
                            and any(
                                getattr(t, "id", "") == "key"
                                for t in (
                                    stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                                )
                            )
                        ):
                            keys.add(stmt.value.value)
                if isinstance(node, ast.Call) and node.args:
                    name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                    first = node.args[0]
                    if (
                        re.search(r"(Error|Fault|Unreachable)$", name)
                        and isinstance(first, ast.Constant)
                        and isinstance(first.value, str)
                        and re.fullmatch(r"[a-z_]+\.[a-z_.]+", first.value)
                    ):
                        keys.add(first.value)
    return keys


def test_every_message_key_has_chinese_and_english() -> None:
    keys = raised_keys()
    assert "order.phone_invalid" in keys and "staff.locked" in keys
    missing = sorted(k for k in keys if k not in MESSAGES)
    assert missing == []
    for key, (zh, en) in MESSAGES.items():
        assert zh and en, key
        assert re.search(r"[\u4e00-\u9fff]", zh), f"{key}: zh text has no Chinese"
        assert not re.search(r"[\u4e00-\u9fff]", en), f"{key}: en text has Chinese"
        assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), key


def test_message_text_fills_params_and_never_fails() -> None:
    assert text("staff.pin_wrong", "zh_CN", remaining=2) == "密码不正确，还可以再试 2 次。"
    assert "2 tries" in text("staff.pin_wrong", "en", remaining=2)
    assert text("no.such.key", "en") == MESSAGES["error.unexpected"][1]
    assert text("staff.pin_wrong", "en")  # a missing param still gives a text


def test_models_and_migrations_agree(store) -> None:  # type: ignore[no-untyped-def]
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from kiosk.store.models import Base

    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], "models changed without a migration: add one in kiosk/store/migrations"


def test_store_pragmas_on_every_connection(store) -> None:  # type: ignore[no-untyped-def]
    with store.engine.connect() as conn:
        values = {
            p: conn.exec_driver_sql(f"PRAGMA {p}").scalar()
            for p in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    assert values == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "busy_timeout": 10000,
    }


def test_store_from_the_first_revision_upgrades_in_place(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    from kiosk.store import open_store
    from kiosk.store.db import make_engine
    from kiosk.store.migrate import current_revision, head_revision, upgrade

    path = tmp_path / "old.db"
    engine = make_engine(path)
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    engine.dispose()
    with sqlite3.connect(path) as conn:  # data written by a kiosk still on 0001
        conn.execute(
            "INSERT INTO staff (id, name, role, pin_hash, failed_attempts, active) "
            "VALUES ('S1', '老站长', 'staff', 'x', 0, 1)"
        )
    store = open_store(path)
    try:
        assert current_revision(store.engine) == head_revision()
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT name FROM staff").scalar() == "老站长"
            indexes = {r[1] for r in conn.exec_driver_sql("PRAGMA index_list(redemptions)")}
        assert "ix_redemptions_volunteer_day" in indexes
    finally:
        store.close()


@pytest.mark.parametrize("name", ["张晓明", "欧阳娜娜", "李白", "王"])
def test_names_are_masked(name: str) -> None:
    from kiosk.privacy import mask_name

    masked = mask_name(name)
    assert masked[0] == name[0] and len(masked) == len(name)
    if len(name) >= 2:
        assert ("*" in masked and name[1] not in masked[1:-1]) or len(name) == 2


@pytest.mark.parametrize("check", [["check", "."], ["format", "--check", "."]])
def test_the_whole_tree_is_ruff_clean(check: list[str]) -> None:
    """Lint and format are part of the test command, so CI refuses what ``make lint`` would."""
    ruff = Path(sys.executable).with_name("ruff")
    assert ruff.exists(), f"ruff is a locked dev dependency; not found at {ruff}"
    out = subprocess.run([str(ruff), *check], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
