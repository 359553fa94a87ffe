"""The handlers' error boundary, under Powertools' decorators as every ``functions/*/app.py`` stacks them: what an
exception leaving a handler still tells the Lambda runtime, the log, X-Ray and Step Functions."""

from __future__ import annotations

import io
import json
import logging
import traceback
from collections.abc import Callable
from typing import Any

import pytest
from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from edt_import.adapters.error_boundary import error_boundary
from edt_import.domain.errors import (
    ConcurrentUpdateError,
    EdtImportError,
    ErrorCode,
    LmsUnavailableError,
    UnexpectedError,
    rejected,
)
from edt_import.usecases.pipeline.finalize import failure_from
from tests.support.lambda_context import FakeLambdaContext
from tests.support.recording_tracer import RecordingProvider

PUPIL = "Dupont Marie"
BIRTH = "2011-03-04"
PERSONAL = ("Dupont", "Marie", "2011", "03-04")
REQUEST_ID = "0f1e2d3c-request"
LOG = io.StringIO()

logger = Logger(service="error-boundary-test", logger_handler=logging.StreamHandler(LOG))
metrics = Metrics(namespace="ErrorBoundaryTest", service="error-boundary-test")
tracer = Tracer()
xray = RecordingProvider()
tracer.provider = xray  # what the Tracer would hand to X-Ray


def _deployed(body: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """``body`` as a handler of ``functions/*/app.py``: the same decorators, in the same order."""

    @logger.inject_lambda_context(correlation_id_path="import_id", clear_state=True)
    @metrics.log_metrics
    @tracer.capture_lambda_handler(capture_response=False)
    @error_boundary(logger)
    def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        logger.append_keys(step="lookup")
        metrics.add_metric(name="Lookups", unit=MetricUnit.Count, value=1)
        return body(event)

    return lambda_handler


def _account_of(person: str) -> str:
    return {"Martin Paul": "p1"}[person]


def _missing_account(_event: dict[str, Any]) -> dict[str, Any]:
    return {"account": _account_of(f"{PUPIL} {BIRTH}")}


def _explained_missing_account(_event: dict[str, Any]) -> dict[str, Any]:
    try:
        _account_of(PUPIL)
    except KeyError as exc:
        raise ValueError(f"no account for {PUPIL}, born {BIRTH}") from exc
    return {}


def _raised(body: Callable[[dict[str, Any]], dict[str, Any]]) -> BaseException:
    with pytest.raises(Exception) as caught:  # noqa: PT011 - which one is what the tests look at
        _deployed(body)({"import_id": "imp-1"}, FakeLambdaContext(aws_request_id=REQUEST_ID))
    return caught.value


def _leaks(text: str) -> list[str]:
    return [part for part in PERSONAL if part in text]


def _runtime_report(error: BaseException) -> str:
    """What the Lambda runtime prints and returns (Step Functions' ``Cause``): message, type, formatted frames."""
    frames = traceback.format_list(traceback.extract_tb(error.__traceback__))
    return json.dumps({"errorMessage": str(error), "errorType": type(error).__name__, "stackTrace": frames})


def _boundary_log_entries() -> list[dict[str, Any]]:
    entries = [json.loads(line) for line in LOG.getvalue().splitlines() if line.strip()]
    return [entry for entry in entries if entry.get("message") == "unexpected error"]


@pytest.fixture(autouse=True)
def _fresh_capture() -> None:
    LOG.seek(0)
    LOG.truncate()
    xray.segments.clear()


def test_error_boundary_unexpected_error_is_replaced_by_one_naming_its_type_and_request() -> None:
    # Given a handler failing on a lookup whose key is a pupil's name and birth date
    # When it is invoked
    raised = _raised(_missing_account)
    # Then what leaves it is our UnexpectedError, naming the type and the request, with no chain at all
    assert type(raised) is UnexpectedError
    assert isinstance(raised, EdtImportError)
    assert raised.code is ErrorCode.INTERNAL_ERROR
    assert str(raised) == (
        f"internal_error: An unexpected KeyError stopped the function; its log for request {REQUEST_ID} says where."
    )
    assert dict(raised.details) == {"error_type": "KeyError", "request_id": REQUEST_ID}
    assert (raised.__cause__, raised.__context__, raised.__suppress_context__) == (None, None, True)
    # And neither the traceback Python would print nor the runtime's report holds the name or the date
    assert _leaks("".join(traceback.format_exception(raised))) == []
    assert _leaks(_runtime_report(raised)) == []
    assert traceback.extract_tb(raised.__traceback__)[-1].name == "bounded"  # the failing frames stay in the log


def test_error_boundary_unexpected_error_is_logged_once_by_type_and_frames(capsys: pytest.CaptureFixture[str]) -> None:
    # Given a handler failing on a lookup whose key is a pupil's name and birth date / When it is invoked
    _raised(_missing_account)
    # Then one log line says what failed and where, with the invocation's keys, and nothing of whom
    printed = capsys.readouterr()
    assert '"Lookups"' in printed.out  # the metrics were flushed all the same
    assert _leaks(LOG.getvalue() + printed.out + printed.err) == []
    [entry] = _boundary_log_entries()
    assert (entry["level"], entry["error_type"], entry["caused_by"]) == ("ERROR", "KeyError", [])
    assert (entry["step"], entry["correlation_id"], entry["function_request_id"]) == ("lookup", "imp-1", REQUEST_ID)
    innermost = entry["frames"][-1]
    assert innermost["function"] == "_account_of"
    assert innermost["file"].endswith("tests/unit/test_error_boundary.py")
    assert "exception" not in entry
    assert "stack_trace" not in entry


def test_error_boundary_chained_cause_holding_a_name_is_dropped_and_only_its_type_logged() -> None:
    # Given a handler raising ValueError("no account for <name>, born <date>") from a KeyError(<name>)
    # When it is invoked
    raised = _raised(_explained_missing_account)
    # Then the replacement names the ValueError, carries neither the error nor its cause, and prints neither
    assert type(raised) is UnexpectedError
    assert raised.details["error_type"] == "ValueError"
    assert (raised.__cause__, raised.__context__, raised.__suppress_context__) == (None, None, True)
    assert _leaks(str(raised)) == []
    assert _leaks("".join(traceback.format_exception(raised))) == []
    assert _leaks(_runtime_report(raised)) == []
    # And the log has both types and the frames, never their messages
    assert _leaks(LOG.getvalue()) == []
    [entry] = _boundary_log_entries()
    assert (entry["error_type"], entry["caused_by"]) == ("ValueError", ["KeyError"])
    assert entry["frames"][-1]["function"] == "_explained_missing_account"


def test_error_boundary_xray_sees_only_the_replacement() -> None:
    # Given the Tracer above the boundary, as in every handler / When the handler fails on a name
    raised = _raised(_explained_missing_account)
    # Then the subsegment's exception and its error metadata are the replacement, and hold no name or date
    [segment] = xray.segments
    assert segment.name == "## lambda_handler"
    assert segment.exceptions == [raised]
    assert [type(v) for k, v in segment.metadata.items() if k.endswith("lambda_handler error")] == [UnexpectedError]
    assert _leaks(segment.recorded_text()) == []


def test_error_boundary_step_functions_records_internal_error_with_the_history_sentence() -> None:
    # Given the report of a step that failed on a name, as Step Functions' Catch hands it to RecordFailure
    raised = _raised(_missing_account)
    caught = {"Error": type(raised).__name__, "Cause": _runtime_report(raised)}
    # When the failure is recorded
    failure = failure_from(caught)
    # Then the import's error is internal_error with the history's own sentence
    assert failure.code == "internal_error"
    assert failure.message == (
        "The import stopped on an unexpected error; what was applied is kept and it can be run again."
    )


@pytest.mark.parametrize(
    "error",
    [
        ConcurrentUpdateError(),
        LmsUnavailableError("itslearning does not answer.", {"status": 503}),
        rejected(ErrorCode.INVALID_TIMETABLE, "The timetable holds no lesson.", element="Cours"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_error_boundary_our_errors_pass_through_unchanged(error: EdtImportError) -> None:
    # Given a handler raising one of our errors, whose class name the state machine retries and catches on
    message = str(error)

    def body(_event: dict[str, Any]) -> dict[str, Any]:
        raise error

    # When it is invoked
    raised = _raised(body)
    # Then the very same error leaves the handler, and the boundary logs nothing
    assert raised is error
    assert type(raised).__name__ == type(error).__name__
    assert str(raised) == message
    assert _boundary_log_entries() == []


def test_error_boundary_result_of_a_handler_that_succeeds_is_returned_unchanged() -> None:
    handler = _deployed(lambda event: {"import_id": event["import_id"], "lessons": 3})
    assert handler({"import_id": "imp-1"}, FakeLambdaContext()) == {"import_id": "imp-1", "lessons": 3}
    assert _boundary_log_entries() == []


def test_error_boundary_sqs_batch_whose_every_record_fails_is_replaced_too() -> None:
    # Given an SQS handler whose every record fails on a name: Powertools' BatchProcessingError prints each
    # record's traceback, messages included, in its own message
    processor = BatchProcessor(event_type=EventType.SQS)

    def record_handler(record: SQSRecord) -> None:
        _account_of(f"{PUPIL} {BIRTH} {record.message_id}")

    def body(event: dict[str, Any]) -> dict[str, Any]:
        return dict(process_partial_response(event=event, record_handler=record_handler, processor=processor))

    event = {"import_id": "imp-1", "Records": [_sqs_record("m1"), _sqs_record("m2")]}
    with pytest.raises(UnexpectedError) as caught:
        _deployed(body)(event, FakeLambdaContext(aws_request_id=REQUEST_ID))
    # Then only its type leaves the handler
    assert str(caught.value.details["error_type"]).endswith(".BatchProcessingError")
    assert _leaks(_runtime_report(caught.value)) == []
    assert _leaks(LOG.getvalue()) == []


def _sqs_record(message_id: str) -> dict[str, Any]:
    return {
        "messageId": message_id,
        "receiptHandle": f"handle-{message_id}",
        "body": "{}",
        "attributes": {},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:eu-west-3:123456789012:auto-imports",
        "awsRegion": "eu-west-3",
    }
