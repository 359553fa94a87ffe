"""How both layers of an upload are read safely: what comes before the root element, and an expat parser that
refuses DOCTYPEs, fed in pieces.

A DOCTYPE is how entities (billion laughs) and external references (XXE) get into a document; an export never
needs one. It is refused twice: by the prolog scan before a parser sees a byte, and by the parser itself should
one sit beyond the scanned prolog. The same scan tells an encrypted container from a clear timetable by the name
of its root element. The container and the timetable are both read with expat, through ``safe_parser`` and
``parse_in_pieces``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import Enum, auto
from typing import Final, NoReturn
from xml.parsers import expat

from msgspec import Struct

from edt_import.domain.errors import ErrorCode, ExportRejectedError, rejected

# The prolog of a real export (declaration, a comment or two) is a few dozen bytes.
_PROLOG_WINDOW: Final = 64 * 1024
# Expat copies what it is given into its own buffer: fed in small pieces, that buffer stays small too.
_PIECE_BYTES: Final = 1 << 16
_XML_BLANKS: Final = " \t\r\n\ufeff"
_ROOT_NAME: Final = re.compile(r"<([^\s/>]+)")
_DOCTYPE_NAME: Final = re.compile(r"<!DOCTYPE\s+([^\s\[>]+)", re.IGNORECASE)
_MARKS: Final = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


class Prolog(Enum):
    EMPTY = auto()  # nothing but blanks
    NO_ELEMENT = auto()  # a declaration, comments or processing instructions, and nothing after them
    UNREADABLE = auto()  # no root start tag within the window (an endless comment or prolog)
    NOT_MARKUP = auto()  # text where markup should be: not XML at all
    DOCTYPE = auto()
    ROOT = auto()


class PrologScan(Struct, frozen=True, kw_only=True):
    kind: Prolog
    local_name: str = ""  # of the root element, or of the DOCTYPE's


def _decoded_window(data: bytes) -> tuple[str, bool]:
    """The start of the document as text, by its byte-order mark or first bytes; and whether it is all of it."""
    window = data[: _PROLOG_WINDOW + 4]
    encoding = "utf-8"
    for mark, codec in _MARKS:
        if window.startswith(mark):
            window, encoding = window[len(mark) :], codec
            break
    else:
        if window.startswith((b"<\x00\x00\x00", b"\x00\x00\x00<")):
            encoding = "utf-32-le" if window[0:1] == b"<" else "utf-32-be"
        elif window[:2].count(0) == 1:  # UTF-16 without a byte-order mark
            encoding = "utf-16-le" if window[1] == 0 else "utf-16-be"
    return window.decode(encoding, errors="replace"), len(data) <= _PROLOG_WINDOW


def scan_prolog(data: bytes) -> PrologScan:
    """What comes first in the document once its declaration, comments, processing instructions and blanks are
    passed."""
    text, complete = _decoded_window(data)
    position, length = 0, len(text)
    while True:
        while position < length and text[position] in _XML_BLANKS:
            position += 1
        if position >= length:
            if not complete:
                return PrologScan(kind=Prolog.UNREADABLE)
            return PrologScan(kind=Prolog.EMPTY if not text.strip(_XML_BLANKS) else Prolog.NO_ELEMENT)
        if text.startswith(("<?", "<!--"), position):
            closing = "?>" if text[position + 1] == "?" else "-->"
            end = text.find(closing, position + 2)
            if end < 0:
                return PrologScan(kind=Prolog.NO_ELEMENT if complete else Prolog.UNREADABLE)
            position = end + len(closing)
        elif text.startswith("<!", position):
            doctype = _DOCTYPE_NAME.match(text, position)
            return PrologScan(kind=Prolog.DOCTYPE, local_name=local_name(doctype.group(1)) if doctype else "")
        elif text.startswith("<", position):
            root = _ROOT_NAME.match(text, position)
            return PrologScan(kind=Prolog.ROOT, local_name=local_name(root.group(1)) if root else "")
        else:
            return PrologScan(kind=Prolog.NOT_MARKUP)


def local_name(qualified: str) -> str:
    """``VERSION`` of ``c:VERSION``: the part of a name as written that both layers read elements by."""
    return qualified.rpartition(":")[2]


def check_prolog(xml: bytes) -> None:
    """Refuse a clear timetable whose prolog is not a declaration, comments and processing instructions."""
    kind = scan_prolog(xml).kind
    if kind is Prolog.EMPTY:
        raise _not_an_export("The file is empty.")
    if kind is Prolog.NO_ELEMENT:
        raise _not_an_export("The file holds no XML element.")
    if kind is Prolog.NOT_MARKUP:
        raise _not_an_export("The file is not an XML timetable export.")
    if kind is Prolog.DOCTYPE:
        raise _unsafe()
    # UNREADABLE: a prolog longer than the scan; the parser still refuses a DOCTYPE.


def safe_parser(refusal: Callable[[], Exception] | None = None) -> expat.XMLParserType:
    """An expat parser that refuses any DOCTYPE, entity declaration or external entity, and never fetches.

    The caller sets the element handlers; ``refusal`` makes the error raised for a DOCTYPE (``unsafe_xml``, in the
    words of the layer being read). Only the predefined entities (``&amp;``...) and character references are
    decoded, in text and attributes. Namespace processing is off (it costs expat time, and elements are read by
    local name whatever their namespace): names come as written, ``prefix:local`` or ``local``, and an undeclared
    prefix is no error. The encoding comes from the byte-order mark or the XML declaration (UTF-8, UTF-16,
    ISO-8859-1, US-ASCII, and Python's single-byte codecs such as windows-1252).
    """
    unsafe = refusal or _unsafe

    def refuse(*_declaration: object) -> NoReturn:
        raise unsafe()

    # No name interning: expat would decode each name and look it up in a dict, for nothing the readers need.
    parser = expat.ParserCreate(intern=None)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    # buffer_text is off here: it slows every callback down; a reader with little text may turn it on.
    return parser


class UnreadableEncodingError(Exception):
    """The XML declaration names an encoding expat cannot read: unknown to Python, or multi-byte (UTF-32, UTF-7)."""


def parse_in_pieces(parser: expat.XMLParserType, xml: bytes, *, root_seen: Callable[[], bool]) -> None:
    """Parse the whole of ``xml``; raise ``ExpatError`` when it is not well-formed, ``UnreadableEncodingError``.

    ``root_seen`` tells whether the handlers have met the root element: before it, a LookupError or ValueError
    comes from expat asking Python for the declared encoding's codec (an unknown name, a multi-byte codec it
    cannot map); later it is a bug, re-raised.
    """
    try:
        view = memoryview(xml)
        for start in range(0, len(xml), _PIECE_BYTES):
            parser.Parse(view[start : start + _PIECE_BYTES], False)
        parser.Parse(b"", True)
    except (LookupError, ValueError):
        if root_seen():
            raise
        raise UnreadableEncodingError from None


def _not_an_export(message: str) -> ExportRejectedError:
    return rejected(ErrorCode.NOT_AN_EXPORT, message)


def _unsafe() -> ExportRejectedError:
    return rejected(
        ErrorCode.UNSAFE_XML,
        "The timetable declares a DOCTYPE (entities or external references), which an export never needs.",
    )
