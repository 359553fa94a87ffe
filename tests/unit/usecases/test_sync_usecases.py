"""The sync's use cases over in-memory fakes: plan against the stored state, apply with checkpoints, resume."""

from __future__ import annotations

import pytest

from edt_import.domain.applied_state import AppliedState
from edt_import.domain.errors import ConfigError, ErrorCode, LmsUnavailableError
from edt_import.domain.plan import ActionType
from edt_import.domain.planning import PlanSettings
from edt_import.domain.selection import parse_selection
from edt_import.domain.timetable import Timetable
from edt_import.usecases.apply_sync import apply_sync
from edt_import.usecases.plan_sync import PlannedSync, plan_sync
from tests.support.in_memory_lms import InMemoryLmsGateway
from tests.support.in_memory_state_store import InMemoryAppliedStateStore
from tests.support.timetable_builders import UAI, WEEK1, a_class, a_lesson, a_timetable, directory_for, link

SETTINGS = PlanSettings(today=WEEK1)


def two_classes() -> Timetable:
    """Two courses (MATHS for 3A and 3B), each with a weekly lesson: 2 courses, their members, 2 x 44 events."""
    return a_timetable(
        classes=[a_class("c1", "3A"), a_class("c2", "3B")],
        lessons=[a_lesson(index=0), a_lesson(index=1, classes=(link("c2"),))],
    )


def planned_against(
    store: InMemoryAppliedStateStore, lms: InMemoryLmsGateway, timetable: Timetable | None = None
) -> PlannedSync:
    return plan_sync(
        timetable or two_classes(), directory=None, selection=None, store=store, lms=lms, settings=SETTINGS
    )


def an_lms(timetable: Timetable, **faults: object) -> InMemoryLmsGateway:
    return InMemoryLmsGateway(school_persons={UAI: directory_for(timetable)}, **faults)  # type: ignore[arg-type]


def test_plan_sync_first_sync_matches_the_school_node_members_against_an_empty_state() -> None:
    # Given no stored state, and an itslearning whose school node holds everyone
    timetable = two_classes()
    store, lms = InMemoryAppliedStateStore(), an_lms(timetable)
    # When the sync is planned without a directory file
    planned = planned_against(store, lms, timetable)
    # Then the people come from the school node, the plan creates both courses, and the state is a first one
    assert (planned.result.report.matched_teachers, planned.result.report.matched_students) == (1, 2)
    assert sum(a.type is ActionType.CREATE_COURSE for a in planned.plan.actions) == 2
    assert planned.state == AppliedState(uai=UAI)
    assert not planned.held
    assert store.saves == 0


def test_plan_sync_directory_given_matches_its_people_not_itslearnings() -> None:
    # Given an itslearning whose school node has nobody in it
    timetable = two_classes()
    lms = InMemoryLmsGateway(school_persons={UAI: []})
    # When the sync is planned with a directory file
    planned = plan_sync(
        timetable,
        directory=directory_for(timetable),
        selection=None,
        store=InMemoryAppliedStateStore(),
        lms=lms,
        settings=SETTINGS,
    )
    # Then the directory's people are matched
    assert (planned.result.report.matched_teachers, planned.result.report.matched_students) == (1, 2)


def test_plan_sync_unknown_school_node_is_a_config_error_and_saves_nothing() -> None:
    store, lms = InMemoryAppliedStateStore(), InMemoryLmsGateway(school_node_keys={"another-school"})
    with pytest.raises(ConfigError) as raised:
        planned_against(store, lms)
    assert raised.value.code is ErrorCode.CONFIG_ERROR
    assert raised.value.details == {"school_node": UAI}
    assert (lms.calls, store.saves, store.load(UAI)) == ([], 0, None)


def test_apply_sync_given_a_directory_unknown_school_node_is_a_config_error_sending_nothing_more() -> None:
    # Given a sync planned from a directory file, for an itslearning without the establishment's school node
    timetable = two_classes()
    store, lms = InMemoryAppliedStateStore(), InMemoryLmsGateway(school_node_keys={"another-school"})
    planned = plan_sync(
        timetable, directory=directory_for(timetable), selection=None, store=store, lms=lms, settings=SETTINGS
    )
    # When it is applied, Then the refused year node is found to be a missing school node: a configuration fault
    with pytest.raises(ConfigError) as raised:
        apply_sync(planned, lms=lms, store=store)
    assert raised.value.details == {"school_node": UAI}
    # and nothing but the year node was sent, nothing confirmed is stored
    assert lms.calls == [("upsert_year_node", 1)]
    saved = store.load(UAI)
    assert saved is not None
    assert (saved.year_node, saved.courses, saved.members, saved.events) == (None, {}, {}, {})


def test_apply_sync_lands_the_plan_and_stores_the_state_it_planned() -> None:
    # Given a first sync planned
    timetable = two_classes()
    store, lms = InMemoryAppliedStateStore(), an_lms(timetable)
    planned = planned_against(store, lms, timetable)
    # When it is applied
    report = apply_sync(planned, lms=lms, store=store, batch_size=10)
    # Then everything succeeded, the stored state is the one the plan said it would leave,
    # and planning the same export again finds nothing to do
    assert report.complete
    assert report.succeeded == len(planned.plan.actions)
    assert store.load(UAI) == planned.result.state
    assert len(lms.events) == 88
    assert planned_against(store, lms, timetable).plan.actions == ()


def test_apply_sync_itslearning_lost_midway_keeps_what_was_confirmed_and_resumes() -> None:
    # Given itslearning that goes away for good at its fifth call
    timetable = two_classes()

    def unavailable_from_fifth(_operation: str, call_number: int) -> None:
        if call_number >= 5:
            raise LmsUnavailableError("itslearning is not answering.")

    store = InMemoryAppliedStateStore()
    lms = an_lms(timetable, before_call=unavailable_from_fifth)
    planned = planned_against(store, lms, timetable)
    # When the sync is applied in batches of ten
    report = apply_sync(planned, lms=lms, store=store, batch_size=10)
    # Then it stops, and the stored state holds exactly what itslearning confirmed
    assert report.stopped is ErrorCode.LMS_UNAVAILABLE
    saved = store.load(UAI)
    assert saved is not None
    assert (saved.courses, saved.members, saved.events) == (lms.courses, lms.members, lms.events)
    # When itslearning is back and the sync runs again
    lms.before_call = None
    sent_before = lms.items
    again = planned_against(store, lms, timetable)
    second = apply_sync(again, lms=lms, store=store, batch_size=10)
    # Then only what was missing is sent, and the state converges on the full plan's
    assert second.complete
    assert lms.items - sent_before == len(planned.plan.actions) - report.succeeded
    assert store.load(UAI) == planned.result.state
    assert lms.redundant_writes == 0


def test_apply_sync_interrupted_saves_the_state_on_the_way_out() -> None:
    # Given a sync killed (Ctrl-C, SIGTERM) after its third call
    timetable = two_classes()

    def interrupt_after_third(_operation: str, call_number: int) -> None:
        if call_number == 3:
            raise KeyboardInterrupt

    store = InMemoryAppliedStateStore()
    lms = an_lms(timetable, after_call=interrupt_after_third)
    planned = planned_against(store, lms, timetable)
    # When it is applied with checkpoints far apart
    with pytest.raises(KeyboardInterrupt):
        apply_sync(planned, lms=lms, store=store, batch_size=10, min_checkpoint_interval_s=3600)
    # Then the state saved on the way out holds what the first two calls confirmed
    saved = store.load(UAI)
    assert saved is not None
    assert saved.year_node == planned.plan.year_node
    assert saved.courses == lms.courses
    assert saved.events == {}


def test_apply_sync_held_plan_is_refused_and_nothing_is_saved() -> None:
    # Given a state holding both courses, and an export that dropped every lesson (the guard holds it)
    timetable = two_classes()
    store, lms = InMemoryAppliedStateStore(), an_lms(timetable)
    apply_sync(planned_against(store, lms, timetable), lms=lms, store=store)
    saves = store.saves
    planned = planned_against(store, lms, a_timetable(classes=[a_class("c1", "3A"), a_class("c2", "3B")], lessons=[]))
    assert planned.held
    # When it is applied anyway, Then it is refused before anything is sent or saved
    calls = len(lms.calls)
    with pytest.raises(ValueError, match="held"):
        apply_sync(planned, lms=lms, store=store)
    assert (len(lms.calls), store.saves) == (calls, saves)


def test_apply_sync_stopped_midway_keeps_the_previous_selection_and_a_full_run_records_its_own() -> None:
    # Given a first sync with class 3B switched off, run to its end
    timetable = two_classes()
    store = InMemoryAppliedStateStore()
    lms = an_lms(timetable)
    without_3b = parse_selection(b'{"disabled": {"classes": ["3B"]}}')
    first_plan = plan_sync(timetable, directory=None, selection=without_3b, store=store, lms=lms, settings=SETTINGS)
    assert apply_sync(first_plan, lms=lms, store=store).complete
    first = store.load(UAI)
    assert first is not None
    assert first.selection is not None
    assert first.selection.classes.disabled == frozenset({"3B"})

    def unavailable(_operation: str, _call_number: int) -> None:
        raise LmsUnavailableError("itslearning is not answering.")

    # When a sync of both classes stops on an itslearning gone away
    lms.before_call = unavailable
    report = apply_sync(planned_against(store, lms, timetable), lms=lms, store=store, batch_size=10)
    # Then the stored selection is still the first run's
    assert report.stopped is ErrorCode.LMS_UNAVAILABLE
    stopped = store.load(UAI)
    assert stopped is not None
    assert stopped.selection == first.selection
    # When the same sync runs again to its end
    lms.before_call = None
    assert apply_sync(planned_against(store, lms, timetable), lms=lms, store=store, batch_size=10).complete
    # Then its selection is recorded
    done = store.load(UAI)
    assert done is not None
    assert done.selection is not None
    assert done.selection.classes.disabled == frozenset()
    assert done.selection.classes.enabled == frozenset({"3A", "3B"})
