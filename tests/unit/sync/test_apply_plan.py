from __future__ import annotations

from datetime import UTC, datetime

import pytest
from msgspec import structs

from edt_import.domain.applied_state import AppliedState
from edt_import.domain.directory import PersonKey
from edt_import.domain.errors import ErrorCode, LmsUnavailableError
from edt_import.domain.plan import ActionType, Hold
from edt_import.domain.state_encoding import decode_state, encode_state
from edt_import.usecases.apply_plan import (
    SKIP_CONTENT_NOT_REMOVED,
    SKIP_COURSE_NOT_CREATED,
    SKIP_NOT_ATTEMPTED,
    SKIP_YEAR_NODE_FAILED,
    ReasonGroup,
    TypeCounts,
    YearNodeOutcome,
    apply_plan,
)
from itslearning_standin.state import EVENT_TITLE_REFUSED, LOCKED_REASON
from tests.support.in_memory_lms import InMemoryLmsGateway
from tests.support.sync_targets import (
    SCHOOL_NODE,
    UAI,
    YEAR_NODE,
    Target,
    a_course,
    a_member,
    a_target,
    an_event,
    plan_towards,
)


class SimulatedKillError(Exception):
    """The process dies: nothing after this point runs."""


def synced(target: Target, lms: InMemoryLmsGateway) -> AppliedState:
    state = AppliedState(uai=UAI)
    report, state = apply_plan(plan_towards(target, state), state, lms)
    assert report.complete
    return state


def test_apply_plan_first_sync_sends_each_phase_in_dependency_order() -> None:
    # Given an LMS holding last year's content, and a target that creates, updates and deletes
    lms = InMemoryLmsGateway(school_node_keys={SCHOOL_NODE})
    before = a_target(courses=3, members=2, events=2)
    state = synced(before, lms)
    after = a_target(courses=2, members=1, events=3)
    moved = structs.replace(after.events[an_event(a_course(0), 0).key], rooms=("C01",))
    after.events[moved.key] = moved
    renamed = a_course(1, title="Mathématiques - 6e1 (groupe)")
    after.courses[renamed.key] = renamed
    extra = a_course(7)
    after.courses[extra.key] = extra
    after.members[a_member(extra, 0).key] = a_member(extra, 0)
    after.events[an_event(extra, 0).key] = an_event(extra, 0)
    lms.calls.clear()

    # When the plan is applied
    report, state = apply_plan(plan_towards(after, state), state, lms, batch_size=2)

    # Then each kind of write comes in the order its dependencies need
    assert [op for op, _ in lms.calls] == [
        "upsert_courses",  # create course 7
        "upsert_courses",  # update course 1
        "add_members",
        "create_events",
        "create_events",
        "update_events",
        "delete_events",
        "remove_members",
        "remove_members",
        "delete_courses",
    ]
    assert report.complete
    assert lms.content() == after.content()
    assert state.courses == after.courses
    assert state.members == after.members
    assert state.events == after.events
    assert report.counts[ActionType.CREATE_COURSE] == TypeCounts(succeeded=1)
    assert report.counts[ActionType.UPDATE_COURSE] == TypeCounts(succeeded=1)
    assert report.counts[ActionType.CREATE_EVENT] == TypeCounts(succeeded=2 + 1)  # day 2 of courses 0 and 1, course 7
    assert report.counts[ActionType.DELETE_COURSE] == TypeCounts(succeeded=1)
    assert report.counts[ActionType.REMOVE_MEMBER] == TypeCounts(succeeded=2 + 2)


def test_apply_plan_batches_of_batch_size_checkpoint_after_each() -> None:
    # Given a first sync of one course with seven events
    lms = InMemoryLmsGateway()
    state = AppliedState(uai=UAI)
    saved: list[bytes] = []

    # When it is applied in batches of three
    report, state = apply_plan(
        plan_towards(a_target(courses=1, members=0, events=7), state),
        state,
        lms,
        batch_size=3,
        checkpoint=lambda s: saved.append(encode_state(s)),
    )

    # Then events go 3 + 3 + 1 per call, and the state is saved after the node and after every batch
    assert lms.calls == [
        ("upsert_year_node", 1),
        ("upsert_courses", 1),
        ("create_events", 3),
        ("create_events", 3),
        ("create_events", 1),
    ]
    assert [len(decode_state(text).events) for text in saved] == [0, 0, 3, 6, 7]
    assert report.succeeded == 8
    assert report.year_node == YearNodeOutcome.SUCCEEDED


def test_apply_plan_refused_items_fail_with_reason_and_stay_out_of_state() -> None:
    # Given one over-long event title among eight events
    target = a_target(courses=2, members=1, events=4)
    long_event = an_event(a_course(1), 3, title="x" * 81)
    target.events[long_event.key] = long_event
    lms = InMemoryLmsGateway()
    state = AppliedState(uai=UAI)

    # When the plan is applied
    report, state = apply_plan(plan_towards(target, state), state, lms)

    # Then only that event fails, with itslearning's reason and its key, and the state lacks it only
    assert report.counts[ActionType.CREATE_EVENT] == TypeCounts(succeeded=7, failed=1)
    assert report.failures == (ReasonGroup(reason=EVENT_TITLE_REFUSED, count=1, sample_keys=(long_event.key,)),)
    assert report.failed == 1
    assert not report.complete
    assert set(target.events) - set(state.events) == {long_event.key}
    assert state.courses == target.courses
    assert state.members == target.members


def test_apply_plan_failed_course_creation_skips_its_members_and_events() -> None:
    # Given course 0 refused by itslearning
    target = a_target(courses=2, members=2, events=3)
    refused = a_course(0).key
    lms = InMemoryLmsGateway(refuse=lambda op, key: "Refused." if key == refused else None)
    state = AppliedState(uai=UAI)

    # When the plan is applied
    report, state = apply_plan(plan_towards(target, state), state, lms)

    # Then its members and events are skipped, never sent, and course 1 lands whole
    assert report.counts[ActionType.CREATE_COURSE] == TypeCounts(succeeded=1, failed=1)
    assert report.counts[ActionType.ADD_MEMBER] == TypeCounts(succeeded=2, skipped=2)
    assert report.counts[ActionType.CREATE_EVENT] == TypeCounts(succeeded=3, skipped=3)
    assert [g.reason for g in report.skips] == [SKIP_COURSE_NOT_CREATED]
    assert report.skips[0].count == 5
    assert ("add_members", 2) in lms.calls
    assert ("create_events", 3) in lms.calls
    assert lms.items == 1 + 2 + 2 + 3
    assert set(state.courses) == {a_course(1).key}
    assert all(m.course_key != refused for m in state.members.values())


def test_apply_plan_failed_year_node_skips_courses_but_still_removes() -> None:
    # Given a synced establishment whose year node is renamed but refused, and one course dropped
    lms = InMemoryLmsGateway()
    state = synced(a_target(courses=2, members=1, events=1), lms)
    target = a_target(courses=1, members=1, events=1)
    target.year_node = structs.replace(YEAR_NODE, title="Cours 2025-2026")
    new_course = a_course(5)
    target.courses[new_course.key] = new_course
    target.events[an_event(new_course, 0).key] = an_event(new_course, 0)
    lms.refuse = lambda op, key: "Locked node." if op == "upsert_year_node" else None

    # When the plan is applied
    report, state = apply_plan(plan_towards(target, state), state, lms)

    # Then the new course and its event are skipped, the dropped course is still removed
    assert report.year_node == YearNodeOutcome.FAILED
    assert report.counts[ActionType.CREATE_COURSE] == TypeCounts(skipped=1)
    assert report.counts[ActionType.CREATE_EVENT] == TypeCounts(skipped=1)
    assert report.counts[ActionType.DELETE_COURSE] == TypeCounts(succeeded=1)
    assert {g.reason: g.count for g in report.skips} == {SKIP_YEAR_NODE_FAILED: 1, SKIP_COURSE_NOT_CREATED: 1}
    assert report.failures == (ReasonGroup(reason="Locked node.", count=1, sample_keys=(YEAR_NODE.key,)),)
    assert not report.complete
    assert state.year_node == YEAR_NODE
    assert set(state.courses) == {a_course(0).key}


def test_apply_plan_locked_event_keeps_its_course() -> None:
    # Given course 1 dropped while its first event lies in a locked period
    lms = InMemoryLmsGateway()
    state = synced(a_target(courses=2, members=1, events=2), lms)
    lms.locked_before = datetime(2025, 9, 2, tzinfo=UTC)

    # When the plan is applied
    report, state = apply_plan(plan_towards(a_target(courses=1, members=1, events=2), state), state, lms)

    # Then the locked event is refused, the other removed, and the course is kept (not detached)
    locked = an_event(a_course(1), 0).key
    assert report.counts[ActionType.DELETE_EVENT] == TypeCounts(succeeded=1, failed=1)
    assert report.counts[ActionType.REMOVE_MEMBER] == TypeCounts(succeeded=1)
    assert report.counts[ActionType.DELETE_COURSE] == TypeCounts(skipped=1)
    assert report.failures == (ReasonGroup(reason=LOCKED_REASON, count=1, sample_keys=(locked,)),)
    assert report.skips == (ReasonGroup(reason=SKIP_CONTENT_NOT_REMOVED, count=1, sample_keys=(a_course(1).key,)),)
    assert a_course(1).key in state.courses
    assert set(state.events) == {an_event(a_course(0), 0).key, an_event(a_course(0), 1).key, locked}


def test_apply_plan_lms_unavailable_stops_and_keeps_what_succeeded() -> None:
    # Given itslearning unavailable from the fourth call on (year node, course, members, events...)
    def unavailable(op: str, call: int) -> None:
        if call >= 4:
            raise LmsUnavailableError("itslearning is unavailable.")

    lms = InMemoryLmsGateway(before_call=unavailable)
    state = AppliedState(uai=UAI)
    target = a_target(courses=1, members=2, events=5)

    # When a plan is applied in batches of two
    report, state = apply_plan(plan_towards(target, state), state, lms, batch_size=2)

    # Then the batch in flight failed, the rest was not attempted, and the state holds what landed
    assert report.stopped is ErrorCode.LMS_UNAVAILABLE
    assert report.counts[ActionType.ADD_MEMBER] == TypeCounts(succeeded=2)
    assert report.counts[ActionType.CREATE_EVENT] == TypeCounts(failed=2, skipped=3)
    assert report.failures[0].reason == "itslearning is unavailable."
    assert report.skips == (
        ReasonGroup(reason=SKIP_NOT_ATTEMPTED, count=3, sample_keys=tuple(list(target.events)[2:])),
    )
    assert state.courses == target.courses
    assert state.members == target.members
    assert state.events == {}


def test_apply_plan_unavailable_at_year_node_attempts_nothing() -> None:
    # Given itslearning down from the first call
    def unavailable(op: str, call: int) -> None:
        raise LmsUnavailableError("itslearning is unavailable.")

    lms = InMemoryLmsGateway(before_call=unavailable)
    state = AppliedState(uai=UAI)

    # When a first sync is applied
    report, state = apply_plan(plan_towards(a_target(courses=1, members=1, events=1), state), state, lms)

    # Then every action is reported not attempted and the state stays empty
    assert report.year_node == YearNodeOutcome.NOT_ATTEMPTED
    assert report.skipped == 3
    assert report.stopped is ErrorCode.LMS_UNAVAILABLE
    assert state == AppliedState(uai=UAI)


def test_apply_plan_replan_after_failures_retries_exactly_them() -> None:
    # Given a first sync where one course and two events were refused
    target = a_target(courses=3, members=2, events=3)
    refused = {a_course(2).key, an_event(a_course(0), 1).key, an_event(a_course(1), 2).key}
    lms = InMemoryLmsGateway(refuse=lambda op, key: "Busy." if key in refused else None)
    state = AppliedState(uai=UAI)
    first, state = apply_plan(plan_towards(target, state), state, lms)
    lost = {g.reason: set(g.sample_keys) for g in (*first.failures, *first.skips)}

    # When itslearning accepts them again and a new plan is made against the saved state
    lms.refuse = None
    state = decode_state(encode_state(state))
    retry = plan_towards(target, state)
    second, state = apply_plan(retry, state, lms)

    # Then the new plan holds exactly the failures and their skipped dependents, and nothing is written twice
    assert {a.key for a in retry.actions} == lost["Busy."] | lost[SKIP_COURSE_NOT_CREATED]
    assert len(retry.actions) == 3 + 2 + 3
    assert second.complete
    assert lms.redundant_writes == 0
    assert lms.content() == target.content()


def test_apply_plan_same_plan_twice_is_harmless() -> None:
    # Given a plan applied once from a synced state
    lms = InMemoryLmsGateway()
    before = synced(a_target(courses=2, members=2, events=2), lms)
    plan = plan_towards(a_target(courses=1, members=1, events=3), before)
    first_state = apply_plan(plan, decode_state(encode_state(before)), lms).state
    content = lms.content()

    # When the very same plan is applied again from the same starting state (a redelivered sync)
    report, again = apply_plan(plan, decode_state(encode_state(before)), lms)

    # Then every item succeeds again and itslearning holds the same objects, none twice
    assert report.failed == 0
    assert report.complete
    assert lms.content() == content
    assert again == first_state


def test_apply_plan_resume_after_kill_converges() -> None:
    # Given a sync killed right after itslearning applied its fourth call (the answer never came back)
    target = a_target(courses=2, members=3, events=6)

    def kill(op: str, call: int) -> None:
        if call == 4:
            raise SimulatedKillError

    lms = InMemoryLmsGateway(after_call=kill)
    saved: list[bytes] = []
    with pytest.raises(SimulatedKillError):
        apply_plan(
            plan_towards(target, AppliedState(uai=UAI)),
            AppliedState(uai=UAI),
            lms,
            batch_size=4,
            checkpoint=lambda s: saved.append(encode_state(s)),
        )

    # When a later run plans against the last checkpoint and applies
    lms.after_call = None
    state = decode_state(saved[-1])
    report, state = apply_plan(plan_towards(target, state), state, lms, batch_size=4)

    # Then everything is in place once, and only the batch whose answer was lost was sent twice
    assert report.complete
    assert lms.content() == target.content()
    assert lms.redundant_writes == 2  # call 4 carried the last 2 of the 6 memberships
    assert state.events == target.events


def test_apply_plan_stores_pronote_ids_of_synchronised_people_only() -> None:
    # Given a plan matching p0 (a member), t1 (a teacher of events) and p9 (in no action that succeeded)
    lms = InMemoryLmsGateway(refuse=lambda op, key: "No." if "|p9|" in key else None)
    target = a_target(courses=1, members=1, events=1)
    state = AppliedState(uai=UAI, pronote_ids={"OLD": PersonKey("p5")})
    plan = plan_towards(target, state, A=PersonKey("p0"), B=PersonKey("t1"), C=PersonKey("p9"))

    # When it is applied
    state = apply_plan(plan, state, lms).state

    # Then only the mappings of people now in itslearning are kept, beside the earlier ones
    assert state.pronote_ids == {"OLD": PersonKey("p5"), "A": PersonKey("p0"), "B": PersonKey("t1")}


def test_apply_plan_held_plan_is_refused() -> None:
    # Given a plan held by the deletion guard
    state = AppliedState(uai=UAI)
    plan = structs.replace(plan_towards(a_target(), state), hold=Hold(reasons=("deletions",)))

    # When it is applied, Then nothing is sent
    lms = InMemoryLmsGateway()
    with pytest.raises(ValueError, match="held"):
        apply_plan(plan, state, lms)
    assert lms.calls == []


def test_apply_plan_unchanged_target_sends_nothing() -> None:
    # Given a completed sync
    lms = InMemoryLmsGateway()
    target = a_target()
    state = synced(target, lms)
    lms.calls.clear()

    # When the same target is planned and applied again
    report, state = apply_plan(plan_towards(target, state), state, lms)

    # Then no call is made
    assert lms.calls == []
    assert report.complete
    assert report.succeeded == 0
    assert report.year_node == YearNodeOutcome.UNCHANGED


def test_sync_report_as_dict_counts_per_type_and_groups_reasons() -> None:
    # Given a sync where one event is refused
    target = a_target(courses=1, members=1, events=2)
    refused = an_event(a_course(0), 1).key
    lms = InMemoryLmsGateway(refuse=lambda op, key: "Nope." if key == refused else None)
    state = AppliedState(uai=UAI)

    # When its report is rendered
    shown = apply_plan(plan_towards(target, state), state, lms).report.as_dict()

    # Then it carries totals, every action type, and the refusal grouped by reason with its key
    zero = {"succeeded": 0, "failed": 0, "skipped": 0}
    assert shown == {
        "uai": UAI,
        "year_node": "succeeded",
        "actions": {
            "succeeded": 3,
            "failed": 1,
            "skipped": 0,
            "create_course": {**zero, "succeeded": 1},
            "update_course": zero,
            "delete_course": zero,
            "add_member": {**zero, "succeeded": 1},
            "remove_member": zero,
            "create_event": {**zero, "succeeded": 1, "failed": 1},
            "update_event": zero,
            "delete_event": zero,
        },
        "failures": [{"reason": "Nope.", "count": 1, "sample_keys": [refused]}],
        "skips": [],
        "stopped": None,
    }
