"""An import's life in the history: its status, what each step found, and why it failed.

One record per uploaded export. The statuses are the console's (``uploaded`` … ``done``); each step moves the
record forward and adds its own section to ``summary`` (counts only, never a name or an identifier of a
person). ``queued_at`` orders the imports of one establishment waiting for their turn.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

from msgspec import Struct, field


class ImportStatus(StrEnum):
    UPLOADED = "uploaded"
    VALIDATING = "validating"
    QUEUED = "queued"
    PARSING = "parsing"
    RECONCILING = "reconciling"
    AWAITING_SELECTION = "awaiting_selection"
    PLANNING = "planning"
    HELD = "held"
    SYNCING = "syncing"
    DONE = "done"
    DONE_WITH_ERRORS = "done_with_errors"
    FAILED = "failed"
    SUPERSEDED = "superseded"
    EXPIRED = "expired"  # its export never arrived before the upload deadline (``upload_expiry.py``)

    @property
    def label_fr(self) -> str:
        return _LABELS_FR[self]


_LABELS_FR = {
    ImportStatus.UPLOADED: "Déposé",
    ImportStatus.VALIDATING: "Vérification",
    ImportStatus.QUEUED: "En attente",
    ImportStatus.PARSING: "Lecture",
    ImportStatus.RECONCILING: "Rapprochement des comptes",
    ImportStatus.AWAITING_SELECTION: "En attente de sélection",
    ImportStatus.PLANNING: "Préparation",
    ImportStatus.HELD: "Bloqué (suppressions à valider)",
    ImportStatus.SYNCING: "Synchronisation",
    ImportStatus.DONE: "Fait",
    ImportStatus.DONE_WITH_ERRORS: "Fait avec erreurs",
    ImportStatus.FAILED: "Échec",
    ImportStatus.SUPERSEDED: "Remplacé",
    ImportStatus.EXPIRED: "Expiré (fichier non reçu)",
}

# Outcomes: the import is over. A held import waits for an administrator, but no longer holds its
# establishment's turn either: the next queued one may start.
OUTCOMES = frozenset(
    {
        ImportStatus.DONE,
        ImportStatus.DONE_WITH_ERRORS,
        ImportStatus.FAILED,
        ImportStatus.SUPERSEDED,
        ImportStatus.EXPIRED,
    }
)
# The outcomes that say why in ``error`` (a stable code and a sentence).
WITH_ERROR = frozenset({ImportStatus.FAILED, ImportStatus.EXPIRED})
FINISHED = OUTCOMES | {ImportStatus.HELD}
# Before these an import has not started: uploaded, being validated, or waiting in its establishment's queue.
NOT_STARTED = frozenset({ImportStatus.UPLOADED, ImportStatus.VALIDATING, ImportStatus.QUEUED})


class ImportKind(StrEnum):
    MANUAL = "manual"
    AUTOMATIC = "automatic"


class ImportFailure(Struct, frozen=True, kw_only=True):
    """Why an import failed: the stable error code and the administrator's sentence."""

    code: str
    message: str


class ImportRecord(Struct, frozen=True, kw_only=True):
    uai: str
    import_id: str
    kind: ImportKind
    status: ImportStatus
    created_at: datetime  # aware UTC
    updated_at: datetime
    upload_key: str = ""  # the uploaded object, in the uploads bucket
    queued_at: datetime | None = None
    started_at: datetime | None = None  # when its execution took the establishment's turn (the limits count it)
    finished_at: datetime | None = None
    attempt: int = 1  # a re-run of a failed import is the next attempt of the same record
    error: ImportFailure | None = None
    summary: dict[str, Any] = field(default_factory=dict)  # one section per step: counts and codes only

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


def new_import(*, uai: str, import_id: str, kind: ImportKind, now: datetime, upload_key: str) -> ImportRecord:
    """The record of an import whose export is (or is about to be) uploaded at ``upload_key``."""
    return ImportRecord(
        uai=uai,
        import_id=import_id,
        kind=kind,
        status=ImportStatus.UPLOADED,
        created_at=now,
        updated_at=now,
        upload_key=upload_key,
    )


def queue_positions(records: list[ImportRecord]) -> dict[str, int]:
    """1-based positions of the queued imports of one establishment, in the order they were queued."""
    waiting = sorted(
        (r for r in records if r.status is ImportStatus.QUEUED and r.queued_at is not None),
        key=lambda r: (r.queued_at, r.import_id),
    )
    return {record.import_id: position for position, record in enumerate(waiting, start=1)}


def advanced(
    record: ImportRecord,
    *,
    status: ImportStatus,
    now: datetime,
    section: tuple[str, Mapping[str, Any]] | None = None,
    error: ImportFailure | None = None,
    attempt: int | None = None,
) -> ImportRecord:
    """The record after a step's update: the new status, its timestamps, and the step's summary section."""
    summary = dict(record.summary)
    if section is not None:
        summary[section[0]] = dict(section[1])
    entering_queue = status is ImportStatus.QUEUED and record.status is not ImportStatus.QUEUED
    starting = record.status is ImportStatus.QUEUED and status not in NOT_STARTED | OUTCOMES
    # The same status again only adds a section (an administrator's answer to a finished import): the import
    # keeps when it finished and why it failed.
    same = status is record.status
    finished_at = (record.finished_at if same and record.finished_at else now) if status in OUTCOMES else None
    kept_error = error if error is not None else (record.error if same else None)
    return ImportRecord(
        uai=record.uai,
        import_id=record.import_id,
        kind=record.kind,
        status=status,
        created_at=record.created_at,
        updated_at=now,
        upload_key=record.upload_key,
        queued_at=now if entering_queue else record.queued_at,
        started_at=now if starting else record.started_at,
        finished_at=finished_at,
        attempt=attempt if attempt is not None else record.attempt,
        error=kept_error if status in WITH_ERROR else None,
        summary=summary,
    )
