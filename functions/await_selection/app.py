"""AwaitSelectionFunction: a manual import waits for its launch; keep the paused execution's task token."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.utilities.typing import LambdaContext

from edt_import.adapters import wiring
from edt_import.adapters.error_boundary import error_boundary
from edt_import.usecases.pipeline.payloads import AwaitRequest
from edt_import.usecases.pipeline.selection_steps import await_selection
from edt_import.usecases.pipeline.settings import AwaitSelectionSettings, load_settings

logger = Logger()
tracer = Tracer()
metrics = Metrics()
copy_config_to_registered_loggers(source_logger=logger, include={"edt_import"})


@logger.inject_lambda_context(correlation_id_path="import_id", clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
@error_boundary(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    settings = load_settings(AwaitSelectionSettings)
    request = AwaitRequest.model_validate(event)  # the token is never logged
    logger.append_keys(uai=request.uai, step="await_selection")
    result = await_selection(
        request.ref(),
        request.task_token,
        now=wiring.now(),
        history=wiring.import_history(settings.IMPORTS_TABLE),
        tokens=wiring.task_tokens(settings.IMPORTS_TABLE),
    )
    logger.info("waiting for the selection")
    return result
