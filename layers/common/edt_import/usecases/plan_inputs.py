"""Open everything a plan needs from raw bytes: the export (with its key), the directory, the selection, the state.

Shared by the ``plan`` and ``sync`` commands and by the plan step, which fetch the bytes their own way.
"""

from __future__ import annotations

from msgspec import Struct

from edt_import.domain.applied_state import AppliedState
from edt_import.domain.container import DEFAULT_LIMITS, ReaderLimits
from edt_import.domain.directory import DirectoryPerson
from edt_import.domain.directory_csv import read_directory_csv
from edt_import.domain.errors import ErrorCode, rejected
from edt_import.domain.export_reader import read_export
from edt_import.domain.private_key import load_private_key
from edt_import.domain.selection import AnySelection, parse_selection
from edt_import.domain.state_encoding import decode_state
from edt_import.domain.timetable import Export


class RawPlanInputs(Struct, frozen=True, kw_only=True):
    export: bytes
    private_key: bytes | None = None
    partner: str = "ITSLEARNING"
    expected_uai: str | None = None
    allow_any_version: bool = False
    directory_csv: bytes | None = None
    selection_json: bytes | None = None
    previous_state_json: bytes | None = None
    limits: ReaderLimits = DEFAULT_LIMITS


class PlanInputs(Struct, frozen=True, kw_only=True):
    export: Export
    directory: tuple[DirectoryPerson, ...] | None  # None: the caller reads persons from itslearning
    selection: AnySelection | None
    previous: AppliedState | None


def open_plan_inputs(raw: RawPlanInputs) -> PlanInputs:
    """Validate every input before any work starts; each refusal carries its own error code."""
    key = load_private_key(raw.private_key) if raw.private_key is not None else None
    directory = read_directory_csv(raw.directory_csv) if raw.directory_csv is not None else None
    selection = parse_selection(raw.selection_json) if raw.selection_json is not None else None
    previous = decode_state(raw.previous_state_json) if raw.previous_state_json is not None else None
    export = read_export(
        raw.export,
        private_key=key,
        partner=raw.partner,
        expected_uai=raw.expected_uai,
        allow_any_version=raw.allow_any_version,
        limits=raw.limits,
    )
    if previous is not None and previous.uai != export.timetable.uai:
        raise rejected(
            ErrorCode.INVALID_STATE, "The saved import state belongs to another establishment than the export."
        )
    return PlanInputs(export=export, directory=directory, selection=selection, previous=previous)
