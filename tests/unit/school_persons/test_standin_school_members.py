"""The stand-in's school memberships on its state alone (no HTTP): seeding and ``memberships_of``."""

from __future__ import annotations

from datetime import date

from edt_import.domain.directory import DirectoryPerson, PersonKey, Profile, Source
from itslearning_standin.seed import seed_state
from itslearning_standin.state import GroupInput, Membership, Outcome, StandinState

SCHOOL_A = "0750001U"
SCHOOL_B = "0750002V"


def a_person(key: str, profile: Profile = Profile.STUDENT, source: Source = Source.AAF) -> DirectoryPerson:
    return DirectoryPerson(
        person_key=PersonKey(key),
        profile=profile,
        last_name="DUPONT",
        first_name="Lea",
        birth_date=date(2012, 3, 4),
        cas_id=None,
        source=source,
    )


def test_standin_seed_persons_member_of_every_school_given() -> None:
    # Given a state seeded with two schools and two persons for both (the CSV has no UAI)
    state = StandinState()
    seed_state(state, schools=(SCHOOL_A, SCHOOL_B), persons=(a_person("p1"), a_person("t1", Profile.TEACHER)))

    # When each school's memberships are read
    of_a = state.memberships_of(SCHOOL_A)
    of_b = state.memberships_of(SCHOOL_B)

    # Then both persons are members of both schools, with their itslearning role
    assert of_a == [
        Membership(key=f"{SCHOOL_A}|p1", group_key=SCHOOL_A, person_key="p1", role="Learner"),
        Membership(key=f"{SCHOOL_A}|t1", group_key=SCHOOL_A, person_key="t1", role="Instructor"),
    ]
    assert [m.person_key for m in of_b or []] == ["p1", "t1"]


def test_standin_seed_school_persons_member_of_their_school_only() -> None:
    # Given school A with its persons, school B with its own, a person in both, and a hand-made account
    state = StandinState()
    seed_state(
        state,
        schools=(SCHOOL_A,),
        persons=(a_person("a1"), a_person("manual", source=Source.MANUAL)),
        school_persons={SCHOOL_B: (a_person("b1"), a_person("a1"))},
    )

    # When each school's memberships are read
    of_a = state.memberships_of(SCHOOL_A) or []
    of_b = state.memberships_of(SCHOOL_B) or []

    # Then A has only its managed person, B its own and the shared one, who is one person of the site
    assert [m.person_key for m in of_a] == ["a1"]
    assert [m.person_key for m in of_b] == ["b1", "a1"]
    assert [p.key for p in state.persons] == ["a1", "", "b1"]


def test_standin_memberships_of_unknown_group_is_none_and_course_members_stay_apart() -> None:
    # Given a school with one person, a course under it and that person in the course
    state = StandinState()
    seed_state(state, schools=(SCHOOL_A,), persons=(a_person("p1"),))
    course = GroupInput(key="edt:c1", parent_key=SCHOOL_A, title="MATHS", group_type="Course", course_title="MATHS")
    assert state.put_groups([course], create=True, update=True) == [Outcome(ok=True)]
    member = Membership(key="edt:c1|p1|Learner", group_key="edt:c1", person_key="p1", role="Learner")
    assert state.put_memberships([member]) == [Outcome(ok=True)]

    # When memberships are read for the school, the course and an unknown group
    # Then the school has its own member only, the course its own, and an unknown group has none at all
    assert [m.key for m in state.memberships_of(SCHOOL_A) or []] == [f"{SCHOOL_A}|p1"]
    assert state.memberships_of("edt:c1") == [member]
    assert state.memberships_of(SCHOOL_B) is None
    assert state.counts()["memberships"] == 1


def test_standin_school_memberships_survive_json_round_trip() -> None:
    # Given a seeded state
    state = StandinState()
    seed_state(state, schools=(SCHOOL_A,), persons=(a_person("p1"),))

    # When it is saved and loaded, Then the school membership is still there
    loaded = StandinState.from_json(state.to_json())
    assert loaded.memberships_of(SCHOOL_A) == state.memberships_of(SCHOOL_A)
