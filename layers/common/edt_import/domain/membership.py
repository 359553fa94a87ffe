"""Who belongs to a course: its teachers and the students of its class or group, as of the import date."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from edt_import.domain.course_rules import AudienceKind, DerivedCourse
from edt_import.domain.timetable import Ident, Timetable


@dataclass(frozen=True, slots=True, kw_only=True)
class CourseMembers:
    teachers: frozenset[Ident]
    students: frozenset[Ident]


@dataclass(frozen=True, slots=True, kw_only=True)
class Rosters:
    """Students by class and by class part, counting only memberships active on the import date."""

    of_class: Mapping[Ident, frozenset[Ident]]
    of_part: Mapping[Ident, frozenset[Ident]]


def build_rosters(timetable: Timetable, on: date) -> Rosters:
    of_class: dict[Ident, set[Ident]] = {}
    of_part: dict[Ident, set[Ident]] = {}
    for student in timetable.students.values():
        for membership in student.classes:
            if membership.active_on(on):
                of_class.setdefault(membership.ident, set()).add(student.ident)
        for membership in student.class_parts:
            if membership.active_on(on):
                of_part.setdefault(membership.ident, set()).add(student.ident)
    return Rosters(
        of_class={ident: frozenset(idents) for ident, idents in of_class.items()},
        of_part={ident: frozenset(idents) for ident, idents in of_part.items()},
    )


def course_members(course: DerivedCourse, timetable: Timetable, rosters: Rosters) -> CourseMembers:
    """Every teacher of any lesson of the course (substitutes too), and its students.

    A group's students are those of its classes, of its class parts and those placed in it directly; the
    class parts and students attached to the lesson itself (ULIS / allophone pupils) join as well.
    """
    teachers = {
        link.ident for item in course.lessons for link in item.lesson.teachers if link.ident in timetable.teachers
    }
    students: set[Ident] = set()
    if course.kind is AudienceKind.SCHOOL_CLASS:
        students.update(rosters.of_class.get(course.audience, ()))
    else:
        group = timetable.groups[course.audience]
        for class_ident in group.class_idents:
            students.update(rosters.of_class.get(class_ident, ()))
        for part_ident in group.class_part_idents:
            students.update(rosters.of_part.get(part_ident, ()))
        students.update(ident for ident in group.student_idents if ident in timetable.students)
    for part_ident in course.extra_class_parts:
        students.update(rosters.of_part.get(part_ident, ()))
    students.update(ident for ident in course.extra_students if ident in timetable.students)
    return CourseMembers(teachers=frozenset(teachers), students=frozenset(students))
