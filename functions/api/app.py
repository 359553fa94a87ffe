"""ApiFunction: the admin API behind API Gateway (Cognito authorizer); the routes live in ``edt_import.api``."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from edt_import.adapters.error_boundary import error_boundary
from edt_import.api.resolver import resolver
from edt_import.usecases.pipeline.settings import ApiSettings, load_settings

logger = Logger()
tracer = Tracer()
metrics = Metrics()
copy_config_to_registered_loggers(source_logger=logger, include={"edt_import"})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
@error_boundary(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    settings = load_settings(ApiSettings)
    response = resolver(settings.CONSOLE_ORIGIN).resolve(event, context)
    metrics.add_metric(name="ApiRequests", unit=MetricUnit.Count, value=1)
    if int(response["statusCode"]) >= HTTPStatus.INTERNAL_SERVER_ERROR:
        metrics.add_metric(name="ApiServerErrors", unit=MetricUnit.Count, value=1)
    return response
