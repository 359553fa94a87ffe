"""The outer layer of an EDT / PRONOTE export: the encrypted container ``EXPORT_INDEX_EDUCATION``.

Opening follows Index Education's recipe: RSA (PKCS#1 v1.5) gives 48 bytes = AES key ‖ IV ‖ MD5(key ‖ IV);
AES-128-CBC with PKCS#7 padding gives the content; SHA-256 of that content (still compressed) must equal
``VERIFICATION``; zlib inflates it unless ``CompresseAvantChiffrement`` is false. Sealing, the reverse, belongs to
the generator (``edt_import.generator.container_sealing``): no Lambda seals an export.

The container is an upload like any other: its size is checked before parsing, any DTD is refused before the
parser sees a byte, and inflating is bounded while it runs, so a zlib bomb is refused without being expanded. Its
XML is read as the timetable's is, with expat under the rules of ``xml_safety`` (a DOCTYPE refused again by the
parser, no entity but the predefined ones, nothing fetched), by local names and with an element cap; the domain
imports no lxml, whose import alone costs a command more than this small document's parse.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import zlib
from xml.parsers import expat

from cryptography.hazmat.primitives.asymmetric import padding as asymmetric_padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from msgspec import Struct, field

from edt_import.domain.errors import ConfigError, ErrorCode, rejected
from edt_import.domain.timetable import ContainerInfo, Uai
from edt_import.domain.xml_safety import (
    Prolog,
    UnreadableEncodingError,
    local_name,
    parse_in_pieces,
    safe_parser,
    scan_prolog,
)

NAMESPACE = "http://www.index-education.com/conteneurexportchiffre"
ROOT = "EXPORT_INDEX_EDUCATION"
INNER_ROOT = "ExportEmploiDuTemps"
MIN_SUPPORTED_YEAR = 2018

_MIB = 1024 * 1024
_AES_BLOCK = 16
_KEY_BLOCK = 48  # AES key (16) ‖ IV (16) ‖ MD5(key ‖ IV) (16)
_SHA256_SIZE = 32
_UTF8_BOM = b"\xef\xbb\xbf"
_GZIP_MAGIC = b"\x1f\x8b"
_ZLIB_DEFLATE = 8  # RFC 1950: the low nibble of the first byte names the method, 8 = deflate
_ZLIB_HEADER_CHECK = 31  # RFC 1950: the first two bytes, big-endian, are a multiple of 31
_WHITESPACE = b" \t\r\n\f\v"
_FALSE_VALUES = frozenset({"false", "0"})
_REQUIRED = ("VERSION", "LOGICIEL", "CLES", "CONTENU", "VERIFICATION")
_SINGLE_TEXT = ("VERSION", "LOGICIEL", "VERIFICATION", "DATEHEURE", "UAI", "NOMETABLISSEMENT", "CODEPOSTALVILLE")
# A real container has about fifteen elements; a cap stops a hostile flood of them early (each costs a callback).
_MAX_ELEMENTS = 10_000
_TEXT_BUFFER = 64 * 1024
# Inflated output is kept up to this size in one pass; beyond it the first pass only counts (so a bomb costs no
# memory) and a legitimate large export is inflated a second time, into one buffer of its now known size.
_INFLATE_KEEP = 16 * _MIB
_INFLATE_CHUNK = 4 * _MIB
_SOFTWARE_YEAR = re.compile(r"\b(EDT|PRONOTE)\s+(\d{4})\b", re.IGNORECASE)


class ReaderLimits(Struct, frozen=True, kw_only=True):
    """Caps on what an upload may cost: its own size, the inner XML's size once inflated, its number of elements."""

    max_upload_bytes: int = 64 * _MIB
    # A large cité scolaire's inner XML is a few MB. The cap bounds what a zlib bomb costs (the inflated bytes are
    # held once) and what a flood of valid records costs the model (about 5 bytes of model per byte of XML).
    max_inflated_bytes: int = 64 * _MIB
    # Markup in the inner XML (elements, comments): the model costs up to ~250 bytes per element, so this bounds
    # it whatever the byte size (a flood of 500,000 rooms costs ~85 MB). The generated cité scolaire has ~65,000.
    max_elements: int = 500_000

    def __post_init__(self) -> None:
        if self.max_upload_bytes <= 0 or self.max_inflated_bytes <= 0 or self.max_elements <= 0:
            raise ValueError("reader limits must be positive")


DEFAULT_LIMITS = ReaderLimits()


def is_container(data: bytes) -> bool:
    """True when the document's root element is ``EXPORT_INDEX_EDUCATION`` (cheap: reads the prolog only)."""
    scan = scan_prolog(data)
    return scan.kind in {Prolog.ROOT, Prolog.DOCTYPE} and scan.local_name == ROOT


# --- reading the outer XML -------------------------------------------------------------------------------------


class _Outer(Struct, kw_only=True):
    """The container's elements as written (text still base64)."""

    texts: dict[str, str] = field(default_factory=dict)
    partners: list[tuple[str, str]] = field(default_factory=list)  # (NOM, base64 block)
    has_cles: bool = False
    has_contenu: bool = False
    contenu: str = ""
    compressed: bool = True


def _attribute(attributes: dict[str, str], wanted: str) -> str | None:
    for name, value in attributes.items():
        prefix, _, local = name.rpartition(":")
        if local == wanted and prefix != "xmlns":  # a namespace declaration is no attribute
            return value
    return None


class _OuterReader:
    """Expat's handlers: check the root, count elements, keep the text of each element the container is read from.

    The first of each child of the root counts, and in ``CLES`` each ``PARTENAIRE``. An element's text is its own,
    not its children's; it comes in pieces (chunk boundaries, comments, CDATA sections, references), joined at its
    end tag.
    """

    def __init__(self, parser: expat.XMLParserType) -> None:
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        self.outer = _Outer()
        self.depth = 0
        self.elements = 0
        self.in_cles = False
        self.text_depth = 0  # of the element whose text is kept, 0 when none is
        self.reading = ""  # that element's local name
        self.partner = ""  # its NOM, when it is a PARTENAIRE
        self.pieces: list[str] = []

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        self.depth += 1
        self.elements += 1
        local = local_name(name)
        if self.depth == 1 and local != ROOT:
            raise _not_a_container(local)
        if self.elements > _MAX_ELEMENTS:
            raise rejected(
                ErrorCode.NOT_AN_EXPORT,
                "The file has far more elements than an export container; it is not a PRONOTE or EDT export.",
                limit=_MAX_ELEMENTS,
            )
        outer = self.outer
        if self.depth == 2 and local == "CLES" and not outer.has_cles:
            outer.has_cles = self.in_cles = True
        elif self.depth == 2 and local == "CONTENU" and not outer.has_contenu:
            outer.has_contenu = True
            flag = _attribute(attributes, "CompresseAvantChiffrement")
            outer.compressed = flag is None or flag.strip().lower() not in _FALSE_VALUES
            self._keep_text(local)
        elif self.depth == 2 and local in _SINGLE_TEXT and local not in outer.texts:
            self._keep_text(local)
        elif self.depth == 3 and self.in_cles and local == "PARTENAIRE":
            self.partner = (_attribute(attributes, "NOM") or "").strip()
            self._keep_text(local)

    def _keep_text(self, local: str) -> None:
        self.text_depth, self.reading = self.depth, local

    def _text(self, data: str) -> None:
        if self.depth == self.text_depth:
            self.pieces.append(data)

    def _end(self, _name: str) -> None:
        if self.depth == self.text_depth:
            text = "".join(self.pieces)
            self.pieces.clear()
            self.text_depth = 0
            if self.reading == "PARTENAIRE":
                self.outer.partners.append((self.partner, text))
            elif self.reading == "CONTENU":
                self.outer.contenu = text
            else:
                self.outer.texts[self.reading] = text.strip()
        if self.depth == 2:
            self.in_cles = False
        self.depth -= 1


def _parse_outer(data: bytes) -> _Outer:
    parser = safe_parser(_unsafe)
    # Base64 comes a line at a time: text gathered in expat's buffer makes a few callbacks of the thousands.
    parser.buffer_text = True
    parser.buffer_size = _TEXT_BUFFER
    reader = _OuterReader(parser)
    try:
        parse_in_pieces(parser, data, root_seen=lambda: reader.elements > 0)
    except expat.ExpatError as exc:
        raise _malformed(exc.lineno) from exc
    except UnreadableEncodingError:
        raise _malformed(line=1) from None  # the XML declaration, which names it, is the first line
    return reader.outer


def _malformed(line: int) -> Exception:
    return rejected(
        ErrorCode.MALFORMED_XML,
        "The export container is not well-formed XML; the file may be truncated or damaged.",
        line=line,
    )


def _unsafe() -> Exception:
    return rejected(
        ErrorCode.UNSAFE_XML,
        "The file declares a document type (DTD), which exports never do; it is refused for safety.",
    )


def _not_a_container(root: str) -> Exception:
    if root == INNER_ROOT:
        return rejected(
            ErrorCode.NOT_AN_EXPORT,
            "The file is a clear timetable, not an encrypted export container.",
            root=root,
        )
    return rejected(
        ErrorCode.NOT_AN_EXPORT,
        "The file is XML but not a PRONOTE or EDT export.",
        root=root[:64],
    )


def _check_prolog(data: bytes) -> None:
    scan = scan_prolog(data)
    if scan.kind is Prolog.EMPTY:
        raise rejected(ErrorCode.NOT_AN_EXPORT, "The file is empty.")
    if scan.kind is Prolog.NOT_MARKUP:
        raise rejected(
            ErrorCode.NOT_AN_EXPORT, "The file is not an XML document, so it is not a PRONOTE or EDT export."
        )
    if scan.kind in {Prolog.UNREADABLE, Prolog.NO_ELEMENT}:
        raise rejected(ErrorCode.NOT_AN_EXPORT, "The file does not start like an XML document; it is not an export.")
    if scan.kind is Prolog.DOCTYPE:
        raise _unsafe()
    if scan.local_name != ROOT:
        raise _not_a_container(scan.local_name)


# --- checks on the container's facts ---------------------------------------------------------------------------


def software_year(software: str) -> tuple[str, int] | None:
    """(program, year) from ``LOGICIEL``, e.g. ``PRONOTE Monoposte-PRONOTE 2013 - 0.5.14`` → ("PRONOTE", 2013)."""
    match = _SOFTWARE_YEAR.search(software)
    if match is None:
        return None
    return match.group(1).upper(), int(match.group(2))


def _check_version(software: str) -> None:
    found = software_year(software)
    if found is None or found[1] < MIN_SUPPORTED_YEAR:
        raise rejected(
            ErrorCode.UNSUPPORTED_VERSION,
            f"The export was made by {_printable(software.strip()[:80]) or 'an unnamed program'}, which the import "
            "does not "
            "support; export it from EDT or PRONOTE 2018 or later.",
            software=software[:120],
        )


def _printable(text: str) -> str:
    """``text`` as a one-line message may quote it: line breaks and other control characters as spaces."""
    return "".join(character if character.isprintable() else " " for character in text)


def _choose_partner(outer: _Outer, partner: str) -> str:
    wanted = partner.strip().casefold()
    for name, block in outer.partners:
        if name.casefold() == wanted:
            return block
    present = [name for name, _ in outer.partners]
    # Either the partner name configured here is wrong, or the school exported for another platform: say both.
    raise rejected(
        ErrorCode.PARTNER_KEY_MISSING,
        f"The export holds no key for the partner name {partner.strip()}; it was encrypted for "
        f"{', '.join(present) or 'no partner at all'}. If one of those is this platform, the configured partner "
        "name is wrong; otherwise the school must export for this platform.",
        partner=partner.strip(),
        partners_present=present,
    )


def _decode_base64(text: str) -> bytes:
    """Raises ValueError when ``text`` is not base64 once every whitespace is removed (lines may wrap anywhere)."""
    raw = text.encode("ascii").translate(None, _WHITESPACE)
    try:
        return base64.b64decode(raw, validate=True)
    except binascii.Error as exc:
        raise ValueError(str(exc)) from exc


# --- decryption ------------------------------------------------------------------------------------------------


def _key_mismatch(reason: str) -> Exception:
    return rejected(
        ErrorCode.KEY_MISMATCH,
        "The export cannot be decrypted with our private key: it was encrypted for another key, or it is damaged.",
        reason=reason,
    )


def _unwrap_key(block_text: str, private_key: RSAPrivateKey) -> tuple[bytes, bytes]:
    try:
        block = _decode_base64(block_text)
        plain = private_key.decrypt(block, asymmetric_padding.PKCS1v15())
    except ValueError as exc:
        raise _key_mismatch("rsa") from exc
    # With implicit rejection (OpenSSL 3.2+) a wrong key yields random bytes: the length and MD5 catch it.
    if len(plain) != _KEY_BLOCK:
        raise _key_mismatch("length")
    key, iv, digest = plain[:16], plain[16:32], plain[32:]
    if not hmac.compare_digest(hashlib.md5(key + iv).digest(), digest):
        raise _key_mismatch("md5")
    return key, iv


def _decrypt_failed(message: str, reason: str) -> Exception:
    return rejected(ErrorCode.DECRYPT_FAILED, message, reason=reason)


def _decrypt_content(text: str, key: bytes, iv: bytes) -> memoryview:
    try:
        ciphertext = _decode_base64(text)
    except ValueError as exc:
        raise _decrypt_failed(
            "The encrypted content of the export is not valid base64; the file is damaged.", "base64"
        ) from exc
    if not ciphertext:
        raise _decrypt_failed("The encrypted content of the export is empty.", "empty")
    if len(ciphertext) % _AES_BLOCK:
        raise _decrypt_failed("The encrypted content of the export is truncated; the file is damaged.", "length")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    plain = decryptor.update(ciphertext) + decryptor.finalize()
    pad = plain[-1]
    if not 1 <= pad <= _AES_BLOCK or plain[-pad:] != bytes((pad,)) * pad:
        raise _decrypt_failed("The export's content could not be decrypted; the file is damaged.", "padding")
    return memoryview(plain)[:-pad]


def _check_hash(content: memoryview, verification: str) -> None:
    try:
        expected = _decode_base64(verification)
    except ValueError:
        expected = b""
    actual = hashlib.sha256(content).digest()
    if len(expected) != _SHA256_SIZE or not hmac.compare_digest(actual, expected):
        raise rejected(
            ErrorCode.CONTENT_HASH_MISMATCH,
            "The decrypted content does not match the export's checksum; the file is damaged or was altered.",
        )


# --- bounded inflate -------------------------------------------------------------------------------------------


def _too_large_inflated(limit: int) -> Exception:
    return rejected(
        ErrorCode.TOO_LARGE,
        f"The export's content expands to more than {limit // _MIB} MB, more than the import accepts.",
        limit_bytes=limit,
    )


def _inflate_step(inflater: zlib._Decompress, pending: bytes | memoryview) -> bytes:
    try:
        return inflater.decompress(pending, _INFLATE_CHUNK)
    except zlib.error as exc:
        raise _decrypt_failed(
            "The export's decrypted content is not valid compressed (zlib) data; the file is damaged.", "zlib"
        ) from exc


def _check_zlib_header(compressed: memoryview) -> None:
    """Refuse gzip and raw deflate up front: Index Education writes zlib (RFC 1950) and nothing else."""
    head = bytes(compressed[:2])
    if head == _GZIP_MAGIC:
        raise _decrypt_failed(
            "The export's content is compressed with gzip, not with zlib as EDT and PRONOTE do; "
            "it was not made by them or was altered.",
            "gzip",
        )
    if len(head) < 2 or head[0] & 0x0F != _ZLIB_DEFLATE or int.from_bytes(head, "big") % _ZLIB_HEADER_CHECK:
        raise _decrypt_failed(
            "The export's content does not start with a zlib header (it may be raw deflate data); the file is damaged.",
            "zlib_header",
        )


def _inflate_pass(compressed: memoryview, *, max_bytes: int, keep_bytes: int) -> tuple[bytes | None, int]:
    """The inflated bytes (None once they exceed ``keep_bytes``, counting on so the cap is enforced) and their size."""
    inflater = zlib.decompressobj()
    kept: list[bytes] | None = []
    total = 0
    pending: bytes | memoryview = compressed
    while not inflater.eof:
        chunk = _inflate_step(inflater, pending)
        pending = inflater.unconsumed_tail
        if not chunk and not pending and not inflater.eof:
            raise _decrypt_failed("The export's compressed content is truncated; the file is damaged.", "zlib_eof")
        total += len(chunk)
        if total > max_bytes:
            raise _too_large_inflated(max_bytes)
        if kept is not None and total > keep_bytes:
            kept = None
        elif kept is not None:
            kept.append(chunk)
    if inflater.unused_data or inflater.unconsumed_tail:
        # A second stream or stray bytes: inflating only the first would silently drop the rest.
        raise _decrypt_failed(
            "The export's content has more bytes after its compressed data; the file is damaged.", "zlib_trailing"
        )
    return (None if kept is None else b"".join(kept)), total


def _inflate(compressed: memoryview, max_bytes: int) -> bytes:
    _check_zlib_header(compressed)
    inflated, size = _inflate_pass(compressed, max_bytes=max_bytes, keep_bytes=min(max_bytes, _INFLATE_KEEP))
    if inflated is not None:
        return inflated
    # The first pass checked the stream and its size: one buffer of exactly that size is filled without a copy
    # (chunks joined, or a growing buffer, would hold the content twice at the end).
    return zlib.decompress(compressed, bufsize=size)


# --- opening ---------------------------------------------------------------------------------------------------


def _container_info(outer: _Outer) -> ContainerInfo:
    uai = outer.texts.get("UAI")
    return ContainerInfo(
        version=outer.texts["VERSION"],
        software=outer.texts["LOGICIEL"],
        partners=tuple(name for name, _ in outer.partners),
        compressed=outer.compressed,
        exported_at=outer.texts.get("DATEHEURE") or None,
        uai=Uai(uai.upper()) if uai else None,
        establishment_name=outer.texts.get("NOMETABLISSEMENT") or None,
    )


def _check_required(outer: _Outer) -> None:
    present = set(outer.texts) | {
        name for name, seen in (("CLES", outer.has_cles), ("CONTENU", outer.has_contenu)) if seen
    }
    missing = [name for name in _REQUIRED if name not in present]
    if missing:
        raise rejected(
            ErrorCode.NOT_AN_EXPORT,
            "The export container lacks elements every export has; it is not a complete PRONOTE or EDT export.",
            missing=missing,
        )


def check_upload_size(data: bytes, limits: ReaderLimits) -> None:
    """Refuse an upload above the cap before any parsing (``too_large``)."""
    if len(data) > limits.max_upload_bytes:
        raise rejected(
            ErrorCode.TOO_LARGE,
            f"The file is larger than the {limits.max_upload_bytes // _MIB} MB the import accepts.",
            size_bytes=len(data),
            limit_bytes=limits.max_upload_bytes,
        )


def open_container(
    data: bytes,
    *,
    private_key: RSAPrivateKey | None,
    partner: str,
    limits: ReaderLimits = DEFAULT_LIMITS,
    allow_any_version: bool = False,
) -> tuple[ContainerInfo, bytes]:
    """The container's facts and the inner XML (UTF-8 BOM stripped); ExportRejectedError with its code otherwise."""
    check_upload_size(data, limits)
    _check_prolog(data)
    outer = _parse_outer(data)
    _check_required(outer)
    info = _container_info(outer)
    if not allow_any_version:
        _check_version(info.software)
    block = _choose_partner(outer, partner)
    if private_key is None:
        raise ConfigError("No partner private key is configured, so encrypted exports cannot be opened.")
    key, iv = _unwrap_key(block, private_key)
    content = _decrypt_content(outer.contenu, key, iv)
    _check_hash(content, outer.texts["VERIFICATION"])
    inner = _inflate(content, limits.max_inflated_bytes) if outer.compressed else bytes(content)
    if len(inner) > limits.max_inflated_bytes:
        raise _too_large_inflated(limits.max_inflated_bytes)
    return info, inner.removeprefix(_UTF8_BOM)
