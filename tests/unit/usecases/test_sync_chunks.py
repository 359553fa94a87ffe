"""A sync cut into chunks of whole courses, applied apart (in any order, retried), then finalized once."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edt_import.domain.applied_state import AppliedState
from edt_import.domain.errors import LmsUnavailableError
from edt_import.domain.plan import APPLY_ORDER, Action, ActionType, CourseSpec, Hold, Plan
from edt_import.usecases.apply_plan import apply_plan
from edt_import.usecases.sync_chunks import Confirmed, apply_chunk, finalize_sync, split_plan
from tests.support.in_memory_lms import InMemoryLmsGateway
from tests.support.in_memory_state_store import InMemoryAppliedStateStore
from tests.support.sync_targets import UAI, Target, a_course, a_member, a_target, an_event, plan_towards


def course_of(action: Action) -> str:
    target = action.target
    return target.key if isinstance(target, CourseSpec) else target.course_key


def synced() -> tuple[InMemoryLmsGateway, AppliedState]:
    """itslearning and the applied state after a sync of five courses."""
    lms, empty = InMemoryLmsGateway(), AppliedState(uai=UAI)
    report, state = apply_plan(plan_towards(a_target(courses=5, members=3, events=4), empty), empty, lms)
    assert report.complete
    return lms, state


def own_copy(store: InMemoryAppliedStateStore) -> AppliedState:
    """What a chunk's run loads: the stored state."""
    state = store.load(UAI)
    assert state is not None
    return state


def a_change() -> Target:
    """From ``synced``: drop course 2, fewer members, more events, add course 9 with a member and an event."""
    target = a_target(courses=6, members=2, events=5)
    del target.courses[a_course(2).key]
    for key in [k for k, m in target.members.items() if m.course_key == a_course(2).key]:
        del target.members[key]
    for key in [k for k, e in target.events.items() if e.course_key == a_course(2).key]:
        del target.events[key]
    extra = a_course(9)
    target.courses[extra.key] = extra
    target.members[a_member(extra, 0).key] = a_member(extra, 0)
    target.events[an_event(extra, 0).key] = an_event(extra, 0)
    return target


@settings(max_examples=40, deadline=None)
@given(courses=st.integers(0, 6), events=st.integers(0, 5), max_actions=st.integers(1, 30))
def test_split_plan_chunks_are_whole_courses_in_dependency_order_covering_the_plan(
    courses: int, events: int, max_actions: int
) -> None:
    # Given any plan that creates, changes and deletes
    empty = AppliedState(uai=UAI)
    state = empty.recorded(plan_towards(a_target(courses=3, members=2, events=3), empty).actions)
    plan = plan_towards(a_target(courses=courses, members=2, events=events), state)
    # When it is split
    chunks = split_plan(plan, max_actions=max_actions)
    # Then every action is in exactly one chunk, each course's actions all in the same chunk,
    # each chunk in the order the sync applies kinds, and a chunk over the limit is a single course
    assert sorted(a.key + a.type for c in chunks for a in c.actions) == sorted(a.key + a.type for a in plan.actions)
    owners = {course_of(a): index for index, c in enumerate(chunks) for a in c.actions}
    assert all(owners[course_of(a)] == index for index, c in enumerate(chunks) for a in c.actions)
    for chunk in chunks:
        order = [APPLY_ORDER.index(a.type) for a in chunk.actions]
        assert order == sorted(order)
        assert len(chunk.actions) <= max_actions or len({course_of(a) for a in chunk.actions}) == 1
        assert (chunk.uai, chunk.year_node, chunk.hold, chunk.pronote_ids) == (UAI, plan.year_node, None, {})
    assert len(chunks) >= 1


def test_split_plan_held_plan_is_refused() -> None:
    plan = Plan(uai=UAI, year_node=a_target().year_node, actions=(), hold=Hold(reasons=("empty_export",)))
    with pytest.raises(ValueError, match="held"):
        split_plan(plan, max_actions=10)


def test_chunks_applied_in_any_order_then_finalized_store_what_one_sync_would() -> None:
    # Given the same change applied two ways: in one run, and as chunks of about 12 actions run last first
    (whole_lms, whole_state), (chunk_lms, state) = synced(), synced()
    target = a_change()
    plan = plan_towards(target, state, IDPN9=a_member(a_course(9), 0).person_key)
    whole, whole_state = apply_plan(plan, whole_state, whole_lms)
    assert whole.complete
    store = InMemoryAppliedStateStore(state)

    # When each chunk runs against its own copy of the stored state, then finalize folds them in
    chunks = split_plan(plan, max_actions=12)
    assert len(chunks) > 2
    outcomes = [apply_chunk(chunk, own_copy(store), lms=chunk_lms, batch_size=5) for chunk in reversed(chunks)]
    finalized = finalize_sync(plan, [o.confirmed for o in outcomes], store=store)

    # Then itslearning holds the same, the state is saved once, equal to the one-run sync's, IDPN mapping included
    assert all(o.report.complete for o in outcomes)
    assert chunk_lms.content() == whole_lms.content() == target.content()
    assert store.saves == 1
    assert store.load(UAI) == finalized == whole_state
    assert finalized.pronote_ids == {"IDPN9": a_member(a_course(9), 0).person_key}


def test_apply_chunk_retried_sends_only_what_it_had_not_confirmed() -> None:
    # Given a chunk whose run loses itslearning at its third call, its progress saved as JSON after each batch
    lms, state = synced()
    plan = plan_towards(a_change(), state)
    (chunk,) = split_plan(plan, max_actions=len(plan.actions))

    def lost_from_third(_operation: str, call_number: int) -> None:
        if call_number >= 3:
            raise LmsUnavailableError("itslearning is not answering.")

    store = InMemoryAppliedStateStore(state)
    lms.before_call = lost_from_third
    lms.calls.clear()
    saved: list[str] = []
    first = apply_chunk(
        chunk, own_copy(store), lms=lms, batch_size=4, progress=lambda c: saved.append(json.dumps(c.as_dict()))
    )
    assert first.report.stopped is not None
    progress = Confirmed.from_dict(json.loads(saved[-1]))
    assert progress == first.confirmed
    assert 0 < len(progress.actions) < len(chunk.actions)

    # When it is retried from its saved progress, itslearning back
    lms.before_call = None
    lms.calls.clear()
    second = apply_chunk(chunk, own_copy(store), lms=lms, batch_size=4, confirmed_before=progress)

    # Then it sends exactly the rest, and everything in the chunk is now confirmed
    assert lms.items == len(chunk.actions) - len(progress.actions)
    assert second.report.complete
    assert second.confirmed.actions == {(a.type, a.key) for a in chunk.actions}
    assert lms.redundant_writes == 0


def test_confirmed_round_trips_through_json() -> None:
    confirmed = Confirmed(
        year_node=True,
        actions=frozenset({(ActionType.CREATE_COURSE, "edt:X:2025:M:c1"), (ActionType.ADD_MEMBER, "k|p|Learner")}),
    )
    assert Confirmed.from_dict(json.loads(json.dumps(confirmed.as_dict()))) == confirmed
