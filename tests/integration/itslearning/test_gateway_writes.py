"""SoapLmsGateway through the stand-in over real HTTP: what lands, upserts, per-item statuses in request order."""

from __future__ import annotations

from edt_import.adapters.itslearning import SoapLmsGateway
from edt_import.domain.directory import PersonKey
from edt_import.domain.plan import MemberSpec, Role
from edt_import.domain.ports import ItemResult
from itslearning_standin import StandinServer
from tests.support.clock import FakeClock
from tests.support.lms_builders import (
    YEAR_KEY,
    a_course,
    a_gateway,
    a_member,
    a_person,
    a_year,
    an_event,
)


def test_gateway_first_sync_lands_exactly_the_objects_sent(gateway: SoapLmsGateway, standin: StandinServer) -> None:
    # Given a year node, two courses, three learners each and a week of events per course
    courses = [a_course(0), a_course(1)]
    members = [a_member(course, a_person(index)) for course in courses for index in range(3)]
    events = [an_event(course, day) for course in courses for day in range(5)]

    # When they are sent
    year = gateway.upsert_year_node(a_year())
    course_results = gateway.upsert_courses(courses)
    member_results = gateway.add_members(members)
    event_results = gateway.create_events(events)

    # Then every item succeeded and the stand-in holds exactly those objects
    assert year == ItemResult(key=YEAR_KEY, ok=True)
    assert course_results == [ItemResult(key=course.key, ok=True) for course in courses]
    assert member_results == [ItemResult(key=member.key, ok=True) for member in members]
    assert event_results == [ItemResult(key=event.key, ok=True) for event in events]
    stats = standin.stats()
    assert (stats["courses"], stats["memberships"], stats["events"], stats["duplicates"]) == (2, 6, 10, 0)
    dump = standin.dump()
    stored = {event["key"]: event for event in dump["events"]}
    first = stored[events[0].key]
    assert (first["title"], first["start"], first["end"]) == (
        "MATHEMATIQUES - 3A",
        "2025-09-01T08:00:00Z",
        "2025-09-01T09:00:00Z",
    )
    assert (first["location"], first["user_key"], first["description"]) == ("S101", "p0000", "Salle S101")
    course_rows = {course["title"]: course["code"] for course in dump["courses"]}
    assert course_rows == {"MATHEMATIQUES - 3A0": "MATHS", "MATHEMATIQUES - 3A1": "MATHS"}


def test_gateway_resend_updates_without_duplicates(gateway: SoapLmsGateway, standin: StandinServer) -> None:
    # Given a course with a member and an event already sent
    course = a_course(0)
    gateway.upsert_year_node(a_year())
    gateway.upsert_courses([course])
    gateway.add_members([a_member(course, a_person(1))])
    gateway.create_events([an_event(course, 0)])

    # When everything is sent again, the course and the event with a new title
    renamed = type(course)(key=course.key, title="MATHS - 3A0", code="MATHS", parent_key=course.parent_key)
    gateway.upsert_year_node(a_year())
    again = gateway.upsert_courses([renamed])
    gateway.add_members([a_member(course, a_person(1))])
    updated = gateway.update_events([an_event(course, 0, title="MATHS - 3A")])
    recreated = gateway.create_events([an_event(course, 0, title="MATHS - 3A")])

    # Then the objects were updated in place: same counts, no duplicate
    assert [again[0].ok, updated[0].ok, recreated[0].ok] == [True, True, True]
    stats = standin.stats()
    assert (stats["courses"], stats["memberships"], stats["events"], stats["duplicates"]) == (1, 1, 1, 0)
    dump = standin.dump()
    assert [course["title"] for course in dump["courses"]] == ["MATHS - 3A0"]
    assert [event["title"] for event in dump["events"]] == ["MATHS - 3A"]


def test_gateway_event_batch_mixed_results_in_request_order(gateway: SoapLmsGateway, standin: StandinServer) -> None:
    # Given one course, and events: good, title of 81 characters, unknown course, good
    course = a_course(0)
    gateway.upsert_year_node(a_year())
    gateway.upsert_courses([course])
    good_first, good_last = an_event(course, 0), an_event(course, 1)
    too_long = an_event(course, 2, title="T" * 81)
    unknown = an_event(a_course(9), 3)

    # When they are created in one call
    results = gateway.create_events([good_first, too_long, unknown, good_last])

    # Then each item has its own verdict, in the order sent
    assert results == [
        ItemResult(key=good_first.key, ok=True),
        ItemResult(key=too_long.key, ok=False, reason="The title must have between 1 and 80 characters."),
        ItemResult(key=unknown.key, ok=False, reason="No course has this sync key."),
        ItemResult(key=good_last.key, ok=True),
    ]
    assert standin.stats()["events"] == 2


def test_gateway_delete_in_locked_period_refused_per_item(gateway: SoapLmsGateway, standin: StandinServer) -> None:
    # Given events on 1 and 20 September, and a period locked before 10 September
    course = a_course(0)
    gateway.upsert_year_node(a_year())
    gateway.upsert_courses([course])
    locked, free = an_event(course, 0), an_event(course, 19)
    gateway.create_events([locked, free])
    standin.context.locked_before = locked.start.replace(day=10)

    # When both are deleted
    results = gateway.delete_events([locked, free])

    # Then only the one in the open period is gone
    assert results == [
        ItemResult(key=locked.key, ok=False, reason="The event cannot be deleted because the period is locked."),
        ItemResult(key=free.key, ok=True),
    ]
    assert [event["key"] for event in standin.dump()["events"]] == [locked.key]


def test_gateway_memberships_mixed_results_in_request_order(gateway: SoapLmsGateway, standin: StandinServer) -> None:
    # Given a course, a known learner, a hand-made person (no sync key) and an unknown course
    course = a_course(0)
    gateway.upsert_year_node(a_year())
    gateway.upsert_courses([course])
    good = a_member(course, a_person(2))
    manual = MemberSpec(key=f"{course.key}|p0900|Instructor", course_key=course.key, person_key=PersonKey("p0900"),
                        role=Role.INSTRUCTOR)  # fmt: skip
    nowhere = a_member(a_course(7), a_person(3))

    # When they are added in one call
    results = gateway.add_members([manual, good, nowhere])

    # Then the verdicts follow the request order
    assert results == [
        ItemResult(key=manual.key, ok=False, reason="No integration-managed person has this sync key."),
        ItemResult(key=good.key, ok=True),
        ItemResult(key=nowhere.key, ok=False, reason="The group does not exist."),
    ]
    assert standin.stats()["memberships"] == 1


def test_gateway_course_without_parent_refused(gateway: SoapLmsGateway, standin: StandinServer) -> None:
    # Given no year node
    # When a course hanging under it is sent
    results = gateway.upsert_courses([a_course(0)])

    # Then the course is refused, and nothing is created
    assert results == [ItemResult(key=a_course(0).key, ok=False, reason="The parent group does not exist.")]
    assert standin.stats()["courses"] == 0


def test_gateway_delete_course_detaches_it_and_drops_memberships(
    gateway: SoapLmsGateway, standin: StandinServer
) -> None:
    # Given two courses with members
    kept, dropped = a_course(0), a_course(1)
    gateway.upsert_year_node(a_year())
    gateway.upsert_courses([kept, dropped])
    gateway.add_members([a_member(kept, a_person(1)), a_member(dropped, a_person(1)), a_member(dropped, a_person(2))])

    # When one course is deleted, twice (a lost answer re-sent)
    first = gateway.delete_courses([dropped])
    second = gateway.delete_courses([dropped])
    removed = gateway.remove_members([a_member(kept, a_person(1))])

    # Then its course is detached (kept as a manual course) and its memberships are gone; repeats succeed
    assert [first[0].ok, second[0].ok, removed[0].ok] == [True, True, True]
    stats = standin.stats()
    assert (stats["courses"], stats["detached_courses"], stats["memberships"]) == (1, 1, 0)


def test_gateway_batches_large_sends_and_counts_items_per_call(standin: StandinServer) -> None:
    # Given a gateway with batches of 100 and 250 events
    course = a_course(0)
    with a_gateway(standin, FakeClock(), batch_size=100) as gateway:
        gateway.upsert_year_node(a_year())
        gateway.upsert_courses([course])
        events = [an_event(course, day % 200, hour=8 + day // 200) for day in range(250)]
        before = standin.stats()

        # When they are created
        results = gateway.create_events(events)
        figures = gateway.http_figures()

    # Then three messages carry them, polled once each, every result in order
    after = standin.stats()
    assert [result.key for result in results] == [event.key for event in events]
    assert all(result.ok for result in results)
    assert after["calls"] - before["calls"] == 1 + 3 + 3  # message types, 3 AddMessage, 3 GetMessageResult
    assert after["items"] - before["items"] == 250
    assert after["events"] == 250
    assert figures.exchanges == after["calls"]
    assert figures.waiting_s > 0
