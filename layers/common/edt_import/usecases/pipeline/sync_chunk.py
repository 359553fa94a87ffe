"""The sync step: send the year node, or one chunk of the plan, to itslearning and keep what it confirmed.

Each run writes its chunk's result (the keys itslearning confirmed, the counts) to the working bucket; the
finalize step folds the results into the applied state. When itslearning stays unavailable the result is
written first and ``LmsUnavailableError`` is raised, so the state machine's Retry runs the chunk again,
and the retry sends only what is not yet confirmed. Chunks are independent (whole courses), so they may
run in parallel.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from edt_import.domain.applied_state import AppliedState
from edt_import.domain.directory import DirectoryPerson
from edt_import.domain.errors import ErrorCode, LmsProtocolError, LmsUnavailableError
from edt_import.domain.import_ports import BlobStore, ImportHistory
from edt_import.domain.imports import ImportStatus
from edt_import.domain.plan import CourseSpec, EventSpec, MemberSpec, Plan, YearNode
from edt_import.domain.ports import ItemResult, LmsGateway
from edt_import.usecases.apply_plan import apply_plan
from edt_import.usecases.pipeline.codecs import decode_actions, decode_year_node, encode_document
from edt_import.usecases.pipeline.steps import ImportRef, enter, read_document, required
from edt_import.usecases.pipeline.work_keys import chunk_key, plan_key, result_key


class ConfirmedKeys:
    """An ``LmsGateway`` that remembers the key of every item itslearning confirmed."""

    def __init__(self, gateway: LmsGateway) -> None:
        self._gateway = gateway
        self.keys: set[str] = set()

    def _kept(self, results: list[ItemResult]) -> list[ItemResult]:
        self.keys.update(result.key for result in results if result.ok)
        return results

    def read_persons(self, school_key: str) -> Iterator[DirectoryPerson]:
        return self._gateway.read_persons(school_key)

    def upsert_year_node(self, node: YearNode) -> ItemResult:
        return self._kept([self._gateway.upsert_year_node(node)])[0]

    def upsert_courses(self, courses: Sequence[CourseSpec]) -> list[ItemResult]:
        return self._kept(self._gateway.upsert_courses(courses))

    def delete_courses(self, courses: Sequence[CourseSpec]) -> list[ItemResult]:
        return self._kept(self._gateway.delete_courses(courses))

    def add_members(self, members: Sequence[MemberSpec]) -> list[ItemResult]:
        return self._kept(self._gateway.add_members(members))

    def remove_members(self, members: Sequence[MemberSpec]) -> list[ItemResult]:
        return self._kept(self._gateway.remove_members(members))

    def create_events(self, events: Sequence[EventSpec]) -> list[ItemResult]:
        return self._kept(self._gateway.create_events(events))

    def update_events(self, events: Sequence[EventSpec]) -> list[ItemResult]:
        return self._kept(self._gateway.update_events(events))

    def delete_events(self, events: Sequence[EventSpec]) -> list[ItemResult]:
        return self._kept(self._gateway.delete_events(events))


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
    result = lms.upsert_year_node(node)  # LmsUnavailableError: the state machine retries this step
    work.put(result_key(ref.uai, ref.import_id, None), encode_document({"ok": result.ok, "reason": result.reason}))
    return {"year_node_ok": result.ok}


def sync_chunk(ref: ImportRef, chunk: int, *, work: BlobStore, lms: LmsGateway, batch_size: int) -> dict[str, Any]:
    """Apply one chunk; returns its counts. Raise ``LmsUnavailableError`` (after saving) to be retried."""
    actions = decode_actions(required(work, chunk_key(ref.uai, ref.import_id, chunk), "plan chunk"))
    node, _ = year_node_of(ref, work)
    key = result_key(ref.uai, ref.import_id, chunk)
    earlier = work.get(key)
    confirmed: set[str] = set(read_document(work, key, "chunk result")["confirmed"]) if earlier is not None else set()
    pending = tuple(a for a in actions if a.key not in confirmed)
    gateway = ConfirmedKeys(lms)
    # The year node is created before any chunk runs: a state that already holds it makes the engine skip it.
    report = apply_plan(
        Plan(uai=ref.uai, year_node=node, actions=pending),
        AppliedState(uai=ref.uai, year_node=node),
        gateway,
        batch_size=batch_size,
    )
    confirmed |= gateway.keys
    result = {
        "confirmed": sorted(confirmed),
        "actions": len(actions),
        "failed": report.failed,
        "skipped": report.skipped,
        "report": report.as_dict(),
    }
    work.put(key, encode_document(result))
    _raise_if_stopped(report.stopped)
    return {"chunk": chunk, "succeeded": len(confirmed), "failed": report.failed, "skipped": report.skipped}


def _raise_if_stopped(stopped: ErrorCode | None) -> None:
    if stopped is ErrorCode.LMS_UNAVAILABLE:
        raise LmsUnavailableError("itslearning stayed unavailable during the sync; the chunk will be sent again.")
    if stopped is ErrorCode.LMS_PROTOCOL_ERROR:
        raise LmsProtocolError("itslearning answered the sync with something that could not be read.")
