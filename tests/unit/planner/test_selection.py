from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec import structs

from edt_import.domain.errors import EdtImportError, ErrorCode
from edt_import.domain.selection import Choices, NewSince, Selection, StoredSelection, parse_selection
from edt_import.domain.state_encoding import decode_state, encode_state
from edt_import.domain.subject_referential import SubjectReport, SubjectStatus
from edt_import.domain.timetable import Ident, Timetable
from tests.support.timetable_builders import (
    UAI,
    a_class,
    a_group,
    a_lesson,
    a_subject,
    a_timetable,
    course_key,
    link,
    plan_of,
)


def school() -> Timetable:
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
    return [c.key for c in plan_of(school(), selection=selection).report.courses]


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
        school(),
        selection=Selection(disabled_subjects=frozenset({"FRANC"})),
        known_subject_codes=frozenset({"MATHS", "FRANC"}),
    )
    # Then one row per subject in code order, with the courses it makes and those imported
    assert result.report.subjects == (
        SubjectReport(code="FRANC", label="FRANCAIS", status=SubjectStatus.DISABLED, courses=2, imported=0),
        SubjectReport(code="HIGEO", label="HISTOIRE-GEO", status=SubjectStatus.UNKNOWN, courses=1, imported=1),
        SubjectReport(code="MATHS", label="MATHEMATIQUES", status=SubjectStatus.RECOGNISED, courses=2, imported=2),
    )


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
    result = plan_of(school(), selection=selection)
    # Then the plan goes ahead with what is known, and lists the rest by list
    assert [c.key for c in result.report.courses] == [course_key("MATHS", "cc1")]
    assert result.report.selection_unknown == {
        "subjects": ("ESP2",),
        "classes": ("3Z",),
        "groups": ("GREC",),
        "courses": ("PHYSIQUE - 3A",),
    }


def test_plan_without_selection_lists_no_unknown_names() -> None:
    assert plan_of(school()).report.selection_unknown == {}


def manual_choices() -> Selection:
    return Selection(disabled_subjects=frozenset({"FRANC"}), disabled_courses=frozenset({course_key("MATHS", "cc2")}))


def test_plan_records_the_manual_choices_as_a_stored_selection() -> None:
    # When a manual import disables French and the maths course of 3B
    stored = plan_of(school(), selection=manual_choices()).report.selection
    # Then every list says what was shown enabled and disabled
    assert stored == StoredSelection(
        uai=UAI,
        subjects=Choices(enabled=frozenset({"MATHS", "HIGEO"}), disabled=frozenset({"FRANC"})),
        classes=Choices(enabled=frozenset({"3A", "3B"})),
        groups=Choices(enabled=frozenset({"LATIN"})),
        courses=Choices(
            enabled=frozenset({course_key("MATHS", "cc1"), course_key("HIGEO", "gg1")}),
            disabled=frozenset({course_key("FRANC", "cc1"), course_key("FRANC", "cc2"), course_key("MATHS", "cc2")}),
        ),
    )
    assert StoredSelection.from_dict(json.loads(stored.to_json())) == stored


def test_plan_stored_selection_imports_only_what_was_selected_and_reports_what_is_new() -> None:
    # Given the selection of a manual import, then an export with class 3C, group GREC and subject SVT added
    stored = plan_of(school(), selection=manual_choices()).report.selection
    later = structs.replace(
        school(),
        subjects={**school().subjects, Ident("m4"): a_subject("m4", "SVT", "SVT")},
        classes={**school().classes, Ident("c3"): a_class("c3", "3C")},
        groups={**school().groups, Ident("g2"): a_group("g2", "GREC", classes=["c3"])},
        lessons=(
            *school().lessons,
            a_lesson(index=3, classes=(link("c3"),)),
            a_lesson(index=4, subject="m4", classes=(link("c1"),)),
            a_lesson(index=5, subject="m3", classes=(), groups=(link("g2"),)),
        ),
    )
    # When an automatic import re-applies it
    result = plan_of(later, selection=stored)
    # Then only the courses selected then are imported; the new ones are reported, the disabled ones are not new
    assert [c.key for c in result.report.courses] == [course_key("HIGEO", "gg1"), course_key("MATHS", "cc1")]
    assert result.report.new == NewSince(
        subjects=("SVT",),
        classes=("3C",),
        groups=("GREC",),
        courses=(
            (course_key("HIGEO", "gg2"), "HISTOIRE-GEO - GREC"),
            (course_key("MATHS", "cc3"), "MATHEMATIQUES - 3C"),
            (course_key("SVT", "cc1"), "SVT - 3A"),
        ),
    )
    # And the selection the automatic import keeps is the manual one, unchanged
    assert result.report.selection == stored
    assert result.state.selection == stored
    assert [s.reason for s in result.report.skipped_lessons] == ["not_selected"] * 4


def test_parse_selection_reads_a_saved_state_holding_one() -> None:
    # Given the state a plan wrote
    result = plan_of(school(), selection=manual_choices())
    # When
    parsed = parse_selection(encode_state(result.state))
    # Then
    assert parsed == result.report.selection
    assert decode_state(encode_state(result.state)).selection == result.report.selection


@pytest.mark.parametrize(
    "document",
    [
        {"schema": 3, "uai": UAI, "selection": None},
        {"kind": "edt-import-selection", "schema": 2, "uai": UAI},
        {"kind": "edt-import-selection", "schema": 1},
        {"kind": "edt-import-selection", "schema": 1, "uai": UAI, "rooms": {}},
        {"kind": "edt-import-selection", "schema": 1, "uai": UAI, "courses": ["k"]},
        {"kind": "edt-import-selection", "schema": 1, "uai": UAI, "courses": {"enabled": "k"}},
        {"kind": "edt-import-selection", "schema": 1, "uai": UAI, "courses": {"on": []}},
    ],
)
def test_parse_selection_damaged_stored_forms_are_refused(document: dict[str, object]) -> None:
    with pytest.raises(EdtImportError) as caught:
        parse_selection(json.dumps(document))
    assert caught.value.code is ErrorCode.INVALID_SELECTION


def test_plan_stored_selection_of_another_establishment_is_refused() -> None:
    stored = structs.replace(plan_of(school()).report.selection, uai="0010001W")
    with pytest.raises(EdtImportError) as caught:
        plan_of(school(), selection=stored)
    assert caught.value.code is ErrorCode.INVALID_SELECTION


def test_applied_state_with_a_damaged_selection_section_is_an_invalid_state() -> None:
    header, *lines = encode_state(plan_of(school()).state).split(b"\n")
    document = json.loads(header)
    document["selection"]["courses"] = "all"
    with pytest.raises(EdtImportError) as caught:
        decode_state(b"\n".join([json.dumps(document).encode(), *lines]))
    assert caught.value.code is ErrorCode.INVALID_STATE


NAMES = {
    "subjects": ["MATHS", "FRANC", "HIGEO"],
    "classes": ["3A", "3B"],
    "groups": ["LATIN"],
    "courses": [course_key("MATHS", "cc1"), "FRANCAIS - 3B", course_key("HIGEO", "gg1")],
}


@given(st.fixed_dictionaries({name: st.sets(st.sampled_from(values)) for name, values in NAMES.items()}))
@settings(max_examples=40, deadline=None)
def test_plan_stored_selection_reapplied_imports_what_the_manual_choices_did(disabled: dict[str, set[str]]) -> None:
    # Given any manual choices
    selection = parse_selection(json.dumps({"disabled": {name: sorted(values) for name, values in disabled.items()}}))
    manual = plan_of(school(), selection=selection)
    # When its stored selection is re-applied to the same export, through the saved state
    automatic = plan_of(school(), selection=parse_selection(encode_state(manual.state)))
    # Then the same courses, nothing new, the same subject rows
    assert automatic.report.courses == manual.report.courses
    assert automatic.report.new == NewSince()
    assert automatic.report.subjects == manual.report.subjects
