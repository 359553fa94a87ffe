from __future__ import annotations

from datetime import date

import pytest
from msgspec import structs

from edt_import.domain.errors import ErrorCode, ExportRejectedError
from edt_import.domain.timetable import (
    Group,
    Ident,
    Lesson,
    LessonLink,
    ReadWarning,
    Timetable,
    Uai,
)
from edt_import.domain.timetable_validation import WarningCode, validate_timetable
from tests.support.export_xml_builder import ALL_WEEKS, expected_timetable, with_lesson


def invalid(timetable: Timetable) -> ExportRejectedError:
    with pytest.raises(ExportRejectedError) as caught:
        validate_timetable(timetable)
    assert caught.value.code == ErrorCode.INVALID_TIMETABLE
    return caught.value


def codes(warnings: tuple[ReadWarning, ...]) -> list[str]:
    return [warning.code for warning in warnings]


def test_validate_timetable_consistent_export_has_no_warning() -> None:
    assert validate_timetable(expected_timetable()) == ()


def test_validate_timetable_year_ending_before_start_is_invalid() -> None:
    # Given a school year whose end precedes its start
    base = expected_timetable()
    timetable = structs.replace(base, school_year=structs.replace(base.school_year, end=date(2025, 8, 1)))
    # When / Then
    assert invalid(timetable).message == "The school year ends (2025-08-01) before it starts (2025-09-01)."


def test_validate_timetable_lesson_outside_grid_warns_it_will_be_skipped() -> None:
    # Given a lesson running from place 2 into place 3, which the grid lacks
    timetable = with_lesson(expected_timetable(), 1, place_count=2)
    # When / Then
    assert validate_timetable(timetable) == (
        ReadWarning(
            code=WarningCode.LESSON_OUTSIDE_GRID,
            message="1 lesson(s) use days or places missing from the time grid and will be skipped, "
            "first lesson #2 (day 2, place 2).",
        ),
    )


def test_validate_timetable_lesson_on_non_working_day_warns() -> None:
    # Given a lesson on Wednesday (day 3) while the grid works days 1, 2, 4 and 5
    timetable = with_lesson(expected_timetable(), 0, day=3)
    # When / Then
    assert codes(validate_timetable(timetable)) == [WarningCode.LESSON_DAY_NOT_WORKING]


def test_validate_timetable_student_without_class_warns_with_a_count_only() -> None:
    # Given student 51 with no class membership
    base = expected_timetable()
    student = structs.replace(base.students[Ident("51")], classes=())
    timetable = structs.replace(base, students={**base.students, Ident("51"): student})
    # When / Then
    assert validate_timetable(timetable) == (
        ReadWarning(
            code=WarningCode.STUDENT_WITHOUT_CLASS,
            message="1 student(s) belong to no class; they only join courses through groups or lessons that name them.",
        ),
    )


def test_validate_timetable_empty_sections_warn_once() -> None:
    # Given an export with no rooms and no teachers
    base = expected_timetable()
    timetable = structs.replace(base, rooms={}, teachers={})
    # When / Then
    assert validate_timetable(timetable) == (
        ReadWarning(code=WarningCode.EMPTY_SECTION, message="The export has no teachers, no rooms."),
    )


def test_validate_timetable_no_lesson_at_all_is_invalid() -> None:
    # Given an export without a single lesson: importing it would only empty every course
    timetable = structs.replace(expected_timetable(), lessons=())
    # When
    error = invalid(timetable)
    # Then
    assert (error.message, error.details) == (
        "The export has no lesson (Cours), so there is nothing to import.",
        {"element": "Cours"},
    )


def test_validate_timetable_wrong_uai_check_letter_warns() -> None:
    # Given a UAI whose check letter is wrong (0750001 takes U)
    timetable = structs.replace(expected_timetable(), uai=Uai("0750001A"))
    # When / Then
    assert validate_timetable(timetable) == (
        ReadWarning(
            code=WarningCode.INVALID_UAI,
            message="The establishment code(s) 0750001A do not end with their check letter; check the UAI.",
        ),
    )


def test_validate_timetable_week1_not_monday_warns() -> None:
    # Given week 1 starting on a Tuesday
    base = expected_timetable()
    timetable = structs.replace(base, school_year=structs.replace(base.school_year, week1_monday=date(2025, 9, 2)))
    # When / Then
    assert codes(validate_timetable(timetable)) == [WarningCode.WEEK1_NOT_MONDAY]


def test_validate_timetable_weeks_after_year_end_warn() -> None:
    # Given a teacher present in week 63 while the year ends in week 44
    timetable = with_lesson(
        expected_timetable(), 0, teachers=(LessonLink(ident=Ident("20"), weeks=ALL_WEEKS | 1 << 63),)
    )
    # When
    warnings = validate_timetable(timetable)
    # Then
    assert warnings == (
        ReadWarning(
            code=WarningCode.WEEKS_BEYOND_YEAR,
            message="1 lesson(s) have weeks after the end of the school year (week 44), "
            "first lesson #1 (day 1, place 0); those weeks are ignored.",
        ),
    )


def test_validate_timetable_many_lessons_warn_once_per_code() -> None:
    # Given 30 lessons outside the grid
    lesson = Lesson(index=0, day=1, start_place=7, place_count=1, subject=Ident("10"))
    lessons = tuple(structs.replace(lesson, index=index) for index in range(30))
    timetable = structs.replace(
        expected_timetable(), lessons=lessons, groups={Ident("40"): Group(ident=Ident("40"), name="G")}
    )
    # When
    warnings = validate_timetable(timetable)
    # Then
    assert warnings == (
        ReadWarning(
            code=WarningCode.LESSON_OUTSIDE_GRID,
            message="30 lesson(s) use days or places missing from the time grid and will be skipped, "
            "first lesson #1 (day 1, place 7).",
        ),
    )
