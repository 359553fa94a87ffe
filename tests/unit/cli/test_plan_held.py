"""``edt-import plan`` of a plan the deletion guard holds: exit 4 as a held sync, with what it would delete."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edt_import.cli import exit_status
from edt_import.cli.main import main
from tests.support.export_xml_builder import UAI, export_xml

DIRECTORY = "person_key,profile,last_name,first_name,birth_date,cas_id,source\n"


def test_plan_held_exits_4_and_lists_the_deletions_with_their_approval_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a plan applied (its state written), then a selection disabling every subject
    export, users, state, selection = (tmp_path / n for n in ("export.xml", "users.csv", "state.json", "sel.json"))
    export.write_bytes(export_xml())
    users.write_text(DIRECTORY, encoding="utf-8")
    selection.write_text(json.dumps({"disabled": {"subjects": ["AGL1", "MATHS"]}}), encoding="utf-8")
    argv = ["plan", str(export), "--directory", str(users), "--today", "2025-09-01"]
    assert main([*argv, "--write-state", str(state)]) == exit_status.OK
    first = json.loads(capsys.readouterr().out)

    # When the same export is planned against that state with the selection
    status = main([*argv, "--previous", str(state), "--selection", str(selection)])

    # Then the plan is printed, held, with every course it would delete and the code approving exactly that
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    assert status == exit_status.HELD
    hold = summary["hold"]
    assert captured.err.splitlines()[-1] == (
        f"held: the deletion guard holds this plan ({', '.join(hold['reasons'])}): nothing is sent. Review "
        f'"hold" in the output, then approve its deletions with: sync --approve {hold["approval"]}'
    )
    assert summary["held"] is True
    assert "courses_deletions_above_threshold" in hold["reasons"]
    assert hold["deletions"]["courses"] == [{"key": c["key"], "title": c["title"]} for c in first["courses"]]
    assert hold["deletions"]["events"] == summary["actions"]["delete_event"] > 0
    assert len(hold["approval"]) == 12
    assert all(course["key"].startswith(f"edt:{UAI}:") for course in hold["deletions"]["courses"])


def test_plan_not_held_has_no_approval(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export, users = tmp_path / "export.xml", tmp_path / "users.csv"
    export.write_bytes(export_xml())
    users.write_text(DIRECTORY, encoding="utf-8")
    assert main(["plan", str(export), "--directory", str(users), "--today", "2025-09-01"]) == exit_status.OK
    hold = json.loads(capsys.readouterr().out)["hold"]
    assert (set(hold), hold["reasons"]) == ({"reasons", "figures"}, [])
