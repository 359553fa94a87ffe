"""Whoever the course rules leave out is reported: teachers, pupils and classes in no course."""

from __future__ import annotations

from edt_import.domain.course_rules import SkipReason
from edt_import.domain.left_out import LeftOutReason
from edt_import.domain.selection import Selection
from edt_import.domain.week_mask import mask_of
from tests.support.timetable_builders import (
    a_class,
    a_class_part,
    a_lesson,
    a_student,
    a_teacher,
    a_timetable,
    link,
    plan_of,
)


def test_plan_pupils_and_class_of_class_part_lessons_only_are_left_out_with_the_reason() -> None:
    # Given 3B, whose only lesson is attached to its class part <p3> (s3), taught by t2 only
    timetable = a_timetable(
        teachers=[a_teacher(), a_teacher("t2", "DURAND", "Paul"), a_teacher("t3", "PETIT", "Luc")],
        classes=[a_class(), a_class("c2", "3B", parts=["p3"])],
        class_parts=[a_class_part("p3", "c2")],
        students=[a_student(), a_student("s3", "C", "C", classes=["c2"], class_parts=["p3"])],
        lessons=[a_lesson(), a_lesson(index=1, classes=(), class_parts=(link("p3"),), teachers=(link("t2"),))],
    )
    # When
    report = plan_of(timetable).report
    # Then the pupil, the class and the teacher are reported; t3, in no lesson at all, too
    assert report.left_out.students == (("s3", LeftOutReason.ONLY_IN_SKIPPED_LESSONS),)
    assert report.left_out.classes == (("c2", LeftOutReason.ONLY_IN_SKIPPED_LESSONS),)
    assert report.left_out.teachers == (
        ("t2", LeftOutReason.ONLY_IN_SKIPPED_LESSONS),
        ("t3", LeftOutReason.IN_NO_LESSON),
    )


def test_plan_teacher_present_only_in_weeks_without_the_class_is_left_out() -> None:
    # Given t2 named on the lesson in week 5 only, while 3A attends in weeks 1-4
    timetable = a_timetable(
        teachers=[a_teacher(), a_teacher("t2", "DURAND", "Paul")],
        lessons=[a_lesson(classes=(link("c1", mask_of([1, 2, 3, 4])),), teachers=(link("t1"), link("t2", 1 << 5)))],
    )
    # Then
    assert plan_of(timetable).report.left_out.teachers == (("t2", LeftOutReason.NO_COMMON_WEEK),)


def test_plan_courses_switched_off_leave_nobody_out_but_list_their_lessons() -> None:
    # Given the only course disabled by the administrator
    result = plan_of(a_timetable(), selection=Selection(disabled_classes=frozenset({"3A"})))
    # Then nobody is left out by a rule, and the lesson is listed as not selected
    left = result.report.left_out
    assert (left.teachers, left.students, left.classes) == ((), (), ())
    assert [(s.index, s.reason) for s in result.report.skipped_lessons] == [(0, SkipReason.NOT_SELECTED)]
    assert result.report.skipped_counts[SkipReason.NOT_SELECTED] == 1


def test_plan_lesson_feeding_a_selected_course_is_not_listed_as_not_selected() -> None:
    # Given a lesson of 3A and 3B, with 3B switched off
    timetable = a_timetable(
        classes=[a_class(), a_class("c2", "3B")], lessons=[a_lesson(classes=(link("c1"), link("c2")))]
    )
    # When
    result = plan_of(timetable, selection=Selection(disabled_classes=frozenset({"3B"})))
    # Then the lesson is imported (for 3A)
    assert result.report.skipped_lessons == ()
