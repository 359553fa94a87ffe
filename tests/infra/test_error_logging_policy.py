"""No code we ship or run locally prints an exception's message into a log: an unforeseen error is logged with
``error_trace`` (its type and frames), never with ``logger.exception``, ``exc_info`` or a logging batch processor."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(
    path
    for folder in ("layers", "functions", "infra")
    for path in (ROOT / folder).rglob("*.py")
    if ".aws-sam" not in path.parts
)
TRACEBACK_KEYWORDS = {"exc_info", "stack_info", "log_uncaught_exceptions"}
BATCH_PROCESSORS = {"BatchProcessor", "AsyncBatchProcessor", "SqsFifoPartialProcessor"}


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _tracebacks_logged(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        called = _name(node.func)
        if called == "exception" and node.args:  # logger.exception("…"): the traceback, message included
            found.append(f"line {node.lineno}: .exception(…)")
        for keyword in node.keywords:
            enabled = not (isinstance(keyword.value, ast.Constant) and keyword.value.value in (False, None))
            if keyword.arg in TRACEBACK_KEYWORDS and enabled:
                found.append(f"line {node.lineno}: {keyword.arg}=")
            if called in BATCH_PROCESSORS and keyword.arg == "logger":  # it logs each failure with exc_info
                found.append(f"line {node.lineno}: {called}(logger=…)")
    return found


def test_source_never_logs_an_exception_with_its_message() -> None:
    offences = {str(p.relative_to(ROOT)): _tracebacks_logged(ast.parse(p.read_text(encoding="utf-8"))) for p in SOURCES}
    assert len(SOURCES) > 100
    assert {path: found for path, found in offences.items() if found} == {}


def test_template_leaves_powertools_debug_off_so_its_own_tracebacks_stay_silent() -> None:
    # The Tracer logs a failing handler with logger.exception on Powertools' package logger, which prints only
    # when POWERTOOLS_DEBUG is set.
    assert "POWERTOOLS_DEBUG" not in (ROOT / "template.yaml").read_text(encoding="utf-8")


def test_policy_check_finds_each_way_of_logging_a_traceback() -> None:
    source = """
logger.exception("failed")
logger.error("failed", exc_info=True)
logger.warning("failed", exc_info=error)
Logger(log_uncaught_exceptions=True)
BatchProcessor(event_type=EventType.SQS, logger=log)
logger.error("failed", exc_info=False)
future.exception()
"""
    assert _tracebacks_logged(ast.parse(source)) == [
        "line 2: .exception(…)",
        "line 3: exc_info=",
        "line 4: exc_info=",
        "line 5: log_uncaught_exceptions=",
        "line 6: BatchProcessor(logger=…)",
    ]
