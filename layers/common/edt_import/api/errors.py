"""Every refusal as ``{"code", "message"}``, each error class mapped to its status here and nowhere else.

Powertools validates a request before any middleware runs: so that a caller without a valid sign-in learns
nothing else (401 before 422), the validation and not-found answers apply the authorisation first.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError as RouteNotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from edt_import.api.auth import authorise
from edt_import.domain.error_traces import error_trace
from edt_import.domain.errors import (
    ConcurrentUpdateError,
    EdtImportError,
    ImportInProgressError,
    LmsUnavailableError,
    StatusMovedOnError,
)
from edt_import.usecases.admin.errors import (
    AdminError,
    AdminErrorCode,
    ConflictError,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
    UnauthorizedError,
)

logger = Logger(child=True)

_STATUS: dict[type[AdminError], HTTPStatus] = {
    UnauthorizedError: HTTPStatus.UNAUTHORIZED,
    ForbiddenError: HTTPStatus.FORBIDDEN,
    NotFoundError: HTTPStatus.NOT_FOUND,
    InvalidRequestError: HTTPStatus.BAD_REQUEST,
    ConflictError: HTTPStatus.CONFLICT,
}
_PRODUCT_STATUS: dict[type[EdtImportError], HTTPStatus] = {
    LmsUnavailableError: HTTPStatus.SERVICE_UNAVAILABLE,
    ImportInProgressError: HTTPStatus.CONFLICT,
    ConcurrentUpdateError: HTTPStatus.CONFLICT,  # a pipeline step wrote the record meanwhile: reload, try again
    StatusMovedOnError: HTTPStatus.CONFLICT,  # a change found the import moved on, unanswered by its use case
}
_UAI_PARAMETER = ("path", "uai")


def error_response(status: HTTPStatus, code: str, message: str) -> Response[str]:
    return Response(
        status_code=status.value,
        content_type=content_types.APPLICATION_JSON,
        body=json.dumps({"code": code, "message": message}, ensure_ascii=False),
    )


def register_error_handlers(app: APIGatewayRestResolver) -> None:
    def admin_error(exc: AdminError) -> Response[str]:
        status = next((s for cls, s in _STATUS.items() if isinstance(exc, cls)), HTTPStatus.BAD_REQUEST)
        return error_response(status, exc.code, exc.message)

    def invalid_request(exc: RequestValidationError) -> Response[str]:
        denied = _denial(app)
        if denied is not None:
            return denied
        errors = exc.errors()
        if any(tuple(error.get("loc", ()))[:2] == _UAI_PARAMETER for error in errors):
            return error_response(
                HTTPStatus.BAD_REQUEST,
                AdminErrorCode.INVALID_UAI,
                "The establishment code (UAI) must be seven digits and a letter, e.g. 0750001U.",
            )
        where = ", ".join(sorted({_location(error) for error in errors}))
        return error_response(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            AdminErrorCode.INVALID_REQUEST,
            f"The request does not fit the API ({where}).",
        )

    def unknown_path(_exc: RouteNotFoundError) -> Response[str]:
        denied = _denial(app)
        if denied is not None:
            return denied
        return error_response(HTTPStatus.NOT_FOUND, AdminErrorCode.NOT_FOUND, "There is nothing at this address.")

    def product_error(exc: EdtImportError) -> Response[str]:
        status = next((s for cls, s in _PRODUCT_STATUS.items() if isinstance(exc, cls)), HTTPStatus.BAD_REQUEST)
        return error_response(status, exc.code.value, exc.message)

    def unexpected(exc: Exception) -> Response[str]:
        # The one place it is logged, without its message: that may hold a name or an identifier.
        logger.error("unexpected error", extra=dict(error_trace(exc)))
        return error_response(
            HTTPStatus.INTERNAL_SERVER_ERROR,
            "internal_error",
            "The service failed on an unexpected error; try again later.",
        )

    handlers: list[tuple[type[Exception], Callable[[Any], Response[str]]]] = [
        (AdminError, admin_error),
        (RequestValidationError, invalid_request),
        (RouteNotFoundError, unknown_path),
        (EdtImportError, product_error),
        (Exception, unexpected),
    ]
    for exc_class, handler in handlers:
        register: Callable[[Callable[[Any], Response[str]]], object] = app.exception_handler(exc_class)
        register(handler)


def _denial(app: APIGatewayRestResolver) -> Response[str] | None:
    try:
        authorise(app.current_event.raw_event)
    except AdminError as exc:
        status = _STATUS[type(exc)]
        return error_response(status, exc.code, exc.message)
    return None


def _location(error: Any) -> str:
    """``body.kind``, ``query.limit``: where the error is, never the value sent."""
    return ".".join(str(part) for part in error.get("loc", ())) or "request"
