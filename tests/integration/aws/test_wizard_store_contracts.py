"""The wizard's ports held to one behaviour: each in-memory fake and its AWS adapter on moto."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from moto.core import config as moto_config

from edt_import.adapters.dynamo import DynamoImportHistory
from edt_import.adapters.dynamo.task_tokens import DynamoTaskTokenStore
from edt_import.adapters.sfn import StepFunctionsResumer
from edt_import.domain.imports import ImportKind, ImportRecord, ImportStatus
from tests.support.moto_resources import REGION, create_table
from tests.support.wizard_fakes import InMemoryTaskTokenStore

UAI = "0214773Z"
T0 = datetime(2027, 5, 3, 6, 0, tzinfo=UTC)


def _dynamo_tokens() -> DynamoTaskTokenStore:
    table = create_table("ImportsTable", "imports")
    history = DynamoImportHistory(table)
    record = ImportRecord(
        uai=UAI,
        import_id="import0001",
        kind=ImportKind.MANUAL,
        status=ImportStatus.UPLOADED,
        created_at=T0,
        updated_at=T0,
    )
    history.create(record)
    return DynamoTaskTokenStore(table)


@pytest.mark.parametrize("make", [InMemoryTaskTokenStore, _dynamo_tokens], ids=["in-memory", "dynamodb"])
def test_task_token_store_gives_the_token_once(aws: None, make: Callable[[], Any]) -> None:
    # Given a token kept for an import
    tokens = make()
    assert tokens.take(UAI, "import0001") is None
    tokens.put(UAI, "import0001", "tok-1")
    # When it is taken twice / Then only the first gets it
    assert tokens.take(UAI, "import0001") == "tok-1"
    assert tokens.take(UAI, "import0001") is None
    assert tokens.take(UAI, "nosuchimport") is None


def test_dynamo_task_token_survives_history_updates_and_never_shows_in_the_record(aws: None) -> None:
    # Given a kept token
    tokens = _dynamo_tokens()
    history = DynamoImportHistory("imports")
    tokens.put(UAI, "import0001", "tok-secret")
    # When the history moves the import on
    record = history.update(UAI, "import0001", status=ImportStatus.AWAITING_SELECTION, now=T0)
    # Then the token is still there to take, and the record never carries it
    assert "tok-secret" not in repr(record)
    assert "tok-secret" not in repr(history.get(UAI, "import0001"))
    assert tokens.take(UAI, "import0001") == "tok-secret"


def test_step_functions_resumer_unknown_token_is_not_resumed(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # (the executing backend checks tokens; the default one accepts anything)
    monkeypatch.setitem(moto_config.default_user_config["stepfunctions"], "execute_state_machine", True)
    resumer = StepFunctionsResumer(boto3.client("stepfunctions", region_name=REGION))
    assert resumer.resume("AAAAKgAAAAIAAAAAAAAAAQ-not-a-token") is False
