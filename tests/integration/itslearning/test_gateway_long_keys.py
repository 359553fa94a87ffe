"""Sync keys longer than itslearning's 64 characters: the stand-in refuses them as itslearning does, and the client
sends a stable digest form instead, so such objects land, update and delete like any other."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from edt_import.adapters.itslearning import SoapLmsGateway
from edt_import.adapters.itslearning.sync_keys import MAX_SYNC_KEY, wire_key
from edt_import.domain.plan import CourseSpec
from edt_import.domain.ports import ItemResult
from itslearning_standin import StandinServer
from itslearning_standin.state import Group, Membership, StandinState
from tests.support.lms_builders import UAI, YEAR_KEY, a_member, a_person, a_year, an_event

# A subject code long enough to push the course key itself past 64 characters.
LONG_COURSE = CourseSpec(
    key=f"{YEAR_KEY}:ACCOMPAGNEMENT-PERSONNALISE-APPROFONDI:g1234567",
    title="ACCOMPAGNEMENT PERSONNALISE - G1",
    code="ACCOMPAGNEMENT-PERSONNALISE-APPROFONDI",
    parent_key=YEAR_KEY,
)


def test_standin_membership_key_over_64_characters_refused_per_item() -> None:
    # Given a stand-in holding a school, a course group and a person
    state = StandinState()
    state.add_school(UAI)
    state.add_person(key="p1", role="Learner", first_name="A", last_name="B", birth_date="", cas_id="")
    group = "edt:g"
    state.groups[group] = Group(key=group, parent_key=UAI, title="G", group_type="Course")

    # When memberships with 64 and 65-character keys are created
    fits = Membership(key="k" * 64, group_key=group, person_key="p1", role="Learner")
    too_long = Membership(key="k" * 65, group_key=group, person_key="p1", role="Learner")
    outcomes = state.put_memberships([too_long, fits])

    # Then the long one is refused on its own, as itslearning's 64-character sync key limit says
    assert [outcome.ok for outcome in outcomes] == [False, True]
    assert outcomes[0].reason == "The sync key is missing or longer than 64 characters."


def test_gateway_keys_over_64_characters_land_update_and_delete_once(
    gateway: SoapLmsGateway, standin: StandinServer
) -> None:
    # Given a course, a membership and an event whose plan keys are longer than 64 characters
    member = a_member(LONG_COURSE, a_person(1))
    event = an_event(LONG_COURSE, 0)
    assert min(len(LONG_COURSE.key), len(member.key), len(event.key)) > MAX_SYNC_KEY
    gateway.upsert_year_node(a_year())

    # When they are sent, sent again (a re-sync), then removed
    first = [*gateway.upsert_courses([LONG_COURSE]), *gateway.add_members([member]), *gateway.create_events([event])]
    landed = standin.stats()
    again = [*gateway.upsert_courses([LONG_COURSE]), *gateway.add_members([member]), *gateway.update_events([event])]
    dump = standin.dump()
    removed = [
        *gateway.delete_events([event]),
        *gateway.remove_members([member]),
        *gateway.delete_courses([LONG_COURSE]),
    ]

    # Then each call succeeded under the plan's keys, itslearning held each object once under its digest form,
    # and the removals found them
    keys = [LONG_COURSE.key, member.key, event.key]
    assert first == again == [ItemResult(key=key, ok=True) for key in keys]
    assert removed == [ItemResult(key=key, ok=True) for key in reversed(keys)]
    assert (landed["courses"], landed["memberships"], landed["events"], landed["duplicates"]) == (1, 1, 1, 0)
    assert {g["key"] for g in dump["groups"]} >= {wire_key(LONG_COURSE.key)}
    course_key = wire_key(LONG_COURSE.key)  # the school node's own memberships are not the course's
    assert [m["key"] for m in dump["memberships"] if m["group_key"] == course_key] == [wire_key(member.key)]
    assert [e["key"] for e in dump["events"]] == [wire_key(event.key)]
    assert all(len(key) <= MAX_SYNC_KEY for key in (wire_key(k) for k in keys))
    after = standin.stats()
    assert (after["courses"], after["memberships"], after["events"], after["detached_courses"]) == (0, 0, 0, 1)


def test_gateway_short_keys_go_out_unchanged(gateway: SoapLmsGateway, standin: StandinServer) -> None:
    # Given a course key of 64 characters exactly
    course = CourseSpec(key=f"{YEAR_KEY}:".ljust(MAX_SYNC_KEY, "X"), title="T", code="C", parent_key=YEAR_KEY)
    gateway.upsert_year_node(a_year())

    # When it is sent, then itslearning holds it under that very key
    assert gateway.upsert_courses([course]) == [ItemResult(key=course.key, ok=True)]
    assert course.key in {g["key"] for g in standin.dump()["groups"]}


@given(prefix=st.text(min_size=MAX_SYNC_KEY - 26, max_size=80), tails=st.lists(st.text(), min_size=2, max_size=5))
def test_wire_key_long_keys_fit_stay_distinct_and_stable(prefix: str, tails: list[str]) -> None:
    # Given keys sharing a long common beginning
    keys = sorted({prefix + "|" + tail for tail in tails})

    # When they are put in their wire form
    wired = [wire_key(key) for key in keys]

    # Then each fits, none collides, and the form is a pure function of the key
    assert all(len(w) <= MAX_SYNC_KEY for w in wired)
    assert len(set(wired)) == len(keys)
    assert wired == [wire_key(key) for key in keys]
    assert [w for key, w in zip(keys, wired, strict=True) if len(key) <= MAX_SYNC_KEY and w != key] == []
