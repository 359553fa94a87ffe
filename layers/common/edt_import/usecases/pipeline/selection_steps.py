"""The manual import's pause for the wizard: prepare its lists, wait for the launch, plan with the choices.

After reconciliation, ``prepare_selection`` writes the wizard's lists of a manual import not launched yet and
says whether the execution must wait; ``await_selection`` keeps the paused execution's task token with the
import and shows it as ``awaiting_selection``. An automatic import, or a manual one already launched (a re-run,
an approved hold), goes straight on. The plan step reads the launched choices with ``launched_selection``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from edt_import.domain.errors import ErrorCode, rejected
from edt_import.domain.import_ports import BlobStore, EstablishmentStore, ImportHistory, PronoteIdStore
from edt_import.domain.imports import ImportKind, ImportStatus
from edt_import.domain.selection import Selection, parse_selection
from edt_import.domain.wizard import lists_to_dict, wizard_lists
from edt_import.domain.wizard_ports import RekeyStore, TaskTokenStore
from edt_import.usecases.pipeline.codecs import decode_directory, encode_document
from edt_import.usecases.pipeline.finalize import required_record
from edt_import.usecases.pipeline.reconcile import known_pronote_ids
from edt_import.usecases.pipeline.steps import ImportRef, import_date, open_timetable, required
from edt_import.usecases.pipeline.work_keys import directory_key, launched_selection_key, wizard_key


def prepare_selection(
    ref: ImportRef,
    *,
    work: BlobStore,
    history: ImportHistory,
    establishments: EstablishmentStore,
    pronote_ids: PronoteIdStore,
    rekeys: RekeyStore,
) -> dict[str, Any]:
    """Write the wizard's lists when the import waits for its selection; ``{"wait": bool}``."""
    record = required_record(ref, history)
    if record.kind is not ImportKind.MANUAL or work.get(launched_selection_key(ref.uai, ref.import_id)) is not None:
        return {"wait": False}
    timetable = open_timetable(ref, work).timetable
    directory = decode_directory(required(work, directory_key(ref.uai, ref.import_id), "directory snapshot"))
    settings = establishments.settings(ref.uai)
    lists = wizard_lists(
        timetable,
        directory,
        known_pronote_ids=known_pronote_ids(ref.uai, pronote_ids=pronote_ids, rekeys=rekeys),
        today=import_date(record, settings.timezone),
    )
    work.put(wizard_key(ref.uai, ref.import_id), encode_document(lists_to_dict(lists)))
    return {"wait": True, "courses": len(lists.courses)}


def await_selection(
    ref: ImportRef, task_token: str, *, now: datetime, history: ImportHistory, tokens: TaskTokenStore
) -> dict[str, Any]:
    """Keep the paused execution's token (before the status: whoever sees the status can launch)."""
    tokens.put(ref.uai, ref.import_id, task_token)
    history.update(ref.uai, ref.import_id, status=ImportStatus.AWAITING_SELECTION, now=now)
    return {"status": ImportStatus.AWAITING_SELECTION.value}


def launched_selection(ref: ImportRef, work: BlobStore) -> Selection | None:
    """The choices a manual import was launched with; None for an import launched without a wizard."""
    data = work.get(launched_selection_key(ref.uai, ref.import_id))
    if data is None:
        return None
    selection = parse_selection(data)
    if not isinstance(selection, Selection):
        raise rejected(ErrorCode.INVALID_STATE, "The import's launched selection is not in the wizard's form.")
    return selection
