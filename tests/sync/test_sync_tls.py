"""TLS: the client verifies central's certificate, against a district's own CA bundle
when one is configured. Central here is the real app served by uvicorn over TLS."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from central.app import create_app
from central.db import Database
from sync.client import CentralClient
from sync.errors import SyncError, TlsFailed


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def make_ca_and_cert(
    folder: Path, starts_in: dt.timedelta = dt.timedelta(0)
) -> tuple[Path, Path, Path]:
    """A throw-away CA and a server certificate for 127.0.0.1 signed by it, valid from
    ``starts_in`` from now (a kiosk clock that far behind sees them "not yet valid")."""
    now = dt.datetime.now(dt.UTC) + starts_in
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Test District CA"))
        .issuer_name(_name("Test District CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    paths = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(_pem_key(key))
    return paths


@pytest.fixture
def tls_central(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    ca, cert, key = make_ca_and_cert(tmp_path, getattr(request, "param", dt.timedelta(0)))
    db = Database(tmp_path / "central.db")
    app = create_app(db)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    config = uvicorn.Config(
        app,
        ssl_certfile=str(cert),
        ssl_keyfile=str(key),
        log_config=None,
        access_log=False,
        lifespan="off",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)  # uvicorn offers no "started" callback to wait on
    assert server.started
    try:
        yield f"https://127.0.0.1:{sock.getsockname()[1]}", ca
    finally:
        server.should_exit = True
        thread.join(10)
        db.close()


def test_tls_with_the_districts_ca_bundle(tls_central: tuple[str, Path]) -> None:
    url, ca = tls_central
    trusting = CentralClient(url, "ST-X", "t", ca_bundle=ca)
    assert trusting.health()["status"] == "ok"
    trusting.close()
    # Without the bundle the private CA is unknown: refused, and said so precisely.
    default = CentralClient(url, "ST-X", "t")
    with pytest.raises(TlsFailed) as info:
        default.health()
    assert info.value.key == "sync.tls_failed"
    default.close()


@pytest.mark.parametrize("tls_central", [dt.timedelta(days=400)], indirect=True)
def test_a_clock_far_behind_is_named_as_the_clock_not_the_network(
    tls_central: tuple[str, Path],
) -> None:
    """Issue 15, finding 4: "certificate not yet valid" came with advice about network,
    DNS and CA. The kiosk's clock is 400 days behind the certificate's start here."""
    from kiosk.messages import text
    from sync.errors import ClockWrong

    url, ca = tls_central
    client = CentralClient(url, "ST-X", "t", ca_bundle=ca)
    with pytest.raises(ClockWrong) as info:
        client.health()
    client.close()
    assert info.value.key == "sync.clock_wrong"
    assert "clock" in text(info.value.key, "en") and "时钟" in text(info.value.key, "zh_CN")
    detail = str(info.value)
    assert "certificate verify failed: certificate is not yet valid" in detail
    assert "object at 0x" not in detail and "HTTPSConnectionPool" not in detail


def test_a_refused_connection_reads_without_urllib3_internals() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    client = CentralClient(f"http://127.0.0.1:{port}", "ST-X", "t")
    with pytest.raises(SyncError) as info:
        client.health()
    client.close()
    detail = str(info.value)
    assert "Connection refused (errno 111)" in detail, detail
    assert "object at 0x" not in detail and "Max retries" not in detail
