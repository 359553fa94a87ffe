"""Which courses a timetable makes: one per subject + class, or subject + group (domain.md, "How courses are derived").

A lesson with groups yields one course per group; otherwise one per class; a lesson with only class parts, or
with no audience at all, is not imported and is counted under its reason. Keys use idents (with a kind prefix,
since a class and a group may share an ident), never names.

Class parts and students attached to a lesson beside its class (ULIS / allophone pupils) join the class courses
the lesson makes, and the course of its group when it has exactly one. Beside several groups they only describe
who is in those groups (a half-class lesson naming G1, G2 and both halves): adding them to every group's course
would put each half into the other's.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from edt_import.domain.timetable import Ident, Lesson, LessonLink, Subject, Timetable

COURSE_TITLE_MAX = 64  # itslearning's course title field; the event title limit (80) is larger
_SEPARATOR = " - "
_KEY_UNSAFE = frozenset(":|")


class SkipReason(StrEnum):
    CLASS_PART_ONLY = "class_part_only"
    NO_AUDIENCE = "no_audience"
    OUTSIDE_GRID = "outside_grid"
    UNKNOWN_SUBJECT = "unknown_subject"  # a dangling subject reference in a damaged file


class AudienceKind(StrEnum):
    SCHOOL_CLASS = "c"
    GROUP = "g"


@dataclass(frozen=True, slots=True, kw_only=True)
class CourseLesson:
    """One lesson feeding a course, with the weeks its class or group is present (cancellations removed)."""

    lesson: Lesson
    weeks: int


@dataclass(frozen=True, slots=True, kw_only=True)
class DerivedCourse:
    key: str
    title: str
    subject: Subject
    kind: AudienceKind
    audience: Ident  # the class or group ident
    audience_name: str
    lessons: tuple[CourseLesson, ...]
    extra_class_parts: frozenset[Ident]  # ULIS / allophone parts attached to the lesson beside the class
    extra_students: frozenset[Ident]  # students attached to a lesson directly (newer exports)


@dataclass(frozen=True, slots=True, kw_only=True)
class CourseDerivation:
    courses: tuple[DerivedCourse, ...]  # in key order
    skipped: dict[SkipReason, int]


def school_year_slug(timetable: Timetable) -> str:
    year = timetable.school_year
    return f"{year.start.year}-{year.end.year}"


def year_node_key(timetable: Timetable) -> str:
    return f"edt:{timetable.uai}:{school_year_slug(timetable)}"


def subject_key_parts(timetable: Timetable) -> dict[Ident, str]:
    """The key segment of each subject: its code, or ``s{ident}`` when the code is empty, shared or unsafe."""
    by_code: dict[str, int] = {}
    for subject in timetable.subjects.values():
        by_code[subject.code] = by_code.get(subject.code, 0) + 1
    parts: dict[Ident, str] = {}
    for ident, subject in timetable.subjects.items():
        code = subject.code
        usable = code and by_code[code] == 1 and not _KEY_UNSAFE.intersection(code) and not code.isspace()
        parts[ident] = code if usable else f"s{ident}"
    return parts


def lesson_in_grid(lesson: Lesson, timetable: Timetable) -> bool:
    places = timetable.grid.places
    if not 1 <= lesson.day <= 7 or lesson.place_count < 1:
        return False
    return all(number in places for number in range(lesson.start_place, lesson.start_place + lesson.place_count))


def derive_courses(timetable: Timetable) -> CourseDerivation:
    """Group the lessons into courses; count the lessons that make none, per reason."""
    skipped: dict[SkipReason, int] = {}
    subject_parts = subject_key_parts(timetable)
    prefix = year_node_key(timetable)
    lessons_of: dict[str, list[CourseLesson]] = {}
    parts_of: dict[str, set[Ident]] = {}
    students_of: dict[str, set[Ident]] = {}
    audience_of: dict[str, tuple[Subject, AudienceKind, Ident, str]] = {}
    for lesson in timetable.lessons:
        reason, audiences = _audiences(lesson, timetable)
        if reason is not None:
            skipped[reason] = skipped.get(reason, 0) + 1
            continue
        subject = timetable.subjects[lesson.subject]
        not_cancelled = ~lesson.cancelled_weeks
        for kind, link, name in audiences:
            key = f"{prefix}:{subject_parts[subject.ident]}:{kind.value}{link.ident}"
            if key not in audience_of:
                audience_of[key] = (subject, kind, link.ident, name)
                lessons_of[key] = []
                parts_of[key] = set()
                students_of[key] = set()
            weeks = link.weeks & not_cancelled
            items = lessons_of[key]
            if items and items[-1].lesson is lesson:  # one audience named twice on a lesson: one set of weeks
                items[-1] = CourseLesson(lesson=lesson, weeks=items[-1].weeks | weeks)
            else:
                items.append(CourseLesson(lesson=lesson, weeks=weeks))
            if kind is AudienceKind.SCHOOL_CLASS or len(audiences) == 1:
                parts_of[key].update(part.ident for part in lesson.class_parts)
                students_of[key].update(student.ident for student in lesson.students)
    titles = unique_titles(
        {
            key: (audience_of[key][0].label.strip() or audience_of[key][0].code, audience_of[key][3])
            for key in audience_of
        }
    )
    courses = tuple(
        DerivedCourse(
            key=key,
            title=titles[key],
            subject=audience_of[key][0],
            kind=audience_of[key][1],
            audience=audience_of[key][2],
            audience_name=audience_of[key][3],
            lessons=tuple(lessons_of[key]),
            extra_class_parts=frozenset(parts_of[key]),
            extra_students=frozenset(students_of[key]),
        )
        for key in sorted(audience_of)
    )
    return CourseDerivation(courses=courses, skipped=skipped)


def _audiences(
    lesson: Lesson, timetable: Timetable
) -> tuple[SkipReason | None, list[tuple[AudienceKind, LessonLink, str]]]:
    if lesson.subject not in timetable.subjects:
        return SkipReason.UNKNOWN_SUBJECT, []
    groups = [
        (AudienceKind.GROUP, link, timetable.groups[link.ident].name)
        for link in lesson.groups
        if link.ident in timetable.groups
    ]
    classes = [
        (AudienceKind.SCHOOL_CLASS, link, timetable.classes[link.ident].name)
        for link in lesson.classes
        if link.ident in timetable.classes
    ]
    if not groups and not classes:
        return (SkipReason.CLASS_PART_ONLY if lesson.class_parts else SkipReason.NO_AUDIENCE), []
    if not lesson_in_grid(lesson, timetable):
        return SkipReason.OUTSIDE_GRID, []
    return None, groups or classes


def course_title(label: str, name: str, limit: int = COURSE_TITLE_MAX) -> str:
    """``LABEL - NAME`` within ``limit``: the subject label is trimmed first, the name only when alone too long."""
    label, name = label.strip(), name.strip()
    if not label:
        return name[:limit]
    full = f"{label}{_SEPARATOR}{name}"
    if len(full) <= limit:
        return full
    room = limit - len(_SEPARATOR) - len(name)
    if room >= 1:
        return f"{label[:room].rstrip()}{_SEPARATOR}{name}"
    return name[:limit]


def unique_titles(labels_and_names: dict[str, tuple[str, str]], limit: int = COURSE_TITLE_MAX) -> dict[str, str]:
    """Titles by course key, made unique in key order with a `` (2)``, `` (3)``... suffix inside the limit."""
    titles: dict[str, str] = {}
    taken: set[str] = set()
    for key in sorted(labels_and_names):
        label, name = labels_and_names[key]
        title = course_title(label, name, limit)
        number = 1
        while title in taken:
            number += 1
            suffix = f" ({number})"
            title = course_title(label, name, limit - len(suffix)) + suffix
        taken.add(title)
        titles[key] = title
    return titles
