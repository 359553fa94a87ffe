"""Each pipeline port, its in-memory fake and its AWS adapter on moto held to the same behaviour."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from edt_import.adapters.dynamo import DynamoEstablishmentStore, DynamoImportHistory, DynamoPronoteIdStore
from edt_import.adapters.s3 import S3BlobStore
from edt_import.adapters.sfn import StepFunctionsStarter
from edt_import.domain.directory import PersonKey
from edt_import.domain.import_ports import EstablishmentSettings
from edt_import.domain.imports import ImportFailure, ImportKind, ImportRecord, ImportStatus, queue_positions
from tests.support.moto_resources import REGION, create_bucket, create_table
from tests.support.pipeline_fakes import (
    InMemoryBlobStore,
    InMemoryEstablishmentStore,
    InMemoryExecutionStarter,
    InMemoryImportHistory,
    InMemoryPronoteIdStore,
)

T0 = datetime(2027, 5, 3, 6, 0, tzinfo=UTC)
UAI = "0214773Z"


def _record(import_id: str, created: datetime) -> ImportRecord:
    return ImportRecord(
        uai=UAI,
        import_id=import_id,
        kind=ImportKind.MANUAL,
        status=ImportStatus.UPLOADED,
        created_at=created,
        updated_at=created,
        upload_key=f"uploads/{UAI}/{import_id}.xml",
    )


def _blobs_s3() -> S3BlobStore:
    return S3BlobStore(boto3.client("s3", region_name=REGION), create_bucket("work"))


@pytest.mark.parametrize("make", [InMemoryBlobStore, _blobs_s3], ids=["in-memory", "s3"])
def test_blob_store_puts_gets_lists_and_deletes(aws: None, make: Callable[[], Any]) -> None:
    # Given an empty store
    blobs = make()
    # When objects are written under two prefixes and one is deleted
    blobs.put("imports/A/1/chunks/00001.json", b"one")
    blobs.put("imports/A/1/chunks/00000.json", b"zero")
    blobs.put("state/A.json", b"state")
    blobs.delete("imports/A/1/chunks/00001.json")
    blobs.delete("never/written")
    # Then reads give the bytes back, a missing key is None, listing is by prefix and sorted
    assert blobs.get("imports/A/1/chunks/00000.json") == b"zero"
    assert blobs.get("imports/A/1/chunks/00001.json") is None
    assert blobs.keys("imports/A/1/") == ["imports/A/1/chunks/00000.json"]
    assert blobs.keys("state/") == ["state/A.json"]


@pytest.mark.parametrize(
    "make",
    [InMemoryImportHistory, lambda: DynamoImportHistory(create_table("ImportsTable", "imports"))],
    ids=["in-memory", "dynamodb"],
)
def test_import_history_records_each_step_and_lists_newest_first(aws: None, make: Callable[[], Any]) -> None:
    # Given two imports of one establishment
    history = make()
    assert history.create(_record("import000a", T0))
    assert history.create(_record("import000b", T0 + timedelta(minutes=1)))
    # When one is created again, and each moves on
    assert not history.create(_record("import000a", T0 + timedelta(hours=1)))
    history.update(UAI, "import000a", status=ImportStatus.QUEUED, now=T0 + timedelta(seconds=1))
    history.update(UAI, "import000b", status=ImportStatus.QUEUED, now=T0 + timedelta(minutes=2))
    parsed = history.update(
        UAI,
        "import000a",
        status=ImportStatus.PARSING,
        now=T0 + timedelta(seconds=2),
        section=("timetable", {"lessons": 3}),
    )
    failed = history.update(
        UAI,
        "import000a",
        status=ImportStatus.FAILED,
        now=T0 + timedelta(seconds=3),
        error=ImportFailure(code="lms_unavailable", message="itslearning does not answer."),
    )
    # Then the record keeps its creation, its sections, its queue time and its outcome
    assert parsed.summary == {"timetable": {"lessons": 3}}
    stored = history.get(UAI, "import000a")
    assert stored == failed
    assert stored.created_at == T0
    assert stored.queued_at == T0 + timedelta(seconds=1)
    assert stored.finished_at == T0 + timedelta(seconds=3)
    assert stored.error == ImportFailure(code="lms_unavailable", message="itslearning does not answer.")
    assert stored.summary == {"timetable": {"lessons": 3}}
    assert [r.import_id for r in history.list(UAI)] == ["import000b", "import000a"]
    assert queue_positions(history.list(UAI)) == {"import000b": 1}
    assert history.get(UAI, "unknown000") is None
    assert history.list("0000000A") == []


@pytest.mark.parametrize(
    "make",
    [InMemoryEstablishmentStore, lambda: DynamoEstablishmentStore(create_table("EstablishmentsTable", "est"))],
    ids=["in-memory", "dynamodb"],
)
def test_establishment_store_gives_one_turn_at_a_time_and_keeps_settings(aws: None, make: Callable[[], Any]) -> None:
    # Given an establishment never configured
    store = make()
    assert store.settings(UAI) == EstablishmentSettings(uai=UAI)
    # When one import claims the turn, another tries, and the first ends
    assert store.claim_turn(UAI, "import000a")
    assert store.claim_turn(UAI, "import000a")  # claiming again is harmless
    assert not store.claim_turn(UAI, "import000b")
    store.release_turn(UAI, "import000b")  # not its turn: nothing happens
    assert store.running_import(UAI) == "import000a"
    store.release_turn(UAI, "import000a")
    # Then the turn is free for the next one, and settings and the state index are kept apart from it
    assert store.running_import(UAI) is None
    assert store.claim_turn(UAI, "import000b")
    store.save_settings(EstablishmentSettings(uai=UAI, partner="EDT-PARTNER", timezone="Indian/Reunion"))
    store.record_state(UAI, key="state/0214773Z.json", saved_at=T0, figures={"courses": 3})
    assert store.settings(UAI) == EstablishmentSettings(uai=UAI, partner="EDT-PARTNER", timezone="Indian/Reunion")
    assert store.state_index(UAI) == {"key": "state/0214773Z.json", "saved_at": T0, "figures": {"courses": 3}}
    assert store.running_import(UAI) == "import000b"


@pytest.mark.parametrize(
    "make",
    [InMemoryPronoteIdStore, lambda: DynamoPronoteIdStore(create_table("MappingsTable", "mappings"))],
    ids=["in-memory", "dynamodb"],
)
def test_pronote_id_store_adds_and_replaces_mappings_per_establishment(aws: None, make: Callable[[], Any]) -> None:
    store = make()
    store.save(UAI, {"P1": PersonKey("acc-1"), "P2": PersonKey("acc-2")})
    store.save(UAI, {"P2": PersonKey("acc-9")})
    store.save("0000000A", {"P1": PersonKey("other")})
    assert store.load(UAI) == {"P1": "acc-1", "P2": "acc-9"}
    assert store.load("0999999Z") == {}


class _SfnStarter(StepFunctionsStarter):
    def __init__(self) -> None:
        self.client = boto3.client("stepfunctions", region_name=REGION)
        iam = boto3.client("iam", region_name=REGION)
        role = iam.create_role(RoleName="sfn", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        definition = '{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}'
        self.arn = self.client.create_state_machine(name="import", definition=definition, roleArn=role)[
            "stateMachineArn"
        ]
        super().__init__(self.client, self.arn)

    def names(self) -> list[str]:
        executions = self.client.list_executions(stateMachineArn=self.arn)["executions"]
        return sorted(execution["name"] for execution in executions)


@pytest.mark.parametrize("make", [InMemoryExecutionStarter, _SfnStarter], ids=["in-memory", "stepfunctions"])
def test_execution_starter_starts_each_name_once(aws: None, make: Callable[[], Any]) -> None:
    # Given a state machine / When one import's execution is started twice, then its second attempt
    starter = make()
    first = {"uai": UAI, "import_id": "import000a", "attempt": 1}
    starter.start(execution_name="import000a", payload=first)
    starter.start(execution_name="import000a", payload=first)
    starter.start(execution_name="import000a-attempt2", payload={**first, "attempt": 2})
    # Then each name ran once
    assert sorted(starter.names()) == ["import000a", "import000a-attempt2"]
