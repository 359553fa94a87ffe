from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec import structs

from edt_import.domain.errors import ConfigError, ErrorCode
from edt_import.domain.occurrences import UtcClock, zone_named
from edt_import.domain.timetable import Lesson
from edt_import.domain.week_mask import mask_of, weeks_of
from tests.support.timetable_builders import (
    WEEK1,
    a_class,
    a_group,
    a_lesson,
    a_room,
    a_teacher,
    a_timetable,
    course_key,
    link,
    plan_of,
)

PARIS = ZoneInfo("Europe/Paris")
WINTER_2025 = date(2025, 10, 26)  # last Sunday of October: back to UTC+1
SUMMER_2026 = date(2026, 3, 29)  # last Sunday of March: UTC+2


def utc(year: int, month: int, day: int, hour: int) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def test_plan_events_one_per_week_keyed_by_course_date_and_place_in_utc() -> None:
    # Given a lesson on Mondays, place 2 (10:00-11:00 Paris), every week
    timetable = a_timetable(lessons=[a_lesson(start_place=2)])
    # When
    result = plan_of(timetable)
    # Then one event per Monday of the school year (1 Sep 2025 .. 29 Jun 2026)
    events = list(result.events.values())
    assert len(events) == 44
    first, last = events[0], events[-1]
    assert (first.key, first.start, first.end, first.local_date) == (
        f"{course_key()}:2025-09-01:2",
        utc(2025, 9, 1, 8),
        utc(2025, 9, 1, 9),
        date(2025, 9, 1),
    )
    assert (last.key, last.start) == (f"{course_key()}:2026-06-29:2", utc(2026, 6, 29, 8))
    assert (first.course_key, first.title, first.rooms, first.teachers, first.description) == (
        course_key(),
        "MATHEMATIQUES - 3A",
        ("A101",),
        ("T-t1",),
        "Salle : A101",
    )


def test_plan_events_span_the_lesson_places_on_its_day() -> None:
    # Given a two-place lesson on Thursdays (day 4) from place 3
    result = plan_of(a_timetable(lessons=[a_lesson(day=4, start_place=3, place_count=2)]))
    # Then it runs 11:00-13:00 Paris on 4 September 2025
    first = next(iter(result.events.values()))
    assert (first.key, first.start, first.end) == (
        f"{course_key()}:2025-09-04:3",
        utc(2025, 9, 4, 9),
        utc(2025, 9, 4, 11),
    )


def test_plan_events_none_before_the_import_date() -> None:
    # Given an import on Wednesday 5 November 2025
    result = plan_of(a_timetable(), today=date(2025, 11, 5))
    # Then the first Monday event is the 10th
    assert min(e.local_date for e in result.events.values()) == date(2025, 11, 10)
    assert result.report.courses[0].events == 34


def test_plan_events_on_the_import_date_itself_are_planned() -> None:
    result = plan_of(a_timetable(), today=date(2025, 11, 10))
    assert min(e.local_date for e in result.events.values()) == date(2025, 11, 10)


def test_plan_events_cancelled_weeks_are_left_out() -> None:
    # Given a lesson in weeks 1-3 whose week 2 is cancelled
    lesson = a_lesson(classes=(link("c1", mask_of([1, 2, 3])),), cancelled_weeks=mask_of([2]))
    # When
    result = plan_of(a_timetable(lessons=[lesson]))
    # Then
    assert [e.local_date for e in result.events.values()] == [date(2025, 9, 1), date(2025, 9, 15)]


def test_plan_events_follow_each_group_own_weeks() -> None:
    # Given one lesson for group g1 on odd weeks and g2 on even weeks (weeks 1-4)
    timetable = a_timetable(
        groups=[a_group("g1", "3A_G1", classes=["c1"]), a_group("g2", "3A_G2", classes=["c1"])],
        lessons=[a_lesson(classes=(), groups=(link("g1", mask_of([1, 3])), link("g2", mask_of([2, 4]))))],
    )
    # When
    result = plan_of(timetable)
    # Then
    assert sorted(result.events) == [
        f"{course_key(audience='gg1')}:2025-09-01:0",
        f"{course_key(audience='gg1')}:2025-09-15:0",
        f"{course_key(audience='gg2')}:2025-09-08:0",
        f"{course_key(audience='gg2')}:2025-09-22:0",
    ]


def test_plan_events_carry_the_rooms_and_teachers_present_that_week() -> None:
    # Given rooms and teachers alternating between weeks 1 and 2
    timetable = a_timetable(
        teachers=[a_teacher(), a_teacher("t2", "DURAND", "Paul")],
        rooms=[a_room(), a_room("r2", "LABO")],
        lessons=[
            a_lesson(
                classes=(link("c1", mask_of([1, 2])),),
                rooms=(link("r1", mask_of([1])), link("r2", mask_of([2]))),
                teachers=(link("t1", mask_of([1, 2])), link("t2", mask_of([2]))),
            )
        ],
    )
    # When
    result = plan_of(timetable)
    # Then
    assert [(e.local_date, e.rooms, e.teachers) for e in result.events.values()] == [
        (date(2025, 9, 1), ("A101",), ("T-t1",)),
        (date(2025, 9, 8), ("LABO",), ("T-t1", "T-t2")),
    ]


def test_plan_events_two_lessons_of_a_course_in_one_slot_get_a_suffix() -> None:
    # Given two lessons of maths 3A at the same day and place (two half-groups of one teacher, say)
    timetable = a_timetable(
        lessons=[
            a_lesson(index=0, classes=(link("c1", mask_of([1])),)),
            a_lesson(index=1, classes=(link("c1", mask_of([1, 2])),)),
        ]
    )
    # When
    result = plan_of(timetable)
    # Then only the colliding date gets a suffix, in export order
    assert list(result.events) == [
        f"{course_key()}:2025-09-01:0",
        f"{course_key()}:2025-09-01:0:2",
        f"{course_key()}:2025-09-08:0",
    ]


def test_plan_events_overseas_time_zone_by_name() -> None:
    # Given an establishment in French Guiana (UTC-3, no daylight saving)
    result = plan_of(a_timetable(), timezone="America/Cayenne")
    # Then 08:00 local is 11:00Z
    assert next(iter(result.events.values())).start == utc(2025, 9, 1, 11)


def test_plan_unknown_time_zone_is_a_config_error() -> None:
    with pytest.raises(ConfigError) as caught:
        plan_of(a_timetable(), timezone="Europe/Atlantis")
    assert caught.value.code is ErrorCode.CONFIG_ERROR


def test_plan_events_title_within_80_characters() -> None:
    result = plan_of(a_timetable())
    assert all(len(e.title) <= 80 for e in result.events.values())


def test_plan_events_dst_last_sundays_of_october_and_march() -> None:
    # Given the Mondays around both daylight-saving changes of 2025-2026
    result = plan_of(a_timetable())
    starts = {e.local_date: e.start for e in result.events.values()}
    # Then 08:00 Paris is 06:00Z in summer time and 07:00Z in winter time
    assert starts[date(2025, 10, 20)] == utc(2025, 10, 20, 6)
    assert starts[date(2025, 10, 27)] == utc(2025, 10, 27, 7)
    assert starts[date(2026, 3, 23)] == utc(2026, 3, 23, 7)
    assert starts[date(2026, 3, 30)] == utc(2026, 3, 30, 6)


@given(day=st.integers(min_value=1, max_value=5), place=st.integers(min_value=0, max_value=9))
@settings(max_examples=25, deadline=None)
def test_plan_events_every_occurrence_is_its_local_wall_time_in_utc(day: int, place: int) -> None:
    # Given a lesson on any day and place
    result = plan_of(a_timetable(lessons=[a_lesson(day=day, start_place=place)]))
    # Then each event, back in Paris time, is on its date at 08:00 + place hours, whatever the season
    for event in result.events.values():
        local = event.start.astimezone(PARIS)
        assert (local.date(), local.time()) == (event.local_date, time(8 + place))
        summer = event.local_date < WINTER_2025 or event.local_date >= SUMMER_2026
        assert event.start.hour == 8 + place - (2 if summer else 1)
        assert event.end - event.start == timedelta(hours=1)


@given(
    weeks=st.sets(st.integers(min_value=1, max_value=63)),
    cancelled=st.sets(st.integers(min_value=1, max_value=63)),
    today_week=st.integers(min_value=1, max_value=46),
)
@settings(max_examples=60, deadline=None)
def test_plan_events_dates_are_the_mask_weeks_minus_cancellations_from_today(
    weeks: set[int], cancelled: set[int], today_week: int
) -> None:
    # Given any class mask and cancellation mask, and an import date on a Tuesday
    lesson = a_lesson(classes=(link("c1", mask_of(weeks)),), cancelled_weeks=mask_of(cancelled))
    today = WEEK1 + timedelta(days=7 * (today_week - 1) + 1)
    # When
    result = plan_of(a_timetable(lessons=[lesson]), today=today)
    # Then
    expected = [
        WEEK1 + timedelta(days=7 * (week - 1))
        for week in weeks_of(mask_of(weeks) & ~mask_of(cancelled))
        if today <= WEEK1 + timedelta(days=7 * (week - 1)) <= date(2026, 7, 4)
    ]
    assert [e.local_date for e in result.events.values()] == expected


def last_sunday(year: int, month: int) -> date:
    day = date(year, month, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2037, 12, 31)))
def test_utc_clock_paris_0800_is_0600z_in_summer_time_and_0700z_otherwise(day: date) -> None:
    # Given the EU rule: summer time from the last Sunday of March to the last Sunday of October
    summer = last_sunday(day.year, 3) <= day < last_sunday(day.year, 10)
    # When
    start = datetime.fromtimestamp(UtcClock(zone=zone_named("Europe/Paris")).seconds(day, time(8)), UTC)
    # Then
    assert start == datetime(day.year, day.month, day.day, 6 if summer else 7, tzinfo=UTC)


def test_plan_events_shared_slot_suffix_follows_lesson_content_not_export_order() -> None:
    # Given two maths lessons of 3A in one slot, a two-place one in A101 and a one-place one in LABO
    rooms = [a_room(), a_room("r2", "LABO")]
    long_one = a_lesson(place_count=2, classes=(link("c1", mask_of([1])),))
    short_one = a_lesson(rooms=(link("r2"),), classes=(link("c1", mask_of([1])),))
    # When the export lists them in either order, behind a varying number of unrelated lessons
    unrelated = a_lesson(day=5, classes=(), class_parts=())
    keyed = []
    for lessons in ([long_one, short_one], [short_one, long_one], [unrelated, long_one, unrelated, short_one]):
        numbered = [structs.replace(lesson, index=i) for i, lesson in enumerate(lessons)]
        result = plan_of(a_timetable(rooms=rooms, lessons=numbered))
        keyed.append({key: (e.rooms, e.end) for key, e in result.events.items()})
    # Then the one-place lesson keeps the plain key, the two-place one the suffix, whatever the order
    assert (
        keyed[0]
        == keyed[1]
        == keyed[2]
        == {
            f"{course_key()}:2025-09-01:0": (("LABO",), utc(2025, 9, 1, 7)),
            f"{course_key()}:2025-09-01:0:2": (("A101",), utc(2025, 9, 1, 8)),
        }
    )


def test_plan_events_group_listed_twice_on_a_lesson_gives_one_event_per_week() -> None:
    # Given a damaged export naming group g1 twice on one lesson, weeks 1 and 2
    timetable = a_timetable(
        groups=[a_group("g1", "3A_G1", classes=["c1"])],
        lessons=[a_lesson(classes=(), groups=(link("g1", mask_of([1])), link("g1", mask_of([2]))))],
    )
    # When
    result = plan_of(timetable)
    # Then one event per week, no suffixed duplicate
    assert list(result.events) == [
        f"{course_key(audience='gg1')}:2025-09-01:0",
        f"{course_key(audience='gg1')}:2025-09-08:0",
    ]


@pytest.mark.parametrize(
    ("zone", "start_hour_utc"),
    [("America/Cayenne", 11), ("Indian/Reunion", 4), ("Pacific/Noumea", 21), ("America/Martinique", 12)],
)
def test_plan_events_overseas_zones_have_no_daylight_saving_shift(zone: str, start_hour_utc: int) -> None:
    # Given 08:00 lessons on Mondays, in an overseas establishment's own zone
    result = plan_of(a_timetable(), timezone=zone)
    # Then every Monday, summer and winter, starts at the same UTC hour (the day before for Noumea, UTC+11)
    starts = {(e.start.hour, (e.start.date() - e.local_date).days) for e in result.events.values()}
    assert starts == {(start_hour_utc, -1 if zone == "Pacific/Noumea" else 0)}
    assert len(result.events) == 44


def test_plan_events_dst_transition_weeks_in_utc_exactly() -> None:
    # Given a 16:00-18:00 lesson on Fridays and Mondays around both changes (Paris)
    lessons = [a_lesson(day=5, start_place=8, place_count=2), a_lesson(index=1, day=1, start_place=8, place_count=2)]
    result = plan_of(a_timetable(lessons=lessons))
    by_date = {e.local_date: (e.start, e.end) for e in result.events.values()}
    # Then the Friday before a change and the Monday after differ by one hour in UTC
    assert by_date[date(2025, 10, 24)] == (utc(2025, 10, 24, 14), utc(2025, 10, 24, 16))
    assert by_date[date(2025, 10, 27)] == (utc(2025, 10, 27, 15), utc(2025, 10, 27, 17))
    assert by_date[date(2026, 3, 27)] == (utc(2026, 3, 27, 15), utc(2026, 3, 27, 17))
    assert by_date[date(2026, 3, 30)] == (utc(2026, 3, 30, 14), utc(2026, 3, 30, 16))


def test_plan_events_rooms_in_name_order_whatever_the_export_order() -> None:
    # Given a lesson in LABO and A101 (listed in that order, A101 twice)
    timetable = a_timetable(
        rooms=[a_room(), a_room("r2", "LABO")], lessons=[a_lesson(rooms=(link("r2"), link("r1"), link("r1")))]
    )
    # When
    event = next(iter(plan_of(timetable).events.values()))
    # Then
    assert (event.rooms, event.description) == (("A101", "LABO"), "Salle : A101, LABO")


maths_lesson = st.builds(
    lambda day, place, count, weeks, room: a_lesson(
        day=day, start_place=place, place_count=count, classes=(link("c1", weeks),), rooms=(link(room),)
    ),
    st.integers(1, 2),
    st.integers(0, 1),
    st.integers(1, 2),
    st.sampled_from([mask_of([1, 2]), mask_of([1]), mask_of([2, 3])]),
    st.sampled_from(["r1", "r2"]),
)


@given(ours=st.lists(maths_lesson, max_size=4), others=st.integers(0, 3), data=st.data())
@settings(max_examples=60, deadline=None)
def test_plan_event_keys_do_not_depend_on_lesson_positions_in_the_file(
    ours: list[Lesson], others: int, data: st.DataObject
) -> None:
    # Given a course's lessons, possibly sharing slots, and the same lessons shuffled among unrelated ones
    unrelated = [a_lesson(day=5, classes=(link("c2"),)) for _ in range(others)]
    shuffled = data.draw(st.permutations([*ours, *unrelated]))
    rooms = [a_room(), a_room("r2", "LABO")]
    classes = [a_class(), a_class("c2", "3B")]

    def events_of(lessons: list[Lesson]) -> dict[str, tuple[object, ...]]:
        numbered = [structs.replace(lesson, index=i) for i, lesson in enumerate(lessons)]
        result = plan_of(a_timetable(rooms=rooms, classes=classes, lessons=numbered))
        return {k: (e.start, e.end, e.rooms) for k, e in result.events.items() if e.course_key == course_key()}

    # Then the course's events, keys included, are the same
    assert events_of(shuffled) == events_of(ours)
