"""Residents' phones and volunteers' balances stay private to the kiosk user: the data dir
is 0700 and the store, its WAL, backups, logs and exports 0600 — after ``kiosk init``,
after a start and after a backup, even when the kiosk is started with a lax umask or over
files an older version left world-readable. And the token never goes over plain http://
to another machine unless a lab says so explicitly."""

from __future__ import annotations

import dataclasses
import logging
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.config import load_config
from kiosk.errors import ConfigError
from station.cli import main

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")


@pytest.fixture
def lax_umask() -> Iterator[None]:
    """The umask a desktop session or a careless unit starts processes with."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes_under(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): mode(p) for p in [folder, *folder.rglob("*")]}


def assert_private(folder: Path) -> None:
    found = modes_under(folder)
    wrong = {
        name: oct(m)
        for name, m in found.items()
        if m != (0o700 if (folder / name).is_dir() or name == "." else 0o600)
    }
    assert not wrong, wrong
    assert "kiosk.db" in found


def test_init_start_and_backup_leave_only_private_files(tmp_path: Path, lax_umask: None) -> None:
    data = tmp_path / "data"
    assert main(["init", "--non-interactive", "--no-check", "--station-id", "ST-1", "--offline",
                 "--printer-connection", f"preview://{tmp_path / 'receipts'}"]) == 0  # fmt: skip
    os.umask(0o022)  # main() set 0077 for itself; the start below must not rely on it
    config = load_config(data_dir=str(data))
    from station import runtime

    # An older version left the store world-readable in a world-readable folder.
    rt = runtime.start(config, services=False)
    rt.stop()
    for path in (data, data / "kiosk.db"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    from kiosk.logs import setup_logging

    setup_logging(data, stderr=False)
    logging.getLogger("test").warning("a line in the log")
    rt = runtime.start(config, services=False)
    try:
        with rt.store.begin() as session:  # a write: the WAL and its index exist now
            from kiosk.outbox import emit

            emit(session, "stock.moved", {"sku": "egg", "delta": 1})
        assert (data / "kiosk.db-wal").exists()
        from kiosk.backup import backup_now

        backup_now(config.store_path(), config.data_dir)
        assert_private(data)
    finally:
        rt.stop()
        root = logging.getLogger()
        for handler in [h for h in root.handlers if getattr(h, "_kiosk", False)]:
            root.removeHandler(handler)
            handler.close()
    assert mode(data / "backups") == 0o700
    assert [mode(p) for p in (data / "backups").iterdir()] == [0o600]


def test_export_files_are_private(tmp_path: Path, lax_umask: None) -> None:
    data = tmp_path / "data"
    out = tmp_path / "export"
    assert main(["--data-dir", str(data), "init", "--non-interactive", "--no-check",
                 "--station-id", "ST-1", "--offline"]) == 0  # fmt: skip
    os.umask(0o022)
    assert main(["--data-dir", str(data), "export", "--from", "2026-01-01", "--to", "2026-12-31",
                 "--out", str(out)]) == 0  # fmt: skip
    assert mode(out) == 0o700
    assert {mode(p) for p in out.iterdir()} == {0o600}


def test_the_kiosk_command_sets_a_private_umask(tmp_path: Path, lax_umask: None) -> None:
    main(["config", "show"])
    assert os.umask(0o022) == 0o077


def test_plain_http_to_another_machine_is_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = Path(os.environ["KIOSK_CONFIG"])
    code = main(["init", "--non-interactive", "--no-check", "--station-id", "ST-1",
                 "--server-url", "http://10.1.2.3:8080", "--token", "secret-token"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and not path.exists()
    assert "http://10.1.2.3:8080" in err and "https://" in err and "--allow-insecure-http" in err
    # The same refusal when the file was written by hand, or by an older version.
    path.write_text('[server]\nserver_url = "http://10.1.2.3:8080"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    assert refused.value.params["setting"] == "server_url"
    # Loopback (the demo, central on the same box) and https are fine.
    for url in ("http://127.0.0.1:8080", "http://localhost:8080", "https://10.1.2.3"):
        path.write_text(f'[server]\nserver_url = "{url}"\n', encoding="utf-8")
        assert load_config(path).server_url == url


def test_a_lab_may_allow_http_and_is_warned_at_every_start(tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    path = Path(os.environ["KIOSK_CONFIG"])
    assert main(["init", "--non-interactive", "--no-check", "--station-id", "ST-1",
                 "--server-url", "http://10.1.2.3:8080", "--token", "secret-token",
                 "--allow-insecure-http"]) == 0  # fmt: skip
    config = load_config(path)
    assert config.allow_insecure_http and config.server_url == "http://10.1.2.3:8080"
    # A re-run without the flag keeps the lab's choice instead of locking it out.
    assert main(["init", "--non-interactive", "--no-check", "--station-name", "实验室"]) == 0
    assert load_config(path).allow_insecure_http
    from station import runtime

    config = dataclasses.replace(config, data_dir=str(tmp_path / "data"))
    config = dataclasses.replace(config, sync_interval_s=3600)
    for _ in range(2):
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="station.runtime"):
            rt = runtime.start(config)
            rt.stop()
        assert any("INSECURE" in r.getMessage() for r in caplog.records)
