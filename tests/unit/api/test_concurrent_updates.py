"""An administrator's write racing a pipeline step's write of the same import record (versioned): done once more
when deciding again is safe, else 409 ``concurrent_update`` asking to reload and retry; never a 500, and never a
status put back to what it was before the step. An import a step moved on before the write read it is no race: the
answer comes from the status the refused write found, without reading the import again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from edt_import.domain.imports import ImportFailure, ImportStatus
from tests.support.admin_api import ApiWorld, admin_of, api_over
from tests.support.moving_on import moving_on_after_read
from tests.support.pipeline_world import NOW, PipelineWorld, college, college_imported_once, sealed_export
from tests.support.racing_writes import racing
from tests.support.wizard_exports import reinstalled_export

IMPORT_A = "import0000a"
IMPORT_B = "import0000b"
LATER = NOW + timedelta(minutes=1)


def call(api: ApiWorld, uai: str, method: str, path: str, body: object = None) -> tuple[int, Any]:
    status, answer, _ = api.call(method, f"/establishments/{uai}{path}", claims=admin_of(uai), body=body)
    return status, answer


def imported_once() -> tuple[PipelineWorld, str]:
    return college_imported_once(IMPORT_A), college().uai


def rekeying_launched() -> tuple[PipelineWorld, ApiWorld, str]:
    """A second import reporting two re-keyings, launched: its plan step is about to write the record."""
    world, uai = imported_once()
    world.run_to_wizard(reinstalled_export(college().timetable, teachers=2), uai=uai, import_id=IMPORT_B)
    api = api_over(world)
    assert call(api, uai, "POST", f"/imports/{IMPORT_B}/launch")[0] == 202
    return world, api, uai


def held() -> tuple[PipelineWorld, ApiWorld, str]:
    """A second import switching off all subjects but one: held by the deletion guard."""
    world, uai = imported_once()
    world.run_to_wizard(sealed_export(), uai=uai, import_id=IMPORT_B)
    api = api_over(world)
    subjects = [s["code"] for s in call(api, uai, "GET", f"/imports/{IMPORT_B}/selection")[1]["subjects"]]
    call(api, uai, "PUT", f"/imports/{IMPORT_B}/selection", {"disabled": {"subjects": subjects[1:]}})
    call(api, uai, "POST", f"/imports/{IMPORT_B}/launch")
    (record,) = world.run_resumed()
    assert record.status is ImportStatus.HELD
    return world, api, uai


def step_moves_on(world: PipelineWorld, uai: str, status: ImportStatus, **changes: Any) -> Any:
    return lambda: world.history.update(uai, IMPORT_B, status=status, now=LATER, **changes)


def test_confirm_rekey_racing_a_step_is_done_again_and_keeps_the_step_status() -> None:
    # Given a launched import reporting re-keyings
    world, api, uai = rekeying_launched()
    # When its plan step moves it on between the confirmation's read and its write
    with racing(world.history, step_moves_on(world, uai, ImportStatus.SYNCING)):
        answer = call(api, uai, "POST", f"/imports/{IMPORT_B}/confirm-rekey")
    # Then the confirmation lands, and the record keeps the step's status
    assert answer == (200, {"confirmed": 2})
    record = world.history.get(uai, IMPORT_B)
    assert record is not None
    assert (record.status, record.summary["rekey"]["confirmed"]) == (ImportStatus.SYNCING, 2)


def test_confirm_rekey_losing_twice_is_409_concurrent_update_and_notes_nothing() -> None:
    # Given a launched import reporting re-keyings, whose steps write it twice during the confirmation
    world, api, uai = rekeying_launched()
    race = (step_moves_on(world, uai, ImportStatus.PLANNING), step_moves_on(world, uai, ImportStatus.SYNCING))
    # When the administrator confirms
    with racing(world.history, *race):
        status, body = call(api, uai, "POST", f"/imports/{IMPORT_B}/confirm-rekey")
    # Then the answer asks to reload and retry, and the history holds the steps' writes only
    assert (status, body["code"]) == (409, "concurrent_update")
    assert "reload" in body["message"]
    record = world.history.get(uai, IMPORT_B)
    assert record is not None
    assert (record.status, "rekey" in record.summary) == (ImportStatus.SYNCING, False)
    # And once reloaded, the confirmation goes through
    assert call(api, uai, "POST", f"/imports/{IMPORT_B}/confirm-rekey") == (200, {"confirmed": 2})


def test_approve_racing_a_write_that_keeps_it_held_is_done_again() -> None:
    world, api, uai = held()
    with racing(world.history, step_moves_on(world, uai, ImportStatus.HELD, section=("note", {"n": 1}))):
        status, body = call(api, uai, "POST", f"/imports/{IMPORT_B}/approve")
    assert (status, body["status"], body["attempt"]) == (202, "queued", 2)
    assert world.starter.names()[-1] == f"{IMPORT_B}-attempt2"


def test_approve_racing_a_write_that_ends_the_import_is_409_not_held_and_queues_nothing() -> None:
    world, api, uai = held()
    started = len(world.starter.started)
    failure = ImportFailure(code="internal_error", message="The import stopped.")
    with racing(world.history, step_moves_on(world, uai, ImportStatus.FAILED, error=failure)):
        status, body = call(api, uai, "POST", f"/imports/{IMPORT_B}/approve")
    assert (status, body["code"]) == (409, "import_not_held")
    record = world.history.get(uai, IMPORT_B)
    assert record is not None
    assert (record.status, record.attempt) == (ImportStatus.FAILED, 1)
    assert len(world.starter.started) == started


@pytest.mark.parametrize("writes", [2, 3])
def test_approve_losing_twice_is_409_concurrent_update(writes: int) -> None:
    world, api, uai = held()
    race = [step_moves_on(world, uai, ImportStatus.HELD, section=("note", {"n": n})) for n in range(writes)]
    with racing(world.history, *race):
        status, body = call(api, uai, "POST", f"/imports/{IMPORT_B}/approve")
    assert (status, body["code"]) == (409, "concurrent_update")
    record = world.history.get(uai, IMPORT_B)
    assert record is not None
    assert record.status is ImportStatus.HELD


def test_launch_losing_twice_is_409_concurrent_update_and_a_retry_launches() -> None:
    # Given a manual import at its wizard, written twice by someone else during the launch
    world, uai = imported_once()
    world.run_to_wizard(sealed_export(), uai=uai, import_id=IMPORT_B)
    api = api_over(world)
    race = [step_moves_on(world, uai, ImportStatus.AWAITING_SELECTION, section=("note", {"n": n})) for n in (1, 2)]
    # When the administrator launches it
    with racing(world.history, *race):
        status, body = call(api, uai, "POST", f"/imports/{IMPORT_B}/launch")
    # Then it is not launched, and a retry (the execution's token kept) launches it to done
    assert (status, body["code"]) == (409, "concurrent_update")
    assert world.resumer.resumed == []
    assert call(api, uai, "POST", f"/imports/{IMPORT_B}/launch")[1]["status"] == "planning"
    (record,) = world.run_resumed()
    assert record.status is ImportStatus.DONE


def test_approve_of_an_import_that_ended_after_its_read_is_409_not_held_from_one_read() -> None:
    # Given a held import, superseded by a newer one just after the approval read it
    world, api, uai = held()
    started = len(world.starter.started)
    with moving_on_after_read(world.history, step_moves_on(world, uai, ImportStatus.SUPERSEDED)) as reads:
        # When the administrator approves it
        status, body = call(api, uai, "POST", f"/imports/{IMPORT_B}/approve")
    # Then the answer is that it is not held, known from the refused write: the import was read once
    assert (status, body["code"], body["message"]) == (
        409,
        "import_not_held",
        "This import is not held by the deletion guard.",
    )
    assert reads == [IMPORT_B]
    record = world.history.get(uai, IMPORT_B)
    assert record is not None
    assert (record.status, record.attempt, "approval" in record.summary) == (ImportStatus.SUPERSEDED, 1, False)
    assert len(world.starter.started) == started


def test_launch_of_an_import_that_ended_after_its_read_is_409_not_awaiting_selection_and_resumes_nothing() -> None:
    # Given a manual import at its wizard whose wait for a launch times out just after the launch read it
    world, uai = imported_once()
    world.run_to_wizard(sealed_export(), uai=uai, import_id=IMPORT_B)
    api = api_over(world)
    timeout = ImportFailure(code="selection_timeout", message="The selection was not launched in time.")
    ends = step_moves_on(world, uai, ImportStatus.FAILED, error=timeout)
    with moving_on_after_read(world.history, ends) as reads:
        # When the administrator launches it
        status, body = call(api, uai, "POST", f"/imports/{IMPORT_B}/launch")
    # Then the answer says it waits no more and what it is now, as a later read would; nothing is resumed
    assert (status, body["code"]) == (409, "import_not_awaiting_selection")
    assert body["message"] == "This import is not waiting for its selection (it is échec)."
    assert reads == [IMPORT_B]
    assert world.resumer.resumed == []
    record = world.history.get(uai, IMPORT_B)
    assert record is not None
    assert (record.status, "selection" in record.summary) == (ImportStatus.FAILED, False)


def test_confirm_rekey_of_an_import_moved_on_after_its_read_is_noted_under_the_new_status_without_reading_again() -> (
    None
):
    # Given a launched import reporting re-keyings, which its plan step moves on just after the note read it
    world, api, uai = rekeying_launched()
    with moving_on_after_read(world.history, step_moves_on(world, uai, ImportStatus.SYNCING), read=2) as reads:
        # When the administrator confirms
        answer = call(api, uai, "POST", f"/imports/{IMPORT_B}/confirm-rekey")
    # Then the confirmation lands under the step's status, taken from the refused write, not from another read
    assert answer == (200, {"confirmed": 2})
    assert reads == [IMPORT_B, IMPORT_B]  # the existence check, then the note's read
    record = world.history.get(uai, IMPORT_B)
    assert record is not None
    assert (record.status, record.summary["rekey"]["confirmed"]) == (ImportStatus.SYNCING, 2)
