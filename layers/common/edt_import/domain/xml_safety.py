"""The refusals that keep the timetable reader safe: a prolog scan, and an expat parser that refuses DOCTYPEs.

A DOCTYPE is how entities (billion laughs) and external references (XXE) get into a document; a timetable export
never needs one. It is refused twice: by ``check_prolog`` before the parser sees a byte, and by the parser's own
handlers should one sit beyond the scanned prolog. Parameter entities are never parsed, and expat never fetches
anything.
"""

from __future__ import annotations

from typing import Final, NoReturn
from xml.parsers import expat

from edt_import.domain.errors import ErrorCode, ExportRejectedError, rejected

_UTF16_BOMS: Final = (b"\xff\xfe", b"\xfe\xff")
_PROLOG_SCAN_CHARS: Final = 1 << 16


def check_prolog(xml: bytes) -> None:
    """Refuse what comes before the root element unless it is a declaration, comments and processing instructions.

    A DOCTYPE is how entities (billion laughs) and external references (XXE) get in; a timetable never needs one.
    This scan runs before the parser sees a byte; the parser refuses a DOCTYPE again if one slips past.
    """
    head = xml[: _PROLOG_SCAN_CHARS * 2]
    if head.startswith(_UTF16_BOMS):
        text = head.decode("utf-16", errors="ignore")
    elif head[:2].count(0) == 1:  # UTF-16 without a byte-order mark
        text = head.decode("utf-16-le" if head[1] == 0 else "utf-16-be", errors="ignore")
    else:
        text = head.decode("latin-1")
    position = 0
    length = len(text)
    while True:
        while position < length and text[position] in " \t\r\n\ufeff\xef\xbb\xbf":
            position += 1
        if position >= length:
            if len(head) == len(xml):
                blank = not xml.strip(b" \t\r\n\xef\xbb\xbf")
                raise _not_an_export("The file is empty." if blank else "The file holds no XML element.")
            return  # a prolog longer than the scan: the parser still refuses a DOCTYPE
        if text[position] != "<":
            raise _not_an_export("The file is not an XML timetable export.")
        if text.startswith("<?", position):
            end = text.find("?>", position)
            position = length if end < 0 else end + 2
        elif text.startswith("<!--", position):
            end = text.find("-->", position)
            position = length if end < 0 else end + 3
        elif text.startswith("<!", position):
            raise _unsafe()
        else:
            return


def safe_parser() -> expat.XMLParserType:
    """An expat parser that refuses any DOCTYPE, entity declaration or external entity, and never fetches.

    The caller sets the element handlers. Only the predefined entities (``&amp;``...) and character references
    are decoded, in text and attributes. The encoding comes from the byte-order mark or the XML declaration
    (UTF-8, UTF-16, ISO-8859-1, US-ASCII, and Python's single-byte codecs such as windows-1252).
    """
    # No name interning: expat would decode each name and look it up in a dict, for nothing the reader needs.
    parser = expat.ParserCreate(intern=None)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    # buffer_text stays off: it slows every callback down (the reader joins text that comes in pieces).
    return parser


def _refuse(*_declaration: object) -> NoReturn:
    raise _unsafe()


def _not_an_export(message: str) -> ExportRejectedError:
    return rejected(ErrorCode.NOT_AN_EXPORT, message)


def _unsafe() -> ExportRejectedError:
    return rejected(
        ErrorCode.UNSAFE_XML,
        "The timetable declares a DOCTYPE (entities or external references), which an export never needs.",
    )
