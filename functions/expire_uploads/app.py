"""ExpireUploadsFunction: on a schedule (EventBridge), end the imports whose export never arrived before their
upload deadline as ``expired`` (``upload_missing``), and those whose check of the export stopped as ``failed``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from edt_import.adapters import wiring
from edt_import.adapters.error_boundary import error_boundary
from edt_import.usecases.pipeline.settings import UploadExpirySettings, load_settings
from edt_import.usecases.pipeline.upload_expiry import expire_missing_uploads

logger = Logger()
tracer = Tracer()
metrics = Metrics()
copy_config_to_registered_loggers(source_logger=logger, include={"edt_import"})


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
@error_boundary(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    settings = load_settings(UploadExpirySettings)
    outcome = expire_missing_uploads(
        now=wiring.now(),
        wait=timedelta(seconds=settings.UPLOAD_DEADLINE_S),
        history=wiring.import_history(settings.IMPORTS_TABLE),
    )
    metrics.add_metric(name="UploadsExpired", unit=MetricUnit.Count, value=len(outcome.expired))
    metrics.add_metric(name="ValidationsStalled", unit=MetricUnit.Count, value=len(outcome.stalled))
    logger.info("missing uploads expired", expired=len(outcome.expired), stalled=len(outcome.stalled))
    return {
        "expired": [{"uai": r.uai, "import_id": r.import_id} for r in outcome.expired],
        "stalled": [{"uai": r.uai, "import_id": r.import_id} for r in outcome.stalled],
    }
