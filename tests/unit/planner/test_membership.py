from __future__ import annotations

from datetime import date

from edt_import.domain.directory import Profile, Source
from edt_import.domain.plan import ActionType, MemberSpec
from edt_import.domain.planning import PlanResult
from edt_import.domain.timetable import Ident, Membership
from tests.unit.planner.builders import (
    a_class,
    a_class_part,
    a_group,
    a_lesson,
    a_student,
    a_teacher,
    a_timetable,
    an_account,
    course_key,
    directory_for,
    link,
    plan_of,
)


def members_of(result: PlanResult, key: str) -> set[tuple[str, str]]:
    return {
        (a.target.person_key, a.target.role.value)
        for a in result.plan.actions
        if a.type is ActionType.ADD_MEMBER and isinstance(a.target, MemberSpec) and a.target.course_key == key
    }


def test_plan_class_course_members_are_its_teacher_and_class_students() -> None:
    # Given the default timetable (teacher t1, class 3A with s1 and s2)
    result = plan_of(a_timetable())
    # Then
    assert members_of(result, course_key()) == {("T-t1", "Instructor"), ("S-s1", "Learner"), ("S-s2", "Learner")}
    assert f"{course_key()}|S-s1|Learner" in {a.key for a in result.plan.actions}


def test_plan_every_teacher_of_any_lesson_is_a_member_substitutes_included() -> None:
    # Given a second lesson of the course taught by a substitute for two weeks only
    timetable = a_timetable(
        teachers=[a_teacher(), a_teacher("t2", "DURAND", "Paul")],
        lessons=[a_lesson(), a_lesson(index=1, day=3, teachers=(link("t2", 0b110),))],
    )
    # When
    result = plan_of(timetable)
    # Then
    assert {m for m in members_of(result, course_key()) if m[1] == "Instructor"} == {
        ("T-t1", "Instructor"),
        ("T-t2", "Instructor"),
    }


def test_plan_class_membership_counts_only_while_active_at_the_import_date() -> None:
    # Given s1 who left 3A before the import date, s2 who joins after, s3 who is there
    today = date(2025, 11, 3)
    timetable = a_timetable(
        students=[
            a_student("s1", classes=[Membership(ident=Ident("c1"), exit=date(2025, 10, 17))]),
            a_student("s2", "B", "B", classes=[Membership(ident=Ident("c1"), entry=date(2026, 1, 5))]),
            a_student("s3", "C", "C", classes=[Membership(ident=Ident("c1"), entry=today, exit=today)]),
        ]
    )
    # When
    result = plan_of(timetable, today=today)
    # Then
    assert {m for m in members_of(result, course_key()) if m[1] == "Learner"} == {("S-s3", "Learner")}


def test_plan_group_members_are_its_classes_parts_and_direct_students() -> None:
    # Given a group made of class 3B, the part <3A1> of 3A, and s5 placed in it directly
    timetable = a_timetable(
        classes=[a_class("c1", "3A", parts=["p1"]), a_class("c2", "3B")],
        class_parts=[a_class_part("p1", "c1")],
        groups=[a_group("g1", "LATIN", classes=["c2"], class_parts=["p1"], students=["s5"])],
        students=[
            a_student("s1", "A", "A", classes=["c1"], class_parts=["p1"]),
            a_student("s2", "B", "B", classes=["c1"]),
            a_student("s3", "C", "C", classes=["c2"]),
            a_student("s5", "E", "E", classes=["c1"]),
        ],
        lessons=[a_lesson(classes=(link("c1"), link("c2")), groups=(link("g1"),))],
    )
    # When
    result = plan_of(timetable)
    # Then
    assert members_of(result, course_key(audience="gg1")) == {
        ("T-t1", "Instructor"),
        ("S-s1", "Learner"),
        ("S-s3", "Learner"),
        ("S-s5", "Learner"),
    }


def test_plan_ulis_class_part_on_a_class_lesson_joins_the_class_course() -> None:
    # Given a ULIS pupil (class ULIS, part <ULIS-3A>) attached to the lesson of 3A
    timetable = a_timetable(
        classes=[a_class("c1", "3A"), a_class("u1", "ULIS", parts=["pu"])],
        class_parts=[a_class_part("pu", "u1")],
        students=[a_student("s1"), a_student("s9", "ULI", "Sam", classes=["u1"], class_parts=["pu"])],
        lessons=[a_lesson(class_parts=(link("pu"),))],
    )
    # When
    result = plan_of(timetable)
    # Then one course for 3A, with the ULIS pupil in it, and none for the part
    assert [c.key for c in result.report.courses] == [course_key()]
    assert members_of(result, course_key()) == {("T-t1", "Instructor"), ("S-s1", "Learner"), ("S-s9", "Learner")}


def test_plan_only_matched_people_become_members() -> None:
    # Given a directory that lacks s2 and holds t1 only as a manual account
    timetable = a_timetable()
    directory = [p for p in directory_for(timetable) if p.person_key not in {"S-s2", "T-t1"}]
    directory.append(an_account("T-manual", "DUPONT", "Jean", profile=Profile.TEACHER, source=Source.MANUAL))
    # When
    result = plan_of(timetable, directory=directory)
    # Then
    assert members_of(result, course_key()) == {("S-s1", "Learner")}
    [course] = result.report.courses
    assert (course.teachers, course.students) == (0, 1)


def test_plan_before_the_school_year_counts_pupils_as_of_its_first_day() -> None:
    # Given pupils entering 3A on 1 September, and a set-up import on 28 August
    timetable = a_timetable(students=[a_student("s1", classes=[Membership(ident=Ident("c1"), entry=date(2025, 9, 1))])])
    # When
    result = plan_of(timetable, today=date(2025, 8, 28))
    # Then
    assert {m for m in members_of(result, course_key()) if m[1] == "Learner"} == {("S-s1", "Learner")}
