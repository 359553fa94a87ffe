"""Progress lines of a sync (stage, done/total, retries), and the gateway wrapper counting what was confirmed."""

from __future__ import annotations

import contextlib
import io

import pytest

from edt_import.cli.progress import Progress, ProgressGateway
from edt_import.domain.errors import LmsUnavailableError
from edt_import.domain.planning import PlanSettings
from edt_import.usecases.apply_sync import apply_sync
from edt_import.usecases.plan_sync import plan_sync
from tests.support.in_memory_lms import InMemoryLmsGateway
from tests.support.in_memory_state_store import InMemoryAppliedStateStore
from tests.support.timetable_builders import UAI, WEEK1, a_class, a_lesson, a_timetable, directory_for, link


class Ticks:
    """A clock moving ``step`` seconds at each reading (standing still by default)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.step = 0.0

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_progress_counts_are_throttled_but_first_and_last_are_said() -> None:
    # Given a clock standing still (every count within the same second)
    out, clock = io.StringIO(), Ticks()
    progress = Progress(out, clock=clock)
    # When a stage starts, then counts come in
    progress.stage("reading the export")
    for done in (10, 20, 30):
        progress.count("courses", done, 30)
    progress.retry(2, "connection refused", 1.25)
    # Then the stage, the last count (not the ones in between) and the retry are said
    assert out.getvalue().splitlines() == [
        "sync: reading the export",
        "sync: sending courses: 30/30",
        "sync: itslearning: connection refused; retry 2 in 1.2 s",
    ]


def test_progress_counts_a_second_apart_are_each_said() -> None:
    out, clock = io.StringIO(), Ticks()
    clock.step = 1.0
    progress = Progress(out, clock=clock)
    for done in (1_000, 2_000):
        progress.count("new events", done, 21_523)
    assert out.getvalue().splitlines() == [
        "sync: sending new events: 1,000/21,523",
        "sync: sending new events: 2,000/21,523",
    ]


def test_progress_without_a_stream_is_silent() -> None:
    Progress(None).stage("anything")  # nothing to write to, nothing raised


def two_classes_synced_through(progress: Progress, **faults: object) -> tuple[ProgressGateway, InMemoryLmsGateway, int]:
    timetable = a_timetable(
        classes=[a_class("c1", "3A"), a_class("c2", "3B")],
        lessons=[a_lesson(index=0), a_lesson(index=1, classes=(link("c2"),))],
    )
    inner = InMemoryLmsGateway(school_persons={UAI: directory_for(timetable)}, **faults)  # type: ignore[arg-type]
    lms = ProgressGateway(inner, progress)
    store = InMemoryAppliedStateStore()
    planned = plan_sync(
        timetable, directory=None, selection=None, store=store, lms=lms, settings=PlanSettings(today=WEEK1)
    )
    lms.expect(planned.plan)
    with contextlib.suppress(KeyboardInterrupt):  # the interrupted cases look at what was counted before
        apply_sync(planned, lms=lms, store=store, batch_size=10)
    return lms, inner, len(planned.plan.actions)


def test_progress_gateway_tells_each_stage_and_counts_what_was_confirmed() -> None:
    # When two classes are synced through the wrapper
    out = io.StringIO()
    lms, inner, planned = two_classes_synced_through(Progress(out, interval_s=0.0))
    # Then every action is counted as confirmed, and each stage ends on its total
    assert (lms.total, lms.confirmed) == (planned, planned + 1)  # the year node besides the actions
    lines = out.getvalue().splitlines()
    assert lines[0] == f"sync: reading the people of school node {UAI} from itslearning"
    assert "sync: sending courses: 2/2" in lines
    assert "sync: sending memberships: 4/4" in lines
    assert lines[-1] == "sync: sending new events: 88/88"
    assert lms.last_error is None
    assert inner.items == planned + 1


def test_progress_gateway_keeps_the_error_that_stopped_the_sync() -> None:
    # Given itslearning that goes away at its fourth call
    def unavailable_from_fourth(_operation: str, call_number: int) -> None:
        if call_number >= 4:
            raise LmsUnavailableError("itslearning is not answering.", {"attempts": 3})

    # When synced, Then the wrapper holds that error, and counts only what came before it
    lms, inner, planned = two_classes_synced_through(Progress(None), before_call=unavailable_from_fourth)
    assert isinstance(lms.last_error, LmsUnavailableError)
    assert lms.last_error.details == {"attempts": 3}
    assert 0 < lms.confirmed == inner.items < planned


@pytest.mark.parametrize("call_number", [2, 5])
def test_progress_gateway_interrupted_counts_what_was_confirmed(call_number: int) -> None:
    def interrupt(_operation: str, number: int) -> None:
        if number == call_number:
            raise KeyboardInterrupt

    lms, inner, planned = two_classes_synced_through(Progress(None), after_call=interrupt)
    # The interrupted call's batch was applied but its answer never came back: not counted as confirmed
    assert lms.confirmed < inner.items <= planned + 1
