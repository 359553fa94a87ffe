"""The sync step: send the year node, or one chunk of the plan, to itslearning; keep what it confirmed.

Each run saves what itslearning confirmed of its chunk in the working bucket, after every batch; the finalize
step folds every chunk's confirmations into the applied state (``finalize_sync``). When itslearning stays
unavailable, the progress is saved and ``LmsUnavailableError`` raised, so the state machine's Retry runs the
chunk again, and the retry sends only what is not yet confirmed. The year node is created first, on its own,
so the chunks running side by side never send it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from edt_import.domain.applied_state import AppliedState
from edt_import.domain.errors import ErrorCode, LmsProtocolError, LmsUnavailableError
from edt_import.domain.import_ports import BlobStore, ImportHistory
from edt_import.domain.imports import ImportStatus
from edt_import.domain.plan import Plan, YearNode
from edt_import.domain.ports import LmsGateway
from edt_import.usecases.apply_plan import SyncReport
from edt_import.usecases.pipeline.codecs import decode_actions, decode_document, decode_year_node, encode_document
from edt_import.usecases.pipeline.steps import ImportRef, enter, read_document, required
from edt_import.usecases.pipeline.work_keys import chunk_key, plan_key, result_key
from edt_import.usecases.sync_chunks import Confirmed, apply_chunk


def year_node_of(ref: ImportRef, work: BlobStore) -> tuple[YearNode, bool]:
    meta = read_document(work, plan_key(ref.uai, ref.import_id), "plan")
    return decode_year_node(meta["year_node"]), bool(meta["year_node_changed"])


def sync_year_node(
    ref: ImportRef, *, now: datetime, work: BlobStore, history: ImportHistory, lms: LmsGateway
) -> dict[str, Any]:
    """Create the year node every course hangs under; the chunks follow only if it exists."""
    enter(ref, ImportStatus.SYNCING, history=history, now=now)
    node, changed = year_node_of(ref, work)
    if not changed:
        return {"year_node_ok": True}
    outcome = apply_chunk(Plan(uai=ref.uai, year_node=node, actions=()), AppliedState(uai=ref.uai), lms=lms)
    _save(work, result_key(ref.uai, ref.import_id, None), outcome.confirmed, outcome.report)
    _raise_if_stopped(outcome.report.stopped)
    return {"year_node_ok": outcome.confirmed.year_node}


def sync_chunk(ref: ImportRef, chunk: int, *, work: BlobStore, lms: LmsGateway, batch_size: int) -> dict[str, Any]:
    """Apply one chunk; returns its counts. Raise ``LmsUnavailableError`` (after saving) to be retried."""
    actions = decode_actions(required(work, chunk_key(ref.uai, ref.import_id, chunk), "plan chunk"))
    node, _ = year_node_of(ref, work)
    key = result_key(ref.uai, ref.import_id, chunk)
    earlier = work.get(key)
    before = Confirmed.from_dict(decode_document(earlier, "chunk result")["confirmed"]) if earlier else Confirmed()
    outcome = apply_chunk(
        Plan(uai=ref.uai, year_node=node, actions=tuple(actions)),
        AppliedState(uai=ref.uai, year_node=node),  # the year node step created it
        lms=lms,
        batch_size=batch_size,
        confirmed_before=before,
        progress=lambda confirmed: _save(work, key, confirmed, None),  # a killed run resumes from here
    )
    _save(work, key, outcome.confirmed, outcome.report)
    _raise_if_stopped(outcome.report.stopped)
    report = outcome.report
    return {
        "chunk": chunk,
        "succeeded": len(outcome.confirmed.actions),
        "failed": report.failed,
        "skipped": report.skipped,
    }


def _save(work: BlobStore, key: str, confirmed: Confirmed, report: SyncReport | None) -> None:
    document = {"confirmed": confirmed.as_dict(), "report": report.as_dict() if report is not None else None}
    work.put(key, encode_document(document))


def _raise_if_stopped(stopped: ErrorCode | None) -> None:
    if stopped is ErrorCode.LMS_UNAVAILABLE:
        raise LmsUnavailableError("itslearning stayed unavailable during the sync; the chunk will be sent again.")
    if stopped is ErrorCode.LMS_PROTOCOL_ERROR:
        raise LmsProtocolError("itslearning answered the sync with something that could not be read.")
