"""The upload trigger: open and validate the export, keep its plaintext in the working bucket, queue the import.

A refused export ends the import as ``failed`` with its code at once: nothing is queued, nothing reaches
itslearning, and the upload is deleted. So does an automatic export the establishment does not accept
(``no_manual_import_yet``, ``auto_import_disabled``); an accepted one waits for its slot (``auto_imports.py``).
Redelivery of the same S3 event is absorbed by the handler's idempotency layer; a second event for an import
already past ``uploaded`` changes nothing here either. An upload arriving after its import expired (its upload
deadline passed, ``upload_expiry.py``) is refused: deleted unread, noted in the history, never imported.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from msgspec import Struct

from edt_import.domain.auto_import import AutoImportSchedule, automatic_refusal
from edt_import.domain.container import is_container, open_container
from edt_import.domain.errors import EdtImportError, ErrorCode, rejected
from edt_import.domain.export_reader import read_export
from edt_import.domain.import_ports import (
    AutoImportQueue,
    BlobStore,
    EstablishmentStore,
    ExecutionStarter,
    ImportHistory,
    update_from,
)
from edt_import.domain.imports import OUTCOMES, ImportFailure, ImportKind, ImportRecord, ImportStatus, new_import
from edt_import.domain.private_key import load_private_key
from edt_import.domain.upload_expiry import late_upload_section, upload_missing, upload_overdue
from edt_import.usecases.pipeline.auto_imports import wait_for_slot
from edt_import.usecases.pipeline.turns import start_next_import
from edt_import.usecases.pipeline.work_keys import parse_upload_key, timetable_key

MAX_WARNINGS_KEPT = 50  # the history item stays small; the count says how many there were


class UploadedObject(Struct, frozen=True, kw_only=True):
    bucket: str
    key: str
    etag: str
    size: int  # bytes, as the S3 event says


class IngestResult(Struct, frozen=True, kw_only=True):
    uai: str
    import_id: str
    status: ImportStatus
    error_code: str | None = None


def ingest_upload(
    upload: UploadedObject,
    *,
    now: datetime,
    uploads: BlobStore,
    work: BlobStore,
    history: ImportHistory,
    establishments: EstablishmentStore,
    starter: ExecutionStarter,
    auto_imports: AutoImportQueue,
    partner_key: Callable[[], bytes],
    upload_wait: timedelta,
    kind: ImportKind = ImportKind.MANUAL,
) -> IngestResult:
    """Validate one upload. The admin API creates the record (with its kind) before the upload: that record is
    kept as it is; ``kind`` only applies to an upload that arrived without one. ``upload_wait``: how long after its
    creation an import takes its export (``domain/upload_expiry.py``)."""
    uai, import_id = parse_upload_key(upload.key)
    record = new_import(uai=uai, import_id=import_id, kind=kind, now=now, upload_key=upload.key)
    if not history.create(record):
        record = history.get(uai, import_id) or record  # created with its kind by the admin API
    if upload_overdue(record, now=now, wait=upload_wait):  # past its deadline, before the expiry's sweep came
        expired, late = ImportStatus.EXPIRED, late_upload_section(now=now, size_bytes=upload.size)
        update_from(
            history,
            uai,
            import_id,
            expected=record.status,
            status=expired,
            now=now,
            error=upload_missing(),
            section=late,
        )
        return _not_waiting(record, upload, now=now, uploads=uploads, history=history)
    # Only an import still waiting for its export takes it: one past its upload deadline has expired meanwhile,
    # and one further on got this upload already (a redelivery).
    taken = update_from(
        history, uai, import_id, expected=ImportStatus.UPLOADED, status=ImportStatus.VALIDATING, now=now
    )
    if taken is None:
        return _not_waiting(record, upload, now=now, uploads=uploads, history=history)
    data = uploads.get(upload.key)
    try:
        establishment = establishments.snapshot(uai)  # one read: whether it takes automatic exports, its partner
        if record.kind is ImportKind.AUTOMATIC:
            _admit_automatic(uai, establishment.auto_import, history=history)
        if data is None:
            raise _vanished()
        plaintext, figures = _open(data, uai, partner_key, establishment.settings.partner)
    except EdtImportError as exc:
        failure = ImportFailure(code=exc.code.value, message=exc.message)
        history.update(uai, import_id, status=ImportStatus.FAILED, now=now, error=failure)
        uploads.delete(upload.key)
        return IngestResult(uai=uai, import_id=import_id, status=ImportStatus.FAILED, error_code=exc.code.value)
    work.put(timetable_key(uai, import_id), plaintext)
    uploads.delete(upload.key)  # the encrypted upload is not needed any more
    history.update(uai, import_id, status=ImportStatus.QUEUED, now=now, section=("validation", figures))
    if record.kind is ImportKind.AUTOMATIC:
        wait_for_slot(uai, now=now, work=work, history=history, establishments=establishments, queue=auto_imports)
    else:
        start_next_import(uai, now=now, history=history, establishments=establishments, starter=starter)
    return IngestResult(uai=uai, import_id=import_id, status=ImportStatus.QUEUED)


def _not_waiting(
    record: ImportRecord, upload: UploadedObject, *, now: datetime, uploads: BlobStore, history: ImportHistory
) -> IngestResult:
    """The upload's import no longer waits for it. An expired one refuses it: the late file is deleted unread
    and noted in the history, and no execution starts. One already over (a redelivery, a check the expiry ended)
    keeps its outcome, and the file goes."""
    uai, import_id = record.uai, record.import_id
    current = history.get(uai, import_id) or record
    if current.status is not ImportStatus.EXPIRED:
        if current.status in OUTCOMES:
            uploads.delete(upload.key)
        return IngestResult(uai=uai, import_id=import_id, status=current.status)
    uploads.delete(upload.key)  # unread: its size comes with the event
    section = late_upload_section(now=now, size_bytes=upload.size)
    if section[0] not in current.summary:  # a redelivered event notes nothing more
        history.update(uai, import_id, status=ImportStatus.EXPIRED, now=now, section=section)
    return IngestResult(
        uai=uai, import_id=import_id, status=ImportStatus.EXPIRED, error_code=ErrorCode.UPLOAD_MISSING.value
    )


def _admit_automatic(uai: str, schedule: AutoImportSchedule, *, history: ImportHistory) -> None:
    refusal = automatic_refusal(history.list(uai), schedule)
    if refusal is not None:
        raise rejected(refusal.code, refusal.message)


def _open(data: bytes, uai: str, partner_key: Callable[[], bytes], partner: str) -> tuple[bytes, dict[str, object]]:
    """The clear timetable of a validated export, and what the history shows of the file."""
    key = load_private_key(partner_key()) if is_container(data) else None
    export = read_export(data, private_key=key, partner=partner, expected_uai=uai)
    plaintext = open_container(data, private_key=key, partner=partner)[1] if key is not None else data
    container = export.container
    figures: dict[str, object] = {
        "software": container.software if container is not None else "",
        "version": export.timetable.version,
        "warnings": len(export.warnings),
        "size_bytes": len(data),
        # What the console's UAI summary shows: whose export it is, its year, and the warnings in words
        # (their messages name codes and elements, never a person).
        "uai": export.timetable.uai,
        "school_year": export.timetable.school_year.label,
        "warning_list": [{"code": w.code, "message": w.message} for w in export.warnings[:MAX_WARNINGS_KEPT]],
    }
    return bytes(plaintext), figures


def _vanished() -> EdtImportError:
    return rejected(ErrorCode.NOT_AN_EXPORT, "The uploaded file could not be found any more; upload it again.")
