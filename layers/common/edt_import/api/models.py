"""What every route shares in its OpenAPI description: the error body and the refusals any route may answer."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    code: str = Field(
        description="stable, snake_case: what a program branches on", examples=["forbidden_establishment"]
    )
    message: str = Field(description="one sentence for an administrator")


def _error(description: str) -> OpenAPIResponse:
    return {"description": description, "content": {"application/json": {"model": ErrorBody}}}


# The statuses every route may answer, whatever it does (its own successes and 404/409 are added by the route).
ERROR_RESPONSES: dict[int, OpenAPIResponse] = {
    400: _error("a path parameter is not valid (invalid_uai, invalid_cursor)"),
    401: _error("no valid sign-in (unauthorized)"),
    403: _error("the caller does not administer the establishment, or a machine credential asks for more"),
    422: _error("the body or the query does not fit the API (invalid_request)"),
    500: _error("an unexpected failure (internal_error)"),
}
NOT_FOUND: dict[int, OpenAPIResponse] = {404: _error("no such import (not_found)")}
CONFLICT: dict[int, OpenAPIResponse] = {
    409: _error("the import's status does not allow it yet (conflict, not_reconciled)")
}
