"""AutoImportFunction: an establishment's automatic-import slot has come (SQS); start its next import.

The slot is checked again here (``turns.start_next_import``): an early, late or repeated message starts nothing
it should not. A message that fails is reported alone (partial batch response) and retried; after three
receives it goes to the dead-letter queue, whose alarm tells the operators.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from edt_import.adapters import wiring
from edt_import.adapters.error_boundary import error_boundary
from edt_import.usecases.pipeline.payloads import AutoImportMessage
from edt_import.usecases.pipeline.settings import AutoImportSettings, load_settings
from edt_import.usecases.pipeline.turns import start_next_import

logger = Logger()
tracer = Tracer()
metrics = Metrics()
copy_config_to_registered_loggers(source_logger=logger, include={"edt_import"})
processor = BatchProcessor(event_type=EventType.SQS)


def _record_handler(record: SQSRecord) -> None:
    settings = load_settings(AutoImportSettings)
    message = AutoImportMessage.model_validate_json(record.body)
    running = start_next_import(
        message.uai,
        now=wiring.now(),
        history=wiring.import_history(settings.IMPORTS_TABLE),
        establishments=wiring.establishments(settings.ESTABLISHMENTS_TABLE),
        starter=wiring.starter(settings.STATE_MACHINE_ARN),
    )
    logger.info("automatic import slot", uai=message.uai, running=running is not None)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
@error_boundary(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response = process_partial_response(
        event=event, record_handler=_record_handler, processor=processor, context=context
    )
    failed = len(response.get("batchItemFailures", []))
    metrics.add_metric(name="AutoImportMessagesFailed", unit=MetricUnit.Count, value=failed)
    return dict(response)
