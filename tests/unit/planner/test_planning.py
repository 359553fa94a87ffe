from __future__ import annotations

from datetime import date

import pytest

from edt_import.domain.applied_state import AppliedState
from edt_import.domain.directory import PersonKey, Profile
from edt_import.domain.errors import EdtImportError, ErrorCode
from edt_import.domain.reconciliation import ConflictKind, UnmatchedReason
from edt_import.domain.timetable import Ident
from tests.support.timetable_builders import (
    a_class_part,
    a_lesson,
    a_student,
    a_teacher,
    a_timetable,
    an_account,
    counts,
    directory_for,
    link,
    plan_of,
)


def test_plan_report_lists_skipped_lessons_and_counts_them_per_reason() -> None:
    # Given one good lesson, two class-part-only lessons, one without audience, one outside the grid
    timetable = a_timetable(
        class_parts=[a_class_part("p1")],
        lessons=[
            a_lesson(index=0),
            a_lesson(index=1, classes=(), class_parts=(link("p1"),)),
            a_lesson(index=2, classes=(), class_parts=(link("p1"),)),
            a_lesson(index=3, classes=()),
            a_lesson(index=4, start_place=12),
        ],
    )
    # When
    report = plan_of(timetable).report
    # Then
    assert [(lesson.index, lesson.reason) for lesson in report.skipped_lessons] == [
        (1, "class_part_only"),
        (2, "class_part_only"),
        (3, "no_audience"),
        (4, "outside_grid"),
    ]
    assert report.skipped_counts == {
        "unknown_subject": 0,
        "class_part_only": 2,
        "no_audience": 1,
        "outside_grid": 1,
        "not_selected": 0,
    }
    assert len(report.courses) == 1


def test_plan_report_matched_unmatched_and_new_mappings() -> None:
    # Given s2 missing from the directory, and IDPNs on t1 and s1
    timetable = a_timetable(
        teachers=[a_teacher(pronote_id="PN-T1")],
        students=[a_student("s1", pronote_id="PN-S1"), a_student("s2", "BERNARD", "Hugo")],
    )
    directory = [p for p in directory_for(timetable) if p.person_key != "S-s2"]
    # When
    result = plan_of(timetable, directory=directory)
    # Then
    report = result.report
    assert (report.matched_teachers, report.matched_students) == (1, 1)
    assert [(u.person.ident, u.person.last_name, u.reason) for u in report.unmatched] == [
        ("s2", "BERNARD", UnmatchedReason.NOT_FOUND)
    ]
    assert result.plan.pronote_ids == {"PN-T1": "T-t1", "PN-S1": "S-s1"}
    assert result.state.pronote_ids == {"PN-T1": "T-t1", "PN-S1": "S-s1"}
    assert report.new_pronote_ids == 2


def test_plan_idpn_drift_is_reported_and_the_mapping_kept() -> None:
    # Given a state that knows T-t1 as PN-old, and the export's teacher arriving as PN-new
    previous = AppliedState(uai="0750001A", pronote_ids={"PN-old": PersonKey("T-t1")})
    timetable = a_timetable(teachers=[a_teacher(pronote_id="PN-new")])
    # When
    result = plan_of(timetable, previous=previous)
    # Then the conflict is reported, the account stays a member, and no second identity is stored
    assert [(c.person.ident, c.kind) for c in result.report.conflicts] == [("t1", ConflictKind.ACCOUNT_HAS_OTHER_IDPN)]
    assert result.plan.pronote_ids == {"PN-old": "T-t1"}
    assert result.report.courses[0].teachers == 1


def test_plan_previous_state_of_another_establishment_is_refused() -> None:
    with pytest.raises(EdtImportError) as caught:
        plan_of(a_timetable(), previous=AppliedState(uai="0010001W"))
    assert caught.value.code is ErrorCode.INVALID_STATE


def test_plan_school_node_key_is_the_year_node_parent() -> None:
    result = plan_of(a_timetable(), school_node_key="school-42")
    assert result.plan.year_node.parent_key == "school-42"


def test_plan_staff_account_can_be_a_teacher_but_never_a_student() -> None:
    # Given a teacher whose ENT account has the staff profile, and a student only known as staff
    timetable = a_timetable(students=[a_student("s1")])
    directory = [
        an_account("X-t1", "DUPONT", "Jean", profile=Profile.STAFF),
        an_account("X-s1", "MARTIN", "Lea", profile=Profile.STAFF, birth_date=date(2011, 3, 4)),
    ]
    # When
    result = plan_of(timetable, directory=directory)
    # Then
    assert (result.report.matched_teachers, result.report.matched_students) == (1, 0)


def test_plan_direct_students_of_a_lesson_join_its_course() -> None:
    # Given a newer export placing s3 (no class) on the lesson itself
    timetable = a_timetable(
        students=[a_student("s1"), a_student("s3", "C", "C", classes=[])],
        lessons=[a_lesson(students=(link("s3"),))],
    )
    # When
    result = plan_of(timetable)
    # Then
    assert result.report.courses[0].students == 2
    assert counts(result.report.actions)["add_member"] == 3
    assert Ident("s3") in timetable.students
