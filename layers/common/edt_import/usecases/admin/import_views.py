"""What the admin API shows of an import: the history line and the detailed summary, built from the record.

Each pipeline step leaves a section in the record's summary (``validation``, ``reconciliation``, ``plan``,
``sync``); a section not written yet reads as null. Counts and codes only: no person is named here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from edt_import.domain.imports import ImportKind, ImportRecord, ImportStatus


class View(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ActionCounts(View):
    succeeded: int = 0
    failed: int = 0
    skipped: int = Field(0, description="planned but not attempted (a step stopped first); sent at the next import")


class SyncCounts(ActionCounts):
    by_type: dict[str, ActionCounts] = Field(default_factory=dict, description="per action type (create_course, …)")


class ImportItem(View):
    """One line of the history."""

    import_id: str
    kind: ImportKind
    status: ImportStatus
    status_label: str = Field(description="the status in French, as the console shows it")
    created_at: datetime
    finished_at: datetime | None
    queue_position: int | None = Field(description="1 for the next import to start; null when not waiting")
    started_at: datetime | None = Field(None, description="when it took its establishment's turn; null before")
    not_before: datetime | None = Field(
        None, description="an automatic export waiting for its slot: when it may start, as things stand"
    )
    counts: ActionCounts | None = Field(description="actions sent to itslearning; null before the sync")
    unmatched: int | None = Field(description="unrecognised accounts; null before the reconciliation")
    error_code: str | None


class UaiCheck(View):
    expected: str = Field(description="the establishment the import was created for")
    found: str | None = Field(description="the establishment the export names; null before validation")
    status: str = Field(description="pending | ok | mismatch")


class ExportFacts(View):
    software: str
    version: str
    school_year: str | None
    size_bytes: int


class Warning(View):
    code: str
    message: str


class Recognised(View):
    teachers: int
    students: int


class LessonsNotImported(View):
    total: int
    by_reason: dict[str, int]


class RekeyFacts(View):
    """Pronote re-keyings the import reported (Pronote reinstalled): POST .../confirm-rekey accepts them."""

    count: int = Field(description="accounts whose person arrives with a new Pronote id")
    confirmed: bool = Field(description="an administrator confirmed them: the next runs know the new ids")


class DeletedCourse(View):
    key: str
    title: str


class HoldFacts(View):
    """What a held plan would delete, for the administrator to read before ``POST .../approve``."""

    approval: str = Field(description="the approval code; POST .../approve with it applies exactly these deletions")
    figures: dict[str, int] = Field(description="per type: deleted and in place before (courses, members, events)")
    deleted_courses: list[DeletedCourse] = Field(description="the courses that would go (the first 500)")
    deleted_courses_count: int


class PlanFacts(View):
    import_date: str
    courses: int
    actions: dict[str, int] = Field(description="planned actions per type")
    held: bool = Field(description="the deletion guard holds the plan until an administrator approves it")
    hold_reasons: list[str] = Field(default_factory=list)
    hold: HoldFacts | None = Field(default=None, description="what would be deleted, when held")


class NewSinceView(View):
    """What an automatic export has that the last manual import did not show: reported, not imported."""

    counts: dict[str, int] = Field(description="per list: subjects, classes, groups, courses")
    subjects: list[str] = Field(description="subject codes")
    classes: list[str]
    groups: list[str]
    courses: list[dict[str, str]] = Field(description="key and title of each course")


class FailureView(View):
    code: str
    message: str


class LateUpload(View):
    """An export that arrived after its upload permission expired: refused and deleted unread."""

    received_at: datetime
    size_bytes: int


class ImportDetail(ImportItem):
    """The import's summary: the UAI check, what was read, who was recognised, what was sent."""

    uai: str
    updated_at: datetime
    attempt: int
    uai_check: UaiCheck
    export: ExportFacts | None
    warnings: list[Warning]
    warning_count: int
    recognised: Recognised | None
    conflicts: int | None
    rekey: RekeyFacts | None = Field(
        default=None, description="known people arriving with a new Pronote id; null when there are none"
    )
    lessons_not_imported: LessonsNotImported | None
    plan: PlanFacts | None
    sync: SyncCounts | None
    error: FailureView | None
    superseded_by: str | None = Field(None, description="the newer automatic export that replaced this one")
    new_since: NewSinceView | None = Field(None, description="automatic imports: what was left out as new")
    late_upload: LateUpload | None = Field(
        None, description="an expired import's export that came after all: when, and its size; it was not read"
    )


def item_view(record: ImportRecord, queue_position: int | None) -> ImportItem:
    return ImportItem(**_item_fields(record, queue_position))


def detail_view(record: ImportRecord, queue_position: int | None) -> ImportDetail:
    summary = record.summary
    validation: dict[str, Any] = summary.get("validation") or {}
    reconciliation: dict[str, Any] | None = summary.get("reconciliation")
    sync = _sync_counts(summary.get("sync"))
    return ImportDetail(
        **_item_fields(record, queue_position),
        uai=record.uai,
        updated_at=record.updated_at,
        attempt=record.attempt,
        uai_check=_uai_check(record, validation),
        export=_export_facts(validation),
        warnings=[Warning(code=str(w["code"]), message=str(w["message"])) for w in validation.get("warning_list", [])],
        warning_count=int(validation.get("warnings", 0)),
        recognised=Recognised(
            teachers=int(reconciliation["matched_teachers"]), students=int(reconciliation["matched_students"])
        )
        if reconciliation
        else None,
        conflicts=int(reconciliation["conflicts"]) if reconciliation else None,
        rekey=RekeyFacts(count=int(reconciliation["rekeys"]), confirmed="rekey" in summary)
        if reconciliation and reconciliation.get("rekeys")
        else None,
        lessons_not_imported=_lessons_not_imported(summary.get("plan")),
        plan=_plan_facts(summary.get("plan")),
        sync=sync,
        error=FailureView(code=record.error.code, message=record.error.message) if record.error else None,
        superseded_by=(summary.get("superseded") or {}).get("by"),
        new_since=NewSinceView(**summary["plan"]["new_since"]) if "new_since" in (summary.get("plan") or {}) else None,
        late_upload=LateUpload(**summary["late_upload"]) if "late_upload" in summary else None,
    )


def _item_fields(record: ImportRecord, queue_position: int | None) -> dict[str, Any]:
    reconciliation = record.summary.get("reconciliation")
    sync = _sync_counts(record.summary.get("sync"))
    return {
        "import_id": record.import_id,
        "kind": record.kind,
        "status": record.status,
        "status_label": record.status.label_fr,
        "created_at": record.created_at,
        "finished_at": record.finished_at,
        "queue_position": queue_position,
        "started_at": record.started_at,
        "not_before": (record.summary.get("slot") or {}).get("not_before") if queue_position is not None else None,
        "counts": ActionCounts(succeeded=sync.succeeded, failed=sync.failed, skipped=sync.skipped) if sync else None,
        "unmatched": int(reconciliation["unmatched"]) if reconciliation else None,
        "error_code": record.error.code if record.error else None,
    }


def _uai_check(record: ImportRecord, validation: dict[str, Any]) -> UaiCheck:
    found = validation.get("uai")
    if record.error is not None and record.error.code == "uai_mismatch":
        return UaiCheck(expected=record.uai, found=found, status="mismatch")
    if validation:
        return UaiCheck(expected=record.uai, found=found or record.uai, status="ok")
    return UaiCheck(expected=record.uai, found=None, status="pending")


def _export_facts(validation: dict[str, Any]) -> ExportFacts | None:
    if not validation:
        return None
    return ExportFacts(
        software=str(validation.get("software", "")),
        version=str(validation.get("version", "")),
        school_year=validation.get("school_year"),
        size_bytes=int(validation.get("size_bytes", 0)),
    )


def _sync_counts(section: dict[str, Any] | None) -> SyncCounts | None:
    if not section:
        return None
    by_type = {name: ActionCounts(**counts) for name, counts in section.get("by_type", {}).items()}
    return SyncCounts(
        succeeded=int(section["succeeded"]),
        failed=int(section["failed"]),
        skipped=int(section.get("skipped", 0)),
        by_type=by_type,
    )


def _lessons_not_imported(plan: dict[str, Any] | None) -> LessonsNotImported | None:
    if not plan or "skipped_counts" not in plan:
        return None
    by_reason = {str(reason): int(count) for reason, count in plan["skipped_counts"].items()}
    return LessonsNotImported(total=sum(by_reason.values()), by_reason=by_reason)


def _plan_facts(plan: dict[str, Any] | None) -> PlanFacts | None:
    if not plan:
        return None
    hold = plan.get("hold")
    return PlanFacts(
        import_date=str(plan["import_date"]),
        courses=int(plan["courses"]),
        actions={str(name): int(count) for name, count in plan["actions"].items()},
        held=hold is not None,
        hold_reasons=[str(reason) for reason in hold["reasons"]] if hold else [],
        hold=_hold_facts(hold),
    )


def _hold_facts(hold: dict[str, Any] | None) -> HoldFacts | None:
    if not hold or "approval" not in hold:
        return None
    return HoldFacts(
        approval=str(hold["approval"]),
        figures={str(name): int(count) for name, count in hold.get("figures", {}).items()},
        deleted_courses=[DeletedCourse(key=str(c["key"]), title=str(c["title"])) for c in hold["deleted_courses"]],
        deleted_courses_count=int(hold["deleted_courses_count"]),
    )
