"""Small hand-built timetables for the planner's rules: sensible defaults, override what the test is about.

Default establishment: school year 2025-2026, week 1 = Monday 1 September 2025, places of 1 hour from
08:00 (place 0) to 18:00, subject MATHS, teacher t1, class c1 "3A" with students s1 and s2, room r1,
and one lesson on Mondays 08:00-09:00 every week.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, time
from typing import Any, TypeVar

from edt_import.domain.directory import DirectoryPerson, PersonKey, Profile, Source
from edt_import.domain.planning import PlanResult, PlanSettings, plan_import
from edt_import.domain.timetable import (
    CasId,
    ClassPart,
    Grid,
    Group,
    Ident,
    Lesson,
    LessonLink,
    Membership,
    Place,
    PronoteId,
    Room,
    SchoolClass,
    SchoolYear,
    Student,
    Subject,
    Teacher,
    Timetable,
    Uai,
)
from edt_import.domain.week_mask import ALL_WEEKS, WeekMask

UAI = "0750001A"
WEEK1 = date(2025, 9, 1)
YEAR_KEY = f"edt:{UAI}:2025-2026"

T = TypeVar("T", Subject, Teacher, SchoolClass, ClassPart, Group, Room, Student)


def link(ident: str, weeks: WeekMask = ALL_WEEKS) -> LessonLink:
    return LessonLink(ident=Ident(ident), weeks=weeks)


def a_subject(ident: str = "m1", code: str = "MATHS", label: str = "MATHEMATIQUES") -> Subject:
    return Subject(ident=Ident(ident), code=code, label=label)


def a_teacher(
    ident: str = "t1",
    last_name: str = "DUPONT",
    first_name: str = "Jean",
    *,
    pronote_id: str | None = None,
    cas_id: str | None = None,
) -> Teacher:
    return Teacher(
        ident=Ident(ident),
        last_name=last_name,
        first_name=first_name,
        pronote_id=PronoteId(pronote_id) if pronote_id else None,
        cas_id=CasId(cas_id) if cas_id else None,
    )


def a_student(
    ident: str = "s1",
    last_name: str = "MARTIN",
    first_name: str = "Lea",
    *,
    birth_date: date | None = date(2011, 3, 4),
    classes: Iterable[str | Membership] = ("c1",),
    class_parts: Iterable[str | Membership] = (),
    pronote_id: str | None = None,
    cas_id: str | None = None,
) -> Student:
    return Student(
        ident=Ident(ident),
        last_name=last_name,
        first_name=first_name,
        birth_date=birth_date,
        classes=tuple(_membership(item) for item in classes),
        class_parts=tuple(_membership(item) for item in class_parts),
        pronote_id=PronoteId(pronote_id) if pronote_id else None,
        cas_id=CasId(cas_id) if cas_id else None,
    )


def _membership(item: str | Membership) -> Membership:
    return item if isinstance(item, Membership) else Membership(ident=Ident(item))


def a_class(ident: str = "c1", name: str = "3A", parts: Iterable[str] = ()) -> SchoolClass:
    return SchoolClass(ident=Ident(ident), name=name, part_idents=tuple(Ident(p) for p in parts))


def a_class_part(ident: str, class_ident: str = "c1", name: str | None = None) -> ClassPart:
    return ClassPart(ident=Ident(ident), class_ident=Ident(class_ident), name=name)


def a_group(
    ident: str = "g1",
    name: str = "3A_LV1",
    *,
    classes: Iterable[str] = (),
    class_parts: Iterable[str] = (),
    students: Iterable[str] = (),
) -> Group:
    return Group(
        ident=Ident(ident),
        name=name,
        class_idents=tuple(Ident(i) for i in classes),
        class_part_idents=tuple(Ident(i) for i in class_parts),
        student_idents=tuple(Ident(i) for i in students),
    )


def a_room(ident: str = "r1", name: str = "A101") -> Room:
    return Room(ident=Ident(ident), name=name)


def a_lesson(**overrides: Any) -> Lesson:
    values: dict[str, Any] = {
        "index": 0,
        "day": 1,
        "start_place": 0,
        "place_count": 1,
        "subject": Ident("m1"),
        "teachers": (link("t1"),),
        "classes": (link("c1"),),
        "rooms": (link("r1"),),
    }
    values.update(overrides)
    return Lesson(**values)


def a_grid(first_hour: int = 8, places: int = 10) -> Grid:
    return Grid(
        places_per_day=places,
        place_minutes=60,
        working_days=(1, 2, 3, 4, 5),
        places={
            n: Place(number=n, start=time(first_hour + n, 0), end=time(first_hour + n + 1, 0)) for n in range(places)
        },
    )


def _by_ident(items: Iterable[T]) -> dict[Ident, T]:
    return {item.ident: item for item in items}


def a_timetable(
    *,
    lessons: Iterable[Lesson] | None = None,
    subjects: Iterable[Subject] | None = None,
    teachers: Iterable[Teacher] | None = None,
    classes: Iterable[SchoolClass] | None = None,
    class_parts: Iterable[ClassPart] = (),
    groups: Iterable[Group] = (),
    rooms: Iterable[Room] | None = None,
    students: Iterable[Student] | None = None,
    week1: date = WEEK1,
    year_start: date | None = None,  # DateDebut; default the Monday of week 1
    year_end: date | None = None,  # DateFin; default 4 July of the next calendar year
) -> Timetable:
    start = year_start if year_start is not None else week1
    end = year_end if year_end is not None else date(week1.year + 1, 7, 4)
    return Timetable(
        uai=Uai(UAI),
        version="1.1",
        school_year=SchoolYear(start=start, end=end, week1_monday=week1),
        grid=a_grid(),
        subjects=_by_ident(subjects if subjects is not None else [a_subject()]),
        teachers=_by_ident(teachers if teachers is not None else [a_teacher()]),
        classes=_by_ident(classes if classes is not None else [a_class()]),
        class_parts=_by_ident(class_parts),
        groups=_by_ident(groups),
        rooms=_by_ident(rooms if rooms is not None else [a_room()]),
        students=_by_ident(students if students is not None else [a_student(), a_student("s2", "BERNARD", "Hugo")]),
        lessons=tuple(lessons if lessons is not None else [a_lesson()]),
    )


def an_account(
    key: str,
    last_name: str,
    first_name: str,
    *,
    profile: Profile = Profile.STUDENT,
    birth_date: date | None = None,
    cas_id: str | None = None,
    source: Source = Source.AAF,
) -> DirectoryPerson:
    return DirectoryPerson(
        person_key=PersonKey(key),
        profile=profile,
        last_name=last_name,
        first_name=first_name,
        birth_date=birth_date,
        cas_id=cas_id,
        source=source,
    )


def directory_for(timetable: Timetable) -> list[DirectoryPerson]:
    """One matching account per person: teachers ``T-{ident}``, students ``S-{ident}``."""
    teachers = [
        an_account(f"T-{t.ident}", t.last_name, t.first_name, profile=Profile.TEACHER)
        for t in timetable.teachers.values()
    ]
    students = [
        an_account(f"S-{s.ident}", s.last_name, s.first_name, birth_date=s.birth_date)
        for s in timetable.students.values()
    ]
    return teachers + students


def plan_of(
    timetable: Timetable,
    *,
    today: date = WEEK1,
    directory: Iterable[DirectoryPerson] | None = None,
    **kwargs: Any,
) -> PlanResult:
    """Plan with the default directory (everyone matched) unless told otherwise."""
    people = list(directory) if directory is not None else directory_for(timetable)
    settings = PlanSettings(today=today, **{k: v for k, v in kwargs.items() if k not in {"previous", "selection"}})
    return plan_import(
        timetable, people, previous=kwargs.get("previous"), selection=kwargs.get("selection"), settings=settings
    )


def course_key(subject_code: str = "MATHS", audience: str = "cc1") -> str:
    """``audience`` is the key segment: kind letter + ident (class c1 -> ``cc1``, group g1 -> ``gg1``)."""
    return f"{YEAR_KEY}:{subject_code}:{audience}"


def counts(mapping: Mapping[str, int]) -> dict[str, int]:
    """Non-zero counts only, for exact assertions."""
    return {key: value for key, value in mapping.items() if value}
