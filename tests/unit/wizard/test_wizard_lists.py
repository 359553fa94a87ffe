"""The wizard's lists and choices (domain): what an export offers, what the administrator switches off."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edt_import.domain.course_rules import derive_courses
from edt_import.domain.errors import EdtImportError, ErrorCode
from edt_import.domain.plan import Role
from edt_import.domain.selection import Selection, record_selection
from edt_import.domain.subject_referential import SubjectStatus
from edt_import.domain.timetable import Timetable
from edt_import.domain.wizard import (
    WizardLists,
    checked_selection,
    checked_subject_codes,
    default_selection,
    lists_from_dict,
    lists_to_dict,
    stored_selection,
    wizard_lists,
    wizard_view,
)
from tests.support.timetable_builders import (
    WEEK1,
    a_class,
    a_group,
    a_lesson,
    a_student,
    a_subject,
    a_teacher,
    a_timetable,
    course_key,
    directory_for,
    link,
)


def school() -> Timetable:
    return a_timetable(
        subjects=[a_subject(), a_subject("m2", "FRANC", "FRANCAIS"), a_subject("m3", "HIGEO", "HISTOIRE-GEO")],
        teachers=[a_teacher(), a_teacher("t2", "DURAND", "Anne")],
        classes=[a_class(), a_class("c2", "3B")],
        groups=[a_group("g1", "LATIN", classes=["c1", "c2"])],
        students=[a_student(), a_student("s2", "BERNARD", "Hugo", classes=("c2",)), a_student("s3", "PETIT", "Noe")],
        lessons=[
            a_lesson(index=0, classes=(link("c1"), link("c2"))),
            a_lesson(index=1, subject="m2", teachers=(link("t2"),), classes=(link("c1"), link("c2"))),
            a_lesson(index=2, subject="m3", classes=(), groups=(link("g1"),)),
        ],
    )


def lists_of(timetable: Timetable, *, without: str | None = None) -> WizardLists:
    """The lists with every person matched, except the student ``without``."""
    directory = [p for p in directory_for(timetable) if p.person_key != f"S-{without}"]
    return wizard_lists(timetable, directory, known_pronote_ids={}, today=WEEK1)


def test_wizard_lists_hold_subjects_classes_groups_courses_and_people() -> None:
    # Given a school with three subjects, two classes, a group, and one pupil without an account
    lists = lists_of(school(), without="s3")
    # Then the lists are the export's, each course with its matched members
    assert [(s.code, s.label) for s in lists.subjects] == [
        ("FRANC", "FRANCAIS"),
        ("HIGEO", "HISTOIRE-GEO"),
        ("MATHS", "MATHEMATIQUES"),
    ]
    assert lists.classes == ("3A", "3B")
    assert lists.groups == ("LATIN",)
    members = {c.key: (c.title, c.teachers, c.students) for c in lists.courses}
    assert members == {
        course_key("FRANC", "cc1"): ("FRANCAIS - 3A", 1, 1),
        course_key("FRANC", "cc2"): ("FRANCAIS - 3B", 1, 1),
        course_key("HIGEO", "gg1"): ("HISTOIRE-GEO - LATIN", 1, 2),
        course_key("MATHS", "cc1"): ("MATHEMATIQUES - 3A", 1, 1),
        course_key("MATHS", "cc2"): ("MATHEMATIQUES - 3B", 1, 1),
    }
    users = [(u.role, u.last_name, u.matched, u.reason) for u in lists.users]
    assert users == [
        (Role.INSTRUCTOR, "DUPONT", True, None),
        (Role.INSTRUCTOR, "DURAND", True, None),
        (Role.LEARNER, "BERNARD", True, None),
        (Role.LEARNER, "MARTIN", True, None),
        (Role.LEARNER, "PETIT", False, "not_found"),
    ]


def test_wizard_lists_survive_their_stored_form() -> None:
    lists = lists_of(school(), without="s3")
    assert lists_from_dict(lists_to_dict(lists)) == lists


def test_wizard_view_subject_statuses_and_courses_switched_off() -> None:
    # Given the referential knows MATHS, and the administrator switched off French and the group LATIN
    lists = lists_of(school())
    selection = checked_selection(lists, {"subjects": ["FRANC"], "groups": ["LATIN"]})
    # When the wizard shows the lists
    view = wizard_view(lists, selection, frozenset({"MATHS"}))
    # Then MATHS is recognised, HIGEO unknown, FRANC disabled; the courses say what switched them off
    assert {s.code: s.status for s in view.subjects} == {
        "FRANC": SubjectStatus.DISABLED,
        "HIGEO": SubjectStatus.UNKNOWN,
        "MATHS": SubjectStatus.RECOGNISED,
    }
    assert {c.key: c.switched_off_by for c in view.courses if not c.enabled} == {
        course_key("FRANC", "cc1"): "subjects",
        course_key("FRANC", "cc2"): "subjects",
        course_key("HIGEO", "gg1"): "groups",
    }
    assert [(g.name, g.enabled) for g in view.groups] == [("LATIN", False)]
    assert [(c.name, c.enabled) for c in view.classes] == [("3A", True), ("3B", True)]


@pytest.mark.parametrize(
    ("disabled", "code"),
    [
        ({"subjects": ["PHYS"]}, ErrorCode.INVALID_SELECTION),
        ({"classes": ["3Z"]}, ErrorCode.INVALID_SELECTION),
        ({"groups": ["3A"]}, ErrorCode.INVALID_SELECTION),  # a class name is no group
        ({"courses": ["FRANCAIS - 3A"]}, ErrorCode.INVALID_SELECTION),  # courses by key
        ({"rooms": []}, ErrorCode.INVALID_SELECTION),
    ],
)
def test_checked_selection_refuses_what_the_export_does_not_have(
    disabled: dict[str, list[str]], code: ErrorCode
) -> None:
    with pytest.raises(EdtImportError) as refused:
        checked_selection(lists_of(school()), disabled)
    assert refused.value.code is code


def test_checked_subject_codes_accepts_only_the_exports_subjects() -> None:
    lists = lists_of(school())
    assert checked_subject_codes(lists, ["HIGEO"]) == {"HIGEO"}
    with pytest.raises(EdtImportError) as refused:
        checked_subject_codes(lists, ["HIGEO", "PHYS"])
    assert refused.value.code is ErrorCode.INVALID_SUBJECTS
    assert "PHYS" in refused.value.message


def test_default_selection_reopens_the_last_choices_and_an_enabled_subject_brings_its_courses_back() -> None:
    # Given a stored selection where French was off and one maths course was off on its own
    lists = lists_of(school())
    last = stored_selection(
        lists, Selection(disabled_subjects=frozenset({"FRANC"}), disabled_courses=frozenset({course_key()}))
    )
    # When a new export's wizard opens
    default = default_selection(lists, last)
    # Then the same choices are proposed, the French courses off through their subject only
    assert default == Selection(disabled_subjects=frozenset({"FRANC"}), disabled_courses=frozenset({course_key()}))
    reopened = Selection(disabled_courses=default.disabled_courses)
    assert [c.key for c in wizard_view(lists, reopened, frozenset()).courses if not c.enabled] == [course_key()]


_names = st.sampled_from
choices = st.fixed_dictionaries(
    {
        "subjects": st.sets(_names(["MATHS", "FRANC", "HIGEO"])),
        "classes": st.sets(_names(["3A", "3B"])),
        "groups": st.sets(_names(["LATIN"])),
        "courses": st.sets(
            _names([course_key("MATHS", "cc1"), course_key("FRANC", "cc2"), course_key("HIGEO", "gg1")])
        ),
    }
)


@settings(max_examples=60, deadline=None)
@given(disabled=choices)
def test_stored_selection_is_what_a_plan_records_for_the_same_choices(disabled: dict[str, set[str]]) -> None:
    # Given any choices over the school / When the wizard stores them at the launch
    timetable = school()
    lists = lists_of(timetable)
    selection = checked_selection(lists, disabled)
    # Then the allow-list is exactly the one the plan of that export records
    expected = record_selection(selection, timetable, derive_courses(timetable).courses)
    assert stored_selection(lists, selection) == expected
    # And the wizard's enabled courses are the plan's courses
    enabled = {c.key for c in wizard_view(lists, selection, frozenset()).courses if c.enabled}
    assert enabled == expected.courses.enabled
