"""The plan step: diff the export against the applied state and cut the actions into independent chunks.

A chunk holds whole courses (``split_plan``), so chunks can be sent in parallel. A held plan (the deletion
guard) stops here: nothing is written for the sync.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from msgspec import Struct, structs

from edt_import.domain.hold_approval import approval_code, deleted_courses, released
from edt_import.domain.import_ports import BlobStore, EstablishmentStore, ImportHistory
from edt_import.domain.imports import ImportKind, ImportStatus
from edt_import.domain.plan import Plan
from edt_import.domain.planning import PlanSettings, plan_import
from edt_import.domain.ports import AppliedStateStore
from edt_import.domain.rekeying import rekeyed
from edt_import.domain.wizard_ports import RekeyStore
from edt_import.usecases.pipeline.auto_imports import automatic_selection, new_since_section
from edt_import.usecases.pipeline.codecs import (
    decode_directory,
    encode_actions,
    encode_document,
    encode_year_node,
)
from edt_import.usecases.pipeline.selection_steps import launched_selection
from edt_import.usecases.pipeline.steps import ImportRef, enter, import_date, open_timetable, required
from edt_import.usecases.pipeline.work_keys import (
    chunk_key,
    chunks_prefix,
    directory_key,
    plan_key,
    results_prefix,
    skipped_lessons_report_key,
)
from edt_import.usecases.skipped_lesson_rows import skipped_lessons_report
from edt_import.usecases.sync_chunks import split_plan

MAX_DELETED_COURSES_SHOWN = 500  # the history item stays small; the count says how many there are


class PlanOutcome(Struct, frozen=True, kw_only=True):
    held: bool
    chunks: tuple[int, ...]
    year_node_changed: bool
    actions: int

    def payload(self) -> dict[str, Any]:
        return {
            "held": self.held,
            "chunks": list(self.chunks),
            "year_node_changed": self.year_node_changed,
            "actions": self.actions,
        }


def plan_step(
    ref: ImportRef,
    *,
    now: datetime,
    work: BlobStore,
    history: ImportHistory,
    establishments: EstablishmentStore,
    states: AppliedStateStore,
    rekeys: RekeyStore,
    chunk_actions: int,
) -> PlanOutcome:
    record = enter(ref, ImportStatus.PLANNING, history=history, now=now)
    timetable = open_timetable(ref, work).timetable
    directory = decode_directory(required(work, directory_key(ref.uai, ref.import_id), "directory snapshot"))
    settings = establishments.settings(ref.uai)
    previous = states.load(ref.uai)
    confirmed = rekeys.load(ref.uai)
    if previous is not None and confirmed:  # the administrator confirmed re-keyings: the plan starts from them
        previous = structs.replace(previous, pronote_ids=rekeyed(previous.pronote_ids, confirmed))
    today = import_date(record, settings.timezone)
    result = plan_import(
        timetable,
        directory,
        previous=previous,
        selection=(
            automatic_selection(record, previous)
            if record.kind is ImportKind.AUTOMATIC
            else launched_selection(ref, work)
        ),
        settings=PlanSettings(today=today, timezone=settings.timezone, school_node_key=settings.school_node_key),
    )
    # An administrator approved exactly these deletions (``approve``): the same code, the same deletions.
    plan, report = released(result.plan, _approval(record.summary)), result.report
    figures: dict[str, Any] = {
        "import_date": today.isoformat(),
        "courses": len(report.courses),
        "actions": report.actions,
        "skipped_counts": {reason.value: count for reason, count in report.skipped_counts.items()},
    }
    # The list itself goes to the reports (the record keeps the counts): a held plan's too, read before approving.
    work.put(
        skipped_lessons_report_key(ref.uai, ref.import_id),
        encode_document(skipped_lessons_report(report.skipped_lessons)),
    )
    if record.kind is ImportKind.AUTOMATIC:  # the allow-list left these out until the next manual import
        figures["new_since"] = new_since_section(report.new)
    if plan.hold is not None:
        figures["hold"] = _hold_section(plan, report.guard_figures)
        history.update(ref.uai, ref.import_id, status=ImportStatus.HELD, now=now, section=("plan", figures))
        return PlanOutcome(held=True, chunks=(), year_node_changed=False, actions=len(plan.actions))
    _clear(work, ref)  # a re-run plans afresh against what earlier attempts applied
    chunks = split_plan(plan, max_actions=chunk_actions)
    for index, chunk in enumerate(chunks):
        work.put(chunk_key(ref.uai, ref.import_id, index), encode_actions(chunk.actions))
    year_node_changed = previous is None or previous.year_node != plan.year_node
    meta = {
        "year_node": encode_year_node(plan.year_node),
        "year_node_changed": year_node_changed,
        "chunks": len(chunks),
        "pronote_ids": dict(plan.pronote_ids),
        "planned": report.actions,
        # What the automatic imports after this one re-apply; finalize keeps it in the applied state.
        "selection": plan.selection.to_dict() if plan.selection is not None else None,
        "planned_on": today.isoformat(),  # with the fingerprints, for finalize to settle the state
        "fingerprints": plan.fingerprints,
    }
    work.put(plan_key(ref.uai, ref.import_id), encode_document(meta))
    figures["chunks"] = len(chunks)
    history.update(ref.uai, ref.import_id, status=ImportStatus.PLANNING, now=now, section=("plan", figures))
    return PlanOutcome(
        held=False, chunks=tuple(range(len(chunks))), year_node_changed=year_node_changed, actions=len(plan.actions)
    )


def _approval(summary: dict[str, Any]) -> str:
    approval = summary.get("approval")
    return str(approval.get("code", "")) if isinstance(approval, dict) else ""


def _hold_section(plan: Plan, guard_figures: dict[str, int]) -> dict[str, Any]:
    """What the administrator reads before approving: reasons, figures, the courses that would go, the code."""
    courses = deleted_courses(plan)
    return {
        "reasons": list(plan.hold.reasons) if plan.hold is not None else [],
        "figures": guard_figures,
        "approval": approval_code(plan),
        "deleted_courses": courses[:MAX_DELETED_COURSES_SHOWN],
        "deleted_courses_count": len(courses),
    }


def _clear(work: BlobStore, ref: ImportRef) -> None:
    for prefix in (chunks_prefix(ref.uai, ref.import_id), results_prefix(ref.uai, ref.import_id)):
        for key in work.keys(prefix):
            work.delete(key)
