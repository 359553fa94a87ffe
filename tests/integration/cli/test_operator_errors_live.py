"""``edt-import`` commands meeting a busy port, a wrong itslearning address or refused credentials: one
``error: CODE: message`` line, the documented exit status, no traceback. In process, over real sockets."""

from __future__ import annotations

import http.server
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from edt_import.cli import exit_status
from edt_import.cli.main import main
from itslearning_standin import StandinServer
from tests.support.export_xml_builder import UAI, export_xml
from tests.support.output_schemas import assert_matches_schema


class _WebPage(http.server.BaseHTTPRequestHandler):
    """A web server that is not itslearning: every POST gets a 404 page."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b"<html><body>Not found</body></html>"
        self.send_response(404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        return


@pytest.fixture
def web_page() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _WebPage)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/ims"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def standin() -> Iterator[StandinServer]:
    server = StandinServer(schools=(UAI,))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {"export": tmp_path / "export.xml"}
    paths["export"].write_bytes(export_xml())
    return paths


@pytest.fixture
def unknown_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Credentials itslearning does not know."""
    monkeypatch.setenv("ITSLEARNING_USERNAME", "someone")
    monkeypatch.setenv("ITSLEARNING_PASSWORD", "wrong")


def refused(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str]:
    status = main(argv)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.splitlines()) == 1, captured.err
    assert "Traceback" not in captured.err
    return status, captured.err.rstrip("\n")


def sync_argv(files: dict[str, Path], url: str, state_dir: Path) -> list[str]:
    return ["sync", str(files["export"]), "--itslearning-url", url, "--state-dir", str(state_dir), "--today",
            "2025-09-01"]  # fmt: skip


def test_sandbox_on_a_busy_port_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    # Given a port something already listens on
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        # When the stand-in is started on it
        status, line = refused(capsys, ["sandbox", "serve", "--port", str(port)])
    # Then
    assert (status, line) == (
        exit_status.REFUSED,
        f"error: config_error: The address 127.0.0.1:{port} is already in use (another stand-in?); "
        "choose another --port.",
    )


def test_sync_to_a_web_page_blames_the_address(
    files: dict[str, Path], web_page: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given an address where a web server, not itslearning, answers; credentials configured
    argv = sync_argv(files, web_page, tmp_path)
    # When a sync reads the school's people there
    status, line = refused(capsys, argv)
    # Then the address is what the operator is told to check, not the credentials, and nothing is saved
    assert (status, line) == (
        exit_status.LMS_REFUSED,
        "error: lms_protocol_error: Nothing at the itslearning address answers as the integration services "
        "(no SOAP answer): check the address (operation readMembershipsForGroup, status 404).",
    )
    assert not (tmp_path / f"{UAI}.json").exists()


@pytest.mark.usefixtures("unknown_credentials")
def test_sync_with_refused_credentials_says_so(
    files: dict[str, Path], standin: StandinServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given credentials itslearning does not know (the fixture)
    # When a sync starts (reading the school's people first)
    status, line = refused(capsys, sync_argv(files, standin.base_url, tmp_path))
    # Then the credentials are named, with their own exit status
    assert (status, line) == (
        exit_status.LMS_REFUSED,
        "error: lms_protocol_error: itslearning refused the integration's credentials: check the configured user "
        "name and password (operation readMembershipsForGroup, fault FailedAuthentication).",
    )


@pytest.mark.usefixtures("unknown_credentials")
def test_sync_stopped_by_refused_credentials_prints_its_summary_and_why(
    files: dict[str, Path], standin: StandinServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given credentials itslearning does not know (the fixture), and a directory file (nothing is read from
    # itslearning first)
    users = tmp_path / "users.csv"
    users.write_text("person_key,profile,last_name,first_name,birth_date,cas_id,source\n", encoding="utf-8")
    # When the sync sends its first call
    status = main([*sync_argv(files, standin.base_url, tmp_path / "state"), "--directory", str(users)])
    captured = capsys.readouterr()
    # Then the summary says it stopped with nothing applied, and one line says why, with the refusal's status
    summary = json.loads(captured.out)
    assert_matches_schema("sync", summary)
    assert (status, summary["stopped"], summary["actions"]["succeeded"]) == (
        exit_status.LMS_REFUSED,
        "lms_protocol_error",
        0,
    )
    assert captured.err == (
        "error: lms_protocol_error: itslearning refused the integration's credentials: check the configured user "
        "name and password (operation createGroups, fault FailedAuthentication). The sync stopped after 0 of "
        f"{summary['actions']['skipped']} actions (saved); run it again once that is fixed.\n"
    )


def test_sync_progress_on_stderr_when_asked(
    files: dict[str, Path], standin: StandinServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # When a sync runs with --progress (stderr is not a terminal here)
    status = main([*sync_argv(files, standin.base_url, tmp_path), "--progress"])
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    # Then stderr tells each stage, ending on the totals, and stdout keeps the one JSON summary
    assert_matches_schema("sync", summary)
    lines = captured.err.splitlines()
    assert status == exit_status.OK
    assert lines[:3] == [
        "sync: reading the export",
        f"sync: reading the people of school node {UAI} from itslearning",
        f"sync: sending {summary['actions']['succeeded']} actions to itslearning",
    ]
    assert f"sync: sending courses: {summary['courses']}/{summary['courses']}" in lines
    assert lines[-1] == "sync: sending new events: {0}/{0}".format(summary["actions"]["create_event"]["succeeded"])
