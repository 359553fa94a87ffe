"""ParseFunction: read the validated timetable of an import and record what it holds."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from edt_import.adapters import wiring
from edt_import.adapters.error_boundary import error_boundary
from edt_import.usecases.pipeline.parse import parse_timetable
from edt_import.usecases.pipeline.payloads import StepRequest
from edt_import.usecases.pipeline.settings import ParseSettings, load_settings

logger = Logger()
tracer = Tracer()
metrics = Metrics()
copy_config_to_registered_loggers(source_logger=logger, include={"edt_import"})


@logger.inject_lambda_context(correlation_id_path="import_id", clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
@error_boundary(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    settings = load_settings(ParseSettings)
    request = StepRequest.model_validate(event)
    logger.append_keys(uai=request.uai, step="parse")
    result = parse_timetable(
        request.ref(),
        now=wiring.now(),
        work=wiring.blobs(settings.WORK_BUCKET),
        history=wiring.import_history(settings.IMPORTS_TABLE),
    )
    metrics.add_metric(name="LessonsRead", unit=MetricUnit.Count, value=result["lessons"])
    logger.info("timetable parsed", **result)
    return result
