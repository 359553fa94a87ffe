"""The timetable as read from an export: immutable typed values, validated once by the reader.

Idents are the export's own ``Ident`` strings, unique per kind (a class and a group may share one).
Mappings are keyed by ident and preserve the export's order.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time
from enum import StrEnum
from typing import NewType

from msgspec import Struct, field

from edt_import.domain.week_mask import WeekMask

Ident = NewType("Ident", str)
Uai = NewType("Uai", str)
PronoteId = NewType("PronoteId", str)
CasId = NewType("CasId", str)


class SchoolYear(Struct, frozen=True, kw_only=True):
    start: date
    end: date
    week1_monday: date  # DatePremierJourSemaine1

    @property
    def label(self) -> str:
        """``2025 - 2026``: the year node's title suffix."""
        return f"{self.start.year} - {self.end.year}"


class Place(Struct, frozen=True, kw_only=True):
    number: int  # the day's first place is 0
    start: time
    end: time


class Grid(Struct, frozen=True, kw_only=True):
    places_per_day: int
    place_minutes: int
    working_days: tuple[int, ...]  # 1 = Monday
    places: Mapping[int, Place]  # by number


class Establishment(Struct, frozen=True, kw_only=True):
    ident: Ident
    uai: Uai
    name: str


class Subject(Struct, frozen=True, kw_only=True):
    ident: Ident
    code: str  # national short code, e.g. AGL1
    label: str  # e.g. ANGLAIS LV1


class Teacher(Struct, frozen=True, kw_only=True):
    ident: Ident
    last_name: str
    first_name: str
    birth_date: date | None = None
    sts_id: str | None = None
    pronote_id: PronoteId | None = None
    cas_id: CasId | None = None


class ClassPart(Struct, frozen=True, kw_only=True):
    ident: Ident
    class_ident: Ident
    name: str | None = None  # the 2013 schema gives class parts no name; newer exports may


class SchoolClass(Struct, frozen=True, kw_only=True):
    ident: Ident
    name: str
    part_idents: tuple[Ident, ...] = ()
    establishment: Ident | None = None  # multi-establishment exports


class Group(Struct, frozen=True, kw_only=True):
    ident: Ident
    name: str
    class_idents: tuple[Ident, ...] = ()
    class_part_idents: tuple[Ident, ...] = ()
    student_idents: tuple[Ident, ...] = ()  # newer exports place students in a group directly


class Room(Struct, frozen=True, kw_only=True):
    ident: Ident
    name: str


class Sex(StrEnum):
    MALE = "Masculin"
    FEMALE = "Feminin"


class Membership(Struct, frozen=True, kw_only=True):
    """A student's dated place in a class or a class part."""

    ident: Ident  # of the class or class part
    entry: date | None = None
    exit: date | None = None

    def active_on(self, day: date) -> bool:
        return (self.entry is None or self.entry <= day) and (self.exit is None or day <= self.exit)


class Student(Struct, frozen=True, kw_only=True):
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


class LessonLink(Struct, frozen=True, kw_only=True):
    """One child of a lesson (teacher, class, class part, group, room, student) and its own weeks."""

    ident: Ident
    weeks: WeekMask


class Lesson(Struct, frozen=True, kw_only=True):
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


class Timetable(Struct, frozen=True, kw_only=True):
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


class ContainerInfo(Struct, frozen=True, kw_only=True):
    """What the encrypted container says about itself (outer layer)."""

    version: str
    software: str  # LOGICIEL
    partners: tuple[str, ...]
    compressed: bool
    exported_at: str | None = None  # DATEHEURE, as written
    uai: Uai | None = None
    establishment_name: str | None = None


class ReadWarning(Struct, frozen=True, kw_only=True):
    """Something suspicious but usable, for the administrator's summary; ``details`` holds safe facts only."""

    code: str
    message: str
    details: Mapping[str, str | int] = field(default_factory=dict)


class Export(Struct, frozen=True, kw_only=True):
    """An opened, validated export: the container's facts (None for a clear XML), the timetable, warnings."""

    container: ContainerInfo | None
    timetable: Timetable
    warnings: tuple[ReadWarning, ...] = ()
