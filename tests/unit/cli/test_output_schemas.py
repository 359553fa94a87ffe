"""Each command's real output validates against its JSON Schema in docs/schemas/, and the schemas' closed sets
are the code's (a new warning code, skip reason or action type must be documented there)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest

from edt_import.cli.main import main
from edt_import.domain.course_rules import SkipReason
from edt_import.domain.left_out import LeftOutReason
from edt_import.domain.plan import ActionType
from edt_import.domain.reconciliation import ConflictKind, UnmatchedReason
from edt_import.domain.subject_referential import SubjectStatus
from edt_import.domain.timetable_validation import WarningCode
from edt_import.generator.establishment import Size
from edt_import.generator.files import write_establishment
from edt_import.usecases.apply_plan import YearNodeOutcome
from tests.support.export_xml_builder import export_xml
from tests.support.output_schemas import assert_matches_schema, schema

LAST_WEEKS = "2027-06-21"  # two weeks before the generated school year ends: every kind of event, not 20,000


@pytest.fixture(scope="module")
def college(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_establishment(tmp_path_factory.mktemp("college"), Size.COLLEGE, 5)


def printed(capsys: pytest.CaptureFixture[str], argv: list[str], status: int = 0) -> Any:
    assert main(argv) == status
    return json.loads(capsys.readouterr().out)


def test_inspect_output_matches_its_schema(college: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    output = printed(capsys, ["inspect", str(college["export"]), "--key", str(college["key"])])
    assert output["warnings"]  # the generated college carries the real-world oddities the reader warns about
    assert_matches_schema("inspect", output)


def test_inspect_output_of_a_clear_export_matches_its_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "export.xml"
    export.write_bytes(export_xml())
    assert_matches_schema("inspect", printed(capsys, ["inspect", str(export)]))


def test_plan_output_matches_its_schema(college: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["plan", str(college["export"]), "--key", str(college["key"]), "--directory", str(college["directory"])]
    output = printed(capsys, [*argv, "--today", LAST_WEEKS, "--with-events"])
    assert output["skipped_lessons"]
    assert output["unmatched"]
    assert output["events"]
    assert_matches_schema("plan", output)


def test_plan_output_held_matches_its_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Given a plan applied, then the same export with every subject disabled: held
    export, users, state, selection = (tmp_path / n for n in ("export.xml", "users.csv", "state.json", "sel.json"))
    export.write_bytes(export_xml())
    users.write_text("person_key,profile,last_name,first_name,birth_date,cas_id,source\n", encoding="utf-8")
    selection.write_text(json.dumps({"disabled": {"subjects": ["AGL1", "MATHS"]}}), encoding="utf-8")
    argv = ["plan", str(export), "--directory", str(users), "--today", "2025-09-01"]
    printed(capsys, [*argv, "--write-state", str(state)])
    output = printed(capsys, [*argv, "--previous", str(state), "--selection", str(selection)], status=4)
    assert output["held"] is True
    assert_matches_schema("plan", output)


def test_plan_schema_rejects_what_the_command_never_prints() -> None:
    # A held plan without its approval code, and a course without a key, are not plan outputs
    with pytest.raises(AssertionError, match="approval"):
        assert_matches_schema(
            "plan",
            {
                **_minimal_plan(),
                "held": True,
                "hold": {
                    "reasons": ["empty_export"],
                    "figures": {},
                    "deletions": {"courses": [], "members": 0, "events": 0},
                },
            },
        )
    with pytest.raises(AssertionError, match="'key' is a required property"):
        assert_matches_schema(
            "plan", {**_minimal_plan(), "courses": [{"title": "X", "teachers": 0, "students": 0, "events": 0}]}
        )


def _minimal_plan() -> dict[str, Any]:
    return {
        "courses": [],
        "skipped_lessons": [],
        "skipped_counts": {},
        "left_out": {"teachers": [], "students": [], "classes": []},
        "subjects": [],
        "new": {"subjects": [], "classes": [], "groups": [], "courses": []},
        "matched": {"teachers": 0, "students": 0},
        "unmatched": [],
        "conflicts": [],
        "actions": dict.fromkeys(ActionType, 0),
        "held": False,
        "hold": {"reasons": [], "figures": {}},
    }


def _enum(document: dict[str, Any], *path: str) -> set[Any]:
    node: Any = document
    for step in path:
        node = node[step]
    return set(node["enum"])


def _values(kind: type[StrEnum]) -> set[str]:
    return {member.value for member in kind}


def test_schemas_closed_sets_are_the_code_ones() -> None:
    inspect, plan, sync = schema("inspect"), schema("plan"), schema("sync")
    assert _enum(inspect, "$defs", "warning", "properties", "code") == _values(WarningCode)
    assert _enum(plan, "$defs", "skip_reason") == _values(SkipReason)
    assert _enum(plan, "$defs", "left_out_reason_value") == _values(LeftOutReason)
    assert _enum(plan, "properties", "subjects", "items", "properties", "status") == _values(SubjectStatus)
    unmatched = plan["properties"]["unmatched"]["items"]["allOf"][1]["properties"]["reason"]
    conflicts = plan["properties"]["conflicts"]["items"]["allOf"][1]["properties"]["kind"]
    assert (set(unmatched["enum"]), set(conflicts["enum"])) == (_values(UnmatchedReason), _values(ConflictKind))
    assert set(plan["properties"]["actions"]["required"]) == _values(ActionType)
    assert _enum(sync, "$defs", "applied", "properties", "year_node") == _values(YearNodeOutcome)
