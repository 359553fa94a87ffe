"""Transient trouble retried through the stand-in's fault injection; refusals that are not transient."""

from __future__ import annotations

import json
import urllib.request

import pytest
from lxml import etree

from edt_import.adapters.itslearning import ItslearningSettings, SoapLmsGateway
from edt_import.domain.directory import Profile, Source
from edt_import.domain.errors import ErrorCode, LmsProtocolError, LmsUnavailableError
from itslearning_standin import SANDBOX_PASSWORD, SANDBOX_USERNAME, StandinServer, protocol
from tests.support.clock import FakeClock
from tests.support.lms_builders import a_course, a_gateway, a_member, a_person, a_year, an_event


def test_gateway_transient_faults_retried_until_success(standin: StandinServer, clock: FakeClock) -> None:
    # Given a stand-in answering 40 % of the calls with HTTP 503 (seeded)
    standin.fault_rate = 0.4
    course = a_course(0)
    with a_gateway(standin, clock, batch_size=7) as gateway:
        # When a course, its members and events are sent in small batches
        year = gateway.upsert_year_node(a_year())
        courses = gateway.upsert_courses([course])
        members = gateway.add_members([a_member(course, a_person(index)) for index in range(20)])
        events = gateway.create_events([an_event(course, day) for day in range(30)])

    # Then every item eventually succeeded, after back-off sleeps, with nothing duplicated
    assert year.ok
    assert all(result.ok for result in [*courses, *members, *events])
    stats = standin.stats()
    assert stats["faults"] > 0
    assert len(clock.sleeps) == stats["faults"]
    assert (stats["courses"], stats["memberships"], stats["events"], stats["duplicates"]) == (1, 20, 30, 0)


def test_gateway_budget_exhausted_raises_unavailable(standin: StandinServer, clock: FakeClock) -> None:
    # Given a stand-in that answers every call with HTTP 503 and a 5-second retry budget
    standin.fault_rate = 1.0
    # When a course is sent
    with a_gateway(standin, clock, retry_budget_s=5.0) as gateway, pytest.raises(LmsUnavailableError) as raised:
        gateway.upsert_courses([a_course(0)])

    # Then the call gave up within the budget, saying why
    assert raised.value.code is ErrorCode.LMS_UNAVAILABLE
    assert raised.value.details["last_failure"] == "http 503"
    assert sum(clock.sleeps) <= 5.0
    assert standin.stats()["calls"] == raised.value.details["attempts"]


def test_gateway_answer_lost_to_timeout_resent_without_duplicates(standin: StandinServer, clock: FakeClock) -> None:
    # Given a stand-in that processes some calls but answers them after the client's timeout
    standin.fault_rate = 0.3
    standin.stall_s = 0.6
    course = a_course(0)
    with a_gateway(standin, clock, timeout_s=0.3, batch_size=10) as gateway:
        # When members and events are sent
        gateway.upsert_year_node(a_year())
        gateway.upsert_courses([course])
        members = gateway.add_members([a_member(course, a_person(index)) for index in range(20)])
        events = gateway.create_events([an_event(course, day) for day in range(20)])

    # Then re-sent calls were upserts: every item landed once
    assert all(result.ok for result in [*members, *events])
    stats = standin.stats()
    assert stats["faults"] > 0
    assert (stats["memberships"], stats["events"], stats["duplicates"]) == (20, 20, 0)


def test_gateway_wrong_password_raises_protocol_error(standin: StandinServer, clock: FakeClock) -> None:
    # Given a gateway configured with a wrong password
    wrong = "not-the-password"
    # When it sends anything
    with a_gateway(standin, clock, password=wrong) as gateway, pytest.raises(LmsProtocolError) as raised:
        gateway.upsert_year_node(a_year())

    # Then the refusal is a protocol error about credentials, not retried, and the password is not in it
    assert raised.value.code is ErrorCode.LMS_PROTOCOL_ERROR
    assert raised.value.details == {"operation": "createGroups", "fault": "FailedAuthentication"}
    assert "not-the-password" not in str(raised.value)
    assert clock.sleeps == []
    assert standin.stats()["groups"] == 1


def test_gateway_message_in_queue_polled_until_finished(standin: StandinServer, clock: FakeClock) -> None:
    # Given a stand-in that reports each message InQueue twice before Finished
    standin.context.queue_polls = 2
    course = a_course(0)
    with a_gateway(standin, clock, poll_interval_s=0.5) as gateway:
        gateway.upsert_year_node(a_year())
        gateway.upsert_courses([course])

        # When events are created
        results = gateway.create_events([an_event(course, 0), an_event(course, 1)])

    # Then the client polled with its interval and read the final per-item statuses
    assert [result.ok for result in results] == [True, True]
    assert clock.sleeps == [0.5, 0.5]


def test_gateway_read_persons_pages_and_skips_manual_persons(clock: FakeClock) -> None:
    # Given 250 integration-managed persons and 7 hand-made ones, interleaved
    persons = [a_person(index, profile=Profile.TEACHER if index % 10 == 0 else Profile.STUDENT) for index in range(250)]
    for index in range(7):
        persons.insert(index * 30, a_person(1000 + index, source=Source.MANUAL))
    with StandinServer(persons=persons, schools=("0750001U",)) as standin, a_gateway(standin, clock) as gateway:
        # When the persons are read
        read = list(gateway.read_persons("0750001U"))
        calls = standin.stats()["calls"]

    # Then the 250 managed persons come back, after the school's memberships, in 3 pages of at most 100, with
    # profile, birth date and CAS id
    assert [person.person_key for person in read] == [
        person.person_key for person in persons if person.integration_managed
    ]
    assert calls == 1 + 3
    assert read[0] == a_person(0, profile=Profile.TEACHER)
    assert read[1] == a_person(1)


def test_standin_sandbox_endpoints_report_and_reset(gateway: SoapLmsGateway, standin: StandinServer) -> None:
    # Given one course sent
    gateway.upsert_year_node(a_year())
    gateway.upsert_courses([a_course(0)])

    # When the stats are read over HTTP, then the stand-in reset
    with urllib.request.urlopen(f"{standin.base_url}/_sandbox/stats", timeout=5) as answer:  # noqa: S310
        stats = json.loads(answer.read())
    reset = urllib.request.Request(f"{standin.base_url}/_sandbox/reset", data=b"", method="POST")  # noqa: S310
    with urllib.request.urlopen(reset, timeout=5):  # noqa: S310
        pass

    # Then the stats had the keys, and the reset went back to the seeded school
    assert {key: stats[key] for key in ("courses", "memberships", "events", "calls", "items", "duplicates")} == {
        "courses": 1,
        "memberships": 0,
        "events": 0,
        "calls": 2,
        "items": 2,
        "duplicates": 0,
    }
    assert standin.stats()["courses"] == 0
    assert standin.stats()["groups"] == 1


def test_gateway_refused_items_are_not_sent_again(gateway: SoapLmsGateway, standin: StandinServer) -> None:
    # Given a course, and a batch of memberships one of which names an unknown person
    course = a_course(0)
    gateway.upsert_year_node(a_year())
    gateway.upsert_courses([course])
    members = [a_member(course, a_person(1)), a_member(course, a_person(555)), a_member(course, a_person(2))]
    calls = standin.stats()["calls"]

    # When the batch is sent
    results = gateway.add_members(members)

    # Then the refusal is that item's result, after one call: a permanent refusal is never retried
    assert [result.ok for result in results] == [True, False, True]
    assert standin.stats()["calls"] - calls == 1


def test_gateway_page_size_above_itslearnings_limit_is_capped(clock: FakeClock) -> None:
    # Given 150 persons, and a client configured for pages of 500
    persons = [a_person(index) for index in range(150)]
    with StandinServer(persons=persons, schools=("0750001U",)) as standin:
        settings = ItslearningSettings(
            base_url=standin.base_url, username=SANDBOX_USERNAME, password=SANDBOX_PASSWORD, page_size=500
        )
        # When the persons are read
        with SoapLmsGateway(settings, sleep=clock.sleep, clock=clock) as gateway:
            read = list(gateway.read_persons("0750001U"))

        # Then they come in pages of 100 (the stand-in refuses more, as itslearning does), after the memberships
        assert len(read) == 150
        assert standin.stats()["calls"] == 1 + 2
        assert standin.stats()["soap_faults"] == 0


def test_gateway_message_result_for_fewer_items_than_sent_is_a_protocol_error(
    gateway: SoapLmsGateway, standin: StandinServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given an itslearning that reports on one item fewer than each message carries
    course = a_course(0)
    gateway.upsert_year_node(a_year())
    gateway.upsert_courses([course])
    real_add = protocol._OPERATIONS[protocol.q(protocol.DS, "AddMessage")]

    def forgetful_add(root: etree._Element, payload: etree._Element, context: protocol.Context) -> protocol.Answer:
        answer = real_add(root, payload, context)
        for message in context.messages.values():
            del message.keys[1:2], message.outcomes[1:2]
        return answer

    operations = {**protocol._OPERATIONS, protocol.q(protocol.DS, "AddMessage"): forgetful_add}

    # When two events are created, then the answer is refused rather than matched by guess
    monkeypatch.setattr(protocol, "_OPERATIONS", operations)
    with pytest.raises(LmsProtocolError, match="different number of items"):
        gateway.create_events([an_event(course, 0), an_event(course, 1)])
