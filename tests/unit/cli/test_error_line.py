"""``error_line``: the one line an operator reads for an error, facts from its details included."""

from __future__ import annotations

import pytest

from edt_import.cli.error_line import error_line
from edt_import.domain.errors import ConfigError, ErrorCode, rejected


def test_error_line_details_follow_the_message_in_parentheses() -> None:
    error = rejected(ErrorCode.INVALID_DIRECTORY, "A line has no account key.", line=1832, column="person_key")
    assert error_line(error) == "error: invalid_directory: A line has no account key (line 1832, column person_key)."


def test_error_line_without_details_is_code_and_message() -> None:
    assert error_line(ConfigError("Set ITSLEARNING_USERNAME.")) == "error: config_error: Set ITSLEARNING_USERNAME."


@pytest.mark.parametrize(
    ("message", "details", "line"),
    [
        # a fact the message states is not repeated; the others join its closing parenthesis
        ("Not well-formed XML (line 1).", {"line": 1, "column": 34}, "Not well-formed XML (line 1, column 34)."),
        ("Belongs to 0750001U, not to 0750002V.", {"expected": "0750002V", "found": ["0750001U"]}, None),
        # a machine label is left out; the message says it in words
        ("Cannot be decrypted with our key.", {"reason": "md5"}, None),
        # lists are bracketed and cut after five, sizes with spaced keys
        (
            "Unknown lists.",
            {"lists": ["a", "b", "c", "d", "e", "f", "g"]},
            "Unknown lists (lists [a, b, c, d, e and 2 more]).",
        ),
        ("Too large.", {"size_bytes": 70, "limit_bytes": 64}, "Too large (size bytes 70, limit bytes 64)."),
        # what is not a plain fact (a mapping) is not shown
        ("Odd.", {"nested": {"a": 1}}, None),
    ],
)
def test_error_line_shows_each_fact_once(message: str, details: dict[str, object], line: str | None) -> None:
    error = rejected(ErrorCode.INVALID_TIMETABLE, message, **details)
    assert error_line(error) == f"error: invalid_timetable: {line or message}"


def test_error_line_is_one_line_whatever_the_text_holds() -> None:
    error = rejected(ErrorCode.NOT_AN_EXPORT, "Two\nlines.", element="Root\r\nName")
    assert error_line(error) == "error: not_an_export: Two lines (element Root Name)."
