"""An administrator's write racing a pipeline step's write of the same import record.

The history is versioned: the loser of the race gets ``ConcurrentUpdateError`` and nothing of its write lands.
An admin write is a read, a check, then a write conditional on what was read (``expected_status``), so doing the
whole of it once more is safe: it reads the record again and decides again. A second loss is answered 409
``concurrent_update`` (reload, then try again), never a 500.

An import that left the expected status before the write read it is no race: ``StatusMovedOnError`` carries the
status it is in, and the use case answers from that at once (never retried here, it is not a
``ConcurrentUpdateError``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from edt_import.domain.errors import ConcurrentUpdateError

T = TypeVar("T")


def retried_once_on_conflict(write: Callable[[], T]) -> T:
    """``write()``, read-check-write as a whole, run a second time if another writer got in between."""
    try:
        return write()
    except ConcurrentUpdateError:
        return write()
