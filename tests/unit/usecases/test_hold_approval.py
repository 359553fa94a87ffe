"""Releasing a held sync: the approval code names exactly the deletions an administrator read."""

from __future__ import annotations

from edt_import.domain.hold_approval import approval_code, deleted_courses, released
from edt_import.domain.plan import ActionType
from edt_import.domain.planning import PlanSettings
from edt_import.domain.timetable import Timetable
from edt_import.usecases.apply_sync import apply_sync
from edt_import.usecases.plan_sync import PlannedSync, plan_sync
from tests.support.in_memory_lms import InMemoryLmsGateway
from tests.support.in_memory_state_store import InMemoryAppliedStateStore
from tests.support.timetable_builders import UAI, WEEK1, a_class, a_lesson, a_timetable, directory_for, link

SETTINGS = PlanSettings(today=WEEK1)


def classes(*names: str) -> Timetable:
    """MATHS for each class named, with a weekly lesson each."""
    return a_timetable(
        classes=[a_class(f"c{name}", name) for name in names],
        lessons=[a_lesson(index=i, classes=(link(f"c{name}"),)) for i, name in enumerate(names)],
    )


def synced_then_planned(first: Timetable, second: Timetable) -> tuple[PlannedSync, InMemoryLmsGateway]:
    """``first`` synced; ``second`` planned against what that left."""
    store = InMemoryAppliedStateStore()
    lms = InMemoryLmsGateway(school_persons={UAI: directory_for(first)})

    def planned(timetable: Timetable) -> PlannedSync:
        return plan_sync(timetable, directory=None, selection=None, store=store, lms=lms, settings=SETTINGS)

    assert apply_sync(planned(first), lms=lms, store=store).complete
    return planned(second), lms


def test_approval_code_same_deletions_same_code_other_deletions_other_code() -> None:
    # Given four classes synced, then exports keeping one of them (held: 3 of 4 courses would go)
    losing_three, _ = synced_then_planned(classes("3A", "3B", "3C", "3D"), classes("3A"))
    again, _ = synced_then_planned(classes("3A", "3B", "3C", "3D"), classes("3A"))
    losing_other_three, _ = synced_then_planned(classes("3A", "3B", "3C", "3D"), classes("3B"))
    assert losing_three.held

    # Then the same deletions give the same code, other deletions another, and the courses are listed by title
    assert approval_code(losing_three.plan) == approval_code(again.plan)
    assert approval_code(losing_three.plan) != approval_code(losing_other_three.plan)
    assert [course["title"] for course in deleted_courses(losing_three.plan)] == [
        "MATHEMATIQUES - 3B",
        "MATHEMATIQUES - 3C",
        "MATHEMATIQUES - 3D",
    ]


def test_released_only_by_the_plan_own_code() -> None:
    held, _ = synced_then_planned(classes("3A", "3B", "3C", "3D"), classes("3A"))
    code = approval_code(held.plan)
    assert released(held.plan, "0" * len(code)) is held.plan
    assert released(held.plan, f" {code.upper()} ").hold is None  # as pasted from a terminal
    assert released(held.plan, code).actions == held.plan.actions


def test_planned_sync_approved_applies_the_deletions_it_held() -> None:
    # Given a held sync and its code
    held, lms = synced_then_planned(classes("3A", "3B", "3C", "3D"), classes("3A"))
    store = InMemoryAppliedStateStore()
    store.save(held.state)

    # When a wrong code is given, Then it stays held; When its code is given, Then it is released and applies
    assert held.approve("123456789abc").held
    approved = held.approve(approval_code(held.plan))
    assert not approved.held
    report = apply_sync(approved, lms=lms, store=store)
    assert report.complete
    assert report.counts[ActionType.DELETE_COURSE].succeeded == 3
    assert sorted(course.title for course in lms.courses.values()) == ["MATHEMATIQUES - 3A"]
