"""The automatic imports' ports (settings, the establishment's snapshot, the waiting marker, the queue), fake and
AWS adapter held alike."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from typing import Any

import boto3
import pytest

from edt_import.adapters.dynamo import DynamoEstablishmentStore, DynamoImportHistory
from edt_import.adapters.dynamo.models import EstablishmentItem
from edt_import.adapters.sqs import SqsAutoImportQueue
from edt_import.domain.auto_import import AutoImportSchedule
from edt_import.domain.import_ports import EstablishmentSettings, EstablishmentSnapshot
from edt_import.domain.imports import ImportKind, ImportRecord, ImportStatus
from tests.support.moto_resources import REGION, create_table
from tests.support.pipeline_fakes import InMemoryAutoImportQueue, InMemoryEstablishmentStore, InMemoryImportHistory

T0 = datetime(2027, 5, 3, 6, 0, tzinfo=UTC)
UAI = "0214773Z"
OTHER = "0750001A"
THIRD = "0330002B"


ESTABLISHMENT_STORES = pytest.mark.parametrize(
    "make",
    [InMemoryEstablishmentStore, lambda: DynamoEstablishmentStore(create_table("EstablishmentsTable", "est"))],
    ids=["in-memory", "dynamodb"],
)


@ESTABLISHMENT_STORES
def test_establishment_store_keeps_auto_import_settings_and_the_waiting_marker(
    aws: None, make: Callable[[], Any]
) -> None:
    # Given an establishment never configured / Then it has the guide's defaults
    store = make()
    assert store.auto_import(UAI) == AutoImportSchedule()
    # When its settings are saved, and two establishments are marked waiting (one twice)
    custom = AutoImportSchedule(enabled=False, first_run=time(7, 30), interval_hours=6, max_per_day=2)
    store.save_auto_import(UAI, custom)
    store.mark_auto_waiting(UAI, "auto000001")
    store.mark_auto_waiting(UAI, "auto000002")
    store.mark_auto_waiting(OTHER, "auto000003")
    # Then the settings read back, the marker holds the newest, and clearing an older one leaves it
    assert store.auto_import(UAI) == custom
    assert store.auto_import(OTHER) == AutoImportSchedule()
    assert store.auto_waiting() == {UAI: "auto000002", OTHER: "auto000003"}
    store.clear_auto_waiting(UAI, "auto000001")
    assert store.auto_waiting() == {UAI: "auto000002", OTHER: "auto000003"}
    store.clear_auto_waiting(UAI, "auto000002")
    store.clear_auto_waiting("0999999Z", "never00001")
    assert store.auto_waiting() == {OTHER: "auto000003"}


@ESTABLISHMENT_STORES
def test_establishment_store_lists_only_establishments_waiting_whatever_else_they_hold(
    aws: None, make: Callable[[], Any]
) -> None:
    # Given establishments with settings, a running import, an applied state, one whose marker was cleared,
    # and two marked waiting
    store = make()
    for uai in (UAI, OTHER, THIRD):
        store.save_auto_import(uai, AutoImportSchedule(interval_hours=6))
    store.claim_turn(UAI, "manual0001")
    store.record_state(UAI, key="states/0214773Z.json", saved_at=T0, figures={"courses": 3})
    store.mark_auto_waiting(THIRD, "auto000009")
    store.clear_auto_waiting(THIRD, "auto000009")
    store.mark_auto_waiting(OTHER, "auto000003")
    store.mark_auto_waiting(UAI, "auto000001")
    # When the scheduler asks which wait / Then exactly the marked ones come, each with its import
    assert store.auto_waiting() == {UAI: "auto000001", OTHER: "auto000003"}
    # And the marker moves with the newest import; settings written afterwards leave it alone
    store.mark_auto_waiting(OTHER, "auto000004")
    store.save_auto_import(OTHER, AutoImportSchedule(enabled=False))
    store.release_turn(UAI, "manual0001")
    assert store.auto_waiting() == {UAI: "auto000001", OTHER: "auto000004"}


@ESTABLISHMENT_STORES
def test_establishment_store_snapshot_holds_settings_schedule_and_running_import(
    aws: None, make: Callable[[], Any]
) -> None:
    # Given an establishment never configured, and one whose item holds only its applied state's index
    store = make()
    store.record_state(OTHER, key="states/0750001A.json", saved_at=T0, figures={"courses": 1})
    # Then each reads as the defaults, with no running import
    for uai in (UAI, OTHER):
        assert store.snapshot(uai) == EstablishmentSnapshot(
            settings=EstablishmentSettings(uai=uai), auto_import=AutoImportSchedule(), running_import=None
        )
    # When the first has settings, automatic-import settings and a running import, and is marked waiting
    settings = EstablishmentSettings(
        uai=UAI, partner="ITSLEARNING-TEST", timezone="America/Cayenne", school_node_key="n1"
    )
    schedule = AutoImportSchedule(enabled=False, first_run=time(7, 30), interval_hours=6, max_per_day=2)
    store.save_settings(settings)
    store.save_auto_import(UAI, schedule)
    store.claim_turn(UAI, "manual0001")
    store.mark_auto_waiting(UAI, "auto000001")
    # Then its snapshot holds all three, as the single reads give them, and the other establishment is unchanged
    snapshot = store.snapshot(UAI)
    assert snapshot == EstablishmentSnapshot(settings=settings, auto_import=schedule, running_import="manual0001")
    assert (store.settings(UAI), store.auto_import(UAI), store.running_import(UAI)) == (
        snapshot.settings,
        snapshot.auto_import,
        snapshot.running_import,
    )
    assert store.snapshot(OTHER).running_import is None
    # When the turn is released / Then the next snapshot says so and keeps the settings
    store.release_turn(UAI, "manual0001")
    assert store.snapshot(UAI) == EstablishmentSnapshot(settings=settings, auto_import=schedule, running_import=None)


def test_dynamo_establishment_store_snapshot_is_one_read_of_the_item(aws: None) -> None:
    # Given an establishment with settings, automatic-import settings and a running import
    store = DynamoEstablishmentStore(create_table("EstablishmentsTable", "est"))
    store.save_auto_import(UAI, AutoImportSchedule(interval_hours=6))
    store.claim_turn(UAI, "manual0001")
    # When its snapshot is taken
    with _dynamodb_calls() as calls:
        snapshot = store.snapshot(UAI)
    # Then one GetItem read it all
    assert (snapshot.auto_import.interval_hours, snapshot.running_import) == (6, "manual0001")
    assert [operation for operation, _index, _items in calls] == ["GetItem"]


def test_dynamo_establishment_store_reads_no_establishment_with_nothing_waiting(aws: None) -> None:
    # Given forty establishments with settings, two of them marked waiting and one whose marker was cleared
    store = DynamoEstablishmentStore(create_table("EstablishmentsTable", "est"))
    for number in range(40):
        store.save_auto_import(f"{number:07d}A", AutoImportSchedule())
    store.mark_auto_waiting("0000007A", "auto000007")
    store.mark_auto_waiting("0000031A", "auto000031")
    store.mark_auto_waiting("0000012A", "auto000012")
    store.clear_auto_waiting("0000012A", "auto000012")
    # When the scheduler asks which wait
    with _dynamodb_calls() as calls:
        waiting = store.auto_waiting()
    # Then one query of the sparse index read the two waiting items and nothing else: no scan, no other item
    assert waiting == {"0000007A": "auto000007", "0000031A": "auto000031"}
    assert calls == [("Query", "awaiting_slot", 2)]


@contextmanager
def _dynamodb_calls() -> Iterator[list[tuple[str, str | None, int]]]:
    """(operation, index, items read) of each call the establishments' pynamodb connection makes in the block."""
    calls: list[tuple[str, str | None, int]] = []

    def record(params: dict[str, Any], model: Any, **_: Any) -> None:
        calls.append((model.name, params.get("IndexName"), -1))

    def read(parsed: dict[str, Any], model: Any, **_: Any) -> None:
        name, index, _unknown = calls.pop()
        calls.append((name, index, int(parsed.get("ScannedCount", len(parsed.get("Items", []))))))

    events = EstablishmentItem._get_connection().connection.client.meta.events
    events.register("provide-client-params.dynamodb", record)
    events.register("after-call.dynamodb", read)
    try:
        yield calls
    finally:  # the connection outlives the test
        events.unregister("provide-client-params.dynamodb", record)
        events.unregister("after-call.dynamodb", read)


@pytest.mark.parametrize(
    "make",
    [InMemoryImportHistory, lambda: DynamoImportHistory(create_table("ImportsTable", "imports"))],
    ids=["in-memory", "dynamodb"],
)
def test_import_history_records_when_an_import_started(aws: None, make: Callable[[], Any]) -> None:
    # Given an automatic import queued
    history = make()
    record = ImportRecord(
        uai=UAI, import_id="auto000001", kind=ImportKind.AUTOMATIC, status=ImportStatus.UPLOADED,
        created_at=T0, updated_at=T0,
    )  # fmt: skip
    history.create(record)
    history.update(UAI, "auto000001", status=ImportStatus.QUEUED, now=T0 + timedelta(minutes=1))
    assert history.get(UAI, "auto000001").started_at is None
    # When its execution's first step enters, and later steps follow
    history.update(UAI, "auto000001", status=ImportStatus.PARSING, now=T0 + timedelta(hours=2))
    history.update(UAI, "auto000001", status=ImportStatus.DONE, now=T0 + timedelta(hours=3))
    # Then it started when the first step entered
    stored = history.get(UAI, "auto000001")
    assert stored.started_at == T0 + timedelta(hours=2)
    assert stored.kind is ImportKind.AUTOMATIC


class _Sqs:
    """The SQS adapter and a way to read back what it sent."""

    def __init__(self) -> None:
        self.client = boto3.client("sqs", region_name=REGION)
        self.url = self.client.create_queue(QueueName="auto-imports")["QueueUrl"]
        self.queue = SqsAutoImportQueue(self.client, self.url)

    def send(self, uai: str, *, delay_s: int = 0) -> None:
        self.queue.send(uai, delay_s=delay_s)

    def sent(self) -> list[str]:
        attributes = self.client.get_queue_attributes(QueueUrl=self.url, AttributeNames=["All"])["Attributes"]
        visible = self.client.receive_message(QueueUrl=self.url, MaxNumberOfMessages=10).get("Messages", [])
        bodies = [json.loads(m["Body"])["uai"] for m in visible]
        return [*bodies, *["(delayed)"] * int(attributes["ApproximateNumberOfMessagesDelayed"])]


class _Memory(InMemoryAutoImportQueue):
    def sent_uais(self) -> list[str]:
        return [uai if delay == 0 else "(delayed)" for uai, delay in self.sent]


@pytest.mark.parametrize("make", [_Memory, _Sqs], ids=["in-memory", "sqs"])
def test_auto_import_queue_sends_one_message_per_establishment_delayed_up_to_15_minutes(
    aws: None, make: Callable[[], Any]
) -> None:
    # Given the queue / When one message is sent now and one delayed
    queue = make()
    queue.send(UAI)
    queue.send(OTHER, delay_s=600)
    # Then the first is there at once, the other delayed; a delay beyond SQS's ceiling is refused
    sent = queue.sent_uais() if isinstance(queue, _Memory) else queue.sent()
    assert sent == [UAI, "(delayed)"]
    with pytest.raises(ValueError, match="900"):
        queue.send(UAI, delay_s=901)
