"""A first plan counts its events from the week masks and builds them only when asked: the figures must be
exactly those of the events once built, and those of a plan that builds them at once (a previous state holding
a past event of this year, which makes the planner build and diff every event without changing any action)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edt_import.domain.applied_state import AppliedState, CourseEvents, EventBlocks, EventValues
from edt_import.domain.course_rules import year_node_key
from edt_import.domain.directory import DirectoryPerson
from edt_import.domain.planning import PlanResult, PlanSettings, plan_import
from edt_import.domain.timetable import Timetable
from edt_import.generator.establishment import GeneratedEstablishment, Size, generate_establishment
from tests.support.timetable_builders import (
    YEAR_KEY,
    a_class,
    a_group,
    a_lesson,
    a_room,
    a_student,
    a_subject,
    a_teacher,
    a_timetable,
    directory_for,
    link,
)

SEED = 3
SIZES = [pytest.param(size, marks=pytest.mark.slow) if size is Size.CITE else size for size in Size]
WEEKS_FROM_START = (0, 1, 9, 20, 44, 60)  # the first day, the first Tuesday ... after the year's end


@cache
def generated(size: Size) -> GeneratedEstablishment:
    return generate_establishment(size, SEED)


def a_past_event_state(timetable: Timetable, today: date) -> AppliedState:
    """A previous state whose only content is one event of this year before ``today``: it changes no action,
    but its presence makes the planner build and diff every event at once."""
    course = f"{year_node_key(timetable)}:OLD:cc0"
    day = today - timedelta(days=400)
    start = int(datetime(day.year, day.month, day.day, 8, tzinfo=UTC).timestamp())
    old = EventValues(f"{day.isoformat()}:0", day.toordinal(), start, start, "OLD", (), (), "")
    return AppliedState(uai=timetable.uai, course_events=EventBlocks({course: CourseEvents.of([old])}))


def both_plans(timetable: Timetable, directory: list[DirectoryPerson], today: date) -> tuple[PlanResult, PlanResult]:
    settings_ = PlanSettings(today=today)
    counted = plan_import(timetable, directory, previous=None, selection=None, settings=settings_)
    eager = plan_import(
        timetable, directory, previous=a_past_event_state(timetable, today), selection=None, settings=settings_
    )
    return counted, eager


def events_by_course(result: PlanResult) -> dict[str, int]:
    return dict(Counter(event.course_key for event in result.events.values()))


def assert_counts_match_rows(counted: PlanResult, eager: PlanResult) -> None:
    # The report, read before any event is built, is the eager plan's report
    assert counted.report == eager.report
    # ... and its figures are those of the events once built
    by_course = events_by_course(counted)
    assert {c.key: c.events for c in counted.report.courses if c.events} == by_course
    assert counted.report.actions["create_event"] == len(counted.events) == sum(by_course.values())
    assert list(counted.course_events.items()) == list(eager.course_events.items())
    assert counted.plan.actions == eager.plan.actions
    # ... and so is the next state, but for what the eager plan's previous state kept
    old = f"{counted.year_node.key}:OLD:cc0"
    assert counted.state.member_groups == eager.state.member_groups
    assert counted.state.course_events == {k: e for k, e in eager.state.course_events.items() if k != old}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("weeks_from_start", WEEKS_FROM_START)
def test_counted_events_generated_every_size_and_import_date_equal_the_rows_built(
    size: Size, weeks_from_start: int
) -> None:
    # Given a generated establishment and an import date from the year's first day to after its end
    school = generated(size)
    today = school.timetable.school_year.week1_monday + timedelta(days=7 * weeks_from_start + weeks_from_start % 5)
    # When it is planned with no previous state, and with one that makes every row be built and diffed
    counted, eager = both_plans(school.timetable, list(school.directory), today)
    # Then the counted figures, the rows later built and the eager plan all agree
    assert_counts_match_rows(counted, eager)


def test_counted_events_rows_are_built_once_whatever_is_asked_first() -> None:
    # Given a first plan of a small generated establishment
    school = generated(Size.COLLEGE)
    settings_ = PlanSettings(today=school.timetable.school_year.week1_monday)
    first = plan_import(school.timetable, school.directory, previous=None, selection=None, settings=settings_)
    second = plan_import(school.timetable, school.directory, previous=None, selection=None, settings=settings_)
    # When one asks for the next state first, the other for the actions first
    state = first.state
    actions = second.plan.actions
    # Then both see the same events, each once
    assert state.course_events == second.state.course_events
    assert first.plan.actions == actions
    assert sum(a.type.value == "create_event" for a in actions) == len(first.events)
    assert len(first.events) == first.report.actions["create_event"]


MASKS = st.integers(min_value=0, max_value=(1 << 64) - 1)
DAYS = st.integers(min_value=1, max_value=2)
PLACES = st.integers(min_value=0, max_value=2)


@st.composite
def small_timetables(draw: st.DrawFn) -> Timetable:
    """Few slots so that lessons share them; alternating and random weeks, cancellations, an audience named
    twice, teachers and rooms present some weeks only, a class and a group audience on one lesson."""
    alternating = st.sampled_from([0x5555555555555554, 0xAAAAAAAAAAAAAAAA, (1 << 64) - 2])
    week_masks = st.one_of(alternating, MASKS)
    lessons = []
    for index in range(draw(st.integers(min_value=1, max_value=6))):
        classes = [link(ident, draw(week_masks)) for ident in draw(st.lists(st.sampled_from(["c1", "c2"]), max_size=3))]
        groups = [link("g1", draw(week_masks))] if draw(st.booleans()) else []
        lessons.append(
            a_lesson(
                index=index,
                day=draw(DAYS),
                start_place=draw(PLACES),
                place_count=draw(st.integers(min_value=1, max_value=2)),
                subject=draw(st.sampled_from(["m1", "f1"])),
                cancelled_weeks=draw(st.one_of(st.just(0), MASKS)),
                classes=tuple(classes),
                groups=tuple(groups),
                teachers=tuple(link(t, draw(week_masks)) for t in draw(st.lists(st.sampled_from(["t1", "t2"]))))
                or (link("t1"),),
                rooms=tuple(link(r, draw(week_masks)) for r in draw(st.lists(st.sampled_from(["r1", "r2"])))),
            )
        )
    return a_timetable(
        lessons=lessons,
        subjects=[a_subject(), a_subject("f1", "FRANC", "FRANCAIS")],
        teachers=[a_teacher(), a_teacher("t2", "DURAND", "Anne")],
        classes=[a_class(), a_class("c2", "3B")],
        groups=[a_group(classes=["c1", "c2"])],
        rooms=[a_room(), a_room("r2", "B202")],
        students=[a_student(), a_student("s2", "BERNARD", "Hugo", classes=["c2"])],
    )


@settings(max_examples=150, deadline=None)
@given(timetable=small_timetables(), days_from_start=st.integers(min_value=-10, max_value=320))
def test_counted_events_small_timetables_equal_the_rows_built(timetable: Timetable, days_from_start: int) -> None:
    # Given a small timetable with shared slots, alternating weeks, cancellations and an import date in the year
    today = timetable.school_year.week1_monday + timedelta(days=days_from_start)
    # When it is planned with and without rows built at once
    counted, eager = both_plans(timetable, directory_for(timetable), today)
    # Then every figure agrees with the rows
    assert_counts_match_rows(counted, eager)
    assert all(key.startswith(f"{YEAR_KEY}:") for key in counted.events)
