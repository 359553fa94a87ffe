"""AutoImportSchedulerFunction: every quarter of an hour (EventBridge), send each establishment whose waiting
automatic import's slot comes before the next run to the automatic-import queue, delayed to its slot."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from edt_import.adapters import wiring
from edt_import.adapters.error_boundary import error_boundary
from edt_import.usecases.pipeline.auto_imports import enqueue_due
from edt_import.usecases.pipeline.settings import AutoImportSchedulerSettings, load_settings

logger = Logger()
tracer = Tracer()
metrics = Metrics()
copy_config_to_registered_loggers(source_logger=logger, include={"edt_import"})


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
@error_boundary(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    settings = load_settings(AutoImportSchedulerSettings)
    outcome = enqueue_due(
        now=wiring.now(),
        lookahead_s=settings.AUTO_IMPORT_LOOKAHEAD_S,
        work=wiring.blobs(settings.WORK_BUCKET),
        history=wiring.import_history(settings.IMPORTS_TABLE),
        establishments=wiring.establishments(settings.ESTABLISHMENTS_TABLE),
        queue=wiring.auto_import_queue(settings.AUTO_IMPORT_QUEUE_URL),
    )
    metrics.add_metric(name="AutoImportSlotsSent", unit=MetricUnit.Count, value=len(outcome.sent))
    logger.info("automatic import slots sent", sent=len(outcome.sent), refused=len(outcome.refused))
    return {"sent": sorted(outcome.sent), "refused": list(outcome.refused)}
