"""The ENT directory as a CSV file: one account per row, read once and trusted afterwards.

Format: UTF-8 (a byte-order mark is tolerated), comma or semicolon separated (the header line decides),
a header naming at least ``person_key,profile,last_name,first_name,birth_date,cas_id,source`` in any order
(extra columns are ignored). Error messages give the line and the column, never a cell's content: the file
holds pupils' names and birth dates.
"""

from __future__ import annotations

import csv
import io
import operator
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from edt_import.domain.directory import DirectoryPerson, PersonKey, Profile, Source
from edt_import.domain.errors import ErrorCode, ExportRejectedError, rejected

COLUMNS: tuple[str, ...] = ("person_key", "profile", "last_name", "first_name", "birth_date", "cas_id", "source")
_SEPARATORS = (",", ";")
_REQUIRED_TEXT = ("person_key", "last_name", "first_name")
_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_FRENCH_DATE = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")


def read_directory_csv(data: bytes) -> tuple[DirectoryPerson, ...]:
    """Parse a directory CSV; raise ``invalid_directory`` with the line (and column) of the first fault."""
    text = _decode(data)
    header_line = text.split("\n", 1)[0]
    separator = _sniff_separator(header_line)
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=separator, quotechar='"', strict=True)
    try:
        header = next(rows, None)
        if header is None:
            raise rejected(ErrorCode.INVALID_DIRECTORY, "The directory file is empty.", line=1)
        reader = _RowReader(_column_positions(header))
        people: list[DirectoryPerson] = []
        seen: set[str] = set()
        for cells in rows:
            if not "".join(cells).strip():  # a blank line, separators only
                continue
            person = reader.person(cells, rows.line_num)
            if person.person_key in seen:
                raise rejected(
                    ErrorCode.INVALID_DIRECTORY,
                    "The directory lists the same account key twice.",
                    line=rows.line_num,
                    column="person_key",
                )
            seen.add(person.person_key)
            people.append(person)
    except csv.Error as exc:
        raise rejected(
            ErrorCode.INVALID_DIRECTORY, "The directory file is not well-formed CSV.", line=rows.line_num
        ) from exc
    return tuple(people)


def write_directory_csv(people: Iterable[DirectoryPerson]) -> bytes:
    """The directory as UTF-8 CSV, comma separated, header first, fields quoted only when needed."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=",", quotechar='"', lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for person in people:
        writer.writerow(
            (
                person.person_key,
                person.profile.value,
                person.last_name,
                person.first_name,
                person.birth_date.isoformat() if person.birth_date else "",
                person.cas_id or "",
                person.source.value,
            )
        )
    return buffer.getvalue().encode("utf-8")


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise rejected(ErrorCode.INVALID_DIRECTORY, "The directory file is not UTF-8 text.", line=line) from exc
    if not text.strip():
        raise rejected(ErrorCode.INVALID_DIRECTORY, "The directory file is empty.", line=1)
    return text


def _sniff_separator(header_line: str) -> str:
    """The separator that splits the header into the most known column names (ties: the more frequent)."""

    def score(separator: str) -> tuple[int, int]:
        names = {_column_name(name) for name in header_line.split(separator)}
        return len(names & set(COLUMNS)), header_line.count(separator)

    return max(_SEPARATORS, key=score)


def _column_name(raw: str) -> str:
    return raw.strip().strip('"').strip().lower()


def _column_positions(header: Sequence[str]) -> Mapping[str, int]:
    positions: dict[str, int] = {}
    for index, raw in enumerate(header):
        name = _column_name(raw)
        if name in COLUMNS:
            if name in positions:
                raise rejected(
                    ErrorCode.INVALID_DIRECTORY, "The directory header names a column twice.", line=1, column=name
                )
            positions[name] = index
    missing = [name for name in COLUMNS if name not in positions]
    if missing:
        raise rejected(
            ErrorCode.INVALID_DIRECTORY,
            "The directory header lacks a required column.",
            line=1,
            column=missing[0],
            missing=missing,
        )
    return positions


_PROFILES = {profile.value: profile for profile in Profile}
_SOURCES = {source.value: source for source in Source}


class _RowReader:
    """One row to a person, checked in a fixed order (the first fault is the one reported). A school has a few
    thousand rows and few distinct birth dates: each date text is parsed once."""

    def __init__(self, positions: Mapping[str, int]) -> None:
        self._cells = operator.itemgetter(*(positions[name] for name in COLUMNS))
        self._width = max(positions.values()) + 1
        self._dates: dict[str, date | None] = {"": None}

    def person(self, cells: Sequence[str], line: int) -> DirectoryPerson:
        if len(cells) < self._width:
            raise rejected(
                ErrorCode.INVALID_DIRECTORY,
                "A directory line has fewer fields than its header.",
                line=line,
                fields=len(cells),
                expected=self._width,
            )
        key, profile_text, last_name, first_name, birth_text, cas_id, source_text = map(str.strip, self._cells(cells))
        for name, value in (("person_key", key), ("last_name", last_name), ("first_name", first_name)):
            if not value:
                raise _cell_error("A directory line leaves a required field empty.", line, name)
        if not _usable_key(key):
            raise _cell_error(
                "A directory line has an account key with a space, a control character or '|'; "
                "sync keys cannot hold it.",
                line,
                "person_key",
            )
        profile = _PROFILES.get(profile_text.lower())
        if profile is None:
            raise _cell_error("A directory line has a profile other than student, teacher or staff.", line, "profile")
        source = _SOURCES.get(source_text.lower())
        if source is None:
            raise _cell_error("A directory line has a source other than aaf, csv or manual.", line, "source")
        dates = self._dates
        birth_date = (
            dates[birth_text] if birth_text in dates else dates.setdefault(birth_text, _birth_date(birth_text, line))
        )
        return DirectoryPerson(
            person_key=PersonKey(key),
            profile=profile,
            last_name=last_name,
            first_name=first_name,
            birth_date=birth_date,
            cas_id=cas_id or None,
            source=source,
        )


def _usable_key(key: str) -> bool:
    # Member sync keys are ``course|person|role``; itslearning keys hold no spaces or control characters.
    # Every whitespace character but the space is unprintable, so this is "printable and no whitespace".
    return key.isprintable() and " " not in key and "|" not in key


def _birth_date(text: str, line: int) -> date | None:
    """``YYYY-MM-DD`` or the French ``DD/MM/YYYY``; empty means unknown."""
    if not text:
        return None
    iso = _ISO_DATE.match(text)
    french = _FRENCH_DATE.match(text)
    parts = (iso.group(1, 2, 3) if iso else None) or (french.group(3, 2, 1) if french else None)
    try:
        if parts is None:
            raise ValueError(text)  # noqa: TRY301 - one error path for shape and calendar faults
        year, month, day = (int(part) for part in parts)
        return date(year, month, day)
    except ValueError as exc:
        raise _cell_error(
            "A directory line has a birth date that is not YYYY-MM-DD or DD/MM/YYYY.", line, "birth_date"
        ) from exc


def _cell_error(message: str, line: int, column: str) -> ExportRejectedError:
    return rejected(ErrorCode.INVALID_DIRECTORY, message, line=line, column=column)
