"""Each function's settings: exactly the environment variables it reads, validated once per cold start."""

from __future__ import annotations

import functools
import os
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from edt_import.domain.errors import ConfigError

S = TypeVar("S", bound="FunctionSettings")


class FunctionSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class WorkSettings(FunctionSettings):
    WORK_BUCKET: str
    IMPORTS_TABLE: str
    ESTABLISHMENTS_TABLE: str


class TurnSettings(WorkSettings):
    """Steps that end an import start the next one."""

    STATE_MACHINE_ARN: str


class IngestSettings(TurnSettings):
    PARTNER_KEY_SECRET: str
    IDEMPOTENCY_TABLE: str
    AUTO_IMPORT_QUEUE_URL: str  # a validated automatic export whose slot has come is started through it
    UPLOAD_DEADLINE_S: int = Field(ge=60, le=86400)  # an upload arriving later is refused: its import expired


class ParseSettings(WorkSettings):
    pass


class LmsSettings(WorkSettings):
    """Functions that call itslearning: their budgets keep one invocation within the function's timeout."""

    ITSLEARNING_SECRET: str
    LMS_RETRY_BUDGET_S: float = Field(ge=0)  # transient trouble retried here before the state machine's Retry
    LMS_MESSAGE_BUDGET_S: float = Field(gt=0)  # a DataService message not finished by then: retried later

    def lms_budgets(self) -> dict[str, float]:
        return {"retry_budget_s": self.LMS_RETRY_BUDGET_S, "message_budget_s": self.LMS_MESSAGE_BUDGET_S}


class ReconcileSettings(LmsSettings):
    MAPPINGS_TABLE: str


class PlanSettings(WorkSettings):
    SYNC_CHUNK_ACTIONS: int = Field(ge=1)


class SyncSettings(LmsSettings):
    LMS_BATCH_SIZE: int = Field(ge=1)  # actions per engine batch (the client spreads one over its connections)


class FinalizeSettings(TurnSettings):
    MAPPINGS_TABLE: str

    def store_names(self) -> dict[str, str]:
        """The names ``wiring.import_stores`` builds the stores of an ending import from."""
        return {
            "work_bucket": self.WORK_BUCKET,
            "imports_table": self.IMPORTS_TABLE,
            "establishments_table": self.ESTABLISHMENTS_TABLE,
            "mappings_table": self.MAPPINGS_TABLE,
            "state_machine_arn": self.STATE_MACHINE_ARN,
        }


class AutoImportSettings(TurnSettings):
    pass


class AutoImportSchedulerSettings(WorkSettings):
    AUTO_IMPORT_QUEUE_URL: str
    # How far ahead a slot is sent (delayed to it): the time to the scheduler's next run, within SQS's 900 s.
    AUTO_IMPORT_LOOKAHEAD_S: int = Field(ge=0, le=900)


class UploadExpirySettings(FunctionSettings):
    """The housekeeping sweep reads the history only."""

    IMPORTS_TABLE: str
    # How long after its creation an import may wait for its export: well beyond the upload form's own life.
    UPLOAD_DEADLINE_S: int = Field(ge=60, le=86400)


@functools.cache
def load_settings(model: type[S]) -> S:
    """The settings of ``model`` from the environment; a missing or bad variable is named, its value never shown."""
    try:
        return model.model_validate(dict(os.environ))
    except ValidationError as exc:
        names = sorted({str(error["loc"][0]) for error in exc.errors() if error["loc"]})
        raise ConfigError(f"The function is missing or has bad settings: {', '.join(names)}.") from None


class ApiSettings(TurnSettings):
    """The admin API (``functions/api``): the stores it reads, the uploads it hands out, the console's origin."""

    UPLOADS_BUCKET: str
    CONSOLE_ORIGIN: str
    UPLOAD_MAX_BYTES: int = Field(ge=1)
    UPLOAD_EXPIRY_S: int = Field(ge=1, le=3600)


class PrepareSelectionSettings(WorkSettings):
    """The wizard's lists need the IDPN mappings, as reconciliation does."""

    MAPPINGS_TABLE: str


class AwaitSelectionSettings(WorkSettings):
    pass
