"""The housekeeping sweep: imports whose export never arrived end ``expired``, those whose check of the export
stopped half-way end ``failed`` (``domain/upload_expiry.py``).

Run on a schedule. The candidates come from the history's sparse index of imports whose export has not been taken
in yet (``uploaded`` or ``validating``); the domain rules decide, and the write is conditional on the import's
status being still the one read, so an upload landing at that very moment either wins (and is imported) or finds
the import expired (and is refused), never both.

A waiting import holds nothing else: the establishment's turn is taken only by a queued import (``turns.py``),
and the automatic-import marker only by a validated one, so nothing else needs to be released.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from msgspec import Struct

from edt_import.domain.import_ports import ImportHistory, update_from
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
    expired: list[ImportRecord] = []
    stalled: list[ImportRecord] = []
    for uai, import_id in history.awaiting_upload(created_before=upload_cutoff(now, wait=min(wait, validation_wait))):
        record = history.get(uai, import_id)
        if record is None:
            continue
        if upload_overdue(record, now=now, wait=wait):
            status, error, ended = ImportStatus.EXPIRED, upload_missing(), expired
        elif validation_stalled(record, now=now, wait=validation_wait):
            status, error, ended = ImportStatus.FAILED, validation_stopped(), stalled
        else:
            continue  # its export arrived, or its check is still running
        done = update_from(history, uai, import_id, expected=record.status, status=status, now=now, error=error)
        if done is not None:
            ended.append(done)
    return SweepOutcome(expired=tuple(expired), stalled=tuple(stalled))
