"""Lessons not imported as rows an administrator reads: what the school needs to find each one in EDT/PRONOTE.

One form for the plan command's summary and the import's report (``reports/…/skipped-lessons.json``). No person
is named: class parts have no name, only their ident and class; pupils attached directly are counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from edt_import.domain.course_rules import SkippedLesson


def skipped_lesson_row(lesson: SkippedLesson) -> dict[str, Any]:
    return {
        "reason": lesson.reason.value,
        "subject": {"ident": lesson.subject_ident, "code": lesson.subject_code, "label": lesson.subject_label},
        "day": lesson.day,
        "place": lesson.start_place,
        "start": lesson.start.strftime("%H:%M") if lesson.start is not None else None,
        "classes": list(lesson.classes),
        "groups": list(lesson.groups),
        "class_parts": [{"ident": part.ident, "class": part.class_name} for part in lesson.class_parts],
        "students": lesson.students,
    }


def skipped_lessons_report(lessons: Iterable[SkippedLesson]) -> dict[str, Any]:
    """The import's list, in export order; ``lesson`` is the lesson's number in the export (its n-th ``Cours``,
    counted from 1), as the reader's warnings label it (``lesson #n``)."""
    return {"lessons": [{"lesson": lesson.index + 1, **skipped_lesson_row(lesson)} for lesson in lessons]}
