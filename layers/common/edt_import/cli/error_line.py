"""An error as the one line an operator reads: ``error: CODE: message (line 1832, column last_name)``.

The facts in parentheses come from the error's ``details``, which hold safe facts only (line numbers, element
and column names, counts, idents; never a person's name); a fact the message already states is not repeated,
nor ``reason``, a label for machines (``md5``, ``encoding``) that the message puts in words.
"""

from __future__ import annotations

import re

from edt_import.domain.errors import EdtImportError

_LIST_SHOWN = 5
_TEXT_SHOWN = 80
_FOR_MACHINES = frozenset({"reason"})


def error_line(error: EdtImportError) -> str:
    message = _one_line(error.message)
    facts = [
        f"{key.replace('_', ' ')} {shown}"
        for key, value in error.details.items()
        if key not in _FOR_MACHINES and (shown := _shown(value)) is not None and not _said(message, value)
    ]
    if not facts:
        return f"error: {error.code}: {message}"
    sentence = message.removesuffix(".")
    if sentence.endswith(")"):  # "... XML (line 1)" → "... XML (line 1, column 34)"
        return f"error: {error.code}: {sentence[:-1]}, {', '.join(facts)})."
    return f"error: {error.code}: {sentence} ({', '.join(facts)})."


def _shown(value: object) -> str | None:
    if isinstance(value, bool | int | float):
        return str(value)
    if isinstance(value, str):
        text = _one_line(value)
        if not text:
            return None
        return text if len(text) <= _TEXT_SHOWN else f"{text[: _TEXT_SHOWN - 1]}…"
    if isinstance(value, list | tuple | frozenset | set):
        ordered = sorted(value, key=str) if isinstance(value, frozenset | set) else value
        items = [shown for item in ordered if (shown := _shown(item)) is not None]
        more = f" and {len(items) - _LIST_SHOWN} more" if len(items) > _LIST_SHOWN else ""
        return f"[{', '.join(items[:_LIST_SHOWN])}{more}]"
    return None  # anything else is not a fact an operator reads


def _said(message: str, value: object) -> bool:
    """The message already names the value (every one of them, for a list)."""
    values = list(value) if isinstance(value, list | tuple | frozenset | set) else [value]
    return bool(values) and all(re.search(rf"(?<!\w){re.escape(str(item))}(?!\w)", message) for item in values)


def _one_line(text: str) -> str:
    return " ".join(text.split())
