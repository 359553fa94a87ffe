"""One import's lessons not imported, as the admin API lists them (a page at a time) and as a text file.

The plan step keeps the list in the import's reports (``skipped-lessons.json``); the history record keeps only
the counts per reason. Each lesson carries what the school needs to find it in EDT/PRONOTE and fix it: its
number in the export, reason, day, start time, subject, classes, groups and class parts. No person is named.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from edt_import.domain.course_rules import SkipReason
from edt_import.domain.import_ports import BlobStore, ImportHistory
from edt_import.domain.imports import ImportRecord
from edt_import.usecases.admin.errors import ConflictError, NotFoundError
from edt_import.usecases.admin.imports import import_record, tab_separated
from edt_import.usecases.pipeline.codecs import decode_document
from edt_import.usecases.pipeline.work_keys import skipped_lessons_report_key

MAX_PAGE = 1000


class _View(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LessonSubject(_View):
    ident: str = Field(description="the subject's ident in the export")
    code: str | None = Field(description="null when the export does not declare the subject")
    label: str | None


class LessonClassPart(_View):
    """Class parts have no name in the export: their ident and the name of their class."""

    ident: str
    class_name: str | None = Field(description="null when the export does not define the part or its class")


class SkippedLessonView(_View):
    lesson: int = Field(description="the lesson's number in the export: its n-th Cours, counted from 1")
    reason: SkipReason
    day: int = Field(description="1 = Monday … 7 = Sunday, as the export writes it")
    place: int = Field(description="the lesson's first place in the day's grid")
    start: str | None = Field(description="HH:MM local time; null when the place is not in the grid")
    subject: LessonSubject
    classes: list[str] = Field(description="class names")
    groups: list[str] = Field(description="group names")
    class_parts: list[LessonClassPart]
    students: int = Field(description="pupils attached to the lesson directly (counted, never named)")


class SkippedLessonsPage(_View):
    total: int = Field(description="the import's lessons not imported (all reasons, or the one asked for)")
    by_reason: dict[str, int] = Field(description="lessons per reason, every reason present")
    offset: int
    items: list[SkippedLessonView] = Field(description="in export order")
    next_offset: int | None = Field(description="pass as ?offset= for the following page; null on the last page")


def skipped_lessons_page(
    uai: str,
    import_id: str,
    *,
    history: ImportHistory,
    work: BlobStore,
    reason: SkipReason | None = None,
    offset: int = 0,
    limit: int = MAX_PAGE,
) -> SkippedLessonsPage:
    rows = _rows(uai, import_id, history=history, work=work)
    by_reason = dict.fromkeys((r.value for r in SkipReason), 0)
    for row in rows:
        by_reason[str(row["reason"])] += 1
    chosen = [row for row in rows if reason is None or row["reason"] == reason.value]
    end = offset + limit
    return SkippedLessonsPage(
        total=len(chosen),
        by_reason=by_reason,
        offset=offset,
        items=[_view(row) for row in chosen[offset:end]],
        next_offset=end if end < len(chosen) else None,
    )


def _view(row: dict[str, Any]) -> SkippedLessonView:
    parts = [LessonClassPart(ident=str(p["ident"]), class_name=p["class"]) for p in row["class_parts"]]
    return SkippedLessonView(
        lesson=int(row["lesson"]),
        reason=SkipReason(row["reason"]),
        day=int(row["day"]),
        place=int(row["place"]),
        start=row["start"],
        subject=LessonSubject(**row["subject"]),
        classes=[str(name) for name in row["classes"]],
        groups=[str(name) for name in row["groups"]],
        class_parts=parts,
        students=int(row["students"]),
    )


_DAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_REASONS_FR = {
    SkipReason.UNKNOWN_SUBJECT: "matière non déclarée dans l'export",
    SkipReason.CLASS_PART_ONLY: "partie de classe seule : mettre la partie de classe dans un groupe",
    SkipReason.NO_AUDIENCE: "aucune classe, aucun groupe",
    SkipReason.OUTSIDE_GRID: "jour ou horaire hors de la grille",
    SkipReason.NOT_SELECTED: "cours désactivés ou non sélectionnés",
}
SKIPPED_HEADER = "séance\tmotif\tjour\theure\tmatière\tclasses\tgroupes\tparties de classe\télèves rattachés"


def skipped_lessons_text(uai: str, import_id: str, *, history: ImportHistory, work: BlobStore) -> str:
    """Every lesson not imported, a header line then one lesson a line (tab-separated), in export order."""
    lines = [SKIPPED_HEADER]
    for row in _rows(uai, import_id, history=history, work=work):
        lesson = _view(row)
        day = lesson.day
        cells = (
            f"n° {lesson.lesson}",
            _REASONS_FR[lesson.reason],
            _DAYS_FR[day - 1] if 1 <= day <= len(_DAYS_FR) else f"jour {day}",
            lesson.start or f"place {lesson.place} (hors grille)",
            _subject_text(lesson.subject),
            ", ".join(lesson.classes),
            ", ".join(lesson.groups),
            ", ".join(f"{p.ident} ({p.class_name or 'classe inconnue'})" for p in lesson.class_parts),
            str(lesson.students) if lesson.students else "",
        )
        lines.append(tab_separated(cells))
    return "\n".join(lines) + "\n"


def _subject_text(subject: LessonSubject) -> str:
    if subject.label is None and subject.code is None:
        return f"matière absente de l'export (ident {subject.ident})"
    return f"{subject.label or ''} ({subject.code or ''})".strip()


def _rows(uai: str, import_id: str, *, history: ImportHistory, work: BlobStore) -> list[dict[str, Any]]:
    record = import_record(uai, import_id, history)
    data = work.get(skipped_lessons_report_key(uai, import_id))
    if data is None:
        if not _planned(record):
            raise ConflictError("The lessons not imported are known once the import is planned.", code="not_planned")
        raise NotFoundError("The lessons not imported of this import are not kept.")
    rows: list[dict[str, Any]] = decode_document(data, "lessons not imported")["lessons"]
    return rows


def _planned(record: ImportRecord) -> bool:
    return "skipped_counts" in (record.summary.get("plan") or {})
