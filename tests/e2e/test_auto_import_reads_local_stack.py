"""What one scheduled automatic import costs in DynamoDB reads of the establishment's item, on the local stack (the
same template, the real handlers): the scheduler's run that sends the slot, and the queue's consumer that starts
the import. Each reads the item once (its settings, automatic-import schedule and running import come together)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from local_stack.stack import LocalStack, StackOptions

from edt_import.adapters import wiring
from edt_import.domain.imports import ImportKind, ImportStatus, new_import
from edt_import.usecases.pipeline.work_keys import upload_key
from tests.support.iam_rights import recorded_calls

MONDAY_0600_PARIS = datetime(2027, 5, 3, 4, 0, tzinfo=UTC)
UAI = "0214773Z"
WAITING = "auto000001"
COUNTED = ("AutoImportSchedulerFunction", "AutoImportFunction")


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    with LocalStack(StackOptions(now=MONDAY_0600_PARIS)) as started:
        yield started


def _automatic_export_waiting(stack: LocalStack) -> None:
    """A manual import done at 06:00, and an automatic export validated at 07:00, waiting for the 08:00 slot."""
    history, establishments = stack.history(), wiring.establishments(stack.ref("EstablishmentsTable"))
    for import_id, kind, arrived in (
        ("manual0001", ImportKind.MANUAL, MONDAY_0600_PARIS),
        (WAITING, ImportKind.AUTOMATIC, MONDAY_0600_PARIS + timedelta(hours=1)),
    ):
        history.create(
            new_import(uai=UAI, import_id=import_id, kind=kind, now=arrived, upload_key=upload_key(UAI, import_id))
        )
        history.update(UAI, import_id, status=ImportStatus.VALIDATING, now=arrived)
        history.update(UAI, import_id, status=ImportStatus.QUEUED, now=arrived)
    history.update(UAI, "manual0001", status=ImportStatus.DONE, now=MONDAY_0600_PARIS + timedelta(minutes=5))
    establishments.mark_auto_waiting(UAI, WAITING)


def test_scheduled_import_reads_the_establishment_once_in_the_scheduler_and_once_in_the_consumer(
    stack: LocalStack,
) -> None:
    # Given an automatic export waiting for its 08:00 slot
    _automatic_export_waiting(stack)
    assert stack.template is not None
    functions = {stack.ref(name): name for name in stack.template.of_type("AWS::Serverless::Function")}
    table = stack.ref("EstablishmentsTable")
    # When the scheduler runs at 08:00, its message going to the consumer, which starts the import
    stack.set_now(MONDAY_0600_PARIS + timedelta(hours=2))
    with recorded_calls(functions) as calls:
        (sent, _expired) = stack.tick()
    # Then the import was started on its slot, and waits no more
    assert sent == {"sent": [UAI], "refused": []}
    record = stack.history().get(UAI, WAITING)
    assert record is not None
    assert stack.execution_history(record)[0]["type"] == "ExecutionStarted"
    assert wiring.establishments(table).auto_waiting() == {}
    # And each function read the establishment's item once
    reads = Counter(c.function for c in calls if c.action == "dynamodb:GetItem" and c.resource.endswith(table))
    assert {name: reads[name] for name in COUNTED} == {"AutoImportSchedulerFunction": 1, "AutoImportFunction": 1}
    stack.wait_for(UAI, WAITING, timeout_s=120)  # its export never uploaded: it fails, and the stack is left idle
