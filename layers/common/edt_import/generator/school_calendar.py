"""The generated school year: 2026-2027, weeks numbered from the Monday before the start, holidays absent."""

from __future__ import annotations

from datetime import date, time
from types import MappingProxyType

from edt_import.domain.timetable import Grid, Place, SchoolYear
from edt_import.domain.week_mask import WeekMask, mask_of

SCHOOL_YEAR = SchoolYear(start=date(2026, 9, 1), end=date(2027, 7, 4), week1_monday=date(2026, 8, 31))
LAST_WEEK = 44  # the week of Monday 2027-06-28
# Toussaint, Noël, hiver, printemps (zone C calendar shape): their weeks carry no lesson.
HOLIDAY_WEEKS: tuple[int, ...] = (8, 9, 17, 18, 25, 26, 33, 34)
SCHOOL_WEEKS: tuple[int, ...] = tuple(week for week in range(1, LAST_WEEK + 1) if week not in HOLIDAY_WEEKS)
YEAR_MASK: WeekMask = mask_of(SCHOOL_WEEKS)
# Semaine A / semaine B alternate over the weeks actually taught.
WEEK_A: WeekMask = mask_of(SCHOOL_WEEKS[0::2])
WEEK_B: WeekMask = mask_of(SCHOOL_WEEKS[1::2])

PLACES_PER_DAY = 10
WORKING_DAYS: tuple[int, ...] = (1, 2, 3, 4, 5)
WEDNESDAY = 3
WEDNESDAY_LAST_PLACE = 3  # collège pupils go home at noon on Wednesdays
GRID = Grid(
    places_per_day=PLACES_PER_DAY,
    place_minutes=60,
    working_days=WORKING_DAYS,
    places=MappingProxyType(
        {number: Place(number=number, start=time(8 + number), end=time(9 + number)) for number in range(PLACES_PER_DAY)}
    ),
)


def monday_of(week: int) -> date:
    return date.fromordinal(SCHOOL_YEAR.week1_monday.toordinal() + 7 * (week - 1))


def school_weeks_between(first: int, last: int) -> WeekMask:
    return mask_of([week for week in SCHOOL_WEEKS if first <= week <= last])
