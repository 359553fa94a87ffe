"""What every ``LmsGateway`` does, pinned once for the in-memory fake and the stand-in behind the real SOAP client.

The unit tests of the sync run on the in-memory fake; the integration tests and the demo on the stand-in. Both
stand for itslearning: they must accept, refuse (in the same words) and keep the same things, or a sync that
passes its unit tests could fail against the stand-in. Each test runs against both.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Protocol

import pytest
from msgspec import structs

from edt_import.adapters.itslearning.sync_keys import wire_key
from edt_import.domain.directory import DirectoryPerson, Profile, Source
from edt_import.domain.errors import ConfigError, ErrorCode
from edt_import.domain.plan import CourseSpec, EventSpec, YearNode
from edt_import.domain.ports import ItemResult, LmsGateway
from itslearning_standin import StandinServer
from itslearning_standin.state import (
    COURSE_NOT_FOUND,
    COURSE_TITLE_MISSING,
    END_NOT_AFTER_START,
    EVENT_NOT_FOUND,
    EVENT_TITLE_REFUSED,
    GROUP_NOT_FOUND,
    LOCKED_REASON,
    PARENT_NOT_FOUND,
    PERSON_NOT_FOUND,
)
from tests.support.clock import FakeClock
from tests.support.in_memory_lms import InMemoryLmsGateway
from tests.support.lms_builders import (
    UAI,
    a_course,
    a_gateway,
    a_member,
    a_person,
    a_year,
    an_event,
)

OTHER_SCHOOL = "0750002B"
PEOPLE = tuple(a_person(index) for index in range(4))
BY_HAND = a_person(900, profile=Profile.TEACHER, source=Source.MANUAL)  # made in itslearning: no sync key
ELSEWHERE = a_person(50)  # a member of another establishment of the same site
SCHOOLS: dict[str, tuple[DirectoryPerson, ...]] = {UAI: (*PEOPLE, BY_HAND), OTHER_SCHOOL: (ELSEWHERE,)}


class LmsUnderTest(Protocol):
    """A gateway, and a look at what the itslearning behind it holds for us (by the plan's keys)."""

    gateway: LmsGateway

    def course_title(self, key: str) -> str | None: ...

    def has_member(self, key: str) -> bool: ...

    def event_title(self, key: str) -> str | None:
        """The title of the event, while it is in a course we own."""
        ...

    def lock_before(self, moment: datetime) -> None: ...


class InMemoryLms:
    def __init__(self) -> None:
        self.lms = InMemoryLmsGateway(school_persons=SCHOOLS)
        self.gateway: LmsGateway = self.lms

    def course_title(self, key: str) -> str | None:
        course = self.lms.courses.get(key)
        return None if course is None else course.title

    def has_member(self, key: str) -> bool:
        return key in self.lms.members

    def event_title(self, key: str) -> str | None:
        event = self.lms.events.get(key)
        return None if event is None else event.title

    def lock_before(self, moment: datetime) -> None:
        self.lms.locked_before = moment


class StandinLms:
    def __init__(self, standin: StandinServer, gateway: LmsGateway) -> None:
        self.standin = standin
        self.gateway = gateway

    def course_title(self, key: str) -> str | None:
        group = self.standin.state.groups.get(wire_key(key))
        if group is None or group.course_id is None:
            return None
        return self.standin.state.courses[group.course_id].title

    def has_member(self, key: str) -> bool:
        return wire_key(key) in self.standin.state.memberships

    def event_title(self, key: str) -> str | None:
        event = self.standin.state.events.get(wire_key(key))
        if event is None or self.standin.state.courses[event.course_id].group_key is None:
            return None
        return event.title

    def lock_before(self, moment: datetime) -> None:
        self.standin.context.locked_before = moment


@pytest.fixture(params=["in_memory", "standin"])
def lms(request: pytest.FixtureRequest) -> Iterator[LmsUnderTest]:
    if request.param == "in_memory":
        yield InMemoryLms()
        return
    standin = StandinServer(school_persons=SCHOOLS)
    standin.start()
    try:
        with a_gateway(standin, FakeClock()) as gateway:
            yield StandinLms(standin, gateway)
    finally:
        standin.stop()


def reasons(results: list[ItemResult]) -> list[str | None]:
    return [result.reason if not result.ok else None for result in results]


def with_course(lms: LmsUnderTest, *courses: CourseSpec) -> None:
    assert lms.gateway.upsert_year_node(a_year()).ok
    assert all(result.ok for result in lms.gateway.upsert_courses(courses))


def test_lms_read_persons_are_the_school_nodes_integration_managed_members(lms: LmsUnderTest) -> None:
    # When the establishment's people are read
    found = {person.person_key for person in lms.gateway.read_persons(UAI)}
    # Then they are its own, without the account made by hand nor the other establishment's people
    assert found == {person.person_key for person in PEOPLE}


def test_lms_read_persons_unknown_school_node_is_a_config_error(lms: LmsUnderTest) -> None:
    with pytest.raises(ConfigError) as raised:
        list(lms.gateway.read_persons("0999999Z"))
    assert raised.value.code is ErrorCode.CONFIG_ERROR
    assert raised.value.details == {"school_node": "0999999Z"}


def test_lms_school_node_exists_for_the_sites_schools_only(lms: LmsUnderTest) -> None:
    assert [lms.gateway.school_node_exists(key) for key in (UAI, OTHER_SCHOOL, "0999999Z")] == [True, True, False]


def test_lms_year_node_needs_an_existing_parent_and_is_upserted(lms: LmsUnderTest) -> None:
    # Given a year node under a school node the site does not have
    lost = YearNode(key=f"edt:{UAI}:2024", title="Cours 2024 - 2025", parent_key="0999999Z")
    # When it and the right one (twice) are sent, Then only the lost one is refused
    assert reasons([lms.gateway.upsert_year_node(lost)]) == [PARENT_NOT_FOUND]
    assert lms.gateway.upsert_year_node(a_year()) == ItemResult(key=a_year().key, ok=True)
    assert lms.gateway.upsert_year_node(a_year()).ok


def test_lms_courses_need_their_parent_and_a_title_each_judged_alone(lms: LmsUnderTest) -> None:
    # Given the year node, and a batch with a sound course, an orphan and an untitled one
    assert lms.gateway.upsert_year_node(a_year()).ok
    orphan = structs.replace(a_course(1), parent_key=f"edt:{UAI}:1999")
    untitled = structs.replace(a_course(2), title="")
    # When the batch is sent
    results = lms.gateway.upsert_courses([a_course(0), orphan, untitled])
    # Then each item has its own verdict, in request order, and only the sound course exists
    assert [result.key for result in results] == [a_course(0).key, orphan.key, untitled.key]
    assert reasons(results) == [None, PARENT_NOT_FOUND, COURSE_TITLE_MISSING]
    assert [lms.course_title(c.key) for c in (a_course(0), orphan, untitled)] == [a_course(0).title, None, None]


def test_lms_course_sent_again_is_updated_in_place(lms: LmsUnderTest) -> None:
    with_course(lms, a_course(0))
    renamed = structs.replace(a_course(0), title="MATHEMATIQUES - 3A0 (groupe)")
    assert reasons(lms.gateway.upsert_courses([renamed])) == [None]
    assert lms.course_title(renamed.key) == renamed.title


def test_lms_members_need_their_course_and_a_person_with_a_sync_key(lms: LmsUnderTest) -> None:
    # Given one course
    with_course(lms, a_course(0))
    members = [
        a_member(a_course(0), PEOPLE[0]),
        a_member(a_course(1), PEOPLE[1]),  # course never created
        a_member(a_course(0), a_person(777)),  # nobody has this key
        a_member(a_course(0), BY_HAND),  # made by hand: no sync key to be reached by
    ]
    # When they are added, Then only the first is, and the others are refused in itslearning's words
    assert reasons(lms.gateway.add_members(members)) == [None, GROUP_NOT_FOUND, PERSON_NOT_FOUND, PERSON_NOT_FOUND]
    assert [lms.has_member(member.key) for member in members] == [True, False, False, False]


def test_lms_removing_members_present_or_not_succeeds(lms: LmsUnderTest) -> None:
    with_course(lms, a_course(0))
    present, absent = a_member(a_course(0), PEOPLE[0]), a_member(a_course(0), PEOPLE[1])
    assert lms.gateway.add_members([present])[0].ok
    assert reasons(lms.gateway.remove_members([present, absent])) == [None, None]
    assert not lms.has_member(present.key)


def test_lms_events_need_their_course_a_title_of_1_to_80_characters_and_an_end_after_the_start(
    lms: LmsUnderTest,
) -> None:
    # Given one course, and events each breaking one rule (or at its limit)
    with_course(lms, a_course(0))
    course = a_course(0)
    sound = an_event(course, 0)
    at_start = an_event(course, 5)
    events = [
        sound,
        an_event(a_course(1), 1),  # course never created
        an_event(course, 2, title=""),
        an_event(course, 3, title="x" * 81),
        an_event(course, 4, title="x" * 80),
        structs.replace(at_start, end=at_start.start),
        structs.replace(an_event(course, 6), end=an_event(course, 6).start - timedelta(minutes=5)),
    ]
    # When they are created
    results = lms.gateway.create_events(events)
    # Then each has its verdict, and only the sound ones exist
    assert [result.key for result in results] == [event.key for event in events]
    assert reasons(results) == [
        None,
        COURSE_NOT_FOUND,
        EVENT_TITLE_REFUSED,
        EVENT_TITLE_REFUSED,
        None,
        END_NOT_AFTER_START,
        END_NOT_AFTER_START,
    ]
    assert [lms.event_title(event.key) is not None for event in events] == [
        True,
        False,
        False,
        False,
        True,
        False,
        False,
    ]


def test_lms_event_update_needs_the_event(lms: LmsUnderTest) -> None:
    # Given one event
    with_course(lms, a_course(0))
    event = an_event(a_course(0), 0)
    assert lms.gateway.create_events([event])[0].ok
    retitled: EventSpec = structs.replace(event, title="MATHEMATIQUES - 3A (salle B12)")
    # When it and an event never created are updated
    results = lms.gateway.update_events([retitled, an_event(a_course(0), 1)])
    # Then the first changes, the second is refused
    assert reasons(results) == [None, EVENT_NOT_FOUND]
    assert lms.event_title(event.key) == retitled.title
    assert lms.event_title(an_event(a_course(0), 1).key) is None


def test_lms_event_deletions_gone_succeed_locked_are_refused(lms: LmsUnderTest) -> None:
    # Given two events, the period before the second one's start locked
    with_course(lms, a_course(0))
    early, late = an_event(a_course(0), 0), an_event(a_course(0), 7)
    assert all(result.ok for result in lms.gateway.create_events([early, late]))
    lms.lock_before(late.start)
    # When both and one never created are deleted
    results = lms.gateway.delete_events([early, late, an_event(a_course(0), 3)])
    # Then the locked one stays, the others are gone
    assert reasons(results) == [LOCKED_REASON, None, None]
    assert (lms.event_title(early.key), lms.event_title(late.key)) == (early.title, None)


def test_lms_deleting_a_course_takes_its_members_and_leaves_us_its_events_no_more(lms: LmsUnderTest) -> None:
    # Given a course with a member and an event
    with_course(lms, a_course(0), a_course(1))
    member, event = a_member(a_course(0), PEOPLE[0]), an_event(a_course(0), 0)
    assert lms.gateway.add_members([member])[0].ok
    assert lms.gateway.create_events([event])[0].ok
    # When it is deleted, twice
    assert reasons(lms.gateway.delete_courses([a_course(0)])) == [None]
    assert reasons(lms.gateway.delete_courses([a_course(0)])) == [None]
    # Then the course and its member are gone, its event is no longer in a course of ours, the other course stays
    assert (lms.course_title(a_course(0).key), lms.has_member(member.key), lms.event_title(event.key)) == (
        None,
        False,
        None,
    )
    assert lms.course_title(a_course(1).key) == a_course(1).title
