"""The reader's warnings as an operator meets them: in ``inspect``'s JSON, and on ``plan``'s standard error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edt_import.cli.main import main
from edt_import.domain.directory_csv import write_directory_csv
from tests.support.export_xml_builder import LESSONS, STUDENTS, export_xml

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


def test_plan_lists_a_lesson_of_an_undeclared_subject_as_skipped_and_warns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given the second lesson's subject 77, which the export does not declare
    export = tmp_path / "export.xml"
    export.write_bytes(
        export_xml(sections={"Cours": LESSONS.replace('<Matiere Ident="11"/>', '<Matiere Ident="77"/>')})
    )
    directory = tmp_path / "users.csv"
    directory.write_bytes(write_directory_csv([]))
    # When
    status = main(["plan", str(export), "--directory", str(directory), "--today", "2025-09-10"])
    # Then the reader says it, and the plan lists the lesson with what the school needs to find it
    captured = capsys.readouterr()
    assert status == 0
    assert captured.err.splitlines() == [
        "warning: dangling_reference: 1 lesson(s) name subject 77, which the export does not define, "
        "first lesson #2 (day 2, place 2); those lessons are skipped."
    ]
    skipped = [
        lesson for lesson in json.loads(captured.out)["skipped_lessons"] if lesson["reason"] == "unknown_subject"
    ]
    assert skipped == [
        {
            "reason": "unknown_subject",
            "subject": {"ident": "77", "code": None, "label": None},
            "day": 2,
            "place": 2,
            "start": "10:05",
            "classes": ["3A"],
            "groups": [],
            "class_parts": [{"ident": "31", "class": "3A"}],
            "students": 1,
        }
    ]
