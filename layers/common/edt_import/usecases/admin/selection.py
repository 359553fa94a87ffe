"""The manual import's wizard through the admin API: its lists, the administrator's choices, the launch.

The lists come from what the pipeline prepared after reconciliation (``wizard.json``); the choices are kept as a
draft with the import until the launch, which keeps them with the import for its plan step and resumes the paused
execution. The establishment's selection has one home, its applied state: an import that completes records there
the selection it ran with (``sync_chunks.finalize_sync``); automatic imports re-apply it and the next wizard opens
with it. A launched import that fails changes neither.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum

from msgspec import Struct

from edt_import.domain.errors import ConcurrentUpdateError, StatusMovedOnError
from edt_import.domain.import_ports import BlobStore, ImportHistory
from edt_import.domain.imports import ImportRecord, ImportStatus
from edt_import.domain.ports import AppliedStateStore
from edt_import.domain.selection import Selection, parse_selection
from edt_import.domain.wizard import (
    WizardLists,
    WizardView,
    checked_selection,
    checked_subject_codes,
    default_selection,
    lists_from_dict,
    stored_selection,
    wizard_view,
)
from edt_import.domain.wizard_ports import ExecutionResumer, SubjectReferentialStore, TaskTokenStore
from edt_import.usecases.admin.conflicts import retried_once_on_conflict
from edt_import.usecases.admin.errors import ConflictError, NotFoundError
from edt_import.usecases.admin.imports import import_record
from edt_import.usecases.pipeline.codecs import decode_document
from edt_import.usecases.pipeline.work_keys import launched_selection_key, selection_draft_key, wizard_key


class WizardErrorCode(StrEnum):
    NOT_AWAITING_SELECTION = "import_not_awaiting_selection"
    SELECTION_NOT_READY = "selection_not_ready"
    ALREADY_LAUNCHED = "import_already_launched"
    SELECTION_EXPIRED = "selection_expired"


class WizardStores(Struct, frozen=True, kw_only=True):
    """What the wizard's use cases read and write."""

    history: ImportHistory
    work: BlobStore
    states: AppliedStateStore  # read only: the selection of the establishment's last completed import
    referentials: SubjectReferentialStore


def selection_of(uai: str, import_id: str, *, stores: WizardStores) -> WizardView:
    """The wizard's lists under the choices made so far (or those of the last manual import)."""
    record = import_record(uai, import_id, stores.history)
    lists = _lists(record, stores.work)
    return wizard_view(lists, _current_choices(record, lists, stores), stores.referentials.load(uai) or frozenset())


def choose_selection(
    uai: str,
    import_id: str,
    *,
    disabled: Mapping[str, Iterable[str]],
    add_subjects: Iterable[str],
    stores: WizardStores,
) -> WizardView:
    """Record the administrator's choices (all lists at once) and add subjects to the referential."""
    record = _awaiting(import_record(uai, import_id, stores.history))
    lists = _lists(record, stores.work)
    selection = checked_selection(lists, disabled)
    added = checked_subject_codes(lists, add_subjects)
    stores.work.put(selection_draft_key(uai, import_id), selection.to_json().encode("utf-8"))
    referential = stores.referentials.load(uai) or frozenset()
    if added - referential:
        referential = referential | added
        stores.referentials.save(uai, referential)
    return wizard_view(lists, selection, referential)


def launch_import(
    uai: str,
    import_id: str,
    *,
    now: datetime,
    stores: WizardStores,
    tokens: TaskTokenStore,
    resumer: ExecutionResumer,
) -> ImportRecord:
    """Go on with the chosen selection: keep it with the import, then resume the execution."""
    record = _awaiting(import_record(uai, import_id, stores.history))
    lists = _lists(record, stores.work)
    selection = _current_choices(record, lists, stores)
    token = tokens.take(uai, import_id)
    if token is None:  # another launch took it a moment ago
        raise ConflictError("This import has been launched already.", WizardErrorCode.ALREADY_LAUNCHED)
    stored = stored_selection(lists, selection)
    figures = {
        "subjects_disabled": len(stored.subjects.disabled),
        "classes_disabled": len(stored.classes.disabled),
        "groups_disabled": len(stored.groups.disabled),
        "courses_enabled": len(stored.courses.enabled),
        "courses_disabled": len(stored.courses.disabled),
        "launched_at": now.isoformat(),
    }
    # The status first: once resumed, the plan step writes the record too. Written only if the import still
    # awaits its selection, so once more after a racing write; if that too loses, the token goes back for a retry.
    try:
        launched = retried_once_on_conflict(
            lambda: stores.history.update(
                uai,
                import_id,
                status=ImportStatus.PLANNING,
                now=now,
                section=("selection", figures),
                expected_status=ImportStatus.AWAITING_SELECTION,
            )
        )
    except ConcurrentUpdateError:
        tokens.put(uai, import_id, token)
        raise
    except StatusMovedOnError as moved:  # it ended meanwhile (timed out, superseded): no launch can use the token
        raise _not_awaiting(moved.found) from None
    stores.work.put(launched_selection_key(uai, import_id), selection.to_json().encode("utf-8"))
    if not resumer.resume(token):
        raise ConflictError(
            "This import waited too long for its launch and has stopped; upload the export again.",
            WizardErrorCode.SELECTION_EXPIRED,
        )
    return launched


def _awaiting(record: ImportRecord) -> ImportRecord:
    if record.status is not ImportStatus.AWAITING_SELECTION:
        raise _not_awaiting(record.status)
    return record


def _not_awaiting(status: ImportStatus) -> ConflictError:
    return ConflictError(
        f"This import is not waiting for its selection (it is {status.label_fr.lower()}).",
        WizardErrorCode.NOT_AWAITING_SELECTION,
    )


def _lists(record: ImportRecord, work: BlobStore) -> WizardLists:
    data = work.get(wizard_key(record.uai, record.import_id))
    if data is None:
        if record.status is ImportStatus.AWAITING_SELECTION:  # the working data expired
            raise NotFoundError("The lists of this import are not kept any more; upload the export again.")
        raise ConflictError(
            "This import has no selection to show: only a manual import has one, once its people are reconciled.",
            WizardErrorCode.SELECTION_NOT_READY,
        )
    return lists_from_dict(decode_document(data, "wizard lists"))


def _current_choices(record: ImportRecord, lists: WizardLists, stores: WizardStores) -> Selection:
    """The launched choices, else the draft, else those of the establishment's last completed import."""
    for key in (
        launched_selection_key(record.uai, record.import_id),
        selection_draft_key(record.uai, record.import_id),
    ):
        data = stores.work.get(key)
        if data is not None:
            chosen = parse_selection(data)
            if isinstance(chosen, Selection):
                return chosen
    return default_selection(lists, stores.states.load_selection(record.uai))
