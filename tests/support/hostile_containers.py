"""Hostile and damaged containers, each paired with the ErrorCode that must refuse it.

Built from code (the project's own sealing), never from real exports. The reader's "hostile files" suite imports
``make_keys``, ``hostile_containers`` (cheap cases, all sniffed as containers), ``non_container_files`` (empty,
not XML, another root) and, when it wants them, ``zlib_bomb`` and ``oversized_upload`` (costlier). Open every case
with ``private_key=keys.ours`` and ``partner=keys.partner``.
"""

from __future__ import annotations

import base64
import random
import re
import zlib
from collections.abc import Callable
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from msgspec import Struct

from edt_import.domain.container import ReaderLimits
from edt_import.domain.errors import ErrorCode
from edt_import.generator.container_sealing import seal_container
from edt_import.generator.partner_keys import generate_partner_key

PARTNER = "ITSLEARNING"
# Every code the container layer can refuse with (the reader adds uai_mismatch and invalid_timetable).
CONTAINER_CODES = frozenset(
    {
        ErrorCode.NOT_AN_EXPORT,
        ErrorCode.MALFORMED_XML,
        ErrorCode.UNSAFE_XML,
        ErrorCode.TOO_LARGE,
        ErrorCode.PARTNER_KEY_MISSING,
        ErrorCode.KEY_MISMATCH,
        ErrorCode.DECRYPT_FAILED,
        ErrorCode.CONTENT_HASH_MISMATCH,
        ErrorCode.UNSUPPORTED_VERSION,
    }
)
EXPORTED_AT = datetime(2026, 9, 1, 8, 30, tzinfo=UTC)
INNER_XML = (
    b'<?xml version="1.0" encoding="UTF-8"?>\r\n'
    b'<ExportEmploiDuTemps xmlns="http://www.index-education.com/exportemploidutemps" Version="1.1" UAI="0750001U">'
    b'<AnneeScolaire DateDebut="2026-09-01" DateFin="2027-07-04" DatePremierJourSemaine1="2026-08-31"/>'
    b'<Matieres><Matiere Ident="1" Code="AGL1" Libelle="ANGLAIS LV1"/>'
    b'<Matiere Ident="2" Code="MATHS" Libelle="MATHEMATIQUES"/></Matieres>'
    b"</ExportEmploiDuTemps>\r\n"
)

Case = tuple[bytes, ErrorCode]


class ContainerKeys(Struct, frozen=True, kw_only=True):
    """Our partner key (what the product holds), another vendor's key, and our partner name."""

    ours: RSAPrivateKey
    other: RSAPrivateKey
    partner: str = PARTNER


def make_keys(bits: int = 1024) -> ContainerKeys:
    return ContainerKeys(ours=generate_partner_key(bits), other=generate_partner_key(bits))


def fixed_random(seed: int = 7) -> Callable[[int], bytes]:
    """Deterministic AES keys and IVs, so a tampered byte always fails the same way."""
    generator = random.Random(seed)
    return generator.randbytes


def sealed(
    keys: ContainerKeys,
    inner_xml: bytes = INNER_XML,
    *,
    software: str = "PRONOTE 2019 - 2019.0.2.5",
    compress: bool = True,
    wrap_base64: bool = True,
    for_other_key: bool = False,
) -> bytes:
    """A sound container for our partner (or, with ``for_other_key``, sealed under another vendor's key)."""
    key = keys.other if for_other_key else keys.ours
    return seal_container(
        inner_xml,
        partners={keys.partner: key.public_key()},
        software=software,
        uai="0750001U",
        establishment_name="COLLEGE DE TEST",
        postcode_city="75001 PARIS",
        exported_at=EXPORTED_AT,
        compress=compress,
        random_bytes=fixed_random(),
        wrap_base64=wrap_base64,
    )


def _element(tag: str) -> re.Pattern[bytes]:
    return re.compile(rb"(<" + tag.encode() + rb"\b[^>]*>)(.*?)(</" + tag.encode() + rb">)", re.DOTALL)


def element_text(container: bytes, tag: str) -> bytes:
    match = _element(tag).search(container)
    assert match is not None, tag
    return match.group(2)


def replace_text(container: bytes, tag: str, text: bytes) -> bytes:
    """The container with the text of its first ``tag`` element replaced."""
    return _element(tag).sub(lambda match: match.group(1) + text + match.group(3), container, count=1)


def drop_element(container: bytes, tag: str) -> bytes:
    return _element(tag).sub(b"", container, count=1)


def ciphertext(container: bytes) -> bytes:
    return base64.b64decode(b"".join(element_text(container, "CONTENU").split()))


def with_ciphertext(container: bytes, data: bytes) -> bytes:
    return replace_text(container, "CONTENU", base64.b64encode(data))


def flip_byte(data: bytes, index: int, mask: int = 0x80) -> bytes:
    flipped = bytearray(data)
    flipped[index] ^= mask
    return bytes(flipped)


# --- the cases ---------------------------------------------------------------------------------------------------


def non_container_files() -> dict[str, Case]:
    """Files that are no container at all (``is_container`` is False): the reader routes them, then refuses them."""
    return {
        "empty_file": (b"", ErrorCode.NOT_AN_EXPORT),
        "whitespace_only": (b"\xef\xbb\xbf \r\n\t", ErrorCode.NOT_AN_EXPORT),
        "not_xml": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", ErrorCode.NOT_AN_EXPORT),
        "zip_archive": (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", ErrorCode.NOT_AN_EXPORT),
        "other_root": (b'<?xml version="1.0"?>\n<html><body>export</body></html>', ErrorCode.NOT_AN_EXPORT),
    }


def not_an_export_cases(keys: ContainerKeys) -> dict[str, Case]:
    good = sealed(keys)
    cases: dict[str, Case] = {
        "element_flood": (
            b"<EXPORT_INDEX_EDUCATION><X>" + b"<a/>" * 20_000 + b"</X></EXPORT_INDEX_EDUCATION>",
            ErrorCode.NOT_AN_EXPORT,
        ),
    }
    for tag in ("VERSION", "LOGICIEL", "CLES", "CONTENU", "VERIFICATION"):
        cases[f"missing_{tag.lower()}"] = (drop_element(good, tag), ErrorCode.NOT_AN_EXPORT)
    return cases


def xml_cases(keys: ContainerKeys) -> dict[str, Case]:
    good = sealed(keys)
    body = good.split(b"?>", 1)[1]
    laughs = b"".join(
        b'<!ENTITY lol%d "&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;&lol%d;">'
        % ((i,) + (i - 1,) * 10)
        for i in range(1, 10)
    )
    return {
        "truncated_xml": (good[: len(good) // 2], ErrorCode.MALFORMED_XML),
        "unclosed_root": (good.replace(b"</EXPORT_INDEX_EDUCATION>", b""), ErrorCode.MALFORMED_XML),
        "undefined_entity": (replace_text(good, "VERSION", b"&nope;"), ErrorCode.MALFORMED_XML),
        "billion_laughs": (
            b'<?xml version="1.0"?>\n<!DOCTYPE EXPORT_INDEX_EDUCATION [<!ENTITY lol0 "lol">'
            + laughs
            + b"]>"
            + replace_text(body, "VERSION", b"&lol9;"),
            ErrorCode.UNSAFE_XML,
        ),
        "xxe_file": (
            b'<?xml version="1.0"?>\n<!DOCTYPE EXPORT_INDEX_EDUCATION [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            + replace_text(body, "LOGICIEL", b"&xxe;"),
            ErrorCode.UNSAFE_XML,
        ),
        "external_dtd": (
            b'<?xml version="1.0"?>\n<!DOCTYPE EXPORT_INDEX_EDUCATION SYSTEM "http://127.0.0.1:9/container.dtd">'
            + body,
            ErrorCode.UNSAFE_XML,
        ),
        "utf16_doctype": (
            '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE EXPORT_INDEX_EDUCATION [<!ENTITY a "b">]>'.encode(
                "utf-16"
            )
            + body.decode("utf-8").encode("utf-16-le"),
            ErrorCode.UNSAFE_XML,
        ),
    }


def key_cases(keys: ContainerKeys) -> dict[str, Case]:
    good = sealed(keys)
    return {
        "partner_missing": (
            good.replace(b'NOM="' + keys.partner.encode(), b'NOM="AUTRE_ENT'),
            ErrorCode.PARTNER_KEY_MISSING,
        ),
        "no_partner_at_all": (replace_text(good, "CLES", b""), ErrorCode.PARTNER_KEY_MISSING),
        "wrong_key": (sealed(keys, for_other_key=True), ErrorCode.KEY_MISMATCH),
        "key_block_not_base64": (replace_text(good, "PARTENAIRE", b"not*base64!"), ErrorCode.KEY_MISMATCH),
        "key_block_empty": (replace_text(good, "PARTENAIRE", b""), ErrorCode.KEY_MISMATCH),
    }


def content_cases(keys: ContainerKeys) -> dict[str, Case]:
    good = sealed(keys)
    encrypted = ciphertext(good)
    encoded = base64.b64encode(encrypted)
    assert len(encrypted) >= 48, "the sample content must span three AES blocks"
    assert encoded.endswith(b"="), "the sample content's base64 must end with padding"
    penultimate_last_byte = len(encrypted) - 17  # XORs into the last plaintext byte: the PKCS#7 pad length
    uncompressed = sealed(keys, compress=False)
    not_zlib = uncompressed.replace(b'CompresseAvantChiffrement="false"', b'CompresseAvantChiffrement="true"')
    truncated_zlib = sealed(keys, zlib.compress(INNER_XML)[:-12], compress=False).replace(
        b'CompresseAvantChiffrement="false"', b'CompresseAvantChiffrement="true"'
    )
    return {
        "contenu_not_base64": (replace_text(good, "CONTENU", b"@@@@" + encoded), ErrorCode.DECRYPT_FAILED),
        "contenu_truncated_base64": (replace_text(good, "CONTENU", encoded[:-3]), ErrorCode.DECRYPT_FAILED),
        "contenu_padding_missing": (replace_text(good, "CONTENU", encoded.rstrip(b"=")), ErrorCode.DECRYPT_FAILED),
        "contenu_empty": (replace_text(good, "CONTENU", b""), ErrorCode.DECRYPT_FAILED),
        "contenu_not_whole_blocks": (with_ciphertext(good, encrypted[:-5]), ErrorCode.DECRYPT_FAILED),
        "contenu_pad_tampered": (
            with_ciphertext(good, flip_byte(encrypted, penultimate_last_byte)),
            ErrorCode.DECRYPT_FAILED,
        ),
        "contenu_middle_tampered": (with_ciphertext(good, flip_byte(encrypted, 0)), ErrorCode.CONTENT_HASH_MISMATCH),
        "verification_tampered": (
            replace_text(good, "VERIFICATION", base64.b64encode(bytes(32))),
            ErrorCode.CONTENT_HASH_MISMATCH,
        ),
        "verification_not_base64": (replace_text(good, "VERIFICATION", b"???"), ErrorCode.CONTENT_HASH_MISMATCH),
        "content_not_zlib": (not_zlib, ErrorCode.DECRYPT_FAILED),
        "content_zlib_truncated": (truncated_zlib, ErrorCode.DECRYPT_FAILED),
    }


def version_cases(keys: ContainerKeys) -> dict[str, Case]:
    return {
        "pronote_2013": (
            sealed(keys, software="PRONOTE Monoposte-PRONOTE 2013 - 0.5.14"),
            ErrorCode.UNSUPPORTED_VERSION,
        ),
        "edt_2017": (sealed(keys, software="EDT 2017 - 1.0.4"), ErrorCode.UNSUPPORTED_VERSION),
        "unknown_program": (sealed(keys, software="TIMETABLER 2024 - 1.0"), ErrorCode.UNSUPPORTED_VERSION),
        "empty_program": (sealed(keys, software=""), ErrorCode.UNSUPPORTED_VERSION),
    }


def hostile_containers(keys: ContainerKeys) -> dict[str, Case]:
    """Every cheap container-level case (``is_container`` is True for each), by a stable id for test ids."""
    return {
        **not_an_export_cases(keys),
        **xml_cases(keys),
        **key_cases(keys),
        **content_cases(keys),
        **version_cases(keys),
    }


def zeros_zlib(size: int) -> bytes:
    """``size`` zero bytes, zlib-compressed in streaming chunks (1 GiB → about 1 MB, in about a second)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_RLE)
    chunk = bytes(16 * 1024 * 1024)
    parts = [compressor.compress(chunk) for _ in range(size // len(chunk))]
    parts.append(compressor.compress(bytes(size % len(chunk))))
    parts.append(compressor.flush())
    return b"".join(parts)


def zlib_bomb(keys: ContainerKeys, inflated_size: int = 1024 * 1024 * 1024) -> Case:
    """A container whose content inflates to ``inflated_size`` zero bytes (1 GiB by default): refused as too large."""
    bomb = zeros_zlib(inflated_size)
    container = sealed(keys, bomb, compress=False).replace(
        b'CompresseAvantChiffrement="false"', b'CompresseAvantChiffrement="true"'
    )
    return container, ErrorCode.TOO_LARGE


def oversized_upload(keys: ContainerKeys, limits: ReaderLimits = ReaderLimits()) -> Case:  # noqa: B008
    """A sound container padded with trailing whitespace to one byte over the upload cap."""
    good = sealed(keys)
    return good + b" " * (limits.max_upload_bytes + 1 - len(good)), ErrorCode.TOO_LARGE
