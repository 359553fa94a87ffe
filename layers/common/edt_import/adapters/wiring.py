"""Builds the adapters the handlers use, lazily and once per cold start (never at import time: a client built
before a test's mock is in place would escape it). The local stack swaps the clock through ``use_clock``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import boto3
from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from botocore.config import Config
from msgspec import structs

from edt_import.adapters.dynamo import DynamoEstablishmentStore, DynamoImportHistory, DynamoPronoteIdStore
from edt_import.adapters.dynamo.models import EstablishmentItem, ImportItem, PronoteIdItem
from edt_import.adapters.dynamo.task_tokens import DynamoTaskTokenStore
from edt_import.adapters.establishment_documents import BlobRekeyStore, BlobSubjectReferential
from edt_import.adapters.itslearning import SoapLmsGateway
from edt_import.adapters.s3 import S3BlobStore
from edt_import.adapters.s3_applied_state import S3AppliedStateStore
from edt_import.adapters.s3_uploads import S3UploadSigner
from edt_import.adapters.secrets import SecretsManagerSecrets
from edt_import.adapters.sfn import StepFunctionsResumer, StepFunctionsStarter
from edt_import.adapters.sqs import SqsAutoImportQueue
from edt_import.domain.import_ports import ImportStores

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_stepfunctions import SFNClient

UPLOAD_REDELIVERY_WINDOW_S = 24 * 3600
_clock: list[Callable[[], datetime]] = [lambda: datetime.now(UTC)]


def now() -> datetime:
    return _clock[0]()


def use_clock(clock: Callable[[], datetime]) -> None:
    """Fix the pipeline's clock (the local stack's ``--now``)."""
    _clock[0] = clock


@functools.cache
def s3_client() -> S3Client:
    return boto3.client("s3", config=Config(signature_version="s3v4"))


@functools.cache
def sfn_client() -> SFNClient:
    return boto3.client("stepfunctions")


@functools.cache
def sqs_client() -> SQSClient:
    return boto3.client("sqs")


@functools.cache
def auto_import_queue(queue_url: str) -> SqsAutoImportQueue:
    return SqsAutoImportQueue(sqs_client(), queue_url)


@functools.cache
def blobs(bucket: str) -> S3BlobStore:
    return S3BlobStore(s3_client(), bucket)


@functools.cache
def s3_upload_client() -> S3Client:
    # Virtual-hosted addressing names the bucket's region in the form's URL: the default would give the global
    # endpoint, which answers a new bucket's browser POST with a redirect. (A local endpoint keeps path style.)
    # In us-east-1 too: the URL is then the bucket's RegionalDomainName, the host the console's CSP allows.
    return boto3.client(
        "s3",
        config=Config(
            signature_version="s3v4", s3={"addressing_style": "virtual", "us_east_1_regional_endpoint": "regional"}
        ),
    )


@functools.cache
def upload_signer(bucket: str) -> S3UploadSigner:
    return S3UploadSigner(s3_upload_client(), bucket)


@functools.cache
def import_history(table: str) -> DynamoImportHistory:
    return DynamoImportHistory(table)


@functools.cache
def establishments(table: str) -> DynamoEstablishmentStore:
    return DynamoEstablishmentStore(table)


@functools.cache
def pronote_ids(table: str) -> DynamoPronoteIdStore:
    return DynamoPronoteIdStore(table)


@functools.cache
def applied_states(bucket: str, establishments_table: str) -> S3AppliedStateStore:
    return S3AppliedStateStore(blobs(bucket), establishments(establishments_table), now)


def import_stores(
    *, work_bucket: str, imports_table: str, establishments_table: str, mappings_table: str, state_machine_arn: str
) -> ImportStores:
    return ImportStores(
        work=blobs(work_bucket),
        history=import_history(imports_table),
        establishments=establishments(establishments_table),
        states=applied_states(work_bucket, establishments_table),
        pronote_ids=pronote_ids(mappings_table),
        starter=starter(state_machine_arn),
    )


@functools.cache
def starter(state_machine_arn: str) -> StepFunctionsStarter:
    return StepFunctionsStarter(sfn_client(), state_machine_arn)


def subject_referentials(bucket: str) -> BlobSubjectReferential:
    return BlobSubjectReferential(blobs(bucket))


def rekeys(bucket: str) -> BlobRekeyStore:
    return BlobRekeyStore(blobs(bucket))


@functools.cache
def task_tokens(table: str) -> DynamoTaskTokenStore:
    return DynamoTaskTokenStore(table)


@functools.cache
def resumer() -> StepFunctionsResumer:
    return StepFunctionsResumer(sfn_client())


@functools.cache
def secrets(*, partner_key_secret: str = "", itslearning_secret: str = "") -> SecretsManagerSecrets:
    return SecretsManagerSecrets(partner_key_secret=partner_key_secret, itslearning_secret=itslearning_secret)


def lms(itslearning_secret: str, *, retry_budget_s: float, message_budget_s: float) -> SoapLmsGateway:
    """A gateway for one invocation (its connections close with it); use it as a context manager.

    The budgets keep one invocation within the function's timeout: past them the call raises
    ``LmsUnavailableError`` and the state machine's Retry sends the step again later.
    """
    settings = secrets(itslearning_secret=itslearning_secret).itslearning()
    settings = structs.replace(settings, retry_budget_s=retry_budget_s, message_budget_s=message_budget_s)
    return SoapLmsGateway(settings)


@functools.cache
def _once_per_upload(table: str) -> tuple[IdempotencyConfig, Callable[..., dict[str, Any]]]:
    config = IdempotencyConfig(
        event_key_jmespath="[bucket, key, etag]", expires_after_seconds=UPLOAD_REDELIVERY_WINDOW_S
    )
    store = DynamoDBPersistenceLayer(table_name=table)

    def run(*, upload: dict[str, Any], work: Callable[[], dict[str, Any]]) -> dict[str, Any]:  # noqa: ARG001 - the key
        return work()

    return config, idempotent_function(data_keyword_argument="upload", persistence_store=store, config=config)(run)


def once_per_upload(
    table: str, context: LambdaContext, upload: dict[str, Any], work: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """Run ``work`` once per uploaded object version (bucket + key + ETag): a redelivered event returns the first
    result without running it again."""
    config, run = _once_per_upload(table)
    config.register_lambda_context(context)
    return run(upload=upload, work=work)


def reset() -> None:
    """Forget every client, store and cached secret (a new endpoint, a new test): the next call builds afresh."""
    for factory in (s3_client, sfn_client, blobs, import_history, establishments, pronote_ids, applied_states):
        factory.cache_clear()
    for factory_ in (
        starter,
        secrets,
        _once_per_upload,
        upload_signer,
        s3_upload_client,
        sqs_client,
        auto_import_queue,
    ):
        factory_.cache_clear()
    task_tokens.cache_clear()
    resumer.cache_clear()
    for model in (ImportItem, EstablishmentItem, PronoteIdItem):
        model._connection = None  # pynamodb keeps one per model class, bound to the old endpoint
    forget_secrets()
    _clock[0] = lambda: datetime.now(UTC)


def forget_secrets() -> None:
    """Drop the cached secret values (a secret was just changed)."""
    parameters.clear_caches()  # type: ignore[no-untyped-call]
