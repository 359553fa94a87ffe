"""The housekeeping sweep: imports whose export never arrived end ``expired``, those whose check of the export
stopped half-way end ``failed`` (``domain/upload_expiry.py``).

Run on a schedule. The candidates come from the history's sparse index of imports whose export has not been taken
in yet (``uploaded`` or ``validating``); each is read once, the domain rules decide on that read, and the write
lands only on the very record they saw, so an upload landing at that very moment either wins (and is imported) or
finds the import expired (and is refused), never both.

A waiting import holds nothing else: the establishment's turn is taken only by a queued import (``turns.py``),
and the automatic-import marker only by a validated one, so nothing else needs to be released.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from msgspec import Struct

from edt_import.domain.errors import ConcurrentUpdateError
from edt_import.domain.import_ports import ImportHistory, StatusChange
from edt_import.domain.imports import ImportRecord, ImportStatus
from edt_import.domain.upload_expiry import (
    VALIDATION_WAIT,
    upload_cutoff,
    upload_missing,
    upload_overdue,
    validation_stalled,
    validation_stopped,
)


class SweepOutcome(Struct, frozen=True, kw_only=True):
    expired: tuple[ImportRecord, ...]  # their export never arrived
    stalled: tuple[ImportRecord, ...]  # their check of the export stopped half-way: failed


def expire_missing_uploads(
    *, now: datetime, wait: timedelta, history: ImportHistory, validation_wait: timedelta = VALIDATION_WAIT
) -> SweepOutcome:
    """End every import still without its export ``wait`` after its creation (``expired``), and every one whose
    validation stopped half-way (``failed``)."""
    ending = partial(_ending, now=now, wait=wait, validation_wait=validation_wait)
    ended: list[ImportRecord] = []
    for uai, import_id in history.awaiting_upload(created_before=upload_cutoff(now, wait=min(wait, validation_wait))):
        try:
            done = history.update_if(uai, import_id, now=now, change=ending)
        except ConcurrentUpdateError:  # written meanwhile (its upload taken in): that write decides
            continue
        if done is not None:
            ended.append(done)
    return SweepOutcome(
        expired=tuple(r for r in ended if r.status is ImportStatus.EXPIRED),
        stalled=tuple(r for r in ended if r.status is ImportStatus.FAILED),
    )


def _ending(record: ImportRecord, *, now: datetime, wait: timedelta, validation_wait: timedelta) -> StatusChange | None:
    if upload_overdue(record, now=now, wait=wait):
        return StatusChange(status=ImportStatus.EXPIRED, error=upload_missing())
    if validation_stalled(record, now=now, wait=validation_wait):
        return StatusChange(status=ImportStatus.FAILED, error=validation_stopped())
    return None  # its export arrived, or its check is still running
