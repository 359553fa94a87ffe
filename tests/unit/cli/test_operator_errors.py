"""Every ``edt-import`` command fed what an operator gets wrong: one ``error: CODE: message`` line, the documented
exit status, never a Python traceback. Run in process through ``main``; nothing here opens a socket."""

from __future__ import annotations

from pathlib import Path

import pytest

from edt_import.cli import exit_status
from edt_import.cli.main import main
from edt_import.generator.container_sealing import seal_container
from edt_import.generator.partner_keys import private_key_pem
from tests.support.export_xml_builder import UAI, export_xml
from tests.support.hostile_containers import EXPORTED_AT, make_keys

KEYS = make_keys(1024)
DIRECTORY_HEADER = "person_key,profile,last_name,first_name,birth_date,cas_id,source\n"
NESTED_DEEP = "[" * 100_000 + "]" * 100_000
UNREACHABLE = "http://127.0.0.1:9"  # never called: every case below is refused before itslearning is


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """A clear export of establishment UAI, a directory CSV that matches it well enough, a deeply nested JSON."""
    paths = {name: tmp_path / name for name in ("export.xml", "users.csv", "deep.json")}
    paths["export.xml"].write_bytes(export_xml())
    paths["users.csv"].write_text(DIRECTORY_HEADER + "T-1,teacher,DUPONT,Jean,,,aaf\n", encoding="utf-8")
    paths["deep.json"].write_text(NESTED_DEEP, encoding="utf-8")
    return paths


def refused(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str]:
    """Run ``argv``; return the exit status and the one line on stderr (nothing on stdout, no traceback)."""
    status = main(argv)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.endswith("\n")
    assert len(captured.err.splitlines()) == 1, captured.err
    assert "Traceback" not in captured.err
    return status, captured.err.rstrip("\n")


def sync_argv(files: dict[str, Path], state_dir: Path, *extra: str) -> list[str]:
    export, users = str(files["export.xml"]), str(files["users.csv"])
    return [
        "sync",
        export,
        "--directory",
        users,
        "--itslearning-url",
        UNREACHABLE,
        "--state-dir",
        str(state_dir),
        *extra,
    ]


def test_generate_out_naming_a_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Given a file where the output folder should be
    taken = tmp_path / "out"
    taken.write_text("mine", encoding="utf-8")
    # When generate is told to write there
    status, line = refused(capsys, ["generate", "--out", str(taken)])
    # Then it refuses, and the file is untouched
    assert (status, line) == (
        exit_status.REFUSED,
        f"error: config_error: The output {taken} is a file; name a folder (it is created if needed).",
    )
    assert taken.read_text(encoding="utf-8") == "mine"


def test_generate_out_below_a_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    out = tmp_path / "file" / "college"
    status, line = refused(capsys, ["generate", "--out", str(out)])
    assert (status, line) == (
        exit_status.REFUSED,
        f"error: config_error: The output folder {out} cannot be written (Not a directory).",
    )


def test_sandbox_missing_persons_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "users.csv"
    status, line = refused(capsys, ["sandbox", "serve", "--port", "0", "--persons", str(missing)])
    assert (status, line) == (
        exit_status.REFUSED,
        f"error: config_error: The persons file {missing} cannot be read (No such file or directory).",
    )


@pytest.mark.parametrize("port", ["99999", "-1"])
def test_sandbox_port_out_of_range_is_refused(capsys: pytest.CaptureFixture[str], port: str) -> None:
    status, line = refused(capsys, ["sandbox", "serve", "--port", port])
    assert (status, line) == (
        exit_status.REFUSED,
        f"error: config_error: The port must be between 0 (any free port) and 65535 (port {port}).",
    )


@pytest.mark.parametrize(("content", "reason"), [("not json", "holds"), (None, "folder")])
def test_sandbox_data_file_it_did_not_write_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, reason: str
) -> None:
    # Given a --data path holding something else than a stand-in's data: text, or a folder
    data = tmp_path / "standin.json"
    if content is None:
        data.mkdir()
    else:
        data.write_text(content, encoding="utf-8")
    # When the stand-in starts on it, Then it is refused (before listening) and the file is left as it was
    status, line = refused(capsys, ["sandbox", "serve", "--port", "0", "--data", str(data)])
    expected = {
        "holds": f"error: config_error: The file {data} does not hold a stand-in's data (written by --data).",
        "folder": f"error: config_error: The stand-in's data file {data} cannot be read (Is a directory).",
    }
    assert (status, line) == (exit_status.REFUSED, expected[reason])


@pytest.mark.parametrize(("option", "code"), [("--selection", "invalid_selection"), ("--previous", "invalid_state")])
def test_plan_json_nested_beyond_reason_is_refused(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], option: str, code: str
) -> None:
    # Given a selection or a state nested 100,000 deep (Python's parser gives up with a RecursionError)
    argv = ["plan", str(files["export.xml"]), "--directory", str(files["users.csv"]), "--today", "2025-09-01"]
    # When planned, Then the file is refused with its own code
    status, line = refused(capsys, [*argv, option, str(files["deep.json"])])
    assert status == exit_status.REFUSED
    assert line.startswith(f"error: {code}: ")


def test_plan_directory_fault_names_line_and_column(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    # Given a directory whose third line has a birth date in no known form
    rows = "T-1,teacher,DUPONT,Jean,,,aaf\nS-1,student,MARTIN,Lea,31.12.2011,,aaf\n"
    files["users.csv"].write_text(DIRECTORY_HEADER + rows, encoding="utf-8")
    # When planned
    status, line = refused(capsys, ["plan", str(files["export.xml"]), "--directory", str(files["users.csv"])])
    # Then the line says where, and never what the cell holds
    assert (status, line) == (
        exit_status.REFUSED,
        "error: invalid_directory: A directory line has a birth date that is not YYYY-MM-DD or DD/MM/YYYY "
        "(line 3, column birth_date).",
    )


def test_inspect_wrong_partner_names_the_partners_the_export_has(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given an export encrypted for ITSLEARNING, and our key
    export, key = tmp_path / "export.xml", tmp_path / "key.pem"
    sealed = seal_container(
        export_xml(), partners={"ITSLEARNING": KEYS.ours.public_key()}, uai=UAI, exported_at=EXPORTED_AT
    )
    export.write_bytes(sealed)
    key.write_bytes(private_key_pem(KEYS.ours))
    # When inspected under another partner name
    status, line = refused(capsys, ["inspect", str(export), "--key", str(key), "--partner", "ENT-LOCAL"])
    # Then the message says which partners the export has, and that our name may be the wrong one
    assert (status, line) == (
        exit_status.REFUSED,
        "error: partner_key_missing: The export holds no key for the partner name ENT-LOCAL; it was encrypted for "
        "ITSLEARNING. If one of those is this platform, the configured partner name is wrong; otherwise the "
        "school must export for this platform.",
    )


def test_sync_state_dir_naming_a_file_is_refused(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state_dir = tmp_path / "state"
    state_dir.write_text("", encoding="utf-8")
    status, line = refused(capsys, sync_argv(files, state_dir))
    assert (status, line) == (
        exit_status.REFUSED,
        f"error: config_error: The state folder {state_dir} cannot be used (File exists).",
    )


def test_sync_state_path_a_folder_is_refused(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / f"{UAI}.json").mkdir()
    status, line = refused(capsys, sync_argv(files, tmp_path))
    assert (status, line) == (
        exit_status.REFUSED,
        f"error: config_error: The state file {tmp_path / UAI}.json cannot be read (Is a directory).",
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe{}", "The saved import state {path} is not UTF-8 text."),
        (NESTED_DEEP.encode(), "The saved import state is damaged and cannot be read."),
    ],
    ids=["not-utf8", "nested-deep"],
)
def test_sync_unreadable_state_is_refused_and_kept(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    # Given a state file the store cannot read
    path = tmp_path / f"{UAI}.json"
    path.write_bytes(content)
    # When a sync starts, Then it stops with invalid_state, and the file is kept for someone to look at
    status, line = refused(capsys, sync_argv(files, tmp_path))
    assert (status, line) == (exit_status.REFUSED, f"error: invalid_state: {message.format(path=path)}")
    assert path.read_bytes() == content


@pytest.mark.parametrize(
    ("url", "facts"), [("not an address", ""), ("ftp://ims.example.org", " (scheme ftp)"), ("https://:8/ims", "")]
)
def test_sync_itslearning_address_not_http_is_refused_before_credentials(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str, facts: str
) -> None:
    # Given a remote-looking address that is no URL, and no credentials configured
    argv = sync_argv(files, tmp_path)
    argv[argv.index(UNREACHABLE)] = url
    # When a sync starts, Then the address is what is wrong (not the missing credentials)
    status, line = refused(capsys, argv)
    assert (status, line) == (
        exit_status.REFUSED,
        f"error: config_error: The itslearning address must be an http or https URL{facts}.",
    )


def test_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version  # noqa: PLC0415

    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out == f"edt-import {version('edt-import')}\n"


@pytest.mark.parametrize("command", ["generate", "inspect", "plan", "sync"])
def test_help_lists_defaults_and_exit_statuses(capsys: pytest.CaptureFixture[str], command: str) -> None:
    with pytest.raises(SystemExit) as stopped:
        main([command, "--help"])
    help_text = capsys.readouterr().out
    assert stopped.value.code == 0
    assert "exit status:" in help_text
    for status in (exit_status.OK, exit_status.REFUSED, exit_status.LMS_UNAVAILABLE, exit_status.INTERRUPTED):
        assert f"\n  {status} " in help_text
    assert "(default: " in " ".join(help_text.split())


def test_sync_help_names_the_default_state_folder(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["sync", "--help"])
    assert "(default: .edt-import-state, in the current folder)" in " ".join(capsys.readouterr().out.split())


def test_interrupted_command_ends_with_one_line_and_status_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Given Ctrl-C arriving while inspect reads
    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("edt_import.cli.inspect_cmd.read_export", interrupted)
    export = tmp_path / "export.xml"
    export.write_bytes(export_xml())
    # When inspect runs, Then one line says it stopped, with the interrupted status
    status, line = refused(capsys, ["inspect", str(export)])
    assert (status, line) == (exit_status.INTERRUPTED, "interrupted: edt-import inspect stopped before the end.")
