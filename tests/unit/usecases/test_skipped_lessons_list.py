"""The lessons an import leaves out, as the plan step keeps them and the admin use cases read them back: exact
rows for a generated export, pages by reason, the text file, and no person named."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from edt_import.domain.course_rules import SkipReason
from edt_import.domain.imports import ImportStatus
from edt_import.domain.timetable import Timetable
from edt_import.usecases.admin.errors import ConflictError, NotFoundError
from edt_import.usecases.admin.skipped_lessons import SKIPPED_HEADER, skipped_lessons_page, skipped_lessons_text
from edt_import.usecases.pipeline.work_keys import skipped_lessons_report_key
from tests.support.auto_import_exports import sealed_timetable
from tests.support.export_variants import DANGLING
from tests.support.pipeline_world import NOW, PipelineWorld, college, partner_pem

IMPORT_ID = "import0000a"


@cache
def with_undeclared_subject() -> Timetable:
    """The generated college, its first lesson naming a subject the export does not declare."""
    return DANGLING["lesson→subject"](college().timetable)


def imported(timetable: Timetable) -> PipelineWorld:
    world = PipelineWorld()
    world.upload(sealed_timetable(timetable, partner_pem(), NOW), uai=timetable.uai, import_id=IMPORT_ID)
    (record,) = world.run_started()
    assert record.status is ImportStatus.DONE
    return world


def expected_rows(timetable: Timetable) -> list[dict[str, Any]]:
    """Written from the export: the lesson with the undeclared subject, then each lesson with class parts only."""
    rows = []
    for lesson in timetable.lessons:
        subject = timetable.subjects.get(lesson.subject)
        if subject is None:
            reason = "unknown_subject"
        elif lesson.class_parts and not lesson.classes and not lesson.groups:
            reason = "class_part_only"
        else:
            continue
        parts = [
            {"ident": link.ident, "class_name": timetable.classes[timetable.class_parts[link.ident].class_ident].name}
            for link in lesson.class_parts
        ]
        rows.append(
            {
                "lesson": lesson.index + 1,
                "reason": reason,
                "day": lesson.day,
                "place": lesson.start_place,
                "start": timetable.grid.places[lesson.start_place].start.strftime("%H:%M"),
                "subject": {
                    "ident": lesson.subject,
                    "code": subject.code if subject else None,
                    "label": subject.label if subject else None,
                },
                "classes": [timetable.classes[link.ident].name for link in lesson.classes],
                "groups": [timetable.groups[link.ident].name for link in lesson.groups],
                "class_parts": parts,
                "students": len(lesson.students),
            }
        )
    return rows


def test_skipped_lessons_of_an_import_are_each_lesson_left_out_with_its_reason_in_export_order() -> None:
    # Given a college export with an undeclared subject and lessons attached to class parts only
    timetable = with_undeclared_subject()
    # When it is imported to its end
    world = imported(timetable)
    # Then the import's list holds exactly those lessons, each as the school finds it in EDT
    page = skipped_lessons_page(timetable.uai, IMPORT_ID, history=world.history, work=world.work)
    expected = expected_rows(timetable)
    assert [item.model_dump(mode="json") for item in page.items] == expected
    assert expected[0]["reason"] == "unknown_subject"
    assert sum(row["reason"] == "class_part_only" for row in expected) > 1
    assert (page.total, page.offset, page.next_offset) == (len(expected), 0, None)
    # And the counts per reason are the history's own
    record = world.history.get(timetable.uai, IMPORT_ID)
    assert record is not None
    assert page.by_reason == record.summary["plan"]["skipped_counts"]
    assert "lessons" not in record.summary["plan"]  # the record keeps the counts, the reports the list


def test_skipped_lessons_report_names_no_teacher_or_pupil() -> None:
    # Given the college imported, whose left-out lessons have teachers and pupils
    timetable = with_undeclared_subject()
    world = imported(timetable)
    data = world.work.get(skipped_lessons_report_key(timetable.uai, IMPORT_ID))
    assert data is not None
    # Then neither the stored list nor its text file holds a teacher's or a pupil's name
    text = data.decode() + skipped_lessons_text(timetable.uai, IMPORT_ID, history=world.history, work=world.work)
    numbers = {row["lesson"] for row in expected_rows(timetable)}
    skipped = [lesson for lesson in timetable.lessons if lesson.index + 1 in numbers]
    teachers = [timetable.teachers[link.ident] for lesson in skipped for link in lesson.teachers]
    assert teachers
    names = [(p.first_name, p.last_name) for p in teachers] + [
        (p.first_name, p.last_name) for p in timetable.students.values()
    ]
    for first_name, last_name in names:
        assert f'"{last_name}"' not in text
        assert f"{first_name} {last_name}" not in text


def test_skipped_lessons_page_by_reason_follows_on_with_its_next_offset() -> None:
    # Given the college imported
    timetable = with_undeclared_subject()
    world = imported(timetable)
    part_only = [row for row in expected_rows(timetable) if row["reason"] == "class_part_only"]
    # When its class-part-only lessons are read two at a time from the second one
    page = skipped_lessons_page(
        timetable.uai,
        IMPORT_ID,
        history=world.history,
        work=world.work,
        reason=SkipReason.CLASS_PART_ONLY,
        offset=1,
        limit=2,
    )
    # Then the page holds the second and third, and says where the next one starts
    assert [item.lesson for item in page.items] == [row["lesson"] for row in part_only[1:3]]
    assert page.total == len(part_only)
    assert page.next_offset == (3 if len(part_only) > 3 else None)


def test_skipped_lessons_text_has_a_header_then_one_lesson_a_line_in_french() -> None:
    # Given the college imported
    timetable = with_undeclared_subject()
    world = imported(timetable)
    expected = expected_rows(timetable)
    # When the text file is asked for
    lines = skipped_lessons_text(timetable.uai, IMPORT_ID, history=world.history, work=world.work).splitlines()
    # Then it has the header, then one line per lesson with the same number of columns
    assert lines[0] == SKIPPED_HEADER
    assert len(lines) == 1 + len(expected)
    assert all(line.count("\t") == SKIPPED_HEADER.count("\t") for line in lines)
    first = expected[0]
    days = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
    assert lines[1].split("\t")[:5] == [
        f"n° {first['lesson']}",
        "matière non déclarée dans l'export",
        days[first["day"] - 1],
        first["start"],
        f"matière absente de l'export (ident {first['subject']['ident']})",
    ]


def test_skipped_lessons_before_the_plan_are_a_conflict_not_planned() -> None:
    # Given an import stopped at its wizard (reconciled, not planned)
    world = PipelineWorld(launch_manual=False)
    timetable = college().timetable
    world.run_to_wizard(sealed_timetable(timetable, partner_pem(), NOW), uai=timetable.uai, import_id=IMPORT_ID)
    # Then its lessons not imported are not known yet
    with pytest.raises(ConflictError) as refused:
        skipped_lessons_page(timetable.uai, IMPORT_ID, history=world.history, work=world.work)
    assert refused.value.code == "not_planned"


def test_skipped_lessons_of_an_unknown_import_are_not_found() -> None:
    world = PipelineWorld()
    with pytest.raises(NotFoundError):
        skipped_lessons_text(college().uai, IMPORT_ID, history=world.history, work=world.work)
