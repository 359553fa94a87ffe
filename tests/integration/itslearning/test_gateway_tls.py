"""The client over HTTPS: certificates are verified, and a trusted stand-in is reached."""

from __future__ import annotations

import ssl
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from edt_import.adapters.itslearning import ItslearningSettings, SoapLmsGateway
from edt_import.adapters.itslearning.transport import KeepAliveTransport
from edt_import.domain.errors import LmsProtocolError
from itslearning_standin import SANDBOX_PASSWORD, SANDBOX_USERNAME, StandinServer
from tests.support.clock import FakeClock
from tests.support.lms_builders import UAI, YEAR_KEY, a_year


def a_certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(tz=UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(IPv4Address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def a_settings(url: str) -> ItslearningSettings:
    return ItslearningSettings(
        base_url=url, username=SANDBOX_USERNAME, password=SANDBOX_PASSWORD, timeout_s=5.0, retry_budget_s=1.0
    )


@pytest.fixture
def tls_standin(tmp_path: Path) -> tuple[StandinServer, Path]:
    cert_path, key_path = a_certificate(tmp_path)
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert_path, key_path)
    return StandinServer(schools=(UAI,), tls=server_context), cert_path


def test_gateway_https_trusted_certificate_reaches_standin(tls_standin: tuple[StandinServer, Path]) -> None:
    # Given a stand-in on HTTPS whose certificate the client trusts
    standin, cert_path = tls_standin
    with standin:
        url = standin.base_url
        transport = KeepAliveTransport(url, timeout_s=5.0, ssl_context=ssl.create_default_context(cafile=cert_path))
        clock = FakeClock()
        with SoapLmsGateway(a_settings(url), transport=transport, sleep=clock.sleep, clock=clock) as gateway:
            # When the year node is sent
            result = gateway.upsert_year_node(a_year())

    # Then it arrived over TLS
    assert url.startswith("https://")
    assert result.ok
    assert standin.dump()["groups"][1]["key"] == YEAR_KEY


def test_gateway_https_untrusted_certificate_never_sends(tls_standin: tuple[StandinServer, Path]) -> None:
    # Given a stand-in on HTTPS with a certificate no authority vouches for
    standin, _ = tls_standin
    with standin:
        clock = FakeClock()
        # When the client tries to send
        with (
            SoapLmsGateway(a_settings(standin.base_url), sleep=clock.sleep, clock=clock) as gateway,
            pytest.raises(LmsProtocolError) as raised,
        ):
            gateway.upsert_year_node(a_year())
        calls = standin.stats()["calls"]

    # Then it refuses at once, without retrying, and nothing reached the stand-in
    assert raised.value.details == {"reason": "certificate"}
    assert (clock.sleeps, calls) == ([], 0)
