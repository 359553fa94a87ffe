"""What the state machine hands each step (ids only), validated where it enters a handler."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from edt_import.usecases.pipeline.steps import ImportRef

_UAI = r"^[0-9A-Z]{8}$"
_IMPORT_ID = r"^[0-9A-Za-z_-]{8,64}$"


class StepRequest(BaseModel):
    # The state machine's payload grows as steps add their small results: those are ignored here.
    model_config = ConfigDict(frozen=True, extra="ignore")

    uai: str = Field(pattern=_UAI)
    import_id: str = Field(pattern=_IMPORT_ID)
    attempt: int = Field(default=1, ge=1)

    def ref(self) -> ImportRef:
        return ImportRef(uai=self.uai, import_id=self.import_id, attempt=self.attempt)


class SyncRequest(StepRequest):
    chunk: int | None = Field(default=None, ge=0)  # None: the year node


class FailureRequest(StepRequest):
    error: dict[str, Any]


class AutoImportMessage(BaseModel):
    """An automatic import whose slot has come: start the establishment's queued imports."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    uai: str = Field(pattern=_UAI)


class AwaitRequest(StepRequest):
    """A manual import pausing for its selection: the execution's task token, kept to resume it."""

    task_token: str = Field(min_length=1, max_length=8192, repr=False)
