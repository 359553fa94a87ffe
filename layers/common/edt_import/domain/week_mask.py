"""School-year week masks: bit i (value 2**i) set means present in week i; bit 0 is unused."""

from __future__ import annotations

from collections.abc import Iterator

WeekMask = int

MAX_WEEK = 63
ALL_WEEKS: WeekMask = (1 << 64) - 2  # weeks 1..63


def parse_week_mask(text: str) -> WeekMask:
    """Parse a decimal unsigned 64-bit mask exactly (never through a float); raise ValueError otherwise."""
    stripped = text.strip()
    if not stripped.isdigit() or not stripped.isascii():
        raise ValueError("not an unsigned decimal integer")
    value = int(stripped)
    if value >= 1 << 64:
        raise ValueError("larger than 64 bits")
    return value


def weeks_of(mask: WeekMask) -> Iterator[int]:
    """The week numbers present in ``mask``, ascending (bit 0 ignored)."""
    mask &= ALL_WEEKS
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def mask_of(weeks: list[int] | tuple[int, ...] | range | set[int]) -> WeekMask:
    """The mask with exactly ``weeks`` set (each in 1..63)."""
    mask = 0
    for week in weeks:
        if not 1 <= week <= MAX_WEEK:
            raise ValueError(f"week {week} outside 1..{MAX_WEEK}")
        mask |= 1 << week
    return mask
