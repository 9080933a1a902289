"""The client turns every way a call can go wrong into one typed error with a message key."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator

import pytest

from sync.client import CentralClient
from sync.errors import BadResponse, ServerDown, ServerError, SyncTimeout, Unauthorised
from tests.sync.centralkit import Central, Kiosk
from tests.sync.faultproxy import FaultProxy


@pytest.fixture
def lone_proxy() -> Iterator[FaultProxy]:
    with FaultProxy(("127.0.0.1", 9), lifetime_s=60) as proxy:
        yield proxy


@pytest.mark.parametrize(
    ("mode", "error", "key"),
    [
        ("down", ServerDown, "sync.server_down"),
        ("http500", ServerError, "sync.server_error"),
        ("stall", SyncTimeout, "sync.timeout"),
    ],
)
def test_failures_are_typed(lone_proxy: FaultProxy, mode: str, error: type, key: str) -> None:
    lone_proxy.set(mode)
    client = CentralClient(lone_proxy.url, "ST-TEST", "token", timeout=(1, 0.5))
    with pytest.raises(error) as info:
        client.changes("", 10)
    assert info.value.key == key
    lone_proxy.release()
    client.close()


def test_503_carries_retry_after(lone_proxy: FaultProxy) -> None:
    lone_proxy.set("http503", retry_after=7)
    client = CentralClient(lone_proxy.url, "ST-TEST", "token")
    with pytest.raises(ServerError) as info:
        client.push_events([{"id": "e1", "type": "x", "occurred_at": "", "payload": {}}])
    assert info.value.retry_after == 7.0
    client.close()


def test_headers_say_who_we_are() -> None:
    client = CentralClient("http://h", "ST-9", "s3cret", version="9.9")
    with client._session() as session:
        assert session.headers["X-Station-Id"] == "ST-9"
        assert session.headers["Authorization"] == "Bearer s3cret"
        assert session.headers["User-Agent"].startswith("station-kiosk/9.9 ")
        assert session.verify is True
    with CentralClient("http://h", "s", "t", ca_bundle="/etc/ca.pem")._session() as session:
        assert session.verify == "/etc/ca.pem"


def test_against_central_health_and_a_wrong_token(central: Central) -> None:
    good = CentralClient(central.url, "ST-NOPE", "wrong")
    assert good.health()["status"] == "ok"  # no auth needed
    with pytest.raises(Unauthorised) as info:
        good.changes("", 10)
    assert info.value.key == "sync.unauthorised"
    good.close()


def test_truncated_bodies_under_200_are_bad_responses(
    kiosks: Callable[..., Kiosk], central: Central
) -> None:
    kiosk = kiosks("k1")
    assert kiosk.proxy is not None
    for mode in ("truncate", "chop"):  # with and without a Content-Length to betray it
        kiosk.proxy.set(mode, times=1)
        with pytest.raises(BadResponse):
            kiosk.client.changes("", 100)
    assert kiosk.client.changes("", 100)["changes"]  # and the next call is fine


def _sockets() -> int:
    """This process's open sockets (the kept-alive connections to central among them)."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # the listing's own fd, closed meanwhile
            count += os.readlink(f"/proc/self/fd/{fd}").startswith("socket:")
    return count


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_calls_from_ever_new_threads_reuse_one_connection(central: Central, qapp: object) -> None:
    # The screens' calls (an online redemption's authorisation) run on Qt pool threads,
    # whose thread-local state Python forgets after every task: a session kept per thread
    # was a new session and a new open socket per redemption, kept until the kiosk stopped
    # (the soak's fds grew 36 -> 56 in 210 operations).
    from PySide6.QtCore import QRunnable, QThreadPool

    client = CentralClient(central.url, "ST-TEST", "token")
    answers: list[str] = []

    class Call(QRunnable):
        def run(self) -> None:
            answers.append(client.health()["status"])

    pool = QThreadPool()
    Call().run()  # the first connection, made on this thread
    before = _sockets()
    for _ in range(30):
        pool.start(Call())
        pool.waitForDone()
    for _ in range(10):  # plain Python threads that end, too
        worker = threading.Thread(target=Call().run)
        worker.start()
        worker.join()
    assert answers == ["ok"] * 41
    assert _sockets() <= before
    assert client.open_sessions() == 1
    client.close()
