"""The partner's RSA private key, as we are given it (making one is the generator's: ``generator.partner_keys``).

Index Education encrypts each export's AES key with our RSA public key; the private key arrives as PKCS#8 (PEM or
DER), sometimes as a traditional PKCS#1 PEM. Only unencrypted keys are accepted: the key store protects the secret.
"""

from __future__ import annotations

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

from edt_import.domain.errors import ConfigError, ErrorCode

_UTF8_BOM = b"\xef\xbb\xbf"


def load_private_key(data: bytes) -> RSAPrivateKey:
    """An unencrypted RSA private key from PKCS#8 PEM or DER (or PKCS#1 PEM/DER); anything else is refused."""
    text = data.removeprefix(_UTF8_BOM).strip()
    if not text:
        raise _invalid_key("The private key file is empty.")
    # OpenSSL writes "Bag Attributes" lines before the PEM block of a key taken out of a PKCS#12 bundle.
    is_pem = text.startswith(b"-----BEGIN") or b"\n-----BEGIN " in text
    # The key is our own configured secret, not an upload: its ~30 ms consistency check buys nothing.
    try:
        key = (
            serialization.load_pem_private_key(text, password=None, unsafe_skip_rsa_key_validation=True)
            if is_pem
            else serialization.load_der_private_key(data, password=None, unsafe_skip_rsa_key_validation=True)
        )
    except TypeError as exc:  # cryptography raises TypeError when the key is protected by a password
        raise _invalid_key(
            "The private key is protected by a password; provide it unencrypted (PKCS#8).",
            format="pem" if is_pem else "der",
        ) from exc
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise _invalid_key(
            "The private key could not be read; provide an RSA key in PKCS#8 format (PEM or DER).",
            format="pem" if is_pem else "der",
        ) from exc
    if not isinstance(key, RSAPrivateKey):
        raise _invalid_key(
            "The private key is not an RSA key; exports are encrypted for an RSA key.", key_type=type(key).__name__
        )
    return key


def _invalid_key(message: str, **details: object) -> ConfigError:
    """The partner key is our configuration, not part of an export: a bad one is an operator's fault to fix."""
    return ConfigError(message, details, code=ErrorCode.INVALID_PRIVATE_KEY)
