"""Interacting rules over real HTTP: whatever mix of creates, updates and deletes, with transient faults, the
stand-in ends up holding exactly what the per-item results say was accepted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from msgspec import structs

from edt_import.domain.plan import EventSpec
from itslearning_standin import StandinServer
from tests.support.clock import FakeClock
from tests.support.lms_builders import UAI, a_course, a_gateway, a_year, an_event

COURSES = [a_course(0), a_course(1)]
KNOWN_COURSE_KEYS = {COURSES[0].key}  # the second course is never created: its events are refused

an_operation = st.tuples(
    st.sampled_from(["create", "update", "delete"]),
    st.lists(
        st.tuples(st.integers(0, 1), st.integers(0, 5), st.sampled_from(["MATHS", "X" * 81, "FRANCAIS"])),
        min_size=1,
        max_size=8,
    ),
)


@pytest.fixture(scope="module")
def shared_standin() -> Iterator[StandinServer]:
    server = StandinServer(schools=(UAI,), seed=99)
    server.start()
    yield server
    server.stop()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(an_operation, min_size=1, max_size=5), fault_rate=st.sampled_from([0.0, 0.3]))
def test_gateway_events_state_matches_accepted_results(
    shared_standin: StandinServer, operations: list[tuple[str, list[tuple[int, int, str]]]], fault_rate: float
) -> None:
    # Given a fresh stand-in with one real course, answering some calls with 503
    shared_standin.reset()
    shared_standin.fault_rate = 0.0
    clock = FakeClock()
    with a_gateway(shared_standin, clock, batch_size=3) as gateway:
        gateway.upsert_year_node(a_year())
        gateway.upsert_courses([COURSES[0]])
        shared_standin.fault_rate = fault_rate
        expected: dict[str, str] = {}

        # When each operation is sent, the model following only what was reported accepted
        for kind, items in operations:
            events: list[EventSpec] = [
                structs.replace(an_event(COURSES[course], day), title=title) for course, day, title in items
            ]
            send = {"create": gateway.create_events, "update": gateway.update_events, "delete": gateway.delete_events}
            results = send[kind](events)
            assert [result.key for result in results] == [event.key for event in events]
            for event, result in zip(events, results, strict=True):
                if result.ok and kind == "delete":
                    expected.pop(event.key, None)
                elif result.ok:
                    expected[event.key] = event.title
                else:
                    assert result.reason
                    refusable = (
                        len(event.title) > 80
                        or event.course_key not in KNOWN_COURSE_KEYS
                        or (kind == "update" and event.key not in expected)
                    )
                    assert refusable

    # Then the stand-in holds exactly the accepted events, once each
    stored = {event["key"]: event["title"] for event in shared_standin.dump()["events"]}
    assert stored == expected
    assert shared_standin.stats()["duplicates"] == 0
