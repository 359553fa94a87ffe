"""The timetable as read from an export: immutable typed values, validated once by the reader.

Idents are the export's own ``Ident`` strings, unique per kind (a class and a group may share one).
Mappings are keyed by ident and preserve the export's order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum
from typing import NewType

from edt_import.domain.week_mask import WeekMask

Ident = NewType("Ident", str)
Uai = NewType("Uai", str)
PronoteId = NewType("PronoteId", str)
CasId = NewType("CasId", str)


@dataclass(frozen=True, slots=True, kw_only=True)
class SchoolYear:
    start: date
    end: date
    week1_monday: date  # DatePremierJourSemaine1

    @property
    def label(self) -> str:
        """``2025 - 2026``: the year node's title suffix."""
        return f"{self.start.year} - {self.end.year}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Place:
    number: int  # the day's first place is 0
    start: time
    end: time


@dataclass(frozen=True, slots=True, kw_only=True)
class Grid:
    places_per_day: int
    place_minutes: int
    working_days: tuple[int, ...]  # 1 = Monday
    places: Mapping[int, Place]  # by number


@dataclass(frozen=True, slots=True, kw_only=True)
class Establishment:
    ident: Ident
    uai: Uai
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Subject:
    ident: Ident
    code: str  # national short code, e.g. AGL1
    label: str  # e.g. ANGLAIS LV1


@dataclass(frozen=True, slots=True, kw_only=True)
class Teacher:
    ident: Ident
    last_name: str
    first_name: str
    birth_date: date | None = None
    sts_id: str | None = None
    pronote_id: PronoteId | None = None
    cas_id: CasId | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ClassPart:
    ident: Ident
    class_ident: Ident
    name: str | None = None  # the 2013 schema gives class parts no name; newer exports may


@dataclass(frozen=True, slots=True, kw_only=True)
class SchoolClass:
    ident: Ident
    name: str
    part_idents: tuple[Ident, ...] = ()
    establishment: Ident | None = None  # multi-establishment exports


@dataclass(frozen=True, slots=True, kw_only=True)
class Group:
    ident: Ident
    name: str
    class_idents: tuple[Ident, ...] = ()
    class_part_idents: tuple[Ident, ...] = ()
    student_idents: tuple[Ident, ...] = ()  # newer exports place students in a group directly


@dataclass(frozen=True, slots=True, kw_only=True)
class Room:
    ident: Ident
    name: str


class Sex(StrEnum):
    MALE = "Masculin"
    FEMALE = "Feminin"


@dataclass(frozen=True, slots=True, kw_only=True)
class Membership:
    """A student's dated place in a class or a class part."""

    ident: Ident  # of the class or class part
    entry: date | None = None
    exit: date | None = None

    def active_on(self, day: date) -> bool:
        return (self.entry is None or self.entry <= day) and (self.exit is None or day <= self.exit)


@dataclass(frozen=True, slots=True, kw_only=True)
class Student:
    ident: Ident
    last_name: str
    first_name: str
    birth_date: date | None = None
    sex: Sex | None = None
    national_id: str | None = None  # INE
    pronote_id: PronoteId | None = None
    cas_id: CasId | None = None
    classes: tuple[Membership, ...] = ()
    class_parts: tuple[Membership, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class LessonLink:
    """One child of a lesson (teacher, class, class part, group, room, student) and its own weeks."""

    ident: Ident
    weeks: WeekMask


@dataclass(frozen=True, slots=True, kw_only=True)
class Lesson:
    """One weekly slot (``Cours/Cours``). ``index`` is its position in the export (stable tie-breaker)."""

    index: int
    day: int  # Jour: 1 = the first working day of the week (Monday)
    start_place: int
    place_count: int
    subject: Ident
    cancelled_weeks: WeekMask = 0  # SemainesAnnulation
    teachers: tuple[LessonLink, ...] = ()
    classes: tuple[LessonLink, ...] = ()
    class_parts: tuple[LessonLink, ...] = ()
    groups: tuple[LessonLink, ...] = ()
    rooms: tuple[LessonLink, ...] = ()
    students: tuple[LessonLink, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Timetable:
    uai: Uai
    version: str
    school_year: SchoolYear
    grid: Grid
    subjects: Mapping[Ident, Subject]
    teachers: Mapping[Ident, Teacher]
    classes: Mapping[Ident, SchoolClass]
    class_parts: Mapping[Ident, ClassPart]
    groups: Mapping[Ident, Group]
    rooms: Mapping[Ident, Room]
    students: Mapping[Ident, Student]
    lessons: tuple[Lesson, ...]
    establishments: Mapping[Ident, Establishment] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class ContainerInfo:
    """What the encrypted container says about itself (outer layer)."""

    version: str
    software: str  # LOGICIEL
    partners: tuple[str, ...]
    compressed: bool
    exported_at: str | None = None  # DATEHEURE, as written
    uai: Uai | None = None
    establishment_name: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadWarning:
    """Something suspicious but usable, for the administrator's summary; ``details`` holds safe facts only."""

    code: str
    message: str
    details: Mapping[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Export:
    """An opened, validated export: the container's facts (None for a clear XML), the timetable, warnings."""

    container: ContainerInfo | None
    timetable: Timetable
    warnings: tuple[ReadWarning, ...] = ()
