from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from edt_import.domain.week_mask import ALL_WEEKS, mask_of, parse_week_mask, weeks_of


def test_parse_week_mask_bit_63_is_kept_exactly() -> None:
    # Given a mask with only week 63 (a float would round it)
    text = str(1 << 63)
    # When / Then
    assert parse_week_mask(text) == 9223372036854775808
    assert list(weeks_of(parse_week_mask(text))) == [63]


@pytest.mark.parametrize("text", ["", "-1", "1.5", "1e3", str(1 << 64), "0x10", "١٢"])
def test_parse_week_mask_not_an_unsigned_64_bit_integer_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"unsigned|64 bits"):
        parse_week_mask(text)


def test_weeks_of_ignores_bit_0() -> None:
    assert list(weeks_of(0b1011)) == [1, 3]


@given(st.sets(st.integers(min_value=1, max_value=63)))
def test_mask_of_and_weeks_of_round_trip(weeks: set[int]) -> None:
    mask = mask_of(weeks)
    assert list(weeks_of(mask)) == sorted(weeks)
    assert mask & ~ALL_WEEKS == 0
