"""The manual import's pause on the local stack: the real ASL waits on its task token after reconciling, goes on
with the administrator's choices once launched, and an abandoned wizard times out and frees the turn."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from local_stack import LocalStack, StackOptions

from edt_import.adapters import wiring
from edt_import.domain.imports import ImportRecord, ImportStatus
from edt_import.usecases.admin.selection import choose_selection, selection_of
from edt_import.usecases.pipeline.turns import execution_name
from tests.support.local_pipeline import generated_site

NOW = datetime(2027, 5, 3, 6, 0, tzinfo=UTC)
SELECTION_TIMEOUT_S = 12  # short here, to see an abandoned wizard end


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    options = StackOptions(
        now=NOW,
        parameters={"SelectionTimeoutSeconds": str(SELECTION_TIMEOUT_S), "LmsRetryIntervalSeconds": "1"},
        environment={"LMS_RETRY_BUDGET_S": "0"},
    )
    with LocalStack(options) as started:
        yield started


def test_wizard_execution_waits_for_the_launch_then_imports_the_choices(stack: LocalStack, tmp_path: Path) -> None:
    # Given a manual import uploaded through a presigned URL
    with generated_site(stack, tmp_path, seed=31) as site:
        import_id = site.upload(site.export)
        # When it has been reconciled
        waiting = stack.wait_for(site.uai, import_id, launch=False, timeout_s=300)
        # Then its execution is paused on the task token, nothing was sent, the token is not in the history
        assert waiting.status is ImportStatus.AWAITING_SELECTION
        arn = stack.ref("ImportStateMachine").replace(":stateMachine:", ":execution:") + f":{import_id}"
        assert stack.client("stepfunctions").describe_execution(executionArn=arn)["status"] == "RUNNING"
        assert site.standin.stats()["courses"] == 0
        assert "token" not in repr(waiting).lower()
        # When the administrator switches a subject off and launches
        stores = stack.wizard_stores()
        subject = selection_of(site.uai, import_id, stores=stores).subjects[0].code
        view = choose_selection(site.uai, import_id, disabled={"subjects": [subject]}, add_subjects=[], stores=stores)
        kept = sum(c.enabled for c in view.courses)
        stack.launch(site.uai, import_id)
        done = stack.wait_for(site.uai, import_id, timeout_s=300)
        # Then the execution went on from its plan step and imported only the courses left enabled
        assert done.status is ImportStatus.DONE
        assert done.summary["plan"]["actions"]["create_course"] == kept
        assert site.standin.stats()["courses"] == kept
        state = wiring.applied_states(stack.ref("WorkBucket"), stack.ref("EstablishmentsTable")).load(site.uai)
        assert state is not None
        assert state.selection is not None
        assert subject in state.selection.subjects.disabled
        states = [
            e["stateEnteredEventDetails"]["name"]
            for e in stack.execution_history(done)
            if e["type"].endswith("StateEntered")
        ]
        assert states[:6] == ["Parse", "Reconcile", "PrepareSelection", "NeedsSelection", "AwaitSelection", "Plan"]


def test_wizard_left_waiting_times_out_fails_with_its_code_and_frees_the_turn(
    stack: LocalStack, tmp_path: Path
) -> None:
    # Given a manual import waiting for its selection, and a second one queued behind it
    with generated_site(stack, tmp_path, seed=32) as site:
        first = site.upload(site.export)
        stack.wait_for(site.uai, first, launch=False, timeout_s=300)
        second = site.upload(site.export)
        # When nobody launches it
        abandoned = _finished(stack, site.uai, first, timeout_s=SELECTION_TIMEOUT_S + 120)
        # Then it fails with selection_timeout, and the queued import takes the turn
        assert abandoned.status is ImportStatus.FAILED
        assert abandoned.error is not None
        assert abandoned.error.code == "selection_timeout"
        assert (
            stack.client("stepfunctions").describe_execution(
                executionArn=stack.ref("ImportStateMachine").replace(":stateMachine:", ":execution:")
                + f":{execution_name(abandoned)}"
            )["status"]
            == "FAILED"
        )
        nxt = stack.wait_for(site.uai, second, launch=False, timeout_s=300)
        assert nxt.status is ImportStatus.AWAITING_SELECTION
        assert site.standin.stats()["courses"] == 0


def _finished(stack: LocalStack, uai: str, import_id: str, *, timeout_s: float) -> ImportRecord:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        record = stack.history().get(uai, import_id)
        # The record is written before the execution's last state ends: wait for both
        if record is not None and record.finished and stack.execution_over(record):
            return record
        time.sleep(0.2)
    raise TimeoutError(f"import {import_id} did not end in {timeout_s:.0f} s")
