"""The stand-in's itslearning rules on its state alone (no HTTP): event times in UTC, titles of at most 80 characters,
upserts by sync key."""

from __future__ import annotations

import pytest

from itslearning_standin.state import EventInput, GroupInput, Outcome, StandinState

UAI = "0750001U"
COURSE = "edt:c1"


def a_state() -> StandinState:
    state = StandinState()
    state.add_school(UAI)
    course = GroupInput(key=COURSE, parent_key=UAI, title="MATHS - 3A", group_type="Course", course_title="MATHS - 3A")
    assert state.put_groups([course], create=True, update=True) == [Outcome(ok=True)]
    return state


def an_event(start: str, end: str, title: str = "MATHS - 3A") -> EventInput:
    return EventInput(key="edt:c1:2025-09-01:1", course_key=COURSE, title=title, start=start, end=end)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2025-09-01T10:00:00+02:00", "2025-09-01T11:00:00+02:00"),
        ("2025-09-01T08:00:00", "2025-09-01T09:00:00"),
        ("2025-09-01T08:00:00Z", "2025-09-01T09:00:00"),
        ("lundi", "2025-09-01T09:00:00Z"),
    ],
)
def test_standin_event_times_not_utc_refused(start: str, end: str) -> None:
    # Given a course, When an event with an offset, a naive or an unreadable time is created
    state = a_state()
    outcomes = state.put_events([an_event(start, end)], create=True)

    # Then it is refused on its own, and not stored
    assert outcomes == [Outcome(ok=False, reason="Start and end must be UTC date-times (ending in Z).")]
    assert state.events == {}


@pytest.mark.parametrize(("length", "ok"), [(80, True), (81, False)])
def test_standin_event_title_limit_80(length: int, ok: bool) -> None:
    state = a_state()
    outcomes = state.put_events([an_event("2025-09-01T08:00:00Z", "2025-09-01T09:00:00Z", "T" * length)], create=True)
    assert [outcome.ok for outcome in outcomes] == [ok]


def test_standin_event_created_twice_is_updated_not_duplicated() -> None:
    # Given an event created once, When it is created again with another title
    state = a_state()
    state.put_events([an_event("2025-09-01T08:00:00Z", "2025-09-01T09:00:00Z")], create=True)
    state.put_events([an_event("2025-09-01T08:00:00Z", "2025-09-01T09:00:00Z", "MATHS")], create=True)

    # Then one event holds the new title, and no duplicate is counted
    assert [event.title for event in state.events.values()] == ["MATHS"]
    assert state.counts()["duplicates"] == 0
