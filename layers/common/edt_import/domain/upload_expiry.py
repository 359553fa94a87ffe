"""An import whose export never arrives: past its upload deadline it ends ``expired``.

The admin API creates the record when it hands out the presigned POST, which is valid a few minutes; an upload
begun just before the form expired may still land a little later on a slow connection. The deadline, a setting
well beyond the form's life, counts from the record's creation. Past it, a record still ``uploaded`` ends
``expired`` with ``upload_missing``: the history stops showing it as pending, and a late upload of its key is
refused (never imported). The record stays in the history, as every import does.

An upload whose check stopped half-way (the upload function timed out or crashed, and S3's retries found the import
already ``validating``) would stay ``validating`` for ever: once its validation has been still for
``VALIDATION_WAIT``, it ends ``failed`` (``internal_error``), the administrator told to upload it again.

Pure: the clock and the deadlines are arguments.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from edt_import.domain.errors import ErrorCode
from edt_import.domain.imports import ImportFailure, ImportRecord, ImportStatus

# Far beyond one check of the file (the upload function's timeout is 2 minutes) and S3's two retries of it.
VALIDATION_WAIT = timedelta(minutes=15)


def upload_cutoff(now: datetime, *, wait: timedelta) -> datetime:
    """Imports created at or before this instant and still without their export are overdue."""
    return now - wait


def upload_overdue(record: ImportRecord, *, now: datetime, wait: timedelta) -> bool:
    """Whether ``record`` still waits for its export although its upload deadline has passed."""
    return record.status is ImportStatus.UPLOADED and record.created_at <= upload_cutoff(now, wait=wait)


def upload_missing() -> ImportFailure:
    """Why an expired import ended: the administrator's sentence says what to do."""
    return ImportFailure(
        code=ErrorCode.UPLOAD_MISSING.value,
        message="The export file never arrived before the upload permission expired; start a new import.",
    )


def late_upload_section(*, now: datetime, size_bytes: int) -> tuple[str, dict[str, object]]:
    """What an expired import notes of an upload that arrived after all (refused, deleted, never imported)."""
    return "late_upload", {"received_at": now.isoformat(), "size_bytes": size_bytes}


def validation_stalled(record: ImportRecord, *, now: datetime, wait: timedelta = VALIDATION_WAIT) -> bool:
    """Whether ``record``'s export has been ``validating`` for ``wait`` without an outcome."""
    return record.status is ImportStatus.VALIDATING and record.updated_at <= now - wait


def validation_stopped() -> ImportFailure:
    return ImportFailure(
        code=ErrorCode.INTERNAL_ERROR.value,
        message="Checking the uploaded file stopped before its end; start a new import and upload it again.",
    )
