"""The lessons an import leaves out, through the API: a page as JSON (by reason, offset and limit), the whole list
as text; 401 without sign-in, 403 for another establishment, 404 for an unknown import, 409 before the plan."""

from __future__ import annotations

import pytest

from edt_import.domain.course_rules import SkippedLesson, SkipReason
from edt_import.domain.imports import ImportKind, ImportStatus, new_import
from edt_import.domain.timetable import Ident
from edt_import.usecases.pipeline.codecs import encode_document
from edt_import.usecases.pipeline.work_keys import skipped_lessons_report_key
from edt_import.usecases.skipped_lesson_rows import skipped_lessons_report
from tests.support.admin_api import IMPORT_ID, NOW, OTHER_UAI, UAI, ApiWorld, admin_of
from tests.support.skipped_lesson_builders import a_skipped_lesson

LESSONS = f"/establishments/{UAI}/imports/{IMPORT_ID}/skipped-lessons"
ADMIN = admin_of(UAI)
PART_ONLY = a_skipped_lesson()
UNKNOWN_SUBJECT = a_skipped_lesson(
    index=40,
    reason=SkipReason.UNKNOWN_SUBJECT,
    subject_ident=Ident("999"),
    subject_code=None,
    subject_label=None,
    day=5,
    start_place=14,
    start=None,
    classes=("3A", "3B"),
    groups=("[LATIN 3]",),
    class_parts=(),
    students=0,
)


def planned_world(*lessons: SkippedLesson) -> ApiWorld:
    """An import whose plan step ran and kept ``lessons`` as the ones it leaves out."""
    world = ApiWorld()
    world.history.create(new_import(uai=UAI, import_id=IMPORT_ID, kind=ImportKind.MANUAL, now=NOW, upload_key=""))
    counts = {reason.value: sum(lesson.reason is reason for lesson in lessons) for reason in SkipReason}
    plan = {"import_date": "2026-09-14", "courses": 1, "actions": {}, "skipped_counts": counts}
    world.history.update(UAI, IMPORT_ID, status=ImportStatus.DONE, now=NOW, section=("plan", plan))
    world.work.put(skipped_lessons_report_key(UAI, IMPORT_ID), encode_document(skipped_lessons_report(lessons)))
    return world


def test_skipped_lessons_route_lists_each_lesson_with_its_reason_and_place_in_the_export() -> None:
    world = planned_world(PART_ONLY, UNKNOWN_SUBJECT)
    status, body, _ = world.call("GET", LESSONS, claims=ADMIN)
    assert status == 200
    assert body == {
        "total": 2,
        "by_reason": {
            "unknown_subject": 1,
            "class_part_only": 1,
            "no_audience": 0,
            "outside_grid": 0,
            "not_selected": 0,
        },
        "offset": 0,
        "next_offset": None,
        "items": [
            {
                "lesson": 12,
                "reason": "class_part_only",
                "day": 2,
                "place": 3,
                "start": "10:00",
                "subject": {"ident": "7", "code": "AGL1", "label": "ANGLAIS LV1"},
                "classes": [],
                "groups": [],
                "class_parts": [{"ident": "41", "class_name": "4B"}],
                "students": 2,
            },
            {
                "lesson": 41,
                "reason": "unknown_subject",
                "day": 5,
                "place": 14,
                "start": None,
                "subject": {"ident": "999", "code": None, "label": None},
                "classes": ["3A", "3B"],
                "groups": ["[LATIN 3]"],
                "class_parts": [],
                "students": 0,
            },
        ],
    }


def test_skipped_lessons_route_pages_by_reason_offset_and_limit() -> None:
    world = planned_world(PART_ONLY, UNKNOWN_SUBJECT, PART_ONLY)
    query = {"reason": "class_part_only", "limit": "1"}
    status, first, _ = world.call("GET", LESSONS, claims=ADMIN, query=query)
    assert status == 200
    assert ([i["lesson"] for i in first["items"]], first["total"], first["next_offset"]) == ([12], 2, 1)
    _, second, _ = world.call("GET", LESSONS, claims=ADMIN, query={**query, "offset": str(first["next_offset"])})
    assert ([i["reason"] for i in second["items"]], second["next_offset"]) == (["class_part_only"], None)


@pytest.mark.parametrize("query", [{"limit": "0"}, {"limit": "1001"}, {"offset": "-1"}, {"reason": "weekly"}], ids=str)
def test_skipped_lessons_route_with_a_bad_query_is_422(query: dict[str, str]) -> None:
    status, body, _ = planned_world(PART_ONLY).call("GET", LESSONS, claims=ADMIN, query=query)
    assert (status, body["code"]) == (422, "invalid_request")


def test_skipped_lessons_text_route_is_a_tab_separated_download() -> None:
    world = planned_world(PART_ONLY, UNKNOWN_SUBJECT)
    status, text, headers = world.call("GET", f"{LESSONS}.txt", claims=ADMIN)
    assert status == 200
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert headers["Content-Disposition"] == f'attachment; filename="seances-non-importees-{IMPORT_ID}.txt"'
    assert text.splitlines() == [
        "séance\tmotif\tjour\theure\tmatière\tclasses\tgroupes\tparties de classe\télèves rattachés",
        "n° 12\tpartie de classe seule : mettre la partie de classe dans un groupe\tmardi\t10:00"
        "\tANGLAIS LV1 (AGL1)\t\t\t41 (4B)\t2",
        "n° 41\tmatière non déclarée dans l'export\tvendredi\tplace 14 (hors grille)"
        "\tmatière absente de l'export (ident 999)\t3A, 3B\t[LATIN 3]\t\t",
    ]


@pytest.mark.parametrize("suffix", ["", ".txt"])
def test_skipped_lessons_without_sign_in_are_401(suffix: str) -> None:
    status, body, _ = planned_world(PART_ONLY).call("GET", f"{LESSONS}{suffix}")
    assert (status, body["code"]) == (401, "unauthorized")


@pytest.mark.parametrize("suffix", ["", ".txt"])
def test_skipped_lessons_of_an_establishment_not_administered_are_403(suffix: str) -> None:
    status, body, _ = planned_world(PART_ONLY).call("GET", f"{LESSONS}{suffix}", claims=admin_of(OTHER_UAI))
    assert (status, body["code"]) == (403, "forbidden_establishment")
    assert "ANGLAIS" not in str(body)


@pytest.mark.parametrize("suffix", ["", ".txt"])
def test_skipped_lessons_of_an_unknown_import_are_404(suffix: str) -> None:
    status, body, _ = ApiWorld().call("GET", f"{LESSONS}{suffix}", claims=ADMIN)
    assert (status, body["code"]) == (404, "not_found")


def test_skipped_lessons_of_an_import_not_planned_yet_are_409_not_planned() -> None:
    world = ApiWorld()
    world.history.create(new_import(uai=UAI, import_id=IMPORT_ID, kind=ImportKind.MANUAL, now=NOW, upload_key=""))
    world.history.update(UAI, IMPORT_ID, status=ImportStatus.RECONCILING, now=NOW)
    status, body, _ = world.call("GET", LESSONS, claims=ADMIN)
    assert (status, body["code"]) == (409, "not_planned")


def test_skipped_lessons_of_a_planned_import_whose_list_is_gone_are_404() -> None:
    world = planned_world(PART_ONLY)
    world.work.delete(skipped_lessons_report_key(UAI, IMPORT_ID))
    status, body, _ = world.call("GET", LESSONS, claims=ADMIN)
    assert (status, body["code"]) == (404, "not_found")
