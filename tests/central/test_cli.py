"""``kiosk-central``: provisioning, codes, dispatch and demo seeding, on a real database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from central import cli
from central.db import Database
from central.models import Order, Station
from protocol.codes import verify_code
from tests.central.factories import local_http


def run(db_url: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["--db", db_url, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_station_add_prints_id_and_token(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        db_url, capsys, "station", "add", "梅园站", "--id", "ST-M", "--offline-limit", "80"
    )
    assert code == 0
    fields = dict(line.split(": ", 1) for line in out.strip().splitlines())
    assert fields["station_id"] == "ST-M" and len(fields["token"]) >= 40
    db = Database(db_url)
    with db.begin() as s:
        station = s.get(Station, "ST-M")
        assert station.offline_limit_points == 80 and fields["token"] not in station.token_hash
    db.close()
    code, _, err = run(db_url, capsys, "station", "add", "again", "--id", "ST-M")
    assert code == 1 and "exists" in err


def test_volunteer_code_verifies_with_the_published_key(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(db_url, capsys, "volunteer", "add", "V0001", "张晓明")[0] == 0
    code, out, _ = run(db_url, capsys, "volunteer", "code", "V0001", "--ttl", "120")
    assert code == 0 and out.startswith("VK1.")
    db = Database(db_url)
    with db.begin() as s:
        from central.keys import public_keys

        keys = public_keys(s)
    db.close()
    assert verify_code(out.strip(), keys, ()).volunteer_id == "V0001"
    code, _, err = run(db_url, capsys, "volunteer", "code", "V9999")
    assert code == 1 and "unknown volunteer" in err


def test_order_steps(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(db_url, capsys, "station", "add", "站", "--id", "ST-A")
    db = Database(db_url)
    from central.clock import utcnow

    with db.begin() as s:
        s.add(
            Order(
                id="o1",
                station_id="ST-A",
                ticket_no="A-001",
                service_code="haircut",
                placed_at=utcnow(),
            )
        )
    db.close()
    code, out, _ = run(
        db_url, capsys, "order", "assign", "o1", "--team", "党员服务队", "--volunteer", "李*"
    )
    assert code == 0 and out.strip() == "o1 A-001: assigned"
    for step, status in (
        ("accept", "accepted"),
        ("start", "in_service"),
        ("complete", "completed"),
    ):
        assert run(db_url, capsys, "order", step, "o1")[1].strip().endswith(status)
    code, _, err = run(db_url, capsys, "order", "cancel", "o1")
    assert code == 1 and "completed" in err
    assert "o1\tST-A\tA-001\thaircut\tcompleted" in run(db_url, capsys, "order", "list")[1]


def test_seed_demo_with_the_demo_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    code, out, _ = run(url, capsys, "seed-demo", "--demo-key")
    assert code == 0 and "station_id: ST-DEMO-01" in out
    code, out, _ = run(url, capsys, "volunteer", "code", "V0001")
    assert (
        '"kid":"demo"' in __import__("base64").urlsafe_b64decode(out.split(".")[1] + "==").decode()
    )


def test_bad_database_url_is_a_message_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["--db", "nosuchdialect://x/y", "station", "list"])
    assert code == 2 and "cannot open the database" in capsys.readouterr().err


def test_station_set_and_volunteer_add(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.pins import check_pin

    run(db_url, capsys, "station", "add", "站", "--id", "ST-A")
    code, out, _ = run(
        db_url, capsys, "station", "set", "ST-A", "--offline-limit", "50", "--card-pin"
    )
    assert code == 0 and "offline_limit_points=50" in out
    code, _, _ = run(
        db_url,
        capsys,
        "volunteer",
        "add",
        "V9",
        "李娜",
        "--card",
        "3101",
        "--pin",
        "2468",
        "--hours",
        "320",
    )
    assert code == 0
    run(db_url, capsys, "volunteer", "add", "V9", "李娜", "--hours", "330")  # PIN kept
    db = Database(db_url)
    with db.begin() as s:
        from central import feed

        page = feed.read_page(s, "ST-A", "", 1000)
    db.close()
    by_kind = {c["kind"]: c["data"] for c in page.changes}
    assert by_kind["station_settings"]["offline_limit_points"] == 50
    assert by_kind["station_settings"]["card_pin_enabled"] is True
    v9 = by_kind["volunteer"]
    assert (v9["masked_name"], v9["star_level"], v9["total_hours"]) == ("李*", 2, 330.0)
    assert check_pin("2468", v9["pin_hash"])


def test_serve_answers_health(tmp_path: Path) -> None:
    import socket
    import time

    import requests

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # The installed console script when there is one (the venv), else the module.
    script = Path(sys.executable).with_name("kiosk-central")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "central"]
    server = subprocess.Popen(
        [*command, "--db", str(tmp_path / "c.db"), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        with local_http() as http:
            while True:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                try:
                    body = http.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).json()
                    break
                except requests.ConnectionError:
                    assert time.monotonic() < deadline, "kiosk-central serve did not come up"
                    time.sleep(0.05)  # a separate process: nothing to wait on but the port
            assert body["status"] == "ok"
            assert http.get(f"http://127.0.0.1:{port}/openapi.json", timeout=5).ok
    finally:
        server.terminate()
        server.wait(timeout=15)
        if server.stderr:
            server.stderr.close()
