"""Every Lambda handler carries the error boundary, innermost: only a sanitised error reaches the Tracer (X-Ray), the
Lambda runtime's report and Step Functions' ``Cause`` (``edt_import.adapters.error_boundary``)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HANDLERS = sorted((ROOT / "functions").glob("*/app.py"))
POWERTOOLS_ORDER = ["inject_lambda_context", "log_metrics", "capture_lambda_handler"]


def _decorator_name(node: ast.expr) -> str:
    target = node.func if isinstance(node, ast.Call) else node
    if isinstance(target, ast.Attribute):
        return target.attr
    return target.id if isinstance(target, ast.Name) else ""


def _boundary_problems(tree: ast.Module) -> list[str]:
    handlers = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "lambda_handler"]
    if len(handlers) != 1:
        return ["no lambda_handler"]
    decorators = handlers[0].decorator_list
    names = [_decorator_name(d) for d in decorators]
    if "error_boundary" not in names:
        return ["no error_boundary"]
    problems = []
    if names[-1] != "error_boundary":
        problems.append("error_boundary is not the innermost decorator")
    boundary = decorators[names.index("error_boundary")]
    logs_to_logger = isinstance(boundary, ast.Call) and [ast.unparse(a) for a in boundary.args] == ["logger"]
    if not logs_to_logger:
        problems.append("error_boundary does not log to the function's logger")
    if [n for n in names if n in POWERTOOLS_ORDER] != POWERTOOLS_ORDER:
        problems.append(f"Powertools decorators out of order: {names}")
    return problems


def test_every_lambda_handler_has_the_error_boundary_innermost() -> None:
    problems = {
        str(p.relative_to(ROOT)): _boundary_problems(ast.parse(p.read_text(encoding="utf-8"))) for p in HANDLERS
    }
    assert len(HANDLERS) >= 13
    assert {path: found for path, found in problems.items() if found} == {}


def test_policy_check_finds_a_missing_or_misplaced_boundary() -> None:
    def check(decorators: str) -> list[str]:
        return _boundary_problems(ast.parse(f"{decorators}\ndef lambda_handler(event, context):\n    return {{}}\n"))

    stacked = "@logger.inject_lambda_context(clear_state=True)\n@metrics.log_metrics\n"
    traced = "@tracer.capture_lambda_handler(capture_response=False)\n"
    assert check(stacked + traced + "@error_boundary(logger)") == []
    assert check(stacked + traced) == ["no error_boundary"]
    assert check(stacked + "@error_boundary(logger)\n" + traced) == ["error_boundary is not the innermost decorator"]
    assert check(stacked + traced + "@error_boundary(other)") == [
        "error_boundary does not log to the function's logger"
    ]
    assert check("@metrics.log_metrics\n@logger.inject_lambda_context\n" + traced + "@error_boundary(logger)") == [
        "Powertools decorators out of order: "
        "['log_metrics', 'inject_lambda_context', 'capture_lambda_handler', 'error_boundary']"
    ]
    assert _boundary_problems(ast.parse("def handler(event, context):\n    return {}\n")) == ["no lambda_handler"]
