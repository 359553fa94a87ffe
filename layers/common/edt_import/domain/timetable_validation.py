"""Checks on a timetable once the whole export is read: errors refuse it, warnings go to the administrator.

Errors (``invalid_timetable``) are what makes the export unusable: an ident that cannot be a key, a school year
that ends before it starts. References to undefined records are not errors (``dangling_references``). Warnings
are suspicious but usable facts; each has a stable code and one plain sentence. Messages name idents and lesson
positions only, never a person's data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import timedelta
from enum import StrEnum
from typing import Final

from edt_import.domain.errors import ErrorCode, rejected
from edt_import.domain.timetable import Ident, Lesson, ReadWarning, Timetable
from edt_import.domain.uai import is_valid_uai
from edt_import.domain.week_mask import MAX_WEEK

_MONDAY: Final = 0
_FIRST_DAY: Final = 1  # Jour: 1 = the first day of the week (Monday) ... 7
_LAST_DAY: Final = 7
_SHOWN: Final = 5  # idents quoted in a warning before "..."
# Idents and UAIs end up inside sync keys (``edt:{uai}:...{ident}``, ``course|person|role``): the XSD makes idents
# unsigned integers; letters, dash, underscore and dot are tolerated, never a separator, a space or a control.
_USABLE_IDENT: Final = re.compile(r"[0-9A-Za-z_.\-]{1,64}")
_USABLE_UAI: Final = re.compile(r"[0-9A-Za-z_.\-]{0,64}")
_IDENT_SHOWN: Final = 40  # characters of an unusable ident quoted in a message


class WarningCode(StrEnum):
    DUPLICATE_IDENT = "duplicate_ident"
    LESSON_OUTSIDE_GRID = "lesson_outside_grid"
    LESSON_DAY_NOT_WORKING = "lesson_day_not_working"
    STUDENT_WITHOUT_CLASS = "student_without_class"
    EMPTY_SECTION = "empty_section"
    INVALID_UAI = "invalid_uai"
    WEEK1_NOT_MONDAY = "week1_not_monday"
    DANGLING_REFERENCE = "dangling_reference"
    WEEKS_BEYOND_YEAR = "weeks_beyond_year"
    OTHER_ESTABLISHMENTS = "other_establishments"
    CONTAINER_UAI_DIFFERS = "container_uai_differs"


def lesson_label(index: int, day: int, start_place: int) -> str:
    """``lesson #12 (day 2, place 3)``: #n counts the export's ``Cours`` from 1."""
    return f"lesson #{index + 1} (day {day}, place {start_place})"


def label_of(lesson: Lesson) -> str:
    return lesson_label(lesson.index, lesson.day, lesson.start_place)


def shown(idents: Iterable[str]) -> str:
    """A few idents for a message: ``1, 2, 3, 4, 5, ...``."""
    listed = list(idents)
    return ", ".join(listed[:_SHOWN]) + (", ..." if len(listed) > _SHOWN else "")


def validate_timetable(timetable: Timetable) -> tuple[ReadWarning, ...]:
    """Raise ``invalid_timetable`` for an unusable timetable; return the warnings for a usable one."""
    year = timetable.school_year
    if year.end < year.start:
        raise rejected(
            ErrorCode.INVALID_TIMETABLE,
            f"The school year ends ({year.end.isoformat()}) before it starts ({year.start.isoformat()}).",
            element="AnneeScolaire",
        )
    # Weeks 1..63 must meet the year somewhere, or no lesson can ever be placed (and week counts go negative).
    if year.week1_monday > year.end or year.week1_monday + timedelta(weeks=MAX_WEEK) <= year.start:
        raise rejected(
            ErrorCode.INVALID_TIMETABLE,
            f"The first day of week 1 ({year.week1_monday.isoformat()}) leaves no week 1 to {MAX_WEEK} inside the "
            f"school year ({year.start.isoformat()} to {year.end.isoformat()}).",
            element="AnneeScolaire",
            attribute="DatePremierJourSemaine1",
        )
    if not timetable.lessons:
        raise rejected(
            ErrorCode.INVALID_TIMETABLE,
            "The export has no lesson (Cours), so there is nothing to import.",
            element="Cours",
        )
    _refuse_unusable_idents(timetable)
    return (
        *_school_year_warnings(timetable),
        *_grid_warnings(timetable),
        *_student_warnings(timetable),
        *_empty_section_warnings(timetable),
        *_uai_warnings(timetable),
    )


# -- idents ---------------------------------------------------------------------------------------------------


def printable_ident(ident: str) -> str:
    """An ident as a message may quote it: control characters as ``?``, cut after 40 characters."""
    cleaned = "".join(character if character.isprintable() else "?" for character in ident[:_IDENT_SHOWN])
    return cleaned + ("..." if len(ident) > _IDENT_SHOWN else "")


def _refuse_unusable_idents(timetable: Timetable) -> None:
    for attribute, uai in (
        ("UAI", timetable.uai),
        *(("Numero", establishment.uai) for establishment in timetable.establishments.values()),
    ):
        if _USABLE_UAI.fullmatch(uai) is None:
            element = "ExportEmploiDuTemps" if attribute == "UAI" else "Etablissement"
            raise rejected(
                ErrorCode.INVALID_TIMETABLE,
                f"The establishment code (UAI) of {element} holds a space, a control character or a separator; "
                "the export is damaged.",
                element=element,
                attribute=attribute,
            )
    sections: tuple[tuple[str, Mapping[Ident, object]], ...] = (
        ("Matiere", timetable.subjects),
        ("Professeur", timetable.teachers),
        ("Classe", timetable.classes),
        ("PartieDeClasse", timetable.class_parts),
        ("Groupe", timetable.groups),
        ("Salle", timetable.rooms),
        ("Eleve", timetable.students),
        ("Etablissement", timetable.establishments),
    )
    for element, records in sections:
        for ident in records:
            if _USABLE_IDENT.fullmatch(ident) is None:
                shown_ident = printable_ident(ident)
                raise rejected(
                    ErrorCode.INVALID_TIMETABLE,
                    f"A {element} has the ident {shown_ident!r}, which is not a plain code of letters and digits; "
                    "the export is damaged.",
                    element=element,
                    ident=shown_ident,
                )


# -- warnings ----------------------------------------------------------------------------------------------------


def _warning(code: WarningCode, message: str) -> ReadWarning:
    return ReadWarning(code=code, message=message)


def _school_year_warnings(timetable: Timetable) -> Iterator[ReadWarning]:
    year = timetable.school_year
    if year.week1_monday.weekday() != _MONDAY:
        yield _warning(
            WarningCode.WEEK1_NOT_MONDAY,
            f"The first day of week 1 ({year.week1_monday.isoformat()}) is not a Monday; "
            "lesson dates are counted from it as written.",
        )
    last_week = (year.end - year.week1_monday).days // 7 + 1
    if last_week >= MAX_WEEK:
        return
    beyond = ~((1 << (last_week + 1)) - 1)
    late = [
        lesson
        for lesson in timetable.lessons
        if any(
            link.weeks & beyond
            for links in (
                lesson.teachers,
                lesson.classes,
                lesson.class_parts,
                lesson.groups,
                lesson.rooms,
                lesson.students,
            )
            for link in links
        )
    ]
    if late:
        yield _warning(
            WarningCode.WEEKS_BEYOND_YEAR,
            f"{len(late)} lesson(s) have weeks after the end of the school year (week {last_week}), "
            f"first {label_of(late[0])}; those weeks are ignored.",
        )


def _grid_warnings(timetable: Timetable) -> Iterator[ReadWarning]:
    places = timetable.grid.places
    outside = [
        lesson
        for lesson in timetable.lessons
        if lesson.place_count < 1
        or not _FIRST_DAY <= lesson.day <= _LAST_DAY
        or any(number not in places for number in range(lesson.start_place, lesson.start_place + lesson.place_count))
    ]
    if outside:
        yield _warning(
            WarningCode.LESSON_OUTSIDE_GRID,
            f"{len(outside)} lesson(s) use days or places missing from the time grid and will be skipped, "
            f"first {label_of(outside[0])}.",
        )
    working = set(timetable.grid.working_days)
    if working:
        off = [lesson for lesson in timetable.lessons if lesson.day not in working]
        if off:
            yield _warning(
                WarningCode.LESSON_DAY_NOT_WORKING,
                f"{len(off)} lesson(s) fall on a day that is not a working day of the grid, first {label_of(off[0])}.",
            )


def _student_warnings(timetable: Timetable) -> Iterator[ReadWarning]:
    classless = [student.ident for student in timetable.students.values() if not student.classes]
    if classless:
        yield _warning(
            WarningCode.STUDENT_WITHOUT_CLASS,
            # A count only: a warning may reach logs, and student idents point at people.
            f"{len(classless)} student(s) belong to no class; "
            "they only join courses through groups or lessons that name them.",
        )


def _empty_section_warnings(timetable: Timetable) -> Iterator[ReadWarning]:
    sections = {
        "subjects": timetable.subjects,
        "teachers": timetable.teachers,
        "classes": timetable.classes,
        "rooms": timetable.rooms,
        "students": timetable.students,
    }
    empty = [name for name, items in sections.items() if not items]
    if not timetable.grid.places:
        empty.insert(0, "time grid places")
    if empty:
        yield _warning(WarningCode.EMPTY_SECTION, f"The export has no {', no '.join(empty)}.")


def _uai_warnings(timetable: Timetable) -> Iterator[ReadWarning]:
    uais = [timetable.uai] if timetable.uai else []
    uais += [establishment.uai for establishment in timetable.establishments.values() if establishment.uai]
    invalid = [uai for uai in dict.fromkeys(uais) if not is_valid_uai(uai)]
    if invalid:
        yield _warning(
            WarningCode.INVALID_UAI,
            f"The establishment code(s) {shown(invalid)} do not end with their check letter; check the UAI.",
        )
