"""An administrator's answers to what an import reported: approving a held import, confirming re-keyings."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

import pytest

from edt_import.domain.imports import ImportRecord, ImportStatus
from edt_import.usecases.admin.errors import ConflictError
from edt_import.usecases.admin.holds import approve_import, confirm_rekeys
from edt_import.usecases.admin.selection import choose_selection, selection_of
from edt_import.usecases.pipeline.reconcile import known_pronote_ids
from tests.support.pipeline_world import NOW, PipelineWorld, college, college_imported_once, sealed_export
from tests.support.wizard_exports import reinstalled_export

IMPORT_A = "import0000a"
IMPORT_B = "import0000b"
IMPORT_C = "import0000c"


def last_started(world: PipelineWorld) -> dict[str, Any]:
    return world.starter.started[-1][1]


def held_world() -> tuple[PipelineWorld, ImportRecord]:
    """A college imported whole, then a manual import switching off all subjects but one: held."""
    world = college_imported_once(IMPORT_A)
    uai = college().uai
    world.run_to_wizard(sealed_export(), uai=uai, import_id=IMPORT_B)
    subjects = [s.code for s in selection_of(uai, IMPORT_B, stores=world.wizard).subjects]
    choose_selection(uai, IMPORT_B, disabled={"subjects": subjects[1:]}, add_subjects=[], stores=world.wizard)
    return world, world.launch(uai, IMPORT_B)


def test_held_import_frees_the_turn_and_shows_what_would_go() -> None:
    world, record = held_world()
    assert record.status is ImportStatus.HELD
    hold = record.summary["plan"]["hold"]
    assert "courses_deletions_above_threshold" in hold["reasons"]
    assert hold["deleted_courses_count"] == len(hold["deleted_courses"]) > 0
    assert len(hold["approval"]) == 12
    assert world.establishments.running_import(record.uai) is None


def test_approve_held_import_proceeds_to_done_with_the_deletions() -> None:
    # Given a held import
    world, held = held_world()
    uai = held.uai
    before = set(world.lms.content().courses)
    approve = partial(
        approve_import, now=NOW, history=world.history, establishments=world.establishments, starter=world.starter
    )
    # A code that is not the one shown changes nothing
    with pytest.raises(ConflictError) as mismatch:
        approve(uai, IMPORT_B, code="000000000000")
    assert mismatch.value.code == "approval_mismatch"
    # When the administrator approves it
    queued = approve(uai, IMPORT_B, code=held.summary["plan"]["hold"]["approval"].upper())
    assert queued.status is ImportStatus.QUEUED
    assert queued.attempt == 2
    assert world.starter.names()[-1] == f"{IMPORT_B}-attempt2"
    record = world.run_execution(last_started(world))
    # Then it goes on without a new wizard and is done: exactly the courses it showed are gone
    assert record.status is ImportStatus.DONE
    gone = before - set(world.lms.content().courses)
    assert {c["key"] for c in held.summary["plan"]["hold"]["deleted_courses"]} == gone
    assert record.summary["approval"]["code"] == held.summary["plan"]["hold"]["approval"]
    # And approving again is a conflict: it is not held any more
    with pytest.raises(ConflictError) as again:
        approve(uai, IMPORT_B, code=None)
    assert again.value.code == "import_not_held"


def test_confirm_rekey_makes_the_next_run_accept_the_new_idpns() -> None:
    # Given a college imported once, then an export where two known teachers have new IDPNs
    world = college_imported_once(IMPORT_A)
    timetable = college().timetable
    uai = timetable.uai
    world.run_to_wizard(reinstalled_export(timetable, teachers=2), uai=uai, import_id=IMPORT_B)
    # Then the import reports the two re-keyings, the teachers still matched to their accounts
    record = world.history.get(uai, IMPORT_B)
    assert record is not None
    assert record.summary["reconciliation"]["rekeys"] == 2
    users = selection_of(uai, IMPORT_B, stores=world.wizard).users
    assert [(u.matched, u.rekey) for u in users if u.rekey] == [(True, True), (True, True)]
    # When the administrator confirms them and launches
    confirmed = confirm_rekeys(uai, IMPORT_B, now=NOW, history=world.history, work=world.work, rekeys=world.rekeys)
    world.launch(uai, IMPORT_B)
    # Then the applied state and the mappings know each by the new IDPN, and the runs no longer by the old one
    state = world.states.load(uai)
    assert state is not None
    known = known_pronote_ids(uai, pronote_ids=world.pronote_ids, rekeys=world.rekeys)
    for rekey in confirmed:
        assert state.pronote_ids[rekey.pronote_id] == rekey.account
        assert world.pronote_ids.load(uai)[rekey.pronote_id] == rekey.account
        assert known[rekey.pronote_id] == rekey.account
        assert not set(rekey.replaces) & set(known)
    # And the next import of the same export reports nothing to confirm
    world.run_to_wizard(reinstalled_export(timetable, teachers=2), uai=uai, import_id=IMPORT_C)
    again = world.history.get(uai, IMPORT_C)
    assert again is not None
    assert again.summary["reconciliation"]["rekeys"] == 0
    with pytest.raises(ConflictError) as nothing:
        confirm_rekeys(uai, IMPORT_C, now=NOW, history=world.history, work=world.work, rekeys=world.rekeys)
    assert nothing.value.code == "no_rekey_to_confirm"


def test_history_same_status_again_keeps_when_it_finished_and_why_it_failed() -> None:
    # Given a failed import, finished at NOW
    world = PipelineWorld()
    uai = college().uai
    world.upload(b"<html>not an export</html>", uai=uai, import_id=IMPORT_A)
    failed = world.history.get(uai, IMPORT_A)
    assert failed is not None
    assert failed.error is not None
    # When an administrator's answer adds a section later, the status unchanged
    later = world.history.update(
        uai, IMPORT_A, status=ImportStatus.FAILED, now=NOW + timedelta(days=1), section=("note", {"n": 1})
    )
    # Then it still finished at NOW, with the same error
    assert (later.finished_at, later.error, later.summary["note"]) == (failed.finished_at, failed.error, {"n": 1})
