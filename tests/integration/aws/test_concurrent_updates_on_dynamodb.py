"""The import record's optimistic versioning, on DynamoDB (moto) as in memory: a write that lost the race raises
``ConcurrentUpdateError`` and writes nothing, and the admin API answers it as the unit tests over the fakes say:
done once more when safe, else 409 ``concurrent_update``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from msgspec import structs

from edt_import.adapters.dynamo import DynamoImportHistory
from edt_import.adapters.dynamo.task_tokens import DynamoTaskTokenStore
from edt_import.api.services import ApiServices
from edt_import.domain.directory import PersonKey
from edt_import.domain.errors import ConcurrentUpdateError, StatusMovedOnError
from edt_import.domain.imports import ImportKind, ImportStatus, new_import
from edt_import.domain.rekeying import Rekey
from edt_import.usecases.pipeline.codecs import encode_document
from edt_import.usecases.pipeline.work_keys import rekeys_report_key
from tests.support.admin_api import ApiWorld, admin_of
from tests.support.moto_resources import create_table
from tests.support.moving_on import moving_on_after_read
from tests.support.racing_writes import racing

T0 = datetime(2027, 5, 3, 6, 0, tzinfo=UTC)
UAI = "0750001A"
IMPORT_ID = "b" * 32
APPROVAL = "0123456789ab"


class DynamoApiWorld(ApiWorld):
    """The admin API with the import history and the task tokens on the imports table (moto)."""

    table: str = ""

    def services(self) -> ApiServices:
        return structs.replace(
            super().services(), history=DynamoImportHistory(self.table), tokens=DynamoTaskTokenStore(self.table)
        )


def _dynamo_world() -> DynamoApiWorld:
    return DynamoApiWorld(table=create_table("ImportsTable", "imports"))


def _history(world: ApiWorld) -> Any:
    return world.services().history


def _with_import(world: ApiWorld, status: ImportStatus, **changes: Any) -> Any:
    history = _history(world)
    history.create(new_import(uai=UAI, import_id=IMPORT_ID, kind=ImportKind.MANUAL, now=T0, upload_key="u"))
    history.update(UAI, IMPORT_ID, status=status, now=T0, **changes)
    return history


def _step(history: Any, status: ImportStatus, **changes: Any) -> Callable[[], object]:
    return lambda: history.update(UAI, IMPORT_ID, status=status, now=T0 + timedelta(minutes=1), **changes)


def _call(world: ApiWorld, path: str) -> tuple[int, Any]:
    status, body, _ = world.call("POST", f"/establishments/{UAI}/imports/{IMPORT_ID}{path}", claims=admin_of(UAI))
    return status, body


@pytest.mark.parametrize("make", [ApiWorld, _dynamo_world], ids=["in-memory", "dynamodb"])
def test_history_update_losing_a_race_raises_concurrent_update_and_writes_nothing(
    aws: None, make: Callable[[], ApiWorld]
) -> None:
    # Given an import a step is about to write
    history = _with_import(make(), ImportStatus.PLANNING)
    # When another write lands between the update's read and its write
    with racing(history, _step(history, ImportStatus.SYNCING)), pytest.raises(ConcurrentUpdateError) as lost:
        history.update(UAI, IMPORT_ID, status=ImportStatus.FAILED, now=T0, section=("late", {"n": 1}))
    # Then the loser wrote nothing, and says so with its stable code
    assert lost.value.code == "concurrent_update"
    record = history.get(UAI, IMPORT_ID)
    assert (record.status, "late" in record.summary) == (ImportStatus.SYNCING, False)


@pytest.mark.parametrize("make", [ApiWorld, _dynamo_world], ids=["in-memory", "dynamodb"])
def test_history_update_expecting_a_status_the_import_left_says_it_moved_on_and_writes_nothing(
    aws: None, make: Callable[[], ApiWorld]
) -> None:
    # Given an import a step moved on to syncing
    history = _with_import(make(), ImportStatus.SYNCING)
    # When a change meant for a held import is written
    with pytest.raises(StatusMovedOnError) as moved_on:
        history.update(UAI, IMPORT_ID, status=ImportStatus.QUEUED, now=T0, expected_status=ImportStatus.HELD)
    # Then it is refused as moved on (not as a race), with the status found, and nothing is written
    assert not isinstance(moved_on.value, ConcurrentUpdateError)
    assert (moved_on.value.found, moved_on.value.code, moved_on.value.details) == (
        ImportStatus.SYNCING,
        "import_moved_on",
        {"status": "syncing"},
    )
    record = history.get(UAI, IMPORT_ID)
    assert (record.status, record.updated_at) == (ImportStatus.SYNCING, T0)
    # And a change meant for the status it is in lands
    moved = history.update(UAI, IMPORT_ID, status=ImportStatus.DONE, now=T0, expected_status=ImportStatus.SYNCING)
    assert moved.status is ImportStatus.DONE


@pytest.mark.parametrize("make", [ApiWorld, _dynamo_world], ids=["in-memory", "dynamodb"])
def test_history_update_expecting_a_status_still_held_but_losing_a_race_is_a_concurrent_update(
    aws: None, make: Callable[[], ApiWorld]
) -> None:
    # Given a held import, which another writer notes something on between the update's read and its write
    history = _with_import(make(), ImportStatus.HELD)
    with (
        racing(history, _step(history, ImportStatus.HELD, section=("note", {"n": 1}))),
        pytest.raises(ConcurrentUpdateError) as lost,
    ):
        history.update(UAI, IMPORT_ID, status=ImportStatus.QUEUED, now=T0, expected_status=ImportStatus.HELD)
    # Then that is a race, not a move: nothing of the loser is written, the other write kept
    assert not isinstance(lost.value, StatusMovedOnError)
    record = history.get(UAI, IMPORT_ID)
    assert (record.status, record.summary) == (ImportStatus.HELD, {"note": {"n": 1}})


def _rekeying(world: ApiWorld) -> Any:
    history = _with_import(world, ImportStatus.PLANNING)
    rekey = Rekey(pronote_id="NEW1", account=PersonKey("teacher:1"), replaces=("OLD1",))
    world.work.put(rekeys_report_key(UAI, IMPORT_ID), encode_document({"rekeys": [rekey.as_row()]}))
    return history


def test_confirm_rekey_racing_a_step_on_dynamodb_is_done_again_keeping_the_step_status(aws: None) -> None:
    world = _dynamo_world()
    history = _rekeying(world)
    with racing(history, _step(history, ImportStatus.SYNCING)):
        assert _call(world, "/confirm-rekey") == (200, {"confirmed": 1})
    record = history.get(UAI, IMPORT_ID)
    assert (record.status, record.summary["rekey"]["confirmed"]) == (ImportStatus.SYNCING, 1)


def test_confirm_rekey_losing_twice_on_dynamodb_is_409_concurrent_update(aws: None) -> None:
    world = _dynamo_world()
    history = _rekeying(world)
    with racing(history, _step(history, ImportStatus.SYNCING), _step(history, ImportStatus.DONE)):
        status, body = _call(world, "/confirm-rekey")
    assert (status, body["code"]) == (409, "concurrent_update")
    assert "rekey" not in history.get(UAI, IMPORT_ID).summary


def test_approve_losing_twice_on_dynamodb_is_409_concurrent_update_and_still_held(aws: None) -> None:
    world = _dynamo_world()
    hold = ("plan", {"hold": {"approval": APPROVAL}})
    history = _with_import(world, ImportStatus.HELD, section=hold)
    race = [_step(history, ImportStatus.HELD, section=("note", {"n": n})) for n in (1, 2)]
    with racing(history, *race):
        status, body = _call(world, "/approve")
    assert (status, body["code"]) == (409, "concurrent_update")
    assert (history.get(UAI, IMPORT_ID).status, world.starter.started) == (ImportStatus.HELD, [])
    status, body = _call(world, "/approve")
    assert (status, body["status"], body["attempt"]) == (202, "queued", 2)


def test_approve_of_an_import_superseded_after_its_read_on_dynamodb_is_409_not_held_from_one_read(aws: None) -> None:
    world = _dynamo_world()
    history = _with_import(world, ImportStatus.HELD, section=("plan", {"hold": {"approval": APPROVAL}}))
    with moving_on_after_read(history, _step(history, ImportStatus.SUPERSEDED)) as reads:
        status, body = _call(world, "/approve")
    assert (status, body["code"], reads) == (409, "import_not_held", [IMPORT_ID])
    assert (history.get(UAI, IMPORT_ID).status, world.starter.started) == (ImportStatus.SUPERSEDED, [])


def test_confirm_rekey_of_an_import_moved_on_after_its_read_on_dynamodb_keeps_the_step_status(aws: None) -> None:
    world = _dynamo_world()
    history = _rekeying(world)
    with moving_on_after_read(history, _step(history, ImportStatus.SYNCING), read=2) as reads:
        assert _call(world, "/confirm-rekey") == (200, {"confirmed": 1})
    record = history.get(UAI, IMPORT_ID)
    assert (record.status, record.summary["rekey"]["confirmed"], len(reads)) == (ImportStatus.SYNCING, 1, 2)


def test_task_token_take_racing_a_write_of_the_import_still_takes_it_once(aws: None) -> None:
    # Given an import waiting for its launch, its execution's token on the item
    world = _dynamo_world()
    history = _with_import(world, ImportStatus.AWAITING_SELECTION)
    tokens = DynamoTaskTokenStore(world.table)
    tokens.put(UAI, IMPORT_ID, "token-1")
    # When a write of the import's other fields gets in between the take's read and its save
    with racing(history, _step(history, ImportStatus.AWAITING_SELECTION, section=("note", {"n": 1}))):
        taken = tokens.take(UAI, IMPORT_ID)
    # Then the token is taken all the same, and only once; the other write kept
    assert (taken, tokens.take(UAI, IMPORT_ID)) == ("token-1", None)
    assert history.get(UAI, IMPORT_ID).summary["note"] == {"n": 1}


def test_task_token_take_racing_another_take_gives_it_to_one_caller_only(aws: None) -> None:
    world = _dynamo_world()
    history = _with_import(world, ImportStatus.AWAITING_SELECTION)
    tokens = DynamoTaskTokenStore(world.table)
    tokens.put(UAI, IMPORT_ID, "token-1")
    other: list[str | None] = []
    with racing(history, lambda: other.append(tokens.take(UAI, IMPORT_ID))):
        mine = tokens.take(UAI, IMPORT_ID)
    assert (other, mine) == (["token-1"], None)
