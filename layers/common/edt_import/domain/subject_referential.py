"""The wizard's subject screen: each subject of the export against the ENT's subject referential.

A referential file lists one subject code a line (blank lines ignored, surrounding spaces trimmed). Subjects it
holds show green (``recognised``), the others white (``unknown``: they can be added to it, and are imported
all the same), the ones the administrator switched off red (``disabled``: not imported).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from msgspec import Struct

from edt_import.domain.course_rules import DerivedCourse
from edt_import.domain.errors import ErrorCode, rejected
from edt_import.domain.selection import AnySelection, Selection, StoredSelection
from edt_import.domain.timetable import Timetable


class SubjectStatus(StrEnum):
    RECOGNISED = "recognised"  # in the ENT's subject referential (green)
    UNKNOWN = "unknown"  # not in it, can be added (white); still imported
    DISABLED = "disabled"  # switched off by the administrator (red); not imported


class SubjectReport(Struct, frozen=True, kw_only=True):
    code: str
    label: str
    status: SubjectStatus
    courses: int  # the courses the subject makes in this export
    imported: int  # of which selected


def parse_subject_codes(data: bytes) -> frozenset[str]:
    """The codes of a referential file (UTF-8, with or without a byte-order mark)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise rejected(ErrorCode.INVALID_SUBJECTS, "The subject referential is not UTF-8 text.") from exc
    if "\x00" in text:
        raise rejected(ErrorCode.INVALID_SUBJECTS, "The subject referential is not a text file.")
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def subject_reports(
    timetable: Timetable,
    courses: Iterable[DerivedCourse],
    selected: Iterable[DerivedCourse],
    selection: AnySelection | None,
    known_codes: Iterable[str] | None,
) -> tuple[SubjectReport, ...]:
    """One row per subject of the export, in code order; without a referential every enabled subject is unknown."""
    known = frozenset(known_codes or ())
    disabled = _disabled_codes(selection)
    made: dict[str, int] = {}
    imported: dict[str, int] = {}
    for course in courses:
        made[course.subject.ident] = made.get(course.subject.ident, 0) + 1
    for course in selected:
        imported[course.subject.ident] = imported.get(course.subject.ident, 0) + 1
    rows = []
    for subject in timetable.subjects.values():
        if subject.code in disabled:
            status = SubjectStatus.DISABLED
        elif subject.code in known:
            status = SubjectStatus.RECOGNISED
        else:
            status = SubjectStatus.UNKNOWN
        rows.append(
            SubjectReport(
                code=subject.code,
                label=subject.label,
                status=status,
                courses=made.get(subject.ident, 0),
                imported=imported.get(subject.ident, 0),
            )
        )
    return tuple(sorted(rows, key=lambda row: (row.code, row.label)))


def _disabled_codes(selection: AnySelection | None) -> frozenset[str]:
    if isinstance(selection, Selection):
        return selection.disabled_subjects
    if isinstance(selection, StoredSelection):
        return selection.subjects.disabled
    return frozenset()


MAX_CODES = 5000
MAX_CODE_LENGTH = 64


def checked_codes(codes: Iterable[str]) -> frozenset[str]:
    """An administrator's referential (codes trimmed); refuse an empty, overlong or control-character code."""
    kept: set[str] = set()
    for raw in codes:
        code = raw.strip()
        if not code or len(code) > MAX_CODE_LENGTH or not code.isprintable():
            raise rejected(
                ErrorCode.INVALID_SUBJECTS,
                f"A subject code must be 1 to {MAX_CODE_LENGTH} printable characters.",
                position=len(kept),
            )
        kept.add(code)
    if len(kept) > MAX_CODES:
        raise rejected(ErrorCode.INVALID_SUBJECTS, f"A subject referential holds at most {MAX_CODES} codes.")
    return frozenset(kept)
