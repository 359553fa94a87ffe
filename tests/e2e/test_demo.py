from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from edt_import.cli.main import main as edt_import
from edt_import.domain.directory_csv import read_directory_csv
from edt_import.domain.export_reader import read_export
from edt_import.domain.private_key import load_private_key
from edt_import.generator.establishment import Size
from edt_import.generator.files import write_establishment
from tests.support.output_schemas import assert_matches_schema

# The generated year's first school day, before school: the demo's default when today is outside the year.
NOW = "2027-05-03T06:00:00+00:00"


def test_demo_generated_college_imports_through_the_pipeline_then_applies_a_small_difference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a fresh output folder
    # When the demo runs the pipeline on a generated college, then on its slightly changed export
    status = edt_import(["demo", "--out", str(tmp_path / "demo"), "--seed", "11", "--now", NOW])
    out = capsys.readouterr().out
    # Then each stage was shown, the first import is done and landed in the stand-in without duplicates
    assert status == 0
    for stage in ("queued", "parsing", "reconciling", "planning", "syncing", "done"):
        assert re.search(rf"^  {stage} +\d+\.\d s", out, re.MULTILINE), stage
    first = re.search(r"actions +(\d+) succeeded .*, 0 failed", out)
    landed = re.search(r"local stand-in +(\d+) courses, (\d+) memberships, (\d+) events, 0 duplicates", out)
    assert first is not None
    assert landed is not None
    assert sum(map(int, landed.groups())) == int(first.group(1))
    # And the second import applied a small difference: one lesson's events updated, one pupil moved
    difference = re.search(r"difference applied +(\d+) succeeded \((.*)\), 0 failed", out)
    assert difference is not None
    kinds = dict(part.rsplit(" ", 1) for part in difference.group(2).split(", "))
    assert set(kinds) <= {"update_event", "add_member", "remove_member"}
    assert {"update_event", "add_member", "remove_member"} <= set(kinds)
    assert 0 < int(difference.group(1)) < int(first.group(1)) // 50
    # And the unrecognised accounts are listed for the administrator, one per line after a header
    lines = (tmp_path / "demo" / "unmatched.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == ["role", "last_name", "first_name", "birth_date", "reason"]
    assert all(line.split("\t")[-1] in {"not_found", "ambiguous"} for line in lines[1:])


def test_demo_given_files_json_mode_ends_with_one_json_object(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given an export, its key and its directory on disk
    paths = write_establishment(tmp_path, Size.COLLEGE, seed=12)
    uai = read_export(
        paths["export"].read_bytes(), private_key=load_private_key(paths["key"].read_bytes())
    ).timetable.uai
    argv = [
        "demo",
        "--export",
        str(paths["export"]),
        "--key",
        str(paths["key"]),
        "--directory",
        str(paths["directory"]),
    ]
    # When the demo imports it with --json
    status = edt_import([*argv, "--uai", uai, "--now", NOW, "--json"])
    # Then the last stdout line is the import's outcome, matching what the stand-in holds
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert status == 0
    assert result["status"] == "done"
    assert result["actions"]["failed"] == 0
    assert result["actions"]["succeeded"] == sum(result["ent"].values())
    assert_matches_schema("demo", result)
    assert len(read_directory_csv(paths["directory"].read_bytes())) > 0


def test_demo_given_export_without_its_key_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = edt_import(["demo", "--export", str(tmp_path / "x.xml"), "--uai", "0214773Z"])
    assert status == 2
    assert "--key" in capsys.readouterr().err
