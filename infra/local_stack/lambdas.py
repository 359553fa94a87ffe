"""Our Lambda handlers, called in this process where moto would start a container.

moto runs Lambda code in Docker, which this machine does not have; ``LambdaFunction._invoke_lambda`` is
replaced by a call to the handler registered under the function's name. An exception comes back as the Lambda
runtime reports it (``errorType`` = the class name, ``errorMessage``, ``stackTrace``), so the state machine's Retry
and Catch match on it and its ``Cause`` holds what it would hold on AWS.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import sys
import traceback
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path
from types import ModuleType
from typing import Any

from moto.awslambda.models import LambdaFunction
from msgspec import Struct, field

from edt_import.domain.errors import EdtImportError

Handler = Callable[[dict[str, Any], Any], Any]
_log = logging.getLogger("local_stack")
_handlers: dict[str, Handler] = {}
_modules: dict[Path, ModuleType] = {}
_original = LambdaFunction._invoke_lambda
# The function whose handler runs in this thread (its physical name): what an AWS call made now is made as, on
# AWS under that function's role. The handler runs in the thread that invokes it, so its calls see it.
running_function: ContextVar[str | None] = ContextVar("running_function", default=None)


class LambdaContext(Struct, frozen=True):
    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    function_version: str = "$LATEST"
    log_group_name: str = "local"
    log_stream_name: str = "local"
    aws_request_id: str = field(default_factory=lambda: uuid.uuid4().hex)  # one per invoke

    def get_remaining_time_in_millis(self) -> int:
        return 300_000


def load_handler(app_path: Path) -> ModuleType:
    """Import ``functions/<step>/app.py`` once, under a module name of its own (every function has an app.py)."""
    module = _modules.get(app_path)
    if module is None:
        name = f"edt_function_{app_path.parent.name}"
        spec = importlib.util.spec_from_file_location(name, app_path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {app_path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        _modules[app_path] = module
    return module


def register(function_name: str, handler: Handler) -> None:
    _handlers[function_name] = handler


def handler(function_name: str) -> Handler:
    """The function's handler, run as that function (``running_function``), as a direct call from the local
    front or a test would run it."""
    registered = _handlers[function_name]

    def run_as_function(event: dict[str, Any], context: Any) -> Any:
        running = running_function.set(function_name)
        try:
            return registered(event, context)
        finally:
            running_function.reset(running)

    return run_as_function


def _invoke_in_process(self: LambdaFunction, event: str | dict[str, Any] | None = None) -> tuple[str, bool, str]:
    if self.function_name not in _handlers:
        return json.dumps({"errorType": "ResourceNotFound", "errorMessage": self.function_name}), True, ""
    # Step Functions passes the event as JSON text, S3 notifications and SQS mappings as the parsed object.
    payload = json.loads(event) if isinstance(event, str | bytes) and event else (event or {})
    context = LambdaContext(
        function_name=self.function_name,
        invoked_function_arn=self.function_arn,
        memory_limit_in_mb=int(self.memory_size),
    )
    try:
        result = handler(self.function_name)(payload, context)
    except Exception as exc:  # noqa: BLE001 - reported as Lambda does, so the state machine can route it
        # moto drops the errors of S3 notifications: say here which function failed and how (never the data).
        _log.warning("%s raised %s%s", self.function_name, type(exc).__name__, _safe_detail(exc))
        return json.dumps(_fault(exc, context.aws_request_id)), True, ""
    return json.dumps(result), False, ""


def _fault(exc: Exception, request_id: str) -> dict[str, Any]:
    """What the Lambda runtime reports (and prints) of an exception leaving a handler: its message, its class name and
    the frames of its own traceback (not its causes')."""
    return {
        "errorMessage": str(exc),
        "errorType": type(exc).__name__,
        "requestId": request_id,
        "stackTrace": traceback.format_list(traceback.extract_tb(exc.__traceback__)),
    }


def _safe_detail(exc: Exception) -> str:
    return f" ({exc})" if isinstance(exc, EdtImportError) else ""  # our messages carry no personal data


def patch() -> None:
    LambdaFunction._invoke_lambda = _invoke_in_process  # type: ignore[method-assign]


def unpatch() -> None:
    LambdaFunction._invoke_lambda = _original  # type: ignore[method-assign]
    _handlers.clear()
