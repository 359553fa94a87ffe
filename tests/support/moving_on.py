"""A pipeline step moving an import on between an administrator's read of it and the write decided on that read.

Unlike a race (``racing_writes.py``), the step's write lands before the history's ``update`` reads the record, so
the update finds the import no longer in the status it expects. Works over the in-memory history and the DynamoDB
adapter alike (it wraps the class's ``get``: the API builds its own history object per request).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from edt_import.domain.imports import ImportRecord


@contextmanager
def moving_on_after_read(history: object, write: Callable[[], object], *, read: int = 1) -> Iterator[list[str]]:
    """While the block runs, ``write`` lands just after the ``read``-th ``get`` of an import record; yields the ids
    of every record read through ``get``, so that a test can tell how many reads a change took."""
    cls: Any = type(history)
    original = cls.get
    reads: list[str] = []

    def get(self: object, uai: str, import_id: str) -> ImportRecord | None:
        found: ImportRecord | None = original(self, uai, import_id)
        reads.append(import_id)
        if len(reads) == read:
            write()
        return found

    cls.get = get
    try:
        yield reads
    finally:
        cls.get = original
