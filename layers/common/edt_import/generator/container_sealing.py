"""Sealing an export as Index Education's program writes it: the reverse of ``edt_import.domain.container``.

Only the generator and the tests seal exports; the Lambda layer leaves this package out.
"""

from __future__ import annotations

import base64
import hashlib
import os
import zlib
from collections.abc import Callable, Mapping
from datetime import datetime

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.asymmetric import padding as asymmetric_padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from edt_import.domain.container import NAMESPACE, ROOT

_AES_BLOCK_BITS = 128


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _base64_text(data: bytes, *, wrap: bool) -> str:
    if not wrap:
        return base64.b64encode(data).decode("ascii")
    # encodebytes wraps at 76 columns; Index Education's program writes Windows line ends.
    return base64.encodebytes(data).decode("ascii").rstrip("\n").replace("\n", "\r\n")


def _encrypt(content: bytes, key: bytes, iv: bytes) -> bytes:
    padder = padding.PKCS7(_AES_BLOCK_BITS).padder()
    padded = padder.update(content) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return encryptor.update(padded) + encryptor.finalize()


def seal_container(
    inner_xml: bytes,
    *,
    partners: Mapping[str, RSAPublicKey],
    software: str = "PRONOTE 2019 - 2019.0.2.5",
    uai: str | None = None,
    establishment_name: str | None = None,
    postcode_city: str | None = None,
    exported_at: datetime,
    compress: bool = True,
    random_bytes: Callable[[int], bytes] = os.urandom,
    wrap_base64: bool = True,
) -> bytes:
    """An encrypted container for ``inner_xml``, as Index Education's program writes it, for each partner's key."""
    if not partners:
        raise ValueError("a container needs at least one partner")
    if exported_at.utcoffset() is None:
        raise ValueError("exported_at must carry its UTC offset")
    key, iv = random_bytes(16), random_bytes(16)
    if len(key) != 16 or len(iv) != 16:
        raise ValueError("random_bytes must return the number of bytes asked for")
    key_block = key + iv + hashlib.md5(key + iv).digest()
    content = zlib.compress(inner_xml) if compress else inner_xml
    ciphertext = _encrypt(content, key, iv)
    crlf = "\r\n"
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<{ROOT} xmlns="{NAMESPACE}">',
        "  <VERSION>1.0</VERSION>",
        f"  <LOGICIEL>{_escape(software)}</LOGICIEL>",
        "  <CLES>",
        *(
            f'    <PARTENAIRE NOM="{_escape(name)}">'
            f"{_base64_text(public_key.encrypt(key_block, asymmetric_padding.PKCS1v15()), wrap=wrap_base64)}"
            "</PARTENAIRE>"
            for name, public_key in partners.items()
        ),
        "  </CLES>",
        f'  <CONTENU CompresseAvantChiffrement="{"true" if compress else "false"}">'
        f"{_base64_text(ciphertext, wrap=wrap_base64)}</CONTENU>",
        f"  <VERIFICATION>{base64.b64encode(hashlib.sha256(content).digest()).decode('ascii')}</VERIFICATION>",
        f"  <DATEHEURE>{exported_at.isoformat(timespec='milliseconds')}</DATEHEURE>",
    ]
    for tag, value in (("UAI", uai), ("NOMETABLISSEMENT", establishment_name), ("CODEPOSTALVILLE", postcode_city)):
        if value is not None:
            lines.append(f"  <{tag}>{_escape(value)}</{tag}>")
    lines.append(f"</{ROOT}>")
    return (crlf.join(lines) + crlf).encode("utf-8")
