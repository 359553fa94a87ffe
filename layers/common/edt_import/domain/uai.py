"""UAI (ex-RNE) codes: seven digits and a check letter, e.g. ``0750001A``."""

from __future__ import annotations

import re

_CHECK_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_UAI = re.compile(r"^(\d{7})([A-Z])$")


def uai_check_letter(digits: str) -> str:
    """The check letter of seven digits: ``ABCDEFGHJKLMNPRSTUVWXYZ[int(digits) % 23]``."""
    return _CHECK_LETTERS[int(digits) % 23]


def normalise_uai(text: str) -> str:
    return text.strip().upper()


def is_valid_uai(text: str) -> bool:
    """True when ``text`` is seven digits followed by their check letter."""
    match = _UAI.match(normalise_uai(text))
    return bool(match) and uai_check_letter(match.group(1)) == match.group(2)  # type: ignore[union-attr]


def with_check_letter(digits: str) -> str:
    """Seven digits completed with their check letter (used by the generator)."""
    return digits + uai_check_letter(digits)
