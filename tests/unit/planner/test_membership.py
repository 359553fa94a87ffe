from __future__ import annotations

from datetime import date
from typing import Any

from edt_import.domain.directory import Profile, Source
from edt_import.domain.plan import ActionType, MemberSpec
from edt_import.domain.planning import PlanResult
from edt_import.domain.timetable import Ident, Membership, Timetable
from edt_import.domain.week_mask import mask_of
from tests.support.timetable_builders import (
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


def test_plan_class_parts_beside_two_groups_stay_out_of_both_group_courses() -> None:
    # Given half-groups G1 = <3A1> and G2 = <3A2>, on one lesson that also names both parts and the class
    timetable = a_timetable(
        classes=[a_class("c1", "3A", parts=["p1", "p2"])],
        class_parts=[a_class_part("p1"), a_class_part("p2")],
        groups=[a_group("g1", "3A_G1", class_parts=["p1"]), a_group("g2", "3A_G2", class_parts=["p2"])],
        students=[
            a_student("s1", "A", "A", class_parts=["p1"]),
            a_student("s2", "B", "B", class_parts=["p2"]),
        ],
        lessons=[
            a_lesson(
                classes=(link("c1"),),
                class_parts=(link("p1"), link("p2")),
                groups=(link("g1", mask_of([1, 3])), link("g2", mask_of([2, 4]))),
                students=(link("s1"), link("s2")),
            )
        ],
    )
    # When
    result = plan_of(timetable)
    # Then each half-group course holds its own half only
    assert members_of(result, course_key(audience="gg1")) == {("T-t1", "Instructor"), ("S-s1", "Learner")}
    assert members_of(result, course_key(audience="gg2")) == {("T-t1", "Instructor"), ("S-s2", "Learner")}


def test_plan_class_part_beside_a_single_group_joins_its_course() -> None:
    # Given a ULIS pupil's part attached to a lesson of group LATIN (the lesson has one course)
    timetable = a_timetable(
        classes=[a_class("c1", "3A"), a_class("u1", "ULIS", parts=["pu"])],
        class_parts=[a_class_part("pu", "u1")],
        groups=[a_group("g1", "LATIN", classes=["c1"])],
        students=[a_student("s1"), a_student("s9", "ULI", "Sam", classes=["u1"], class_parts=["pu"])],
        lessons=[a_lesson(classes=(), class_parts=(link("pu"),), groups=(link("g1"),))],
    )
    # When
    result = plan_of(timetable)
    # Then
    assert members_of(result, course_key(audience="gg1")) == {
        ("T-t1", "Instructor"),
        ("S-s1", "Learner"),
        ("S-s9", "Learner"),
    }


def test_plan_mid_year_class_move_switches_course_with_the_import_date() -> None:
    # Given s1 in 3A until 16 January 2026, then in 3B from 19 January; both classes have maths
    move = [
        Membership(ident=Ident("c1"), entry=date(2025, 9, 1), exit=date(2026, 1, 16)),
        Membership(ident=Ident("c2"), entry=date(2026, 1, 19)),
    ]
    timetable = a_timetable(
        classes=[a_class(), a_class("c2", "3B")],
        students=[a_student("s1", classes=move)],
        lessons=[a_lesson(), a_lesson(index=1, classes=(link("c2"),))],
    )
    # When planned before, on the last day, during the gap, and after the move
    learners = {}
    for today in (date(2025, 12, 1), date(2026, 1, 16), date(2026, 1, 17), date(2026, 1, 19)):
        report = plan_of(timetable, today=today).report
        learners[today] = {c.key: c.students for c in report.courses}
    # Then s1 is a member of 3A's course up to the exit date, of 3B's from the entry date
    assert learners == {
        date(2025, 12, 1): {course_key(): 1, course_key(audience="cc2"): 0},
        date(2026, 1, 16): {course_key(): 1, course_key(audience="cc2"): 0},
        date(2026, 1, 17): {course_key(): 0, course_key(audience="cc2"): 0},
        date(2026, 1, 19): {course_key(): 0, course_key(audience="cc2"): 1},
    }


def test_plan_teacher_of_the_other_alternating_group_is_not_a_member() -> None:
    # Given one lesson: group G1 with t1 on odd weeks, group G2 with t2 on even weeks
    timetable = a_timetable(
        teachers=[a_teacher(), a_teacher("t2", "DURAND", "Paul")],
        groups=[a_group("g1", "3A_G1", classes=["c1"]), a_group("g2", "3A_G2", classes=["c1"])],
        lessons=[
            a_lesson(
                classes=(),
                groups=(link("g1", mask_of([1, 3])), link("g2", mask_of([2, 4]))),
                teachers=(link("t1", mask_of([1, 3])), link("t2", mask_of([2, 4]))),
            )
        ],
    )
    # When
    result = plan_of(timetable)
    # Then each group's course has the teacher who teaches it
    teachers = {
        key: {m for m in members_of(result, key) if m[1] == "Instructor"}
        for key in (course_key(audience="gg1"), course_key(audience="gg2"))
    }
    assert teachers == {
        course_key(audience="gg1"): {("T-t1", "Instructor")},
        course_key(audience="gg2"): {("T-t2", "Instructor")},
    }


def test_plan_substitute_present_one_past_week_only_is_still_a_member() -> None:
    # Given a substitute t2 present in week 2 only, and an import in November
    timetable = a_timetable(
        teachers=[a_teacher(), a_teacher("t2", "DURAND", "Paul")],
        lessons=[a_lesson(teachers=(link("t1"), link("t2", mask_of([2]))))],
    )
    # When
    result = plan_of(timetable, today=date(2025, 11, 5))
    # Then t2 is a member of the course but on none of its future events
    assert {m for m in members_of(result, course_key()) if m[1] == "Instructor"} == {
        ("T-t1", "Instructor"),
        ("T-t2", "Instructor"),
    }
    assert {e.teachers for e in result.events.values()} == {("T-t1",)}


def half_groups_with_ulis(**lesson: Any) -> Timetable:
    """3A in half-groups G1 = <p1> (s1) and G2 = <p2> (s2); s9 in the ULIS part <pu> of class ULIS."""
    return a_timetable(
        classes=[a_class("c1", "3A", parts=["p1", "p2"]), a_class("u1", "ULIS", parts=["pu"])],
        class_parts=[a_class_part("p1"), a_class_part("p2"), a_class_part("pu", "u1")],
        groups=[a_group("g1", "3A_G1", class_parts=["p1"]), a_group("g2", "3A_G2", class_parts=["p2"])],
        students=[
            a_student("s1", "A", "A", class_parts=["p1"]),
            a_student("s2", "B", "B", class_parts=["p2"]),
            a_student("s9", "ULI", "Sam", classes=["u1"], class_parts=["pu"]),
        ],
        lessons=[a_lesson(classes=(), groups=(link("g1"), link("g2")), **lesson)],
    )


def test_plan_ulis_part_beside_two_groups_joins_every_group_course() -> None:
    # Given the ULIS part attached to a lesson of both half-groups
    result = plan_of(half_groups_with_ulis(class_parts=(link("pu"),)))
    # Then the ULIS pupil attends whichever half it is: a member of both courses, and left out of none
    assert members_of(result, course_key(audience="gg1")) == {
        ("T-t1", "Instructor"),
        ("S-s1", "Learner"),
        ("S-s9", "Learner"),
    }
    assert members_of(result, course_key(audience="gg2")) == {
        ("T-t1", "Instructor"),
        ("S-s2", "Learner"),
        ("S-s9", "Learner"),
    }
    assert result.report.left_out.students == ()


def test_plan_pupil_attached_beside_two_groups_joins_both_unless_one_holds_them() -> None:
    # Given the ULIS pupil s9 and s1 (of G1) attached directly to the lesson of both half-groups
    result = plan_of(half_groups_with_ulis(students=(link("s9"), link("s1"))))
    # Then s9 joins both courses; s1 stays in its own half only
    assert {p for p, _ in members_of(result, course_key(audience="gg1"))} == {"T-t1", "S-s1", "S-s9"}
    assert {p for p, _ in members_of(result, course_key(audience="gg2"))} == {"T-t1", "S-s2", "S-s9"}


def test_plan_class_beside_an_unrelated_group_has_its_own_course_with_its_pupils() -> None:
    # Given class 3B (s3) on a lesson with group LATIN, made of 3A (s1, s2)
    timetable = a_timetable(
        classes=[a_class("c1", "3A"), a_class("c2", "3B")],
        groups=[a_group("g1", "LATIN", classes=["c1"])],
        students=[a_student("s1"), a_student("s2", "B", "B"), a_student("s3", "C", "C", classes=["c2"])],
        lessons=[a_lesson(classes=(link("c2"),), groups=(link("g1"),))],
    )
    # When
    result = plan_of(timetable)
    # Then
    assert members_of(result, course_key(audience="cc2")) == {("T-t1", "Instructor"), ("S-s3", "Learner")}
    assert {p for p, _ in members_of(result, course_key(audience="gg1"))} == {"T-t1", "S-s1", "S-s2"}
