"""An administrator's answers to what an import reported: approve a held plan, confirm Pronote re-keyings.

Approving a held import queues it again as its next attempt, with the approval code it showed: its plan step
goes on only if the plan's deletions still give that code (the same export against the same state), else it is
held again with the new figures. Confirming re-keyings stores them for the establishment: every later run (and
this import's plan, if it has not planned yet) knows the people by their new Pronote ids.
"""

from __future__ import annotations

from datetime import datetime

from edt_import.domain.errors import StatusMovedOnError
from edt_import.domain.import_ports import BlobStore, EstablishmentStore, ExecutionStarter, ImportHistory
from edt_import.domain.imports import ImportRecord, ImportStatus
from edt_import.domain.rekeying import Rekey
from edt_import.domain.wizard_ports import RekeyStore
from edt_import.usecases.admin.conflicts import retried_once_on_conflict
from edt_import.usecases.admin.errors import ConflictError
from edt_import.usecases.admin.imports import import_record
from edt_import.usecases.pipeline.codecs import decode_document
from edt_import.usecases.pipeline.turns import start_next_import
from edt_import.usecases.pipeline.work_keys import rekeys_report_key

NOT_HELD = "import_not_held"
APPROVAL_MISMATCH = "approval_mismatch"
NO_REKEY = "no_rekey_to_confirm"


def approve_import(
    uai: str,
    import_id: str,
    *,
    code: str | None,
    now: datetime,
    history: ImportHistory,
    establishments: EstablishmentStore,
    starter: ExecutionStarter,
) -> ImportRecord:
    """Release a held import: queued again (its next attempt), carrying the approval of what it showed."""
    queued = retried_once_on_conflict(lambda: _queue_approved(uai, import_id, code=code, now=now, history=history))
    start_next_import(uai, now=now, history=history, establishments=establishments, starter=starter)
    return queued


def _queue_approved(
    uai: str, import_id: str, *, code: str | None, now: datetime, history: ImportHistory
) -> ImportRecord:
    record = import_record(uai, import_id, history)
    hold = record.summary.get("plan", {}).get("hold") if record.status is ImportStatus.HELD else None
    if not isinstance(hold, dict) or not hold.get("approval"):
        raise _not_held()
    approval = str(hold["approval"])
    if code is not None and code.strip().lower() != approval:
        raise ConflictError(
            "This approval code is not the one the import shows; read the hold again.", APPROVAL_MISMATCH
        )
    section = ("approval", {"code": approval, "approved_at": now.isoformat()})
    try:
        return history.update(
            uai,
            import_id,
            status=ImportStatus.QUEUED,
            now=now,
            section=section,
            attempt=record.attempt + 1,
            expected_status=ImportStatus.HELD,
        )
    except StatusMovedOnError:  # it moved on since the read (approved, superseded): not held any more
        raise _not_held() from None


def _not_held() -> ConflictError:
    return ConflictError("This import is not held by the deletion guard.", NOT_HELD)


def confirm_rekeys(
    uai: str, import_id: str, *, now: datetime, history: ImportHistory, work: BlobStore, rekeys: RekeyStore
) -> tuple[Rekey, ...]:
    """Confirm every Pronote re-keying the import reported (noted in its history); the re-keyings confirmed."""
    import_record(uai, import_id, history)
    data = work.get(rekeys_report_key(uai, import_id))
    found = tuple(Rekey.from_row(row) for row in decode_document(data, "re-keyings")["rekeys"]) if data else ()
    if not found:
        raise ConflictError("This import reported no change of Pronote identifiers to confirm.", NO_REKEY)
    rekeys.add(uai, found)  # a repeated confirmation is not added twice
    section = ("rekey", {"confirmed": len(found), "confirmed_at": now.isoformat()})
    retried_once_on_conflict(lambda: _note_in_history(uai, import_id, section, now=now, history=history))
    return found


def _note_in_history(
    uai: str, import_id: str, section: tuple[str, dict[str, object]], *, now: datetime, history: ImportHistory
) -> ImportRecord:
    """Add ``section`` to the import's summary, its status as it is now: a step may have moved it on since the
    read, and then the refusal says to which status, so the note is written once more under it, not read again."""
    status = import_record(uai, import_id, history).status
    try:
        return history.update(uai, import_id, status=status, now=now, section=section, expected_status=status)
    except StatusMovedOnError as moved:
        return history.update(uai, import_id, status=moved.found, now=now, section=section, expected_status=moved.found)
