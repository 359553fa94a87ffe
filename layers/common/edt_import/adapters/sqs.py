"""``SqsAutoImportQueue``: one message per establishment whose automatic import's slot has come (or comes
within the delay); the consumer (``functions/auto_import``) checks the slot again and starts the import."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

MAX_DELAY_S = 900  # SQS's ceiling: longer waits are the scheduler's


class SqsAutoImportQueue:
    def __init__(self, client: SQSClient, queue_url: str) -> None:
        self._client = client
        self._url = queue_url

    def send(self, uai: str, *, delay_s: int = 0) -> None:
        if not 0 <= delay_s <= MAX_DELAY_S:
            raise ValueError(f"an SQS delay is 0 to {MAX_DELAY_S} seconds")
        self._client.send_message(QueueUrl=self._url, MessageBody=json.dumps({"uai": uai}), DelaySeconds=delay_s)
