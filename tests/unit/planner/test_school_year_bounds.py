"""No event outside the school year the export declares (``DateDebut``..``DateFin``), nor before the import date."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from edt_import.domain.week_mask import mask_of, weeks_of
from tests.support.timetable_builders import WEEK1, a_lesson, a_timetable, link, plan_of


def test_plan_events_none_before_the_first_day_of_the_school_year() -> None:
    # Given a year starting on Wednesday 3 September 2025, in week 1 (Monday 1 September), and an import before it
    lessons = [a_lesson(index=day, day=day, classes=(link("c1", mask_of([1, 2])),)) for day in (1, 3, 5)]
    timetable = a_timetable(lessons=lessons, year_start=date(2025, 9, 3))
    # When
    result = plan_of(timetable, today=date(2025, 8, 28))
    # Then Monday 1 September is left out; the rest of week 1 and week 2 are planned, and counted alike
    assert sorted(e.local_date for e in result.events.values()) == [
        date(2025, 9, 3),
        date(2025, 9, 5),
        date(2025, 9, 8),
        date(2025, 9, 10),
        date(2025, 9, 12),
    ]
    assert result.report.courses[0].events == 5


def test_plan_events_none_after_the_last_day_of_the_school_year() -> None:
    # Given a year ending on Tuesday 30 June 2026 (week 44) and lessons on Mondays and Thursdays every week
    lessons = [a_lesson(index=0, day=1), a_lesson(index=1, day=4)]
    timetable = a_timetable(lessons=lessons, year_end=date(2026, 6, 30))
    # When
    result = plan_of(timetable, today=date(2026, 6, 22))
    # Then
    assert sorted(e.local_date for e in result.events.values()) == [
        date(2026, 6, 22),
        date(2026, 6, 25),
        date(2026, 6, 29),
    ]


@given(
    start_offset=st.integers(min_value=0, max_value=13),
    end_week=st.integers(min_value=2, max_value=52),
    end_day=st.integers(min_value=0, max_value=6),
    day=st.integers(min_value=1, max_value=5),
    weeks=st.sets(st.integers(min_value=1, max_value=63)),
    cancelled=st.sets(st.integers(min_value=1, max_value=63), max_size=5),
    today_offset=st.integers(min_value=-20, max_value=380),
    with_previous=st.booleans(),
)
@settings(max_examples=80, deadline=None)
def test_plan_events_are_the_mask_weeks_within_the_year_and_from_the_import_date(
    *,
    start_offset: int,
    end_week: int,
    end_day: int,
    day: int,
    weeks: set[int],
    cancelled: set[int],
    today_offset: int,
    with_previous: bool,
) -> None:
    # Given any school-year bounds around week 1, any week and cancellation masks, any import date
    start = WEEK1 + timedelta(days=start_offset)
    end = WEEK1 + timedelta(days=7 * (end_week - 1) + end_day)
    timetable = a_timetable(
        lessons=[a_lesson(day=day, classes=(link("c1", mask_of(weeks)),), cancelled_weeks=mask_of(cancelled))],
        year_start=start,
        year_end=max(end, start),
    )
    today = WEEK1 + timedelta(days=today_offset)
    # When planned first (events counted from the masks) or over a state holding an event of the year (dated)
    previous = plan_of(a_timetable(), today=WEEK1).state if with_previous else None
    result = plan_of(timetable, today=today, previous=previous)
    # Then exactly the dates of those weeks on or after the import date and within DateDebut..DateFin
    year = timetable.school_year
    expected = [
        WEEK1 + timedelta(days=7 * (week - 1) + day - 1)
        for week in weeks_of(mask_of(weeks) & ~mask_of(cancelled))
        if max(today, year.start) <= WEEK1 + timedelta(days=7 * (week - 1) + day - 1) <= year.end
    ]
    assert [e.local_date for e in result.events.values()] == expected
    assert sum(course.events for course in result.report.courses) == len(expected)
