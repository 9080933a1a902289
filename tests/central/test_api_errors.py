"""Auth, the error body, size limits, bad input: always a 4xx in the protocol's shape."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from central import admin
from tests.central.conftest import Api, TestClient
from tests.central.factories import event


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """Request handling does not depend on the database: SQLite only here."""
    return f"sqlite:///{tmp_path / 'central.db'}"


def assert_error(answer: Any, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def test_health_needs_no_auth(client: Any) -> None:
    body = client.get("/api/v1/health").json()
    assert body["status"] == "ok" and body["version"]
    assert body["time"].endswith("Z")


def test_openapi_describes_the_protocol(client: Any) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/api/v1/health",
        "/api/v1/events",
        "/api/v1/changes",
        "/api/v1/redemptions/authorise",
    ):
        assert path in paths
    assert "StationToken" in spec["components"]["securitySchemes"]
    events = paths["/api/v1/events"]["post"]
    assert events["security"] == [{"StationId": [], "StationToken": []}]  # both, together
    assert "422" not in events["responses"] and "400" in events["responses"]
    assert "security" not in paths["/api/v1/health"]["get"]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Station-Id": "ST-A"},
        {"Authorization": "Bearer whatever"},
        {"X-Station-Id": "ST-A", "Authorization": "Bearer wrong"},
        {"X-Station-Id": "ST-NOPE", "Authorization": "Bearer wrong"},
        {"X-Station-Id": "ST-A", "Authorization": "Basic Zm9vOmJhcg=="},
    ],
)
def test_unauthorised(api: Api, headers: dict[str, str]) -> None:
    for answer in (
        api.client.get("/api/v1/changes", headers=headers),
        api.client.post("/api/v1/events", headers=headers, json={"events": []}),
        api.client.post("/api/v1/redemptions/authorise", headers=headers, json={}),
    ):
        assert_error(answer, 401, "unauthorized")


def test_token_of_another_station_is_refused(api: Api, api_b: Api) -> None:
    headers = {"X-Station-Id": "ST-A", "Authorization": f"Bearer {api_b.token}"}
    assert_error(api.client.get("/api/v1/changes", headers=headers), 401, "unauthorized")


def test_token_is_stored_hashed(api: Api, db: Any) -> None:
    from central.models import Station

    with db.begin() as s:
        stored = s.get(Station, "ST-A").token_hash
    assert stored != api.token and api.token not in stored
    assert stored == admin.hash_token(api.token)


def test_rotated_token_replaces_the_old_one(api: Api, db: Any) -> None:
    cred = admin.rotate_token(db, "ST-A")
    assert_error(api.get("/changes"), 401, "unauthorized")
    api.headers["Authorization"] = f"Bearer {cred.token}"
    assert api.get("/changes").status_code == 200


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"hello", "text/plain"),
        (b"", "application/json"),
        (b'{"events": "many"}', "application/json"),
        (b'{"events": []}', "application/json"),
        (b'{"events": [42]}', "application/json"),
        (b'{"events": [{"type": "order.placed"}]}', "application/json"),
        (b'{"events": [{"id": 7}]}', "application/json"),
        (b"[1, 2, 3]", "application/json"),
        ("\u00ff".encode("latin-1"), "application/json"),
    ],
)
def test_bad_batches_are_400(api: Api, body: bytes, content_type: str) -> None:
    answer = api.post(
        "/events", content=body, headers={**api.headers, "Content-Type": content_type}
    )
    assert_error(answer, 400, "bad_request")


def test_more_than_500_events_is_400(api: Api) -> None:
    events = [event("stock.moved", {}) for _ in range(501)]
    assert_error(api.post("/events", json={"events": events}), 400, "bad_request")


@pytest.mark.parametrize(
    "body",
    [
        {"redemption_id": "r1", "volunteer_id": "V1", "total_points": "30"},
        {"redemption_id": "r1", "volunteer_id": "V1", "total_points": 30.5},
        {"redemption_id": "r1", "volunteer_id": "V1", "total_points": -1},
        {"redemption_id": "", "volunteer_id": "V1", "total_points": 1},
        {
            "redemption_id": "r1",
            "volunteer_id": "V1",
            "total_points": 31,
            "lines": [{"sku": "G", "qty": 1, "points_each": 30}],
        },
        {"volunteer_id": "V1", "total_points": 1},
        {"redemption_id": "r1", "volunteer_id": "V1", "total_points": True},
    ],
)
def test_bad_authorise_bodies_are_400(api: Api, body: dict[str, Any]) -> None:
    assert_error(api.post("/redemptions/authorise", json=body), 400, "bad_request")


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 1001},
        {"limit": "ten"},
        {"cursor": "garbage!"},
        {"cursor": "YzEuLTE"},
        {"cursor": "x" * 101},
    ],
)
def test_bad_change_queries_are_400(api: Api, params: dict[str, Any]) -> None:
    assert_error(api.get("/changes", params=params), 400, "bad_request")


def test_body_over_2mb_is_413_by_content_length(api: Api) -> None:
    big = b'{"events": [' + b" " * (2 * 1024 * 1024) + b"]}"
    answer = api.post(
        "/events", content=big, headers={**api.headers, "Content-Type": "application/json"}
    )
    assert_error(answer, 413, "too_large")


def test_body_over_2mb_is_413_when_streamed(api: Api) -> None:
    def chunks() -> Any:
        for _ in range(40):
            yield b" " * 65536  # 2.5 MB in total, no Content-Length (chunked)

    answer = api.post(
        "/events", content=chunks(), headers={**api.headers, "Content-Type": "application/json"}
    )
    assert_error(answer, 413, "too_large")


def test_unknown_path_and_method(api: Api) -> None:
    assert_error(api.get("/nothing-here"), 404, "not_found")
    assert_error(api.client.delete("/api/v1/events", headers=api.headers), 405, "bad_request")


def test_a_bug_is_a_500_in_the_error_shape(db: Any) -> None:
    from central.app import create_app

    app = create_app(db, run_migrations=False)

    def broken() -> None:
        raise RuntimeError("secret detail")

    app.add_api_route("/api/v1/broken", broken)
    with TestClient(app, raise_server_exceptions=False) as c:
        error = assert_error(c.get("/api/v1/broken"), 500, "internal")
    assert "secret" not in error["message"]


def test_database_down_is_503_with_retry_after(api: Api, db: Any) -> None:
    from central.db import Database

    api.client.app.state.db = Database("sqlite:////nonexistent/dir/central.db")
    answer = api.get("/changes")
    assert_error(answer, 503, "unavailable")
    assert answer.headers["Retry-After"] == "5"


def test_a_deactivated_station_is_locked_out(api: Api, db: Any) -> None:
    assert api.get("/changes").status_code == 200
    admin.update_settings(db, "ST-A", active=False)
    assert_error(api.get("/changes"), 401, "unauthorized")
