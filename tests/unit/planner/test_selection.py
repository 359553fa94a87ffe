from __future__ import annotations

import pytest

from edt_import.domain.errors import EdtImportError, ErrorCode
from edt_import.domain.selection import Selection, SubjectStatus, parse_selection
from tests.unit.planner.builders import (
    a_class,
    a_group,
    a_lesson,
    a_subject,
    a_timetable,
    course_key,
    link,
    plan_of,
)


def school() -> object:
    return a_timetable(
        subjects=[a_subject(), a_subject("m2", "FRANC", "FRANCAIS"), a_subject("m3", "HIGEO", "HISTOIRE-GEO")],
        classes=[a_class(), a_class("c2", "3B")],
        groups=[a_group("g1", "LATIN", classes=["c1", "c2"])],
        lessons=[
            a_lesson(index=0, classes=(link("c1"), link("c2"))),
            a_lesson(index=1, subject="m2", classes=(link("c1"), link("c2"))),
            a_lesson(index=2, subject="m3", classes=(), groups=(link("g1"),)),
        ],
    )


def planned_keys(selection: Selection | None) -> list[str]:
    return [c.key for c in plan_of(school(), selection=selection).report.courses]  # type: ignore[arg-type]


def test_plan_without_selection_plans_every_course() -> None:
    assert planned_keys(None) == [
        course_key("FRANC", "cc1"),
        course_key("FRANC", "cc2"),
        course_key("HIGEO", "gg1"),
        course_key("MATHS", "cc1"),
        course_key("MATHS", "cc2"),
    ]


def test_plan_disabled_subject_class_group_and_courses_are_left_out() -> None:
    # Given French disabled, class 3B disabled, and one course disabled by title
    selection = Selection(
        disabled_subjects=frozenset({"FRANC"}),
        disabled_classes=frozenset({"3B"}),
        disabled_courses=frozenset({"MATHEMATIQUES - 3A"}),
    )
    # Then only the group course remains
    assert planned_keys(selection) == [course_key("HIGEO", "gg1")]


def test_plan_disabled_group_and_course_by_key_are_left_out() -> None:
    selection = Selection(
        disabled_groups=frozenset({"LATIN"}), disabled_courses=frozenset({course_key("FRANC", "cc2")})
    )
    assert planned_keys(selection) == [
        course_key("FRANC", "cc1"),
        course_key("MATHS", "cc1"),
        course_key("MATHS", "cc2"),
    ]


def test_plan_subject_statuses_recognised_unknown_disabled() -> None:
    # Given an ENT referential knowing MATHS and FRANC, with FRANC disabled
    result = plan_of(
        school(),  # type: ignore[arg-type]
        selection=Selection(disabled_subjects=frozenset({"FRANC"})),
        known_subject_codes=frozenset({"MATHS", "FRANC"}),
    )
    # Then
    assert result.report.subjects == {
        "MATHS": SubjectStatus.RECOGNISED,
        "FRANC": SubjectStatus.DISABLED,
        "HIGEO": SubjectStatus.UNKNOWN,
    }


def test_parse_selection_reads_the_wizard_file() -> None:
    text = '{"disabled": {"subjects": ["FRANC"], "classes": ["3B"], "groups": [], "courses": ["X - 3A"]}}'
    assert parse_selection(text) == Selection(
        disabled_subjects=frozenset({"FRANC"}),
        disabled_classes=frozenset({"3B"}),
        disabled_courses=frozenset({"X - 3A"}),
    )
    assert parse_selection(parse_selection(text).to_json()) == parse_selection(text)


@pytest.mark.parametrize(
    "text",
    ["not json", "[]", '{"enabled": {}}', '{"disabled": {"rooms": []}}', '{"disabled": {"classes": "3B"}}'],
)
def test_parse_selection_other_shapes_are_refused(text: str) -> None:
    with pytest.raises(EdtImportError) as caught:
        parse_selection(text)
    assert caught.value.code is ErrorCode.INVALID_SELECTION


def test_plan_selection_names_unknown_to_the_export_are_listed_not_refused() -> None:
    # Given a selection naming a subject, a class, a group and a course the export does not have
    selection = Selection(
        disabled_subjects=frozenset({"FRANC", "ESP2"}),
        disabled_classes=frozenset({"3B", "3Z"}),
        disabled_groups=frozenset({"LATIN", "GREC"}),
        disabled_courses=frozenset({course_key("FRANC", "cc1"), "MATHEMATIQUES - 3B", "PHYSIQUE - 3A"}),
    )
    # When
    result = plan_of(school(), selection=selection)  # type: ignore[arg-type]
    # Then the plan goes ahead with what is known, and lists the rest by list
    assert [c.key for c in result.report.courses] == [course_key("MATHS", "cc1")]
    assert result.report.selection_unknown == {
        "subjects": ("ESP2",),
        "classes": ("3Z",),
        "groups": ("GREC",),
        "courses": ("PHYSIQUE - 3A",),
    }


def test_plan_without_selection_lists_no_unknown_names() -> None:
    assert plan_of(school()).report.selection_unknown == {}  # type: ignore[arg-type]
