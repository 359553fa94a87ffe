"""``edt-import plan`` on a small hand-built timetable: the exact JSON an operator reads, and its refusals."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from edt_import.cli.main import main
from edt_import.domain.applied_state import AppliedState
from edt_import.domain.directory import PersonKey, Profile
from edt_import.domain.directory_csv import write_directory_csv
from edt_import.domain.state_encoding import encode_state
from edt_import.generator.xml_writer import timetable_to_xml
from tests.support.plan_summary import PLAN_SUMMARY_KEYS
from tests.support.timetable_builders import (
    UAI,
    YEAR_KEY,
    a_class,
    a_class_part,
    a_lesson,
    a_student,
    a_teacher,
    a_timetable,
    an_account,
    course_key,
    directory_for,
    link,
)

# What the reader says of the default timetable (its UAI's check letter is wrong; lesson weeks run to 63).
READER_WARNINGS = [
    "warning: weeks_beyond_year: 1 lesson(s) have weeks after the end of the school year (week 44), first lesson #1 "
    "(day 1, place 0); those weeks are ignored.",
    "warning: invalid_uai: The establishment code(s) 0750001A do not end with their check letter; check the UAI.",
]
NO_SKIPS = {"unknown_subject": 0, "class_part_only": 0, "no_audience": 0, "outside_grid": 0, "not_selected": 0}
NOTHING_NEW: dict[str, list[object]] = {"subjects": [], "classes": [], "groups": [], "courses": []}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """The default timetable, plus teacher t2 and pupil s2 missing from the directory."""
    timetable = a_timetable(
        teachers=[a_teacher(), a_teacher("t2", "DURAND", "Paul")],
        students=[a_student(), a_student("s2", "BERNARD", "Hugo", birth_date=date(2011, 6, 7))],
    )
    directory = [
        an_account("T-t1", "DUPONT", "Jean", profile=Profile.TEACHER),
        an_account("S-s1", "MARTIN", "Lea", birth_date=date(2011, 3, 4)),
    ]
    paths = {"export": tmp_path / "export.xml", "directory": tmp_path / "users.csv"}
    paths["export"].write_bytes(timetable_to_xml(timetable))
    paths["directory"].write_bytes(write_directory_csv(directory))
    return paths


def run_plan(files: dict[str, Path], capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, Any, str]:
    status = main(["plan", str(files["export"]), "--directory", str(files["directory"]), *extra])
    captured = capsys.readouterr()
    return status, json.loads(captured.out) if status == 0 else None, captured.err


def test_plan_command_exact_summary_of_a_small_school(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # When planned on Monday 29 June 2026, the last Monday of the year
    status, summary, err = run_plan(files, capsys, "--today", "2026-06-29")
    # Then
    assert (status, err.splitlines()) == (0, READER_WARNINGS)
    assert list(summary) == PLAN_SUMMARY_KEYS
    assert summary["courses"] == [
        {"key": course_key(), "title": "MATHEMATIQUES - 3A", "teachers": 1, "students": 1, "events": 1}
    ]
    assert (summary["skipped_lessons"], summary["skipped_counts"]) == ([], NO_SKIPS)
    assert summary["left_out"] == {
        "teachers": [{"role": "teacher", "last_name": "DURAND", "first_name": "Paul", "reason": "in_no_lesson"}],
        "students": [],
        "classes": [],
    }
    assert summary["subjects"] == [
        {"code": "MATHS", "label": "MATHEMATIQUES", "status": "unknown", "courses": 1, "imported": 1}
    ]
    assert summary["new"] == NOTHING_NEW
    assert summary["matched"] == {"teachers": 1, "students": 1}
    assert summary["unmatched"] == [
        {"role": "teacher", "last_name": "DURAND", "first_name": "Paul", "reason": "not_found"},
        {
            "role": "student",
            "last_name": "BERNARD",
            "first_name": "Hugo",
            "birth_date": "2011-06-07",
            "reason": "not_found",
        },
    ]
    assert summary["conflicts"] == []
    assert {k: v for k, v in summary["actions"].items() if v} == {
        "create_course": 1,
        "add_member": 2,
        "create_event": 1,
    }
    assert (summary["held"], summary["hold"]["reasons"]) == (False, [])


def test_plan_command_events_are_listed_with_utc_times(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # When planned on 22 June 2026 with the events, in Paris and in Reunion
    _, paris, _ = run_plan(files, capsys, "--today", "2026-06-22", "--with-events")
    _, reunion, _ = run_plan(files, capsys, "--today", "2026-06-22", "--with-events", "--timezone", "Indian/Reunion")
    # Then 08:00-09:00 local is 06:00Z in Paris (summer time) and 04:00Z in Reunion (UTC+4)
    assert paris["events"] == [
        {
            "key": f"{course_key()}:2026-06-22:0",
            "course_key": course_key(),
            "title": "MATHEMATIQUES - 3A",
            "start": "2026-06-22T06:00:00Z",
            "end": "2026-06-22T07:00:00Z",
            "rooms": ["A101"],
        },
        {
            "key": f"{course_key()}:2026-06-29:0",
            "course_key": course_key(),
            "title": "MATHEMATIQUES - 3A",
            "start": "2026-06-29T06:00:00Z",
            "end": "2026-06-29T07:00:00Z",
            "rooms": ["A101"],
        },
    ]
    assert [(e["start"], e["end"]) for e in reunion["events"]] == [
        ("2026-06-22T04:00:00Z", "2026-06-22T05:00:00Z"),
        ("2026-06-29T04:00:00Z", "2026-06-29T05:00:00Z"),
    ]


def test_plan_command_unknown_selection_names_are_warned_on_stderr(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Given a selection disabling class 3Z, which the export does not have
    selection = tmp_path / "selection.json"
    selection.write_text(json.dumps({"disabled": {"classes": ["3Z", "3A"], "subjects": ["ESP2"]}}), encoding="utf-8")
    # When
    status, summary, err = run_plan(files, capsys, "--today", "2026-06-29", "--selection", str(selection))
    # Then the plan goes ahead without 3A, and each unknown list is named on stderr
    assert (status, summary["courses"]) == (0, [])
    assert err.splitlines() == [
        *READER_WARNINGS,
        "warning: selection_unknown: The selection disables 1 subject(s) this export does not have: ESP2.",
        "warning: selection_unknown: The selection disables 1 class(es) this export does not have: 3Z.",
    ]


@pytest.mark.parametrize(
    "case",
    [
        ("--selection", '{"disabled": {"classes": "3A"}}', "invalid_selection"),
        ("--selection", '{"disabled": {"rooms": []}}', "invalid_selection"),
        ("--previous", "[]", "invalid_state"),
        ("--previous", '{"schema": 3, "uai": "0750001A"}', "invalid_state"),
        ("--previous", b"\xff\xfe", "invalid_state"),
        ("--directory", "person_key,profile\nx,teacher\n", "invalid_directory"),
        ("--directory", b"", "invalid_directory"),
    ],
)
def test_plan_command_invalid_side_files_exit_2_with_a_stable_code(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path, case: tuple[str, str | bytes, str]
) -> None:
    option, content, code = case
    path = tmp_path / "side"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    argv = ["plan", str(files["export"]), "--today", "2026-06-29"]
    if option != "--directory":
        argv += ["--directory", str(files["directory"])]
    status = main([*argv, option, str(path)])
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith(f"error: {code}: ")
    assert len(err.splitlines()) == 1


def test_plan_command_state_of_another_school_and_bad_zone_and_date_are_refused(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    state.write_bytes(encode_state(AppliedState(uai="0010001W")))
    outcomes = [
        run_plan(files, capsys, "--previous", str(state))[2].split(":")[1].strip(),
        run_plan(files, capsys, "--timezone", "Mars/Olympus")[2].split(":")[1].strip(),
        run_plan(files, capsys, "--today", "29/06/2026")[2].split(":")[1].strip(),
    ]
    assert outcomes == ["invalid_state", "config_error", "config_error"]


def test_plan_command_written_state_replans_to_nothing_and_keeps_no_names(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Given a first plan writing its state
    state = tmp_path / "state.json"
    run_plan(files, capsys, "--today", "2026-06-22", "--write-state", str(state))
    # When planned again against it
    _, again, _ = run_plan(files, capsys, "--today", "2026-06-22", "--previous", str(state))
    # Then nothing to do, and the state file holds keys only, no person's name or birth date
    assert set(again["actions"].values()) == {0}
    text = state.read_text(encoding="utf-8")
    assert YEAR_KEY in text
    for personal in ("DUPONT", "MARTIN", "BERNARD", "DURAND", "Lea", "Hugo", "2011"):
        assert personal not in text


def test_plan_command_lists_each_skipped_lesson_as_the_school_finds_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Given a lesson of 3A at 08:00 on Mondays, and one on Thursdays at 10:00 for the class part p1 alone
    timetable = a_timetable(
        classes=[a_class(parts=["p1"])],
        class_parts=[a_class_part("p1")],
        students=[a_student(class_parts=["p1"])],
        lessons=[a_lesson(), a_lesson(index=1, day=4, start_place=2, classes=(), class_parts=(link("p1"),))],
    )
    files = {"export": tmp_path / "export.xml", "directory": tmp_path / "users.csv"}
    files["export"].write_bytes(timetable_to_xml(timetable))
    files["directory"].write_bytes(write_directory_csv(directory_for(timetable)))
    # When
    _, summary, _ = run_plan(files, capsys, "--today", "2026-06-29")
    # Then
    assert summary["skipped_lessons"] == [
        {
            "reason": "class_part_only",
            "subject": {"ident": "m1", "code": "MATHS", "label": "MATHEMATIQUES"},
            "day": 4,
            "place": 2,
            "start": "10:00",
            "classes": [],
            "groups": [],
            "class_parts": [{"ident": "p1", "class": "3A"}],
            "students": 0,
        }
    ]
    assert summary["skipped_counts"] == {**NO_SKIPS, "class_part_only": 1}


def test_plan_command_subjects_referential_colours_the_subjects(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Given the ENT's referential, with a byte-order mark, blank lines and spaces, holding MATHS
    referential = tmp_path / "subjects.txt"
    referential.write_bytes(b"\xef\xbb\xbfFRANC\r\n\r\n  MATHS  \r\nAGL1\n")
    # When
    _, summary, _ = run_plan(files, capsys, "--today", "2026-06-29", "--subjects", str(referential))
    # Then
    assert summary["subjects"] == [
        {"code": "MATHS", "label": "MATHEMATIQUES", "status": "recognised", "courses": 1, "imported": 1}
    ]


def test_plan_command_bad_subjects_referential_exits_2(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    referential = tmp_path / "subjects.txt"
    referential.write_bytes(b"MATHS\n\xff\xfe\n")
    status = main(
        ["plan", str(files["export"]), "--directory", str(files["directory"]), "--subjects", str(referential)]
    )
    assert (status, capsys.readouterr().err.split(":")[1].strip()) == (2, "invalid_subjects")


def test_plan_command_stored_selection_reports_what_is_new_and_leaves_it_out(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Given the state of a manual import, then an export where class 3B has a maths lesson too
    state = tmp_path / "state.json"
    run_plan(files, capsys, "--today", "2026-06-22", "--write-state", str(state))
    timetable = a_timetable(
        classes=[a_class(), a_class("c2", "3B")],
        lessons=[a_lesson(), a_lesson(index=1, day=2, classes=(link("c2"),))],
    )
    files["export"].write_bytes(timetable_to_xml(timetable))
    # When an automatic import re-applies the stored selection
    _, summary, err = run_plan(
        files, capsys, "--today", "2026-06-22", "--selection", str(state), "--previous", str(state)
    )
    # Then 3B's course is reported as new and not imported; nothing else changes
    assert "selection" not in err
    assert [c["key"] for c in summary["courses"]] == [course_key()]
    assert summary["new"] == {
        "subjects": [],
        "classes": ["3B"],
        "groups": [],
        "courses": [{"key": course_key(audience="cc2"), "title": "MATHEMATIQUES - 3B"}],
    }
    assert [(lesson["reason"], lesson["classes"]) for lesson in summary["skipped_lessons"]] == [
        ("not_selected", ["3B"])
    ]
    assert {k: v for k, v in summary["actions"].items() if v} == {}


def test_plan_command_conflict_resolved_by_a_cas_id_is_reported_as_such(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Given a state mapping teacher t1's IDPN to T-old, and t1's CAS id naming T-new
    timetable = a_timetable(teachers=[a_teacher(pronote_id="PN1", cas_id="cas-1")], students=[])
    files = {"export": tmp_path / "export.xml", "directory": tmp_path / "users.csv", "state": tmp_path / "state.json"}
    files["export"].write_bytes(timetable_to_xml(timetable))
    files["directory"].write_bytes(
        write_directory_csv(
            [
                an_account("T-old", "DUPONT", "Jean", profile=Profile.TEACHER),
                an_account("T-new", "DUPONT", "Jean", profile=Profile.TEACHER, cas_id="cas-1"),
            ]
        )
    )
    files["state"].write_bytes(encode_state(AppliedState(uai=UAI, pronote_ids={"PN1": PersonKey("T-old")})))
    # When
    _, summary, _ = run_plan(files, capsys, "--today", "2026-06-22", "--previous", str(files["state"]))
    # Then
    assert summary["conflicts"] == [
        {"role": "teacher", "last_name": "DUPONT", "first_name": "Jean", "kind": "cas_replaces_idpn", "resolved": True}
    ]


def test_plan_command_lesson_of_an_undeclared_subject_is_listed_not_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Given an export whose Wednesday 12:00 lesson names subject m9, which it does not declare
    timetable = a_timetable(lessons=[a_lesson(), a_lesson(index=1, day=3, start_place=4, subject="m9")])
    files = {"export": tmp_path / "export.xml", "directory": tmp_path / "users.csv"}
    files["export"].write_bytes(timetable_to_xml(timetable))
    files["directory"].write_bytes(write_directory_csv(directory_for(timetable)))
    # When
    status, summary, _ = run_plan(files, capsys, "--today", "2026-06-29")
    # Then the rest is planned, and the lesson is listed with its reason
    assert (status, [c["key"] for c in summary["courses"]]) == (0, [course_key()])
    assert summary["skipped_lessons"] == [
        {
            "reason": "unknown_subject",
            "subject": {"ident": "m9", "code": None, "label": None},
            "day": 3,
            "place": 4,
            "start": "12:00",
            "classes": ["3A"],
            "groups": [],
            "class_parts": [],
            "students": 0,
        }
    ]
