"""The wizard's routes through the resolver, over the pipeline's in-memory world: the lists of a waiting manual
import, the choices, the launch, approving a held import, confirming re-keyings, the subject referential."""

from __future__ import annotations

from typing import Any

import pytest

from edt_import.domain.imports import ImportStatus
from tests.support.admin_api import ApiWorld, admin_of, api_over
from tests.support.pipeline_world import PipelineWorld, college, college_imported_once, sealed_export
from tests.support.wizard_exports import reinstalled_export

IMPORT_A = "import0000a"
IMPORT_B = "import0000b"


def waiting() -> tuple[PipelineWorld, ApiWorld, str]:
    """A college's manual import at its wizard, and the API over the same stores."""
    world = PipelineWorld(launch_manual=False)
    uai = college().uai
    world.run_to_wizard(sealed_export(), uai=uai, import_id=IMPORT_A)
    return world, api_over(world), uai


def call(api: ApiWorld, uai: str, method: str, path: str, body: object = None) -> tuple[int, Any]:
    status, answer, _ = api.call(method, f"/establishments/{uai}{path}", claims=admin_of(uai), body=body)
    return status, answer


def test_get_selection_of_a_waiting_import_gives_its_lists() -> None:
    _, api, uai = waiting()
    status, body = call(api, uai, "GET", f"/imports/{IMPORT_A}/selection")
    assert status == 200
    assert (body["status"], body["status_label"]) == ("awaiting_selection", "En attente de sélection")
    assert {s["code"] for s in body["subjects"]} == {s.code for s in college().timetable.subjects.values()}
    assert {s["status"] for s in body["subjects"]} == {"unknown"}
    assert body["courses"]
    assert all(c["enabled"] and c["switched_off_by"] is None for c in body["courses"])
    assert {u["role"] for u in body["users"]} == {"teacher", "student"}
    assert any(not u["matched"] and u["reason"] == "not_found" for u in body["users"])
    assert body["disabled"] == {"subjects": [], "classes": [], "groups": [], "courses": []}


def test_put_selection_then_launch_imports_without_the_disabled_subject() -> None:
    # Given the administrator switches a subject off and adds another to the referential
    world, api, uai = waiting()
    _, lists = call(api, uai, "GET", f"/imports/{IMPORT_A}/selection")
    off, added = lists["subjects"][0]["code"], lists["subjects"][1]["code"]
    choice = {"disabled": {"subjects": [off]}, "add_subjects": [added]}
    status, body = call(api, uai, "PUT", f"/imports/{IMPORT_A}/selection", choice)
    assert status == 200
    assert {s["code"]: s["status"] for s in body["subjects"]}[off] == "disabled"
    assert {s["code"]: s["status"] for s in body["subjects"]}[added] == "recognised"
    assert body["disabled"]["subjects"] == [off]
    assert call(api, uai, "GET", "/subjects") == (200, {"codes": [added]})
    # When it is launched
    status, launched = call(api, uai, "POST", f"/imports/{IMPORT_A}/launch")
    assert (status, launched["status"], launched["attempt"]) == (202, "planning", 1)
    (record,) = world.run_resumed()
    # Then the import is done without any course of that subject
    assert record.status is ImportStatus.DONE
    landed = world.lms.content().courses.values()
    assert landed
    assert off not in {course.code for course in landed}
    # And a second launch is a conflict, and the choices can no longer change
    assert call(api, uai, "POST", f"/imports/{IMPORT_A}/launch")[1]["code"] == "import_not_awaiting_selection"
    status, refused = call(api, uai, "PUT", f"/imports/{IMPORT_A}/selection", {})
    assert (status, refused["code"]) == (409, "import_not_awaiting_selection")


@pytest.mark.parametrize(
    ("choice", "status", "code"),
    [
        ({"disabled": {"classes": ["NO-SUCH-CLASS"]}}, 400, "invalid_selection"),
        ({"add_subjects": ["NOSUCHSUBJECT"]}, 400, "invalid_subjects"),
        ({"disabled": {"rooms": ["A101"]}}, 422, "invalid_request"),
        ({"disabled": {"subjects": "MATHS"}}, 422, "invalid_request"),
        ({"disabled": {"subjects": [""]}}, 422, "invalid_request"),
        ({"selection": {}}, 422, "invalid_request"),
    ],
    ids=["unknown-class", "unknown-subject-added", "unknown-list", "not-a-list", "empty-name", "extra-field"],
)
def test_put_selection_refuses_a_bad_choice_and_keeps_nothing(choice: object, status: int, code: str) -> None:
    _, api, uai = waiting()
    answer_status, answer = call(api, uai, "PUT", f"/imports/{IMPORT_A}/selection", choice)
    assert (answer_status, answer["code"]) == (status, code)
    assert set(answer) == {"code", "message"}
    assert call(api, uai, "GET", f"/imports/{IMPORT_A}/selection")[1]["disabled"]["classes"] == []
    assert call(api, uai, "GET", "/subjects") == (200, {"codes": []})


def test_selection_of_an_unknown_import_is_404_and_of_an_unreconciled_one_409() -> None:
    world, api, uai = waiting()
    status, body = call(api, uai, "GET", "/imports/nosuchimport/selection")
    assert (status, body["code"]) == (404, "not_found")
    world.upload(sealed_export(), uai=uai, import_id=IMPORT_B)  # queued behind the waiting one
    status, body = call(api, uai, "GET", f"/imports/{IMPORT_B}/selection")
    assert (status, body["code"]) == (409, "selection_not_ready")


def test_approve_releases_a_held_import_and_confirm_rekey_needs_one_reported() -> None:
    # Given a first import done, then a manual import switching off all subjects but one: held
    world = college_imported_once(IMPORT_A)
    uai = college().uai
    world.run_to_wizard(sealed_export(), uai=uai, import_id=IMPORT_B)
    api = api_over(world)
    subjects = [s["code"] for s in call(api, uai, "GET", f"/imports/{IMPORT_B}/selection")[1]["subjects"]]
    call(api, uai, "PUT", f"/imports/{IMPORT_B}/selection", {"disabled": {"subjects": subjects[1:]}})
    call(api, uai, "POST", f"/imports/{IMPORT_B}/launch")
    (held,) = world.run_resumed()
    assert held.status is ImportStatus.HELD
    # And its summary shows what would be deleted, with the approval code
    hold = call(api, uai, "GET", f"/imports/{IMPORT_B}")[1]["plan"]["hold"]
    assert hold["deleted_courses_count"] == len(hold["deleted_courses"]) > 0
    assert hold["approval"] == held.summary["plan"]["hold"]["approval"]
    # When approved with another code, then without one
    status, body = call(api, uai, "POST", f"/imports/{IMPORT_B}/approve", {"code": "0123456789ab"})
    assert (status, body["code"]) == (409, "approval_mismatch")
    status, body = call(api, uai, "POST", f"/imports/{IMPORT_B}/approve")
    assert (status, body["status"], body["attempt"]) == (202, "queued", 2)
    # Then it runs again and is done
    record = world.run_execution(world.starter.started[-1][1])
    assert record.status is ImportStatus.DONE
    assert call(api, uai, "POST", f"/imports/{IMPORT_B}/approve")[1]["code"] == "import_not_held"
    # And an import that reported no re-keying has nothing to confirm
    status, body = call(api, uai, "POST", f"/imports/{IMPORT_B}/confirm-rekey")
    assert (status, body["code"]) == (409, "no_rekey_to_confirm")


def test_subject_referential_put_replaces_it_and_refuses_a_bad_code() -> None:
    api = ApiWorld()
    uai = "0750001A"
    assert call(api, uai, "PUT", "/subjects", {"codes": ["MATHS", " FRANC ", "MATHS"]}) == (
        200,
        {"codes": ["FRANC", "MATHS"]},
    )
    status, body = call(api, uai, "PUT", "/subjects", {"codes": ["HIGEO", "   "]})
    assert (status, body["code"]) == (400, "invalid_subjects")
    status, body = call(api, uai, "PUT", "/subjects", {"codes": "MATHS"})
    assert (status, body["code"]) == (422, "invalid_request")
    assert call(api, uai, "GET", "/subjects") == (200, {"codes": ["FRANC", "MATHS"]})


def test_confirm_rekey_through_the_api_accepts_the_new_pronote_ids() -> None:
    # Given a college imported once, then an export where three known teachers have new IDPNs, at its wizard
    world = college_imported_once(IMPORT_A)
    timetable = college().timetable
    uai = timetable.uai
    world.run_to_wizard(reinstalled_export(timetable, teachers=3), uai=uai, import_id=IMPORT_B)
    api = api_over(world)
    # Then the import's summary and its users say so
    assert call(api, uai, "GET", f"/imports/{IMPORT_B}")[1]["rekey"] == {"count": 3, "confirmed": False}
    users = call(api, uai, "GET", f"/imports/{IMPORT_B}/selection")[1]["users"]
    assert [(u["role"], u["matched"]) for u in users if u["rekey"]] == [("teacher", True)] * 3
    # When the administrator confirms, then launches
    assert call(api, uai, "POST", f"/imports/{IMPORT_B}/confirm-rekey") == (200, {"confirmed": 3})
    assert call(api, uai, "GET", f"/imports/{IMPORT_B}")[1]["rekey"] == {"count": 3, "confirmed": True}
    call(api, uai, "POST", f"/imports/{IMPORT_B}/launch")
    (record,) = world.run_resumed()
    # Then the import is done and the new ids are the known ones
    assert record.status is ImportStatus.DONE
    state = world.states.load(uai)
    assert state is not None
    assert {f"NEW{ident}" for ident in sorted(timetable.teachers)[:3]} <= set(state.pronote_ids)


def test_get_selection_proposes_the_choices_of_the_last_completed_import() -> None:
    # Given a first manual import launched through the API with a subject off, and done
    world, api, uai = waiting()
    _, lists = call(api, uai, "GET", f"/imports/{IMPORT_A}/selection")
    off = lists["subjects"][0]["code"]
    assert call(api, uai, "PUT", f"/imports/{IMPORT_A}/selection", {"disabled": {"subjects": [off]}})[0] == 200
    assert call(api, uai, "POST", f"/imports/{IMPORT_A}/launch")[0] == 202
    (record,) = world.run_resumed()
    assert record.status is ImportStatus.DONE
    # When the next manual import reaches its wizard
    world.run_to_wizard(sealed_export(), uai=uai, import_id=IMPORT_B)
    status, body = call(api, uai, "GET", f"/imports/{IMPORT_B}/selection")
    # Then it proposes that subject off, as the applied state recorded it
    assert status == 200
    assert body["disabled"]["subjects"] == [off]
    assert {s["code"]: s["status"] for s in body["subjects"]}[off] == "disabled"
