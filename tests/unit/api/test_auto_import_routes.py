"""The automatic-import routes: the settings and why automatic exports are refused (GET), changing them within
the guide's limits (PUT, every bad body a 422 that changes nothing), and the refusal at import creation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from edt_import.domain.auto_import import AutoImportSchedule
from edt_import.domain.imports import ImportKind, ImportStatus, new_import
from tests.support.admin_api import NOW, UAI, ApiWorld, admin_of, machine_of
from tests.support.auto_import_api import with_completed_manual_import

AUTO_IMPORT = f"/establishments/{UAI}/auto-import"
IMPORTS = f"/establishments/{UAI}/imports"
ADMIN = admin_of(UAI)
SETTINGS = {"enabled": True, "first_run": "07:30", "interval_hours": 6, "max_per_day": 2}


def test_get_auto_import_before_any_manual_import_is_unavailable_with_the_reason() -> None:
    status, body, _ = ApiWorld().call("GET", AUTO_IMPORT, claims=ADMIN)
    assert status == 200
    assert body["available"] is False
    assert body["reason"]["code"] == "no_manual_import_yet"
    assert "manual import" in body["reason"]["message"]
    assert {k: body[k] for k in ("enabled", "first_run", "interval_hours", "max_per_day", "timezone")} == {
        "enabled": True,
        "first_run": "08:00",
        "interval_hours": 4,
        "max_per_day": 4,
        "timezone": "Europe/Paris",
    }
    assert body["next_slot"] is None


@pytest.mark.parametrize("outcome", [ImportStatus.DONE, ImportStatus.DONE_WITH_ERRORS])
def test_get_auto_import_after_a_completed_manual_import_is_available(outcome: ImportStatus) -> None:
    world = ApiWorld()
    with_completed_manual_import(world, UAI, status=outcome)
    status, body, _ = world.call("GET", AUTO_IMPORT, claims=ADMIN)
    assert status == 200
    assert (body["available"], body["reason"]) == (True, None)
    assert body["next_slot"] == NOW.isoformat()  # 11:30 in Paris: past 08:00, none started today
    assert (body["waiting_import_id"], body["started_today"]) == (None, 0)


def test_get_auto_import_after_a_failed_manual_import_only_is_still_unavailable() -> None:
    world = ApiWorld()
    with_completed_manual_import(world, UAI, status=ImportStatus.FAILED)
    _, body, _ = world.call("GET", AUTO_IMPORT, claims=ADMIN)
    assert body["reason"]["code"] == "no_manual_import_yet"


def test_get_auto_import_shows_the_waiting_export_and_its_slot() -> None:
    # Given an automatic import started at 08:00 (Paris) and another waiting
    world = ApiWorld()
    with_completed_manual_import(world, UAI)
    started = NOW - timedelta(hours=1, minutes=30)  # 08:00 in Paris
    for import_id, status in (("auto0800aa", ImportStatus.PARSING), ("auto0900aa", ImportStatus.QUEUED)):
        world.history.create(
            new_import(uai=UAI, import_id=import_id, kind=ImportKind.AUTOMATIC, now=started, upload_key="")
        )
        world.history.update(UAI, import_id, status=ImportStatus.QUEUED, now=started)
        world.history.update(UAI, import_id, status=status, now=started)
    # Then the next slot is 12:00 in Paris
    _, body, _ = world.call("GET", AUTO_IMPORT, claims=ADMIN)
    assert body["waiting_import_id"] == "auto0900aa"
    assert body["started_today"] == 1
    assert body["next_slot"] == (started + timedelta(hours=4)).isoformat()


def test_put_auto_import_stores_the_settings_and_answers_them() -> None:
    world = ApiWorld()
    with_completed_manual_import(world, UAI)
    status, body, _ = world.call("PUT", AUTO_IMPORT, claims=ADMIN, body=SETTINGS)
    assert status == 200
    assert {k: body[k] for k in SETTINGS} == SETTINGS
    assert world.establishments.auto_import(UAI) == AutoImportSchedule(
        first_run=AutoImportSchedule().first_run.replace(hour=7, minute=30), interval_hours=6, max_per_day=2
    )
    _, again, _ = world.call("GET", AUTO_IMPORT, claims=ADMIN)
    assert again == body


def test_put_auto_import_switched_off_refuses_automatic_exports() -> None:
    world = ApiWorld()
    with_completed_manual_import(world, UAI)
    _, body, _ = world.call("PUT", AUTO_IMPORT, claims=ADMIN, body={**SETTINGS, "enabled": False})
    assert (body["available"], body["reason"]["code"]) == (False, "auto_import_disabled")
    status, refused, _ = world.call("POST", IMPORTS, claims=machine_of(UAI), body={"kind": "automatic"})
    assert (status, refused["code"]) == (409, "auto_import_disabled")


@pytest.mark.parametrize(
    "body",
    [
        {**SETTINGS, "interval_hours": 3},
        {**SETTINGS, "interval_hours": 25},
        {**SETTINGS, "max_per_day": 5},
        {**SETTINGS, "max_per_day": 0},
        {**SETTINGS, "first_run": "8:00"},
        {**SETTINGS, "first_run": "24:00"},
        {**SETTINGS, "first_run": "08:00:00"},
        {**SETTINGS, "enabled": "sometimes"},
        {**SETTINGS, "every": "day"},
        {k: v for k, v in SETTINGS.items() if k != "max_per_day"},
        None,
    ],
    ids=[
        "interval-3", "interval-25", "max-5", "max-0", "one-digit-hour", "hour-24", "seconds", "enabled-text",
        "extra-field", "missing-field", "no-body",
    ],
)  # fmt: skip
def test_put_auto_import_beyond_the_limits_is_422_and_changes_nothing(body: object) -> None:
    world = ApiWorld()
    status, answer, _ = world.call("PUT", AUTO_IMPORT, claims=ADMIN, body=body)
    assert (status, answer["code"]) == (422, "invalid_request")
    assert set(answer) == {"code", "message"}
    assert world.establishments.auto_import(UAI) == AutoImportSchedule()


def test_post_automatic_import_before_any_manual_import_is_409_and_creates_nothing() -> None:
    world = ApiWorld()
    status, body, _ = world.call("POST", IMPORTS, claims=machine_of(UAI), body={"kind": "automatic"})
    assert (status, body["code"]) == (409, "no_manual_import_yet")
    assert world.history.records == {}
    assert world.signer.signed == []


def test_post_manual_import_is_never_refused_by_the_automatic_rules() -> None:
    world = ApiWorld()
    world.establishments.save_auto_import(UAI, AutoImportSchedule(enabled=False))
    status, _, _ = world.call("POST", IMPORTS, claims=ADMIN, body={"kind": "manual"})
    assert status == 201
