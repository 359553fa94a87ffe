"""The one error boundary of every Lambda handler: what an exception leaving the handler may still say.

Whatever escapes a handler is printed by the Lambda runtime (``errorMessage`` and the stack trace, in CloudWatch),
kept by Step Functions as the failed task's ``Cause`` (execution history, 90 days) and recorded by the Tracer in
X-Ray. Our own errors (``EdtImportError``) carry sentences written for an administrator and a class name the state
machine retries and catches on: they pass unchanged. Any other exception may hold a name or a birth date in its
message (``KeyError('Dupont Marie')``) or in its chained causes: it is logged once by type and frames
(``error_trace``) and replaced by an ``UnexpectedError`` that says only its type and the request to look up,
raised outside the ``except`` block and ``from None`` so that no cause or context travels with it.

The boundary is the innermost decorator, under ``tracer.capture_lambda_handler``: the Tracer, ``log_metrics`` and
``inject_lambda_context`` (whose keys the log line carries) see only the replacement.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from edt_import.domain.error_traces import error_trace
from edt_import.domain.errors import EdtImportError, UnexpectedError

if TYPE_CHECKING:
    from aws_lambda_powertools import Logger
    from aws_lambda_powertools.utilities.typing import LambdaContext

Result = TypeVar("Result")
Handler = Callable[[dict[str, Any], "LambdaContext"], Result]


def error_boundary(logger: Logger) -> Callable[[Handler[Result]], Handler[Result]]:
    """``@error_boundary(logger)`` right above ``def lambda_handler``; ``logger`` is the function's own."""

    def decorate(handler: Handler[Result]) -> Handler[Result]:
        @functools.wraps(handler)
        def bounded(event: dict[str, Any], context: LambdaContext) -> Result:
            try:
                return handler(event, context)
            except EdtImportError:
                raise
            except Exception as exc:  # noqa: BLE001 - the handler's edge: every unforeseen error is replaced here
                replacement = _logged_replacement(logger, exc, context)
            raise replacement from None  # outside the except block: no __context__ either

        return bounded

    return decorate


def _logged_replacement(logger: Logger, exc: Exception, context: LambdaContext) -> UnexpectedError:
    trace = error_trace(exc)
    logger.error("unexpected error", extra=dict(trace))
    return UnexpectedError(trace["error_type"], str(getattr(context, "aws_request_id", "unknown")))
