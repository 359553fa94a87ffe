"""The admin API's refusals: one class per HTTP outcome, each with a stable code and an administrator's sentence.

Raised by the API's authorisation and by the admin use cases; ``edt_import.api.errors`` maps each class to its
status once. Messages never hold a person's name or identifier.
"""

from __future__ import annotations

from enum import StrEnum


class AdminErrorCode(StrEnum):
    UNAUTHORIZED = "unauthorized"  # no (valid) sign-in
    FORBIDDEN_ESTABLISHMENT = "forbidden_establishment"  # the caller does not administer this establishment
    FORBIDDEN_ROLE = "forbidden_role"  # a machine credential asked for more than an automatic import
    NOT_FOUND = "not_found"
    INVALID_REQUEST = "invalid_request"  # a body, a query or a path parameter does not fit the API
    INVALID_UAI = "invalid_uai"
    INVALID_CURSOR = "invalid_cursor"
    CONFLICT = "conflict"  # the import's status does not allow that now


class AdminError(Exception):
    """Base of the admin API's refusals."""

    def __init__(self, code: AdminErrorCode | str, message: str) -> None:
        super().__init__(message)
        self.code = str(code)
        self.message = message


class UnauthorizedError(AdminError):
    def __init__(self, message: str = "Sign in again: the request carries no valid sign-in.") -> None:
        super().__init__(AdminErrorCode.UNAUTHORIZED, message)


class ForbiddenError(AdminError):
    """The caller is known but may not do this (establishment not administered, machine credential)."""


class NotFoundError(AdminError):
    def __init__(self, message: str) -> None:
        super().__init__(AdminErrorCode.NOT_FOUND, message)


class InvalidRequestError(AdminError):
    """The request is well formed for HTTP but not for this API (a bad UAI, a bad cursor)."""


class ConflictError(AdminError):
    """The request is valid but the import's current status does not allow it."""

    def __init__(self, message: str, code: AdminErrorCode | str = AdminErrorCode.CONFLICT) -> None:
        super().__init__(code, message)
