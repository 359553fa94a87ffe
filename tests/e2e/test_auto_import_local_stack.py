"""Automatic imports on the local stack, through the admin API over HTTP, with the stack's clock moved by hand:
PRONOTE's machine credential creates each import and posts its export, the scheduler runs when the clock says
(EventBridge's part), the SQS queue's consumer starts the import, the history shows what happened.

The tests run in file order on one establishment: the throttling scenario uses Monday and Tuesday, the
new-course scenario Wednesday.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from local_front.session import LocalSession, SessionOptions
from local_stack.lambdas import LambdaContext
from msgspec import Struct

from edt_import.cli.main import main
from edt_import.domain.export_reader import read_export
from edt_import.domain.private_key import load_private_key
from edt_import.domain.timetable import Timetable
from edt_import.generator.establishment import Size
from edt_import.generator.files import write_establishment
from tests.support.auto_import_exports import NEW_SUBJECT, sealed_timetable, with_new_subject_course
from tests.support.http_client import http

PARIS = ZoneInfo("Europe/Paris")
MONDAY = date(2027, 5, 3)  # late in the generated year: small plans
TUESDAY, WEDNESDAY = MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)
OVER = {"done", "done_with_errors", "failed", "held", "superseded"}


def paris(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, clock(hour, minute), tzinfo=PARIS).astimezone(UTC)


class School(Struct, frozen=True):
    session: LocalSession
    uai: str
    export: bytes
    timetable: Timetable
    key_pem: bytes

    @property
    def admin(self) -> str:
        return self.session.token([self.uai])  # minted at the stack's clock: tokens expire as it moves

    @property
    def machine(self) -> str:
        return self.session.token([self.uai], role="machine")

    @property
    def imports(self) -> str:
        return f"{self.session.url}/establishments/{self.uai}/imports"

    def at(self, when: datetime) -> None:
        """Move the stack's clock, then run the schedules (every quarter of an hour in AWS)."""
        assert self.session.stack is not None
        self.session.stack.set_now(when)
        self.session.stack.tick()

    def item(self, import_id: str) -> dict[str, Any]:
        answer = http("GET", f"{self.imports}/{import_id}", token=self.admin)
        assert answer.status == 200
        detail: dict[str, Any] = answer.json()
        return detail

    def follow(self, import_id: str, *, until: set[str], timeout_s: float = 300) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            detail = self.item(import_id)
            if detail["status"] in until:
                return detail
            if detail["status"] == "awaiting_selection":  # the wizard's step: go on with the selection as it is
                assert http("POST", f"{self.imports}/{import_id}/launch", token=self.admin).status == 202
            time.sleep(0.1)
        raise TimeoutError(import_id)

    def send(self, data: bytes, *, kind: str, token: str) -> str:
        """Create the import and post its export through the presigned form; its id once the upload step ran."""
        created = http("POST", self.imports, token=token, body={"kind": kind})
        assert created.status == 201, created.json()
        import_id = str(created.json()["import_id"])
        upload = created.json()["upload"]
        assert self.session.stack is not None
        assert self.session.stack.post_form(upload["url"], upload["fields"], data) in {200, 204}
        self.follow(import_id, until={"queued", *OVER, "parsing", "reconciling", "awaiting_selection", "planning"})
        return import_id

    def manual_import_done(self) -> None:
        """One completed manual import (the first test makes it; a test run on its own makes it here)."""
        items = http("GET", self.imports, token=self.admin).json()["items"]
        if not any(i["kind"] == "manual" and i["status"] == "done" for i in items):
            assert self.follow(self.send(self.export, kind="manual", token=self.admin), until=OVER)["status"] == "done"

    def export_arrives(self, when: datetime, data: bytes | None = None) -> str:
        self.at(when)
        return self.send(data or self.export, kind="automatic", token=self.machine)


@pytest.fixture(scope="module")
def school(tmp_path_factory: pytest.TempPathFactory) -> Iterator[School]:
    files = write_establishment(tmp_path_factory.mktemp("school"), Size.COLLEGE, seed=41)
    export, key_pem = files["export"].read_bytes(), files["key"].read_bytes()
    timetable = read_export(export, private_key=load_private_key(key_pem)).timetable
    data_dir = tmp_path_factory.mktemp("edt-local")
    options = SessionOptions(data_dir=data_dir, now=paris(MONDAY, 6), schedule_period_s=0)
    with LocalSession(options) as session:
        args = ["--key", str(files["key"]), "--directory", str(files["directory"]), "--data-dir", str(data_dir)]
        assert main(["establishment", "add", timetable.uai, *args]) == 0
        yield School(
            session=session,
            uai=timetable.uai,
            export=export,
            timetable=timetable,
            key_pem=key_pem,
        )


def test_auto_import_refused_until_a_manual_import_completed_then_throttled(school: School) -> None:
    # Given an establishment never imported: an automatic import is refused, and the console says why
    refused = http("POST", school.imports, token=school.machine, body={"kind": "automatic"})
    assert (refused.status, refused.json()["code"]) == (409, "no_manual_import_yet")
    settings = http("GET", f"{school.imports[: -len('/imports')]}/auto-import", token=school.admin).json()
    assert (settings["available"], settings["reason"]["code"]) == (False, "no_manual_import_yet")
    # When its first manual import is done (Monday 06:00)
    manual = school.send(school.export, kind="manual", token=school.admin)
    assert school.follow(manual, until=OVER)["status"] == "done"
    # And automatic exports arrive at 07:00 and 07:30, the scheduler running at 07:45
    first, second = school.export_arrives(paris(MONDAY, 7)), school.export_arrives(paris(MONDAY, 7, 30))
    school.at(paris(MONDAY, 7, 45))
    # Then the 07:00 one is superseded (finished at 07:30), the 07:30 one waits for 08:00 in first position
    superseded = school.item(first)
    assert (superseded["status"], superseded["status_label"]) == ("superseded", "Remplacé")
    assert superseded["finished_at"] == paris(MONDAY, 7, 30).isoformat().replace("+00:00", "Z")
    assert superseded["superseded_by"] == second
    waiting = school.item(second)
    assert (waiting["status"], waiting["queue_position"]) == ("queued", 1)
    assert datetime.fromisoformat(waiting["not_before"]) == paris(MONDAY, 8)
    # When the clock reaches 08:00 / Then the 07:30 export is imported at 08:00
    school.at(paris(MONDAY, 8))
    imported = school.follow(second, until=OVER)
    assert imported["status"] == "done"
    assert datetime.fromisoformat(imported["started_at"]) == paris(MONDAY, 8)
    # When exports arrive at 09:00, 10:00 and 11:00 / Then the 11:00 one is imported at 12:00, the others superseded
    later = [school.export_arrives(paris(MONDAY, hour)) for hour in (9, 10, 11)]
    school.at(paris(MONDAY, 11, 45))
    assert school.item(later[-1])["status"] == "queued"
    school.at(paris(MONDAY, 12))
    noon = school.follow(later[-1], until=OVER)
    assert (noon["status"], datetime.fromisoformat(noon["started_at"])) == ("done", paris(MONDAY, 12))
    assert [school.item(i)["status"] for i in later[:-1]] == ["superseded", "superseded"]
    # When two more arrive on their slots (16:00, 20:00): four ran on Monday
    for hour in (16, 20):
        on_slot = school.export_arrives(paris(MONDAY, hour))
        assert datetime.fromisoformat(school.follow(on_slot, until=OVER)["started_at"]) == paris(MONDAY, hour)
    # Then the next one waits through the night for 08:00 on Tuesday
    night = school.export_arrives(paris(MONDAY, 21))
    for when in (paris(MONDAY, 23, 45), paris(TUESDAY, 7, 45)):
        school.at(when)
        assert school.item(night)["status"] == "queued"
    assert datetime.fromisoformat(school.item(night)["not_before"]) == paris(TUESDAY, 8)
    school.at(paris(TUESDAY, 8))
    tuesday = school.follow(night, until=OVER)
    assert (tuesday["status"], datetime.fromisoformat(tuesday["started_at"])) == ("done", paris(TUESDAY, 8))


def test_auto_import_new_course_is_reported_and_not_created(school: School) -> None:
    # Given the establishment's manual import done (previous test) / When on Wednesday at 10:00 an automatic export
    # brings a subject the manual import never showed, taught to one of its classes
    school.manual_import_done()  # (under xdist this test may run on a worker of its own)
    changed = with_new_subject_course(school.timetable)
    data = sealed_timetable(changed, school.key_pem, paris(WEDNESDAY, 9))
    import_id = school.export_arrives(paris(WEDNESDAY, 10), data)
    detail = school.follow(import_id, until=OVER)
    # Then it is done, reports the new subject and its course, and created no course for it
    assert detail["status"] == "done"
    new = detail["new_since"]
    assert new["subjects"] == [NEW_SUBJECT.code]
    assert new["counts"]["courses"] == 1
    assert new["courses"][0]["title"].startswith(f"{NEW_SUBJECT.label} - ")
    assert detail["plan"]["actions"]["create_course"] == 0
    assert school.session.standin is not None
    titles = [course["title"] for course in school.session.standin.dump()["courses"]]
    assert titles
    assert not any(NEW_SUBJECT.label in title for title in titles)


def test_auto_import_local_clock_action_moves_the_clock_and_runs_the_schedules(school: School) -> None:
    # Given an operator token / When the local front's clock action is called
    operator = school.session.token([school.uai], role="operator")
    when = paris(WEDNESDAY, 23)
    answer = http("POST", f"{school.session.url}/_local/clock", token=operator, body={"now": when.isoformat()})
    # Then the stack's clock moved and the scheduler ran
    assert answer.status == 200
    assert answer.json()["now"] == when.isoformat()
    assert answer.json()["scheduled"] == [{"sent": [], "refused": []}, {"expired": [], "stalled": []}]
    operator = school.session.token([school.uai], role="operator")  # minted at the new time
    bad = http("POST", f"{school.session.url}/_local/clock", token=operator, body={"now": "tomorrow"})
    assert (bad.status, bad.json()["code"]) == (400, "invalid_request")


def _sqs_record(message_id: str, body: str) -> dict[str, Any]:
    return {
        "messageId": message_id,
        "receiptHandle": f"handle-{message_id}",
        "body": body,
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:eu-west-3:123456789012:auto-imports",
        "awsRegion": "eu-west-3",
    }


def test_auto_import_consumer_reports_only_the_poison_messages_of_a_batch(school: School) -> None:
    # Given a batch of one good message and two poison ones (not JSON, an invalid UAI)
    assert school.session.stack is not None
    handler = school.session.stack.handler("AutoImportFunction")
    records = [
        _sqs_record("good", json.dumps({"uai": school.uai})),
        _sqs_record("not-json", "{"),
        _sqs_record("bad-uai", json.dumps({"uai": "ABC"})),
    ]
    # When the consumer gets it
    response = handler({"Records": records}, LambdaContext("AutoImportFunction", "arn:local", 128))
    # Then only the poison ones are reported as failed, for SQS to retry (then dead-letter) alone
    assert response == {"batchItemFailures": [{"itemIdentifier": "not-json"}, {"itemIdentifier": "bad-uai"}]}


def test_auto_import_poison_message_ends_in_the_dead_letter_queue_under_an_alarm(school: School) -> None:
    # Given the stack's automatic-import queue, its dead-letter queue and the alarm on it
    stack = school.session.stack
    assert stack is not None
    sqs = stack.client("sqs")
    queue, dead_letters = stack.ref("AutoImportQueue"), stack.ref("AutoImportDeadLetterQueue")
    # When poison messages keep failing (moto redelivers a failed message with the next message sent)
    for _ in range(4):
        sqs.send_message(QueueUrl=queue, MessageBody="not an automatic-import message")
    # Then the first one ended in the dead-letter queue after its third receive
    attributes = sqs.get_queue_attributes(QueueUrl=dead_letters, AttributeNames=["ApproximateNumberOfMessages"])
    assert int(attributes["Attributes"]["ApproximateNumberOfMessages"]) >= 1
    alarms = stack.client("cloudwatch").describe_alarms()["MetricAlarms"]
    dead_letter_name = dead_letters.rsplit("/", 1)[-1]
    watching = [a for a in alarms if {"Name": "QueueName", "Value": dead_letter_name} in a["Dimensions"]]
    assert [(a["MetricName"], a["Threshold"], a["ComparisonOperator"]) for a in watching] == [
        ("ApproximateNumberOfMessagesVisible", 0.0, "GreaterThanThreshold")
    ]
    sqs.purge_queue(QueueUrl=queue)
