"""``StepFunctionsStarter``: starts the import state machine, one execution per import (its name)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions import SFNClient


class StepFunctionsStarter:
    def __init__(self, client: SFNClient, state_machine_arn: str) -> None:
        self._client = client
        self._arn = state_machine_arn

    def start(self, *, execution_name: str, payload: Mapping[str, Any]) -> None:
        # Step Functions itself answers a repeated start of a running execution (same name and input) with that
        # execution, and refuses one of a finished execution: either way no second execution runs.
        with contextlib.suppress(self._client.exceptions.ExecutionAlreadyExists):
            self._client.start_execution(stateMachineArn=self._arn, name=execution_name, input=json.dumps(payload))


class StepFunctionsResumer:
    """Resumes an execution paused on a task token (a manual import waiting for its selection)."""

    def __init__(self, client: SFNClient) -> None:
        self._client = client

    def resume(self, token: str) -> bool:
        errors = self._client.exceptions
        try:
            self._client.send_task_success(taskToken=token, output="{}")
        except (errors.TaskTimedOut, errors.InvalidToken, errors.TaskDoesNotExist):
            return False
        return True
