"""ReconcileFunction: read the establishment's accounts from itslearning and match the timetable's people."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from edt_import.adapters import wiring
from edt_import.adapters.error_boundary import error_boundary
from edt_import.usecases.pipeline.payloads import StepRequest
from edt_import.usecases.pipeline.reconcile import reconcile_people
from edt_import.usecases.pipeline.settings import ReconcileSettings, load_settings

logger = Logger()
tracer = Tracer()
metrics = Metrics()
copy_config_to_registered_loggers(source_logger=logger, include={"edt_import"})


@logger.inject_lambda_context(correlation_id_path="import_id", clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
@error_boundary(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    settings = load_settings(ReconcileSettings)
    request = StepRequest.model_validate(event)
    logger.append_keys(uai=request.uai, step="reconcile")
    with wiring.lms(settings.ITSLEARNING_SECRET, **settings.lms_budgets()) as lms:
        result = reconcile_people(
            request.ref(),
            now=wiring.now(),
            work=wiring.blobs(settings.WORK_BUCKET),
            history=wiring.import_history(settings.IMPORTS_TABLE),
            establishments=wiring.establishments(settings.ESTABLISHMENTS_TABLE),
            pronote_ids=wiring.pronote_ids(settings.MAPPINGS_TABLE),
            rekeys=wiring.rekeys(settings.WORK_BUCKET),
            lms=lms,
        )
    metrics.add_metric(name="UnmatchedPeople", unit=MetricUnit.Count, value=result["unmatched"])
    logger.info("people reconciled", **result)
    return result
