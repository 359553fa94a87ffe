"""``InMemoryLmsGateway.read_persons``: only the integration-managed members of the school node asked for."""

from __future__ import annotations

from datetime import date

import pytest

from edt_import.domain.directory import DirectoryPerson, PersonKey, Profile, Source
from edt_import.domain.errors import ConfigError, ErrorCode
from tests.support.in_memory_lms import InMemoryLmsGateway

SCHOOL_A = "0750001U"
SCHOOL_B = "0750002V"


def a_person(key: str, *, source: Source = Source.AAF, last_name: str = "MARTIN") -> DirectoryPerson:
    return DirectoryPerson(
        person_key=PersonKey(key),
        profile=Profile.TEACHER,
        last_name=last_name,
        first_name="Claire",
        birth_date=date(1980, 1, 1),
        cas_id=None,
        source=source,
    )


def test_in_memory_read_persons_two_schools_only_the_asked_schools_people() -> None:
    # Given two schools, each with a teacher of the same name, and a hand-made account in school A
    fake = InMemoryLmsGateway(
        school_node_keys=[SCHOOL_A, SCHOOL_B],
        school_persons={
            SCHOOL_A: [a_person("a1"), a_person("a-manual", source=Source.MANUAL)],
            SCHOOL_B: [a_person("b1")],
        },
    )

    # When each school's persons are read
    read_a = [p.person_key for p in fake.read_persons(SCHOOL_A)]
    read_b = [p.person_key for p in fake.read_persons(SCHOOL_B)]

    # Then each has its own managed teacher only
    assert read_a == ["a1"]
    assert read_b == ["b1"]


def test_in_memory_read_persons_shared_persons_are_members_of_every_school() -> None:
    # Given persons given to the whole site, and one person of school B only
    fake = InMemoryLmsGateway(
        persons=[a_person("p1"), a_person("p2")],
        school_node_keys=[SCHOOL_A],
        school_persons={SCHOOL_B: [a_person("b1")]},
    )

    # When each school's persons are read, Then the site's persons belong to both
    assert [p.person_key for p in fake.read_persons(SCHOOL_A)] == ["p1", "p2"]
    assert [p.person_key for p in fake.read_persons(SCHOOL_B)] == ["p1", "p2", "b1"]


def test_in_memory_read_persons_unknown_school_node_is_a_config_error() -> None:
    # Given a site whose only school is A
    fake = InMemoryLmsGateway(persons=[a_person("p1")], school_node_keys=[SCHOOL_A])

    # When the persons of another school are read, Then the call fails with a plain message naming the node
    with pytest.raises(ConfigError) as raised:
        fake.read_persons(SCHOOL_B)
    assert raised.value.code is ErrorCode.CONFIG_ERROR
    assert raised.value.message == "The establishment's school node 0750002V does not exist in itslearning."


def test_in_memory_read_persons_without_declared_schools_any_school_has_the_site_persons() -> None:
    # Given a fake that declares no school at all (tests about something else), with one site person
    fake = InMemoryLmsGateway(persons=[a_person("p1")])

    # When the persons of any school are read, Then the site person is there
    assert [p.person_key for p in fake.read_persons(SCHOOL_A)] == ["p1"]
    assert [p.person_key for p in fake.read_persons(SCHOOL_B)] == ["p1"]


def test_in_memory_read_persons_school_persons_declare_their_schools_only() -> None:
    # Given a site person and a person of school B only, as the stand-in is seeded with ``school_persons``
    fake = InMemoryLmsGateway(persons=[a_person("p1")], school_persons={SCHOOL_B: [a_person("b1")]})

    # When the persons of school A, which nothing declared, are read, Then A does not exist (as on the stand-in)
    assert [p.person_key for p in fake.read_persons(SCHOOL_B)] == ["p1", "b1"]
    with pytest.raises(ConfigError):
        fake.read_persons(SCHOOL_A)
