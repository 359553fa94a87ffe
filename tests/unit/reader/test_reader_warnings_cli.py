"""The reader's warnings as an operator meets them: in ``inspect``'s JSON, and on ``plan``'s standard error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edt_import.cli.main import main
from edt_import.domain.directory_csv import write_directory_csv
from tests.unit.reader.export_builder import STUDENTS, export_xml

# Both pupils placed in class part 39, which no Classe lists: what a real PRONOTE export carries.
DANGLING_PART = export_xml(
    sections={"Eleves": STUDENTS.replace("</Eleve>", '<PartieDeClasse Ident="39" DateEntree="2025-09-01"/></Eleve>')}
)
MESSAGE = "2 student(s) name class part 39, which the export does not define; those references are ignored."


def test_inspect_dangling_class_part_is_a_warning_with_kind_ident_and_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the export on disk
    export = tmp_path / "export.xml"
    export.write_bytes(DANGLING_PART)
    # When
    status = main(["inspect", str(export)])
    # Then
    assert status == 0
    assert json.loads(capsys.readouterr().out)["warnings"] == [
        {"code": "dangling_reference", "message": MESSAGE, "kind": "student→class part", "ident": "39", "count": 2}
    ]


def test_plan_prints_the_reader_warnings_on_standard_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Given the export and an empty directory on disk
    export = tmp_path / "export.xml"
    export.write_bytes(DANGLING_PART)
    directory = tmp_path / "users.csv"
    directory.write_bytes(write_directory_csv([]))
    # When
    status = main(["plan", str(export), "--directory", str(directory), "--today", "2025-09-10"])
    # Then the plan is made, and the warning said beside it
    captured = capsys.readouterr()
    assert status == 0
    assert json.loads(captured.out)["courses"]
    assert captured.err.splitlines() == [f"warning: dangling_reference: {MESSAGE}"]
