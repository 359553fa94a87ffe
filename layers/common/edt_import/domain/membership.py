"""Who belongs to a course: its teachers and the students of its class or group, as of the import date.

Given the reconciliation's accounts, rosters and members are account keys (unmatched people dropped once,
up front); without, they are timetable idents.
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Mapping
from datetime import date
from typing import NamedTuple

from msgspec import Struct, field

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
    digests: dict[tuple[bool, Ident], bytes] = field(default_factory=dict)  # made when asked (``roster_digest``)
    student_facts: dict[tuple[object, ...], tuple[object, ...]] = field(default_factory=dict)  # by audience

    def roster_digest(self, ident: Ident, *, part: bool = False) -> bytes:
        """A digest of the students of a class (or class part): equal digests, equal students."""
        key = (part, ident)
        digest = self.digests.get(key)
        if digest is None:
            students = (self.of_part if part else self.of_class).get(ident, ())
            digest = self.digests[key] = hashlib.blake2b(marshal.dumps(tuple(sorted(students)), 0)).digest()
        return digest


class StudentSources(NamedTuple):
    """Where a course's students come from: whole classes, class parts, and students named one by one."""

    classes: tuple[Ident, ...]
    parts: tuple[Ident, ...]
    students: tuple[Ident, ...]


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
    sources = student_sources(course, timetable)
    students: set[str] = set()
    for class_ident in sources.classes:
        students.update(rosters.of_class.get(class_ident, ()))
    for part_ident in sources.parts:
        students.update(rosters.of_part.get(part_ident, ()))
    students.update(_named_students(sources.students, timetable, rosters))
    return CourseMembers(teachers=course_teachers(course, timetable, teacher_accounts), students=frozenset(students))


def members_facts(
    course: DerivedCourse, timetable: Timetable, rosters: Rosters, *, teacher_accounts: Mapping[Ident, str]
) -> tuple[object, ...]:
    """Plain values saying all that ``course_members`` reads: two courses with equal facts have equal members.

    Made of the same parts as the members (teachers, sources, rosters), without gathering the students: each
    roster stands as its digest, and the students' part is made once for all the courses of an audience."""
    audience = (course.kind, course.audience, course.extra_class_parts, course.extra_students)
    students = rosters.student_facts.get(audience)
    if students is None:
        sources = student_sources(course, timetable)
        students = rosters.student_facts[audience] = (
            tuple(sorted(rosters.roster_digest(ident) for ident in sources.classes)),
            tuple(sorted(rosters.roster_digest(ident, part=True) for ident in sources.parts)),
            tuple(sorted(_named_students(sources.students, timetable, rosters))),
        )
    return (tuple(sorted(course_teachers(course, timetable, teacher_accounts))), students)


def student_sources(course: DerivedCourse, timetable: Timetable) -> StudentSources:
    extra_parts, extra_students = tuple(course.extra_class_parts), tuple(course.extra_students)
    if course.kind is AudienceKind.SCHOOL_CLASS:
        return StudentSources((course.audience,), extra_parts, extra_students)
    group = timetable.groups[course.audience]
    return StudentSources(
        group.class_idents, (*group.class_part_idents, *extra_parts), (*extra_students, *group.student_idents)
    )


def course_teachers(
    course: DerivedCourse, timetable: Timetable, teacher_accounts: Mapping[Ident, str] | None
) -> frozenset[str]:
    idents = {link.ident for item in course.lessons for link in item.lesson.teachers if link.weeks & item.weeks}
    if teacher_accounts is None:
        return frozenset(ident for ident in idents if ident in timetable.teachers)
    return frozenset(teacher_accounts[ident] for ident in idents if ident in teacher_accounts)


def _named_students(idents: tuple[Ident, ...], timetable: Timetable, rosters: Rosters) -> set[str]:
    accounts = rosters.accounts
    if accounts is None:
        return {ident for ident in idents if ident in timetable.students}
    return {accounts[ident] for ident in idents if ident in accounts}
