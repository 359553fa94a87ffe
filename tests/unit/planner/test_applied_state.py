from __future__ import annotations

import base64
import json
from array import array
from collections.abc import Callable
from datetime import UTC, date, datetime
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from msgspec import structs

from edt_import.domain.applied_state import (
    AppliedState,
    CourseEvents,
    EventBlocks,
    EventValues,
    MemberGroup,
    event_values,
    member_spec,
)
from edt_import.domain.directory import PersonKey
from edt_import.domain.errors import EdtImportError, ErrorCode
from edt_import.domain.plan import Action, ActionType, CourseSpec, EventSpec, Role, YearNode
from edt_import.domain.state_encoding import STATE_SCHEMA, decode_state, encode_state
from tests.support.timetable_builders import a_timetable, plan_of

COURSE = "edt:0750001A:2025-2026:MATHS:cc1"


def an_event(suffix: str, *, title: str = "MATHS", rooms: tuple[str, ...] = ("A101",)) -> EventSpec:
    day = date.fromisoformat(suffix[:10])
    start = datetime(day.year, day.month, day.day, 7, tzinfo=UTC)
    return EventSpec(
        key=f"{COURSE}:{suffix}",
        course_key=COURSE,
        title=title,
        start=start,
        end=start.replace(hour=8),
        local_date=day,
        rooms=rooms,
        teachers=(PersonKey("T-1"),),
        description=f"Salle : {', '.join(rooms)}",
    )


def test_applied_state_round_trips_a_planned_state_exactly() -> None:
    # Given the state a plan leaves, with a mapping and an event recorded by hand
    planned = plan_of(a_timetable()).state
    odd = an_event("2025-09-01:0:2", title="Réunion « parents »", rooms=("A", "B"))
    state = structs.replace(
        planned.recorded([Action(type=ActionType.CREATE_EVENT, target=odd)]), pronote_ids={"PN1": PersonKey("T-t1")}
    )
    # When
    again = decode_state(encode_state(state))
    # Then
    assert again == state
    assert again.events[odd.key] == odd
    assert encode_state(again) == encode_state(state)


def test_applied_state_is_versioned_and_compact() -> None:
    # Given the default plan's state (one course, 44 Monday events)
    state = plan_of(a_timetable()).state
    # When
    header, members, block = map(json.loads, encode_state(state).split(b"\n"))
    # Then it is versioned, and its first line lists the courses, with their fingerprints, and their events' lines
    assert header["schema"] == STATE_SCHEMA == 6
    assert header["planned_on"] == "2025-09-01"
    [(key, title, code, parent, fingerprint)] = header["courses"]
    assert (key, title, code, parent) == (COURSE, "MATHEMATIQUES - 3A", "MATHS", "edt:0750001A:2025-2026")
    assert fingerprint == state.fingerprints[COURSE]
    assert header["events"] == [[COURSE, 44]]
    # ... members are grouped by course
    assert (members["courses"], members["people"]) == ([COURSE], ["T-t1", "S-s1", "S-s2"])
    assert (numbers(members["sizes"]), numbers(members["people_refs"])) == ([1, 2], [0, 1, 2])
    # ... and each course's events stand alone: suffixes past their date, texts and lists written once
    texts, lists, refs, values = block
    assert (texts, lists) == ([":0", "MATHEMATIQUES - 3A", "Salle : A101"], [["A101"], ["T-t1"]])
    assert [numbers(refs)[44 * i : 44 * (i + 1)] for i in range(5)] == [
        [0] * 44,
        [1] * 44,
        [0] * 44,
        [1] * 44,
        [2] * 44,
    ]
    assert numbers(values)[0] == date(2025, 9, 1).toordinal()
    assert numbers(values)[44:46] == [1756706400, 1757311200]  # 08:00 in Paris, summer time
    # ... in the smallest type of column that holds them
    assert (members["sizes"][0], refs[0], values[0]) == ("B", "B", "I")


def numbers(column: list[str]) -> list[int]:
    typecode, text = column
    return array(typecode, base64.b64decode(text)).tolist()


def a_document(*changes: tuple[int, object], count: int = 1) -> bytes:
    """A valid encoded state of one course with one event, with ``changes`` (position, value) made to its line."""
    state = AppliedState(uai="0750001A").recorded(
        [Action(type=ActionType.CREATE_EVENT, target=an_event("2025-09-01:0"))]
    )
    header, members, block = map(json.loads, encode_state(state).split(b"\n"))
    header["events"] = [[COURSE, count]]
    for position, value in changes:
        block[position] = value
    return b"\n".join(json.dumps(line).encode() for line in (header, members, block))


def a_state_document(**changes: object) -> bytes:
    """The default plan's state, with ``changes`` made to its first line."""
    header, *rest = encode_state(plan_of(a_timetable()).state).split(b"\n")
    return b"\n".join([json.dumps({**json.loads(header), **changes}).encode(), *rest])


def a_members_document(**changes: object) -> bytes:
    """The default plan's state, with ``changes`` made to its members line."""
    header, members, *rest = encode_state(plan_of(a_timetable()).state).split(b"\n")
    return b"\n".join([header, json.dumps({**json.loads(members), **changes}).encode(), *rest])


@pytest.mark.parametrize(
    "data",
    [
        b'{"schema":9}',
        b'{"schema":3,"uai":"U","year_node":null,"courses":[],"members":{},"pronote_ids":{},'
        b'"events":{"values":[],"courses":{},"other":[]}}',  # the row format before columns: never deployed
        b'{"schema":4,"uai":"U","year_node":null,"courses":[],"members":{"courses":[],"people":[],'
        b'"sizes":["B",""],"people_refs":["B",""]},"events":{"courses":[]},"pronote_ids":{}}',  # never deployed
        b'{"schema":5,"uai":"U","year_node":null,"planned_on":null,"courses":[],"members":{"courses":[],'
        b'"people":[],"sizes":["B",""],"people_refs":["B",""]},"events":{},"pronote_ids":{}}',  # never deployed
        b'{"schema":6,"uai":"U"}',
        b"[]",
        b"nope",
        b"\xff\xfe{}",
        b"[" * 100_000 + b"]" * 100_000,
        a_document(count=0),  # a course without events
        a_state_document(courses=[["k", "t", "c", "p"]]),  # a course row without its fingerprint
        a_state_document(planned_on="2025-13-01"),
        a_state_document(events=[]),  # a course's line more than the courses listed
        a_state_document(events=[["a", 1], ["b", 1]]),  # a line fewer
        a_state_document() + b"\n" + b"[" * 100_000,
        a_state_document() + b"\n",  # a line that is no course's
        a_members_document(people=["S-s1"]),  # a member reference past the people listed
        a_members_document(sizes=["B", "AQE="]),  # sizes that do not add up to the references
    ],
)
def test_applied_state_damaged_or_unknown_is_refused(data: bytes) -> None:
    with pytest.raises(EdtImportError) as caught:
        decode_state(data)
    assert caught.value.code is ErrorCode.INVALID_STATE


@pytest.mark.parametrize(
    "data",
    [
        a_document(count=2),  # two events' columns for one
        a_document((0, ["x", "y"])),  # a suffix beyond the texts (the refs point at index 0..2)
        a_document((2, ["x", "AQAAAA=="])),  # an unknown typecode
        a_document((2, ["q", "A" * 56])),  # refs are unsigned
        a_document((3, ["I", "AQAA"])),  # bytes that are not a whole number of items
        a_document((3, ["I", "not base64 here!"])),
        a_document((3, "I")),
        a_document((1, [[1]])),
    ],
)
def test_applied_state_damaged_course_line_is_refused_when_read(data: bytes) -> None:
    # Given a state whose course line is damaged
    state = decode_state(data)
    # When its events are read, then it is refused as a damaged state
    with pytest.raises(EdtImportError) as caught:
        _ = state.events
    assert caught.value.code is ErrorCode.INVALID_STATE


def test_applied_state_member_listed_twice_in_a_role_is_refused_when_read() -> None:
    # Given a stored state whose members line names the first course's first learner twice
    document = encode_state(plan_of(a_timetable()).state)
    header, members, *rest = document.split(b"\n")
    line = json.loads(members)
    sizes, refs = numbers(line["sizes"]), numbers(line["people_refs"])
    refs.insert(sizes[0], refs[sizes[0]])
    sizes[1] += 1
    line["sizes"], line["people_refs"] = (["B", base64.b64encode(bytes(column)).decode()] for column in (sizes, refs))
    state = decode_state(b"\n".join([header, json.dumps(line).encode(), *rest]))
    # When that course's members are read, then the state is refused as damaged
    with pytest.raises(EdtImportError) as caught:
        _ = state.member_groups[line["courses"][0]]
    assert caught.value.code is ErrorCode.INVALID_STATE


def test_applied_state_records_confirmed_members_and_events_by_course() -> None:
    # Given a state holding one member and two events of a course
    first, second = an_event("2025-09-01:0"), an_event("2025-09-08:0")
    state = AppliedState(uai="0750001A").recorded(
        [
            Action(type=ActionType.ADD_MEMBER, target=member_spec(COURSE, PersonKey("S-2"), Role.LEARNER)),
            Action(type=ActionType.ADD_MEMBER, target=member_spec(COURSE, PersonKey("S-1"), Role.LEARNER)),
            Action(type=ActionType.CREATE_EVENT, target=first),
            Action(type=ActionType.CREATE_EVENT, target=second),
        ]
    )
    # When one event moves, the other is deleted and a member leaves
    moved = an_event("2025-09-01:0", rooms=("LABO",))
    before = state
    state = state.recorded(
        [
            Action(type=ActionType.UPDATE_EVENT, target=moved),
            Action(type=ActionType.DELETE_EVENT, target=second),
            Action(type=ActionType.REMOVE_MEMBER, target=member_spec(COURSE, PersonKey("S-2"), Role.LEARNER)),
        ]
    )
    # Then the course keeps only what is left
    assert state.member_groups == {COURSE: MemberGroup(learners=frozenset({PersonKey("S-1")}))}
    assert state.events == {moved.key: moved}
    # ... and a course left with nothing is dropped
    assert state.recorded([Action(type=ActionType.DELETE_EVENT, target=moved)]).course_events == {}
    # ... while the state recorded into is left as it was
    assert before.events == {first.key: first, second.key: second}
    assert before.member_groups == {COURSE: MemberGroup(learners=frozenset({PersonKey("S-1"), PersonKey("S-2")}))}


def test_applied_state_refuses_an_event_key_outside_its_course() -> None:
    with pytest.raises(ValueError, match="extends its course key"):
        event_values(structs.replace(an_event("2025-09-01:0"), key="elsewhere:1"))


TEXT = st.text(max_size=12)
KEYS = st.tuples(TEXT, TEXT, TEXT).map(":".join)
PEOPLE = st.lists(TEXT, max_size=4, unique=True).map(lambda keys: tuple(PersonKey(k) for k in sorted(keys)))
MEMBERS = st.frozensets(TEXT.map(PersonKey), max_size=4)
DAYS = st.integers(min_value=1, max_value=date.max.toordinal())
EVENTS = st.builds(
    lambda day, tail, **values: EventValues(suffix=f"{date.fromordinal(day).isoformat()}:{tail}", day=day, **values),
    day=DAYS,
    tail=TEXT,
    start=st.integers(min_value=-(2**40), max_value=2**40),
    end=st.integers(min_value=-(2**40), max_value=2**40),
    title=TEXT,
    rooms=st.lists(TEXT, max_size=3).map(tuple),
    teachers=PEOPLE,
    description=TEXT,
)


@st.composite
def applied_states(draw: st.DrawFn) -> AppliedState:
    courses = draw(st.lists(KEYS, max_size=4, unique=True))
    return AppliedState(
        uai=draw(TEXT),
        year_node=draw(st.none() | st.builds(YearNode, key=TEXT, title=TEXT, parent_key=TEXT)),
        courses={
            key: draw(st.builds(CourseSpec, key=st.just(key), title=TEXT, code=TEXT, parent_key=TEXT))
            for key in courses
        },
        member_groups={key: group for key in courses if any(group := MemberGroup(draw(MEMBERS), draw(MEMBERS)))},
        course_events=EventBlocks(
            {
                key: CourseEvents.of(events)
                for key in courses
                if (events := draw(st.lists(EVENTS, max_size=5, unique_by=lambda e: e.suffix)))
            }
        ),
        pronote_ids=draw(st.dictionaries(TEXT, TEXT.map(PersonKey), max_size=3)),
    )


@given(applied_states())
def test_applied_state_encoding_round_trips_any_state(state: AppliedState) -> None:
    decoded = decode_state(encode_state(state))
    assert decoded == state
    assert decoded.course_events == state.course_events  # in the same order
    assert encode_state(decoded) == encode_state(state)


def test_applied_state_members_line_lists_each_role_sorted() -> None:
    # Given a course whose members were gathered in no particular order
    group = MemberGroup(
        instructors=frozenset(map(PersonKey, ["T-2", "T-1"])), learners=frozenset(map(PersonKey, ["S-3", "S-1", "S-2"]))
    )
    state = AppliedState(uai="0750001A", member_groups={COURSE: group})
    # When encoded, then the members line holds each role's people sorted, sizes and refs as one-byte columns
    members_line = encode_state(state).split(b"\n")[1]
    assert json.loads(members_line) == {
        "courses": [COURSE],
        "people": ["T-1", "T-2", "S-1", "S-2", "S-3"],
        "sizes": ["B", base64.b64encode(bytes([2, 3])).decode()],
        "people_refs": ["B", base64.b64encode(bytes([0, 1, 2, 3, 4])).decode()],
    }
    assert decode_state(encode_state(state)).member_groups == {COURSE: group}


MEMBER_LISTS = st.lists(st.text(max_size=6), max_size=30, unique=True)


@given(st.dictionaries(KEYS, st.tuples(MEMBER_LISTS, MEMBER_LISTS), max_size=4), st.randoms())
def test_applied_state_members_encode_alike_whatever_order_they_were_gathered_in(
    people: dict[str, tuple[list[str], list[str]]], random: Random
) -> None:
    # Given the same member groups built twice, their people added in two different orders
    def groups(order: Callable[[list[str]], list[str]]) -> dict[str, MemberGroup]:
        return {
            key: MemberGroup(*(frozenset(PersonKey(p) for p in order(keys)) for keys in roles))
            for key, roles in people.items()
        }

    one = AppliedState(uai="0750001A", member_groups=groups(list))
    other = AppliedState(uai="0750001A", member_groups=groups(lambda keys: random.sample(keys, len(keys))))
    # When encoded, then the bytes are the same, and they read back as the same groups
    assert encode_state(one) == encode_state(other)
    assert decode_state(encode_state(other)).member_groups == one.member_groups
