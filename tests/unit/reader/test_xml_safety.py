"""The parser both layers of an export are read with: DOCTYPEs refused in the caller's words, fed in pieces."""

from __future__ import annotations

import pytest

from edt_import.domain.errors import ErrorCode, ExportRejectedError, rejected
from edt_import.domain.xml_safety import UnreadableEncodingError, local_name, parse_in_pieces, safe_parser

DOCTYPES = [
    b'<!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>',
    b'<!DOCTYPE r SYSTEM "http://127.0.0.1:9/r.dtd"><r/>',
    b"<!DOCTYPE r><r/>",
]


def _refusal() -> ExportRejectedError:
    return rejected(ErrorCode.UNSAFE_XML, "The container declares a DTD.")


@pytest.mark.parametrize("xml", DOCTYPES)
def test_safe_parser_doctype_refused_in_the_callers_words(xml: bytes) -> None:
    parser = safe_parser(_refusal)
    with pytest.raises(ExportRejectedError) as caught:
        parse_in_pieces(parser, xml, root_seen=lambda: False)
    assert (caught.value.code, caught.value.message) == (ErrorCode.UNSAFE_XML, "The container declares a DTD.")


@pytest.mark.parametrize("xml", DOCTYPES)
def test_safe_parser_doctype_refused_by_default_as_the_timetables(xml: bytes) -> None:
    with pytest.raises(ExportRejectedError) as caught:
        parse_in_pieces(safe_parser(), xml, root_seen=lambda: False)
    assert caught.value.code is ErrorCode.UNSAFE_XML
    assert caught.value.message.startswith("The timetable declares a DOCTYPE")


def test_parse_in_pieces_text_across_pieces_delivered_whole() -> None:
    # Given a text longer than a piece, with a character whose bytes straddle the border
    text = "é" * 40_000
    parser = safe_parser()
    pieces: list[str] = []
    parser.CharacterDataHandler = pieces.append
    # When parsed, Then all of it arrives, in order
    parse_in_pieces(parser, f"<r>{text}</r>".encode(), root_seen=lambda: True)
    assert "".join(pieces) == text


@pytest.mark.parametrize("encoding", ["UTC-8", "UTF-32", "Shift_JIS"])
def test_parse_in_pieces_unreadable_declared_encoding(encoding: str) -> None:
    xml = f'<?xml version="1.0" encoding="{encoding}"?><r/>'.encode()
    with pytest.raises(UnreadableEncodingError):
        parse_in_pieces(safe_parser(), xml, root_seen=lambda: False)


def test_parse_in_pieces_lookup_error_after_the_root_is_a_bug_re_raised() -> None:
    # Given a handler that fails with a LookupError once the root was seen
    parser = safe_parser()

    def broken(_name: str, _attributes: dict[str, str]) -> None:
        raise KeyError("bug")

    parser.StartElementHandler = broken
    # When parsed, Then the bug is not mistaken for an encoding problem
    with pytest.raises(KeyError):
        parse_in_pieces(parser, b"<r/>", root_seen=lambda: True)


@pytest.mark.parametrize(("name", "local"), [("VERSION", "VERSION"), ("c:VERSION", "VERSION"), ("a:b:X", "X")])
def test_local_name_is_the_part_after_the_prefix(name: str, local: str) -> None:
    assert local_name(name) == local
