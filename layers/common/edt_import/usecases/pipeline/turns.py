"""One import per establishment at a time: the others wait in the order they were queued.

The establishment's turn is a conditional write (``claim_turn``), so two uploads arriving together cannot
both start. Whoever ends an import (finalize, the failure step) releases the turn and starts the next.
An automatic export waiting for its slot (``domain/auto_import.py``) is in line only once its slot has come.
"""

from __future__ import annotations

from datetime import datetime

from edt_import.domain.auto_import import is_waiting_automatic, newest_waiting
from edt_import.domain.import_ports import (
    EstablishmentSnapshot,
    EstablishmentStore,
    ExecutionStarter,
    ImportHistory,
)
from edt_import.domain.imports import ImportKind, ImportRecord, ImportStatus, queue_positions
from edt_import.usecases.pipeline.auto_imports import slot_of


def execution_name(record: ImportRecord) -> str:
    """The import id; a re-run of a failed import is its next attempt, under a name of its own."""
    return record.import_id if record.attempt == 1 else f"{record.import_id}-attempt{record.attempt}"


def execution_input(record: ImportRecord) -> dict[str, object]:
    return {"uai": record.uai, "import_id": record.import_id, "attempt": record.attempt}


def start_next_import(
    uai: str, *, now: datetime, history: ImportHistory, establishments: EstablishmentStore, starter: ExecutionStarter
) -> str | None:
    """Start the establishment's next import if its turn is free; the id of the import now running.

    Next: the first queued, where a waiting automatic export counts only once its slot has come.
    """
    establishment = establishments.snapshot(uai)
    if establishment.running_import is not None:
        return establishment.running_import
    first = next_in_line(history.list(uai), now=now, establishment=establishment)
    if first is None:
        return None
    if not establishments.claim_turn(uai, first.import_id):
        return establishments.running_import(uai)
    current = history.get(uai, first.import_id)
    if current is None or current.status is not ImportStatus.QUEUED:  # superseded meanwhile by a newer export
        establishments.release_turn(uai, first.import_id)
        return start_next_import(uai, now=now, history=history, establishments=establishments, starter=starter)
    starter.start(execution_name=execution_name(first), payload=execution_input(first))
    if first.kind is ImportKind.AUTOMATIC:
        establishments.clear_auto_waiting(uai, first.import_id)
    return first.import_id


def next_in_line(
    records: list[ImportRecord], *, now: datetime, establishment: EstablishmentSnapshot
) -> ImportRecord | None:
    positions = queue_positions(records)
    in_line = [r for r in records if r.import_id in positions and not is_waiting_automatic(r)]
    waiting = newest_waiting(records)
    if waiting is not None and slot_has_come(establishment, records, now=now):
        in_line.append(waiting)
    return min(in_line, key=lambda r: positions[r.import_id], default=None)


def slot_has_come(establishment: EstablishmentSnapshot, records: list[ImportRecord], *, now: datetime) -> bool:
    return establishment.auto_import.enabled and slot_of(establishment, records, now=now) <= now


def end_turn(
    record: ImportRecord,
    *,
    now: datetime,
    history: ImportHistory,
    establishments: EstablishmentStore,
    starter: ExecutionStarter,
) -> str | None:
    """The import is over (or held): free the establishment and start the next queued import."""
    establishments.release_turn(record.uai, record.import_id)
    return start_next_import(record.uai, now=now, history=history, establishments=establishments, starter=starter)


def rerun_import(
    uai: str,
    import_id: str,
    *,
    now: datetime,
    history: ImportHistory,
    establishments: EstablishmentStore,
    starter: ExecutionStarter,
) -> ImportRecord:
    """Queue a failed import again as its next attempt; it resumes from what the failed run applied."""
    record = history.get(uai, import_id)
    if record is None or record.status is not ImportStatus.FAILED:
        raise ValueError("only a failed import can be run again")
    queued = history.update(uai, import_id, status=ImportStatus.QUEUED, now=now, attempt=record.attempt + 1)
    start_next_import(uai, now=now, history=history, establishments=establishments, starter=starter)
    return queued
