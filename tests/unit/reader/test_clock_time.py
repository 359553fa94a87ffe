from __future__ import annotations

from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edt_import.domain.clock_time import parse_clock_time


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:00:00", time(8, 0)),
        ("17:55:30", time(17, 55, 30)),
        ("08:00", time(8, 0)),
        ("8:05", time(8, 5)),
        ("8h00", time(8, 0)),
        ("08H30", time(8, 30)),
        ("23h59", time(23, 59)),
        (" 09:15 ", time(9, 15)),
    ],
)
def test_parse_clock_time_accepted_formats_give_time(text: str, expected: time) -> None:
    assert parse_clock_time(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        *("", "8", "24:00", "08:60", "8h", "h30", "08:5", "08:00:00:00", "08-00"),
        *("\u0660\u0668:\u0660\u0660", "8h5", "08:00:75", "x8h00"),
    ],
)
def test_parse_clock_time_anything_else_raises_value_error(text: str) -> None:
    with pytest.raises(ValueError, match="not a clock time"):
        parse_clock_time(text)


@given(st.integers(0, 23), st.integers(0, 59))
def test_parse_clock_time_every_format_agrees(hour: int, minute: int) -> None:
    # Given one time written the three ways EDT/PRONOTE do
    expected = time(hour, minute)
    # When / Then
    assert parse_clock_time(f"{hour:02d}:{minute:02d}:00") == expected
    assert parse_clock_time(f"{hour:02d}:{minute:02d}") == expected
    assert parse_clock_time(f"{hour}h{minute:02d}") == expected
