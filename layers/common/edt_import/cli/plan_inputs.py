"""Files named on the command line → the planner's inputs (shared by ``plan`` and ``sync``)."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from edt_import.domain.container import DEFAULT_LIMITS
from edt_import.domain.errors import ConfigError, ErrorCode, rejected
from edt_import.domain.occurrences import zone_named
from edt_import.usecases.plan_inputs import PlanInputs, RawPlanInputs, open_plan_inputs


def read_file(path: str | None, what: str) -> bytes | None:
    """The file's bytes, None without a path; an unreadable file is a configuration error naming the path."""
    if path is None:
        return None
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(f"The {what} file {path} cannot be read ({exc.strerror}).") from exc


def read_export_file(path: str) -> bytes:
    try:
        size = Path(path).stat().st_size
    except OSError as exc:
        raise ConfigError(f"The export file {path} cannot be read ({exc.strerror}).") from exc
    limit = DEFAULT_LIMITS.max_upload_bytes
    if size > limit:  # refused before loading it
        raise rejected(
            ErrorCode.TOO_LARGE, "The file is larger than the import accepts.", size_bytes=size, limit_bytes=limit
        )
    data = read_file(path, "export")
    return data if data is not None else b""


def load_plan_inputs(args: argparse.Namespace) -> PlanInputs:
    """Open the export and the optional files beside it, as named by the shared export arguments."""
    return open_plan_inputs(
        RawPlanInputs(
            export=read_export_file(args.file),
            private_key=read_file(args.key, "private key"),
            partner=args.partner,
            expected_uai=args.uai,
            allow_any_version=args.allow_any_version,
            directory_csv=read_file(getattr(args, "directory", None), "directory"),
            selection_json=read_file(getattr(args, "selection", None), "selection"),
            previous_state_json=read_file(getattr(args, "previous", None), "previous state"),
        )
    )


def import_date(text: str | None, timezone: str) -> date:
    """``--today`` as a date, by default today in the establishment's time zone."""
    zone: ZoneInfo = zone_named(timezone)
    if text is None:
        return datetime.now(tz=zone).date()
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ConfigError(f"The import date {text} is not a YYYY-MM-DD date.") from exc
