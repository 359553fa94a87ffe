"""The history's part in the upload expiry, fake and DynamoDB adapter held alike: the sparse index of imports
waiting for their export, the conditional moves that let exactly one of two racing writers win, and the sweep
reading each candidate once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from edt_import.adapters.dynamo import DynamoImportHistory
from edt_import.adapters.dynamo.models import ImportItem
from edt_import.domain.errors import ConcurrentUpdateError
from edt_import.domain.import_ports import StatusChange, update_from
from edt_import.domain.imports import ImportKind, ImportRecord, ImportStatus, new_import
from edt_import.domain.upload_expiry import upload_missing, validation_stopped
from edt_import.usecases.pipeline.upload_expiry import expire_missing_uploads
from tests.support.moto_resources import REGION, create_table
from tests.support.pipeline_fakes import InMemoryImportHistory
from tests.support.racing_writes import racing

T0 = datetime(2027, 5, 3, 6, 0, tzinfo=UTC)
UAI = "0214773Z"
OTHER = "0750001A"

HISTORIES = pytest.mark.parametrize(
    "make",
    [InMemoryImportHistory, lambda: DynamoImportHistory(create_table("ImportsTable", "imports"))],
    ids=["in-memory", "dynamodb"],
)


def _create(history: Any, uai: str, import_id: str, minutes: int) -> None:
    created = T0 + timedelta(minutes=minutes)
    history.create(new_import(uai=uai, import_id=import_id, kind=ImportKind.MANUAL, now=created, upload_key=""))


def _waiting(history: Any) -> Any:
    """``history`` holding one import, created at 06:00, still waiting for its file."""
    _create(history, UAI, "a000000001", 0)
    return history


def _validating(history: Any) -> Any:
    """``history`` holding one import, created at 06:00, whose file arrived at 06:01 (validating)."""
    _waiting(history).update(UAI, "a000000001", status=ImportStatus.VALIDATING, now=T0 + timedelta(minutes=1))
    return history


@HISTORIES
def test_import_history_lists_imports_awaiting_their_upload_across_establishments_oldest_first(
    aws: None, make: Callable[[], Any]
) -> None:
    # Given imports of two establishments created at 06:00 to 06:40: one validated (queued), one being validated
    history = make()
    _create(history, OTHER, "b000000001", 10)
    _create(history, UAI, "a000000001", 0)
    _create(history, UAI, "a000000002", 20)
    _create(history, UAI, "a000000003", 40)
    _create(history, UAI, "a000000004", 5)
    history.update(UAI, "a000000002", status=ImportStatus.VALIDATING, now=T0 + timedelta(minutes=21))
    history.update(UAI, "a000000002", status=ImportStatus.QUEUED, now=T0 + timedelta(minutes=22))
    history.update(UAI, "a000000004", status=ImportStatus.VALIDATING, now=T0 + timedelta(minutes=6))
    # When asking for those whose export is not taken in yet, created by 06:20
    waiting = history.awaiting_upload(created_before=T0 + timedelta(minutes=20))
    # Then the waiting and validating ones up to that instant come, oldest first, whatever their establishment
    assert waiting == [(UAI, "a000000001"), (UAI, "a000000004"), (OTHER, "b000000001")]
    # and once one ends, it leaves the list
    _expire(history, "a000000001")
    assert history.awaiting_upload(created_before=T0 + timedelta(hours=1)) == [
        (UAI, "a000000004"),
        (OTHER, "b000000001"),
        (UAI, "a000000003"),
    ]


@HISTORIES
def test_import_history_update_from_changes_nothing_once_the_import_moved_on(
    aws: None, make: Callable[[], Any]
) -> None:
    # Given an import whose file arrived (validating)
    history = _validating(make())
    # When the sweep tries to expire it as if it still waited, and so does an unknown import
    expired = _expire(history, "a000000001")
    unknown = _expire(history, "never00001")
    # Then nothing changed
    assert (expired, unknown) == (None, None)
    record = history.get(UAI, "a000000001")
    assert (record.status, record.error) == (ImportStatus.VALIDATING, None)
    # And from the status it is in, the move happens, its error kept
    moved = _expire(history, "a000000001", expected=ImportStatus.VALIDATING, now=T0 + timedelta(hours=1))
    assert moved is not None
    assert history.get(UAI, "a000000001") == moved
    assert (moved.status, moved.error, moved.finished_at) == (
        ImportStatus.EXPIRED,
        upload_missing(),
        T0 + timedelta(hours=1),
    )


def test_dynamo_update_from_loses_to_a_write_between_its_read_and_its_write(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an import still waiting, in the sparse index
    history = DynamoImportHistory(create_table("ImportsTable", "imports"))
    _create(history, UAI, "a000000001", 0)
    assert _item("a000000001")["awaiting_upload"] == {"S": "uploaded"}
    real_get = ImportItem.get

    def read_then_race(*args: Any, **kwargs: Any) -> ImportItem:
        item = real_get(*args, **kwargs)
        monkeypatch.setattr(ImportItem, "get", real_get)
        history.update(UAI, "a000000001", status=ImportStatus.VALIDATING, now=T0 + timedelta(minutes=31))
        return item

    # When its file is taken (validating) after the sweep read the record and before it writes
    monkeypatch.setattr(ImportItem, "get", read_then_race)
    stale = _expire(history, "a000000001")
    # Then the sweep's write is refused: the upload's status stands
    assert stale is None
    assert history.get(UAI, "a000000001").status is ImportStatus.VALIDATING  # type: ignore[union-attr]
    # and once validated, the record leaves the sparse index
    history.update(UAI, "a000000001", status=ImportStatus.QUEUED, now=T0 + timedelta(minutes=32))
    assert "awaiting_upload" not in _item("a000000001")


@HISTORIES
def test_import_history_update_if_moves_the_import_as_decided_from_the_record_it_read(
    aws: None, make: Callable[[], Any]
) -> None:
    # Given an import being validated since 06:01
    history = _validating(make())
    seen: list[ImportRecord] = []

    def fail(record: ImportRecord) -> StatusChange:
        seen.append(record)
        return StatusChange(status=ImportStatus.FAILED, error=validation_stopped())

    # When it is moved as a decision taken on its record says
    later = T0 + timedelta(minutes=30)
    moved = history.update_if(UAI, "a000000001", now=later, change=fail)
    # Then the decision saw the stored record, and its move is stored: ended now, with its error
    assert [(r.status, r.updated_at) for r in seen] == [(ImportStatus.VALIDATING, T0 + timedelta(minutes=1))]
    assert moved is not None
    assert history.get(UAI, "a000000001") == moved
    assert (moved.status, moved.error, moved.finished_at) == (ImportStatus.FAILED, validation_stopped(), later)
    assert history.awaiting_upload(created_before=later) == []


@HISTORIES
def test_import_history_update_if_writes_nothing_when_the_decision_leaves_it_or_the_import_is_unknown(
    aws: None, make: Callable[[], Any]
) -> None:
    history = _waiting(make())
    before = history.get(UAI, "a000000001")
    seen: list[str] = []

    def leave(record: ImportRecord) -> None:
        seen.append(record.import_id)

    later = T0 + timedelta(minutes=30)
    left = history.update_if(UAI, "a000000001", now=later, change=leave)
    unknown = history.update_if(UAI, "never00001", now=later, change=leave)
    assert (left, unknown, seen) == (None, None, ["a000000001"])
    assert history.get(UAI, "a000000001") == before
    assert history.get(UAI, "never00001") is None


@HISTORIES
def test_expiry_sweep_loses_to_an_upload_taken_between_its_read_and_its_write(
    aws: None, make: Callable[[], Any]
) -> None:
    # Given an import created 31 minutes ago, still waiting for its export
    history = _waiting(make())
    now = T0 + timedelta(minutes=31)
    # When its file is taken in after the sweep read the record and before it writes
    with racing(history, lambda: history.update(UAI, "a000000001", status=ImportStatus.VALIDATING, now=now)):
        outcome = expire_missing_uploads(now=now, wait=timedelta(minutes=30), history=history)
    # Then the sweep ends nothing: the upload's status stands, for its validation to go on
    assert (outcome.expired, outcome.stalled) == ((), ())
    assert history.get(UAI, "a000000001").status is ImportStatus.VALIDATING


@HISTORIES
def test_import_history_update_if_losing_a_race_writes_nothing(aws: None, make: Callable[[], Any]) -> None:
    history = _waiting(make())

    # When a note lands between the read a decision to expire it was taken on and its write
    def expire(_record: ImportRecord) -> StatusChange:
        return StatusChange(status=ImportStatus.EXPIRED, error=upload_missing())

    def noted() -> object:
        return history.update(UAI, "a000000001", status=ImportStatus.UPLOADED, now=T0, section=("note", {"n": 1}))

    # Then the decision is refused as a lost race, and only the note is written
    with racing(history, noted), pytest.raises(ConcurrentUpdateError):
        history.update_if(UAI, "a000000001", now=T0 + timedelta(hours=1), change=expire)
    record = history.get(UAI, "a000000001")
    assert (record.status, record.summary) == (ImportStatus.UPLOADED, {"note": {"n": 1}})


def test_expiry_sweep_on_dynamodb_reads_each_candidate_once(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given four imports in the sparse index: two overdue, one still inside its deadline, one whose check stalled
    history = DynamoImportHistory(create_table("ImportsTable", "imports"))
    _create(history, UAI, "a000000001", 0)
    _create(history, OTHER, "b000000001", 59)
    _create(history, UAI, "a000000002", 70)
    _create(history, UAI, "a000000003", 65)
    history.update(UAI, "a000000003", status=ImportStatus.VALIDATING, now=T0 + timedelta(minutes=70))
    real_get = ImportItem.get
    reads: list[str] = []

    def counted(uai: str, import_id: str, **kwargs: Any) -> ImportItem:
        reads.append(import_id)
        return real_get(uai, import_id, **kwargs)

    monkeypatch.setattr(ImportItem, "get", counted)
    # When the sweep runs at 07:30 with a 30-minute deadline
    outcome = expire_missing_uploads(now=T0 + timedelta(minutes=90), wait=timedelta(minutes=30), history=history)
    # Then it ends the overdue and the stalled ones, having read each of the four once
    assert [r.import_id for r in outcome.expired] == ["a000000001", "b000000001"]
    assert [r.import_id for r in outcome.stalled] == ["a000000003"]
    assert sorted(reads) == ["a000000001", "a000000002", "a000000003", "b000000001"]
    assert history.get(UAI, "a000000002").status is ImportStatus.UPLOADED  # type: ignore[union-attr]


def _expire(
    history: Any, import_id: str, *, expected: ImportStatus = ImportStatus.UPLOADED, now: datetime = T0
) -> ImportRecord | None:
    """The sweep's move: ``import_id`` expired for want of its export, while it is still ``expected``."""
    return update_from(
        history, UAI, import_id, expected=expected, status=ImportStatus.EXPIRED, now=now, error=upload_missing()
    )


def _item(import_id: str) -> dict[str, Any]:
    client = boto3.client("dynamodb", region_name=REGION)
    item: dict[str, Any] = client.get_item(TableName="imports", Key={"uai": {"S": UAI}, "import_id": {"S": import_id}})[
        "Item"
    ]
    return item
