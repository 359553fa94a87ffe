"""What of an unforeseen exception may be logged: its type and where it was raised, never its message.

An exception's message (and the locals a traceback formatter may add) can carry a pupil's name, a birth date or
an identifier taken from the data being handled: ``KeyError('Dupont Marie')``. ``logger.exception`` and
``exc_info=True`` print that message, so the places that log an unforeseen error log ``error_trace(exc)`` instead.
"""

from __future__ import annotations

import traceback
from typing import TypedDict

MAX_FRAMES = 40  # the innermost ones: a deep recursion must not flood the log


class Frame(TypedDict):
    file: str
    line: int
    function: str


class ErrorTrace(TypedDict):
    error_type: str
    frames: list[Frame]
    caused_by: list[str]


def error_trace(exc: BaseException) -> ErrorTrace:
    """The exception's qualified type, its stack frames (file, line, function) and the types of its causes."""
    # walk_tb, not extract_tb: the source lines are not wanted, so no file is read while an error is handled
    frames = [
        Frame(file=frame.f_code.co_filename, line=line, function=frame.f_code.co_name)
        for frame, line in traceback.walk_tb(exc.__traceback__)
    ][-MAX_FRAMES:]
    return ErrorTrace(error_type=_type_name(exc), frames=frames, caused_by=[_type_name(c) for c in _causes(exc)])


def _causes(exc: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    current = exc.__cause__ or exc.__context__
    while current is not None and current not in found and len(found) < MAX_FRAMES:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def _type_name(exc: BaseException) -> str:
    kind = type(exc)
    return kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def error_trace_text(exc: BaseException) -> str:
    """``error_trace`` on one line, for a plain-text log: ``RuntimeError (from KeyError) at app.py:12 in run, …``."""
    trace = error_trace(exc)
    causes = f" (from {', '.join(trace['caused_by'])})" if trace["caused_by"] else ""
    where = ", ".join(f"{f['file']}:{f['line']} in {f['function']}" for f in reversed(trace["frames"]))
    return f"{trace['error_type']}{causes} at {where or 'an unknown place'}"
