"""SyncFunction: send the year node (no ``chunk``) or one chunk of the plan to itslearning."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from edt_import.adapters import wiring
from edt_import.adapters.error_boundary import error_boundary
from edt_import.usecases.pipeline.payloads import SyncRequest
from edt_import.usecases.pipeline.settings import SyncSettings, load_settings
from edt_import.usecases.pipeline.sync_chunk import sync_chunk, sync_year_node

logger = Logger()
tracer = Tracer()
metrics = Metrics()
copy_config_to_registered_loggers(source_logger=logger, include={"edt_import"})


@logger.inject_lambda_context(correlation_id_path="import_id", clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
@error_boundary(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    settings = load_settings(SyncSettings)
    request = SyncRequest.model_validate(event)
    logger.append_keys(uai=request.uai, step="sync", chunk=request.chunk)
    work = wiring.blobs(settings.WORK_BUCKET)
    with wiring.lms(settings.ITSLEARNING_SECRET, **settings.lms_budgets()) as lms:
        if request.chunk is None:
            history = wiring.import_history(settings.IMPORTS_TABLE)
            return sync_year_node(request.ref(), now=wiring.now(), work=work, history=history, lms=lms)
        result = sync_chunk(request.ref(), request.chunk, work=work, lms=lms, batch_size=settings.LMS_BATCH_SIZE)
    metrics.add_metric(name="ActionsSucceeded", unit=MetricUnit.Count, value=result["succeeded"])
    metrics.add_metric(name="ActionsFailed", unit=MetricUnit.Count, value=result["failed"])
    logger.info("chunk synced", **result)
    return result
