"""Making a partner key pair and writing its private half, as an ENT vendor does; for the generator and the tests."""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

_PUBLIC_EXPONENT = 65537


def generate_partner_key(bits: int = 2048) -> RSAPrivateKey:
    """A fresh RSA key pair, as an ENT vendor would give Index Education (2048-bit in practice)."""
    return rsa.generate_private_key(public_exponent=_PUBLIC_EXPONENT, key_size=bits)


def private_key_pem(key: RSAPrivateKey) -> bytes:
    """PKCS#8 PEM, unencrypted."""
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )


def private_key_der(key: RSAPrivateKey) -> bytes:
    """PKCS#8 DER, unencrypted."""
    return key.private_bytes(
        encoding=serialization.Encoding.DER,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )


def public_key_pem(key: RSAPrivateKey) -> bytes:
    """The public half as SubjectPublicKeyInfo PEM (what a vendor sends to Index Education)."""
    return key.public_key().public_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PublicFormat.SubjectPublicKeyInfo,
    )
