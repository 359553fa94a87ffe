"""DecryptFunction: an export landed in the uploads bucket; validate it and queue its import, once per version."""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import S3Event
from aws_lambda_powertools.utilities.typing import LambdaContext

from edt_import.adapters import wiring
from edt_import.adapters.error_boundary import error_boundary
from edt_import.usecases.pipeline.ingest import UploadedObject, ingest_upload
from edt_import.usecases.pipeline.settings import IngestSettings, load_settings

logger = Logger()
tracer = Tracer()
metrics = Metrics()
copy_config_to_registered_loggers(source_logger=logger, include={"edt_import"})


def _ingest(settings: IngestSettings, upload: dict[str, Any]) -> dict[str, Any]:
    result = ingest_upload(
        UploadedObject(**upload),
        now=wiring.now(),
        uploads=wiring.blobs(upload["bucket"]),
        work=wiring.blobs(settings.WORK_BUCKET),
        history=wiring.import_history(settings.IMPORTS_TABLE),
        establishments=wiring.establishments(settings.ESTABLISHMENTS_TABLE),
        starter=wiring.starter(settings.STATE_MACHINE_ARN),
        auto_imports=wiring.auto_import_queue(settings.AUTO_IMPORT_QUEUE_URL),
        partner_key=wiring.secrets(partner_key_secret=settings.PARTNER_KEY_SECRET).partner_key,
        upload_wait=timedelta(seconds=settings.UPLOAD_DEADLINE_S),
    )
    logger.info(
        "upload ingested",
        import_id=result.import_id,
        uai=result.uai,
        status=result.status.value,
        error_code=result.error_code,
    )
    return {"import_id": result.import_id, "status": result.status.value, "error_code": result.error_code}


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@tracer.capture_lambda_handler(capture_response=False)
@error_boundary(logger)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    settings = load_settings(IngestSettings)
    outcomes = []
    for record in S3Event(event).records:  # one record per uploaded object
        obj = record.s3.get_object
        upload = {
            "bucket": record.s3.bucket.name,
            "key": unquote_plus(obj.key),
            "etag": obj.etag,
            "size": obj.size,
        }  # keys arrive encoded
        outcomes.append(
            wiring.once_per_upload(
                settings.IDEMPOTENCY_TABLE, context, upload, functools.partial(_ingest, settings, upload)
            )
        )
    metrics.add_metric(name="UploadsIngested", unit=MetricUnit.Count, value=len(outcomes))
    return {"imports": outcomes}
