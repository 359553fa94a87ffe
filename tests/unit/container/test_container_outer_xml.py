"""How the container's outer XML is read: text as XML defines it, whatever pieces the parser delivers it in.

The base64 blocks are long texts: they may reach the reader split by chunk boundaries, line breaks, comments,
processing instructions, CDATA sections and character references, and must come out whole. Names are read by
their local part, whatever prefix a file uses.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edt_import.domain.container import open_container
from edt_import.domain.errors import ErrorCode, ExportRejectedError
from edt_import.domain.timetable import ContainerInfo
from edt_import.generator.container_sealing import seal_container
from tests.support.hostile_containers import EXPORTED_AT, INNER_XML, ContainerKeys, element_text, replace_text, sealed

# The parser is fed in pieces of this size (xml_safety): a container larger than one piece has text across a border.
PIECE = 64 * 1024
MALFORMED = "The export container is not well-formed XML; the file may be truncated or damaged."


def _open(container: bytes, keys: ContainerKeys) -> tuple[ContainerInfo, bytes]:
    return open_container(container, private_key=keys.ours, partner=keys.partner)


def _refusal(container: bytes, keys: ContainerKeys) -> ExportRejectedError:
    with pytest.raises(ExportRejectedError) as caught:
        _open(container, keys)
    return caught.value


def _large(keys: ContainerKeys) -> bytes:
    """A container of about three pieces (uncompressed content), with a name that is not ASCII."""
    inner = INNER_XML + b"<!--" + bytes(range(65, 91)) * 6000 + b"-->"
    return seal_container(
        inner,
        partners={keys.partner: keys.ours.public_key()},
        uai="0750001U",
        establishment_name="COLLÈGE ÉMILE-ZOLA",
        exported_at=EXPORTED_AT,
        compress=False,
    )


@pytest.fixture(scope="module")
def large(keys: ContainerKeys) -> tuple[bytes, tuple[ContainerInfo, bytes]]:
    container = _large(keys)
    assert len(container) > 2 * PIECE
    return container, _open(container, keys)


@settings(max_examples=40, deadline=None)
@given(offset=st.one_of(st.integers(min_value=0, max_value=1_500), st.integers(min_value=-1_500, max_value=-1)))
def test_open_container_any_piece_border_reads_the_same(
    keys: ContainerKeys, large: tuple[bytes, tuple[ContainerInfo, bytes]], offset: int
) -> None:
    # Given the large container with a comment after the root's start tag, sized so that a piece ends ``offset``
    # bytes into what follows that tag or before the end: in a name, an attribute, the key block, the start or
    # end of CONTENU's text, a character of the school's name; other borders fall in CONTENU's text
    container, expected = large
    after_root = container.index(b">", container.index(b"<EXPORT_INDEX_EDUCATION")) + 1
    target = after_root + offset if offset >= 0 else len(container) + offset
    size = -target % PIECE or PIECE
    padded = container[:after_root] + b"<!--" + b" " * (size + (PIECE if size < 7 else 0) - 7) + b"-->"
    padded += container[after_root:]
    assert (len(padded) - len(container) + target) % PIECE == 0
    # When it is opened, Then it reads as without the comment
    assert _open(padded, keys) == expected


@pytest.mark.parametrize(
    "split",
    [
        lambda text: text[:10] + b"<![CDATA[" + text[10:-10] + b"]]>" + text[-10:],
        lambda text: text[: len(text) // 2] + b"<!-- a comment -->" + text[len(text) // 2 :],
        lambda text: text[: len(text) // 2] + b"<?pi inside the text?>" + text[len(text) // 2 :],
        lambda text: b"&#x" + b"%X" % text[0] + b";" + text[1:20] + b"&#%d;" % text[20] + text[21:],
        lambda text: text[: len(text) // 2] + b"<UNKNOWN>ignored<X/></UNKNOWN>" + text[len(text) // 2 :],
        lambda text: text[:20] + b"\r \r\t" + text[20:].replace(b"\r\n", b"\r"),
    ],
    ids=["cdata", "comment", "processing_instruction", "character_references", "unknown_child", "lone_crs"],
)
@pytest.mark.parametrize("element", ["CONTENU", "PARTENAIRE", "VERIFICATION"])
def test_open_container_base64_text_in_several_pieces_reads_whole(
    keys: ContainerKeys, element: str, split: Callable[[bytes], bytes]
) -> None:
    # Given a sound container whose base64 block is written in pieces XML joins again
    good = sealed(keys)
    container = replace_text(good, element, split(element_text(good, element)))
    assert container != good
    # When it is opened, Then the content is intact
    assert _open(container, keys) == _open(good, keys)


@pytest.mark.parametrize(
    ("written", "read"),
    [
        (b"<![CDATA[ PRONOTE 2019 ]]>", "PRONOTE 2019"),
        (b"PRONOTE&#32;20&#x31;9 &amp; co", "PRONOTE 2019 & co"),
        (b"PRONOTE <!-- x -->2019<?y?>", "PRONOTE 2019"),
        (b"PRONOTE <i>EDT 2010</i>2019", "PRONOTE 2019"),  # a child's text is not the element's
        ("\u00a0PRONOTE 2019\u2003".encode(), "PRONOTE 2019"),
    ],
    ids=["cdata", "references", "comment_and_pi", "child_element", "unicode_blanks"],
)
def test_open_container_single_text_read_as_xml_defines_it(keys: ContainerKeys, written: bytes, read: str) -> None:
    container = replace_text(sealed(keys), "LOGICIEL", written)
    assert _open(container, keys)[0].software == read


def test_open_container_undeclared_prefix_read_by_local_name(keys: ContainerKeys) -> None:
    # Given a container whose children carry a prefix no xmlns declares (names are read by local part, as in the
    # timetable; lxml's namespace check used to crash on it)
    good = sealed(keys)
    container = good.replace(b"<VERSION>", b"<c:VERSION>").replace(b"</VERSION>", b"</c:VERSION>")
    container = container.replace(b"<CONTENU ", b"<c:CONTENU ").replace(b"</CONTENU>", b"</c:CONTENU>")
    # When it is opened, Then it reads like the original
    assert _open(container, keys) == _open(good, keys)


def test_open_container_attributes_read_by_local_name_namespace_declarations_are_not_attributes(
    keys: ContainerKeys,
) -> None:
    # Given a partner name and compression flag behind a prefix, next to declarations that share their local name
    good = sealed(keys, compress=False)
    container = good.replace(b'NOM="ITSLEARNING"', b'xmlns:NOM="OTHER" xmlns:q="urn:q" q:NOM="&#73;TSLEARNING"')
    container = container.replace(
        b'CompresseAvantChiffrement="false"',
        b'xmlns:CompresseAvantChiffrement="true" z:CompresseAvantChiffrement=" f&#97;lse&#9;" xmlns:z="urn:z"',
    )
    # When it is opened, Then the attributes count and the declarations do not
    info, inner = _open(container, keys)
    assert (info.partners, info.compressed, inner) == (("ITSLEARNING",), False, INNER_XML)


def test_open_container_first_of_each_element_counts(keys: ContainerKeys) -> None:
    # Given a container with a second VERSION and a second CLES, and a PARTENAIRE nested deeper than CLES's children
    good = sealed(keys)
    container = good.replace(b"</VERSION>", b"</VERSION><VERSION>9.9</VERSION>")
    container = container.replace(b"</CLES>", b"</CLES><CLES><PARTENAIRE NOM='SECOND'>QUJD</PARTENAIRE></CLES>")
    container = container.replace(b"<CLES>", b"<CLES><G><PARTENAIRE NOM='NESTED'>QUJD</PARTENAIRE></G>", 1)
    # When it is opened, Then only the first of each is read, and only CLES's own PARTENAIRE children
    info, _ = _open(container, keys)
    assert (info.version, info.partners) == ("1.0", ("ITSLEARNING",))


@pytest.mark.parametrize(
    ("declaration", "name"),
    [("ISO-8859-1", "latin-1"), ("windows-1252", "cp1252"), ("UTF-16", "utf-16")],
)
def test_open_container_declared_encodings_read(keys: ContainerKeys, declaration: str, name: str) -> None:
    # Given a container written in another encoding its declaration names, with an accented school name
    text = sealed(keys).decode().replace('encoding="UTF-8"', f'encoding="{declaration}"')
    container = text.replace("COLLEGE DE TEST", "COLLÈGE DE L'ÉTÉ").encode(name)
    # When it is opened, Then the name is read
    assert _open(container, keys)[0].establishment_name == "COLLÈGE DE L'ÉTÉ"


@pytest.mark.parametrize("encoding", ["UTC-8", "UTF-32", "Shift_JIS"])
def test_open_container_unreadable_declared_encoding_malformed_at_line_1(keys: ContainerKeys, encoding: str) -> None:
    # Given a container declaring an encoding the parser cannot read (unknown, or multi-byte other than UTF-16)
    container = sealed(keys).replace(b'encoding="UTF-8"', f'encoding="{encoding}"'.encode())
    # When it is opened, Then it is malformed XML at the declaration
    refusal = _refusal(container, keys)
    assert (refusal.code, refusal.message, refusal.details) == (ErrorCode.MALFORMED_XML, MALFORMED, {"line": 1})


@pytest.mark.parametrize(
    ("damage", "marker"),
    [
        (lambda container: replace_text(container, "UAI", b"&nope;"), b"<UAI>"),
        (lambda container: container[: container.index(b"<VERIFICATION>")], b"<VERIFICATION>"),
        (lambda container: container.replace(b"</LOGICIEL>", b"</LOGICIELS>"), b"</LOGICIEL"),
        (lambda container: container + b"<X/>", b"<X/>"),
    ],
    ids=["undefined_entity", "truncated", "mismatched_tag", "after_the_root"],
)
def test_open_container_malformed_says_its_line(
    keys: ContainerKeys, damage: Callable[[bytes], bytes], marker: bytes
) -> None:
    # Given a container damaged on the line of ``marker`` (a truncated one, on its last line)
    container = sealed(keys, wrap_base64=False)
    damaged = damage(container)
    line = (damaged if marker not in damaged else damaged[: damaged.index(marker)]).count(b"\n") + 1
    # When it is opened, Then the refusal says which line
    refusal = _refusal(damaged, keys)
    assert (refusal.code, refusal.message, refusal.details) == (ErrorCode.MALFORMED_XML, MALFORMED, {"line": line})


def test_open_container_deep_nesting_within_the_element_cap_read(keys: ContainerKeys) -> None:
    # Given 4,000 nested unknown elements (deeper than libxml2 allowed, far fewer than the container's element cap)
    good = sealed(keys)
    container = good.replace(b"</VERSION>", b"</VERSION>" + b"<a>" * 4_000 + b"</a>" * 4_000)
    # When it is opened, Then they are ignored like any unknown element
    assert _open(container, keys) == _open(good, keys)


def test_open_container_nested_flood_refused_by_the_element_cap(keys: ContainerKeys) -> None:
    container = sealed(keys).replace(b"</VERSION>", b"</VERSION>" + b"<a>" * 10_001 + b"</a>" * 10_001)
    refusal = _refusal(container, keys)
    assert (refusal.code, refusal.details) == (ErrorCode.NOT_AN_EXPORT, {"limit": 10_000})
