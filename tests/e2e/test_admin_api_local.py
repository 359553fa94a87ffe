"""The admin API over HTTP on the local stack (``edt-import serve`` in this process): an establishment registered
with ``establishment add``, a token from ``token``, a manual import created, its export posted through the
presigned form, the history followed until the import is done, its summary and unrecognised accounts read."""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from local_front.session import LocalSession, SessionOptions, read_stack_file
from msgspec import Struct

from edt_import.cli.main import main
from edt_import.domain.export_reader import read_export
from edt_import.domain.private_key import load_private_key
from edt_import.generator.establishment import Size
from edt_import.generator.files import write_establishment
from tests.support.http_client import http

NOW = datetime(2027, 5, 3, 6, 0, tzinfo=UTC)  # late in the generated year: small plans


class Served(Struct, frozen=True):
    session: LocalSession
    data_dir: Path
    uai: str
    export: bytes
    token: str

    @property
    def imports(self) -> str:
        return f"{self.session.url}/establishments/{self.uai}/imports"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    files = write_establishment(tmp_path_factory.mktemp("school"), Size.COLLEGE, seed=31)
    export = files["export"].read_bytes()
    uai = read_export(export, private_key=load_private_key(files["key"].read_bytes())).timetable.uai
    data_dir = tmp_path_factory.mktemp("edt-local")
    with LocalSession(SessionOptions(data_dir=data_dir, now=NOW)) as session:
        args = ["--key", str(files["key"]), "--directory", str(files["directory"]), "--data-dir", str(data_dir)]
        assert main(["establishment", "add", uai, *args]) == 0
        token = session.token([uai])
        yield Served(session=session, data_dir=data_dir, uai=uai, export=export, token=token)


def _follow(served: Served, import_id: str, timeout_s: float = 300) -> dict[str, object]:
    """The history line of the import, polled as the console does, until it is over."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        items = http("GET", served.imports, token=served.token).json()["items"]
        (item,) = [i for i in items if i["import_id"] == import_id]
        if item["status"] in {"done", "done_with_errors", "failed", "held"}:
            return dict(item)
        if item["status"] == "awaiting_selection":  # the wizard's step: go on with the selection as it stands
            assert http("POST", f"{served.imports}/{import_id}/launch", token=served.token).status == 202
        time.sleep(0.1)
    raise TimeoutError(import_id)


def test_serve_writes_where_the_other_commands_find_it(served: Served) -> None:
    stack = read_stack_file(served.data_dir)
    assert stack is not None
    assert stack["api_url"] == served.session.url
    assert stack["now"] == NOW.isoformat()


def test_serve_refuses_requests_without_a_valid_token(served: Served) -> None:
    assert http("GET", served.imports).status == 401
    answer = http("GET", served.imports, token=served.token[:-2] + "xx")
    assert (answer.status, answer.json()["code"]) == (401, "unauthorized")


def test_serve_refuses_an_establishment_the_token_does_not_name(served: Served) -> None:
    other = served.session.token(["0930002B"])
    answer = http("POST", served.imports, token=other, body={"kind": "manual"})
    assert (answer.status, answer.json()["code"]) == (403, "forbidden_establishment")


def test_serve_token_command_mints_a_token_the_front_accepts(
    served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["token", "--uai", served.uai, "--role", "admin", "--data-dir", str(served.data_dir)]) == 0
    token = capsys.readouterr().out.strip()
    assert "\n" not in token
    assert http("GET", served.imports, token=token).status == 200


def test_serve_manual_import_through_http_ends_done_with_its_summary_and_unmatched_file(served: Served) -> None:
    # Given an import created by the administrator
    created = http("POST", served.imports, token=served.token, body={"kind": "manual"})
    assert created.status == 201
    import_id = created.json()["import_id"]
    upload = created.json()["upload"]
    # When the export is posted through its presigned form, as the console's browser does
    assert served.session.stack is not None
    assert served.session.stack.post_form(upload["url"], upload["fields"], served.export) in {200, 204}
    # Then the history shows it until it is done
    item = _follow(served, import_id)
    assert (item["status"], item["status_label"], item["kind"]) == ("done", "Fait", "manual")
    detail = http("GET", f"{served.imports}/{import_id}", token=served.token).json()
    assert detail["uai_check"] == {"expected": served.uai, "found": served.uai, "status": "ok"}
    assert detail["recognised"]["teachers"] > 0
    assert detail["recognised"]["students"] > 0
    assert detail["sync"]["failed"] == 0
    assert detail["sync"]["succeeded"] == sum(detail["plan"]["actions"].values())
    # And the unrecognised accounts come as text, one line each after the header
    text = http("GET", f"{served.imports}/{import_id}/unmatched.txt", token=served.token)
    assert text.status == 200
    assert text.headers["Content-Type"] == "text/plain; charset=utf-8"
    lines = text.text.splitlines()
    assert lines[0] == "rôle\tnom\tprénom\tdate de naissance\tmotif"
    assert len(lines) == 1 + detail["unmatched"]
    assert all(len(line.split("\t")) == 5 for line in lines)


def test_serve_gives_the_console_page_at_the_root(served: Served) -> None:
    answer = http("GET", f"{served.session.url}/")
    assert answer.status == 200
    assert answer.headers["Content-Type"].startswith("text/html")


def test_serve_uploads_bucket_lets_the_console_origin_post_the_file(served: Served) -> None:
    # Given the upload form of a new import
    upload = http("POST", served.imports, token=served.token, body={"kind": "manual"}).json()["upload"]
    # When the console's browser asks the bucket whether it may post from the console's origin
    request = urllib.request.Request(  # noqa: S310 - the local moto server
        upload["url"],
        method="OPTIONS",
        headers={"Origin": served.session.url, "Access-Control-Request-Method": "POST"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        allowed = response.headers["Access-Control-Allow-Origin"]
    # Then the bucket's CORS rule (from the template) allows it
    assert allowed == served.session.url


def test_serve_api_answers_the_console_origin_with_cors_headers(served: Served) -> None:
    request = urllib.request.Request(  # noqa: S310 - the local front
        served.imports, headers={"Origin": served.session.url, "Authorization": f"Bearer {served.token}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        assert response.headers["Access-Control-Allow-Origin"] == served.session.url


def _until_status(served: Served, import_id: str, status: str, timeout_s: float = 300) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if http("GET", f"{served.imports}/{import_id}", token=served.token).json()["status"] == status:
            return
        time.sleep(0.1)
    raise TimeoutError(import_id)


def test_serve_wizard_through_http_imports_only_what_stays_enabled(served: Served) -> None:
    # Given a manual import uploaded and reconciled: it waits for its selection
    created = http("POST", served.imports, token=served.token, body={"kind": "manual"}).json()
    import_id = created["import_id"]
    assert served.session.stack is not None
    served.session.stack.post_form(created["upload"]["url"], created["upload"]["fields"], served.export)
    _until_status(served, import_id, "awaiting_selection")
    selection = f"{served.imports}/{import_id}/selection"
    lists = http("GET", selection, token=served.token).json()
    # When the administrator switches off the subject with the fewest courses, adds another to the referential,
    smallest = min(lists["subjects"], key=lambda s: (s["courses"], s["code"]))["code"]
    other = next(s["code"] for s in lists["subjects"] if s["code"] != smallest)
    choice = {"disabled": {"subjects": [smallest]}, "add_subjects": [other]}
    chosen = http("PUT", selection, token=served.token, body=choice)
    assert chosen.status == 200
    enabled = [c for c in chosen.json()["courses"] if c["enabled"]]
    assert {c["subject_code"] for c in chosen.json()["courses"] if not c["enabled"]} == {smallest}
    # and launches
    launched = http("POST", f"{served.imports}/{import_id}/launch", token=served.token)
    assert (launched.status, launched.json()["status"]) == (202, "planning")
    item = _follow(served, import_id)
    # Then the import is done with exactly the enabled courses, and the referential holds the added subject
    assert item["status"] == "done"
    detail = http("GET", f"{served.imports}/{import_id}", token=served.token).json()
    assert detail["plan"]["courses"] == len(enabled)
    subjects = http("GET", f"{served.session.url}/establishments/{served.uai}/subjects", token=served.token).json()
    assert other in subjects["codes"]
    # And the wizard is closed: a second launch is a conflict
    again = http("POST", f"{served.imports}/{import_id}/launch", token=served.token)
    assert (again.status, again.json()["code"]) == (409, "import_not_awaiting_selection")
