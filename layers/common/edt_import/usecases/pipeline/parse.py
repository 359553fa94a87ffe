"""The parse step: read the validated timetable and record what it holds in the history."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from edt_import.domain.import_ports import BlobStore, ImportHistory
from edt_import.domain.imports import ImportStatus
from edt_import.usecases.pipeline.steps import ImportRef, enter, open_timetable


def parse_timetable(ref: ImportRef, *, now: datetime, work: BlobStore, history: ImportHistory) -> dict[str, Any]:
    enter(ref, ImportStatus.PARSING, history=history, now=now)
    export = open_timetable(ref, work)
    timetable = export.timetable
    figures: dict[str, Any] = {
        "school_year": {"start": timetable.school_year.start.isoformat(), "end": timetable.school_year.end.isoformat()},
        "subjects": len(timetable.subjects),
        "teachers": len(timetable.teachers),
        "students": len(timetable.students),
        "classes": len(timetable.classes),
        "groups": len(timetable.groups),
        "lessons": len(timetable.lessons),
        "warnings": dict(Counter(str(w.code) for w in export.warnings)),
    }
    history.update(ref.uai, ref.import_id, status=ImportStatus.PARSING, now=now, section=("timetable", figures))
    return {"lessons": figures["lessons"], "warnings": len(export.warnings)}
