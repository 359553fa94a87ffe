"""``/establishments/{uai}/imports/{import_id}/skipped-lessons``: the lessons an import leaves out, each with its
reason, a page at a time, and the whole list as a text file."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from edt_import.api.models import ERROR_RESPONSES, NOT_FOUND, ErrorBody
from edt_import.api.params import ImportId, Uai
from edt_import.api.services import services
from edt_import.api.text_files import TEXT_FILE, text_file
from edt_import.domain.course_rules import SkipReason
from edt_import.domain.uai import normalise_uai
from edt_import.usecases.admin.skipped_lessons import (
    MAX_PAGE,
    SkippedLessonsPage,
    skipped_lessons_page,
    skipped_lessons_text,
)

router = APIGatewayRouter()  # type: ignore[no-untyped-call]

_NOT_PLANNED: dict[int, OpenAPIResponse] = {
    409: {
        "description": "the import is not planned yet (not_planned)",
        "content": {"application/json": {"model": ErrorBody}},
    }
}


@router.get(
    "/establishments/<uai>/imports/<import_id>/skipped-lessons",
    summary="The lessons the import leaves out, each with its reason, in export order",
    description="What the school needs to find each lesson in EDT/PRONOTE and fix it: its number in the export, "
    "day, start time, subject, classes, groups and class parts. No person is named.",
    responses={**ERROR_RESPONSES, **NOT_FOUND, **_NOT_PLANNED, 200: {"description": "one page of the lessons"}},
)
def get_skipped_lessons(
    uai: Uai,
    import_id: ImportId,
    reason: Annotated[SkipReason | None, Query(description="only the lessons left out for this reason")] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="the 'next_offset' of the previous page")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="lessons per page")] = 200,
) -> SkippedLessonsPage:
    svc = services()
    return skipped_lessons_page(
        normalise_uai(uai), import_id, history=svc.history, work=svc.work, reason=reason, offset=offset, limit=limit
    )


@router.get(
    "/establishments/<uai>/imports/<import_id>/skipped-lessons.txt",
    summary="The lessons the import leaves out, a text file (tab-separated, a header line then one lesson a line)",
    responses={**ERROR_RESPONSES, **NOT_FOUND, **_NOT_PLANNED, **TEXT_FILE},
)
def get_skipped_lessons_text(uai: Uai, import_id: ImportId) -> Response[str]:
    svc = services()
    text = skipped_lessons_text(normalise_uai(uai), import_id, history=svc.history, work=svc.work)
    return text_file(text, f"seances-non-importees-{import_id}.txt")
