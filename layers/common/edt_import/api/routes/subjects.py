"""``/establishments/{uai}/subjects``: the establishment's subject referential (the subject codes the ENT knows;
the wizard shows them green)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from edt_import.api.models import ERROR_RESPONSES
from edt_import.api.params import Uai
from edt_import.api.services import services
from edt_import.domain.uai import normalise_uai
from edt_import.usecases.admin.subjects import replace_subject_referential, subject_referential

router = APIGatewayRouter()  # type: ignore[no-untyped-call]

Code = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class SubjectCodes(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    codes: list[Code] = Field(max_length=5000, description="subject codes, e.g. MATHS, AGL1; sorted, once each")


@router.get(
    "/establishments/<uai>/subjects",
    summary="The establishment's subject referential",
    responses={**ERROR_RESPONSES, 200: {"description": "the codes"}},
)
def get_subjects(uai: Uai) -> SubjectCodes:
    return SubjectCodes(
        codes=list(subject_referential(normalise_uai(uai), referentials=services().wizard.referentials))
    )


@router.put(
    "/establishments/<uai>/subjects",
    summary="Replace the establishment's subject referential",
    description="Codes are trimmed; an empty code or one with control characters is refused (invalid_subjects) "
    "and nothing changes.",
    responses={**ERROR_RESPONSES, 200: {"description": "the referential as stored"}},
)
def put_subjects(uai: Uai, body: SubjectCodes) -> SubjectCodes:
    kept = replace_subject_referential(normalise_uai(uai), body.codes, referentials=services().wizard.referentials)
    return SubjectCodes(codes=list(kept))
