"""The end of an import: fold the chunks' results into the applied state, record the outcome, pass the turn.

Run on success (finalize) and on failure (the failure step) alike, so what itslearning confirmed is never
lost: a re-run plans against it and sends only the rest. An import is ``done`` only when every planned
action was confirmed; anything failed or not attempted makes it ``done_with_errors`` (or ``failed``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from msgspec import Struct, field

from edt_import.domain.directory import PersonKey
from edt_import.domain.errors import EdtImportError, ErrorCode
from edt_import.domain.import_ports import BlobStore, ImportHistory, ImportStores
from edt_import.domain.imports import ImportFailure, ImportRecord, ImportStatus
from edt_import.domain.plan import Action, ActionType, Plan
from edt_import.domain.selection import StoredSelection
from edt_import.usecases.pipeline.codecs import decode_actions, decode_document, decode_year_node
from edt_import.usecases.pipeline.steps import ImportRef, required
from edt_import.usecases.pipeline.turns import end_turn
from edt_import.usecases.pipeline.work_keys import chunk_key, plan_key, result_key
from edt_import.usecases.sync_chunks import Confirmed, finalize_sync

_CODES = frozenset(code.value for code in ErrorCode)


class SyncTally(Struct):
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


def fold_results(ref: ImportRef, stores: ImportStores, *, completed: bool) -> SyncTally | None:
    """Fold every chunk's confirmations into the applied state and save it (``finalize_sync``; its selection only
    when the import ``completed``); None before a plan."""
    meta_data = stores.work.get(plan_key(ref.uai, ref.import_id))
    if meta_data is None:
        return None
    meta = decode_document(meta_data, "plan")
    tally = SyncTally()
    confirmed: list[Confirmed] = []
    if meta["year_node_changed"]:
        node_result = _result(stores.work, result_key(ref.uai, ref.import_id, None))
        node_confirmed = Confirmed.from_dict(node_result["confirmed"]) if node_result else Confirmed()
        tally.year_node_ok = node_confirmed.year_node
        confirmed.append(node_confirmed)
    actions: list[Action] = []
    for chunk in range(int(meta["chunks"])):
        chunk_actions = decode_actions(required(stores.work, chunk_key(ref.uai, ref.import_id, chunk), "plan chunk"))
        actions.extend(chunk_actions)
        result = _result(stores.work, result_key(ref.uai, ref.import_id, chunk))
        confirmed.append(_tally_chunk(chunk_actions, result, tally))
    pronote_ids = {idpn: PersonKey(key) for idpn, key in meta["pronote_ids"].items()}
    node = decode_year_node(meta["year_node"])
    selection = StoredSelection.from_dict(meta["selection"]) if meta.get("selection") else None
    plan = Plan(
        uai=ref.uai,
        year_node=node,
        actions=tuple(actions),
        pronote_ids=pronote_ids,
        selection=selection,
        planned_on=date.fromisoformat(meta["planned_on"]) if "planned_on" in meta else None,
        fingerprints={str(key): str(value) for key, value in meta.get("fingerprints", {}).items()},
    )
    known = stores.pronote_ids.load(ref.uai)
    state = finalize_sync(plan, confirmed, store=stores.states, completed=completed)
    new_ids = {idpn: key for idpn, key in state.pronote_ids.items() if known.get(idpn) != key}
    if new_ids:
        stores.pronote_ids.save(ref.uai, new_ids)
    return tally


def _result(work: BlobStore, key: str) -> dict[str, Any] | None:
    data = work.get(key)
    return decode_document(data, "chunk result") if data is not None else None


def _tally_chunk(actions: list[Action], result: dict[str, Any] | None, tally: SyncTally) -> Confirmed:
    if result is None:  # never ran: the year node failed, or the import stopped before this chunk
        tally.skipped.update(a.type.value for a in actions)
        return Confirmed()
    confirmed = Confirmed.from_dict(result["confirmed"])
    tally.succeeded.update(a.type.value for a in actions if a in confirmed)
    report = result["report"]
    if report is None:  # stopped mid-run (killed): what is not confirmed was not done
        tally.skipped.update(a.type.value for a in actions if a not in confirmed)
        return confirmed
    for type_name, counts in report["actions"].items():
        if isinstance(counts, dict):
            tally.failed[type_name] += counts["failed"]
            tally.skipped[type_name] += counts["skipped"]
    return confirmed


def finalize_import(ref: ImportRef, *, now: datetime, stores: ImportStores) -> ImportRecord:
    tally = fold_results(ref, stores, completed=True)  # done, or done with errors: either way the import completed
    if tally is None:  # a held plan: nothing was sent
        record = required_record(ref, stores.history)
    else:
        status = ImportStatus.DONE if tally.complete else ImportStatus.DONE_WITH_ERRORS
        record = stores.history.update(
            ref.uai, ref.import_id, status=status, now=now, section=("sync", tally.figures())
        )
    end_turn(record, now=now, history=stores.history, establishments=stores.establishments, starter=stores.starter)
    return record


def record_failure(ref: ImportRef, error: Mapping[str, Any], *, now: datetime, stores: ImportStores) -> ImportRecord:
    """The state machine caught an error: keep what was applied, end the import as ``failed`` with its code. Its
    selection is not kept: the establishment's stays that of its last completed import."""
    tally = fold_results(ref, stores, completed=False)
    section = ("sync", tally.figures()) if tally is not None else None
    failure = failure_from(error)
    record = stores.history.update(
        ref.uai, ref.import_id, status=ImportStatus.FAILED, now=now, section=section, error=failure
    )
    end_turn(record, now=now, history=stores.history, establishments=stores.establishments, starter=stores.starter)
    return record


def _our_error_names() -> set[str]:
    """The names of ``EdtImportError`` and of all its subclasses, at any depth, wherever they were defined."""
    names, pending = set(), [EdtImportError]
    while pending:
        kind = pending.pop()
        names.add(kind.__name__)
        pending.extend(kind.__subclasses__())
    return names


def failure_from(error: Mapping[str, Any]) -> ImportFailure:
    """The stable code and sentence of a caught error; the cause's own words only for our errors (never data)."""
    name = str(error.get("Error", ""))
    try:
        cause = json.loads(str(error.get("Cause") or "{}"))
    except ValueError:
        cause = {}
    message = str(cause.get("errorMessage", "")) if isinstance(cause, dict) else ""
    code, _, text = message.partition(": ")
    # An UnexpectedError's sentence (its type, a request id) is for the operators: the history says what follows.
    if name in _our_error_names() and code in _CODES and code != ErrorCode.INTERNAL_ERROR:
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
