"""``SoapLmsGateway.read_persons(school)`` over HTTP on a site hosting two establishments with namesakes."""

from __future__ import annotations

import pytest
from lxml import etree
from msgspec import structs

from edt_import.adapters.itslearning import SoapLmsGateway
from edt_import.adapters.itslearning.ims import ImsMembership
from edt_import.domain.directory import DirectoryPerson, PersonKey, Profile, Source
from edt_import.domain.errors import ConfigError, ErrorCode, LmsProtocolError
from itslearning_standin import StandinServer
from itslearning_standin import protocol as standin_protocol
from tests.support.clock import FakeClock
from tests.support.lms_builders import UAI, a_course, a_gateway, a_member, a_person, a_year

OTHER_UAI = "0750002V"


def a_namesake(person: DirectoryPerson, index: int) -> DirectoryPerson:
    """Another school's account with the same names (and, for the worst case, the same birth date)."""
    return structs.replace(person, person_key=PersonKey(f"other{index:04d}"), cas_id=f"other-cas{index}")


def two_schools() -> tuple[list[DirectoryPerson], list[DirectoryPerson], StandinServer]:
    ours = [a_person(index, profile=Profile.TEACHER if index % 4 == 0 else Profile.STUDENT) for index in range(12)]
    ours.insert(3, a_person(900, profile=Profile.TEACHER, source=Source.MANUAL))
    theirs = [a_namesake(person, index) for index, person in enumerate(ours) if person.integration_managed]
    server = StandinServer(schools=(UAI, OTHER_UAI), school_persons={UAI: ours, OTHER_UAI: theirs})
    return ours, theirs, server


def test_gateway_read_persons_two_schools_returns_only_the_schools_managed_people(clock: FakeClock) -> None:
    # Given a site with school A (12 managed persons and a hand-made teacher) and school B with their namesakes
    ours, theirs, server = two_schools()
    with server, a_gateway(server, clock) as gateway:
        # When each school's persons are read
        read_ours = list(gateway.read_persons(UAI))
        read_theirs = list(gateway.read_persons(OTHER_UAI))

    # Then each school gets exactly its own integration-managed people, as the ENT directory has them
    assert read_ours == [person for person in ours if person.integration_managed]
    assert read_theirs == theirs


def test_gateway_read_persons_person_of_two_schools_is_in_both(clock: FakeClock) -> None:
    # Given a teacher who works in both schools, and one person of each school only
    shared = a_person(1, profile=Profile.TEACHER)
    server = StandinServer(
        schools=(UAI, OTHER_UAI),
        school_persons={UAI: [a_person(2), shared], OTHER_UAI: [shared, a_person(3)]},
    )
    with server, a_gateway(server, clock) as gateway:
        # When each school's persons are read
        read_ours = [person.person_key for person in gateway.read_persons(UAI)]
        read_theirs = [person.person_key for person in gateway.read_persons(OTHER_UAI)]

    # Then the shared teacher is read once for each school (itslearning holds one account, in readAllPersons order)
    assert read_ours == ["p0002", "p0001"]
    assert read_theirs == ["p0001", "p0003"]


def test_gateway_read_persons_course_members_of_other_school_are_not_school_members(clock: FakeClock) -> None:
    # Given school B's person added to a course of school A (a membership of the course, not of the school)
    server = StandinServer(schools=(UAI, OTHER_UAI), school_persons={UAI: [a_person(1)], OTHER_UAI: [a_person(2)]})
    with server, a_gateway(server, clock) as gateway:
        gateway.upsert_year_node(a_year())
        gateway.upsert_courses([a_course(0)])
        assert [result.ok for result in gateway.add_members([a_member(a_course(0), a_person(2))])] == [True]

        # When school A's persons are read
        read = [person.person_key for person in gateway.read_persons(UAI)]

    # Then only the school's own member comes back
    assert read == ["p0001"]


def test_gateway_read_persons_unknown_school_node_is_a_plain_config_error(clock: FakeClock) -> None:
    # Given a site without school 0759999Z
    _, _, server = two_schools()
    with server, a_gateway(server, clock) as gateway:
        # When its persons are read
        with pytest.raises(ConfigError) as raised:
            gateway.read_persons("0759999Z")
        calls = server.stats()["calls"]

    # Then the call fails at once, naming the node, after one request and no person read
    assert raised.value.code is ErrorCode.CONFIG_ERROR
    assert raised.value.message == "The establishment's school node 0759999Z does not exist in itslearning."
    assert calls == 1


def test_gateway_read_persons_school_without_members_reads_no_person(clock: FakeClock) -> None:
    # Given school B with persons and school A, a node without members
    server = StandinServer(schools=(UAI,), school_persons={OTHER_UAI: [a_person(1), a_person(2)]})
    with server, a_gateway(server, clock) as gateway:
        # When school A's persons are read
        read = list(gateway.read_persons(UAI))
        calls = server.stats()["calls"]

    # Then none come back, after reading the memberships only
    assert read == []
    assert calls == 1


def test_ims_read_memberships_for_group_returns_the_wire_memberships(clock: FakeClock) -> None:
    # Given school A with two persons
    server = StandinServer(schools=(UAI,), school_persons={UAI: [a_person(1, profile=Profile.TEACHER), a_person(2)]})
    with server, a_gateway(server, clock) as gateway:
        # When the school's memberships are read through the IMS client
        memberships = gateway._ims[0].read_memberships_for_group(UAI)  # the client under the port

    # Then each membership carries its key, the school, the person and the role
    assert memberships == [
        ImsMembership(key=f"{UAI}|p0001", group_key=UAI, person_key="p0001", role="Instructor"),
        ImsMembership(key=f"{UAI}|p0002", group_key=UAI, person_key="p0002", role="Learner"),
    ]


@pytest.mark.parametrize("operation", ["readMembershipsForGroup", "readGroup"])
def test_gateway_school_node_reads_other_refusal_is_a_protocol_error(
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch, operation: str
) -> None:
    # Given a stand-in whose request failures say "unauthorised" instead of "unknown object"
    real = standin_protocol._ims_request_failure

    def unauthorised(root: etree._Element, namespace: str, operation: str, reason: str) -> etree._Element:
        info = real(root, namespace, operation, reason)
        for value in info.iter(standin_protocol.q(namespace, "imsx_codeMinorFieldValue")):
            value.text = "unauthorisedrequest"
        return info

    monkeypatch.setattr(standin_protocol, "_ims_request_failure", unauthorised)

    # When a school's persons are read (or its node looked up) and the request fails,
    # Then it is not taken for a missing school
    def read(gateway: SoapLmsGateway) -> object:
        if operation == "readGroup":
            return gateway.school_node_exists("0759999Z")
        return list(gateway.read_persons("0759999Z"))

    with (
        StandinServer(schools=(UAI,)) as server,
        a_gateway(server, clock) as gateway,
        pytest.raises(LmsProtocolError) as raised,
    ):
        read(gateway)

    assert raised.value.message == "itslearning refused to read the establishment's school node or its members."
    assert raised.value.details == {"operation": operation, "reason": "No group has this sync key."}
