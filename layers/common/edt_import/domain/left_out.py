"""Whoever the course rules leave out: teachers, pupils and classes of the export in no course at all.

Nobody is dropped silently (docs/rules.md, "Courses"): a pupil or a class that only class-part
lessons name, a teacher of skipped lessons only, a pupil placed in nothing that makes a course. Reckoned on every
course the export makes, before the administrator's selection (switching a course off is a choice, not a loss),
and on memberships whatever their dates (a pupil who left is not left out by a rule).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from msgspec import Struct

from edt_import.domain.course_rules import AudienceKind, CourseDerivation
from edt_import.domain.timetable import Ident, Lesson, Student, Timetable


class LeftOutReason(StrEnum):
    ONLY_IN_SKIPPED_LESSONS = "only_in_skipped_lessons"  # every lesson naming them is not imported
    NO_COMMON_WEEK = "no_common_week"  # a teacher present only in weeks without the lesson's classes or groups
    IN_NO_LESSON = "in_no_lesson"  # no lesson names them, nor a class, part or group of theirs


class LeftOut(Struct, frozen=True, kw_only=True):
    teachers: tuple[tuple[Ident, LeftOutReason], ...]  # in export order
    students: tuple[tuple[Ident, LeftOutReason], ...]
    classes: tuple[tuple[Ident, LeftOutReason], ...]


class _Reach(Struct):
    """Who a set of lessons reaches: classes, class parts and pupils named (through groups too), teachers."""

    classes: set[Ident]
    parts: set[Ident]
    students: set[Ident]
    teachers: set[Ident]

    def holds(self, student: Student) -> bool:
        return (
            student.ident in self.students
            or any(m.ident in self.classes for m in student.classes)
            or any(m.ident in self.parts for m in student.class_parts)
        )


def left_out(timetable: Timetable, derivation: CourseDerivation) -> LeftOut:
    imported = _courses_reach(timetable, derivation)
    by_index = {lesson.index: lesson for lesson in timetable.lessons}
    skipped = _lessons_reach(timetable, (by_index[s.index] for s in derivation.skipped if s.index in by_index))
    named = {link.ident for c in derivation.courses for item in c.lessons for link in item.lesson.teachers}
    teachers = [
        (ident, _reason(ident in skipped.teachers, ident in named))
        for ident in timetable.teachers
        if ident not in imported.teachers
    ]
    students = [
        (ident, _reason(skipped.holds(student)))
        for ident, student in timetable.students.items()
        if not imported.holds(student)
    ]
    parts = timetable.class_parts
    class_of_part = {parts[p].class_ident for p in imported.parts if p in parts}
    skipped_class_of_part = {parts[p].class_ident for p in skipped.parts if p in parts}
    classes = [
        (ident, _reason(ident in skipped.classes or ident in skipped_class_of_part))
        for ident in timetable.classes
        if ident not in imported.classes and ident not in class_of_part
    ]
    return LeftOut(teachers=tuple(teachers), students=tuple(students), classes=tuple(classes))


def _reason(in_skipped: bool, named: bool = False) -> LeftOutReason:
    if in_skipped:
        return LeftOutReason.ONLY_IN_SKIPPED_LESSONS
    return LeftOutReason.NO_COMMON_WEEK if named else LeftOutReason.IN_NO_LESSON


def _courses_reach(timetable: Timetable, derivation: CourseDerivation) -> _Reach:
    reach = _Reach(classes=set(), parts=set(), students=set(), teachers=set())
    for course in derivation.courses:
        if course.kind is AudienceKind.SCHOOL_CLASS:
            reach.classes.add(course.audience)
        else:
            _add_group(reach, course.audience, timetable)
        reach.parts.update(course.extra_class_parts)
        reach.students.update(course.extra_students)
        for item in course.lessons:
            reach.teachers.update(link.ident for link in item.lesson.teachers if link.weeks & item.weeks)
    return reach


def _lessons_reach(timetable: Timetable, lessons: Iterable[Lesson]) -> _Reach:
    reach = _Reach(classes=set(), parts=set(), students=set(), teachers=set())
    for lesson in lessons:
        reach.classes.update(link.ident for link in lesson.classes)
        reach.parts.update(link.ident for link in lesson.class_parts)
        reach.students.update(link.ident for link in lesson.students)
        reach.teachers.update(link.ident for link in lesson.teachers)
        for link in lesson.groups:
            _add_group(reach, link.ident, timetable)
    return reach


def _add_group(reach: _Reach, ident: Ident, timetable: Timetable) -> None:
    group = timetable.groups.get(ident)
    if group is not None:
        reach.classes.update(group.class_idents)
        reach.parts.update(group.class_part_idents)
        reach.students.update(group.student_idents)
