from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from edt_import.domain.errors import ErrorCode, ExportRejectedError
from edt_import.domain.timetable import (
    Group,
    Ident,
    Lesson,
    LessonLink,
    Membership,
    ReadWarning,
    Timetable,
    Uai,
)
from edt_import.domain.timetable_validation import WarningCode, validate_timetable
from tests.unit.reader.export_builder import ALL_WEEKS, expected_timetable


def with_lesson(timetable: Timetable, index: int, **changes: object) -> Timetable:
    lessons = list(timetable.lessons)
    lessons[index] = dataclasses.replace(lessons[index], **changes)  # type: ignore[arg-type]
    return dataclasses.replace(timetable, lessons=tuple(lessons))


def invalid(timetable: Timetable) -> ExportRejectedError:
    with pytest.raises(ExportRejectedError) as caught:
        validate_timetable(timetable)
    assert caught.value.code == ErrorCode.INVALID_TIMETABLE
    return caught.value


def codes(warnings: tuple[ReadWarning, ...]) -> list[str]:
    return [warning.code for warning in warnings]


def test_validate_timetable_consistent_export_has_no_warning() -> None:
    assert validate_timetable(expected_timetable()) == ()


def test_validate_timetable_lesson_with_unknown_class_names_lesson_kind_and_ident() -> None:
    # Given the second lesson attached to class 999, which the export does not define
    timetable = with_lesson(expected_timetable(), 1, classes=(LessonLink(ident=Ident("999"), weeks=ALL_WEEKS),))
    # When
    error = invalid(timetable)
    # Then
    assert error.message == "lesson #2 (day 2, place 2) refers to class 999 which the export does not define."
    assert error.details == {"kind": "class", "ident": "999", "where": "lesson #2 (day 2, place 2)", "count": 1}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"subject": Ident("77")}, "lesson #1 (day 1, place 0) refers to subject 77"),
        ({"teachers": (LessonLink(ident=Ident("77"), weeks=2),)}, "lesson #1 (day 1, place 0) refers to teacher 77"),
        ({"rooms": (LessonLink(ident=Ident("77"), weeks=2),)}, "lesson #1 (day 1, place 0) refers to room 77"),
        ({"groups": (LessonLink(ident=Ident("77"), weeks=2),)}, "lesson #1 (day 1, place 0) refers to group 77"),
        (
            {"class_parts": (LessonLink(ident=Ident("77"), weeks=2),)},
            "lesson #1 (day 1, place 0) refers to class part 77",
        ),
        ({"students": (LessonLink(ident=Ident("77"), weeks=2),)}, "lesson #1 (day 1, place 0) refers to student 77"),
    ],
)
def test_validate_timetable_lesson_dangling_reference_of_each_kind_is_invalid(
    change: dict[str, object], message: str
) -> None:
    # Given the first lesson pointing at something undefined
    timetable = with_lesson(expected_timetable(), 0, **change)
    # When / Then
    assert invalid(timetable).message == f"{message} which the export does not define."


def test_validate_timetable_group_and_student_dangling_references_are_counted() -> None:
    # Given a group naming student 98 and a student in class part 99, neither defined
    base = expected_timetable()
    group = dataclasses.replace(base.groups[Ident("40")], student_idents=(Ident("98"),))
    student = dataclasses.replace(base.students[Ident("51")], class_parts=(Membership(ident=Ident("99")),))
    timetable = dataclasses.replace(base, groups={Ident("40"): group}, students={**base.students, Ident("51"): student})
    # When
    error = invalid(timetable)
    # Then
    assert error.message == (
        "group 40 refers to student 98 which the export does not define (1 other reference(s) dangle too)."
    )
    assert error.details["count"] == 2


def test_validate_timetable_year_ending_before_start_is_invalid() -> None:
    # Given a school year whose end precedes its start
    base = expected_timetable()
    timetable = dataclasses.replace(base, school_year=dataclasses.replace(base.school_year, end=date(2025, 8, 1)))
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
    student = dataclasses.replace(base.students[Ident("51")], classes=())
    timetable = dataclasses.replace(base, students={**base.students, Ident("51"): student})
    # When / Then
    assert validate_timetable(timetable) == (
        ReadWarning(
            code=WarningCode.STUDENT_WITHOUT_CLASS,
            message="1 student(s) belong to no class; they only join courses through groups or lessons that name them.",
        ),
    )


def test_validate_timetable_empty_sections_warn_once() -> None:
    # Given an export with no rooms and no lessons
    base = expected_timetable()
    timetable = dataclasses.replace(base, rooms={}, lessons=())
    # When / Then
    assert validate_timetable(timetable) == (
        ReadWarning(code=WarningCode.EMPTY_SECTION, message="The export has no rooms, no lessons."),
    )


def test_validate_timetable_wrong_uai_check_letter_warns() -> None:
    # Given a UAI whose check letter is wrong (0750001 takes U)
    timetable = dataclasses.replace(expected_timetable(), uai=Uai("0750001A"))
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
    timetable = dataclasses.replace(
        base, school_year=dataclasses.replace(base.school_year, week1_monday=date(2025, 9, 2))
    )
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
    lessons = tuple(dataclasses.replace(lesson, index=index) for index in range(30))
    timetable = dataclasses.replace(
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
