"""An import whose export never arrives, on the local stack with its clock moved by hand: the admin API hands out
the upload form, nothing is posted, the housekeeping schedule (EventBridge's part, ``tick``) ends the import as
expired once its deadline has passed, and the file posted late is refused without any execution."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from local_front.session import LocalSession
from msgspec import Struct

from edt_import.adapters import wiring
from edt_import.domain.imports import ImportRecord
from tests.support.http_client import http
from tests.support.session_school import session_school

NOW = datetime(2027, 5, 3, 6, 0, tzinfo=UTC)


class School(Struct, frozen=True):
    session: LocalSession
    uai: str
    export: bytes

    @property
    def stack(self) -> Any:
        assert self.session.stack is not None
        return self.session.stack

    @property
    def imports(self) -> str:
        return f"{self.session.url}/establishments/{self.uai}/imports"

    @property
    def token(self) -> str:
        return self.session.token([self.uai])  # minted at the stack's clock

    def at(self, when: datetime) -> None:
        """Move the stack's clock, then run the scheduled functions."""
        self.stack.set_now(when)
        self.stack.tick()

    def line(self, import_id: str) -> dict[str, Any]:
        items = http("GET", self.imports, token=self.token).json()["items"]
        (item,) = [i for i in items if i["import_id"] == import_id]
        return dict(item)

    def record(self, import_id: str) -> ImportRecord:
        record = self.stack.history().get(self.uai, import_id)
        assert record is not None
        return record  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def school(tmp_path_factory: pytest.TempPathFactory) -> Iterator[School]:
    with session_school(tmp_path_factory, seed=43, now=NOW) as served:
        yield School(session=served.session, uai=served.uai, export=served.export)


def test_upload_never_posted_expires_after_its_deadline_and_a_late_file_is_refused(school: School) -> None:
    # Given a manual import created through the API at 06:00, whose form is never posted
    created = http("POST", school.imports, token=school.token, body={"kind": "manual"})
    assert created.status == 201
    import_id, form = str(created.json()["import_id"]), created.json()["upload"]
    assert (school.line(import_id)["status"], school.line(import_id)["status_label"]) == ("uploaded", "Déposé")
    # When the schedule runs at 06:29: the deadline (30 minutes) has not come
    school.at(NOW + timedelta(minutes=29))
    assert school.line(import_id)["status"] == "uploaded"
    # When it runs at 06:31
    school.at(NOW + timedelta(minutes=31))
    # Then the history shows it expired, with its code and French label, finished then
    line = school.line(import_id)
    assert (line["status"], line["status_label"], line["error_code"]) == (
        "expired",
        "Expiré (fichier non reçu)",
        "upload_missing",
    )
    detail = http("GET", f"{school.imports}/{import_id}", token=school.token).json()
    assert detail["error"]["code"] == "upload_missing"
    assert detail["finished_at"] == "2027-05-03T06:31:00Z"
    # When its file is posted after all, at 06:40
    school.stack.set_now(NOW + timedelta(minutes=40))
    assert school.stack.post_form(form["url"], form["fields"], school.export) in {200, 204}
    deadline = time.monotonic() + 60
    while "late_upload" not in school.record(import_id).summary:
        assert time.monotonic() < deadline, "the upload step never saw the late file"
        time.sleep(0.05)
    # Then it is refused: still expired as it was, the file deleted, no execution started
    record = school.record(import_id)
    assert (record.status.value, record.finished_at) == ("expired", NOW + timedelta(minutes=31))
    uploads = school.stack.client("s3").list_objects_v2(Bucket=school.stack.ref("UploadsBucket"))
    assert uploads.get("KeyCount", 0) == 0
    executions = school.stack.client("stepfunctions").list_executions(
        stateMachineArn=school.stack.ref("ImportStateMachine")
    )["executions"]
    assert executions == []
    assert wiring.establishments(school.stack.ref("EstablishmentsTable")).running_import(school.uai) is None
