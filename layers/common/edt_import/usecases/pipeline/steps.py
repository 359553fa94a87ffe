"""What every step shares: the import it works on, its status moves, and reading its inputs by key."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from msgspec import Struct

from edt_import.domain.errors import ErrorCode, rejected
from edt_import.domain.export_reader import read_export
from edt_import.domain.import_ports import BlobStore, ImportHistory
from edt_import.domain.imports import ImportRecord, ImportStatus
from edt_import.domain.timetable import Export
from edt_import.usecases.pipeline.codecs import decode_document
from edt_import.usecases.pipeline.work_keys import timetable_key


class ImportRef(Struct, frozen=True, kw_only=True):
    uai: str
    import_id: str
    attempt: int = 1


def enter(ref: ImportRef, status: ImportStatus, *, history: ImportHistory, now: datetime) -> ImportRecord:
    """Move the import to the status of the step that starts on it."""
    return history.update(ref.uai, ref.import_id, status=status, now=now)


def required(blobs: BlobStore, key: str, what: str) -> bytes:
    data = blobs.get(key)
    if data is None:
        # The working data expired (an import left waiting too long) or an earlier step did not run.
        raise rejected(ErrorCode.INVALID_STATE, f"The import's {what} is missing; upload the export again.")
    return data


def read_document(blobs: BlobStore, key: str, what: str) -> dict[str, Any]:
    return decode_document(required(blobs, key, what), what)


def open_timetable(ref: ImportRef, work: BlobStore) -> Export:
    """The clear timetable the upload step validated (validated again: the working bucket is not trusted blindly)."""
    return read_export(required(work, timetable_key(ref.uai, ref.import_id), "timetable"), expected_uai=ref.uai)


def import_date(record: ImportRecord, timezone: str) -> date:
    """The establishment's calendar day when the export arrived: nothing is planned before it."""
    return record.created_at.astimezone(ZoneInfo(timezone)).date()
