"""Wall-clock times as EDT/PRONOTE write them: ``08:00:00``, ``08:00``, ``8h00``, ``08H30``."""

from __future__ import annotations

from datetime import time

_MAX_HOUR = 23
_MAX_MINUTE = 59


def _number(text: str, max_value: int, *, width: int | None = None) -> int:
    if not (text.isascii() and text.isdigit()) or not 1 <= len(text) <= 2 or (width and len(text) != width):
        raise ValueError("not a clock time")
    value = int(text)
    if value > max_value:
        raise ValueError("not a clock time")
    return value


def parse_clock_time(text: str) -> time:
    """Parse ``HH:MM:SS``, ``HH:MM`` or ``HHhMM`` (``h`` or ``H``; one-digit hours too), else raise ValueError."""
    stripped = text.strip()
    if ":" in stripped:
        parts = stripped.split(":")
        if len(parts) not in (2, 3):
            raise ValueError("not a clock time")
        hour = _number(parts[0], _MAX_HOUR)
        minute = _number(parts[1], _MAX_MINUTE, width=2)
        second = _number(parts[2], _MAX_MINUTE, width=2) if len(parts) == 3 else 0
        return time(hour, minute, second)
    hours, separator, minutes = stripped.lower().partition("h")
    if not separator:
        raise ValueError("not a clock time")
    return time(_number(hours, _MAX_HOUR), _number(minutes, _MAX_MINUTE, width=2))
