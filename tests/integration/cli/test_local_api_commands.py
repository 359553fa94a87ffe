"""``edt-import serve``, ``token`` and ``establishment add`` as an operator runs them: separate processes meeting
through the data folder's stack.json and token secret; their refusals are one line and the documented status."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from edt_import.cli import exit_status
from edt_import.cli.main import main
from tests.support.http_client import http

EDT_IMPORT = [sys.executable, "-m", "edt_import.cli.main"]
UAI = "0750001A"


@pytest.fixture(scope="module")
def serve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[str]]]:
    data_dir = tmp_path_factory.mktemp("edt-local")
    command = [*EDT_IMPORT, "serve", "--port", "0", "--data-dir", str(data_dir), "--admin-of", UAI.lower()]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    lines = [process.stdout.readline(), process.stdout.readline()]
    try:
        yield data_dir, lines
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == exit_status.OK
        assert not (data_dir / "stack.json").exists()  # a stopped stack is not advertised any more


def test_serve_prints_its_url_and_a_sign_in_url_for_admin_of(serve: tuple[Path, list[str]]) -> None:
    data_dir, lines = serve
    stack = json.loads((data_dir / "stack.json").read_text(encoding="utf-8"))
    assert lines[0].startswith(f"admin API on {stack['api_url']} ")
    match = re.search(rf"sign in as an administrator of {UAI}: (\S+)/#id_token=(\S+)$", lines[1])
    assert match is not None
    assert match.group(1) == stack["api_url"]
    assert http("GET", f"{stack['api_url']}/establishments/{UAI}/imports", token=match.group(2)).status == 200


def test_token_from_another_process_is_accepted_and_limited_to_its_role(serve: tuple[Path, list[str]]) -> None:
    data_dir, _ = serve
    stack = json.loads((data_dir / "stack.json").read_text(encoding="utf-8"))
    command = [*EDT_IMPORT, "token", "--uai", UAI, "--role", "machine", "--data-dir", str(data_dir)]
    token = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    assert token.count("\n") == 1
    imports = f"{stack['api_url']}/establishments/{UAI}/imports"
    # The token is accepted (no 401 or 403): the automatic import is refused by the rule, no manual import yet
    created = http("POST", imports, token=token.strip(), body={"kind": "automatic"})
    assert (created.status, created.json()["code"]) == (409, "no_manual_import_yet")
    assert http("GET", imports, token=token.strip()).json()["code"] == "forbidden_role"


def _generated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert main(["generate", "--out", str(tmp_path), "--seed", "3"]) == 0
    summary: dict[str, object] = json.loads(capsys.readouterr().out)
    return summary


def test_establishment_add_registers_on_the_running_stack(
    serve: tuple[Path, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir, _ = serve
    uai = str(_generated(tmp_path, capsys)["uai"])
    files = {"key": tmp_path / "partner-key.pem", "directory": tmp_path / "directory.csv"}
    command = [*EDT_IMPORT, "establishment", "add", uai, "--key", str(files["key"])]
    command += ["--directory", str(files["directory"]), "--data-dir", str(data_dir)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == exit_status.OK, done.stderr
    assert done.stdout.startswith(f"establishment {uai} registered: partner ITSLEARNING, ")
    stack = json.loads((data_dir / "stack.json").read_text(encoding="utf-8"))
    with urllib.request.urlopen(f"{stack['standin_url']}/_sandbox/stats", timeout=30) as response:  # noqa: S310
        assert json.loads(response.read())["persons"] > 0


def test_establishment_add_without_a_running_stack_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    uai = str(_generated(tmp_path, capsys)["uai"])
    key = tmp_path / "partner-key.pem"
    args = ["establishment", "add", uai, "--key", str(key), "--directory", str(tmp_path / "directory.csv")]
    assert main([*args, "--data-dir", str(tmp_path / "nothing")]) == exit_status.REFUSED
    assert capsys.readouterr().err.startswith("error: config_error: No local stack runs for ")


@pytest.mark.parametrize("uai", ["0750001B", "75001A"])
def test_establishment_add_refuses_a_bad_uai(uai: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["establishment", "add", uai, "--key", "k", "--directory", "d", "--data-dir", str(tmp_path)]
    assert main(args) == exit_status.REFUSED
    assert "UAI" in capsys.readouterr().err


def test_token_refuses_a_badly_formed_uai(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token", "--uai", "XYZ", "--data-dir", str(tmp_path)]) == exit_status.REFUSED
    assert capsys.readouterr().out == ""
