from __future__ import annotations

import json
from pathlib import Path

import pytest

from edt_import.cli.main import main
from edt_import.generator.container_sealing import seal_container
from edt_import.generator.partner_keys import private_key_pem
from tests.support.export_xml_builder import export_xml
from tests.support.hostile_containers import EXPORTED_AT, make_keys

KEYS = make_keys(1024)
COUNTS = {
    "subjects": 2,
    "teachers": 2,
    "classes": 2,
    "class_parts": 2,
    "groups": 1,
    "rooms": 1,
    "students": 2,
    "lessons": 2,
}


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_inspect_clear_xml_prints_one_json_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Given a clear inner XML
    file = write(tmp_path, "export.xml", export_xml())
    # When
    status = main(["inspect", file])
    # Then
    out = capsys.readouterr().out
    assert status == 0
    assert json.loads(out) == {
        "uai": "0750001U",
        "software": None,
        "version": "1.1",
        "school_year": {"start": "2025-09-01", "end": "2026-07-04", "week1": "2025-09-01"},
        "counts": COUNTS,
        "warnings": [],
    }


def test_inspect_container_with_key_names_software_and_shows_no_personal_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a sealed export and our private key as PEM
    container = seal_container(
        export_xml(),
        partners={"ITSLEARNING": KEYS.ours.public_key()},
        software="PRONOTE 2019 - 2019.0.2.5",
        uai="0750001U",
        exported_at=EXPORTED_AT,
    )
    file = write(tmp_path, "export.xml", container)
    key = write(tmp_path, "key.pem", private_key_pem(KEYS.ours))
    # When
    status = main(["inspect", file, "--key", key, "--uai", "0750001U"])
    # Then
    out = capsys.readouterr().out
    summary = json.loads(out)
    assert status == 0
    assert (summary["software"], summary["uai"], summary["counts"]) == ("PRONOTE 2019 - 2019.0.2.5", "0750001U", COUNTS)
    for personal in ("MARTIN", "Claire", "BERNARD", "PN20", "cas50", "1980-02-03", "INE50"):
        assert personal not in out


def test_inspect_warnings_are_listed_with_code_and_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Given an export whose UAI has a wrong check letter
    file = write(tmp_path, "export.xml", export_xml(uai="0750001A"))
    # When
    status = main(["inspect", file])
    # Then
    assert status == 0
    assert json.loads(capsys.readouterr().out)["warnings"] == [
        {
            "code": "invalid_uai",
            "message": "The establishment code(s) 0750001A do not end with their check letter; check the UAI.",
        }
    ]


@pytest.mark.parametrize(
    ("data", "arguments", "stderr"),
    [
        (
            export_xml(),
            ["--uai", "0750002V"],
            "error: uai_mismatch: This export belongs to establishment 0750001U, not to 0750002V.\n",
        ),
        (
            b"<ExportEmploiDuTemps><Matieres></ExportEmploiDuTemps>",
            [],
            "error: malformed_xml: The timetable is not well-formed XML (line 1, column 34).\n",
        ),
        (b"", [], "error: not_an_export: The file is empty.\n"),
    ],
    ids=["uai-mismatch", "malformed", "empty"],
)
def test_inspect_refused_export_exits_2_with_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, arguments: list[str], stderr: str
) -> None:
    # Given a file the reader refuses
    file = write(tmp_path, "export.xml", data)
    # When
    status = main(["inspect", file, *arguments])
    # Then
    captured = capsys.readouterr()
    assert (status, captured.out, captured.err) == (2, "", stderr)


def test_inspect_missing_file_exits_2_as_configuration_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # When
    status = main(["inspect", str(tmp_path / "absent.xml")])
    # Then
    assert status == 2
    assert capsys.readouterr().err.startswith("error: config_error: The export file ")


def test_inspect_container_without_key_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Given a sealed export and no --key
    container = seal_container(
        export_xml(), partners={"ITSLEARNING": KEYS.ours.public_key()}, uai="0750001U", exported_at=EXPORTED_AT
    )
    file = write(tmp_path, "export.xml", container)
    # When
    status = main(["inspect", file])
    # Then
    assert status == 2
    assert capsys.readouterr().err.startswith("error: config_error: ")


def test_inspect_bad_key_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = write(tmp_path, "export.xml", export_xml())
    key = write(tmp_path, "key.pem", b"not a key")
    assert main(["inspect", file, "--key", key]) == 2
    assert capsys.readouterr().err.startswith("error: invalid_private_key: ")
