"""The admin API's imports: create one (and hand out its upload), the history page by page, one import, the
unrecognised accounts as a text file.

An import's record is created here, before its upload, with its kind: the upload step keeps that record.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable
from datetime import datetime

from msgspec import Struct

from edt_import.domain.import_ports import BlobStore, ImportHistory
from edt_import.domain.imports import ImportKind, ImportRecord, ImportStatus, new_import
from edt_import.domain.upload_ports import PresignedUpload, UploadSigner
from edt_import.usecases.admin.errors import AdminErrorCode, ConflictError, InvalidRequestError, NotFoundError
from edt_import.usecases.admin.import_views import ImportDetail, ImportItem, detail_view, item_view
from edt_import.usecases.pipeline.codecs import decode_document
from edt_import.usecases.pipeline.work_keys import unmatched_report_key, upload_key

_BEFORE_RECONCILIATION = frozenset(
    {ImportStatus.UPLOADED, ImportStatus.VALIDATING, ImportStatus.QUEUED, ImportStatus.PARSING}
)


class UploadLimits(Struct, frozen=True, kw_only=True):
    max_bytes: int  # the presigned POST refuses a larger file
    expires_s: int  # how long the upload permission lasts


class NewImport(Struct, frozen=True, kw_only=True):
    record: ImportRecord
    upload: PresignedUpload


class ImportPage(Struct, frozen=True, kw_only=True):
    items: list[ImportItem]
    next: str | None  # the cursor of the following page; None on the last


def create_import(
    uai: str,
    kind: ImportKind,
    *,
    import_id: str,
    now: datetime,
    history: ImportHistory,
    signer: UploadSigner,
    limits: UploadLimits,
) -> NewImport:
    key = upload_key(uai, import_id)
    record = new_import(uai=uai, import_id=import_id, kind=kind, now=now, upload_key=key)
    if not history.create(record):
        raise ConflictError("An import with this id exists already; ask for a new one.")
    return NewImport(record=record, upload=signer.presign(key, max_bytes=limits.max_bytes, expires_s=limits.expires_s))


def list_imports(uai: str, *, history: ImportHistory, cursor: str | None, limit: int) -> ImportPage:
    """The establishment's imports, newest first, ``limit`` at a time from ``cursor``: one page is read, not the
    whole history (a school's reaches thousands of imports), and the queue on its own."""
    before = _decode_cursor(cursor) if cursor is not None else None
    records = history.newest(uai, limit=limit + 1, before=before)
    page = records[:limit]
    positions = _positions(history, uai) if any(r.status is ImportStatus.QUEUED for r in page) else {}
    return ImportPage(
        items=[item_view(r, positions.get(r.import_id)) for r in page],
        next=_encode_cursor(page[-1]) if len(records) > limit else None,
    )


def import_detail(uai: str, import_id: str, *, history: ImportHistory) -> ImportDetail:
    record = import_record(uai, import_id, history)
    position = _positions(history, uai).get(import_id) if record.status is ImportStatus.QUEUED else None
    return detail_view(record, position)


def _positions(history: ImportHistory, uai: str) -> dict[str, int]:
    return {import_id: position for position, import_id in enumerate(history.queue(uai), start=1)}


_ROLES_FR = {"Instructor": "enseignant", "Learner": "élève"}
_REASONS_FR = {
    "not_found": "aucun compte de l'ENT ne correspond (nom, prénom, date de naissance)",
    "ambiguous": "plusieurs comptes de l'ENT correspondent",
}
UNMATCHED_HEADER = "rôle\tnom\tprénom\tdate de naissance\tmotif"


def unmatched_text(uai: str, import_id: str, *, history: ImportHistory, work: BlobStore) -> str:
    """The unrecognised accounts, a header line then one account a line (tab-separated): personal data, for the
    administrator's download only."""
    record = import_record(uai, import_id, history)
    data = work.get(unmatched_report_key(uai, import_id))
    if data is None:
        if record.status in _BEFORE_RECONCILIATION or record.error is not None:
            raise ConflictError(
                "The unrecognised accounts are known once the import has reconciled the accounts.",
                code="not_reconciled",
            )
        raise NotFoundError("The unrecognised accounts of this import are not kept any more.")
    rows = decode_document(data, "unmatched accounts")["unmatched"]
    lines = [UNMATCHED_HEADER]
    for row in rows:
        role = str(row["role"])
        cells = (
            _ROLES_FR.get(role, role),
            row["last_name"],
            row["first_name"],
            row["birth_date"] if role == "Learner" else "",
            _REASONS_FR.get(str(row["reason"]), str(row["reason"])),
        )
        lines.append(tab_separated(cells))
    return "\n".join(lines) + "\n"


def tab_separated(cells: Iterable[object]) -> str:
    """One line of a text file: a tab or a line break inside a cell (a name) must not shift the columns."""
    return "\t".join(" ".join(str(cell).split()) for cell in cells)


def import_record(uai: str, import_id: str, history: ImportHistory) -> ImportRecord:
    """The import's record; ``NotFoundError`` when the establishment has no such import."""
    record = history.get(uai, import_id)
    if record is None:
        raise NotFoundError(f"This establishment has no import {import_id}.")
    return record


def _encode_cursor(record: ImportRecord) -> str:
    raw = json.dumps([record.created_at.isoformat(), record.import_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        created = datetime.fromisoformat(raw[0])
        import_id = str(raw[1])
    except (ValueError, TypeError, IndexError, KeyError, binascii.Error) as exc:
        raise InvalidRequestError(AdminErrorCode.INVALID_CURSOR, "The page cursor is not one this API gave.") from exc
    if created.tzinfo is None:
        raise InvalidRequestError(AdminErrorCode.INVALID_CURSOR, "The page cursor is not one this API gave.")
    return created, import_id
