"""FinalizeFunction: fold the chunks' results into the applied state, record the outcome, start the next import."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from edt_import.adapters import wiring
from edt_import.adapters.error_boundary import error_boundary
from edt_import.usecases.pipeline.finalize import finalize_import
from edt_import.usecases.pipeline.payloads import StepRequest
from edt_import.usecases.pipeline.settings import FinalizeSettings, load_settings

logger = Logger()
tracer = Tracer()
metrics = Metrics()
copy_config_to_registered_loggers(source_logger=logger, include={"edt_import"})


@logger.inject_lambda_context(correlation_id_path="import_id", clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
@error_boundary(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = StepRequest.model_validate(event)
    logger.append_keys(uai=request.uai, step="finalize")
    record = finalize_import(
        request.ref(), now=wiring.now(), stores=wiring.import_stores(**load_settings(FinalizeSettings).store_names())
    )
    metrics.add_metric(name=f"Imports{record.status.value.title().replace('_', '')}", unit=MetricUnit.Count, value=1)
    logger.info("import finished", status=record.status.value)
    return {"status": record.status.value}
