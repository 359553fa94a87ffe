"""``/establishments/{uai}/imports``: create an import (its upload form), the history, one import, the
unrecognised accounts as a text file."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel, ConfigDict, Field

from edt_import.api.auth import CallerRole, caller_of
from edt_import.api.models import CONFLICT, ERROR_RESPONSES, NOT_FOUND, ErrorBody
from edt_import.api.params import ImportId, Uai
from edt_import.api.services import services
from edt_import.api.text_files import TEXT_FILE, text_file
from edt_import.domain.imports import ImportKind
from edt_import.domain.uai import normalise_uai
from edt_import.usecases.admin.auto_import import ensure_automatic_accepted
from edt_import.usecases.admin.errors import AdminErrorCode, ForbiddenError
from edt_import.usecases.admin.import_views import ImportDetail, ImportItem
from edt_import.usecases.admin.imports import create_import, import_detail, list_imports, unmatched_text

router = APIGatewayRouter()  # type: ignore[no-untyped-call]


class CreateImportRequest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: ImportKind = Field(description="manual: the administrator's wizard; automatic: PRONOTE's scheduled export")


class UploadForm(BaseModel):
    url: str = Field(description="where to POST the file (multipart/form-data)")
    fields: dict[str, str] = Field(description="the form fields to send before the file field (named 'file')")


class CreatedImport(BaseModel):
    import_id: str
    status: str
    status_label: str
    upload: UploadForm


class ImportPage(BaseModel):
    items: list[ImportItem]
    next: str | None = Field(description="pass as ?cursor= for the following page; null on the last page")


@router.post(
    "/establishments/<uai>/imports",
    status_code=201,
    summary="Create an import and get the form its export is uploaded with",
    description="The form (a presigned POST) allows one file of at most the configured size, for a few minutes. "
    "A machine credential may only create automatic imports.",
    responses={
        **ERROR_RESPONSES,
        409: {
            "description": "an automatic import the establishment does not accept now "
            "(no_manual_import_yet, auto_import_disabled)",
            "content": {"application/json": {"model": ErrorBody}},
        },
        201: {"description": "the import, waiting for its file"},
    },
)
def post_import(uai: Uai, body: CreateImportRequest) -> CreatedImport:
    if caller_of(router.current_event.raw_event).role is CallerRole.MACHINE and body.kind is not ImportKind.AUTOMATIC:
        raise ForbiddenError(AdminErrorCode.FORBIDDEN_ROLE, "A machine credential may only create automatic imports.")
    svc = services()
    if body.kind is ImportKind.AUTOMATIC:  # refused (409) before a completed manual import, or switched off
        ensure_automatic_accepted(normalise_uai(uai), history=svc.history, establishments=svc.establishments)
    created = create_import(
        normalise_uai(uai),
        body.kind,
        import_id=svc.new_id(),
        now=svc.now(),
        history=svc.history,
        signer=svc.signer,
        limits=svc.limits,
    )
    record = created.record
    return CreatedImport(
        import_id=record.import_id,
        status=record.status.value,
        status_label=record.status.label_fr,
        upload=UploadForm(url=created.upload.url, fields=created.upload.fields),
    )


@router.get(
    "/establishments/<uai>/imports",
    summary="The establishment's imports, newest first",
    responses={**ERROR_RESPONSES, 200: {"description": "one page of the history"}},
)
def get_imports(
    uai: Uai,
    cursor: Annotated[str | None, Query(max_length=512, description="the 'next' of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="imports per page")] = 20,
) -> ImportPage:
    page = list_imports(normalise_uai(uai), history=services().history, cursor=cursor, limit=limit)
    return ImportPage(items=page.items, next=page.next)


@router.get(
    "/establishments/<uai>/imports/<import_id>",
    summary="One import: its status and summary",
    responses={**ERROR_RESPONSES, **NOT_FOUND, 200: {"description": "the import"}},
)
def get_import(uai: Uai, import_id: ImportId) -> ImportDetail:
    return import_detail(normalise_uai(uai), import_id, history=services().history)


@router.get(
    "/establishments/<uai>/imports/<import_id>/unmatched.txt",
    summary="The unrecognised accounts, a text file (tab-separated, a header line then one account a line)",
    responses={
        **ERROR_RESPONSES,
        **NOT_FOUND,
        **CONFLICT,
        **TEXT_FILE,
    },
)
def get_unmatched(uai: Uai, import_id: ImportId) -> Response[str]:
    svc = services()
    text = unmatched_text(normalise_uai(uai), import_id, history=svc.history, work=svc.work)
    return text_file(text, f"comptes-non-reconnus-{import_id}.txt")
