"""The interfaces the pipeline's steps need from AWS: objects, the import history, establishments, executions.

Adapters implement them over S3, DynamoDB and Step Functions; ``InMemory…`` fakes stand in for them in the
unit tests, and one contract suite runs against both.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Protocol

from msgspec import Struct

from edt_import.domain.auto_import import AutoImportSchedule
from edt_import.domain.directory import PersonKey
from edt_import.domain.errors import ConcurrentUpdateError, StatusMovedOnError
from edt_import.domain.imports import ImportFailure, ImportRecord, ImportStatus, advanced
from edt_import.domain.ports import AppliedStateStore


class BlobStore(Protocol):
    """Objects by key in one bucket, encrypted at rest; a missing key reads as None."""

    def get(self, key: str) -> bytes | None: ...

    def put(self, key: str, data: bytes) -> None: ...

    def delete(self, key: str) -> None: ...

    def keys(self, prefix: str) -> list[str]:
        """Every key under ``prefix``, sorted."""
        ...


class StatusChange(Struct, frozen=True, kw_only=True):
    """Where ``ImportHistory.update_if`` moves an import: its new status, and why it ended when it ended."""

    status: ImportStatus
    error: ImportFailure | None = None


def changed(record: ImportRecord, change: StatusChange | None, *, now: datetime) -> ImportRecord | None:
    """``record`` moved as ``change`` says (what ``update_if`` writes); None for no change."""
    if change is None:
        return None
    return advanced(record, status=change.status, now=now, error=change.error)


class ImportHistory(Protocol):
    def create(self, record: ImportRecord) -> bool:
        """Store a new record; False (and nothing changed) when the import already exists."""
        ...

    def get(self, uai: str, import_id: str) -> ImportRecord | None: ...

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
        """Move the import to ``status``; ``section`` (name, figures) is set into its summary.

        ``expected_status``, when given, must be the status this call reads: a decision taken on an earlier read
        only lands if that read still holds. Nothing is written, and:

        - ``StatusMovedOnError`` carrying the status read, when the import is no longer in ``expected_status`` (it
          moved on: reading again would only find the same);
        - ``ConcurrentUpdateError`` when another writer saved the record between this call's read and its write
          (a race: reading again and deciding again is safe), whatever that write changed;
        - ``LookupError`` for an unknown import."""
        ...

    def update_if(
        self, uai: str, import_id: str, *, now: datetime, change: Callable[[ImportRecord], StatusChange | None]
    ) -> ImportRecord | None:
        """Read the import once and move it as ``change`` decides from that read: None (nothing written) when it
        leaves it as it is, or for an unknown import. The write lands only on the very record ``change`` saw:
        ``ConcurrentUpdateError`` (nothing written) when another writer saved it in between."""
        ...

    def awaiting_upload(self, *, created_before: datetime) -> list[tuple[str, str]]:
        """(UAI, import id) of every import, all establishments together, whose export is not taken in yet (still
        ``uploaded`` or ``validating``) and created at or before ``created_before``, oldest first. Reads only those
        (a sparse index), not the history."""
        ...

    def newest(self, uai: str, *, limit: int, before: tuple[datetime, str] | None = None) -> list[ImportRecord]:
        """Up to ``limit`` imports, newest first (by creation time, then id), older than ``before`` (the
        (created_at, import_id) of the last one a previous page gave). Reads one page, not the whole history."""
        ...

    def queue(self, uai: str) -> list[str]:
        """The ids of the establishment's queued imports, first queued first."""
        ...

    def list(self, uai: str) -> list[ImportRecord]:
        """The establishment's imports, newest first."""
        ...


def update_from(
    history: ImportHistory,
    uai: str,
    import_id: str,
    *,
    expected: ImportStatus,
    status: ImportStatus,
    now: datetime,
    section: tuple[str, Mapping[str, Any]] | None = None,
    error: ImportFailure | None = None,
) -> ImportRecord | None:
    """``history.update``, only while the import is still ``expected``: None (nothing changed) once it moved on, or
    for an unknown import, so that of two writers racing from one status exactly one wins."""
    try:
        return history.update(
            uai, import_id, status=status, now=now, section=section, error=error, expected_status=expected
        )
    except (StatusMovedOnError, ConcurrentUpdateError, LookupError):
        return None


class EstablishmentSettings(Struct, frozen=True, kw_only=True):
    uai: str
    partner: str = "ITSLEARNING"  # the name Index Education registered our key under
    timezone: str = "Europe/Paris"
    school_node_key: str | None = None  # the establishment's node in itslearning; default the UAI


class EstablishmentSnapshot(Struct, frozen=True, kw_only=True):
    """What deciding an establishment's next import needs of it, as one read of it found them."""

    settings: EstablishmentSettings
    auto_import: AutoImportSchedule
    running_import: str | None


class EstablishmentStore(Protocol):
    def settings(self, uai: str) -> EstablishmentSettings:
        """The establishment's settings; defaults for one never configured."""
        ...

    def snapshot(self, uai: str) -> EstablishmentSnapshot:
        """Its settings, automatic-import settings and running import in one read; defaults for one never
        configured. What it says may change at once: the writes that depend on it (``claim_turn``) are conditional."""
        ...

    def save_settings(self, settings: EstablishmentSettings) -> None: ...

    def claim_turn(self, uai: str, import_id: str) -> bool:
        """Make ``import_id`` the establishment's running import, unless another one is running."""
        ...

    def release_turn(self, uai: str, import_id: str) -> None:
        """End ``import_id``'s turn (nothing happens if it does not hold it)."""
        ...

    def running_import(self, uai: str) -> str | None: ...

    def record_state(self, uai: str, *, key: str, saved_at: datetime, figures: Mapping[str, int]) -> None:
        """Index the establishment's applied state: where it lives, when it was saved, what it holds."""
        ...

    def state_index(self, uai: str) -> dict[str, Any] | None: ...

    def auto_import(self, uai: str) -> AutoImportSchedule:
        """The establishment's automatic-import settings; the guide's defaults for one never configured."""
        ...

    def save_auto_import(self, uai: str, schedule: AutoImportSchedule) -> None: ...

    def mark_auto_waiting(self, uai: str, import_id: str) -> None:
        """``import_id`` is the establishment's automatic import waiting for its slot (the scheduler looks)."""
        ...

    def clear_auto_waiting(self, uai: str, import_id: str) -> None:
        """``import_id`` waits no more; nothing happens when a newer one is marked meanwhile."""
        ...

    def auto_waiting(self) -> dict[str, str]:
        """UAI -> the automatic import marked waiting for its slot, for every establishment with one. Reads only
        those (a sparse index), never an establishment with nothing waiting."""
        ...


class PronoteIdStore(Protocol):
    """The IDPN → account mappings of each establishment, as the syncs confirmed them."""

    def load(self, uai: str) -> dict[str, PersonKey]: ...

    def save(self, uai: str, mappings: Mapping[str, PersonKey]) -> None:
        """Add or replace these mappings (others are kept)."""
        ...


class AutoImportQueue(Protocol):
    """The queue whose consumer starts an establishment's waiting automatic import when its slot has come."""

    def send(self, uai: str, *, delay_s: int = 0) -> None:
        """Ask for the establishment's slot to be checked, ``delay_s`` (at most 900) from now."""
        ...


class ExecutionStarter(Protocol):
    def start(self, *, execution_name: str, payload: Mapping[str, Any]) -> None:
        """Start the import state machine, unless an execution of that name exists: names are never reused."""
        ...


class ImportStores(Struct, frozen=True, kw_only=True):
    """Everything the steps that end an import touch."""

    work: BlobStore
    history: ImportHistory
    establishments: EstablishmentStore
    states: AppliedStateStore
    pronote_ids: PronoteIdStore
    starter: ExecutionStarter
