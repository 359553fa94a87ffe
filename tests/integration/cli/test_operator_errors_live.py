"""``edt-import`` commands meeting a busy port, a wrong itslearning address or refused credentials: one
``error: CODE: message`` line, the documented exit status, no traceback. In process, over real sockets."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from edt_import.cli import exit_status
from edt_import.cli.main import main
from itslearning_standin import StandinServer
from tests.unit.reader.export_builder import UAI, export_xml


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


def test_sync_with_refused_credentials_says_so(
    files: dict[str, Path],
    standin: StandinServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given credentials itslearning does not know
    monkeypatch.setenv("ITSLEARNING_USERNAME", "someone")
    monkeypatch.setenv("ITSLEARNING_PASSWORD", "wrong")
    # When a sync starts (reading the school's people first)
    status, line = refused(capsys, sync_argv(files, standin.base_url, tmp_path))
    # Then the credentials are named, with their own exit status
    assert (status, line) == (
        exit_status.LMS_REFUSED,
        "error: lms_protocol_error: itslearning refused the integration's credentials: check the configured user "
        "name and password (operation readMembershipsForGroup, fault FailedAuthentication).",
    )
