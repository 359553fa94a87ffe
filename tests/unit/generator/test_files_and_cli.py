from __future__ import annotations

import json
from pathlib import Path

import pytest

from edt_import.cli.main import main
from edt_import.domain.directory_csv import read_directory_csv
from edt_import.domain.export_reader import read_export
from edt_import.domain.private_key import load_private_key
from edt_import.generator.container_sealing import seal_container
from edt_import.generator.establishment import Size, audience_occurrences
from edt_import.generator.files import EXPORTED_AT, SOFTWARE, write_establishment
from tests.support import cached


@pytest.mark.parametrize("size", list(Size))
def test_generated_timetable_round_trips_through_sealed_container(size: Size) -> None:
    # Given a generated establishment sealed as PRONOTE would for our partner key
    generated = cached.establishment(size)
    key = cached.partner_key()
    export = seal_container(
        cached.inner_xml(size),
        partners={"ITSLEARNING": key.public_key()},
        software=SOFTWARE,
        uai=generated.uai,
        establishment_name=generated.name,
        postcode_city=generated.postcode_city,
        exported_at=EXPORTED_AT,
    )
    # When the product opens it
    opened = read_export(export, private_key=key, expected_uai=generated.uai)
    # Then it reads back exactly the generated timetable, less the class part no class lists
    assert opened.timetable == cached.as_read(generated.timetable)
    assert opened.container is not None
    assert opened.container.software == SOFTWARE
    assert opened.container.uai == generated.uai


def test_write_establishment_writes_openable_files(tmp_path: Path) -> None:
    # Given / When
    paths = write_establishment(tmp_path / "out", Size.COLLEGE, 11)
    # Then the four files exist and agree with the generated model
    generated = cached.establishment(Size.COLLEGE, 11)
    assert {kind: path.name for kind, path in paths.items()} == {
        "inner": "inner.xml",
        "export": "export.xml",
        "key": "partner-key.pem",
        "directory": "directory.csv",
    }
    assert paths["inner"].read_bytes() == cached.inner_xml(Size.COLLEGE, 11)
    key = load_private_key(paths["key"].read_bytes())
    assert read_export(paths["export"].read_bytes(), private_key=key).timetable == cached.as_read(generated.timetable)
    assert read_directory_csv(paths["directory"].read_bytes()) == generated.directory
    assert paths["key"].read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")


def test_generate_command_prints_paths_and_counts_without_personal_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # When the command runs
    status = main(["generate", "--size", "college", "--seed", "11", "--out", str(tmp_path)])
    # Then it prints one JSON line with the files and the counts
    out = capsys.readouterr().out
    assert status == 0
    assert out.count("\n") == 1
    summary = json.loads(out)
    timetable = cached.establishment(Size.COLLEGE, 11).timetable
    assert summary["size"] == "college"
    assert summary["seed"] == 11
    assert summary["files"]["export"] == str(tmp_path / "export.xml")
    assert summary["counts"]["students"] == len(timetable.students)
    assert summary["counts"]["lessons"] == len(timetable.lessons)
    assert summary["counts"]["occurrences"] == audience_occurrences(timetable)
    assert all(Path(path).is_file() for path in summary["files"].values())
    # and no name of any pupil or teacher
    names = {s.last_name for s in timetable.students.values()} | {t.last_name for t in timetable.teachers.values()}
    assert not any(name in out for name in names)
