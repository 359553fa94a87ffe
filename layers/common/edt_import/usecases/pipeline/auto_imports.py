"""Automatic imports through SQS under the establishment's limits (``domain/auto_import.py``).

- The upload step admits an automatic export (or refuses it: no completed manual import yet, switched off),
  validates it, then ``wait_for_slot``: older waiting exports are superseded, the establishment is marked as
  having one waiting, and if its slot has come a message goes to the queue at once.
- Every quarter of an hour the scheduler (``enqueue_due``) sends one message per marked establishment whose
  slot comes before its next run, delayed to the slot (SQS delays reach 15 minutes, slots are hours apart).
- The queue's consumer starts the establishment's next import (``turns.start_next_import``), which checks the
  slot again: a message early, late or twice starts nothing it should not.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from msgspec import Struct

from edt_import.domain.applied_state import AppliedState
from edt_import.domain.auto_import import (
    AutoImportRefusal,
    automatic_refusal,
    automatic_starts,
    newest_waiting,
    next_slot,
    superseded,
)
from edt_import.domain.errors import ErrorCode, rejected
from edt_import.domain.import_ports import (
    AutoImportQueue,
    BlobStore,
    EstablishmentSnapshot,
    EstablishmentStore,
    ImportHistory,
)
from edt_import.domain.imports import ImportFailure, ImportKind, ImportRecord, ImportStatus
from edt_import.domain.selection import NewSince, StoredSelection
from edt_import.usecases.pipeline.work_keys import timetable_key

MAX_DELAY_S = 900


def refusal_of_automatic(
    uai: str, *, history: ImportHistory, establishments: EstablishmentStore
) -> AutoImportRefusal | None:
    """Why an automatic import of ``uai`` would be refused now (None: accepted)."""
    return automatic_refusal(history.list(uai), establishments.auto_import(uai))


class Waiting(Struct, frozen=True, kw_only=True):
    import_id: str  # the automatic export the next slot imports
    slot: datetime  # when that slot comes, as things stand
    superseded: tuple[str, ...]  # the exports it replaced


def slot_of(establishment: EstablishmentSnapshot, records: list[ImportRecord], *, now: datetime) -> datetime:
    starts = automatic_starts(records)
    running = establishment.running_import
    if any(r.import_id == running and r.kind is ImportKind.AUTOMATIC and r.started_at is None for r in records):
        starts.append(now)  # given the turn, its execution about to record its start: it counts from now
    return next_slot(establishment.auto_import, timezone=establishment.settings.timezone, started=starts, now=now)


def wait_for_slot(
    uai: str,
    *,
    now: datetime,
    work: BlobStore,
    history: ImportHistory,
    establishments: EstablishmentStore,
    queue: AutoImportQueue,
) -> Waiting | None:
    """A validated automatic export joined the queue: keep only the newest waiting one, and ask for it to start
    at once if its slot has come (the scheduler asks later otherwise)."""
    records = history.list(uai)
    newest = newest_waiting(records)
    if newest is None:
        return None
    establishment = establishments.snapshot(uai)
    running = establishment.running_import  # given its turn a moment ago: its execution is starting
    replaced = tuple(
        supersede(old, by=newest.import_id, now=now, work=work, history=history)
        for old in superseded(records)
        if old.import_id != running
    )
    establishments.mark_auto_waiting(uai, newest.import_id)
    slot = slot_of(establishment, records, now=now)
    history.update(
        uai, newest.import_id, status=ImportStatus.QUEUED, now=now, section=("slot", {"not_before": slot.isoformat()})
    )
    if slot <= now:
        queue.send(uai)
    return Waiting(import_id=newest.import_id, slot=slot, superseded=replaced)


def supersede(record: ImportRecord, *, by: str, now: datetime, work: BlobStore, history: ImportHistory) -> str:
    """A newer automatic export replaces this waiting one: it ends ``superseded`` and its plaintext goes."""
    history.update(
        record.uai, record.import_id, status=ImportStatus.SUPERSEDED, now=now, section=("superseded", {"by": by})
    )
    work.delete(timetable_key(record.uai, record.import_id))
    return record.import_id


class TickOutcome(Struct, frozen=True, kw_only=True):
    sent: dict[str, int]  # UAI -> the delay its message was sent with (seconds)
    refused: tuple[str, ...]  # waiting imports ended because automatic imports were switched off


def enqueue_due(
    *,
    now: datetime,
    lookahead_s: int,
    work: BlobStore,
    history: ImportHistory,
    establishments: EstablishmentStore,
    queue: AutoImportQueue,
) -> TickOutcome:
    """The scheduler's run: a message, delayed to the slot, for each establishment whose waiting automatic
    import's slot comes within ``lookahead_s`` (the time to the scheduler's next run, at most 900 s)."""
    sent: dict[str, int] = {}
    refused: list[str] = []
    for uai, marked in sorted(establishments.auto_waiting().items()):
        records = history.list(uai)
        waiting = newest_waiting(records)
        if waiting is None:  # started or ended meanwhile
            establishments.clear_auto_waiting(uai, marked)
            continue
        establishment = establishments.snapshot(uai)
        if not establishment.auto_import.enabled:
            refused.append(_refuse_switched_off(waiting, now=now, work=work, history=history))
            establishments.clear_auto_waiting(uai, marked)
            continue
        slot = slot_of(establishment, records, now=now)
        if slot <= now + timedelta(seconds=lookahead_s):
            delay = min(MAX_DELAY_S, max(0, math.ceil((slot - now).total_seconds())))
            queue.send(uai, delay_s=delay)
            sent[uai] = delay
    return TickOutcome(sent=sent, refused=tuple(refused))


def _refuse_switched_off(record: ImportRecord, *, now: datetime, work: BlobStore, history: ImportHistory) -> str:
    failure = ImportFailure(
        code=ErrorCode.AUTO_IMPORT_DISABLED.value,
        message="Automatic imports were switched off for this establishment while this export waited.",
    )
    history.update(record.uai, record.import_id, status=ImportStatus.FAILED, now=now, error=failure)
    work.delete(timetable_key(record.uai, record.import_id))
    return record.import_id


# --- what an automatic import imports ----------------------------------------------------------------------------
MAX_NEW_LISTED = 200  # the history item stays small; the counts say how many there are


def automatic_selection(record: ImportRecord, previous: AppliedState | None) -> StoredSelection | None:
    """The allow-list an automatic import re-applies: the selection of the last manual import, which the applied
    state keeps (automatic imports keep it unchanged). None for a manual import."""
    if record.kind is not ImportKind.AUTOMATIC:
        return None
    if previous is None or previous.selection is None:
        raise rejected(
            ErrorCode.NO_MANUAL_IMPORT_YET,
            "This establishment has no selection from a completed manual import for the automatic import to apply.",
        )
    return previous.selection


def new_since_section(new: NewSince) -> dict[str, Any]:
    """What the export has that the last manual import did not show: reported in the import, not imported."""
    lists: dict[str, list[Any]] = {
        "subjects": list(new.subjects),
        "classes": list(new.classes),
        "groups": list(new.groups),
        "courses": [{"key": key, "title": title} for key, title in new.courses],
    }
    return {
        "counts": {name: len(values) for name, values in lists.items()},
        **{name: values[:MAX_NEW_LISTED] for name, values in lists.items()},
    }
