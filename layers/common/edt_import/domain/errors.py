"""Every failure the product can report: a closed set of stable codes and the exceptions carrying them.

A message is one plain sentence for a school administrator. ``details`` holds safe facts only (element
names, line numbers, counts, idents) and never a person's name, birth date or identifier.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from edt_import.domain.imports import ImportStatus


class ErrorCode(StrEnum):
    # The uploaded file is refused (nothing is written).
    NOT_AN_EXPORT = "not_an_export"
    MALFORMED_XML = "malformed_xml"
    UNSAFE_XML = "unsafe_xml"
    TOO_LARGE = "too_large"
    PARTNER_KEY_MISSING = "partner_key_missing"
    KEY_MISMATCH = "key_mismatch"
    DECRYPT_FAILED = "decrypt_failed"
    CONTENT_HASH_MISMATCH = "content_hash_mismatch"
    UNSUPPORTED_VERSION = "unsupported_version"
    UAI_MISMATCH = "uai_mismatch"
    INVALID_TIMETABLE = "invalid_timetable"
    UPLOAD_MISSING = "upload_missing"  # the export never arrived before the upload deadline
    # Inputs beside the export.
    INVALID_DIRECTORY = "invalid_directory"
    INVALID_SELECTION = "invalid_selection"
    INVALID_SUBJECTS = "invalid_subjects"
    SELECTION_TIMEOUT = "selection_timeout"  # a manual import's wizard was left without a launch
    INVALID_STATE = "invalid_state"
    INVALID_PRIVATE_KEY = "invalid_private_key"
    CONFIG_ERROR = "config_error"
    # The LMS side.
    LMS_UNAVAILABLE = "lms_unavailable"
    LMS_PROTOCOL_ERROR = "lms_protocol_error"
    IMPORT_IN_PROGRESS = "import_in_progress"
    CONCURRENT_UPDATE = "concurrent_update"  # a record changed between its read and its write: nothing written
    IMPORT_MOVED_ON = "import_moved_on"  # an import left the status a change was meant for: nothing written
    # Automatic imports (domain.md, "The automatic import").
    NO_MANUAL_IMPORT_YET = "no_manual_import_yet"
    AUTO_IMPORT_DISABLED = "auto_import_disabled"
    INVALID_AUTO_IMPORT_SETTINGS = "invalid_auto_import_settings"
    # A step of the pipeline stopped on something unforeseen (a bug, a timeout): the import can be run again.
    INTERNAL_ERROR = "internal_error"


class EdtImportError(Exception):
    """Base of every error the product reports, with a stable code for machines and a message for people."""

    def __init__(self, code: ErrorCode, message: str, details: Mapping[str, object] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details: Mapping[str, object] = dict(details or {})

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class ExportRejectedError(EdtImportError):
    """The export (or an input beside it) is refused: never retried, nothing written."""


class ConfigError(EdtImportError):
    """The product is misconfigured (missing or unreadable key, unknown school node, bad setting): an operator
    fixes it, the export is not at fault. ``code`` narrows it where one is stable (``invalid_private_key``)."""

    def __init__(
        self, message: str, details: Mapping[str, object] | None = None, *, code: ErrorCode = ErrorCode.CONFIG_ERROR
    ) -> None:
        super().__init__(code, message, details)


class LmsUnavailableError(EdtImportError):
    """itslearning did not answer usefully (connection, timeout, 5xx, throttling): transient, retried."""

    def __init__(self, message: str, details: Mapping[str, object] | None = None) -> None:
        super().__init__(ErrorCode.LMS_UNAVAILABLE, message, details)


class LmsProtocolError(EdtImportError):
    """itslearning answered something we cannot read (a fault or an unexpected body): not retried."""

    def __init__(self, message: str, details: Mapping[str, object] | None = None) -> None:
        super().__init__(ErrorCode.LMS_PROTOCOL_ERROR, message, details)


class ImportInProgressError(EdtImportError):
    """Another import of the same establishment is running."""

    def __init__(self, message: str, details: Mapping[str, object] | None = None) -> None:
        super().__init__(ErrorCode.IMPORT_IN_PROGRESS, message, details)


class ConcurrentUpdateError(EdtImportError):
    """Someone else wrote the same record between our read and our write (optimistic versioning): nothing of
    ours was written. Reading again and deciding again is safe; blindly writing again is not."""

    def __init__(
        self,
        message: str = "The import changed while this change was being saved; reload it and try again.",
        details: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(ErrorCode.CONCURRENT_UPDATE, message, details)


class StatusMovedOnError(EdtImportError):
    """The import is no longer in the status a change was meant for (``expected_status``): it moved on (ended,
    launched, expired), which is not a race, and reading it again only finds the same. ``found`` is the status it
    is in, for the caller to answer from; nothing was written. Not a ``ConcurrentUpdateError``, so that nothing
    retries it as one (the admin use cases, the state machine's retries by class name)."""

    def __init__(self, found: ImportStatus) -> None:
        super().__init__(
            ErrorCode.IMPORT_MOVED_ON,
            "The import moved on while this change was being saved; reload it to see where it stands.",
            {"status": found.value},
        )
        self.found = found


class UnexpectedError(EdtImportError):
    """Stands in, at a Lambda handler's edge, for an exception the product did not foresee: it names the type and
    the request whose log holds the frames, never the original message (``KeyError('Dupont Marie')``)."""

    def __init__(self, error_type: str, request_id: str) -> None:
        super().__init__(
            ErrorCode.INTERNAL_ERROR,
            f"An unexpected {error_type} stopped the function; its log for request {request_id} says where.",
            {"error_type": error_type, "request_id": request_id},
        )


def rejected(code: ErrorCode, message: str, **details: object) -> ExportRejectedError:
    """Shorthand for the reader and the validators: ``raise rejected(ErrorCode.X, "...", line=3)``."""
    return ExportRejectedError(code, message, details)
