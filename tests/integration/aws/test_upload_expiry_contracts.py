"""The history's part in the upload expiry, fake and DynamoDB adapter held alike: the sparse index of imports
waiting for their export, and the conditional move that lets exactly one of two racing writers win."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from edt_import.adapters.dynamo import DynamoImportHistory
from edt_import.adapters.dynamo.models import ImportItem
from edt_import.domain.import_ports import update_from
from edt_import.domain.imports import ImportKind, ImportStatus, new_import
from edt_import.domain.upload_expiry import upload_missing
from tests.support.moto_resources import REGION, create_table
from tests.support.pipeline_fakes import InMemoryImportHistory

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
    update_from(
        history,
        UAI,
        "a000000001",
        expected=ImportStatus.UPLOADED,
        status=ImportStatus.EXPIRED,
        now=T0,
        error=upload_missing(),
    )
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
    history = make()
    _create(history, UAI, "a000000001", 0)
    history.update(UAI, "a000000001", status=ImportStatus.VALIDATING, now=T0 + timedelta(minutes=1))
    # When the sweep tries to expire it as if it still waited, and so does an unknown import
    expired = update_from(
        history,
        UAI,
        "a000000001",
        expected=ImportStatus.UPLOADED,
        status=ImportStatus.EXPIRED,
        now=T0,
        error=upload_missing(),
    )
    unknown = update_from(
        history,
        UAI,
        "never00001",
        expected=ImportStatus.UPLOADED,
        status=ImportStatus.EXPIRED,
        now=T0,
        error=upload_missing(),
    )
    # Then nothing changed
    assert (expired, unknown) == (None, None)
    record = history.get(UAI, "a000000001")
    assert (record.status, record.error) == (ImportStatus.VALIDATING, None)
    # And from the status it is in, the move happens, its error kept
    moved = update_from(
        history,
        UAI,
        "a000000001",
        expected=ImportStatus.VALIDATING,
        status=ImportStatus.EXPIRED,
        now=T0 + timedelta(hours=1),
        error=upload_missing(),
    )
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
    stale = update_from(
        history,
        UAI,
        "a000000001",
        expected=ImportStatus.UPLOADED,
        status=ImportStatus.EXPIRED,
        now=T0,
        error=upload_missing(),
    )
    # Then the sweep's write is refused: the upload's status stands
    assert stale is None
    assert history.get(UAI, "a000000001").status is ImportStatus.VALIDATING  # type: ignore[union-attr]
    # and once validated, the record leaves the sparse index
    history.update(UAI, "a000000001", status=ImportStatus.QUEUED, now=T0 + timedelta(minutes=32))
    assert "awaiting_upload" not in _item("a000000001")


def _item(import_id: str) -> dict[str, Any]:
    client = boto3.client("dynamodb", region_name=REGION)
    item: dict[str, Any] = client.get_item(TableName="imports", Key={"uai": {"S": UAI}, "import_id": {"S": import_id}})[
        "Item"
    ]
    return item
