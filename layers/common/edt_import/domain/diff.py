"""Actions that bring itslearning from the previous applied state to the planned one (Canvas's diffing mode).

Only what the import itself created is ever deleted (the state holds nothing else), past events are never
touched, and an unchanged input gives no action at all. Unchanged objects are the previous state's very
objects (see ``reuse_*``), so the comparison of a re-plan is mostly identity checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from edt_import.domain.directory import PersonKey
from edt_import.domain.plan import Action, ActionType, CourseSpec, EventSpec, MemberSpec

ACTION_ORDER = (
    ActionType.CREATE_COURSE,
    ActionType.UPDATE_COURSE,
    ActionType.ADD_MEMBER,
    ActionType.CREATE_EVENT,
    ActionType.UPDATE_EVENT,
    ActionType.DELETE_EVENT,
    ActionType.REMOVE_MEMBER,
    ActionType.DELETE_COURSE,
)


@dataclass(slots=True)
class Changes:
    """Actions by type; ``actions()`` gives them in a safe application order (creations before removals)."""

    by_type: dict[ActionType, list[Action]]

    @classmethod
    def empty(cls) -> Changes:
        return cls(by_type={action_type: [] for action_type in ACTION_ORDER})

    def add(self, action_type: ActionType, target: CourseSpec | MemberSpec | EventSpec) -> None:
        self.by_type[action_type].append(Action(type=action_type, target=target))

    def actions(self) -> tuple[Action, ...]:
        return tuple(action for action_type in ACTION_ORDER for action in self.by_type[action_type])

    def counts(self) -> dict[str, int]:
        return {action_type.value: len(self.by_type[action_type]) for action_type in ACTION_ORDER}


def reuse_course(spec: CourseSpec, previous: Mapping[str, CourseSpec]) -> CourseSpec:
    old = previous.get(spec.key)
    return old if old == spec else spec


def reuse_event(
    *,
    key: str,
    course_key: str,
    title: str,
    start: datetime,
    end: datetime,
    local_date: date,
    rooms: tuple[str, ...],
    teachers: tuple[PersonKey, ...],
    description: str,
    previous: Mapping[str, EventSpec],
) -> EventSpec:
    """The previous event itself when nothing changed, otherwise a new spec."""
    old = previous.get(key)
    if (
        old is not None
        and old.start == start
        and old.end == end
        and old.rooms == rooms
        and old.teachers == teachers
        and old.title == title
        and old.description == description
        and old.course_key == course_key
        and old.local_date == local_date
    ):
        return old
    return EventSpec(
        key=key,
        course_key=course_key,
        title=title,
        start=start,
        end=end,
        local_date=local_date,
        rooms=rooms,
        teachers=teachers,
        description=description,
    )


def diff_courses(desired: Mapping[str, CourseSpec], previous: Mapping[str, CourseSpec], changes: Changes) -> None:
    for key, spec in desired.items():
        old = previous.get(key)
        if old is None:
            changes.add(ActionType.CREATE_COURSE, spec)
        elif old is not spec and old != spec:
            changes.add(ActionType.UPDATE_COURSE, spec)
    for key, old in previous.items():
        if key not in desired:
            changes.add(ActionType.DELETE_COURSE, old)


def diff_members(desired: Mapping[str, MemberSpec], previous: Mapping[str, MemberSpec], changes: Changes) -> None:
    add, adds = ActionType.ADD_MEMBER, changes.by_type[ActionType.ADD_MEMBER]
    for key, spec in desired.items():
        if key not in previous:
            adds.append(Action(type=add, target=spec))
    remove, removes = ActionType.REMOVE_MEMBER, changes.by_type[ActionType.REMOVE_MEMBER]
    for key, old in previous.items():
        if key not in desired:
            removes.append(Action(type=remove, target=old))


def diff_events(desired: Mapping[str, EventSpec], previous_future: Mapping[str, EventSpec], changes: Changes) -> None:
    """``desired`` holds events from the import date on; ``previous_future`` the previous ones from that date on."""
    create, creates = ActionType.CREATE_EVENT, changes.by_type[ActionType.CREATE_EVENT]
    update, updates = ActionType.UPDATE_EVENT, changes.by_type[ActionType.UPDATE_EVENT]
    for key, spec in desired.items():
        old = previous_future.get(key)
        if old is None:
            creates.append(Action(type=create, target=spec))
        elif old is not spec and old != spec:
            updates.append(Action(type=update, target=spec))
    delete, deletes = ActionType.DELETE_EVENT, changes.by_type[ActionType.DELETE_EVENT]
    for key, old in previous_future.items():
        if key not in desired:
            deletes.append(Action(type=delete, target=old))
