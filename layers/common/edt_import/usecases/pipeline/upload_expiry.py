"""The housekeeping sweep: imports whose export never arrived end ``expired`` (``domain/upload_expiry.py``).

Run on a schedule. The candidates come from the history's sparse index of imports still waiting for their
export; the domain rule decides, and the write is conditional on the import still waiting, so an upload landing
at that very moment either wins (and is imported) or finds the import expired (and is refused), never both.

A waiting import holds nothing else: the establishment's turn is taken only by a queued import (``turns.py``),
and the automatic-import marker only by a validated one, so nothing else needs to be released.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from edt_import.domain.import_ports import ImportHistory
from edt_import.domain.imports import ImportRecord, ImportStatus
from edt_import.domain.upload_expiry import upload_cutoff, upload_missing, upload_overdue


def expire_missing_uploads(*, now: datetime, wait: timedelta, history: ImportHistory) -> list[ImportRecord]:
    """End every import still without its export ``wait`` after its creation; the records now ``expired``."""
    expired: list[ImportRecord] = []
    for uai, import_id in history.awaiting_upload(created_before=upload_cutoff(now, wait=wait)):
        record = history.get(uai, import_id)
        if record is None or not upload_overdue(record, now=now, wait=wait):
            continue  # its export arrived since the index was read
        ended = history.update_from(
            uai, import_id, expected=ImportStatus.UPLOADED, status=ImportStatus.EXPIRED, now=now, error=upload_missing()
        )
        if ended is not None:
            expired.append(ended)
    return expired
