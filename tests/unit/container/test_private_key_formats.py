"""A PKCS#8 PEM key as OpenSSL exports it from a PKCS#12 bundle (attribute lines first)."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from edt_import.domain.private_key import load_private_key
from edt_import.generator.partner_keys import private_key_pem
from tests.support.hostile_containers import ContainerKeys


def _same_key(loaded: RSAPrivateKey, expected: RSAPrivateKey) -> bool:
    return loaded.private_numbers() == expected.private_numbers()


def test_load_private_key_pem_after_bag_attribute_lines_is_read(keys: ContainerKeys) -> None:
    # Given the PEM block preceded by the attribute lines ``openssl pkcs12 -nocerts -nodes`` writes
    data = b"Bag Attributes\n    localKeyID: 01 00 00 00\nKey Attributes: <No Attributes>\n" + private_key_pem(
        keys.ours
    )
    # When / Then
    assert _same_key(load_private_key(data), keys.ours)


def test_load_private_key_pem_with_windows_line_ends_and_trailing_blank_lines_is_read(keys: ContainerKeys) -> None:
    data = private_key_pem(keys.ours).replace(b"\n", b"\r\n") + b"\r\n\r\n"
    assert _same_key(load_private_key(data), keys.ours)
