"""Another writer of the same import record (a pipeline step) getting in just before one of our writes.

Over the in-memory history the write lands between an ``update``'s read and its write; over DynamoDB it lands
just before an ``ImportItem`` save, after that item was read: the save then fails on its version, as it would in
AWS. Each queued write races one write of ours, in order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from edt_import.adapters.dynamo.models import ImportItem
from tests.support.pipeline_fakes import InMemoryImportHistory

Write = Callable[[], object]


@contextmanager
def racing(history: object, *writes: Write) -> Iterator[None]:
    """While the block runs, each of ``writes`` lands just before one of our writes of an import record."""
    if isinstance(history, InMemoryImportHistory):
        history.interleave(*writes)
        try:
            yield
        finally:
            history.interleaved = []
        return
    with _racing_dynamo_saves(list(writes)):
        yield


@contextmanager
def _racing_dynamo_saves(pending: list[Write]) -> Iterator[None]:
    original = ImportItem.save
    racing_now = False

    def save(item: ImportItem, *args: Any, **kwargs: Any) -> Any:
        nonlocal racing_now
        if pending and not racing_now:  # the racing write's own save is not raced
            racing_now = True
            try:
                pending.pop(0)()
            finally:
                racing_now = False
        return original(item, *args, **kwargs)

    ImportItem.save = save  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        ImportItem.save = original  # type: ignore[method-assign]
