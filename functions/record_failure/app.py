"""RecordFailureFunction: a step failed for good; keep what was applied and end the import as ``failed``."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from edt_import.adapters import wiring
from edt_import.adapters.error_boundary import error_boundary
from edt_import.usecases.pipeline.finalize import record_failure
from edt_import.usecases.pipeline.payloads import FailureRequest
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
    settings = load_settings(FinalizeSettings)
    request = FailureRequest.model_validate(event)
    logger.append_keys(uai=request.uai, step="record_failure")
    record = record_failure(
        request.ref(), request.error, now=wiring.now(), stores=wiring.import_stores(**settings.store_names())
    )
    error_code = record.error.code if record.error is not None else None
    metrics.add_metric(name="ImportsFailed", unit=MetricUnit.Count, value=1)
    logger.info("import failed", error_code=error_code)
    return {"status": record.status.value, "error_code": error_code}
