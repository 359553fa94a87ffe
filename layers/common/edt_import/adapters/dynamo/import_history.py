"""``DynamoImportHistory``: the ``ImportHistory`` port over the imports table (one item per import)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.exceptions import PutError

from edt_import.adapters.dynamo.models import AWAITING_UPLOAD, ImportItem, bind, conditional_failure, save_versioned
from edt_import.domain.errors import StatusMovedOnError
from edt_import.domain.import_ports import StatusChange, changed
from edt_import.domain.imports import ImportFailure, ImportKind, ImportRecord, ImportStatus, advanced

KEEP_FOR = timedelta(days=550)
_NOT_TAKEN_IN = frozenset({ImportStatus.UPLOADED, ImportStatus.VALIDATING})  # in the ``awaiting_upload`` index


class DynamoImportHistory:
    def __init__(self, table_name: str) -> None:
        bind(ImportItem, table_name)

    def create(self, record: ImportRecord) -> bool:
        item = ImportItem(record.uai, record.import_id)
        _fill(item, record)
        try:
            item.save(condition=ImportItem.import_id.does_not_exist())
        except PutError as exc:
            if conditional_failure(exc):
                return False
            raise
        return True

    def get(self, uai: str, import_id: str) -> ImportRecord | None:
        try:
            return _record(ImportItem.get(uai, import_id, consistent_read=True))
        except ImportItem.DoesNotExist:
            return None

    def update(
        self,
        uai: str,
        import_id: str,
        *,
        status: ImportStatus,
        now: datetime,
        section: tuple[str, Mapping[str, Any]] | None = None,
        error: ImportFailure | None = None,
        attempt: int | None = None,
        expected_status: ImportStatus | None = None,
    ) -> ImportRecord:
        def advance(record: ImportRecord) -> ImportRecord:
            if expected_status is not None and record.status is not expected_status:
                raise StatusMovedOnError(record.status)
            return advanced(record, status=status, now=now, section=section, error=error, attempt=attempt)

        updated = _rewrite(uai, import_id, advance)
        if updated is None:  # ``advance`` always moves it: only an unknown import leaves nothing
            raise LookupError("no such import")
        return updated

    def update_if(
        self, uai: str, import_id: str, *, now: datetime, change: Callable[[ImportRecord], StatusChange | None]
    ) -> ImportRecord | None:
        return _rewrite(uai, import_id, lambda record: changed(record, change(record), now=now))

    def awaiting_upload(self, *, created_before: datetime) -> list[tuple[str, str]]:
        found = ImportItem.awaiting.query(AWAITING_UPLOAD, ImportItem.created_at <= created_before)
        return [(item.uai, item.import_id) for item in found]  # the index orders them by creation

    def newest(self, uai: str, *, limit: int, before: tuple[datetime, str] | None = None) -> list[ImportRecord]:
        condition = ImportItem.created_at <= before[0] if before is not None else None
        found: list[ImportRecord] = []
        # Several imports created in the same instant come in any order: the page sorts them, and ``before``
        # skips those a previous page gave.
        for item in ImportItem.newest.query(uai, condition, scan_index_forward=False, page_size=limit + 1):
            record = _record(item)
            if before is not None and (record.created_at, record.import_id) >= before:
                continue
            if len(found) >= limit and record.created_at < found[-1].created_at:
                break
            found.append(record)
        found.sort(key=lambda r: (r.created_at, r.import_id), reverse=True)
        return found[:limit]

    def queue(self, uai: str) -> list[str]:
        return [item.import_id for item in ImportItem.queued.query(uai)]  # the index orders them by queue_rank

    def list(self, uai: str) -> list[ImportRecord]:
        records = [_record(item) for item in ImportItem.query(uai, consistent_read=True)]
        return sorted(records, key=lambda r: (r.created_at, r.import_id), reverse=True)


def _rewrite(uai: str, import_id: str, rewrite: Callable[[ImportRecord], ImportRecord | None]) -> ImportRecord | None:
    """The record as ``rewrite`` makes it from one consistent read, saved only if no one saved it since that read;
    None (nothing written) when it leaves the record, or for an unknown import."""
    try:
        item = ImportItem.get(uai, import_id, consistent_read=True)
    except ImportItem.DoesNotExist:
        return None
    updated = rewrite(_record(item))
    if updated is None:
        return None
    _fill(item, updated)
    save_versioned(item)
    return updated


def _fill(item: ImportItem, record: ImportRecord) -> None:
    item.kind = record.kind.value
    item.status = record.status.value
    item.created_at = record.created_at
    item.updated_at = record.updated_at
    item.upload_key = record.upload_key
    item.queued_at = record.queued_at
    waiting = record.queued_at if record.status is ImportStatus.QUEUED else None
    item.queue_rank = f"{waiting.astimezone(UTC):%Y-%m-%dT%H:%M:%S.%f}#{record.import_id}" if waiting else None
    item.awaiting_upload = AWAITING_UPLOAD if record.status in _NOT_TAKEN_IN else None
    item.started_at = record.started_at
    item.finished_at = record.finished_at
    item.attempt = record.attempt
    item.error_code = record.error.code if record.error is not None else None
    item.error_message = record.error.message if record.error is not None else None
    item.summary = record.summary
    item.expires_at = record.created_at + KEEP_FOR


def _record(item: ImportItem) -> ImportRecord:
    error = (
        ImportFailure(code=item.error_code, message=item.error_message or "") if item.error_code is not None else None
    )
    return ImportRecord(
        uai=item.uai,
        import_id=item.import_id,
        kind=ImportKind(item.kind),
        status=ImportStatus(item.status),
        created_at=item.created_at,
        updated_at=item.updated_at,
        upload_key=item.upload_key,
        queued_at=item.queued_at,
        started_at=item.started_at,
        finished_at=item.finished_at,
        attempt=int(item.attempt),
        error=error,
        summary=dict(item.summary or {}),
    )
