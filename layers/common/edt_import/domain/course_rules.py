"""Which courses a timetable makes: one per subject + class, or subject + group (docs/rules.md, "Courses").

A lesson with groups yields one course per group, plus one per class of the lesson that none of those groups
contains (wholly or through its class parts); a lesson without groups yields one per class. A lesson with only
class parts, or with no audience at all, is not imported: it is listed with its reason. Keys use idents (with a
kind prefix, since a class and a group may share an ident), never names.

Class parts and students attached to a lesson (ULIS / allophone pupils) join every course the lesson makes,
unless one of the lesson's groups already holds them: then they only describe who is in that group (a half-class
lesson naming G1, G2 and both halves must not put each half into the other's course).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time
from enum import StrEnum

from msgspec import Struct

from edt_import.domain.timetable import Group, Ident, Lesson, LessonLink, Subject, Timetable

COURSE_TITLE_MAX = 64  # itslearning's course title field; the event title limit (80) is larger
_SEPARATOR = " - "
_KEY_UNSAFE = frozenset(":|")


class SkipReason(StrEnum):
    """Why a lesson is not imported: the one list of reasons, in the order they are checked."""

    UNKNOWN_SUBJECT = "unknown_subject"  # its subject is not declared in the export
    CLASS_PART_ONLY = "class_part_only"  # a class part alone never makes a course
    NO_AUDIENCE = "no_audience"  # no class, group or class part: nobody attends it
    OUTSIDE_GRID = "outside_grid"  # its day or places are not in the grid: it cannot be placed
    NOT_SELECTED = "not_selected"  # every course it makes is disabled, or not selected at the last manual import


class AudienceKind(StrEnum):
    SCHOOL_CLASS = "c"
    GROUP = "g"


class CourseLesson(Struct, frozen=True, kw_only=True):
    """One lesson feeding a course, with the weeks its class or group is present (cancellations removed)."""

    lesson: Lesson
    weeks: int


class DerivedCourse(Struct, frozen=True, kw_only=True):
    key: str
    title: str
    subject: Subject
    kind: AudienceKind
    audience: Ident  # the class or group ident
    audience_name: str
    lessons: tuple[CourseLesson, ...]
    extra_class_parts: frozenset[Ident]  # ULIS / allophone parts attached to a lesson beside its class or groups
    extra_students: frozenset[Ident]  # students attached to a lesson directly (newer exports)


class LessonPart(Struct, frozen=True, kw_only=True):
    """A class part attached to a lesson, as a report shows it: class parts carry no name of their own."""

    ident: Ident
    class_name: str | None  # None when the export does not define the part or its class


class SkippedLesson(Struct, frozen=True, kw_only=True):
    """A lesson that is not imported, with what the school needs to find it in its timetable and fix it."""

    index: int  # position in the export
    reason: SkipReason
    subject_ident: Ident
    subject_code: str | None  # None when the subject is not declared
    subject_label: str | None
    day: int  # 1 = Monday
    start_place: int
    start: time | None  # None when the place is not in the grid
    classes: tuple[str, ...]  # names
    groups: tuple[str, ...]
    class_parts: tuple[LessonPart, ...]
    students: int  # pupils attached directly (counted, never named here)


class CourseDerivation(Struct, frozen=True, kw_only=True):
    courses: tuple[DerivedCourse, ...]  # in key order
    skipped: tuple[SkippedLesson, ...]  # in export order

    @property
    def skipped_counts(self) -> dict[SkipReason, int]:
        return count_reasons(self.skipped)


def count_reasons(skipped: Iterable[SkippedLesson]) -> dict[SkipReason, int]:
    """Lessons per reason, every reason present (zero included), in the reasons' order."""
    counts = dict.fromkeys(SkipReason, 0)
    for lesson in skipped:
        counts[lesson.reason] += 1
    return counts


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


_Audience = tuple[AudienceKind, LessonLink, str]


def derive_courses(timetable: Timetable) -> CourseDerivation:
    """Group the lessons into courses; list the lessons that make none, with their reason."""
    skipped: list[SkippedLesson] = []
    subject_parts = subject_key_parts(timetable)
    prefix = year_node_key(timetable)
    lessons_of: dict[str, list[CourseLesson]] = {}
    parts_of: dict[str, set[Ident]] = {}
    students_of: dict[str, set[Ident]] = {}
    audience_of: dict[str, tuple[Subject, AudienceKind, Ident, str]] = {}
    for lesson in timetable.lessons:
        reason, audiences, groups = _audiences(lesson, timetable)
        if reason is not None:
            skipped.append(skipped_lesson(lesson, reason, timetable))
            continue
        subject = timetable.subjects[lesson.subject]
        not_cancelled = ~lesson.cancelled_weeks
        extra_parts, extra_students = _extras(lesson, timetable, groups)
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
            if extra_parts:
                parts_of[key].update(extra_parts)
            if extra_students:
                students_of[key].update(extra_students)
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
    return CourseDerivation(courses=courses, skipped=tuple(skipped))


def _audiences(lesson: Lesson, timetable: Timetable) -> tuple[SkipReason | None, list[_Audience], list[Group]]:
    """The lesson's courses' audiences (its groups, then the classes none of them contains) and its groups."""
    if lesson.subject not in timetable.subjects:
        return SkipReason.UNKNOWN_SUBJECT, [], []
    known_groups = timetable.groups
    groups = [known_groups[link.ident] for link in lesson.groups if link.ident in known_groups]
    classes = [link for link in lesson.classes if link.ident in timetable.classes]
    if not groups and not classes:
        return (SkipReason.CLASS_PART_ONLY if lesson.class_parts else SkipReason.NO_AUDIENCE), [], []
    if not lesson_in_grid(lesson, timetable):
        return SkipReason.OUTSIDE_GRID, [], []
    audiences: list[_Audience] = [
        (AudienceKind.GROUP, link, known_groups[link.ident].name)
        for link in lesson.groups
        if link.ident in known_groups
    ]
    if groups:
        held = _classes_held(groups, timetable)
        classes = [link for link in classes if link.ident not in held]
    audiences.extend((AudienceKind.SCHOOL_CLASS, link, timetable.classes[link.ident].name) for link in classes)
    return None, audiences, groups


def _classes_held(groups: list[Group], timetable: Timetable) -> set[Ident]:
    """The classes these groups are made of, wholly or through one of their class parts."""
    held: set[Ident] = set()
    parts = timetable.class_parts
    for group in groups:
        held.update(group.class_idents)
        held.update(parts[ident].class_ident for ident in group.class_part_idents if ident in parts)
    return held


def _extras(lesson: Lesson, timetable: Timetable, groups: list[Group]) -> tuple[frozenset[Ident], frozenset[Ident]]:
    """The class parts and students attached to the lesson that join its courses: those no group of it holds."""
    if not lesson.class_parts and not lesson.students:
        return frozenset(), frozenset()
    part_idents = {link.ident for link in lesson.class_parts}
    student_idents = {link.ident for link in lesson.students}
    if not groups:
        return frozenset(part_idents), frozenset(student_idents)
    group_classes = {ident for group in groups for ident in group.class_idents}
    group_parts = {ident for group in groups for ident in group.class_part_idents}
    group_students = {ident for group in groups for ident in group.student_idents}
    parts = timetable.class_parts
    free_parts = {
        ident
        for ident in part_idents
        if ident not in group_parts and (ident not in parts or parts[ident].class_ident not in group_classes)
    }
    free_students = {
        ident
        for ident in student_idents
        if ident not in group_students and not _student_in(ident, timetable, group_classes, group_parts)
    }
    return frozenset(free_parts), frozenset(free_students)


def _student_in(ident: Ident, timetable: Timetable, classes: set[Ident], parts: set[Ident]) -> bool:
    student = timetable.students.get(ident)
    if student is None:
        return False
    return any(m.ident in classes for m in student.classes) or any(m.ident in parts for m in student.class_parts)


def skipped_lesson(lesson: Lesson, reason: SkipReason, timetable: Timetable) -> SkippedLesson:
    subject = timetable.subjects.get(lesson.subject)
    place = timetable.grid.places.get(lesson.start_place)
    classes, groups = timetable.classes, timetable.groups
    return SkippedLesson(
        index=lesson.index,
        reason=reason,
        subject_ident=lesson.subject,
        subject_code=subject.code if subject is not None else None,
        subject_label=subject.label if subject is not None else None,
        day=lesson.day,
        start_place=lesson.start_place,
        start=place.start if place is not None else None,
        classes=tuple(classes[link.ident].name for link in lesson.classes if link.ident in classes),
        groups=tuple(groups[link.ident].name for link in lesson.groups if link.ident in groups),
        class_parts=tuple(_lesson_part(link.ident, timetable) for link in lesson.class_parts),
        students=len(lesson.students),
    )


def _lesson_part(ident: Ident, timetable: Timetable) -> LessonPart:
    part = timetable.class_parts.get(ident)
    school_class = timetable.classes.get(part.class_ident) if part is not None else None
    return LessonPart(ident=ident, class_name=school_class.name if school_class is not None else None)


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
