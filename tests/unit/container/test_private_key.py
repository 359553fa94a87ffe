from __future__ import annotations

from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from edt_import.domain.errors import ConfigError, ErrorCode
from edt_import.domain.private_key import load_private_key
from edt_import.generator.partner_keys import private_key_der, private_key_pem, public_key_pem
from tests.support.hostile_containers import ContainerKeys


def _numbers(data: bytes) -> int:
    return load_private_key(data).private_numbers().d


def test_load_private_key_pkcs8_pem_and_der_yield_same_key(keys: ContainerKeys) -> None:
    # Given the same key as PKCS#8 PEM and DER
    pem, der = private_key_pem(keys.ours), private_key_der(keys.ours)
    # When both are loaded
    # Then they are the same key
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    assert _numbers(pem) == _numbers(der) == keys.ours.private_numbers().d


def test_load_private_key_pkcs1_pem_and_bom_accepted(keys: ContainerKeys) -> None:
    # Given a traditional PKCS#1 PEM saved by an editor with a byte-order mark and a trailing newline
    pkcs1 = keys.ours.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    # When it is loaded
    loaded = load_private_key(b"\xef\xbb\xbf" + pkcs1 + b"\r\n")
    # Then it is our key
    assert pkcs1.startswith(b"-----BEGIN RSA PRIVATE KEY-----")
    assert loaded.private_numbers().d == keys.ours.private_numbers().d


def test_public_key_pem_is_subject_public_key_info(keys: ContainerKeys) -> None:
    # Given our key, When its public half is exported, Then it loads back as the same public key
    pem = public_key_pem(keys.ours)
    assert pem.startswith(b"-----BEGIN PUBLIC KEY-----")
    loaded = serialization.load_pem_public_key(pem)
    assert isinstance(loaded, RSAPublicKey)
    assert loaded.public_numbers() == keys.ours.public_key().public_numbers()


def _encrypted_pem(keys: ContainerKeys) -> bytes:
    return keys.ours.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"secret"),
    )


def _ec_pem(keys: ContainerKeys) -> bytes:
    return ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda keys: b"",
        lambda keys: b"  \n",
        lambda keys: b"not a key at all",
        lambda keys: private_key_der(keys.ours)[:100],
        lambda keys: private_key_pem(keys.ours).replace(b"M", b"N", 5),
        lambda keys: public_key_pem(keys.ours),
        _encrypted_pem,
        _ec_pem,
    ],
    ids=["empty", "blank", "text", "truncated_der", "corrupt_pem", "public_key", "encrypted", "ec_key"],
)
def test_load_private_key_anything_else_is_invalid_private_key(
    keys: ContainerKeys, make: Callable[[ContainerKeys], bytes]
) -> None:
    # Given something that is not an unencrypted RSA private key
    data = make(keys)
    # When it is loaded, Then it is a configuration fault (the key is ours, not the export's): invalid_private_key
    with pytest.raises(ConfigError) as caught:
        load_private_key(data)
    assert caught.value.code is ErrorCode.INVALID_PRIVATE_KEY
