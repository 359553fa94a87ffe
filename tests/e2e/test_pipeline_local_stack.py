"""The whole pipeline on the local stack: template.yaml and the ASL on moto, handlers in-process, the stand-in as
the ENT. One named scenario per path of the state machine."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from local_stack import LocalStack, StackOptions, lambdas
from local_stack.template import ROOT

from edt_import.adapters import wiring
from edt_import.domain.imports import ImportRecord, ImportStatus, queue_positions
from edt_import.usecases.admin.skipped_lessons import skipped_lessons_page
from tests.support.local_pipeline import GeneratedSite, generated_site

# A Monday nine weeks before the generated school year's end: small, quick plans.
NOW = datetime(2027, 5, 3, 6, 0, tzinfo=UTC)
LOGS = io.StringIO()


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    options = StackOptions(
        now=NOW,
        log_sink=LOGS,
        parameters={"SyncChunkActions": "1500", "LmsRetryIntervalSeconds": "1"},
        # Transient itslearning trouble goes straight to the state machine's Retry (which waits nothing here).
        environment={"LMS_RETRY_BUDGET_S": "0", "LMS_BATCH_SIZE": "500"},
    )
    with LocalStack(options) as started:
        yield started


@pytest.fixture(scope="module")
def first_import(
    stack: LocalStack, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[GeneratedSite, ImportRecord]]:
    with generated_site(stack, tmp_path_factory.mktemp("college"), seed=21) as site:
        yield site, site.import_bytes(site.export)


def _landed(site: GeneratedSite) -> dict[str, int]:
    return site.standin.stats()


def test_pipeline_full_import_lands_the_planned_figures_in_the_standin(
    first_import: tuple[GeneratedSite, ImportRecord],
) -> None:
    # Given a generated college uploaded through a presigned URL (fixture)
    site, record = first_import
    # Then the import is done, and the stand-in holds exactly the planned courses, members and events
    planned = record.summary["plan"]["actions"]
    landed = _landed(site)
    assert record.status is ImportStatus.DONE
    assert record.error is None
    assert record.summary["plan"]["chunks"] > 1  # the Map state fanned the sync out
    assert landed["courses"] == planned["create_course"]
    assert landed["memberships"] == planned["add_member"]
    assert landed["events"] == planned["create_event"]
    assert landed["duplicates"] == 0
    assert record.summary["sync"]["succeeded"] == sum(planned.values())
    # And every step left its figures in the history
    assert set(record.summary) == {"validation", "timetable", "reconciliation", "selection", "plan", "sync"}
    assert record.summary["reconciliation"]["matched_students"] > 0


def test_pipeline_full_import_keeps_its_lessons_not_imported_in_the_reports(
    stack: LocalStack, first_import: tuple[GeneratedSite, ImportRecord]
) -> None:
    # Given the generated college imported, whose lessons attached to class parts alone make no course
    site, record = first_import
    # Then the working bucket's reports hold each of them, as many per reason as the history counts
    work = wiring.blobs(stack.ref("WorkBucket"))
    page = skipped_lessons_page(site.uai, record.import_id, history=stack.history(), work=work)
    counts = record.summary["plan"]["skipped_counts"]
    assert page.by_reason == counts
    assert page.total == len(page.items) == sum(counts.values()) > 0
    assert {item.reason for item in page.items} == {"class_part_only"}
    assert all(item.class_parts and item.start for item in page.items)
    numbers = [item.lesson for item in page.items]
    assert numbers == sorted(set(numbers))  # export order
    # And neither the history record nor the execution's payloads carry the list
    assert set(record.summary["plan"]) >= {"skipped_counts"}
    assert "class_parts" not in str(record.summary)
    assert not [e for e in stack.execution_history(record) if "class_parts" in json.dumps(e, default=str)]


def test_pipeline_full_run_logs_no_name_or_birth_date(first_import: tuple[GeneratedSite, ImportRecord]) -> None:
    # Given the JSON logs of every function during the full import
    site, _ = first_import
    logs = LOGS.getvalue()
    assert '"step":"sync"' in logs  # the functions did log
    # Then no line holds a person's name or birth date
    names = {p.last_name for p in site.persons if len(p.last_name) >= 5} | {
        f"{p.first_name} {p.last_name}" for p in site.persons
    }
    dates = {p.birth_date.isoformat() for p in site.persons if p.birth_date is not None}
    dates |= {p.birth_date.strftime("%d/%m/%Y") for p in site.persons if p.birth_date is not None}
    for line in logs.splitlines():
        assert not any(name in line for name in names), json.loads(line).get("message")
        assert not any(date in line for date in dates), json.loads(line).get("message")


def test_pipeline_same_s3_event_delivered_twice_gives_one_import(
    stack: LocalStack, first_import: tuple[GeneratedSite, ImportRecord]
) -> None:
    # Given the S3 event of an upload already imported
    site, record = first_import
    event = {
        "Records": [
            {
                "eventSource": "aws:s3",
                "eventName": "ObjectCreated:Put",
                "s3": {
                    "bucket": {"name": stack.ref("UploadsBucket"), "arn": "arn:aws:s3:::uploads"},
                    "object": {"key": record.upload_key, "etag": "0123456789abcdef", "size": len(site.export)},
                },
            }
        ]
    }
    lambdas = stack.client("lambda")
    # When it is delivered again (twice)
    for _ in range(2):
        lambdas.invoke(FunctionName=stack.ref("DecryptFunction"), Payload=json.dumps(event).encode())
    # Then the establishment still has one import and one execution
    assert [r.import_id for r in stack.history().list(site.uai)] == [record.import_id]
    executions = stack.client("stepfunctions").list_executions(stateMachineArn=stack.ref("ImportStateMachine"))
    assert [e["name"] for e in executions["executions"]].count(record.import_id) == 1


def test_pipeline_broken_file_fails_with_its_code_and_sends_nothing(stack: LocalStack, tmp_path: Path) -> None:
    # Given an establishment and a file that is not an export
    with generated_site(stack, tmp_path, seed=22) as site:
        # When it is uploaded
        record = site.import_bytes(b"<?xml version='1.0'?><html><body>not an export</body></html>")
        # Then the import failed with the reader's code and itslearning received nothing
        assert record.status is ImportStatus.FAILED
        assert record.error is not None
        assert record.error.code == "not_an_export"
        assert _landed(site)["calls"] == 0


def test_pipeline_unexpected_error_naming_a_pupil_fails_the_import_without_the_name(
    stack: LocalStack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an establishment whose parse step stumbles on a pupil's name and birth date (a bug, say)
    with generated_site(stack, tmp_path, seed=26) as site:
        pupil = next(p for p in site.persons if p.birth_date is not None)
        assert pupil.birth_date is not None
        secrets = (f"{pupil.last_name} {pupil.first_name}", pupil.birth_date.isoformat())

        def stumble(*_args: object, **_kwargs: object) -> dict[str, int]:
            raise KeyError(" ".join(secrets))

        parse_function = lambdas.load_handler(ROOT / "functions" / "parse" / "app.py")
        monkeypatch.setattr(parse_function, "parse_timetable", stumble)
        # When its export is uploaded
        record = site.import_bytes(site.export)
    # Then the import failed as internal_error, with the history's sentence
    assert record.status is ImportStatus.FAILED
    assert record.error is not None
    assert (record.error.code, record.error.message) == (
        "internal_error",
        "The import stopped on an unexpected error; what was applied is kept and it can be run again.",
    )
    # And the execution history kept the sanitised error as the step's Cause, without the name or the date
    events = stack.execution_history(record)
    failed = [e["taskFailedEventDetails"] for e in events if "taskFailedEventDetails" in e]
    assert [f["error"] for f in failed] == ["UnexpectedError"]
    cause = json.loads(failed[0]["cause"])
    assert cause["errorMessage"].startswith("internal_error: An unexpected KeyError stopped the function")
    assert cause["stackTrace"]
    assert [s for s in secrets if s in json.dumps(events, default=str)] == []
    # And the parse function logged the error once, by type and frames, and nothing logged the name
    logs = LOGS.getvalue().splitlines()
    assert [line for line in logs if any(s in line for s in secrets)] == []
    [entry] = [json.loads(line) for line in logs if '"unexpected error"' in line and record.import_id in line]
    assert (entry["step"], entry["error_type"], entry["frames"][-1]["function"]) == ("parse", "KeyError", "stumble")


def test_pipeline_two_uploads_of_one_establishment_run_one_after_the_other(stack: LocalStack, tmp_path: Path) -> None:
    # Given an establishment whose first import is held in itslearning while a second export arrives
    with generated_site(stack, tmp_path, seed=23) as site:
        site.standin.hold_calls_after(0)
        first = site.upload(site.export)
        assert site.standin.wait_until_held(120)
        second = site.upload(site.export)
        # Then the second waits its turn, first in the queue
        waiting = stack.history().get(site.uai, second)
        assert waiting is not None
        assert waiting.status is ImportStatus.QUEUED
        assert queue_positions(stack.history().list(site.uai)) == {second: 1}
        # When the first goes on, both end, one after the other
        site.standin.release()
        done_first = stack.wait_for(site.uai, first, timeout_s=300)
        done_second = stack.wait_for(site.uai, second, timeout_s=300)
        assert (done_first.status, done_second.status) == (ImportStatus.DONE, ImportStatus.DONE)
        assert done_second.summary["sync"]["succeeded"] == 0  # the same export: nothing left to send
        sfn = stack.client("stepfunctions")
        arn = stack.ref("ImportStateMachine").replace(":stateMachine:", ":execution:")
        # (the first passes the turn in its finalize step, so the second starts once the first's sync is over)
        events = sfn.get_execution_history(executionArn=f"{arn}:{first}")["events"]
        finalizing = next(
            e["timestamp"] for e in events if e.get("stateEnteredEventDetails", {}).get("name") == "Finalize"
        )
        began = sfn.describe_execution(executionArn=f"{arn}:{second}")["startDate"]
        assert began >= finalizing


def test_pipeline_transient_itslearning_faults_converge_through_retry(stack: LocalStack, tmp_path: Path) -> None:
    # Given an itslearning answering 10 % of its calls with 503 (and a client that does not retry on its own)
    with generated_site(stack, tmp_path, seed=24, fault_rate=0.1) as site:
        # When an export is imported
        record = site.import_bytes(site.export)
        # Then the state machine's retries carried it through: done, every planned object once
        landed = _landed(site)
        planned = record.summary["plan"]["actions"]
        assert landed["faults"] > 0
        assert record.status is ImportStatus.DONE
        assert (landed["courses"], landed["memberships"], landed["events"]) == (
            planned["create_course"],
            planned["add_member"],
            planned["create_event"],
        )
        assert landed["duplicates"] == 0


def test_pipeline_failed_execution_rerun_converges_without_duplicates(stack: LocalStack, tmp_path: Path) -> None:
    # Given an import whose itslearning goes down for good in the middle of the sync
    with generated_site(stack, tmp_path, seed=25) as site:
        site.standin.hold_calls_after(4000)
        import_id = site.upload(site.export)
        stack.wait_for(site.uai, import_id, launch=False, timeout_s=300)  # at its wizard
        stack.launch(site.uai, import_id)
        assert site.standin.wait_until_held(120)
        site.standin.fault_rate = 1.0
        site.standin.release()
        failed = stack.wait_for(site.uai, import_id, timeout_s=300)
        assert failed.status is ImportStatus.FAILED
        assert failed.error is not None
        assert failed.error.code == "lms_unavailable"
        assert 0 < failed.summary["sync"]["succeeded"] < sum(failed.summary["plan"]["actions"].values())
        # When itslearning is back and the import is run again
        site.standin.fault_rate = 0.0
        stack.rerun(site.uai, import_id)
        again = stack.wait_for(site.uai, import_id, timeout_s=300)
        # Then its second attempt is done and the stand-in holds every planned object exactly once
        planned = failed.summary["plan"]["actions"]
        landed = _landed(site)
        assert (again.status, again.attempt) == (ImportStatus.DONE, 2)
        assert again.summary["sync"]["succeeded"] < sum(planned.values())  # it resumed: only the rest was sent
        assert (landed["courses"], landed["memberships"], landed["events"]) == (
            planned["create_course"],
            planned["add_member"],
            planned["create_event"],
        )
        assert landed["duplicates"] == 0
