"""The state machine's Retry back-off, made instant locally: the attempts are counted, nothing waits."""

from __future__ import annotations

import time
import types

from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl

_INSTANT = types.SimpleNamespace(sleep=lambda _seconds: None)


def make_instant() -> None:
    setattr(retrier_decl, "time", _INSTANT)  # noqa: B010 - moto's module imports time itself


def restore() -> None:
    setattr(retrier_decl, "time", time)  # noqa: B010
