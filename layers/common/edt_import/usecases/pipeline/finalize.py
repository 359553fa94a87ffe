"""The end of an import: fold the chunks' results into the applied state, record the outcome, pass the turn.

Run on success (finalize) and on failure (the failure step) alike, so what itslearning confirmed is never
lost: a re-run plans against it and sends only the rest. An import is ``done`` only when every planned
action was confirmed; anything failed or not attempted makes it ``done_with_errors`` (or ``failed``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from edt_import.domain.applied_state import AppliedState
from edt_import.domain.directory import PersonKey
from edt_import.domain.errors import EdtImportError, ErrorCode
from edt_import.domain.import_ports import BlobStore, ImportHistory, ImportStores
from edt_import.domain.imports import ImportFailure, ImportRecord, ImportStatus
from edt_import.domain.plan import ActionType
from edt_import.usecases.apply_plan import synchronised_people
from edt_import.usecases.pipeline.codecs import decode_actions, decode_document, decode_year_node
from edt_import.usecases.pipeline.steps import ImportRef, required
from edt_import.usecases.pipeline.turns import end_turn
from edt_import.usecases.pipeline.work_keys import chunk_key, plan_key, result_key

_OUR_ERRORS = frozenset({EdtImportError.__name__, *(cls.__name__ for cls in EdtImportError.__subclasses__())})
_CODES = frozenset(code.value for code in ErrorCode)


@dataclass(slots=True)
class SyncTally:
    succeeded: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    year_node_ok: bool = True

    @property
    def complete(self) -> bool:
        return self.year_node_ok and not sum(self.failed.values()) and not sum(self.skipped.values())

    def figures(self) -> dict[str, Any]:
        by_type = {
            t.value: {
                "succeeded": self.succeeded[t.value],
                "failed": self.failed[t.value],
                "skipped": self.skipped[t.value],
            }
            for t in ActionType
        }
        return {
            "succeeded": sum(self.succeeded.values()),
            "failed": sum(self.failed.values()),
            "skipped": sum(self.skipped.values()),
            "year_node": "ok" if self.year_node_ok else "failed",
            "by_type": by_type,
        }


def fold_results(ref: ImportRef, ports: ImportStores) -> SyncTally | None:
    """Apply every chunk's confirmed actions to the applied state and save it; None before any plan."""
    meta_data = ports.work.get(plan_key(ref.uai, ref.import_id))
    if meta_data is None:
        return None
    meta = decode_document(meta_data, "plan")
    tally = SyncTally()
    state = ports.states.load(ref.uai) or AppliedState(uai=ref.uai)
    if meta["year_node_changed"]:
        node_result = ports.work.get(result_key(ref.uai, ref.import_id, None))
        tally.year_node_ok = node_result is not None and bool(decode_document(node_result, "year node result")["ok"])
        if tally.year_node_ok:
            state.year_node = decode_year_node(meta["year_node"])
    for chunk in range(int(meta["chunks"])):
        _fold_chunk(ref, chunk, ports.work, state, tally)
    new_ids = _confirmed_pronote_ids(meta["pronote_ids"], state)
    state.pronote_ids.update(new_ids)
    ports.states.save(state)
    if new_ids:
        ports.pronote_ids.save(ref.uai, new_ids)
    return tally


def _fold_chunk(ref: ImportRef, chunk: int, work: BlobStore, state: AppliedState, tally: SyncTally) -> None:
    actions = decode_actions(required(work, chunk_key(ref.uai, ref.import_id, chunk), "plan chunk"))
    data = work.get(result_key(ref.uai, ref.import_id, chunk))
    if data is None:  # never ran: the year node failed, or the import stopped before this chunk
        tally.skipped.update(a.type.value for a in actions)
        return
    result = decode_document(data, "chunk result")
    confirmed = set(result["confirmed"])
    succeeded = [a for a in actions if a.key in confirmed]
    state.record(succeeded)
    tally.succeeded.update(a.type.value for a in succeeded)
    for type_name, counts in result["report"]["actions"].items():
        if isinstance(counts, dict):
            tally.failed[type_name] += counts["failed"]
            tally.skipped[type_name] += counts["skipped"]


def _confirmed_pronote_ids(planned: Mapping[str, str], state: AppliedState) -> dict[str, PersonKey]:
    """Mappings for accounts the state now holds (a mapping to someone never synchronised would outlive them)."""
    pending = {idpn: PersonKey(key) for idpn, key in planned.items() if state.pronote_ids.get(idpn) != key}
    if not pending:
        return {}
    people = synchronised_people(state)
    return {idpn: key for idpn, key in pending.items() if key in people}


def finalize_import(ref: ImportRef, *, now: datetime, ports: ImportStores) -> ImportRecord:
    tally = fold_results(ref, ports)
    if tally is None:  # a held plan: nothing was sent
        record = required_record(ref, ports.history)
    else:
        status = ImportStatus.DONE if tally.complete else ImportStatus.DONE_WITH_ERRORS
        record = ports.history.update(ref.uai, ref.import_id, status=status, now=now, section=("sync", tally.figures()))
    end_turn(record, history=ports.history, establishments=ports.establishments, starter=ports.starter)
    return record


def record_failure(ref: ImportRef, error: Mapping[str, Any], *, now: datetime, ports: ImportStores) -> ImportRecord:
    """The state machine caught an error: keep what was applied, end the import as ``failed`` with its code."""
    tally = fold_results(ref, ports)
    section = ("sync", tally.figures()) if tally is not None else None
    failure = failure_from(error)
    record = ports.history.update(
        ref.uai, ref.import_id, status=ImportStatus.FAILED, now=now, section=section, error=failure
    )
    end_turn(record, history=ports.history, establishments=ports.establishments, starter=ports.starter)
    return record


def failure_from(error: Mapping[str, Any]) -> ImportFailure:
    """The stable code and sentence of a caught error; the cause's own words only for our errors (never data)."""
    name = str(error.get("Error", ""))
    try:
        cause = json.loads(str(error.get("Cause") or "{}"))
    except ValueError:
        cause = {}
    message = str(cause.get("errorMessage", "")) if isinstance(cause, dict) else ""
    code, _, text = message.partition(": ")
    if name in _OUR_ERRORS and code in _CODES:
        return ImportFailure(code=code, message=text)
    return ImportFailure(
        code=ErrorCode.INTERNAL_ERROR.value,
        message="The import stopped on an unexpected error; what was applied is kept and it can be run again.",
    )


def required_record(ref: ImportRef, history: ImportHistory) -> ImportRecord:
    record = history.get(ref.uai, ref.import_id)
    if record is None:
        raise LookupError("the import has no history record")
    return record
