from __future__ import annotations

import pytest

from edt_import.domain.uai import is_valid_uai, uai_check_letter, with_check_letter


@pytest.mark.parametrize(("digits", "letter"), [("0000000", "A"), ("0000022", "Z"), ("0000023", "A"), ("0750001", "U")])
def test_uai_check_letter_is_digits_mod_23(digits: str, letter: str) -> None:
    assert uai_check_letter(digits) == letter


def test_is_valid_uai_accepts_own_check_letter_only() -> None:
    good = with_check_letter("0693331")
    assert is_valid_uai(good)
    assert is_valid_uai(good.lower())
    wrong = good[:-1] + ("A" if good[-1] != "A" else "B")
    assert not is_valid_uai(wrong)
    assert not is_valid_uai("069333")
