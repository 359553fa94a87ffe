"""Who belongs to a course: its teachers and the students of its class or group, as of the import date.

Given the reconciliation's accounts, rosters and members are account keys (unmatched people dropped once,
up front); without, they are timetable idents.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from msgspec import Struct

from edt_import.domain.course_rules import AudienceKind, DerivedCourse
from edt_import.domain.timetable import Ident, Timetable


class CourseMembers(Struct, frozen=True, kw_only=True):
    teachers: frozenset[str]
    students: frozenset[str]


class Rosters(Struct, frozen=True, kw_only=True):
    """Students by class and by class part, counting only memberships active on the import date."""

    of_class: Mapping[Ident, frozenset[str]]
    of_part: Mapping[Ident, frozenset[str]]
    accounts: Mapping[Ident, str] | None = None  # student ident -> account, when rosters hold accounts


def build_rosters(timetable: Timetable, on: date, accounts: Mapping[Ident, str] | None = None) -> Rosters:
    of_class: dict[Ident, set[str]] = {}
    of_part: dict[Ident, set[str]] = {}
    for student in timetable.students.values():
        if accounts is None:
            who: str = student.ident
        elif student.ident in accounts:
            who = accounts[student.ident]
        else:
            continue
        for membership in student.classes:
            if membership.active_on(on):
                of_class.setdefault(membership.ident, set()).add(who)
        for membership in student.class_parts:
            if membership.active_on(on):
                of_part.setdefault(membership.ident, set()).add(who)
    return Rosters(
        of_class={ident: frozenset(members) for ident, members in of_class.items()},
        of_part={ident: frozenset(members) for ident, members in of_part.items()},
        accounts=accounts,
    )


def course_members(
    course: DerivedCourse,
    timetable: Timetable,
    rosters: Rosters,
    *,
    teacher_accounts: Mapping[Ident, str] | None = None,
) -> CourseMembers:
    """Every teacher of any lesson of the course present at least one of its weeks (substitutes too), and its
    students. A teacher present only in the weeks of another audience of the lesson (alternating half-groups
    with a teacher each) does not teach this course.

    A group's students are those of its classes, of its class parts and those placed in it directly; the
    class parts and students attached to the lesson itself (ULIS / allophone pupils) join as well.
    """
    teacher_idents = {link.ident for item in course.lessons for link in item.lesson.teachers if link.weeks & item.weeks}
    if teacher_accounts is None:
        teachers: set[str] = {ident for ident in teacher_idents if ident in timetable.teachers}
    else:
        teachers = {teacher_accounts[ident] for ident in teacher_idents if ident in teacher_accounts}
    students: set[str] = set()
    direct: list[Ident] = list(course.extra_students)
    if course.kind is AudienceKind.SCHOOL_CLASS:
        students.update(rosters.of_class.get(course.audience, ()))
    else:
        group = timetable.groups[course.audience]
        for class_ident in group.class_idents:
            students.update(rosters.of_class.get(class_ident, ()))
        for part_ident in group.class_part_idents:
            students.update(rosters.of_part.get(part_ident, ()))
        direct.extend(group.student_idents)
    for part_ident in course.extra_class_parts:
        students.update(rosters.of_part.get(part_ident, ()))
    accounts = rosters.accounts
    if accounts is None:
        students.update(ident for ident in direct if ident in timetable.students)
    else:
        students.update(accounts[ident] for ident in direct if ident in accounts)
    return CourseMembers(teachers=frozenset(teachers), students=frozenset(students))
