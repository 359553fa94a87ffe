"""A lesson the planner leaves out, as its report carries it: a class-part-only lesson unless told otherwise."""

from __future__ import annotations

from datetime import time
from typing import Any

from msgspec import structs

from edt_import.domain.course_rules import LessonPart, SkippedLesson, SkipReason
from edt_import.domain.timetable import Ident

_PART_ONLY = SkippedLesson(
    index=11,
    reason=SkipReason.CLASS_PART_ONLY,
    subject_ident=Ident("7"),
    subject_code="AGL1",
    subject_label="ANGLAIS LV1",
    day=2,
    start_place=3,
    start=time(10, 0),
    classes=(),
    groups=(),
    class_parts=(LessonPart(ident=Ident("41"), class_name="4B"),),
    students=2,
)


def a_skipped_lesson(**overrides: Any) -> SkippedLesson:
    return structs.replace(_PART_ONLY, **overrides)
