"""The history read page by page and the queue read alone, fake and DynamoDB (its two indexes) alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from edt_import.adapters.dynamo import DynamoImportHistory
from edt_import.domain.imports import ImportKind, ImportStatus, new_import
from tests.support.moto_resources import create_table
from tests.support.pipeline_fakes import InMemoryImportHistory

T0 = datetime(2027, 5, 3, 6, 0, tzinfo=UTC)
UAI = "0214773Z"
HISTORIES = pytest.mark.parametrize(
    "make",
    [InMemoryImportHistory, lambda: DynamoImportHistory(create_table("ImportsTable", "imports"))],
    ids=["in-memory", "dynamodb"],
)


def _created(history: Any, import_id: str, minutes: int, uai: str = UAI) -> None:
    at = T0 + timedelta(minutes=minutes)
    assert history.create(new_import(uai=uai, import_id=import_id, kind=ImportKind.MANUAL, now=at, upload_key=""))


@HISTORIES
def test_history_newest_pages_cover_every_import_once_newest_first(aws: None, make: Callable[[], Any]) -> None:
    # Given seven imports, two of them created in the same instant, and another establishment's
    history = make()
    for n, minutes in enumerate([0, 1, 2, 3, 3, 4, 5]):
        _created(history, f"import{n:04d}", minutes)
    _created(history, "elsewhere1", 9, uai="0930002B")
    # When the history is read three at a time
    pages: list[list[str]] = []
    before = None
    while True:
        page = history.newest(UAI, limit=3, before=before)
        if not page:
            break
        pages.append([r.import_id for r in page])
        before = (page[-1].created_at, page[-1].import_id)
    # Then every import comes once, newest first (ties by id), and only this establishment's
    assert pages == [
        ["import0006", "import0005", "import0004"],
        ["import0003", "import0002", "import0001"],
        ["import0000"],
    ]
    assert history.newest("0000000A", limit=3) == []


@HISTORIES
def test_history_queue_lists_the_queued_imports_in_queue_order_only(aws: None, make: Callable[[], Any]) -> None:
    history = make()
    for n in range(4):
        _created(history, f"import{n:04d}", n)
    # Queued in another order than created; one then starts, one never is queued
    history.update(UAI, "import0002", status=ImportStatus.QUEUED, now=T0 + timedelta(minutes=10))
    history.update(UAI, "import0000", status=ImportStatus.QUEUED, now=T0 + timedelta(minutes=11))
    history.update(UAI, "import0001", status=ImportStatus.QUEUED, now=T0 + timedelta(minutes=12))
    assert history.queue(UAI) == ["import0002", "import0000", "import0001"]
    history.update(UAI, "import0002", status=ImportStatus.PARSING, now=T0 + timedelta(minutes=13))
    assert history.queue(UAI) == ["import0000", "import0001"]
    assert history.queue("0930002B") == []
