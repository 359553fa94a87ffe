"""The container recipe pinned by a container built by hand, independently of ``seal_container``.

A round trip through our own sealing cannot catch a mistake made the same way on both sides (hashing the inflated
bytes, MD5 over IV‖key...): these containers follow the format notes step by step.
"""

from __future__ import annotations

import base64
import hashlib
import zlib

import pytest
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.asymmetric import padding as asymmetric_padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from edt_import.domain.container import open_container
from edt_import.domain.errors import ErrorCode, ExportRejectedError
from tests.support.hostile_containers import INNER_XML, ContainerKeys

KEY = bytes(range(16))
IV = bytes(range(100, 116))


def _by_hand(
    keys: ContainerKeys,
    *,
    content: bytes,
    digest_of: bytes,
    md5_of: bytes = KEY + IV,
    flag: str | None = None,
    wrap: int = 64,
) -> bytes:
    block = keys.ours.public_key().encrypt(KEY + IV + hashlib.md5(md5_of).digest(), asymmetric_padding.PKCS1v15())
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(KEY), modes.CBC(IV)).encryptor()
    ciphertext = encryptor.update(padder.update(content) + padder.finalize()) + encryptor.finalize()
    encoded = base64.b64encode(ciphertext).decode()
    wrapped = "\n".join(encoded[i : i + wrap] for i in range(0, len(encoded), wrap))
    attribute = f' CompresseAvantChiffrement="{flag}"' if flag is not None else ""
    return (
        '\ufeff<?xml version="1.0" encoding="UTF-8"?>\n'
        '<EXPORT_INDEX_EDUCATION xmlns="http://www.index-education.com/conteneurexportchiffre">'
        "<VERSION>1.0</VERSION><LOGICIEL>EDT 2018 - 2018.0.1.2</LOGICIEL>"
        f'<CLES><PARTENAIRE NOM="AUTRE">AAAA</PARTENAIRE><PARTENAIRE NOM="{keys.partner}">'
        f"{base64.b64encode(block).decode()}</PARTENAIRE></CLES>"
        f"<CONTENU{attribute}>\n{wrapped}\n</CONTENU>"
        f"<VERIFICATION>{base64.b64encode(hashlib.sha256(digest_of).digest()).decode()}</VERIFICATION>"
        "<DATEHEURE>2014-05-20T10:19:08.486+02:00</DATEHEURE><UAI>0750001U</UAI>"
        "<NOMETABLISSEMENT>COLLEGE</NOMETABLISSEMENT><CODEPOSTALVILLE>75001 PARIS</CODEPOSTALVILLE>"
        "</EXPORT_INDEX_EDUCATION>"
    ).encode()


def _open(keys: ContainerKeys, data: bytes) -> bytes:
    return open_container(data, private_key=keys.ours, partner=keys.partner)[1]


def _code(keys: ContainerKeys, data: bytes) -> ErrorCode:
    with pytest.raises(ExportRejectedError) as caught:
        _open(keys, data)
    return caught.value.code


def test_open_container_hand_made_compressed_container_opens_with_bom_stripped(keys: ContainerKeys) -> None:
    # Given a container made per the format notes: the digest over the zlib bytes, the inner XML with a BOM
    compressed = zlib.compress(b"\xef\xbb\xbf" + INNER_XML)
    data = _by_hand(keys, content=compressed, digest_of=compressed)
    # When / Then the inner XML comes back without its BOM
    assert _open(keys, data) == INNER_XML


@pytest.mark.parametrize("wrap", [1, 4, 76, 10_000])
def test_open_container_hand_made_uncompressed_container_opens_at_any_wrapping(keys: ContainerKeys, wrap: int) -> None:
    data = _by_hand(keys, content=INNER_XML, digest_of=INNER_XML, flag="false", wrap=wrap)
    assert _open(keys, data) == INNER_XML


def test_open_container_digest_over_inflated_bytes_is_content_hash_mismatch(keys: ContainerKeys) -> None:
    # Given a digest computed after inflating instead of before
    compressed = zlib.compress(INNER_XML)
    data = _by_hand(keys, content=compressed, digest_of=INNER_XML)
    # When / Then
    assert _code(keys, data) == ErrorCode.CONTENT_HASH_MISMATCH


def test_open_container_md5_over_iv_then_key_is_key_mismatch(keys: ContainerKeys) -> None:
    # Given a key block whose MD5 covers IV‖key instead of key‖IV
    compressed = zlib.compress(INNER_XML)
    data = _by_hand(keys, content=compressed, digest_of=compressed, md5_of=IV + KEY)
    # When / Then
    assert _code(keys, data) == ErrorCode.KEY_MISMATCH
