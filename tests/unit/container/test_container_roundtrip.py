from __future__ import annotations

import base64
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from edt_import.domain.container import NAMESPACE, ReaderLimits, is_container, open_container
from edt_import.domain.private_key import load_private_key
from edt_import.domain.timetable import ContainerInfo, Uai
from edt_import.generator.container_sealing import seal_container
from edt_import.generator.partner_keys import generate_partner_key, private_key_der, private_key_pem
from tests.support.container_layout import CONTAINER_ELEMENTS
from tests.support.hostile_containers import EXPORTED_AT, INNER_XML, ContainerKeys, element_text, replace_text, sealed


def _open(container: bytes, keys: ContainerKeys) -> tuple[ContainerInfo, bytes]:
    return open_container(container, private_key=keys.ours, partner=keys.partner)


@pytest.mark.parametrize("compress", [True, False], ids=["compressed", "uncompressed"])
@pytest.mark.parametrize("wrap", [True, False], ids=["wrapped", "one_line"])
def test_open_container_sealed_content_round_trips(keys: ContainerKeys, compress: bool, wrap: bool) -> None:
    # Given a container sealed for our partner
    container = sealed(keys, compress=compress, wrap_base64=wrap)
    # When we open it
    info, inner = _open(container, keys)
    # Then we get the inner XML back and the container's facts as written
    assert inner == INNER_XML
    assert info == ContainerInfo(
        version="1.0",
        software="PRONOTE 2019 - 2019.0.2.5",
        partners=("ITSLEARNING",),
        compressed=compress,
        exported_at="2026-09-01T08:30:00.000+00:00",
        uai=Uai("0750001U"),
        establishment_name="COLLEGE DE TEST",
    )


@pytest.mark.parametrize("encode", [private_key_pem, private_key_der], ids=["pem", "der"])
def test_open_container_with_loaded_key_round_trips(
    keys: ContainerKeys, encode: Callable[[RSAPrivateKey], bytes]
) -> None:
    # Given our private key as it is stored (PKCS#8 PEM or DER)
    stored = encode(keys.ours)
    # When it is loaded and used to open a container
    _, inner = open_container(sealed(keys), private_key=load_private_key(stored), partner="ITSLEARNING")
    # Then the content is readable
    assert inner == INNER_XML


def test_open_container_two_partners_each_opens_with_own_key(keys: ContainerKeys) -> None:
    # Given a container for two partners, ours second
    container = seal_container(
        INNER_XML,
        partners={"AUTRE_ENT": keys.other.public_key(), "ITSLEARNING": keys.ours.public_key()},
        exported_at=EXPORTED_AT,
    )
    # When each partner opens it with its own key
    ours = open_container(container, private_key=keys.ours, partner="ITSLEARNING")
    theirs = open_container(container, private_key=keys.other, partner="autre_ent")
    # Then both read the same content and see both partners
    assert ours[1] == theirs[1] == INNER_XML
    assert ours[0].partners == ("AUTRE_ENT", "ITSLEARNING")


def test_open_container_partner_name_compared_trimmed_and_case_insensitive(keys: ContainerKeys) -> None:
    # Given a container whose partner name is written with odd spacing and case
    container = sealed(keys).replace(b'NOM="ITSLEARNING"', b'NOM=" ItsLearning "')
    # When we open it under our configured name
    info, inner = open_container(container, private_key=keys.ours, partner="ITSLEARNING ")
    # Then our block is found
    assert inner == INNER_XML
    assert info.partners == ("ItsLearning",)


def test_open_container_inner_byte_order_mark_stripped(keys: ContainerKeys) -> None:
    # Given inner XML that starts with a UTF-8 byte-order mark
    container = sealed(keys, b"\xef\xbb\xbf" + INNER_XML)
    # When we open it, Then the mark is gone
    assert _open(container, keys)[1] == INNER_XML


def test_open_container_production_size_key_round_trips() -> None:
    # Given a 2048-bit partner key, as in production
    key = generate_partner_key()
    container = seal_container(INNER_XML, partners={"ITSLEARNING": key.public_key()}, exported_at=EXPORTED_AT)
    # When we open the container, Then the content is intact
    assert key.key_size == 2048
    assert open_container(container, private_key=key, partner="ITSLEARNING")[1] == INNER_XML


def test_open_container_namespace_prefix_order_and_unknown_elements_tolerated(keys: ContainerKeys) -> None:
    # Given a container with a namespace prefix, its elements reordered, unknown elements and comments added
    good = sealed(keys, compress=False)
    parts = {tag: element_text(good, tag) for tag in ("LOGICIEL", "CLES", "CONTENU", "VERIFICATION")}
    container = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<!-- exported -->\n'
        b'<c:EXPORT_INDEX_EDUCATION xmlns:c="' + NAMESPACE.encode() + b'" extra="1">'
        b"<c:VERIFICATION>" + parts["VERIFICATION"] + b"</c:VERIFICATION>"
        b"<c:NOUVEAU><c:X/></c:NOUVEAU>"
        b'<c:CONTENU c:CompresseAvantChiffrement="FALSE">' + parts["CONTENU"] + b"<!-- x --></c:CONTENU>"
        b"<c:CLES>"
        + parts["CLES"].replace(b"<PARTENAIRE", b"<c:PARTENAIRE").replace(b"</PARTENAIRE", b"</c:PARTENAIRE")
        + b"</c:CLES><c:LOGICIEL>EDT 2018 - 1.2.3</c:LOGICIEL><c:VERSION> 1.0 </c:VERSION>"
        b"</c:EXPORT_INDEX_EDUCATION>"
    )
    # When we open it
    info, inner = _open(container, keys)
    # Then it reads like the original
    assert inner == INNER_XML
    assert (info.version, info.software, info.compressed) == ("1.0", "EDT 2018 - 1.2.3", False)
    assert (info.exported_at, info.uai, info.establishment_name) == (None, None, None)


@pytest.mark.parametrize("flag", ["0", "false", " False ", "FALSE"])
def test_open_container_not_compressed_flag_variants(keys: ContainerKeys, flag: str) -> None:
    # Given an uncompressed container whose flag is spelled in any accepted way
    container = sealed(keys, compress=False).replace(b'"false"', b'"' + flag.encode() + b'"')
    # When we open it, Then the content is taken as is
    info, inner = _open(container, keys)
    assert (info.compressed, inner) == (False, INNER_XML)


def test_open_container_compressed_flag_absent_means_compressed(keys: ContainerKeys) -> None:
    # Given a compressed container without the flag (the schema's default is true)
    container = sealed(keys).replace(b' CompresseAvantChiffrement="true"', b"")
    # When we open it, Then the content is inflated
    info, inner = _open(container, keys)
    assert (info.compressed, inner) == (True, INNER_XML)


@settings(max_examples=25, deadline=None)
@given(
    width=st.integers(min_value=1, max_value=120),
    newline=st.sampled_from(["\n", "\r\n", " ", "\t", "\r\n  "]),
)
def test_open_container_base64_any_wrapping_tolerated(keys: ContainerKeys, width: int, newline: str) -> None:
    # Given the container's base64 re-wrapped at any width with any whitespace
    good = sealed(keys, wrap_base64=False)
    text = element_text(good, "CONTENU").decode()
    wrapped = newline.join(text[i : i + width] for i in range(0, len(text), width))
    container = replace_text(good, "CONTENU", (newline + wrapped + newline).encode())
    # When we open it, Then the content is intact
    assert _open(container, keys)[1] == INNER_XML


def test_seal_container_writes_schema_order_wrapped_base64_and_offset(keys: ContainerKeys) -> None:
    # Given a large enough content to wrap
    inner = INNER_XML * 20
    # When it is sealed with a Paris timestamp
    container = seal_container(
        inner,
        partners={"ITSLEARNING": keys.ours.public_key()},
        uai="0750001U",
        establishment_name="LYCEE <A & B>",
        postcode_city="75001 PARIS",
        exported_at=datetime(2014, 5, 20, 10, 19, 8, 486000, tzinfo=timezone(timedelta(hours=2))),
        compress=False,
    )
    # Then the elements come in the schema's order, in its namespace, with the base64 wrapped at 76 columns
    root = etree.fromstring(container)
    assert [etree.QName(child).localname for child in root] == CONTAINER_ELEMENTS
    assert {etree.QName(child).namespace for child in root} == {NAMESPACE}
    assert root.findtext(f"{{{NAMESPACE}}}DATEHEURE") == "2014-05-20T10:19:08.486+02:00"
    assert root.findtext(f"{{{NAMESPACE}}}NOMETABLISSEMENT") == "LYCEE <A & B>"
    lines = element_text(container, "CONTENU").split(b"\r\n")
    assert {len(line) for line in lines[:-1]} == {76}
    assert 0 < len(lines[-1]) <= 76
    assert len(base64.b64decode(b"".join(lines))) % 16 == 0


def test_seal_container_fresh_key_per_export(keys: ContainerKeys) -> None:
    # Given the same content sealed twice with the system's randomness
    first, second = (
        seal_container(INNER_XML, partners={"ITSLEARNING": keys.ours.public_key()}, exported_at=EXPORTED_AT)
        for _ in range(2)
    )
    # Then the ciphertexts differ
    assert element_text(first, "CONTENU") != element_text(second, "CONTENU")


def test_seal_container_naive_timestamp_refused(keys: ContainerKeys) -> None:
    # Given a timestamp without an offset, When sealing, Then it is a programming error
    naive = datetime(2026, 9, 1, 8, 30, tzinfo=UTC).replace(tzinfo=None)
    with pytest.raises(ValueError, match="UTC offset"):
        seal_container(INNER_XML, partners={"ITSLEARNING": keys.ours.public_key()}, exported_at=naive)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'<?xml version="1.0"?>\r\n<EXPORT_INDEX_EDUCATION xmlns="x">', True),
        (b"\xef\xbb\xbf  <!-- a > b -->\n<?pi x?><c:EXPORT_INDEX_EDUCATION xmlns:c='x'/>", True),
        (b"<!DOCTYPE EXPORT_INDEX_EDUCATION [<!ENTITY a 'b'>]><EXPORT_INDEX_EDUCATION/>", True),
        ('<?xml version="1.0" encoding="UTF-16"?><EXPORT_INDEX_EDUCATION/>'.encode("utf-16"), True),
        (b'<?xml version="1.0"?><ExportEmploiDuTemps Version="1.1">', False),
        (b"<EXPORT_INDEX_EDUCATIONX/>", False),
        (b"", False),
        (b"EXPORT_INDEX_EDUCATION", False),
        (b"<!-- unterminated", False),
    ],
)
def test_is_container_sniffs_root_name(data: bytes, expected: bool) -> None:
    # Given the start of a file, When sniffed, Then only a container root counts
    assert is_container(data) is expected


def test_is_container_sealed_container_true(keys: ContainerKeys) -> None:
    assert is_container(sealed(keys))
    assert not is_container(INNER_XML)


def test_reader_limits_defaults() -> None:
    assert ReaderLimits() == ReaderLimits(max_upload_bytes=64 * 1024 * 1024, max_inflated_bytes=64 * 1024 * 1024)
    with pytest.raises(ValueError, match="positive"):
        ReaderLimits(max_inflated_bytes=0)


def test_seal_container_uai_omitted_when_unknown(keys: ContainerKeys) -> None:
    container = seal_container(INNER_XML, partners={"ITSLEARNING": keys.ours.public_key()}, exported_at=EXPORTED_AT)
    assert re.search(rb"<UAI\b", container) is None
    assert _open(container, keys)[0].uai is None
