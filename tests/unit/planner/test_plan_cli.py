"""``edt-import plan`` end to end on a generated college: encrypted export, partner key, directory CSV."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from edt_import.cli.main import main
from edt_import.generator.establishment import Size, audience_occurrences, generate_establishment
from edt_import.generator.files import write_establishment
from edt_import.generator.partner_keys import generate_partner_key, private_key_pem
from tests.support.plan_summary import PLAN_SUMMARY_KEYS

SEED = 3
TODAY = "2026-09-14"  # a Monday of the generated school year 2026-2027


@pytest.fixture(scope="module")
def college(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_establishment(tmp_path_factory.mktemp("college"), Size.COLLEGE, SEED)


def plan(college: dict[str, Path], capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    argv = ["plan", str(college["export"]), "--key", str(college["key"]), "--directory", str(college["directory"])]
    status = main([*argv, "--today", TODAY, *extra])
    out = capsys.readouterr().out
    assert status == 0
    result: dict[str, Any] = json.loads(out)
    return result


def test_plan_command_prints_the_documented_summary(
    college: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # When
    summary = plan(college, capsys)
    # Then
    assert list(summary) == PLAN_SUMMARY_KEYS
    timetable = generate_establishment(Size.COLLEGE, SEED).timetable
    assert summary["held"] is False
    assert set(summary["courses"][0]) == {"key", "title", "teachers", "students", "events"}
    assert summary["courses"][0]["key"].startswith(f"edt:{timetable.uai}:2026-2027:")
    part_only = [lesson for lesson in summary["skipped_lessons"] if lesson["reason"] == "class_part_only"]
    assert summary["skipped_counts"]["class_part_only"] == len(part_only) > 0
    assert sum(summary["skipped_counts"].values()) == len(summary["skipped_lessons"])
    assert all(lesson["class_parts"] and not lesson["classes"] and not lesson["groups"] for lesson in part_only)
    assert {s["code"] for s in summary["subjects"]} == {s.code for s in timetable.subjects.values()}
    assert summary["new"] == {"subjects": [], "classes": [], "groups": [], "courses": []}
    assert summary["actions"]["create_course"] == len(summary["courses"])
    assert summary["actions"]["create_event"] == sum(c["events"] for c in summary["courses"])
    assert 0 < summary["actions"]["create_event"] < audience_occurrences(timetable)
    matched = summary["matched"]
    assert matched["teachers"] + matched["students"] + len(summary["unmatched"]) <= len(timetable.teachers) + len(
        timetable.students
    )
    assert {u["role"] for u in summary["unmatched"]} <= {"teacher", "student"}
    assert all(
        set(u) == {"role", "last_name", "first_name", "birth_date", "reason"}
        for u in summary["unmatched"]
        if u["role"] == "student"
    )
    assert all(u["reason"] in {"not_found", "ambiguous"} for u in summary["unmatched"])


def test_plan_command_written_state_makes_the_replan_empty(
    college: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Given a first plan whose resulting state is written
    state = tmp_path / "state.json"
    first = plan(college, capsys, "--write-state", str(state))
    # When the same export is planned against it
    again = plan(college, capsys, "--previous", str(state))
    # Then
    assert sum(first["actions"].values()) > 0
    assert set(again["actions"].values()) == {0}
    assert again["courses"] == first["courses"]


def test_plan_command_lists_events_in_utc(college: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    summary = plan(college, capsys, "--with-events")
    events = summary["events"]
    assert len(events) == summary["actions"]["create_event"]
    first = events[0]
    assert set(first) == {"key", "course_key", "title", "start", "end", "rooms"}
    assert first["key"].startswith(first["course_key"] + ":")
    assert first["start"].endswith("Z")
    assert first["end"].endswith("Z")
    assert min(e["start"] for e in events) >= "2026-09-13T22:00:00Z"


def test_plan_command_selection_leaves_disabled_classes_out(
    college: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Given the administrator disabled class 6A
    selection = tmp_path / "selection.json"
    selection.write_text(json.dumps({"disabled": {"classes": ["6A"]}}), encoding="utf-8")
    # When
    summary = plan(college, capsys, "--selection", str(selection))
    # Then
    assert summary["courses"]
    assert not [c for c in summary["courses"] if c["title"].endswith(" - 6A")]


def test_plan_command_stored_selection_reapplies_the_manual_choices(
    college: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Given a manual import without class 6A, whose state keeps the selection
    selection, state = tmp_path / "selection.json", tmp_path / "state.json"
    selection.write_text(json.dumps({"disabled": {"classes": ["6A"]}}), encoding="utf-8")
    manual = plan(college, capsys, "--selection", str(selection), "--write-state", str(state))
    # When an automatic import re-applies the selection stored in that state
    automatic = plan(college, capsys, "--selection", str(state), "--previous", str(state))
    # Then the same courses, nothing new, nothing to do
    assert automatic["courses"] == manual["courses"]
    assert automatic["new"] == {"subjects": [], "classes": [], "groups": [], "courses": []}
    assert set(automatic["actions"].values()) == {0}


def test_plan_command_wrong_key_exits_2_with_the_code(
    college: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Given another partner's key
    other = tmp_path / "other.pem"
    other.write_bytes(private_key_pem(generate_partner_key()))
    # When
    status = main(["plan", str(college["export"]), "--key", str(other), "--directory", str(college["directory"])])
    # Then
    assert status == 2
    assert capsys.readouterr().err.startswith("error: key_mismatch: ")


@pytest.mark.parametrize(
    "case",
    [
        ("--selection", "{not json", "invalid_selection"),
        ("--previous", '{"schema": 99}', "invalid_state"),
    ],
)
def test_plan_command_bad_side_file_exits_2_with_its_code(
    college: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path, case: tuple[str, str, str]
) -> None:
    option, content, code = case
    path = tmp_path / "side.json"
    path.write_text(content, encoding="utf-8")
    argv = ["plan", str(college["export"]), "--key", str(college["key"]), "--directory", str(college["directory"])]
    status = main([*argv, option, str(path)])
    assert status == 2
    assert capsys.readouterr().err.startswith(f"error: {code}: ")


def test_plan_command_missing_directory_is_a_config_error(
    college: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status = main(["plan", str(college["inner"]), "--directory", str(tmp_path / "missing.csv")])
    assert status == 2
    assert capsys.readouterr().err.startswith("error: config_error: The directory file ")
