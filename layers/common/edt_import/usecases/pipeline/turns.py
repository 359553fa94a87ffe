"""One import per establishment at a time: the others wait in the order they were queued.

The establishment's turn is a conditional write (``claim_turn``), so two uploads arriving together cannot
both start. Whoever ends an import (finalize, the failure step) releases the turn and starts the next.
"""

from __future__ import annotations

from datetime import datetime

from edt_import.domain.import_ports import EstablishmentStore, ExecutionStarter, ImportHistory
from edt_import.domain.imports import ImportRecord, ImportStatus, queue_positions


def execution_name(record: ImportRecord) -> str:
    """The import id; a re-run of a failed import is its next attempt, under a name of its own."""
    return record.import_id if record.attempt == 1 else f"{record.import_id}-attempt{record.attempt}"


def execution_input(record: ImportRecord) -> dict[str, object]:
    return {"uai": record.uai, "import_id": record.import_id, "attempt": record.attempt}


def start_next_import(
    uai: str, *, history: ImportHistory, establishments: EstablishmentStore, starter: ExecutionStarter
) -> str | None:
    """Start the establishment's oldest queued import if its turn is free; the id of the import now running."""
    running = establishments.running_import(uai)
    if running is not None:
        return running
    records = history.list(uai)
    positions = queue_positions(records)
    if not positions:
        return None
    first_id = min(positions, key=positions.__getitem__)
    first = next(r for r in records if r.import_id == first_id)
    if not establishments.claim_turn(uai, first.import_id):
        return establishments.running_import(uai)
    starter.start(execution_name=execution_name(first), payload=execution_input(first))
    return first.import_id


def end_turn(
    record: ImportRecord, *, history: ImportHistory, establishments: EstablishmentStore, starter: ExecutionStarter
) -> str | None:
    """The import is over (or held): free the establishment and start the next queued import."""
    establishments.release_turn(record.uai, record.import_id)
    return start_next_import(record.uai, history=history, establishments=establishments, starter=starter)


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
    start_next_import(uai, history=history, establishments=establishments, starter=starter)
    return queued
