"""What a logger really prints: its records rendered by Powertools' JSON formatter, as CloudWatch receives them."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter


class CapturedLog:
    def __init__(self) -> None:
        self.stream = io.StringIO()

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def entries(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]


@contextmanager
def captured_log(logger_name: str, level: int = logging.DEBUG) -> Iterator[CapturedLog]:
    """Every line ``logger_name`` (and its children) prints while the block runs, one JSON document a line."""
    captured = CapturedLog()
    handler = logging.StreamHandler(captured.stream)
    handler.setFormatter(LambdaPowertoolsFormatter())
    target = logging.getLogger(logger_name)
    previous = target.level
    target.addHandler(handler)
    target.setLevel(level)
    try:
        yield captured
    finally:
        target.removeHandler(handler)
        target.setLevel(previous)
