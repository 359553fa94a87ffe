"""Course fingerprints: a course whose lessons and members did not change since the previous plan keeps its stored
members and events unread, and a plan through fingerprints is exactly the plan that works out and compares every
member and event."""

from __future__ import annotations

import copy
import sys
from datetime import date, timedelta
from operator import itemgetter

from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec import structs

from edt_import.domain.applied_state import AppliedState, StoredBlock
from edt_import.domain.plan import ActionType
from edt_import.domain.planning import PlanResult
from edt_import.domain.state_encoding import decode_state, encode_state
from edt_import.domain.timetable import Ident, Lesson, Membership, Timetable
from edt_import.domain.week_mask import mask_of
from edt_import.usecases.apply_plan import apply_plan
from edt_import.usecases.sync_chunks import apply_chunk, finalize_sync, split_plan
from tests.support.in_memory_lms import InMemoryLmsGateway
from tests.support.in_memory_state_store import InMemoryAppliedStateStore
from tests.support.timetable_builders import (
    a_class,
    a_class_part,
    a_group,
    a_lesson,
    a_room,
    a_student,
    a_subject,
    a_teacher,
    a_timetable,
    counts,
    course_key,
    directory_for,
    link,
    plan_of,
)

SEPTEMBER = date(2025, 9, 1)
NOVEMBER = date(2025, 11, 5)


def synced(result: PlanResult, previous: AppliedState | None = None) -> AppliedState:
    """The state a sync leaves when every action of ``result`` is confirmed, as stored and read back."""
    state = previous if previous is not None else AppliedState(uai=result.plan.uai)
    state = state.recorded(result.plan.actions).settled(result.plan, open_courses=())
    state = structs.replace(state, year_node=result.plan.year_node, selection=result.plan.selection)
    return decode_state(encode_state(state))


def without_fingerprints(state: AppliedState) -> AppliedState:
    return structs.replace(decode_state(encode_state(state)), fingerprints={}, planned_on=None)


def two_courses(maths_room: str = "r1", maths_teacher: str = "t1") -> Timetable:
    """MATHS on Mondays, FRANCAIS on Tuesdays, for 3A."""
    return a_timetable(
        subjects=[a_subject(), a_subject("f1", "FRANC", "FRANCAIS")],
        rooms=[a_room(), a_room("r2", "LABO")],
        teachers=[a_teacher(), a_teacher("t2", "DURAND", "Paul")],
        lessons=[
            a_lesson(rooms=(link(maths_room),), teachers=(link(maths_teacher),)),
            a_lesson(index=1, day=2, subject="f1"),
        ],
    )


def test_fingerprint_unchanged_course_keeps_its_stored_block_and_a_changed_one_is_compared() -> None:
    # Given both courses synced in September
    state = synced(plan_of(two_courses(), today=SEPTEMBER))
    maths, french = course_key(), course_key("FRANC")
    assert set(state.fingerprints) == {maths, french}
    # When MATHS moves to LABO and the export is planned in November
    result = plan_of(two_courses(maths_room="r2"), today=NOVEMBER, previous=state)
    # Then MATHS's events from November are updated, FRANCAIS is neither compared nor changed
    assert counts(result.report.actions) == {"update_event": 34}
    assert {a.target.course_key for a in result.plan.actions} == {maths}  # type: ignore[union-attr]
    assert [c.events for c in result.report.courses] == [34, 34]
    # ... FRANCAIS's block goes into the next state as it was read, undecoded, and MATHS's past stays
    assert isinstance(result.state.course_events.held(french), StoredBlock)
    assert result.state.course_events.held(french) is state.course_events.held(french)
    assert len(result.state.course_events[maths]) == 44
    assert result.state.fingerprints[french] == state.fingerprints[french]
    assert result.state.fingerprints[maths] != state.fingerprints[maths]
    # ... and that state is the one the plan without fingerprints leaves
    full = plan_of(two_courses(maths_room="r2"), today=NOVEMBER, previous=without_fingerprints(state))
    assert result.plan.actions == full.plan.actions
    assert result.state.course_events == full.state.course_events


def test_fingerprint_unchanged_export_reencodes_nothing() -> None:
    # Given a synced state, read back from its bytes
    first = plan_of(two_courses(), today=SEPTEMBER)
    state = synced(first)
    # When the same export is planned later and its next state written
    again = plan_of(two_courses(), today=NOVEMBER, previous=state)
    # Then nothing is sent, every block is carried as read, and the bytes differ only by the import date
    assert again.plan.actions == ()
    assert all(isinstance(again.state.course_events.held(k), StoredBlock) for k in again.state.course_events)
    assert encode_state(again.state) == encode_state(state).replace(b'"2025-09-01"', b'"2025-11-05"')
    # ... while the deletion guard still counts the events it holds from the import date on
    assert (
        again.report.guard_figures
        == plan_of(two_courses(), today=NOVEMBER, previous=without_fingerprints(state)).report.guard_figures
    )


def test_fingerprints_hold_only_from_their_import_date_on() -> None:
    # Given a state planned and synced in November, holding nothing of September and October
    state = synced(plan_of(two_courses(), today=NOVEMBER))
    # When the same export is planned with an earlier import date
    result = plan_of(two_courses(), today=SEPTEMBER, previous=state)
    # Then the fingerprints are not trusted: the missing events of September and October are created
    assert counts(result.report.actions) == {"create_event": 20}


def test_fingerprint_follows_a_teacher_matched_to_another_account() -> None:
    # Given a state synced with t1 teaching MATHS
    state = synced(plan_of(two_courses(), today=SEPTEMBER))
    # When the lesson is given by t2 instead (same room, same slot)
    result = plan_of(two_courses(maths_teacher="t2"), today=NOVEMBER, previous=state)
    # Then MATHS's events are updated for their new teacher
    assert counts(result.report.actions)["update_event"] == 34


def test_sync_leaves_a_course_whose_events_failed_without_fingerprint() -> None:
    # Given a first plan whose MATHS events are all refused by itslearning
    result = plan_of(two_courses(), today=SEPTEMBER)
    maths = course_key()
    confirmed = [
        a for a in result.plan.actions if not (a.type is ActionType.CREATE_EVENT and a.key.startswith(f"{maths}:"))
    ]
    state = AppliedState(uai=result.plan.uai).recorded(confirmed).settled(result.plan, open_courses={maths})
    # Then only FRANCAIS is fingerprinted, and the next plan sends MATHS's events again
    assert set(state.fingerprints) == {course_key("FRANC")}
    again = plan_of(two_courses(), today=SEPTEMBER, previous=decode_state(encode_state(state)))
    assert counts(again.report.actions) == {"create_event": 44}


def test_sync_leaves_a_course_whose_members_failed_without_fingerprint() -> None:
    # Given a first sync where itslearning refuses one pupil of MATHS
    result = plan_of(two_courses(), today=SEPTEMBER)
    maths = course_key()
    refused = f"{maths}|S-s1|Learner"
    lms = InMemoryLmsGateway(refuse=lambda _operation, key: "Refused." if key == refused else None)
    report, state = apply_plan(result.plan, AppliedState(uai=result.plan.uai), lms)
    assert report.failures[0].count == 1
    # Then only FRANCAIS is fingerprinted, and the same export planned later sends that membership again
    assert set(state.fingerprints) == {course_key("FRANC")}
    again = plan_of(two_courses(), today=NOVEMBER, previous=decode_state(encode_state(state)))
    assert [action.key for action in again.plan.actions] == [refused]


def test_chunked_sync_leaves_a_course_whose_members_failed_without_fingerprint() -> None:
    # Given the same first sync cut into chunks, itslearning refusing one pupil of MATHS
    result = plan_of(two_courses(), today=SEPTEMBER)
    refused = f"{course_key()}|S-s1|Learner"
    lms = InMemoryLmsGateway(refuse=lambda _operation, key: "Refused." if key == refused else None)
    store = InMemoryAppliedStateStore(AppliedState(uai=result.plan.uai))
    outcomes = [
        apply_chunk(chunk, AppliedState(uai=result.plan.uai), lms=lms)
        for chunk in split_plan(result.plan, max_actions=10)
    ]
    # When the chunks are finalized
    state = finalize_sync(result.plan, [outcome.confirmed for outcome in outcomes], store=store)
    # Then only FRANCAIS is fingerprinted
    assert set(state.fingerprints) == {course_key("FRANC")}


lessons = st.builds(
    lambda subject, day, place, weeks, room, teacher, cancelled: a_lesson(
        subject=subject,
        day=day,
        start_place=place,
        classes=(link("c1", weeks),),
        rooms=(link(room),),
        teachers=(link(teacher),),
        cancelled_weeks=cancelled,
    ),
    st.sampled_from(["m1", "f1"]),
    st.integers(1, 2),
    st.integers(0, 2),
    st.integers(0, (1 << 45) - 1).map(lambda m: m << 1),
    st.sampled_from(["r1", "r2"]),
    st.sampled_from(["t1", "t2"]),
    st.sampled_from([0, mask_of(range(10, 12))]),
)


def numbered(lessons: list[Lesson], class_name: str) -> Timetable:
    return a_timetable(
        subjects=[a_subject(), a_subject("f1", "FRANC", "FRANCAIS")],
        rooms=[a_room(), a_room("r2", "LABO")],
        teachers=[a_teacher(), a_teacher("t2", "DURAND", "Paul")],
        classes=[a_class("c1", class_name)],
        lessons=[structs.replace(lesson, index=i) for i, lesson in enumerate(lessons)],
    )


@given(
    before=st.lists(lessons, max_size=4),
    after=st.lists(lessons, max_size=4),
    class_name=st.sampled_from(["3A", "3B"]),
    days=st.tuples(st.integers(0, 150), st.integers(0, 150)),
)
@settings(max_examples=60, deadline=None)
def test_plan_through_fingerprints_is_the_plan_that_compares_every_event(
    before: list[Lesson], after: list[Lesson], class_name: str, days: tuple[int, int]
) -> None:
    # Given any export of two subjects synced on one date (shared slots, rooms, teachers, cancellations, a class
    # renamed)
    first_day, second_day = sorted(SEPTEMBER + timedelta(days=d) for d in days)
    state = synced(plan_of(numbered(before, "3A"), today=first_day))
    # When any other export is planned on a later date, with the fingerprints and without them
    timetable = numbered(after, class_name)
    fast = plan_of(timetable, today=second_day, previous=state)
    full = plan_of(timetable, today=second_day, previous=without_fingerprints(state))
    # Then the actions, the report and the next state are the same
    assert fast.plan.actions == full.plan.actions
    assert fast.report == full.report
    assert fast.state == full.state  # fingerprints too; events by course in any order (as recorded)
    assert fast.course_events == full.course_events


def test_fingerprints_depend_on_values_not_on_objects() -> None:
    # Given the same timetable twice: once with texts shared and interned, once with every text a copy of its own
    timetable = two_courses()
    copied = copy.deepcopy(timetable)
    copied = structs.replace(
        copied,
        rooms={ident: structs.replace(room, name="".join(list(room.name))) for ident, room in copied.rooms.items()},
    )
    interned = structs.replace(
        timetable,
        rooms={ident: structs.replace(room, name=sys.intern(room.name)) for ident, room in timetable.rooms.items()},
    )
    # When both are planned, Then every course has the same fingerprint
    assert plan_of(copied).state.fingerprints == plan_of(interned).state.fingerprints != {}


MEMBER_CLASSES = [a_class("c1", "3A", parts=["p1", "p2"]), a_class("c2", "3B", parts=["p3"])]
MEMBER_PARTS = [a_class_part("p1"), a_class_part("p2"), a_class_part("p3", "c2")]
PUPILS = ["s1", "s2", "s3", "s4"]
TEACHERS = ["t1", "t2"]
TODAY = date(2025, 9, 15)
LATER = date(2025, 10, 6)
# A membership's dates: for the whole year, left before either import, leaving or joining between the two.
SPANS = {
    "year": {},
    "left": {"exit": date(2025, 9, 10)},
    "leaves": {"exit": date(2025, 10, 1)},
    "joins": {"entry": date(2025, 10, 1)},
}

places_of_pupils = st.fixed_dictionaries(
    {
        pupil: st.tuples(
            st.sets(st.sampled_from(["c1", "c2"])),
            st.sets(st.sampled_from(["p1", "p2", "p3"])),
            st.sampled_from(sorted(SPANS)),
        )
        for pupil in PUPILS
    }
)
group_members = st.tuples(
    st.sets(st.sampled_from(["c1", "c2"])),
    st.sets(st.sampled_from(["p1", "p2", "p3"])),
    st.sets(st.sampled_from(PUPILS)),
)
lesson_people = st.tuples(
    st.sets(st.sampled_from(TEACHERS), min_size=1),
    st.sets(st.sampled_from(PUPILS)),
    st.sets(st.sampled_from(["p1", "p3"])),
)
Places = dict[str, tuple[set[str], set[str], str]]  # pupil -> classes, class parts, the span of those memberships
Sources = tuple[set[str], set[str], set[str]]  # classes, class parts, pupils; of a lesson: teachers, pupils, parts
School = tuple[Places, Sources, list[Sources]]
schools = st.tuples(places_of_pupils, group_members, st.lists(lesson_people, min_size=6, max_size=6))


def variants_of(school: School) -> st.SearchStrategy[School]:
    """``school`` with any of its pupils' places, its group and its lessons' people drawn anew, the rest kept."""
    places, group, lessons = school
    return st.tuples(
        st.fixed_dictionaries(
            {
                pupil: st.one_of(st.just(place), places_of_pupils.map(itemgetter(pupil)))
                for pupil, place in places.items()
            }
        ),
        st.one_of(st.just(group), group_members),
        st.tuples(*(st.one_of(st.just(people), lesson_people) for people in lessons)).map(list),
    )


def school(places: Places, group: Sources, lessons: list[Sources]) -> Timetable:
    """Pupils in their classes and parts, group g1, and two subjects for each of 3A, g1 and 3B, each lesson with
    its own teachers and attached pupils and parts."""
    students = [
        a_student(
            pupil,
            pupil.upper(),
            "X",
            classes=[Membership(ident=Ident(c), **SPANS[span]) for c in sorted(classes)],
            class_parts=[Membership(ident=Ident(p), **SPANS[span]) for p in sorted(parts)],
        )
        for pupil, (classes, parts, span) in places.items()
    ]
    audiences = [{"classes": (link("c1"),)}, {"groups": (link("g1"),)}, {"classes": (link("c2"),)}] * 2
    return a_timetable(
        subjects=[a_subject(), a_subject("f1", "FRANC", "FRANCAIS")],
        teachers=[a_teacher(t, t.upper(), "Y") for t in TEACHERS],
        classes=MEMBER_CLASSES,
        class_parts=MEMBER_PARTS,
        groups=[a_group("g1", "G1", classes=sorted(group[0]), class_parts=sorted(group[1]), students=sorted(group[2]))],
        students=students,
        lessons=[
            a_lesson(
                index=index,
                day=index % 5 + 1,
                start_place=index // 5,
                subject="m1" if index < 3 else "f1",
                teachers=tuple(link(t) for t in sorted(teachers)),
                students=tuple(link(s) for s in sorted(pupils)),
                class_parts=tuple(link(p) for p in sorted(parts)),
                **audience,
            )
            for index, ((teachers, pupils, parts), audience) in enumerate(zip(lessons, audiences, strict=True))
        ],
    )


@given(
    data=st.data(),
    before=schools,
    later=st.sampled_from([TODAY, LATER]),
    unmatched=st.sets(st.sampled_from([f"S-{p}" for p in PUPILS] + [f"T-{t}" for t in TEACHERS])),
)
@settings(max_examples=200, deadline=None)
def test_plan_through_fingerprints_is_the_plan_that_works_out_every_member(
    data: st.DataObject, before: School, later: date, unmatched: set[str]
) -> None:
    # Given the state a first import left (synced, stored and read back), and a later export, maybe planned later,
    # where some pupils' places, the group, some lessons and the accounts found in the directory may have changed
    state = synced(plan_of(school(*before), today=TODAY))
    timetable = school(*data.draw(variants_of(before)))
    directory = [person for person in directory_for(timetable) if person.person_key not in unmatched]
    # When re-planned trusting the fingerprints, and with them removed (every course worked out and compared)
    trusted = plan_of(timetable, today=later, directory=directory, previous=state)
    full = plan_of(timetable, today=later, directory=directory, previous=without_fingerprints(state))
    # Then both send exactly the same actions, and report the same members
    assert [action.key for action in trusted.plan.actions] == [action.key for action in full.plan.actions]
    assert trusted.report.courses == full.report.courses
    assert trusted.state == full.state


def test_replan_after_a_sync_stopped_once_members_were_added_takes_them_out_again() -> None:
    # Given a synced state, then an export adding pupil s2 to 3A whose sync stops right after that membership
    first = school({"s1": ({"c1"}, set(), "year")}, (set(), set(), set()), [({"t1"}, set(), set())] * 6)
    state = synced(plan_of(first, today=TODAY))
    added = school(
        {"s1": ({"c1"}, set(), "year"), "s2": ({"c1"}, set(), "year")},
        (set(), set(), set()),
        [({"t1"}, set(), set())] * 6,
    )
    addition = [a for a in plan_of(added, today=TODAY, previous=state).plan.actions if a.key.endswith("|S-s2|Learner")]
    assert addition
    stopped = decode_state(encode_state(state.recorded(addition)))
    # When the first export is planned again
    again = plan_of(first, today=TODAY, directory=directory_for(added), previous=stopped)
    # Then s2 leaves the courses it was added to
    assert {a.key for a in again.plan.actions} == {a.key for a in addition}
    assert {a.type for a in again.plan.actions} == {ActionType.REMOVE_MEMBER}
