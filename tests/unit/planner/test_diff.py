from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec import structs

from edt_import.domain.applied_state import MEMBER_GROUP_ROLES, AppliedState, MemberGroup, member_key
from edt_import.domain.diff import Changes, diff_members
from edt_import.domain.directory import PersonKey
from edt_import.domain.plan import ActionType, CourseSpec, EventSpec, MemberSpec, Role
from edt_import.domain.planning import PlanResult
from edt_import.domain.state_encoding import decode_state, encode_state
from edt_import.domain.timetable import Ident, Lesson, Membership, Timetable
from edt_import.domain.week_mask import mask_of
from tests.support.timetable_builders import (
    a_class,
    a_lesson,
    a_room,
    a_student,
    a_subject,
    a_teacher,
    a_timetable,
    counts,
    course_key,
    link,
    plan_of,
)

TODAY = date(2025, 11, 5)


def applied(result: PlanResult, previous: AppliedState | None = None) -> AppliedState:
    """What a sync leaves when every action succeeds, the way the sync engine records it."""
    state = previous if previous is not None else AppliedState(uai=result.plan.uai)
    state = state.recorded(result.plan.actions).settled(result.plan, open_courses=())
    state = structs.replace(
        state, year_node=result.plan.year_node, pronote_ids={**state.pronote_ids, **result.plan.pronote_ids}
    )
    return decode_state(encode_state(state))


def test_plan_first_import_creates_course_members_and_future_events() -> None:
    result = plan_of(a_timetable(), today=TODAY)
    assert counts(result.report.actions) == {"create_course": 1, "add_member": 3, "create_event": 34}


def test_plan_unchanged_export_yields_no_actions() -> None:
    # Given a first plan fully applied
    timetable = a_timetable()
    state = applied(plan_of(timetable, today=TODAY))
    # When the same export is planned again, a week later
    result = plan_of(timetable, today=date(2025, 11, 12), previous=state)
    # Then
    assert result.plan.actions == ()
    assert counts(result.report.actions) == {}


def test_plan_room_change_updates_future_events_only() -> None:
    # Given a plan applied on 5 November, then the room changes from week 20 on, imported on 19 November
    state = applied(plan_of(a_timetable(), today=TODAY))
    moved = a_lesson(rooms=(link("r1", mask_of(range(1, 20))), link("r2", mask_of(range(20, 64)))))
    timetable = a_timetable(rooms=[a_room(), a_room("r2", "LABO")], lessons=[moved])
    # When
    result = plan_of(timetable, today=date(2025, 11, 19), previous=state)
    # Then every event from week 20 (12 January) is updated, keeping its key; nothing else moves
    updated = [a.target for a in result.plan.actions if a.type is ActionType.UPDATE_EVENT]
    assert counts(result.report.actions) == {"update_event": 25}
    assert updated[0].key == f"{course_key()}:2026-01-12:0"
    assert isinstance(updated[0], EventSpec)
    assert updated[0].rooms == ("LABO",)


def test_plan_teacher_change_updates_events_and_membership() -> None:
    # Given t1 replaced by t2 for the rest of the year
    state = applied(plan_of(a_timetable(), today=TODAY))
    timetable = a_timetable(
        teachers=[a_teacher(), a_teacher("t2", "DURAND", "Paul")], lessons=[a_lesson(teachers=(link("t2"),))]
    )
    # When
    result = plan_of(timetable, today=TODAY, previous=state)
    # Then
    assert counts(result.report.actions) == {"update_event": 34, "add_member": 1, "remove_member": 1}
    assert {a.key for a in result.plan.actions if a.type is not ActionType.UPDATE_EVENT} == {
        f"{course_key()}|T-t2|Instructor",
        f"{course_key()}|T-t1|Instructor",
    }


def test_plan_removed_lesson_deletes_future_events_and_never_past_ones() -> None:
    # Given the course planned from September, and the lesson gone in a November export
    state = applied(plan_of(a_timetable(), today=date(2025, 9, 1)))
    timetable = a_timetable(
        classes=[a_class(), a_class("c2", "3B")],
        students=[a_student("s1"), a_student("s2", "BERNARD", "Hugo")],
        lessons=[a_lesson(classes=(link("c2"),))],
    )
    # When
    result = plan_of(timetable, today=TODAY, previous=state)
    # Then only the 34 events from 10 November are deleted, and the 3A course (created by us) goes
    deleted = [a.target for a in result.plan.actions if a.type is ActionType.DELETE_EVENT]
    assert len(deleted) == 34
    assert all(isinstance(e, EventSpec) and e.local_date >= TODAY for e in deleted)
    assert [a.key for a in result.plan.actions if a.type is ActionType.DELETE_COURSE] == [course_key()]
    # And the resulting state keeps the past events of September and October
    assert len([e for e in result.state.events.values() if e.course_key == course_key()]) == 10


def test_plan_deletes_only_courses_the_state_holds() -> None:
    # Given a previous state holding one course of ours and another year's course
    other_year = CourseSpec(key="edt:0750001A:2024-2025:MATHS:cc1", title="M", code="MATHS", parent_key="x")
    state = AppliedState(uai="0750001A", courses={other_year.key: other_year})
    # When the export has no course for it
    result = plan_of(a_timetable(lessons=[a_lesson(classes=())]), previous=state)
    # Then nothing is deleted: another year's course is not this import's to remove
    assert counts(result.report.actions) == {}
    assert other_year.key in result.state.courses


def test_plan_result_state_is_what_recording_every_action_gives() -> None:
    # Given a plan over a previous state
    first = plan_of(a_timetable(), today=date(2025, 9, 1))
    timetable = a_timetable(lessons=[a_lesson(day=2)])
    result = plan_of(timetable, today=TODAY, previous=applied(first))
    # Then its state equals the previous state with every action recorded
    # (but for the plan's selection, its own section: no action carries it)
    recorded = structs.replace(applied(result, applied(first)), selection=result.report.selection)
    assert encode_state(result.state) == encode_state(recorded)


lesson_strategy = st.builds(
    lambda day, place, weeks, room: a_lesson(
        day=day, start_place=place, classes=(link("c1", weeks),), rooms=(link(room),)
    ),
    st.integers(1, 5),
    st.integers(0, 9),
    st.integers(0, (1 << 45) - 1).map(lambda m: m << 1),
    st.sampled_from(["r1", "r2"]),
)


def numbered(lessons: list[Lesson]) -> Timetable:
    return a_timetable(
        rooms=[a_room(), a_room("r2", "LABO")],
        lessons=[structs.replace(lesson, index=i) for i, lesson in enumerate(lessons)],
    )


@given(
    before=st.lists(lesson_strategy, max_size=4),
    after=st.lists(lesson_strategy, max_size=4),
    today_offset=st.integers(0, 200),
)
@settings(max_examples=40, deadline=None)
def test_plan_is_idempotent_once_its_actions_are_recorded(
    before: list[Lesson], after: list[Lesson], today_offset: int
) -> None:
    # Given any previous export applied, then any new export planned and applied
    today = date(2025, 9, 1) + timedelta(days=today_offset)
    state = applied(plan_of(numbered(before), today=date(2025, 9, 1)))
    state = applied(plan_of(numbered(after), today=today, previous=state), state)
    # When the new export is planned again
    result = plan_of(numbered(after), today=today, previous=state)
    # Then
    assert result.plan.actions == ()


def test_plan_room_change_updates_the_event_of_the_import_date_but_not_the_week_before() -> None:
    # Given a plan applied in September, then every lesson moving to LABO, imported on Monday 10 November
    state = applied(plan_of(a_timetable(), today=date(2025, 9, 1)))
    moved = a_timetable(rooms=[a_room(), a_room("r2", "LABO")], lessons=[a_lesson(rooms=(link("r2"),))])
    # When
    result = plan_of(moved, today=date(2025, 11, 10), previous=state)
    # Then the 34 events from 10 November are updated, the one of 3 November and earlier stay as they were
    updated = sorted(a.key for a in result.plan.actions if a.type is ActionType.UPDATE_EVENT)
    assert counts(result.report.actions) == {"update_event": 34}
    assert updated[0] == f"{course_key()}:2025-11-10:0"
    kept = result.state.events[f"{course_key()}:2025-11-03:0"]
    assert (kept.rooms, kept.description) == (("A101",), "Salle : A101")
    assert result.state.events[f"{course_key()}:2025-11-10:0"].rooms == ("LABO",)


def test_plan_student_leaving_the_class_is_removed_from_its_course() -> None:
    # Given s2 left 3A on 31 October, after a September import
    state = applied(plan_of(a_timetable(), today=date(2025, 9, 1)))
    left = a_timetable(
        students=[
            a_student(),
            a_student("s2", "BERNARD", "Hugo", classes=[Membership(ident=Ident("c1"), exit=date(2025, 10, 31))]),
        ]
    )
    # When
    result = plan_of(left, today=TODAY, previous=state)
    # Then
    assert counts(result.report.actions) == {"remove_member": 1}
    assert [a.key for a in result.plan.actions] == [f"{course_key()}|S-s2|Learner"]


def test_plan_course_gone_from_the_export_loses_future_events_members_and_itself() -> None:
    # Given maths and French for 3A applied in September, then French gone, imported on 5 November
    two = a_timetable(
        subjects=[a_subject(), a_subject("m2", "FRANC", "FRANCAIS")],
        lessons=[a_lesson(), a_lesson(index=1, day=2, subject="m2")],
    )
    state = applied(plan_of(two, today=date(2025, 9, 1)))
    one = a_timetable(subjects=[a_subject(), a_subject("m2", "FRANC", "FRANCAIS")], lessons=[a_lesson()])
    # When
    result = plan_of(one, today=TODAY, previous=state)
    # Then French's 35 Tuesdays from 11 November, its 3 members and the course go; maths is untouched
    french = course_key("FRANC")
    assert counts(result.report.actions) == {"delete_event": 34, "remove_member": 3, "delete_course": 1}
    assert {a.target.course_key for a in result.plan.actions if a.type is ActionType.DELETE_EVENT} == {french}  # type: ignore[union-attr]
    assert sorted(a.key for a in result.plan.actions if a.type is ActionType.REMOVE_MEMBER) == [
        f"{french}|S-s1|Learner",
        f"{french}|S-s2|Learner",
        f"{french}|T-t1|Instructor",
    ]
    assert [a.key for a in result.plan.actions][-1] == french
    assert min(e.local_date for e in result.state.events.values() if e.course_key == french) == date(2025, 9, 2)
    assert max(e.local_date for e in result.state.events.values() if e.course_key == french) == date(2025, 11, 4)


PERSONS = st.frozensets(st.sampled_from([PersonKey(f"P-{n}") for n in range(8)]))
GROUPS = st.dictionaries(
    st.sampled_from(["y:a", "y:b", "y:c", "old:a"]), st.builds(MemberGroup, PERSONS, PERSONS), max_size=4
)


@given(desired=GROUPS, previous=GROUPS, kept=st.sets(st.sampled_from(["y:a", "y:b", "y:c"])))
def test_diff_members_adds_and_removes_exactly_the_set_differences(
    desired: dict[str, MemberGroup], previous: dict[str, MemberGroup], kept: set[str]
) -> None:
    # Given the groups worked out for this year's courses ("y:"), courses planned that keep their groups unread, and
    # the groups the previous state holds, other years too
    desired = {key: group for key, group in desired.items() if key.startswith("y:") and key not in kept}
    changes = Changes.empty()
    # When diffed
    before = diff_members(desired, previous, planned={*desired, *kept}, in_year="y:", changes=changes)
    # Then each role gains what it lacked and loses what it no longer has; kept courses and other years are left alone
    expected: dict[ActionType, set[tuple[str, Role, PersonKey]]] = {t: set() for t in changes.members}
    for key in {*desired, *(k for k in previous if k.startswith("y:") and k not in kept)}:
        now, then = desired.get(key, MemberGroup()), previous.get(key, MemberGroup())
        for role, wanted, held in zip(MEMBER_GROUP_ROLES, now, then, strict=True):
            expected[ActionType.ADD_MEMBER].update((key, role, person) for person in wanted - held)
            expected[ActionType.REMOVE_MEMBER].update((key, role, person) for person in held - wanted)
    batches = {
        action_type: [(key, role, person) for key, role, people in found for person in people]
        for action_type, found in changes.members.items()
    }
    assert {t: set(found) for t, found in batches.items()} == expected
    assert all(len(found) == len(set(found)) for found in batches.values())  # each change once
    assert before == sum(len(g.instructors) + len(g.learners) for k, g in previous.items() if k.startswith("y:"))
    # ... and the actions list each batch's people sorted
    members = [a.target for a in changes.actions() if isinstance(a.target, MemberSpec)]
    assert [m.key for m in members] == [
        member_key(key, person, role)
        for action_type in (ActionType.ADD_MEMBER, ActionType.REMOVE_MEMBER)
        for key, role, people in changes.members[action_type]
        for person in sorted(people)
    ]
