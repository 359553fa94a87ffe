from __future__ import annotations

from datetime import date

from edt_import.domain.applied_state import AppliedState
from edt_import.domain.deletion_guard import Deletions, GuardLimit, GuardSettings, check_deletions
from edt_import.domain.plan import Hold
from tests.support.timetable_builders import a_class, a_lesson, a_student, a_timetable, link, plan_of

TODAY = date(2025, 11, 5)


def test_check_deletions_share_above_10_percent_holds_with_figures() -> None:
    # Given 2 of 10 courses deleted and 1 of 100 members removed
    deletions = {"courses": Deletions(deleted=2, before=10), "members": Deletions(deleted=1, before=100)}
    # When
    hold = check_deletions(deletions, empty_export=False, settings=GuardSettings())
    # Then
    assert hold == Hold(
        reasons=("courses_deletions_above_threshold",),
        figures={"courses_deleted": 2, "courses_before": 10, "members_deleted": 1, "members_before": 100},
    )


def test_check_deletions_at_the_share_passes() -> None:
    deletions = {"courses": Deletions(deleted=1, before=10), "events": Deletions(deleted=0, before=0)}
    assert check_deletions(deletions, empty_export=False, settings=GuardSettings()) is None


def test_check_deletions_count_ceiling_holds_even_under_the_share() -> None:
    deletions = {"events": Deletions(deleted=600, before=100_000)}
    hold = check_deletions(deletions, empty_export=False, settings=GuardSettings(max_delete_count=500))
    assert hold is not None
    assert hold.reasons == ("events_deletions_above_threshold",)


def test_plan_empty_export_is_held() -> None:
    # Given an export without any lesson
    result = plan_of(a_timetable(lessons=[]), today=TODAY)
    # Then
    assert result.plan.hold is not None
    assert result.plan.hold.reasons == ("empty_export",)


def test_plan_losing_most_courses_is_held_and_keeps_its_actions() -> None:
    # Given a school with two classes applied, then an export that lost 3B's lessons
    two = a_timetable(
        classes=[a_class(), a_class("c2", "3B")],
        students=[a_student("s1"), a_student("s2", "B", "B", classes=["c2"])],
        lessons=[a_lesson(classes=(link("c1"),)), a_lesson(index=1, classes=(link("c2"),))],
    )
    state = AppliedState(uai="0750001A").recorded(plan_of(two, today=TODAY).plan.actions)
    one = a_timetable(
        classes=[a_class(), a_class("c2", "3B")],
        students=[a_student("s1"), a_student("s2", "B", "B", classes=["c2"])],
        lessons=[a_lesson(classes=(link("c1"),))],
    )
    # When
    result = plan_of(one, today=TODAY, previous=state)
    # Then the deletions are planned but held for an administrator
    assert result.plan.hold is not None
    assert result.plan.hold.reasons == (
        "courses_deletions_above_threshold",
        "members_deletions_above_threshold",
        "events_deletions_above_threshold",
    )
    assert result.plan.hold.figures == {
        "courses_deleted": 1,
        "courses_before": 2,
        "members_deleted": 2,
        "members_before": 4,
        "events_deleted": 34,
        "events_before": 68,
    }
    assert result.report.actions["delete_course"] == 1


def test_check_deletions_per_type_limit_overrides_the_default() -> None:
    # Given members allowed to shrink by half, courses by the default 10 %
    settings = GuardSettings(per_type={"members": GuardLimit(max_delete_share=0.5)})
    deletions = {"courses": Deletions(deleted=1, before=10), "members": Deletions(deleted=40, before=100)}
    # Then
    assert check_deletions(deletions, empty_export=False, settings=settings) is None
    deletions = {"members": Deletions(deleted=60, before=100)}
    hold = check_deletions(deletions, empty_export=False, settings=settings)
    assert hold is not None
    assert hold.reasons == ("members_deletions_above_threshold",)


def test_plan_empty_export_over_an_applied_state_is_held_with_figures_and_its_deletions() -> None:
    # Given the default school applied on 5 November, then an export without any lesson
    state = AppliedState(uai="0750001A").recorded(plan_of(a_timetable(), today=TODAY).plan.actions)
    # When
    result = plan_of(a_timetable(lessons=[]), today=TODAY, previous=state)
    # Then held for both reasons, with the figures, and the deletions still planned and counted
    assert result.plan.hold == Hold(
        reasons=(
            "empty_export",
            "courses_deletions_above_threshold",
            "members_deletions_above_threshold",
            "events_deletions_above_threshold",
        ),
        figures={
            "courses_deleted": 1,
            "courses_before": 1,
            "members_deleted": 3,
            "members_before": 3,
            "events_deleted": 34,
            "events_before": 34,
        },
    )
    assert {k: v for k, v in result.report.actions.items() if v} == {
        "delete_course": 1,
        "remove_member": 3,
        "delete_event": 34,
    }


def test_check_deletions_count_limit_per_type_holds_only_that_type() -> None:
    # Given at most 5 events may go, whatever the share, and the default share elsewhere
    settings = GuardSettings(per_type={"events": GuardLimit(max_delete_share=1.0, max_delete_count=5)})
    deletions = {"events": Deletions(deleted=6, before=1000), "members": Deletions(deleted=6, before=1000)}
    # Then
    hold = check_deletions(deletions, empty_export=False, settings=settings)
    assert hold is not None
    assert hold.reasons == ("events_deletions_above_threshold",)
